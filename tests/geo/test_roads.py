import numpy as np
import pandas as pd
import pytest

from tests.conftest import BANDUNG, JAKARTA
from tkm_assign.config import PROJECT_ROOT, TravelConfig
from tkm_assign.geo.regions import haversine_km
from tkm_assign.geo.roads import RoadTravel, build_road_network
from tkm_assign.geo.travel import UNREACHABLE_MIN, Points
from tkm_assign.geo.trunk_roads import load_trunk_roads

MASOHI = (-3.2960, 128.9590)  # Seram: no trunk road in the data
PIRU = (-3.0700, 128.1900)  # Seram
BATAM = (1.0300, 104.0300)
GALANG = (0.7500, 104.2200)  # joined to Batam by the Barelang bridges, no trunk road
INNER_KALIMANTAN = (-0.9000, 113.9000)  # far from any trunk road
PALANGKARAYA = (-2.2096, 113.9213)


@pytest.fixture(scope="module")
def road(travel_model) -> RoadTravel:
    model = travel_model(model="road")
    assert isinstance(model, RoadTravel)
    return model


@pytest.fixture(scope="module")
def villages(geography) -> Points:
    frame = pd.read_csv(PROJECT_ROOT / "data" / "places" / "villages.csv.gz", dtype=str)
    sample = frame.sample(3000, random_state=7)
    found = geography.locate(sample["latitude"].astype(float), sample["longitude"].astype(float))
    keep = found.island_id >= 0
    return Points.of(found.latitude[keep], found.longitude[keep], found.island_id[keep])


def test_road_distance_is_never_shorter_than_the_great_circle_and_symmetric(road, villages):
    rng = np.random.default_rng(3)
    n = len(villages)
    far = rng.integers(0, n, size=(2, 20_000))
    # Neighbours in longitude order give many short and medium pairs too.
    order = np.argsort(villages.longitude)
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    near_a = rng.integers(0, n, 20_000)
    near_b = order[np.clip(rank[near_a] + rng.integers(-30, 30, near_a.size), 0, n - 1)]
    ia = np.concatenate([far[0], near_a])
    ib = np.concatenate([far[1], near_b])
    prepared = road.prepare(villages)
    for transport in ("motorcycle", "public"):
        there_min, there_m = road.pairs(prepared, ia, prepared, ib, transport)
        back_min, back_m = road.pairs(prepared, ib, prepared, ia, transport)
        reached = there_min < UNREACHABLE_MIN
        assert reached.sum() > 15_000
        straight = haversine_km(
            villages.latitude[ia],
            villages.longitude[ia],
            villages.latitude[ib],
            villages.longitude[ib],
        )
        assert (there_m[reached] >= np.floor(straight[reached] * 1000)).all()
        assert np.abs(there_min - back_min).max() <= 1
        assert np.abs(there_m.astype(np.int64) - back_m).max() <= 1
        assert np.array_equal(reached, back_min < UNREACHABLE_MIN)


def test_bandung_jakarta_by_road_is_close_to_150_km(road, points_at):
    pts = points_at(BANDUNG, JAKARTA)
    minutes, metres = road.between(pts.take([0]), pts.take([1]), "car")
    assert metres[0] == pytest.approx(150_000, rel=0.25)
    # Mostly on the trunk road: much faster than the same distance off-road.
    assert minutes[0] < metres[0] / 1000 / road.config.offroad_speed_kph * 60


def test_segments_are_never_shorter_than_their_chord_and_stay_in_indonesia(geography):
    roads = load_trunk_roads(geography)
    chord = haversine_km(
        roads.node_lat[roads.edge_u],
        roads.node_lon[roads.edge_u],
        roads.node_lat[roads.edge_v],
        roads.node_lon[roads.edge_v],
    )
    assert (roads.edge_km >= chord).all()
    assert (roads.node_island >= 0).all()
    names = {tuple(sorted(geography.island_name(i) for i in pair)) for pair in roads.bridges()}
    assert ("Jawa", "Madura") in names


