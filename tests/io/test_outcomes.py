"""The outcomes file: success indicators per participant at baseline and at the end."""

from __future__ import annotations

from pathlib import Path

import pytest

from tkm_assign.config import Config
from tkm_assign.errors import InputError
from tkm_assign.io import load_problem
from tkm_assign.io.outcomes import Outcome, validate_outcomes
from tkm_assign.io.read import Upload, read_table

VALID = Path(__file__).parents[1] / "data" / "valid"


@pytest.fixture(scope="module")
def problem():
    return load_problem(VALID / "participants.csv", VALID / "mentors.csv", Config())


def _table(text: str):
    return read_table(Upload("hasil.csv", text.encode()), "outcomes")


def test_indonesian_headers_rupiah_and_yes_no(problem):
    text = (
        "id_peserta,omzet_awal,omzet_akhir,pembukuan_awal,pembukuan_akhir,"
        "tenaga_kerja_awal,tenaga_kerja_akhir\n"
        "P01,Rp 2.500.000,3000000,tidak,ya,0,1\n"
        "P02,1500000,1500000,ya,ya,2,2\n"
        "P03,,,,,,\n"
    )
    a, b, c = validate_outcomes(_table(text), problem).rows
    assert a == Outcome("P01", 2_500_000, 3_000_000, False, True, 0, 1)
    assert (a.turnover_growth, a.financial_records, a.new_workers, a.all_three) == (True,) * 4
    assert (b.turnover_growth, b.financial_records, b.new_workers, b.all_three) == (
        False,
        True,
        False,
        False,
    )
    assert c.all_three is None  # not measured


def test_every_problem_at_once(problem):
    text = (
        "participant_id,turnover_baseline_idr,records_end,workers_end\n"
        "P99,100,yes,1\n"
        "P01,banyak,yes,1\n"
        "P02,100,mungkin,1\n"
        "P03,100,yes,-2\n"
        "P01,100,yes,1\n"
    )
    with pytest.raises(InputError) as caught:
        validate_outcomes(_table(text), problem)
    assert {(p.row, p.column) for p in caught.value.problems} == {
        (2, "participant_id"),
        (3, "turnover_baseline_idr"),
        (4, "records_end"),
        (5, "workers_end"),
        (6, "participant_id"),
    }
