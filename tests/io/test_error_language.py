"""Errors people meet read in their language: every problem of every broken input file, the
configuration's and the output folder's refusals, in Indonesian and in English, with the
file, row, column and value kept; and they survive pickling (worker processes, Dask)."""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import pytest

from tests.io.test_validate import BROKEN, INVALID, VALID
from tkm_assign.config import Config
from tkm_assign.errors import ConfigError, InputError, OutputExistsError
from tkm_assign.io.output import check_output_dir
from tkm_assign.io.read import MENTOR_COLUMNS, PARTICIPANT_COLUMNS
from tkm_assign.io.validate import load_problem
from tkm_assign.messages import MESSAGES, Message, template

PREFIXES = ("problem.", "input.", "config.", "output.")
# Column names are the files' identifiers (``sector``, ``latitude``), not words of a language.
COLUMNS = {c for c in (*PARTICIPANT_COLUMNS, *MENTOR_COLUMNS) if "_" not in c}


def _words(text: str) -> set[str]:
    """Words of ``text``, leaving out paths, file names, keys and codes (``a.b``, ``a_b``)
    and quoted values (the input's own words)."""
    text = re.sub(r"'[^']*'", " ", text)
    kept = " ".join(t for t in text.split() if not any(c in t for c in "/._=+@"))
    return {w.lower() for w in re.findall(r"[A-Za-z][A-Za-z-]*[A-Za-z]", kept)}


def _vocabulary(lang: str) -> set[str]:
    codes = [code for code in MESSAGES if code.startswith(PREFIXES)]
    return set().union(*(_words(re.sub(r"\{[^}]*\}", " ", template(c, lang))) for c in codes))


ENGLISH, INDONESIAN = _vocabulary("en"), _vocabulary("id")
ONLY = {"en": ENGLISH - INDONESIAN, "id": INDONESIAN - ENGLISH}
OTHER = {"en": "id", "id": "en"}
WHERE = {
    "id": (
        "{file} baris {row}, kolom {column}: ",
        "{file} baris {row}: ",
        "{file} kolom {column}: ",
    ),
    "en": ("{file} row {row} column {column}: ", "{file} row {row}: ", "{file} column {column}: "),
}


def _problems(name: str) -> InputError:
    broken = INVALID / name
    if name.startswith("participants"):
        files = (broken, VALID / "mentors.csv")
    else:
        files = (VALID / "participants.csv", broken)
    with pytest.raises(InputError) as caught:
        load_problem(*files, Config())
    return caught.value


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("name", [b[0] for b in BROKEN])
def test_every_problem_of_a_broken_file_reads_in_the_language(name, lang):
    error = _problems(name)
    for problem in error.problems:
        assert problem.expected.code != "problem.text", problem  # from the catalogue
        text = problem.render(lang)
        row_column, row, column = WHERE[lang]
        if problem.row is not None and problem.column:
            where = row_column
        elif problem.row is not None:
            where = row
        elif problem.column:
            where = column
        else:
            where = "{file}: "
        assert text.startswith(where.format(**vars_of(problem))), text
        if problem.value is not None:
            assert repr(problem.value) in text
        # The catalogue's words are checked; the values put into them are the input's data
        # (accepted labels, sheet names, a library's reason), and so is where it is.
        worded = text.removeprefix(where.format(**vars_of(problem)))
        for value in sorted(_texts(problem.expected), key=len, reverse=True):
            worded = worded.replace(value, " ")
        left = sorted((_words(worded) - COLUMNS) & ONLY[OTHER[lang]])
        assert not left, f"{name} in {lang}: {left} of {OTHER[lang]} in: {text}"
    heading = error.render(lang).splitlines()[0]
    assert heading == ("masalah pada masukan:" if lang == "id" else "problem in the input:") or (
        re.fullmatch(r"\d+ (masalah pada masukan|problem\(s\) in the input):", heading)
    )
    assert str(error) == error.render("en")  # the library's own text is English


