"""Output folders: never an input, never someone else's files, nothing left behind."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import pytest

from tkm_assign.cli import main
from tkm_assign.errors import OutputError, OutputWarning
from tkm_assign.io.output import (
    MANIFEST,
    atomic_output_dir,
    check_output_dir,
    foreign_files,
    remove_leftovers,
    write_json,
)

VALID = Path(__file__).parents[1] / "data" / "valid"
FAST = ["--set", 'travel.cache_dir=""', "--set", "travel.model=haversine", "--quiet"]


def _copy_inputs(folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    participants = Path(shutil.copy(VALID / "participants.csv", folder / "participants.csv"))
    mentors = Path(shutil.copy(VALID / "mentors.csv", folder / "mentors.csv"))
    return participants, mentors


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def _chattr(flag: str, path: Path) -> bool:
    """Make ``path`` unchangeable (``+i``) or changeable again (``-i``).

    The immutable flag (chattr) where the system allows it; else, for a user other than
    root, a read-only folder (root ignores permissions). False when neither works here.
    """
    if shutil.which("chattr") is not None:
        done = subprocess.run(["chattr", flag, str(path)], capture_output=True, check=False)
        if done.returncode == 0:
            return True
    if os.geteuid() != 0:
        path.chmod(0o555 if flag == "+i" else 0o755)
        return True
    return False


@pytest.fixture
def immutable(tmp_path_factory):
    """Skip unless folders can be made unchangeable here (see :func:`_chattr`)."""
    probe = tmp_path_factory.mktemp("probe")
    if not _chattr("+i", probe):
        pytest.skip("root without the right to set the immutable flag (chattr)")
    _chattr("-i", probe)


def test_force_never_deletes_the_inputs(tmp_path, capsys):
    # Defect: --force onto the folder holding the inputs replaced it, inputs and all.
    folder = tmp_path / "scr"
    participants, mentors = _copy_inputs(folder)
    (folder / "notes.txt").write_text("notes\n")
    before = _snapshot(folder)
    args = ["--participants", str(participants), "--mentors", str(mentors)]
    code = main(["assign", *args, *FAST, "--out", str(folder), "--force"])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{folder}: folder keluaran itu berisi masukan {participants}" in err
    assert _snapshot(folder) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scr"]


@pytest.mark.parametrize("depth", ["equal", "parent", "grandparent"])
def test_force_never_deletes_the_inputs_at_any_depth(tmp_path, depth):
    source = tmp_path / "a" / "b" / "participants.csv"
    source.parent.mkdir(parents=True)
    source.write_text("x\n")
    out = {"equal": source, "parent": source.parent, "grandparent": tmp_path / "a"}[depth]
    with pytest.raises(OutputError, match=r"the output folder (is|holds) the input"):
        check_output_dir(out, force=True, inputs=[source])
    assert source.read_text() == "x\n"


def test_force_never_deletes_files_it_did_not_write(tmp_path):
    # Defect (same class): --force replaced a folder whatever it held.
    out = tmp_path / "plan"
    with atomic_output_dir(out) as staging:
        (staging / "assignments.csv").write_text("a\n")
        (staging / "calendars").mkdir()
        (staging / "calendars" / "M1.ics").write_text("c\n")
    (out / "my notes.txt").write_text("mine\n")
    (out / "calendars" / "extra.ics").write_text("mine too\n")
    before = _snapshot(out)
    with pytest.raises(OutputError) as caught, atomic_output_dir(out, force=True):
        pass
    message = str(caught.value)
    assert "holds 2 file(s) that tkm_assign did not write" in message
    assert "calendars/extra.ics" in message and "my notes.txt" in message
    assert "nothing was deleted" in message
    assert _snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"]


def test_force_never_deletes_a_folder_without_manifest(tmp_path):
    out = tmp_path / "old"
    out.mkdir()
    (out / "report.html").write_text("?")
    with pytest.raises(OutputError, match=f"it has no {MANIFEST}"):
        check_output_dir(out, force=True)


def test_force_replaces_a_folder_it_wrote(tmp_path):
    out = tmp_path / "plan"
    for text in ("first", "second"):
        with atomic_output_dir(out, force=True) as staging:
            (staging / "summary.json").write_text(text)
    assert (out / "summary.json").read_text() == "second"
    assert json.loads((out / MANIFEST).read_text())["entries"] == ["summary.json"]
    assert foreign_files(out) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"]


def test_out_dot_force_exits_2_leaving_nothing(tmp_path, monkeypatch, capsys):
    # Defect: --out . --force exited 1 (EBUSY) and left ..XXXX.old/ and ..XXXX.partial/.
    work = tmp_path / "work"
    participants, mentors = _copy_inputs(tmp_path / "inputs")
    work.mkdir()
    monkeypatch.chdir(work)
    args = ["--participants", str(participants), "--mentors", str(mentors)]
    code = main(["assign", *args, *FAST, "--out", ".", "--force"])
    err = capsys.readouterr().err
    assert code == 2
    assert ".: adalah folder saat ini" in err and "Traceback" not in err
    assert list(work.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inputs", "work"]
    # A folder above the current one is refused the same way.
    with pytest.raises(OutputError, match="is the current folder"):
        check_output_dir(tmp_path, force=True)


def test_force_onto_an_immutable_folder_leaves_no_partial(tmp_path, immutable):
    # Defect: --force onto an immutable folder exited 1, leaving a .partial with the outputs.
    out = tmp_path / "plan"
    with atomic_output_dir(out) as staging:
        (staging / "summary.json").write_text("before")
    _chattr("+i", out)
    try:
        with pytest.raises(OutputError, match="read-only or immutable"):
            check_output_dir(out, force=True)
        code = main(["generate", "--participants", "3", "--mentors", "1", "--out", str(out)])
        assert code == 2
        code = main(
            ["generate", "--participants", "3", "--mentors", "1", "--out", str(out), "--force"]
        )
        assert code == 2
    finally:
        _chattr("-i", out)
    assert (out / "summary.json").read_text() == "before"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"]


def test_folder_made_immutable_while_writing_is_left_as_it_was(tmp_path, immutable):
    # The move itself fails (the check passed earlier): a clear error, the previous folder
    # unchanged, and nothing else left.
    out = tmp_path / "plan"
    with atomic_output_dir(out) as staging:
        (staging / "summary.json").write_text("before")
    try:
        with (
            pytest.raises(OutputError, match="cannot move the finished output into place"),
            atomic_output_dir(out, force=True) as staging,
        ):
            (staging / "summary.json").write_text("after")
            _chattr("+i", out)  # the check passed; now the folder cannot be moved
    finally:
        _chattr("-i", out)
    assert (out / "summary.json").read_text() == "before"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"]


def test_parent_that_cannot_be_written_is_refused_first(tmp_path, immutable):
    parent = tmp_path / "locked"
    parent.mkdir()
    _chattr("+i", parent)
    try:
        with pytest.raises(OutputError, match="cannot create the output folder"):
            check_output_dir(parent / "plan" / "2027")
    finally:
        _chattr("-i", parent)
    assert list(parent.iterdir()) == []


_KILLED_WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from tkm_assign.io.output import atomic_output_dir

    with atomic_output_dir(sys.argv[1]) as staging:
        (staging / "plan.xlsx").write_text("names")
        print("writing", flush=True)
        time.sleep(60)
    """
)


