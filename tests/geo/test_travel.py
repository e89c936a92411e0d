import numpy as np
import pytest

from tests.conftest import BANDUNG, BOGOR, DENPASAR, GARUT, JAKARTA, MATARAM
from tkm_assign.config import Config, TravelConfig
from tkm_assign.errors import ConfigError
from tkm_assign.geo.models import make_travel_model
from tkm_assign.geo.regions import haversine_km
from tkm_assign.geo.travel import (
    UNREACHABLE_M,
    UNREACHABLE_MIN,
    HaversineTravel,
    Points,
)

SURABAYA = (-7.2575, 112.7521)
PAMEKASAN = (-7.1568, 113.4746)  # Madura, joined to Jawa by the Suramadu bridge
BANYUWANGI = (-8.2191, 114.3691)
NEGARA = (-8.3580, 114.6160)  # Bali, across the Bali strait from Banyuwangi
CILEGON = (-6.0025, 106.0111)
KALIANDA = (-5.7280, 105.5950)  # Sumatera, across the Sunda strait from Cilegon
NAMLEA = (-3.2600, 127.0900)  # Buru
JAYAPURA = (-2.5337, 140.7181)  # Papua, no ferry listed

MODELS = ("road", "haversine")


def test_haversine_reproduces_the_formula_exactly(points_at, travel_model):
    places = [BANDUNG, JAKARTA, BOGOR, GARUT, SURABAYA, BANYUWANGI]
    pts = points_at(*places)
    rows, cols = np.divmod(np.arange(len(places) ** 2), len(places))
    a, b = pts.take(rows), pts.take(cols)
    model = travel_model(model="haversine")
    config = model.config
    for transport, speed in config.speed_kph.items():
        minutes, metres = model.between(a, b, transport)
        km = haversine_km(a.latitude, a.longitude, b.latitude, b.longitude) * config.circuity
        assert np.array_equal(minutes, np.rint(km / speed * 60.0).astype(np.int32))
        assert np.array_equal(metres, np.rint(km * 1000.0).astype(np.int32))


def test_haversine_hand_figure_bandung_jakarta():
    model = HaversineTravel(TravelConfig(model="haversine"))
    a = Points.of([BANDUNG[0]], [BANDUNG[1]], [4])
    b = Points.of([JAKARTA[0]], [JAKARTA[1]], [4])
    minutes, metres = model.between(a, b, "motorcycle")
    assert minutes[0] == 233 and metres[0] == 155_033


@pytest.mark.parametrize("name", MODELS)
def test_unknown_transport_is_a_config_error(name, travel_model, points_at):
    pts = points_at(BANDUNG, JAKARTA)
    with pytest.raises(ConfigError, match=r"travel\.speed_kph.*'bus'"):
        travel_model(model=name).between(pts.take([0]), pts.take([1]), "bus")


@pytest.mark.parametrize("speed", [0, -10])
def test_non_positive_speeds_are_config_errors(speed, geography):
    with pytest.raises(ConfigError, match=r"travel\.speed_kph\.car"):
        make_travel_model(
            Config.load(overrides=[f"travel.speed_kph.car={speed}"]).travel, geography
        )
    with pytest.raises(ConfigError, match=r"travel\.offroad_speed_kph"):
        make_travel_model(TravelConfig(offroad_speed_kph=speed), geography)


@pytest.mark.parametrize("name", MODELS)
def test_cross_island_pairs_are_unreachable_under_forbid(name, travel_model, points_at):
    pts = points_at(BANDUNG, DENPASAR, MATARAM, NAMLEA)
    model = travel_model(model=name, cross_island="forbid")
    minutes, metres = model.between(pts.take([0, 1, 2, 3]), pts.take([1, 2, 3, 0]), "car")
    assert (minutes == UNREACHABLE_MIN).all() and (metres == UNREACHABLE_M).all()


@pytest.mark.parametrize("name", MODELS)
def test_bridged_islands_are_one_land(name, travel_model, points_at):
    # Madura is a separate island, joined to Jawa by Suramadu: reachable even under forbid.
    pts = points_at(SURABAYA, PAMEKASAN)
    assert pts.island_id[0] != pts.island_id[1]
    minutes, _ = travel_model(model=name).between(pts.take([0]), pts.take([1]), "motorcycle")
    assert 60 < minutes[0] < 300


