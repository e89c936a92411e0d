"""The as-of date of the programme in motion: today, within the programme."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.programme.factory import START, config
from tkm_assign import app, rules
from tkm_assign.errors import ConfigError
from tkm_assign.messages import render


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (START - dt.timedelta(days=30), START),  # before the programme: its first day
        (START, START),
        (START + dt.timedelta(days=44), START + dt.timedelta(days=44)),
        (dt.date(2030, 1, 1), None),  # after it: its last day
    ],
)
def test_the_as_of_date_is_today_within_the_programme(today, expected):
    cfg = config()
    last = rules.add_months(START, cfg.programme.longest_months) - dt.timedelta(days=1)
    assert app.programme_as_of(cfg, today) == (expected or last)
    assert START <= app.programme_as_of(cfg) <= last


def test_an_as_of_date_before_the_programme_is_refused():
    from tests.programme.factory import logbook, people, plan_of

    cfg = config()
    problem = people(
        [("A", "Nama A", -6.9175, 107.6191, "industri_boga", "adequate", "medium", "", "", "")],
        [("M1", "Hendra", -6.9147, 107.6098, "industri_boga")],
        cfg,
    )
    plan = plan_of({"A": "M1"}, [])
    early = START - dt.timedelta(days=1)
    assert app.checked_as_of(cfg, START) == START
    with pytest.raises(ConfigError, match="before the programme start 2027-07-05"):
        app.progress(problem, plan, logbook([], START.isoformat()), as_of=early)
    with pytest.raises(ConfigError, match=r"\(programme\.start_date\)"):
        app.replan(problem, plan, logbook([], START.isoformat()), as_of=early)
    with pytest.raises(ConfigError, match="before the programme start"):
        app.simulate(problem, plan, as_of=early)


def test_an_as_of_date_after_the_programme_is_clamped_with_a_warning():
    from tests.programme.factory import logbook, people, plan_of

    cfg = config()
    problem = people(
        [("A", "Nama A", -6.9175, 107.6191, "industri_boga", "adequate", "medium", "", "", "")],
        [("M1", "Hendra", -6.9147, 107.6098, "industri_boga")],
        cfg,
    )
    plan = plan_of({"A": "M1"}, [])
    last = rules.add_months(START, cfg.programme.longest_months) - dt.timedelta(days=1)
    late = dt.date(2030, 1, 1)
    result = app.progress(problem, plan, logbook([], late.isoformat()), as_of=late)
    assert result.tables.as_of == last == app.programme_as_of(cfg, late)
    (warning,) = [w for w in result.warnings if w.code == "warning.as_of_after_programme"]
    assert render(warning, "id") == (
        f"tanggal per 2030-01-01 melewati hari terakhir program {last.isoformat()}: logbook "
        f"dibaca sampai {last.isoformat()}"
    )
    assert app.simulate(problem, plan, as_of=late).simulated.logbook.as_of == last
    inside = app.progress(problem, plan, logbook([], late.isoformat()), as_of=last)
    assert not [w for w in inside.warnings if w.code == "warning.as_of_after_programme"]
