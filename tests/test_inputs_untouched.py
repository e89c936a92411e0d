"""The README's promise: input files are never modified, whatever command and output folder.

Every command runs on inputs kept in one folder (the participants, mentors, a hand-made
assignment, a configuration and a scenario file), once into a new folder and then with
``--force`` onto the inputs' folder and onto the folder above it, which are refused. The
inputs must be byte for byte, time and permission the same afterwards.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tkm_assign.cli import main

VALID = Path(__file__).parent / "data" / "valid"


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int, int]]:
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns, p.stat().st_mode)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("work") / "inputs"
    folder.mkdir()
    shutil.copy(VALID / "participants.csv", folder)
    shutil.copy(VALID / "mentors.csv", folder)
    (folder / "assignments.csv").write_text(
        "participant_id,mentor_id\nP01,M1\nP02,M1\nP05,M3\nP08,M5\n", encoding="utf-8"
    )
    (folder / "config.toml").write_text(
        '[travel]\nmodel = "haversine"\ncache_dir = ""\n[schedule]\nplacement_limit = 0.05\n'
        "[capacity]\nscenario_workers = 1\ntime_limit = 0.2\nmax_rounds = 1\n",
        encoding="utf-8",
    )
    (folder / "scenarios.toml").write_text(
        "[scenario.kecil]\ncaseload.max = 10\n[scenario.besar]\ncaseload.max = 20\n",
        encoding="utf-8",
    )
    (folder / "notes.txt").write_text("the coordinator's own notes\n", encoding="utf-8")
    return folder


COMMANDS = {
    "validate": [],
    "assign": [],
    "schedule": ["--assignments", "{inputs}/assignments.csv"],
    "plan": [],
    "audit": ["--assignments", "{inputs}/assignments.csv"],
    "capacity": [],
    "scenarios": ["--scenarios", "{inputs}/scenarios.toml"],
}


@pytest.mark.slow
@pytest.mark.parametrize("command", list(COMMANDS))
def test_inputs_are_never_modified(command: str, inputs: Path, tmp_path: Path, capsys):
    before = _snapshot(inputs)
    args = [
        command,
        "--participants",
        str(inputs / "participants.csv"),
        "--mentors",
        str(inputs / "mentors.csv"),
        "--config",
        str(inputs / "config.toml"),
        "--quiet",
        *(a.format(inputs=inputs) for a in COMMANDS[command]),
    ]
    if command == "validate":
        assert main(args) == 0
    else:
        assert main([*args, "--out", str(tmp_path / "out")]) == 0, capsys.readouterr().err
        for out in (inputs, inputs.parent):
            capsys.readouterr()
            assert main([*args, "--out", str(out), "--force"]) == 2
            assert "folder keluaran itu berisi masukan" in capsys.readouterr().err
    assert _snapshot(inputs) == before
    assert sorted(p.name for p in inputs.parent.iterdir()) == ["inputs"]
