"""Every command's --help ends with a worked example, and every example runs."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from tkm_assign import app
from tkm_assign.cli import EXAMPLES, _build_parser, main
from tkm_assign.config import Config


def _commands() -> list[str]:
    parser = _build_parser()
    (sub,) = [a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction"]
    return sorted(sub.choices)  # type: ignore[union-attr]


def test_every_command_has_an_example():
    assert sorted(EXAMPLES) == _commands()


@pytest.mark.parametrize("command", sorted(EXAMPLES))
def test_help_shows_the_example_as_it_runs(command: str, capsys):
    with pytest.raises(SystemExit) as done:
        main([command, "--help"])
    assert done.value.code == 0
    shown = capsys.readouterr().out
    for line in EXAMPLES[command]:
        assert line in shown
        assert line.startswith("tkm-assign ")
    assert EXAMPLES[command][-1].split()[1] == command  # the last line is this command


def test_the_settings_suggested_in_option_help_are_accepted(capsys):
    shown = ""
    for command in EXAMPLES:
        with pytest.raises(SystemExit):
            main([command, "--help"])
        shown += capsys.readouterr().out
    shown = " ".join(shown.split())  # argparse wraps help text
    overrides = set(re.findall(r"--set ([a-z_.]+=\S+)", shown))
    grids = {g.rstrip(",)") for g in re.findall(r"--grid ([a-z_.]+=\S+)", shown)}
    assert "caseload.max=15" in overrides and "sessions.target=2,3,4" in grids
    config = Config.load(None, sorted(overrides))
    assert config.caseload.max == 15
    configured = app.expand_scenarios(config, [], [app.parse_grid(g) for g in sorted(grids)])
    assert len(configured) > 1


@pytest.mark.slow
def test_every_example_runs_in_an_empty_folder(tmp_path: Path, monkeypatch):
    # The demo's example runs in tests/test_cli_plan.py (it plans the national sample).
    monkeypatch.chdir(tmp_path)
    done: set[str] = set()
    for command in sorted(EXAMPLES, key=lambda c: c != "generate"):
        if command == "demo":
            continue
        for line in EXAMPLES[command]:
            if line in done:
                continue
            assert main([*shlex.split(line)[1:], "--quiet"]) == 0, line
            done.add(line)
    for folder in (
        "sampel",
        "contoh",
        "penugasan",
        "jadwal",
        "rencana",
        "pemeriksaan",
        "kapasitas",
    ):
        assert any((tmp_path / folder).iterdir()), folder
    assert (tmp_path / "skenario" / "scenarios.csv").is_file()
