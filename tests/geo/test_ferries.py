from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tkm_assign.errors import InputError
from tkm_assign.geo.ferries import FERRIES_PATH, default_sea_links, load_sea_links

DATA = Path(__file__).parents[1] / "data"


def test_every_bundled_port_lies_on_the_island_its_row_names(geography):
    links = default_sea_links()  # raises if any port is off its island
    frame = pd.read_csv(FERRIES_PATH)
    ferries = frame[frame["kind"] == "ferry"]
    assert links.route_a.size == len(ferries) >= 10
    names = {geography.island_name(int(i)) for i in links.port_island}
    assert {"Jawa", "Sumatera", "Bali", "Lombok", "Sumbawa", "Flores", "Ambon", "Buru"} <= names
    assert (links.route_min > 0).all() and (links.route_km > 0).all()


def test_bridges_join_islands_into_one_land(geography):
    links = default_sea_links()
    ids: dict[str, int] = {}
    for i, name in enumerate(geography.islands["island_name"]):
        ids.setdefault(name, i)
    # Suramadu (listed, and in the trunk road data) joins Madura to Jawa.
    assert links.land(ids["Madura"]) == links.land(ids["Jawa"]) == ids["Jawa"]
    assert links.land(ids["Bali"]) == ids["Bali"] != links.land(ids["Lombok"])
    located = geography.locate([0.85, 0.75, 0.63], [104.20, 104.22, 104.28])  # Barelang
    assert (links.land(located.island_id) == links.land(ids["Batam"])).all()
    assert links.land(-1) == -1


def test_small_file_without_road_bridges(geography):
    links = load_sea_links(geography, DATA / "ferries_small.csv", roads_path=None)
    assert links.port_name == ("Ketapang", "Gilimanuk")
    assert links.route_min.tolist() == [45]
    found = geography.locate([-7.2575, -7.1568, -8.6705], [112.7521, 113.4746, 115.2126])
    land = links.land(found.island_id)
    assert land[0] == land[1] != land[2]
    ferry = links.reach_class(found.island_id, "ferry")
    assert ferry[0] == ferry[1] == ferry[2]
    forbid = links.reach_class(found.island_id, "forbid")
    assert np.array_equal(forbid, land)


@pytest.mark.parametrize(
    ("name", "column"),
    [
        ("ferries_port_on_wrong_island.csv", "a_latitude/a_longitude"),
        ("ferries_unknown_kind.csv", "kind"),
        ("ferries_zero_crossing_min.csv", "crossing_min"),
        ("ferries_latitude_not_a_number.csv", "a_latitude"),
        ("ferries_missing_crossing_min.csv", "crossing_min"),
    ],
)
def test_broken_links_files_name_file_row_and_column(name, column, geography):
    with pytest.raises(InputError) as caught:
        load_sea_links(geography, DATA / name, roads_path=None)
    text = str(caught.value)
    assert name in text and f"column {column}" in text
    if "missing" not in name:
        assert "row 2" in text
