from pathlib import Path

import pytest

from tkm_assign.config import Config
from tkm_assign.io import load_problem
from tkm_assign.io.summary import summarise

VALID = Path(__file__).parents[1] / "data" / "valid"


@pytest.fixture(scope="module")
def table(geography):
    problem = load_problem(VALID / "participants.csv", VALID / "mentors.csv", Config())
    return summarise(problem, geography)


def test_counts_per_province_and_sector(table):
    rows = table.provinces.set_index("province")
    west_java = rows.loc["Jawa Barat"]
    assert west_java["participants"] == 5
    assert (west_java["pertanian"], west_java["perdagangan"], west_java["boga"]) == (1, 2, 2)
    assert rows.loc["total", "participants"] == 10
    assert rows.loc["total", "perikanan"] == 1


def test_capacity_against_participants(table):
    rows = table.provinces.set_index("province")
    assert rows.loc["Daerah Khusus Ibukota Jakarta", "capacity"] == 15  # M2's own max_caseload
    assert rows.loc["Bali", "capacity"] == 20  # M3 takes caseload.max
    assert rows.loc["total", "capacity"] == 95
    assert rows.loc["Jawa Barat", "capacity_ratio"] == 4.0


def test_islands_without_mentor(table):
    assert table.on_islands_without_mentor == 0 and table.islands_without_mentor == 0


def test_islands_without_mentor_follow_the_province_rule(geography):
    # Without M4 (Lombok), P07 on Lombok has no mentor on the island.
    problem = load_problem(VALID / "participants.csv", VALID / "mentors.csv", Config())
    problem = type(problem)(
        problem.participants, problem.mentors[:3] + problem.mentors[4:], problem.config
    )
    assert summarise(problem, geography).on_islands_without_mentor == 1
