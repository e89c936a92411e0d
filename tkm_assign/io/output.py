"""Atomic output folders: everything is written to a temporary sibling folder, then moved.

An interrupted run (error, Ctrl-C, power cut) leaves no half-written output folder behind,
and an existing folder is replaced only with ``force=True``.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from tkm_assign.errors import OutputError, OutputExistsError


def check_output_dir(out: str | Path, force: bool = False) -> None:
    """Raise :class:`OutputError` now for a folder :func:`atomic_output_dir` would refuse.

    Front ends call it before a long computation, so a bad output folder fails at once.
    An existing folder raises :class:`~tkm_assign.errors.OutputExistsError` (front ends
    say how to choose another or replace it).
    """
    target = Path(out)
    if target.exists() and not force:
        raise OutputExistsError(f"{target}: output folder already exists")
    if target.exists() and not target.is_dir():
        raise OutputError(f"{target}: exists and is not a folder")


@contextmanager
def atomic_output_dir(out: str | Path, force: bool = False) -> Iterator[Path]:
    """Yield a temporary folder; on success it becomes ``out``.

    Raises :class:`OutputError` before anything runs if ``out`` exists (without ``force``)
    or its parent cannot be written.
    """
    target = Path(out)
    check_output_dir(target, force)
    parent = target.parent if str(target.parent) else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".partial", dir=parent))
    except OSError as error:
        raise OutputError(f"{target}: cannot create the output folder ({error.strerror})") from None
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    # mkdtemp makes the folder private (0700); give it the permissions a new folder gets.
    umask = os.umask(0)
    os.umask(umask)
    staging.chmod(0o777 & ~umask)
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=parent))
        target.rename(old / "previous")
    staging.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """CSV as spreadsheets expect it: UTF-8 with BOM so Excel shows Indonesian names right."""
    frame.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")


def write_json(data: Any, path: Path) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n", "utf-8")
