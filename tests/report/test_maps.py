"""Map colours stay apart; province maps are named by their province."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest

from tkm_assign.report import maps
from tkm_assign.resources import SAMPLE_DIR


def test_enough_distinct_colours_for_the_largest_province():
    # Every mentor of a province map gets a colour of its own: the sample's largest
    # province (by mentors living there) must fit, with room for mentors from next door.
    mentors = pd.read_csv(SAMPLE_DIR / "mentors.csv", dtype=str)
    column = next(c for c in mentors.columns if "province" in c)
    largest = int(mentors[column].value_counts().max())
    assert largest + 5 <= maps.PROVINCE_COLOURS
    colours = maps.distinct_colours(maps.PROVINCE_COLOURS)
    assert len(set(colours)) == maps.PROVINCE_COLOURS
    for a, b in itertools.combinations(colours, 2):
        assert maps.colour_distance(a, b) >= maps.MIN_COLOUR_DELTA_E, (a, b)
    for colour in colours:
        for reserved in (maps.LAND, maps.SEA, maps.UNASSIGNED):
            assert maps.colour_distance(colour, reserved) >= maps.MIN_COLOUR_DELTA_E


def test_colours_are_deterministic_and_nested():
    assert maps.distinct_colours(10) == maps.distinct_colours(40)[:10]


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("Jawa Barat", "jawa-barat"),
        ("Daerah Istimewa Yogyakarta", "daerah-istimewa-yogyakarta"),
        ("Papua Barat Daya", "papua-barat-daya"),
        ("Kep. Bangka Belitung", "kep-bangka-belitung"),
        ("", "32"),
    ],
)
def test_province_file_stem(name, stem):
    assert maps.province_file_stem(name, "32") == stem


def test_every_province_has_its_own_file_name():
    from tkm_assign.geo.regions import load_geography

    codes = load_geography().provinces["province_code"].astype(str).tolist()
    names = maps.province_map_names(codes)
    assert len(set(names.values())) == len(codes)
    assert names["32"] == "jawa-barat.png"
    # The same province keeps its name whichever others are mapped with it.
    assert maps.province_map_names(["32"]) == {"32": "jawa-barat.png"}
