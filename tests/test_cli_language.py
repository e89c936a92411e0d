"""The command line speaks one language: Indonesian by default, English with ``--lang en``,
with no word of the other language left in its summaries, its progress lines on stderr,
its ``--help`` (argparse's own words too) and its argument errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.test_cli_running import FAST, INPUTS
from tkm_assign.cli import EXAMPLES, main
from tkm_assign.messages import catalogue_codes, template

AS_OF = "2027-08-15"


def _words(text: str) -> set[str]:
    """The words of ``text``, leaving out paths and file names (``o1/assignments.csv``)."""
    kept = " ".join(token for token in text.split() if "/" not in token and "." not in token)
    return {word.lower() for word in re.findall(r"[A-Za-z][A-Za-z-]*[A-Za-z]", kept)}


def _vocabulary(lang: str) -> set[str]:
    """Every word of the command line's texts in ``lang`` (placeholders left out): its
    summaries and help (``cli.*``) and its progress lines (``log.*``)."""
    codes = [*catalogue_codes("cli."), *catalogue_codes("log.")]
    texts = (re.sub(r"\{[^}]*\}", " ", template(code, lang)) for code in codes)
    return set().union(*(_words(text) for text in texts))


ENGLISH, INDONESIAN = _vocabulary("en"), _vocabulary("id")
ONLY = {"en": ENGLISH - INDONESIAN, "id": INDONESIAN - ENGLISH}
OTHER = {"en": "id", "id": "en"}


@pytest.fixture(scope="module")
def plan(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("language")
    folders = {"plan": root / "p0", "sim": root / "s0"}
    assert main(["plan", *INPUTS, *FAST, "--out", str(folders["plan"]), "--quiet"]) == 0
    simulate = ["simulate", "--plan", str(folders["plan"]), "--as-of", AS_OF]
    assert main([*simulate, "--out", str(folders["sim"]), "--quiet"]) == 0
    return folders


def _commands(plan: dict[str, Path], out: Path) -> dict[str, list[str]]:
    logbook = ["--logbook", str(plan["sim"] / "logbook.csv"), "--as-of", AS_OF]
    now = ["--participants", str(plan["sim"] / "participants.csv")]
    now += ["--mentors", str(plan["sim"] / "mentors.csv")]
    assignments = ["--assignments", str(plan["plan"] / "assignments.csv")]
    running = ["--plan", str(plan["plan"]), *logbook, *now]
    return {
        "plan": ["plan", *INPUTS, *FAST, "--out", str(out / "o1")],
        "assign": ["assign", *INPUTS, *FAST, "--out", str(out / "o2")],
        "audit": ["audit", *INPUTS, *assignments, *FAST, "--out", str(out / "o3")],
        "progress": ["progress", *running, "--out", str(out / "o4")],
        "replan": ["replan", *running, "--out", str(out / "o5")],
    }


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_summary_is_in_the_chosen_language(plan, tmp_path, capsys, lang):
    chosen = [] if lang == "id" else ["--lang", "en"]  # Indonesian is the default
    for command, args in _commands(plan, tmp_path).items():
        assert main([*args, *chosen, "--quiet"]) == 0, command
        printed = capsys.readouterr().out
        words = _words(printed)
        assert words & ONLY[lang], f"{command}: nothing in {lang}: {printed}"
        left = sorted(words & ONLY[OTHER[lang]])
        assert not left, f"{command} --lang {lang}: {left} of {OTHER[lang]} in:\n{printed}"


def test_solver_statuses_are_words(plan, tmp_path, capsys):
    args = _commands(plan, tmp_path)["assign"]
    assert main([*args, "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert "OPTIMAL" not in printed and "FEASIBLE" not in printed
    assert "rencana optimal, terbukti" in printed or "rencana layak" in printed


def test_the_configured_language_is_the_default(plan, tmp_path, capsys):
    args = _commands(plan, tmp_path)["assign"]
    assert main([*args, "--set", 'output.lang="en"', "--quiet"]) == 0
    assert "participants" in capsys.readouterr().out


def test_the_check_sees_a_word_of_the_other_language():
    assert _words("3 dari 10 peserta; assigned o1/assignments.csv") == {
        "dari",
        "peserta",
        "assigned",
    }
    assert "assigned" in ONLY["en"] and "peserta" in ONLY["id"]


def _left(text: str, lang: str) -> list[str]:
    """Words of the other language's texts in ``text``."""
    return sorted(_words(text) & ONLY[OTHER[lang]])


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_progress_lines_on_stderr_are_in_the_chosen_language(plan, tmp_path, capsys, lang):
    args = _commands(plan, tmp_path)["plan"]
    assert main([*args, "--lang", lang]) == 0
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) >= 3, err  # read, assignment, schedule, writing
    assert _words(err) & ONLY[lang], err
    assert not _left(err, lang), f"{_left(err, lang)} in:\n{err}"
    # Plain-text developer records (the writers' "workbook: plan.xlsx") are not shown.
    assert "workbook:" not in err and "geopackage:" not in err


