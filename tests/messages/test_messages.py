"""The message catalogue: codes, translations, rendering, and the per-call warnings."""

from __future__ import annotations

import pickle

import pytest
from babel.messages.pofile import read_po

from tkm_assign.errors import InputWarning
from tkm_assign.messages import LANGUAGES, MESSAGES, Message, joined, placeholders, render
from tkm_assign.messages.__main__ import LOCALE, stale_files
from tkm_assign.notify import collecting, progress, warn


def _catalog(lang: str):
    with (LOCALE / lang / "LC_MESSAGES" / "tkm_assign.po").open("rb") as handle:
        return read_po(handle, locale=lang)


def test_the_catalogue_files_hold_every_code_of_the_code():
    assert stale_files() == [], "run: python -m tkm_assign.messages"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_translation_keeps_the_placeholders_of_its_source(lang: str):
    for entry in _catalog(lang):
        if not entry.id or not entry.string:
            continue
        source = MESSAGES[entry.context]
        texts = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        for text in texts:
            assert placeholders(text) == placeholders(source), (entry.context, text)


def test_every_step_of_progress_is_in_indonesian():
    catalog = _catalog("id")
    steps = [m for m in catalog if m.context and m.context.startswith("step.")]
    assert steps and all(m.string for m in steps)


def test_a_message_renders_in_each_language_and_falls_back_to_english():
    message = Message.of(
        "warning.province_without_mentor", source="peserta.csv", count=3, province="Maluku"
    )
    assert render(message, "en") == (
        "peserta.csv: 3 participant(s) in Maluku but no mentor lives in that province"
    )
    assert render(message, "id").startswith("peserta.csv: 3 peserta di Maluku")
    assert str(message) == render(message, "en")
    untranslated = Message.of("joined", parts=(message,))
    assert render(untranslated, "id") == render(message, "id")


def test_unknown_codes_and_missing_values_fail_at_once():
    with pytest.raises(KeyError, match="not in"):
        Message.of("reason.no_such_thing")
    with pytest.raises(KeyError, match="province"):
        Message.of("warning.province_without_mentor", source="x", count=1)
    with pytest.raises(ValueError, match="language 'fr'"):
        render(Message.of("step.read"), "fr")


def test_messages_are_values():
    a = Message.of("step.read")
    b = pickle.loads(pickle.dumps(a))
    assert a == b and hash(a) == hash(b) and {a, b} == {a}
    parts = joined([a, Message.of("step.assign"), a])
    assert render(parts, "en") == "Reading the input files; Assigning mentors"
    assert joined([a]) is a


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
