"""Travel models for the geography tests, built once per configuration."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tkm_assign.config import Config
from tkm_assign.geo.models import make_travel_model
from tkm_assign.geo.regions import Geography
from tkm_assign.geo.travel import Points, TravelModel


@pytest.fixture(scope="session")
def travel_model(geography: Geography) -> Callable[..., TravelModel]:
    """``travel_model(model="road", cross_island="ferry")``: a cached model for those keys."""
    built: dict[tuple[tuple[str, object], ...], TravelModel] = {}

    def make(**travel: object) -> TravelModel:
        key = tuple(sorted(travel.items()))
        if key not in built:
            overrides = [f"travel.{name}={_toml(value)}" for name, value in key]
            config = Config.load(overrides=[*overrides, 'travel.cache_dir=""'])
            built[key] = make_travel_model(config.travel, geography)
        return built[key]

    return make


@pytest.fixture(scope="session")
def points_at(geography: Geography) -> Callable[..., Points]:
    """``points_at(BANDUNG, JAKARTA)``: located :class:`Points` of (latitude, longitude) pairs."""

    def make(*places: tuple[float, float]) -> Points:
        found = geography.locate([p[0] for p in places], [p[1] for p in places])
        return Points.of(found.latitude, found.longitude, found.island_id)

    return make


def _toml(value: object) -> str:
    return f'"{value}"' if isinstance(value, str) else str(value)
