"""The as-of date of the programme in motion: today, within the programme."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.programme.factory import START, config
from tkm_assign import app, rules


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