def _start_writer(out: Path) -> subprocess.Popen[str]:
    writer = subprocess.Popen(
        [sys.executable, "-c", _KILLED_WRITER, str(out)], stdout=subprocess.PIPE, text=True
    )
    assert writer.stdout is not None
    assert writer.stdout.readline().strip() == "writing"
    return writer


def test_partial_folders_of_a_killed_run_are_removed_next_time(tmp_path):
    # Defect: after SIGKILL the hidden .partial folder (names inside) was never cleaned up.
    out = tmp_path / "plan"
    with _start_writer(out) as writer:
        writer.send_signal(signal.SIGKILL)
    leftovers = [p.name for p in tmp_path.iterdir()]
    assert len(leftovers) == 1 and leftovers[0].endswith(".partial")
    (tmp_path / ".plan.abcd1234.old").mkdir()  # the form earlier versions left
    (tmp_path / ".planb.tkm-abcd1234.partial").mkdir()  # another output: not touched
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with atomic_output_dir(out) as staging:
            (staging / "summary.json").write_text("{}")
    said = [str(w.message) for w in caught if issubclass(w.category, OutputWarning)]
    assert len(said) == 1 and "removed 2 unfinished output folder(s)" in said[0]
    assert leftovers[0] in said[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".planb.tkm-abcd1234.partial", "plan"]


