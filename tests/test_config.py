import datetime as dt
from pathlib import Path

import pytest

from tkm_assign.config import DEFAULT_CONFIG, Config, parse_days
from tkm_assign.errors import ConfigError


def test_defaults_match_the_programme():
    config = Config.load()
    assert config.caseload.max == 20
    assert (config.sessions.min_per_month, config.sessions.max_per_month) == (2, 4)
    assert config.onsite.min_per_month == 1 and config.onsite.min_per_programme == 3
    assert config.programme.months == 3
    assert config.programme.months_by_sector["pertanian_peternakan"] == 6


def test_default_file_matches_dataclass_defaults():
    # The TOML file is the documented reference; the dataclasses must agree with it.
    assert Config.load() == Config()


def test_file_and_overrides_merge_in_order(tmp_path: Path):
    path = tmp_path / "c.toml"
    path.write_text("[caseload]\nmax = 15\n[programme]\nstart_date = 2027-01-04\n")
    config = Config.load(path, ["caseload.max=25", "travel.speed_kph.car=50"])
    assert config.caseload.max == 25
    assert config.programme.start_date == dt.date(2027, 1, 4)
    assert config.travel.speed_kph["car"] == 50.0
    assert config.travel.speed_kph["motorcycle"] == 40.0


@pytest.mark.parametrize(
    ("override", "names"),
    [
        ("caseload.maxx=3", "caseload.maxx"),
        ("nosection.key=3", "nosection"),
        ("caseload.max=abc", "caseload.max"),
        ("caseload.max=2.5", "caseload.max"),
        ("travel.model=bus", "travel.model"),
        ("travel.speed_kph.bus=30", "travel.speed_kph.bus"),
        ("travel.speed_kph.car=0", "travel.speed_kph.car"),
        ("travel.speed_kph.motorcycle=-5", "travel.speed_kph.motorcycle"),
        ("work.days=Mon-Fro", "work.days"),
        ("sessions.min_per_month=5", "sessions.max_per_month"),
        ("sessions.onsite_duration_min=150", "sessions.onsite_duration_min"),
        ("programme.start_date=2027-13-01", "programme.start_date"),
        ("assign.decompose=maybe", "assign.decompose"),
        ("caseload", "caseload"),
    ],
)
def test_bad_values_name_the_key(override: str, names: str):
    with pytest.raises(ConfigError, match=names.replace(".", r"\.")):
        Config.load(overrides=[override])


def test_missing_config_file_is_a_config_error(tmp_path: Path):
    with pytest.raises(ConfigError, match="not found"):
        Config.load(tmp_path / "nope.toml")


def test_replace_round_trips():
    config = Config.load()
    changed = config.replace(["caseload.max=15"])
    assert changed.caseload.max == 15 and config.caseload.max == 20
    assert changed.replace([]) == changed


def test_to_dict_is_json_ready():
    data = Config.load().to_dict()
    assert data["programme"]["start_date"] == "2027-07-05"


def test_every_key_is_commented_in_default_file():
    for line in DEFAULT_CONFIG.read_text().splitlines():
        if "=" in line and not line.lstrip().startswith("#"):
            assert "#" in line, f"undocumented key in default.toml: {line}"


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("Mon-Fri", {0, 1, 2, 3, 4}),
        ("Mon-Sat", {0, 1, 2, 3, 4, 5}),
        ("Mon;Wed;Thu", {0, 2, 3}),
        ("senin", None),
    ],
)
def test_parse_days(text: str, days: set[int] | None):
    if days is None:
        with pytest.raises(ValueError):
            parse_days(text)
    else:
        assert parse_days(text) == days


def test_readme_documents_every_config_key():
    import re

    readme = (DEFAULT_CONFIG.parents[1] / "README.md").read_text(encoding="utf-8")
    section = ""
    for line in DEFAULT_CONFIG.read_text().splitlines():
        header = re.match(r"^\[([\w.]+)\]", line)
        if header:
            section = header.group(1)
            continue
        key = re.match(r"^(\w+)\s*=", line)
        if key:
            assert f"`{section}.{key.group(1)}`" in readme, f"{section}.{key.group(1)}"


@pytest.mark.parametrize(
    "path", sorted((DEFAULT_CONFIG.parent / "examples").glob("*.toml")), ids=lambda p: p.name
)
def test_example_configs_load(path: Path):
    assert Config.load(path) != Config()