def test_points_exactly_at_road_nodes(road):
    roads = road.network.roads
    on_jawa = np.flatnonzero(roads.node_island == 4)[:50]
    nodes = Points.of(roads.node_lat[on_jawa], roads.node_lon[on_jawa], 4)
    minutes, metres = road.between(nodes, nodes, "motorcycle")
    assert (minutes == 0).all() and (metres == 0).all()
    # Two ends of one segment: the road length of that segment, at road speed.
    edge = int(np.flatnonzero((roads.node_island[roads.edge_u] == 4) & (roads.edge_km > 5))[0])
    u, v = roads.edge_u[edge], roads.edge_v[edge]
    ends = Points.of(roads.node_lat[[u, v]], roads.node_lon[[u, v]], 4)
    minutes, metres = road.between(ends.take([0]), ends.take([1]), "car")
    assert metres[0] <= round(roads.edge_km[edge] * 1000) + 1
    assert minutes[0] <= round(roads.edge_km[edge] / road.speed_kph("car") * 60) + 1


def test_point_far_off_the_network_travels_off_road_first(road, points_at):
    pts = points_at(INNER_KALIMANTAN, PALANGKARAYA)
    minutes, metres = road.between(pts.take([0]), pts.take([1]), "motorcycle")
    straight = haversine_km(*INNER_KALIMANTAN, *PALANGKARAYA)
    assert minutes[0] < UNREACHABLE_MIN and metres[0] >= straight * 1000
    # Never slower than the direct off-road trip.
    direct = straight * road.config.circuity / road.offroad_kph("motorcycle") * 60
    assert minutes[0] <= round(float(direct))


def test_island_without_roads_falls_back_to_haversine(road, travel_model, points_at):
    haversine = travel_model(model="haversine")
    for pair in ((MASOHI, PIRU), (BATAM, GALANG)):
        pts = points_at(*pair)
        assert not road.network.has_roads(pts.island_id[1])
        for transport in ("motorcycle", "car", "public"):
            assert road.between(pts.take([0]), pts.take([1]), transport) == haversine.between(
                pts.take([0]), pts.take([1]), transport
            )


def test_close_points_use_the_direct_trip(road, points_at):
    # Two villages 2 km apart in the Garut highlands, 19 km from the nearest trunk road.
    a = (-7.4500, 107.7500)
    b = (-7.4680, 107.7500)
    pts = points_at(a, b)
    minutes, metres = road.between(pts.take([0]), pts.take([1]), "motorcycle")
    km = float(haversine_km(*a, *b)) * road.config.circuity
    assert metres[0] == round(km * 1000)
    assert minutes[0] == round(km / road.offroad_kph("motorcycle") * 60)


def test_public_transport_is_no_faster_off_road_than_on_road(geography, points_at):
    from tkm_assign.geo.models import make_travel_model

    config = TravelConfig(
        offroad_speed_kph=25.0, speed_kph={"motorcycle": 40.0, "car": 45.0, "public": 15.0}
    )
    model = make_travel_model(config, geography)
    assert isinstance(model, RoadTravel)
    assert model.offroad_kph("public") == 15.0 and model.offroad_kph("car") == 25.0
    pts = points_at((-7.0500, 107.5000), (-7.0680, 107.5000))
    minutes, metres = model.between(pts.take([0]), pts.take([1]), "public")
    assert minutes[0] == round(metres[0] / 1000 / 15.0 * 60)


def test_shortest_road_km_are_cached_on_disk(geography, tmp_path):
    roads = load_trunk_roads(geography)
    built = build_road_network(roads, tmp_path)
    (path,) = tmp_path.glob("roads-*.npz")
    again = build_road_network(roads, tmp_path)
    assert len(again.component_km) == len(built.component_km)
    for first, second in zip(built.component_km, again.component_km, strict=True):
        assert second.dtype == np.float32 and np.array_equal(first, second)
    path.write_bytes(b"broken")
    rebuilt = build_road_network(roads, tmp_path)
    assert np.array_equal(rebuilt.component_km[0], built.component_km[0])


def test_road_km_cache_with_damaged_values_is_used(geography, tmp_path):
    # Same class as a candidates cache with out-of-range indices: a valid .npz with
    # negative or NaN km is recomputed, never trusted.
    roads = load_trunk_roads(geography)
    built = build_road_network(roads, tmp_path)
    (path,) = tmp_path.glob("roads-*.npz")
    with np.load(path) as stored:
        arrays = {name: stored[name] for name in stored.files}
    arrays["c0"] = np.full_like(arrays["c0"], -1.0)
    arrays["c1"] = np.full_like(arrays["c1"], np.nan)
    np.savez(path, **arrays)
    rebuilt = build_road_network(roads, tmp_path)
    for first, second in zip(built.component_km, rebuilt.component_km, strict=True):
        assert np.array_equal(first, second)