def _same_island_twin(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
    """A point as far from ``a`` as ``b`` is, but in the opposite direction."""
    return (2 * a[0] - b[0], 2 * a[1] - b[1])


@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize(("origin", "across"), [(BANYUWANGI, NEGARA), (CILEGON, KALIANDA)])
def test_ferry_pairs_are_slower_than_same_island_pairs_of_equal_distance(
    name, origin, across, travel_model, points_at
):
    twin = _same_island_twin(origin, across)
    pts = points_at(origin, across, twin)
    assert pts.island_id[0] == pts.island_id[2] != pts.island_id[1]
    gc = haversine_km(pts.latitude[0], pts.longitude[0], pts.latitude[1:], pts.longitude[1:])
    assert gc[0] == pytest.approx(gc[1], rel=0.02)
    model = travel_model(model=name, cross_island="ferry")
    minutes, _ = model.between(pts.take([0, 0]), pts.take([1, 2]), "motorcycle")
    assert minutes[0] < UNREACHABLE_MIN
    assert minutes[0] > minutes[1] + model.config.ferry_wait_min


@pytest.mark.parametrize("name", MODELS)
def test_jawa_to_lombok_takes_two_ferries(name, travel_model, points_at):
    pts = points_at(BANDUNG, MATARAM)
    model = travel_model(model=name, cross_island="ferry")
    minutes, metres = model.between(pts.take([0, 1]), pts.take([1, 0]), "car")
    # Ketapang-Gilimanuk (45) and Padangbai-Lembar (270), each with the wait, plus the rides.
    assert minutes[0] > 45 + 270 + 2 * model.config.ferry_wait_min + 600
    assert minutes[0] < 3000
    assert minutes[0] == minutes[1] and metres[0] == metres[1]
    straight = haversine_km(pts.latitude[0], pts.longitude[0], pts.latitude[1], pts.longitude[1])
    assert metres[0] >= straight * 1000


@pytest.mark.parametrize("name", MODELS)
def test_islands_without_a_ferry_stay_unreachable_under_ferry(name, travel_model, points_at):
    pts = points_at(BANDUNG, JAYAPURA)
    minutes, _ = travel_model(model=name, cross_island="ferry").between(
        pts.take([0]), pts.take([1]), "car"
    )
    assert minutes[0] == UNREACHABLE_MIN


@pytest.mark.parametrize("name", MODELS)
def test_matrix_matches_between_with_zero_diagonal(name, travel_model, points_at):
    pts = points_at(BANDUNG, JAKARTA, BOGOR, GARUT, DENPASAR)
    model = travel_model(model=name)
    minutes, metres = model.matrix(pts, "motorcycle")
    assert (
        minutes.shape == (5, 5) and (np.diag(minutes) == 0).all() and (np.diag(metres) == 0).all()
    )
    one_min, one_m = model.between(pts.take([0, 3]), pts.take([1, 2]), "motorcycle")
    assert [minutes[0, 1], minutes[3, 2]] == one_min.tolist()
    assert [metres[0, 1], metres[3, 2]] == one_m.tolist()
    assert minutes[0, 4] == UNREACHABLE_MIN  # Jawa to Bali under the default forbid


def test_reach_class_joins_lands_by_ferry_only_under_ferry(travel_model, points_at):
    pts = points_at(BANDUNG, PAMEKASAN, DENPASAR, MATARAM, JAYAPURA)
    forbid = travel_model(model="haversine").reach_class(pts.island_id)
    ferry = travel_model(model="haversine", cross_island="ferry").reach_class(pts.island_id)
    assert forbid[0] == forbid[1] and len(set(forbid.tolist())) == 4
    assert ferry[0] == ferry[1] == ferry[2] == ferry[3] != ferry[4]


@pytest.mark.parametrize("name", MODELS)
def test_lower_bound_holds(name, travel_model, points_at):
    places = [BANDUNG, JAKARTA, BOGOR, GARUT, SURABAYA, BANYUWANGI, NEGARA, DENPASAR, MATARAM]
    pts = points_at(*places)
    model = travel_model(model=name, cross_island="ferry")
    for transport in ("motorcycle", "car", "public"):
        minutes, _ = model.matrix(pts, transport)
        gc = haversine_km(
            pts.latitude[:, None], pts.longitude[:, None], pts.latitude, pts.longitude
        )
        assert (minutes + 0.5 >= gc * model.min_minutes_per_km(transport)).all()


@pytest.mark.parametrize("name", MODELS)
def test_no_points_give_empty_results(name, travel_model):
    empty = Points.of([], [], [])
    for minutes, metres in (
        travel_model(model=name).between(empty, empty, "car"),
        travel_model(model=name).matrix(empty, "car"),
    ):
        assert minutes.size == 0 and metres.size == 0
