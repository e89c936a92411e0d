"""Key figures, balance measures and labels on tiny cases worked out by hand."""

from __future__ import annotations

import dataclasses

import pytest

from tkm_assign.io.labels import column_aliases
from tkm_assign.report.figures import (
    key_figures,
    mentor_balance,
    province_table,
    sessions_first_months,
    spread,
)
from tkm_assign.report.i18n import Labels


def test_spread_of_a_tiny_case():
    measured = spread([10, 20, 30])
    assert measured["mean"] == pytest.approx(20.0)
    assert measured["std"] == pytest.approx((200 / 3) ** 0.5)
    assert measured["cv"] == pytest.approx((200 / 3) ** 0.5 / 20)
    assert measured["min"] == 10 and measured["max"] == 30
    assert measured["max_over_mean"] == pytest.approx(1.5)
    # Gini: (-2*10 + 0*20 + 2*30) / (3 * 60)
    assert measured["gini"] == pytest.approx(40 / 180)


@pytest.mark.parametrize("values", [[], [0, 0, 0]])
def test_spread_without_load_is_zero(values):
    assert set(spread(values).values()) <= {0.0}


def test_equal_load_has_no_spread():
    measured = spread([5, 5, 5, 5])
    assert measured["cv"] == 0 and measured["gini"] == 0 and measured["max_over_mean"] == 1


def test_sessions_in_the_first_three_months_count_unassigned_as_zero(small_problem, small_tables):
    binned = sessions_first_months(small_problem, small_tables)
    assert binned["participants"] == 8
    assert binned["counts"] == {"0-2": 8, "3-4": 0, ">4": 0}
    assert binned["shares"]["0-2"] == 1.0


def test_mentor_balance(small_problem, small_tables):
    balance = mentor_balance(small_problem, small_tables).set_index("mentor_id")
    assert balance["caseload"].to_dict() == {"M01": 5, "M02": 2}
    # M01's estimated load: 4.6 + 7.3 + 7.9 + 4.9 + 9.3 = 34.0 h a month.
    assert balance.loc["M01", "monthly_hours_estimated"] == pytest.approx(34.0)
    assert balance.loc["M01", "session_hours"] == pytest.approx(9.0)
    assert balance.loc["M01", "peak_hours"] == pytest.approx(13.2)
    assert balance.loc["M01", "peak_utilisation"] == pytest.approx(0.0786)
    assert balance.loc["M02", "travel_km"] == pytest.approx(52.5)
    assert set(balance["flag"]) == {"idle"}
    # The workload review: sessions, share of the hours spent riding, travel allowance.
    assert balance["sessions"].to_dict() == {"M01": 7, "M02": 4}
    assert balance.loc["M01", "travel_share"] == pytest.approx(5.2 / 14.2, abs=1e-4)
    assert balance.loc["M01", "travel_cost_idr"] == round((28.1 + 88.0 + 93.6) * 1000)
    assert not balance["travel_heavy"].any()  # nobody rides more than half their hours


def test_travel_burden_and_allowance_follow_their_settings(small_problem, small_tables):
    config = small_problem.config
    config = dataclasses.replace(
        config,
        output=dataclasses.replace(config.output, travel_share_flag=0.3),
        cost=dataclasses.replace(config.cost, per_km_idr=2500.0),
    )
    problem = dataclasses.replace(small_problem, config=config)
    balance = mentor_balance(problem, small_tables).set_index("mentor_id")
    assert balance["travel_heavy"].to_dict() == {"M01": True, "M02": False}
    assert balance.loc["M02", "travel_cost_idr"] == round(52.5 * 2500)


def test_without_a_schedule_hours_travel_and_cost_are_unknown(
    small_problem, assignment_only_tables
):
    balance = mentor_balance(small_problem, assignment_only_tables)
    for column in ("sessions", "total_hours", "travel_share", "travel_cost_idr"):
        assert balance[column].isna().all(), column
    assert not balance["travel_heavy"].any()


def test_overloaded_beats_idle(small_problem, small_tables):
    workload = small_tables.workload.copy()
    workload.loc[0, "utilisation"] = 1.2
    tables = type(small_tables)(**{**small_tables.__dict__, "workload": workload})
    balance = mentor_balance(small_problem, tables).set_index("mentor_id")
    assert balance.loc["M01", "flag"] == "overloaded"


def test_province_table(small_problem, small_tables):
    balance = mentor_balance(small_problem, small_tables)
    provinces = province_table(small_problem, small_tables, balance).set_index("province")
    assert provinces.loc["Bali", ["participants", "assigned", "mentors", "places"]].tolist() == [
        3,
        2,
        1,
        2,
    ]
    assert provinces.loc["Jawa Barat", "sector_match_rate"] == pytest.approx(0.8)


def test_key_figures_degrade_without_a_schedule(small_problem, assignment_only_tables):
    balance = mentor_balance(small_problem, assignment_only_tables)
    figures = key_figures(small_problem, assignment_only_tables, balance)
    assert figures["assigned"] == 7 and figures["sector_match_rate"] == pytest.approx(6 / 7)
    assert figures["sessions"] is None and figures["onsite_share"] is None
    assert figures["target_share"] is None and figures["travel_hours_total"] is None
    assert figures["utilisation_basis"] == "estimated"


def test_key_figures_with_a_schedule(small_problem, small_tables):
    balance = mentor_balance(small_problem, small_tables)
    figures = key_figures(small_problem, small_tables, balance)
    assert figures["onsite_share"] == pytest.approx(7 / 11)
    assert figures["target_share"] == pytest.approx(6 / 7)  # P03 misses month 1
    assert figures["travel_min_per_visit"] == pytest.approx((42 + 132 + 140 + 73 + 6) / 7)
    assert figures["status"] == "OPTIMAL" and figures["engine"] == "min-cost flow"


def test_labels_format_numbers_the_local_way():
    assert Labels("id").percent(0.5890, 2) == "58,90 %"
    assert Labels("en").percent(0.5890, 2) == "58.90%"
    assert Labels("id").number(3000.5, 1) == "3.000,5"
    assert Labels("en").number(3000.5, 1) == "3,000.5"
    # Seconds and counts never read as thousands: 11.213 s is "11,2", 11213 is "11.213".
    assert Labels("id").number(11.213, 1) == "11,2" and Labels("id").number(11213) == "11.213"
    assert Labels("id").number(1234567.891, 2) == "1.234.567,89"
    assert Labels("id").number(-0.004, 2) == "0,00"  # never "-0,00"
    assert Labels("id").number(float("nan")) == "–" and Labels("id").percent(None) == "–"
    assert Labels("id").percent(1.0, 0) == "100 %" and Labels("en").percent(0.123, 0) == "12%"
    assert Labels("id").long_date(__import__("datetime").date(2027, 8, 17)) == (
        "Selasa, 17 Agustus 2027"
    )
    with pytest.raises(ValueError, match="fr"):
        Labels("fr")


def test_headers_map_back_to_columns():
    aliases = column_aliases()
    assert aliases["tanggal"] == "date" and aliases["date"] == "date"
    assert aliases["id pendamping"] == "mentor_id"
