"""Candidate base towns: district seats and regency capitals placed on the map."""

from __future__ import annotations

import numpy as np

from tkm_assign.geo.towns import load_towns


def test_towns_are_district_seats_and_regency_capitals_on_land():
    towns = load_towns()
    assert 7000 < len(towns) < 8000
    assert 400 < int(towns.is_capital.sum()) < 514  # capitals apart from a district seat
    assert (towns.island_id >= 0).all()
    assert len(set(towns.name.tolist())) == len(towns)  # "district, regency" is unique
    # Coordinates are as written to files (5 decimals) and the join places them near.
    assert np.allclose(towns.latitude, np.round(towns.latitude, 5))
    for t in range(0, len(towns), 97):
        loc = towns.location[t]
        assert abs(loc.latitude - towns.latitude[t]) < 0.01
        assert abs(loc.longitude - towns.longitude[t]) < 0.01


def test_towns_lie_in_the_province_their_name_says():
    towns = load_towns()
    bandung = [k for k, name in enumerate(towns.name) if name.endswith(", Kota Bandung")]
    assert len(bandung) >= 25  # 30 districts
    assert {towns.location[k].province_code for k in bandung} == {"32"}
    assert {towns.location[k].regency_code for k in bandung} == {"3273"}
