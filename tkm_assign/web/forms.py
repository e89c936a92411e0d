"""The few settings coordinators change on the page, and the presets they choose from.

A form becomes ``settings`` (a preset name and ``section.key=value`` overrides), stored
with the job; :func:`job_config` turns them into a :class:`~tkm_assign.config.Config` the
same way ``--config`` and ``--set`` do on the command line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tkm_assign.config import Config, setting_error
from tkm_assign.resources import PRESETS_DIR


@dataclass(frozen=True)
class Setting:
    """One field of the new-plan form: its configuration key and how it is entered."""

    key: str
    kind: str  # date | int | choice
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None


SETTINGS = (
    Setting("programme.start_date", "date"),
    Setting("programme.months", "int", minimum=1, maximum=24),
    Setting("caseload.max", "int", minimum=1, maximum=1000),
    Setting("sessions.min_per_month", "int", minimum=1, maximum=30),
    Setting("sessions.max_per_month", "int", minimum=1, maximum=30),
    Setting("assign.sector_rule", "choice", choices=("soft", "hard")),
    Setting("travel.cross_island", "choice", choices=("forbid", "ferry")),
)


def presets() -> tuple[str, ...]:
    """Names of the ready-made configurations in ``configs/examples`` (without ``.toml``)."""
    return tuple(sorted(path.stem for path in PRESETS_DIR.glob("*.toml")))


def current_values(config: Config) -> dict[str, str]:
    """The form's fields as the configuration sets them (the form's initial values)."""
    data = config.to_dict()
    values = {}
    for setting in SETTINGS:
        section, key = setting.key.split(".")
        values[setting.key] = str(data[section][key])
    return values


def settings_from_form(form: Mapping[str, str]) -> dict[str, Any]:
    """``{"preset": name, "overrides": [...]}`` from the submitted fields.

    Only fields that differ from the preset (or the defaults) become overrides, so a plan
    records what the coordinator changed. Raises :class:`ConfigError` naming the field.
    """
    preset = form.get("preset", "").strip()
    if preset and preset not in presets():
        raise setting_error(
            "preset", "config.not_one_of", value=repr(preset), choices=", ".join(presets())
        )
    start = job_config({"preset": preset})
    initial = current_values(start)
    overrides = []
    for setting in SETTINGS:
        raw = form.get(setting.key, "").strip()
        if not raw or raw == initial[setting.key]:
            continue
        overrides.append(f"{setting.key}={_checked(setting, raw)}")
    settings = {"preset": preset, "overrides": overrides}
    job_config(settings)  # every rule of the configuration (e.g. min <= max) checked now
    return settings


def _checked(setting: Setting, raw: str) -> str:
    if setting.kind == "date":
        try:
            return dt.date.fromisoformat(raw).isoformat()
        except ValueError:
            raise setting_error(setting.key, "config.not_form_date", value=raw) from None
    if setting.kind == "int":
        if not raw.isdigit():
            raise setting_error(setting.key, "config.not_form_whole", value=raw)
        value = int(raw)
        if (setting.minimum is not None and value < setting.minimum) or (
            setting.maximum is not None and value > setting.maximum
        ):
            raise setting_error(
                setting.key,
                "config.form_range",
                value=value,
                low=str(setting.minimum),
                high=str(setting.maximum),
            )
        return str(value)
    if raw not in setting.choices:
        raise setting_error(
            setting.key, "config.not_one_of", value=repr(raw), choices=", ".join(setting.choices)
        )
    return f'"{raw}"'


def job_config(settings: Mapping[str, Any]) -> Config:
    """The configuration of a job: defaults, its preset, then its overrides."""
    preset = str(settings.get("preset") or "")
    if preset and preset not in presets():
        raise setting_error(
            "preset", "config.not_one_of", value=repr(preset), choices=", ".join(presets())
        )
    path = PRESETS_DIR / f"{preset}.toml" if preset else None
    return Config.load(path, settings.get("overrides", ()))