def _texts(message: Message) -> set[str]:
    """Every text value inside ``message`` (nested messages are words, not values)."""
    found: set[str] = set()
    for _, value in message.values:
        if isinstance(value, Message):
            found |= _texts(value)
        elif isinstance(value, tuple):
            for part in value:
                found |= _texts(part)
        elif isinstance(value, str) and value:
            found.add(value)
    return found


def vars_of(problem: object) -> dict[str, object]:
    return {k: getattr(problem, k) for k in ("file", "row", "column")}


def test_a_bad_phone_number_reads_as_a_coordinator_says_it():
    [problem] = [p for p in _problems("participants_bad_phone.csv").problems if p.row == 5]
    text = problem.render("id")
    assert ", kolom phone: (nomornya tidak ditampilkan di sini) " in text
    assert "seharusnya nomor telepon Indonesia seperti 0812-3456-7890" in text


def test_an_input_error_pickles_with_its_messages():
    error = _problems("participants_unknown_sector.csv")
    error.warnings = ()
    again = pickle.loads(pickle.dumps(error))
    assert again.problems == error.problems
    assert again.render("id") == error.render("id") and "bukan sektor" in again.render("id")


@pytest.mark.parametrize(
    ("overrides", "indonesian", "english"),
    [
        (
            ["caseload.max=0"],
            "Peserta per pendamping (caseload.max): 0 di luar rentang; seharusnya 1..1,000",
            "Participants per mentor (caseload.max): 0 is out of range; expected 1..1,000",
        ),
        (
            ["caseload.maxx=3"],
            "caseload.maxx: kunci konfigurasi tidak dikenal; kunci yang dikenal di sini: ",
            "caseload.maxx: unknown configuration key; known keys here: ",
        ),
        (
            ['travel.model="pesawat"'],
            "travel.model: 'pesawat' bukan salah satu dari ",
            "travel.model: 'pesawat' is not one of ",
        ),
        (
            ["assign.time_limit_s=true"],
            "assign.time_limit_s: seharusnya angka, yang diberikan True",
            "assign.time_limit_s: expected a number, got True",
        ),
        (["caseload.max"], "pengaturan 'caseload.max': seharusnya bagian.kunci=nilai", "setting "
         "'caseload.max': expected section.key=value"),
    ],
)  # fmt: skip
def test_configuration_errors_read_in_both_languages(overrides, indonesian, english):
    with pytest.raises(ConfigError) as caught:
        Config.load(overrides=overrides)
    error = caught.value
    assert error.message is not None
    assert indonesian in error.render("id"), error.render("id")
    assert english in error.render("en") and str(error) == error.render("en")
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is ConfigError and again.render("id") == error.render("id")


def test_a_missing_configuration_file_reads_in_both_languages(tmp_path: Path):
    with pytest.raises(ConfigError) as caught:
        Config.load(tmp_path / "tidak_ada.toml")
    assert caught.value.render("id").endswith("tidak_ada.toml: berkas konfigurasi tidak ditemukan")
    assert caught.value.render("en").endswith("tidak_ada.toml: configuration file not found")


def test_output_folder_errors_read_in_both_languages(tmp_path: Path):
    (tmp_path / "out").mkdir()
    with pytest.raises(OutputExistsError) as caught:
        check_output_dir(tmp_path / "out", force=False, inputs=[])
    error = caught.value
    assert error.render("id") == f"{tmp_path / 'out'}: folder keluaran sudah ada"
    assert error.render("en") == str(error) == f"{tmp_path / 'out'}: output folder already exists"
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is OutputExistsError and again.render("id") == error.render("id")
    (tmp_path / "out" / "mine.txt").write_text("kept")
    with pytest.raises(OutputExistsError.__mro__[1]) as caught:
        check_output_dir(tmp_path / "out", force=True, inputs=[])
    assert "tidak ada yang dihapus" in caught.value.render("id")
    assert "nothing was deleted" in caught.value.render("en")


def test_the_check_sees_a_word_of_the_other_language():
    assert "bukan" in ONLY["id"] and "expected" in ONLY["en"]
    assert _words("p.csv baris 3, kolom sector: 'bakery' is not a sector") >= {"is", "not"}
