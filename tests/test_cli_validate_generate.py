"""The validate and generate commands, end to end through ``tkm_assign.cli.main``."""

from pathlib import Path

import pandas as pd
import pytest

from tkm_assign.cli import main
from tkm_assign.io.output import MANIFEST

VALID = Path(__file__).parent / "data" / "valid"
SAMPLE = Path(__file__).parents[1] / "data" / "sample"


def test_validate_prints_the_summary_and_exits_0(capsys):
    code = main(
        [
            "validate",
            "--participants",
            str(VALID / "participants.csv"),
            "--mentors",
            str(VALID / "mentors.csv"),
            "--lang",
            "en",
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "Jawa Barat" in out and "capacity" in out
    assert "valid: 10 participants" in out and "5 mentors" in out
    assert err == ""


def test_validate_the_bundled_sample(capsys):
    code = main(
        [
            "validate",
            "--participants",
            str(SAMPLE / "participants.csv"),
            "--mentors",
            str(SAMPLE / "mentors.csv"),
            "--quiet",
            "--lang",
            "en",
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0 and err == ""
    assert "valid: 3,000 participants" in out and "150 mentors" in out and "31 provinces" in out


def test_validate_applies_set_overrides(capsys):
    args = [
        "validate",
        "--participants",
        str(VALID / "participants.csv"),
        "--mentors",
        str(VALID / "mentors.csv"),
        "--set",
        "sessions.max_per_month=3",
        "--set",
        "sessions.target_by_need.high=3",
    ]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "baris 6, kolom sessions_per_month: '4' di luar rentang" in err


def test_validate_rejects_unknown_config_key(capsys):
    args = ["validate", "--participants", str(VALID / "participants.csv")]
    args += ["--mentors", str(VALID / "mentors.csv"), "--set", "caseload.maxx=3"]
    assert main(args) == 2
    assert "caseload.maxx" in capsys.readouterr().err


def test_long_problem_lists_are_cut_and_counted(tmp_path, capsys):
    participants = pd.read_csv(VALID / "participants.csv", dtype=str, keep_default_na=False)
    many = pd.concat([participants] * 30, ignore_index=True)
    many["participant_id"] = [f"X{i}" for i in range(len(many))]
    many["sector"] = "bakery"
    many["need_level"] = "urgentissimo"
    path = tmp_path / "many.csv"
    many.to_csv(path, index=False)
    assert (
        main(["validate", "--participants", str(path), "--mentors", str(VALID / "mentors.csv")])
        == 2
    )
    err = capsys.readouterr().err
    assert err.startswith("kesalahan: 600 masalah pada masukan:")
    assert "... dan 400 lagi:" in err
    assert "200 di" in err and "kolom need_level" in err


def test_generate_writes_both_files_atomically(tmp_path, capsys):
    out = tmp_path / "sample"
    code = main(
        ["generate", "--participants", "40", "--mentors", "3", "--seed", "5", "--out", str(out)]
    )
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, "mentors.csv", "participants.csv"]
    assert "40 peserta" in capsys.readouterr().out  # Indonesian unless --lang en
    assert [p.name for p in tmp_path.iterdir()] == ["sample"]  # no staging folder left
    code = main(
        [
            "validate",
            "--participants",
            str(out / "participants.csv"),
            "--mentors",
            str(out / "mentors.csv"),
        ]
    )
    assert code == 0


def test_generate_refuses_an_existing_folder_without_force(tmp_path, capsys):
    out = tmp_path / "sample"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    args = ["generate", "--participants", "20", "--mentors", "2", "--out", str(out)]
    assert main(args) == 2
    assert "folder keluaran sudah ada" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    assert main([*args, "--force"]) == 2  # keep.txt was not written by tkm_assign
    assert "keep.txt; tidak ada yang dihapus" in capsys.readouterr().err
    (out / "keep.txt").unlink()
    assert main([*args, "--force"]) == 0
    assert main([*args, "--force"]) == 0  # its own output is replaced
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, "mentors.csv", "participants.csv"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--participants", "0"], "paling sedikit 1"),
        (["--mentors", "0"], "paling sedikit 1"),
        (["--seed", "-1"], "--seed -1"),
    ],
)
def test_generate_rejects_bad_numbers(tmp_path, capsys, args, message):
    assert main(["generate", *args, "--out", str(tmp_path / "x")]) == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
