"""The new-plan form becomes the same configuration as --config and --set."""

from __future__ import annotations

import datetime as dt

import pytest

from tkm_assign.config import Config
from tkm_assign.errors import ConfigError
from tkm_assign.resources import PRESETS_DIR
from tkm_assign.web.forms import current_values, job_config, presets, settings_from_form


def test_presets_are_the_example_files():
    assert presets() == ("kepulauan", "laptop_cepat", "praktik_2024")


def test_only_changed_fields_become_overrides():
    form = current_values(Config.load())
    form["caseload.max"] = "15"
    form["travel.cross_island"] = "ferry"
    settings = settings_from_form(form)
    assert settings == {
        "preset": "",
        "overrides": ["caseload.max=15", 'travel.cross_island="ferry"'],
    }
    config = job_config(settings)
    assert config.caseload.max == 15 and config.travel.cross_island == "ferry"


def test_a_preset_is_the_base_of_the_form():
    form = {"preset": "praktik_2024", "programme.start_date": "2028-01-03"}
    config = job_config(settings_from_form(form))
    assert config == Config.load(
        PRESETS_DIR / "praktik_2024.toml", ["programme.start_date=2028-01-03"]
    )
    assert config.programme.start_date == dt.date(2028, 1, 3)


@pytest.mark.parametrize(
    ("field", "value", "match"),
    [
        ("caseload.max", "abc", r"\(caseload.max\): 'abc' is not a whole number"),
        ("caseload.max", "0", r"\(caseload.max\): 0 is outside 1..1000"),
        ("programme.start_date", "2027-13-01", "not a date"),
        ("assign.sector_rule", "maybe", "is not one of soft, hard"),
        ("sessions.min_per_month", "9", "sessions"),
        ("preset", "../../etc/passwd", "is not one of"),
    ],
)
def test_bad_fields_are_named(field, value, match):
    with pytest.raises(ConfigError, match=match):
        settings_from_form({field: value})
