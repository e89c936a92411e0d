import numpy as np

from tests.conftest import BANDUNG, DENPASAR, JAKARTA, MATARAM
from tkm_assign.geo.regions import NOT_LOCATED, haversine_km


def test_known_cities_fall_in_their_province_regency_and_island(geography):
    lat, lon = zip(BANDUNG, JAKARTA, DENPASAR, MATARAM, strict=True)
    found = geography.locate(lat, lon)
    assert list(found.province_code) == ["32", "31", "51", "52"]
    assert list(found.regency_code) == ["3273", "3171", "5171", "5271"]
    names = [geography.island_name(i) for i in found.island_id]
    assert names == ["Jawa", "Jawa", "Bali", "Lombok"]


def test_point_just_off_the_coast_snaps_and_open_sea_does_not(geography):
    # 2 km off Pantai Kuta (Bali) snaps to Bali; the middle of the Java Sea is not located.
    found = geography.locate([-8.72, -5.0], [115.145, 111.0])
    assert found.province_code[0] == "51" and 0 < found.snapped_km[0] <= 5
    assert found.island_id[1] == NOT_LOCATED and found.province_code[1] == ""


def test_haversine_known_distance():
    km = haversine_km(BANDUNG[0], BANDUNG[1], JAKARTA[0], JAKARTA[1])
    assert np.isclose(km, 119.7, atol=0.5)
