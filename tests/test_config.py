import datetime as dt
import re
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


def test_default_file_has_every_key_of_the_configuration():
    import tomllib

    def keys(data: dict, prefix: str = "") -> set[str]:
        out = set()
        for key, value in data.items():
            out |= keys(value, f"{prefix}{key}.") if isinstance(value, dict) else {prefix + key}
        return out

    in_file = keys(tomllib.loads(DEFAULT_CONFIG.read_text(encoding="utf-8")))
    assert keys(Config().to_dict()) == in_file


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


def _numeric_keys(cls=Config, prefix=""):
    """Every number or date key of the configuration, with its field."""
    import dataclasses
    import typing
    from collections.abc import Mapping

    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        hint = hints[f.name]
        if dataclasses.is_dataclass(hint):
            yield from _numeric_keys(hint, f"{prefix}{f.name}.")
        elif hint in (int, float, dt.date) or (
            typing.get_origin(hint) in (Mapping, dict) and typing.get_args(hint)[1] in (int, float)
        ):
            yield f"{prefix}{f.name}", f


def test_every_number_has_a_finite_range():
    import math

    from tkm_assign.config import documented_ranges

    ranges = documented_ranges()
    for key, f in _numeric_keys():
        assert "range" in f.metadata, f"{key} has no range"
        low, high = f.metadata["range"]
        if not isinstance(low, dt.date):
            assert math.isfinite(low) and math.isfinite(high), key
        assert key in ranges or f"{key}.*" in ranges


def test_every_range_is_documented_in_default_file_and_readme():
    import re

    from tkm_assign.config import documented_ranges, format_range

    ranges = documented_ranges()
    readme = (DEFAULT_CONFIG.parents[1] / "README.md").read_text(encoding="utf-8")
    section = ""
    seen = set()
    for line in DEFAULT_CONFIG.read_text().splitlines():
        header = re.match(r"^\[([\w.]+)\]", line)
        if header:
            section = header.group(1)
            continue
        key = re.match(r"^(\w+)\s*=", line)
        if not key:
            continue
        name = f"{section}.{key.group(1)}"
        documented = ranges.get(name) or ranges.get(f"{section}.*")
        if documented is None:
            continue
        text = format_range(*documented)
        seen.add(name if name in ranges else f"{section}.*")
        assert f"; range {text}" in line, f"default.toml: {name} should say range {text}"
        row = next((r for r in readme.splitlines() if r.startswith(f"| `{name}` |")), "")
        assert f"| {text}" in row, f"README: {name} should say {text}"
    assert seen == set(ranges)


@pytest.mark.parametrize(
    "override",
    [
        "assign.time_limit_s=inf",
        "schedule.time_limit_s=inf",
        "schedule.placement_limit=inf",
        "capacity.time_limit=inf",
        "travel.speed_kph.car=inf",
        "travel.speed_kph.car=1e-300",
        "travel.offroad_speed_kph=nan",
        "cost.per_km_idr=inf",
        "caseload.hours_per_month=nan",
    ],
)
def test_infinite_or_absurd_settings_are_accepted(override: str):
    # Defect: inf (written to summary.json as Infinity) and 1e-300 km/h were accepted.
    key = override.partition("=")[0]
    with pytest.raises(ConfigError, match=rf"{re.escape(key)}: .* is out of range; expected"):
        Config.load(overrides=[override])


@pytest.mark.parametrize("date", ["9999-12-01", "1900-01-01", "0001-01-01"])
def test_far_future_start_date_is_accepted(date: str):
    # Defect: 9999-12-01 validated and the plan crashed on "year 10000 is out of range".
    with pytest.raises(ConfigError, match=r"programme\.start_date\)?: .* 2000-01-01\.\.2099-12-31"):
        Config.load(overrides=[f"programme.start_date={date}"])


def test_date_with_non_ascii_digits_is_refused():
    with pytest.raises(ConfigError, match=r"programme\.start_date"):
        Config.load(overrides=['programme.start_date="２０２７-０７-０５"'])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe[\x00c\x00]\x00", "not UTF-8 text (byte 0xFF at position 0)"),
        (None, "is a folder"),
    ],
)
def test_unreadable_configuration_file_crashes(tmp_path: Path, content, message):
    # Defect: a UTF-16 file or a folder given as --config exited 1 with a traceback.
    path = tmp_path / "config.toml"
    if content is None:
        path = tmp_path
    else:
        path.write_bytes(content)
    with pytest.raises(ConfigError, match=re.escape(message)):
        Config.load(path)


def test_unreadable_scenario_file_crashes(tmp_path: Path):
    from tkm_assign.scenarios.grid import read_scenario_file

    with pytest.raises(ConfigError, match="is a folder; expected a scenario file"):
        read_scenario_file(tmp_path)
    (tmp_path / "s.toml").write_bytes(b"\xff\xfe")
    with pytest.raises(ConfigError, match="scenario file is not UTF-8"):
        read_scenario_file(tmp_path / "s.toml")


def test_long_values_are_cut_in_messages():
    with pytest.raises(ConfigError) as caught:
        Config.load(overrides=["travel.model=" + "x" * 500_000])
    assert len(str(caught.value)) < 300
    assert "500,000 characters" in str(caught.value)
