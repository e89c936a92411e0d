from tkm_assign.config import Config
from tkm_assign.pipeline import day_trip_warnings


def test_default_travel_limits_fit_a_day_trip():
    assert day_trip_warnings(Config.load()) == []


def test_a_travel_limit_beyond_a_day_trip_is_named():
    notes = day_trip_warnings(Config.load(overrides=["travel.max_travel_min=240"]))
    assert len(notes) == 2
    assert "work.max_travel_min_per_day = 360" in str(notes[0])
    assert "480-min working day" in str(notes[1])
