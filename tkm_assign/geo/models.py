"""The travel model a configuration names: :func:`make_travel_model`.

Kept apart from :mod:`tkm_assign.geo.travel` (the interface and the straight-line model) and
:mod:`tkm_assign.geo.roads` (road travel, built on that interface), so that neither imports
the other.
"""

from __future__ import annotations

from tkm_assign.config import TravelConfig
from tkm_assign.geo.ferries import default_sea_links, load_sea_links
from tkm_assign.geo.regions import Geography, load_geography
from tkm_assign.geo.roads import RoadTravel, load_road_network
from tkm_assign.geo.travel import HaversineTravel, TravelModel


def make_travel_model(config: TravelConfig, geography: Geography | None = None) -> TravelModel:
    """The travel model named by ``travel.model``, with the bundled roads and ferries.

    Parameters
    ----------
    config
        The ``[travel]`` configuration.
    geography
        Islands to place roads and ports on (default: :func:`load_geography`).

    Returns
    -------
    TravelModel
        :class:`HaversineTravel` or :class:`~tkm_assign.geo.roads.RoadTravel`.
    """
    if geography is None:
        sea = default_sea_links()
        geography = load_geography()
    else:
        sea = load_sea_links(geography)
    if config.model == "haversine":
        return HaversineTravel(config, sea)
    return RoadTravel(config, load_road_network(geography, config.cache_dir), sea)