ARGPARSE_ENGLISH = ("usage:", "options:", "show this help message", "positional arguments")


def _prose(text: str) -> str:
    """``text`` without option names (``--help``), command names and ``{id,en}``."""
    names = "|".join(sorted(EXAMPLES))
    return re.sub(rf"(?<![\w-])(-\S+|\{{id,en\}}|tkm-assign|{names})(?![\w-])", " ", text)


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("command", [None, *sorted(EXAMPLES)])
def test_every_help_is_in_the_chosen_language(command, lang, capsys):
    with pytest.raises(SystemExit) as done:
        main([*([command] if command else []), "--help", "--lang", lang])
    assert done.value.code == 0
    shown = capsys.readouterr().out
    if command is not None:
        shown = shown.split(template("cli.help.example_steps", lang))[0]
        shown = shown.split(template("cli.help.example", lang))[0]  # commands, not words
    prose = _prose(shown)
    assert _words(prose) & ONLY[lang], prose
    assert not _left(prose, lang), f"{_left(prose, lang)} in:\n{prose}"
    if lang == "id":
        assert "penggunaan: tkm-assign" in shown and "pilihan:" in shown
        assert not [w for w in ARGPARSE_ENGLISH if w in shown], shown
        assert "menampilkan bantuan ini lalu keluar" in shown


def test_the_language_of_the_configuration_words_the_help(capsys):
    with pytest.raises(SystemExit):
        main(["validate", "--set", 'output.lang="en"', "--help"])
    assert "usage: tkm-assign validate" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "indonesian", "english"),
    [
        (["plan", "--lang", "id"], "argumen berikut wajib diberikan: --participants", "the "
         "following arguments are required: --participants"),
        (["plan", "--lang", "fr"], "argumen --lang: pilihan tidak sah: 'fr'", "invalid choice"),
        (["plann"], "argumen PERINTAH: pilihan tidak sah: 'plann'", "invalid choice: 'plann'"),
        (["generate", "--seed", "x", "--out", "o"], "'x' bukan bilangan bulat", "'x' is not a "
         "whole number"),
        (["simulate", "--plan", "p", "--as-of", "2027-02-30", "--out", "o"], "'2027-02-30' "
         "bukan tanggal", "'2027-02-30' is not a date"),
        (["validate", "--participants", "p", "--mentors", "m", "--bogus"], "argumen tidak "
         "dikenal: --bogus", "unrecognized arguments: --bogus"),
    ],
)  # fmt: skip
def test_argument_errors_are_in_the_chosen_language(args, indonesian, english, capsys):
    with pytest.raises(SystemExit) as done:
        main(args)
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert "penggunaan: tkm-assign" in err and ": kesalahan: " in err and indonesian in err, err
    assert "usage:" not in err and "error:" not in err
    en = [a for a in args if a not in ("--lang", "id", "fr")] + ["--lang", "en"]
    if "fr" not in args:
        with pytest.raises(SystemExit) as done:
            main(en)
        assert done.value.code == 2
        err = capsys.readouterr().err
        assert "usage: tkm-assign" in err and ": error: " in err and english in err, err
