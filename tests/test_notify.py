"""Warnings and progress per call: collected for the call that raised them, and only there."""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import pytest

import tkm_assign
from tkm_assign.errors import InputWarning
from tkm_assign.messages import Message
from tkm_assign.notify import collecting, progress, warn


def test_warnings_are_collected_per_call_and_progress_goes_to_its_callback():
    first = Message.of("step.read")
    seen: list[tuple[str, int, int]] = []
    with collecting(lambda *args: seen.append(args)) as outer:
        warn(first, InputWarning)
        progress("step.read", 1, 2)
        with collecting() as inner:
            warn(Message.of("step.assign"))
        warn(first, InputWarning)  # the same fact once
    assert outer.warnings == (first,)
    assert inner.warnings == (Message.of("step.assign"),)
    assert seen == [("step.read", 1, 2)]


def test_outside_a_call_a_warning_is_a_python_warning_that_pickles():
    with pytest.warns(InputWarning, match="Reading the input files") as caught:
        warn(Message.of("step.read"), InputWarning)
    warning = caught[0].message
    assert isinstance(warning, InputWarning)
    again = pickle.loads(pickle.dumps(warning))
    assert again.message == Message.of("step.read") and str(again) == str(warning)


def test_library_code_warns_only_through_notify():
    """A warnings.warn elsewhere would escape the call's collection (and mix calls)."""
    package = Path(tkm_assign.__file__).parent
    offenders = [
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if path.name != "notify.py" and re.search(r"\bwarnings\.warn\(", path.read_text("utf-8"))
    ]
    assert offenders == []