def test_folder_of_a_running_writer_is_kept(tmp_path):
    out = tmp_path / "plan"
    with _start_writer(out) as writer:
        try:
            assert remove_leftovers(out) == []
            assert len(list(tmp_path.iterdir())) == 1
        finally:
            writer.kill()
    with pytest.warns(OutputWarning, match="removed 1 unfinished"):
        assert len(remove_leftovers(out)) == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "command", ["assign", "schedule", "audit", "plan", "capacity", "scenarios"]
)
def test_existing_output_is_checked_before_computing(command, tmp_path, capsys):
    # Defect: assign, schedule and audit found an existing folder only after all the work.
    # Checked first, the folder is named even when the inputs are broken.
    out = tmp_path / "out"
    out.mkdir()
    broken = tmp_path / "participants.csv"
    broken.write_text("participant_id\nP1\n")
    args = [command, "--participants", str(broken), "--mentors", str(VALID / "mentors.csv")]
    if command in ("schedule", "audit"):
        args += ["--assignments", str(VALID / "mentors.csv")]
    if command == "scenarios":
        args += ["--grid", "caseload.max=10,20"]
    code = main([*args, *FAST, "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{out}: folder keluaran sudah ada" in err
    assert "problem" not in err  # the inputs were not even read


def test_summary_json_never_holds_infinity(tmp_path):
    # Defect: time_limit_s=inf wrote Infinity, which no browser parses.
    path = tmp_path / "summary.json"
    write_json({"limit": float("inf"), "gap": float("nan"), "rows": [1.5, -float("inf")]}, path)
    assert json.loads(path.read_text(), parse_constant=lambda c: pytest.fail(c)) == {
        "limit": None,
        "gap": None,
        "rows": [1.5, None],
    }


def test_new_output_folder_gets_normal_permissions(tmp_path):
    out = tmp_path / "plan"
    with atomic_output_dir(out) as staging:
        (staging / "a.csv").write_text("a")
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o777 & ~umask


def test_a_resumable_run_keeps_its_work_and_the_next_one_continues_in_it(tmp_path: Path):
    from tkm_assign.io.output import RESUMABLE

    out = tmp_path / "grid"
    with pytest.raises(KeyboardInterrupt), atomic_output_dir(out, resumable=True) as staging:
        (staging / "part-1.json").write_text("{}")
        raise KeyboardInterrupt
    assert not out.exists() and staging.is_dir() and (staging / RESUMABLE).is_file()
    with atomic_output_dir(out, resumable=True, resume=True) as again:
        assert again == staging and (again / "part-1.json").is_file()
        (again / "part-2.json").write_text("{}")
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, "part-1.json", "part-2.json"]
    assert not staging.exists()


def test_kept_work_is_removed_and_said_unless_resumed(tmp_path: Path):
    out = tmp_path / "grid"
    with pytest.raises(RuntimeError), atomic_output_dir(out, resumable=True) as staging:
        (staging / "part-1.json").write_text("{}")
        raise RuntimeError("cluster lost")
    with (
        pytest.warns(OutputWarning, match="removed 1 unfinished output folder"),
        atomic_output_dir(out, resumable=True) as fresh,
    ):
        assert fresh != staging and not list(fresh.glob("part-*"))
    assert not staging.exists()
    # A resumable run that wrote nothing leaves nothing.
    with pytest.raises(RuntimeError), atomic_output_dir(tmp_path / "b", resumable=True):
        raise RuntimeError("nothing done")
    assert not list(tmp_path.glob(".b.*"))


FORMULA_IDS = {"P01": "=1+2", "P02": "+P02", "P03": "-P03", "M1": "@SUM(A1)", "M2": "-M2"}


def _formula_inputs(folder: Path) -> tuple[Path, Path]:
    import pandas as pd

    participants = pd.read_csv(VALID / "participants.csv", dtype=str, keep_default_na=False)
    mentors = pd.read_csv(VALID / "mentors.csv", dtype=str, keep_default_na=False)
    for column in ("participant_id", "current_mentor_id", "pinned_mentor_id"):
        participants[column] = participants[column].replace(FORMULA_IDS)
    participants["excluded_mentor_ids"] = participants["excluded_mentor_ids"].map(
        lambda cell: ";".join(FORMULA_IDS.get(i, i) for i in cell.split(";") if i)
    )
    participants.loc[0, "name"] = '=HYPERLINK("http://example.invalid","klik")'
    mentors["mentor_id"] = mentors["mentor_id"].replace(FORMULA_IDS)
    folder.mkdir()
    paths = folder / "participants.csv", folder / "mentors.csv"
    participants.to_csv(paths[0], index=False)
    mentors.to_csv(paths[1], index=False)
    return paths


def test_formula_injection_in_csv_outputs(tmp_path):
    # Defect: ids and names starting with = + - @ were written unchanged to every CSV.
    import csv

    participants, mentors = _formula_inputs(tmp_path / "inputs")
    inputs = ["--participants", str(participants), "--mentors", str(mentors)]
    out = tmp_path / "plan"
    assert main(["plan", *inputs, *FAST, "--out", str(out)]) == 0
    tables = sorted(out.glob("*.csv"))
    assert {p.name for p in tables} >= {"assignments.csv", "schedule.csv", "routes.csv"}
    dangerous = []
    for path in tables:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.reader(handle):
                for cell in row:
                    if cell[:1] in ("=", "+", "@", "\t", "\r") or (
                        cell.startswith("-") and not cell.lstrip("-").replace(".", "").isdigit()
                    ):
                        dangerous.append((path.name, cell))
    assert dangerous == []
    text = (out / "assignments.csv").read_text(encoding="utf-8-sig")
    assert "'=1+2" in text and "'@SUM(A1)" in text

    # The tool reads its own files back: the audit of the plan knows every id.
    audit = tmp_path / "audit"
    args = [*inputs, "--assignments", str(out / "assignments.csv")]
    args += ["--schedule", str(out / "schedule.csv")]
    assert main(["audit", *args, *FAST, "--out", str(audit)]) == 0
    summary = json.loads((audit / "audit_summary.json").read_text())
    assert summary["clean"] is True
    with (audit / "violations.csv").open(encoding="utf-8-sig", newline="") as handle:
        assert not any(
            cell.startswith(("=", "+", "@")) for row in csv.reader(handle) for cell in row
        )
