"""The message catalogue: codes, translations, rendering, and the per-call warnings."""

from __future__ import annotations

import pickle

import pytest
from babel.messages.pofile import read_po

from tkm_assign.messages import LANGUAGES, MESSAGES, Message, joined, placeholders, render
from tkm_assign.messages.__main__ import LOCALE, stale_files


def _catalog(lang: str):
    with (LOCALE / lang / "LC_MESSAGES" / "tkm_assign.po").open("rb") as handle:
        return read_po(handle, locale=lang)


def test_the_catalogue_files_hold_every_code_of_the_code():
    assert stale_files() == [], "run: python -m tkm_assign.messages"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_translation_keeps_the_placeholders_of_its_source(lang: str):
    for entry in _catalog(lang):
        texts = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if not entry.id or not any(texts):
            continue  # not translated yet: renders in English
        source = MESSAGES[entry.context]
        for text in texts:
            assert placeholders(text) == placeholders(source), (entry.context, text)


# Sections people read in every output: each code has its Indonesian text. (Reasons and
# findings are still being translated; they render in English until then.)
COMPLETE = (
    "step.", "label.", "column.", "value.", "weekday.", "month_name.", "rule.", "chart.",
    "scenario_column.", "warning.", "cli.help.", "cli.argparse.", "log.",
    "problem.", "input.", "config.", "output.", "cluster.", "install.",
)  # fmt: skip


@pytest.mark.parametrize("prefix", COMPLETE)
def test_every_code_of_a_complete_section_is_in_indonesian(prefix: str):
    catalog = _catalog("id")
    entries = [m for m in catalog if m.context and m.context.startswith(prefix)]
    assert entries
    missing = [m.context for m in entries if not m.string]
    assert missing == []


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


def test_an_untranslated_plural_falls_back_to_the_english_form_of_its_count():
    catalog = _catalog("id")
    untranslated = [
        e.context for e in catalog if e.context and isinstance(e.id, tuple) and not any(e.string)
    ]
    if not untranslated:
        pytest.skip("every plural has its Indonesian text")
    code = untranslated[0]
    values = dict.fromkeys(placeholders(MESSAGES[code]), 7)
    many = Message.of(code, **values)
    assert render(many, "id") == render(many, "en")
    assert render(many, "en") == MESSAGES[code].plural.format(**values)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "section", ["reason.", "finding.", "warning.", "label.", "column.", "value."]
)
def test_every_text_of_the_outputs_is_in_indonesian(section: str):
    catalog = _catalog("id")
    missing = [
        e.context
        for e in catalog
        if e.context
        and e.context.startswith(section)
        and not (all(e.string) if isinstance(e.string, tuple) else e.string)
    ]
    assert missing == []
