"""The command line's summaries speak one language: Indonesian by default, English with
``--lang en``, with no word of the other language left in them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.test_cli_running import FAST, INPUTS
from tkm_assign.cli import main
from tkm_assign.messages import catalogue_codes, template

AS_OF = "2027-08-15"


def _words(text: str) -> set[str]:
    """The words of ``text``, leaving out paths and file names (``o1/assignments.csv``)."""
    kept = " ".join(token for token in text.split() if "/" not in token and "." not in token)
    return {word.lower() for word in re.findall(r"[A-Za-z][A-Za-z-]*[A-Za-z]", kept)}


def _vocabulary(lang: str) -> set[str]:
    """Every word of the command line's texts in ``lang`` (placeholders left out)."""
    texts = (re.sub(r"\{[^}]*\}", " ", template(code, lang)) for code in catalogue_codes("cli."))
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
