"""The capacity and scenarios commands end to end through ``tkm_assign.cli.main``."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from tests.scenarios.conftest import SETTINGS, participants_frame
from tkm_assign.cli import main
from tkm_assign.config import PROJECT_ROOT
from tkm_assign.io.output import MANIFEST

VALID = Path(__file__).parents[1] / "data" / "valid"
POLICY_FILE = PROJECT_ROOT / "configs" / "scenarios" / "praktik_2024_vs_rekomendasi.toml"
FAST = [item for setting in SETTINGS for item in ("--set", setting)]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("inputs")
    participants = folder / "participants.csv"
    participants_frame({"3273": 5, "3205": 5, "5171": 4}, seed=5).to_csv(participants, index=False)
    mentors = folder / "mentors.csv"
    pd.DataFrame(
        [
            {
                "mentor_id": "M1",
                "latitude": -6.9147,
                "longitude": 107.6098,
                "sectors": "industri_boga;pertanian_peternakan",
            }
        ]
    ).to_csv(mentors, index=False)
    return participants, mentors


def test_capacity_with_mentors_writes_every_file(inputs, tmp_path: Path, capsys):
    participants, mentors = inputs
    out = tmp_path / "capacity"
    args = ["capacity", "--participants", str(participants), "--mentors", str(mentors)]
    code = main([*args, *FAST, "--out", str(out), "--lang", "en"])
    printed, err = capsys.readouterr()
    assert code == 0, err
    assert sorted(p.name for p in out.iterdir()) == [
        MANIFEST,
        "capacity.csv",
        "capacity.png",
        "capacity_summary.json",
        "suggested_mentors.csv",
    ]
    assert "mentors now 1, needed" in printed
    assert "every participant gets their sessions" in printed
    table = pd.read_csv(out / "capacity.csv", encoding="utf-8-sig")
    assert set(table["province"]) == {"Jawa Barat", "Bali"}
    summary = json.loads((out / "capacity_summary.json").read_text(encoding="utf-8"))
    assert summary["check"]["all_served"] and summary["to_add"] == table["to_add"].sum()

    # The suggested mentors appended to the mentors file validate and plan.
    merged = tmp_path / "mentors_all.csv"
    pd.concat(
        [
            pd.read_csv(mentors, dtype=str),
            pd.read_csv(out / "suggested_mentors.csv", dtype=str, encoding="utf-8-sig"),
        ]
    ).to_csv(merged, index=False)
    code = main(
        [
            "plan",
            "--participants",
            str(participants),
            "--mentors",
            str(merged),
            *FAST,
            "--out",
            str(tmp_path / "plan"),
            "--quiet",
            "--lang",
            "en",
        ]
    )
    printed, err = capsys.readouterr()
    assert code == 0, err
    assert "without a mentor" not in printed and "planned" in printed
    assert "every participant with a mentor meets their target every month" in printed


def test_capacity_without_mentors_plans_every_mentor(inputs, tmp_path: Path, capsys):
    participants, _ = inputs
    out = tmp_path / "scratch"
    code = main(["capacity", "--participants", str(participants), *FAST, "--out", str(out)])
    printed, err = capsys.readouterr()
    assert code == 0, err
    assert "(semua baru)" in printed  # Indonesian unless --lang en
    suggested = pd.read_csv(out / "suggested_mentors.csv", encoding="utf-8-sig")
    assert suggested["mentor_id"].str.startswith("BARU-").all()


def test_capacity_without_mentors_ignores_mentor_references(tmp_path: Path, capsys):
    out = tmp_path / "refs"
    args = ["capacity", "--participants", str(VALID / "participants.csv"), *FAST]
    code = main([*args, "--lang", "en", "--out", str(out)])
    _, err = capsys.readouterr()
    assert code == 0, err
    assert "current_mentor_id is ignored" in err


def test_capacity_refuses_an_existing_folder(inputs, tmp_path: Path, capsys):
    participants, _ = inputs
    (tmp_path / "taken").mkdir()
    code = main(["capacity", "--participants", str(participants), "--out", str(tmp_path / "taken")])
    assert code == 2 and "folder keluaran sudah ada" in capsys.readouterr().err


def test_scenarios_command(inputs, tmp_path: Path, capsys):
    participants, mentors = inputs
    out = tmp_path / "scenarios"
    code = main(
        [
            "scenarios",
            "--participants",
            str(participants),
            "--mentors",
            str(mentors),
            "--scenarios",
            str(POLICY_FILE),
            *FAST,
            "--set",
            "capacity.scenario_workers=1",
            "--out",
            str(out),
            "--lang",
            "en",
        ]
    )
    printed, err = capsys.readouterr()
    assert code == 0, err
    assert printed.startswith("praktik_2024: with a mentor") and "rekomendasi:" in printed
    table = pd.read_csv(out / "scenarios.csv", encoding="utf-8-sig")
    assert list(table["scenario"]) == ["praktik_2024", "rekomendasi"]
    practice, recommended = table.to_dict("records")
    # 1-2 sessions a month meet the recommended 2-4 far less often, and cost fewer visits.
    assert practice["meeting_2_4_share"] < recommended["meeting_2_4_share"]
    assert practice["sessions"] < recommended["sessions"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ([], "tidak ada yang dibandingkan"),
        (["--grid", "caseload.maks=1,2"], "caseload.maks bukan kunci konfigurasi"),
        (["--grid", "caseload.max"], "seharusnya KUNCI=N1,N2"),
        (["--grid", "sessions.target=9"], "sessions.target_by_need.low: 9 di luar rentang"),
    ],
)
def test_scenarios_command_explains_bad_options(inputs, tmp_path: Path, capsys, extra, message):
    participants, mentors = inputs
    args = ["scenarios", "--participants", str(participants), "--mentors", str(mentors)]
    code = main([*args, *extra, "--out", str(tmp_path / "never")])
    err = capsys.readouterr().err
    assert code == 2 and message in err and "Traceback" not in err
    assert not (tmp_path / "never").exists()


def test_a_scenario_under_which_the_input_is_invalid_is_named(tmp_path: Path, capsys):
    participants = tmp_path / "participants.csv"
    frame = participants_frame({"3273": 3}, seed=2).assign(sessions_per_month="4")
    frame.to_csv(participants, index=False)
    mentors = VALID / "mentors.csv"
    code = main(
        [
            "scenarios",
            "--participants",
            str(participants),
            "--mentors",
            str(mentors),
            "--scenarios",
            str(POLICY_FILE),
            "--out",
            str(tmp_path / "never"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "skenario 'praktik_2024'" in err and "sessions_per_month" in err


def test_capacity_explains_a_broken_participants_file(tmp_path: Path, capsys):
    broken = VALID.parent / "invalid" / "participants_unknown_sector.csv"
    code = main(["capacity", "--participants", str(broken), "--out", str(tmp_path / "never")])
    err = capsys.readouterr().err
    assert code == 2 and "participants_unknown_sector.csv baris" in err and "sector" in err
    assert "Traceback" not in err and not (tmp_path / "never").exists()
