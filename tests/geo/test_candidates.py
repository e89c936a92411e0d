import logging
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import AMBON, BANDUNG, BOGOR, DENPASAR, GARUT, JAKARTA, MATARAM, locate
from tkm_assign.config import Config
from tkm_assign.geo import candidates as candidates_module
from tkm_assign.geo.candidates import find_candidates
from tkm_assign.geo.travel import UNREACHABLE_MIN, Points
from tkm_assign.model import Location, Mentor, Participant, Problem, Sector, Transport

NAMLEA = (-3.2600, 127.0900)  # Buru, Maluku
BIAK = (-1.1800, 136.0800)  # Biak, Papua
JAYAPURA = (-2.5337, 140.7181)  # Papua, Papua
PALANGKARAYA = (-2.2096, 113.9213)
INNER_KALIMANTAN = (-0.9000, 113.9000)
CIREBON = (-6.7063, 108.5570)
TASIKMALAYA = (-7.3274, 108.2207)
SERANG = (-6.1200, 106.1500)
BANDAR_LAMPUNG = (-5.4300, 105.2600)
SURABAYA = (-7.2575, 112.7521)
PAMEKASAN = (-7.1568, 113.4746)
NEGARA = (-8.3580, 114.6160)

POOL = [
    BANDUNG,
    BOGOR,
    GARUT,
    CIREBON,
    TASIKMALAYA,
    JAKARTA,
    SERANG,
    BANDAR_LAMPUNG,
    SURABAYA,
    PAMEKASAN,
    DENPASAR,
    NEGARA,
    MATARAM,
    AMBON,
    NAMLEA,
]
SECTORS = list(Sector)


def config_with(**keys: object) -> Config:
    """Default config with ``section.key`` overrides given as section__key=value."""
    overrides = ['travel.cache_dir=""']
    for name, value in keys.items():
        key = name.replace("__", ".")
        overrides.append(f'{key}="{value}"' if isinstance(value, str) else f"{key}={value}")
    return Config.load(overrides=overrides)


def person(geography, kind, ident, where, **kw):
    loc = locate(geography, *where)
    if kind == "p":
        return Participant(ident, "", loc, kw.pop("sector", Sector.INDUSTRI_BOGA), **kw)
    sectors = kw.pop("sectors", (Sector.INDUSTRI_BOGA,))
    return Mentor(ident, "", loc, frozenset(sectors), **kw)


def expected_candidates(problem: Problem, travel) -> set[tuple[int, int, int]]:
    """Brute force over every pair: (participant, mentor, minutes) the rules allow."""
    config = problem.config
    n_p, n_m = len(problem.participants), len(problem.mentors)
    p_idx, m_idx = (g.ravel() for g in np.meshgrid(np.arange(n_p), np.arange(n_m), indexing="ij"))
    where = [p.location for p in problem.participants] + [m.location for m in problem.mentors]
    points = Points.of(
        [w.latitude for w in where], [w.longitude for w in where], [w.island_id for w in where]
    )
    minutes = np.zeros(p_idx.size, dtype=np.int64)
    for transport in Transport:
        sel = np.array([problem.mentors[j].transport == transport for j in m_idx], dtype=bool)
        if sel.any():
            minutes[sel] = travel.between(
                points.take(n_p + m_idx[sel]), points.take(p_idx[sel]), transport.value
            )[0]
    minutes = minutes.reshape(n_p, n_m)
    out = set()
    for i, p in enumerate(problem.participants):
        rows = []
        for j, m in enumerate(problem.mentors):
            reachable = minutes[i, j] < UNREACHABLE_MIN
            eligible = (
                reachable
                and minutes[i, j] <= config.travel.max_travel_min
                and m.mentor_id not in p.excluded_mentor_ids
                and (
                    config.assign.province_rule == "any"
                    or m.location.province_code == p.location.province_code
                )
                and (config.assign.sector_rule == "soft" or p.sector in m.sectors)
            )
            rows.append((j, int(minutes[i, j]), reachable, eligible))
        fastest = sorted((t, j) for j, t, _, ok in rows if ok)
        keep = {j for _, j in fastest[: config.travel.k_nearest]}
        for j, _, reachable, eligible in rows:
            m = problem.mentors[j]
            if (m.mentor_id == p.pinned_mentor_id and reachable) or (
                m.mentor_id == p.current_mentor_id and eligible
            ):
                keep.add(j)
        out |= {(i, j, rows[j][1]) for j in keep}
    return out


def as_set(candidates) -> set[tuple[int, int, int]]:
    return set(
        zip(
            candidates.participant_idx.tolist(),
            candidates.mentor_idx.tolist(),
            candidates.travel_min.tolist(),
            strict=True,
        )
    )


JITTERS = (0.0, 0.02, -0.03)


@pytest.fixture(scope="module")
def pool_locations(geography) -> dict[tuple[float, float], Location]:
    """Every pool place with every jitter, located in one call."""
    spots = [(lat + dy, lon + dx) for lat, lon in POOL for dy in JITTERS for dx in JITTERS]
    found = geography.locate([s[0] for s in spots], [s[1] for s in spots])
    return {
        spot: Location(
            float(found.latitude[k]),
            float(found.longitude[k]),
            str(found.province_code[k]),
            str(found.regency_code[k]),
            int(found.island_id[k]),
            float(found.snapped_km[k]),
        )
        for k, spot in enumerate(spots)
    }


@st.composite
def small_problems(draw, locations):
    config = config_with(
        travel__model=draw(st.sampled_from(["road", "haversine"])),
        travel__cross_island=draw(st.sampled_from(["forbid", "ferry"])),
        travel__k_nearest=draw(st.integers(1, 4)),
        travel__max_travel_min=draw(st.sampled_from([20, 60, 150, 400, 1440])),
        assign__province_rule=draw(st.sampled_from(["same", "any"])),
        assign__sector_rule=draw(st.sampled_from(["soft", "hard"])),
    )
    spot = st.sampled_from(list(locations))
    n_m = draw(st.integers(1, 7))
    mentor_ids = [f"M{j}" for j in range(n_m)]
    mentors = tuple(
        Mentor(
            mentor_ids[j],
            "",
            locations[draw(spot)],
            frozenset(draw(st.sets(st.sampled_from(SECTORS), min_size=1, max_size=3))),
            transport=draw(st.sampled_from(list(Transport))),
        )
        for j in range(n_m)
    )
    maybe_mentor = st.one_of(st.none(), st.sampled_from([*mentor_ids, "M-unknown"]))
    participants = tuple(
        Participant(
            f"P{i}",
            "",
            locations[draw(spot)],
            draw(st.sampled_from(SECTORS)),
            excluded_mentor_ids=frozenset(draw(st.sets(st.sampled_from(mentor_ids), max_size=2))),
            pinned_mentor_id=draw(maybe_mentor),
            current_mentor_id=draw(maybe_mentor),
        )
        for i in range(draw(st.integers(1, 6)))
    )
    return Problem(participants, mentors, config)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_candidates_are_exactly_the_eligible_fastest_plus_pins(data, pool_locations, travel_model):
    problem = data.draw(small_problems(pool_locations))
    travel = travel_model(
        model=problem.config.travel.model, cross_island=problem.config.travel.cross_island
    )
    found = find_candidates(problem, travel)
    assert as_set(found) == expected_candidates(problem, travel)
    # Sorted by participant, then minutes, then mentor; one row per pair.
    order = np.lexsort((found.mentor_idx, found.travel_min, found.participant_idx))
    assert np.array_equal(order, np.arange(len(found)))
    served = set(found.participant_idx.tolist())
    assert set(found.no_candidate_reason) == set(range(len(problem.participants))) - served
    for i, p in enumerate(problem.participants):
        if p.pinned_mentor_id in problem.mentor_index and i in found.no_candidate_reason:
            assert "pinned mentor" in str(found.no_candidate_reason[i])


def test_large_random_instance_matches_brute_force(geography, travel_model):
    # Many mentors per group, so that the widening nearest-neighbour search is exercised.
    rng = np.random.default_rng(11)
    config = config_with(travel__k_nearest=5, travel__max_travel_min=300)
    travel = travel_model(model="road")
    centre = np.array(BANDUNG)
    spots = centre + rng.normal(scale=0.5, size=(140, 2))
    found = geography.locate(spots[:, 0], spots[:, 1])
    keep = np.flatnonzero(found.province_code == "32")
    spots = spots[keep]
    participants = tuple(
        person(geography, "p", f"P{i}", tuple(s)) for i, s in enumerate(spots[:60])
    )
    mentors = tuple(
        person(
            geography,
            "m",
            f"M{j}",
            tuple(s),
            transport=list(Transport)[j % 3],
        )
        for j, s in enumerate(spots[60:])
    )
    problem = Problem(participants, mentors, config)
    assert as_set(find_candidates(problem, travel)) == expected_candidates(problem, travel)


def reason_of(problem: Problem, travel) -> str:
    found = find_candidates(problem, travel)
    assert len(found) == 0
    return str(found.no_candidate_reason[0])


def test_reason_no_mentor_in_the_province(geography, travel_model):
    problem = Problem(
        (person(geography, "p", "P1", AMBON),),
        (person(geography, "m", "M1", BANDUNG),),
        config_with(),
    )
    assert reason_of(problem, travel_model(model="road")) == "no mentor in Maluku"


def test_reason_no_mentor_on_the_island(geography, travel_model):
    problem = Problem(
        (person(geography, "p", "P1", NAMLEA),),
        (person(geography, "m", "M1", AMBON),),
        config_with(),
    )
    assert reason_of(problem, travel_model(model="road")) == (
        "no mentor on Buru (onsite visits across the sea are not allowed)"
    )


def test_reason_no_ferry_reaches_the_island(geography, travel_model):
    problem = Problem(
        (person(geography, "p", "P1", JAYAPURA),),
        (person(geography, "m", "M1", BIAK),),
        config_with(travel__cross_island="ferry"),
    )
    text = reason_of(problem, travel_model(model="haversine", cross_island="ferry"))
    assert text.startswith("no mentor can reach Papua: no ferry route in geo/ferries.csv")


def test_reason_no_mentor_covers_the_sector(geography, travel_model):
    problem = Problem(
        (person(geography, "p", "P1", BANDUNG, sector=Sector.INDUSTRI_KREATIF),),
        (person(geography, "m", "M1", GARUT, sectors=(Sector.PERTANIAN_PETERNAKAN,)),),
        config_with(assign__sector_rule="hard"),
    )
    assert reason_of(problem, travel_model(model="road")) == (
        "no mentor in Jawa Barat covers industri_kreatif (the sector must match)"
    )


def test_reason_nearest_mentor_is_too_far(geography, travel_model):
    travel = travel_model(model="road")
    participant = person(geography, "p", "P1", INNER_KALIMANTAN)
    mentor = person(geography, "m", "M1", PALANGKARAYA)
    problem = Problem((participant,), (mentor,), config_with(travel__max_travel_min=60))
    a = Points.of([mentor.location.latitude], [mentor.location.longitude], 0)
    b = Points.of([participant.location.latitude], [participant.location.longitude], 0)
    minutes = int(travel.between(a, b, "motorcycle")[0][0])
    assert minutes > 60
    assert reason_of(problem, travel) == (
        f"nearest mentor in Kalimantan Tengah is {minutes} min away (travel time limit 60 min)"
    )


def test_reason_every_eligible_mentor_is_excluded(geography, travel_model):
    problem = Problem(
        (person(geography, "p", "P1", BANDUNG, excluded_mentor_ids=frozenset({"M1"})),),
        (person(geography, "m", "M1", GARUT), person(geography, "m", "M2", CIREBON)),
        config_with(travel__max_travel_min=150),
    )
    assert reason_of(problem, travel_model(model="road")) == (
        "every eligible mentor is excluded for this participant"
    )


def test_reason_mentions_an_unreachable_pin(geography, travel_model):
    problem = Problem(
        (person(geography, "p", "P1", NAMLEA, pinned_mentor_id="M1"),),
        (person(geography, "m", "M1", AMBON),),
        config_with(),
    )
    assert reason_of(problem, travel_model(model="road")).endswith(
        "; pinned mentor M1 cannot travel there (ferry trips are not allowed)"
    )


def test_pin_overrides_province_travel_sector_and_exclusion(geography, travel_model):
    participant = person(
        geography,
        "p",
        "P1",
        BANDUNG,
        sector=Sector.PERIKANAN_KELAUTAN,
        pinned_mentor_id="M1",
        excluded_mentor_ids=frozenset({"M1"}),
    )
    mentors = (person(geography, "m", "M1", SERANG), person(geography, "m", "M2", GARUT))
    config = config_with(travel__max_travel_min=20, assign__sector_rule="hard")
    found = find_candidates(Problem((participant,), mentors, config), travel_model(model="road"))
    assert found.mentor_idx.tolist() == [0] and found.travel_min[0] > 20


def test_current_mentor_is_kept_beyond_k_nearest(geography, travel_model):
    participant = person(geography, "p", "P1", BANDUNG, current_mentor_id="M2")
    mentors = (person(geography, "m", "M1", BANDUNG), person(geography, "m", "M2", GARUT))
    config = config_with(travel__k_nearest=1)
    found = find_candidates(Problem((participant,), mentors, config), travel_model(model="road"))
    assert found.mentor_idx.tolist() == [0, 1]
    assert found.travel_min[0] <= found.travel_min[1]


def test_no_mentors_at_all(geography, travel_model):
    participants = (person(geography, "p", "P1", BANDUNG), person(geography, "p", "P2", AMBON))
    found = find_candidates(Problem(participants, (), config_with()), travel_model(model="road"))
    assert len(found) == 0
    assert {i: str(r) for i, r in found.no_candidate_reason.items()} == {
        0: "no mentor in Jawa Barat",
        1: "no mentor in Maluku",
    }
    empty = find_candidates(Problem((), (), config_with()), travel_model(model="road"))
    assert len(empty) == 0 and empty.no_candidate_reason == {}


def cache_problem(geography, cache_dir: Path) -> Problem:
    participants = tuple(
        person(geography, "p", f"P{i}", where)
        for i, where in enumerate([BANDUNG, GARUT, JAKARTA, NAMLEA, DENPASAR])
    )
    mentors = tuple(
        person(geography, "m", f"M{j}", where) for j, where in enumerate([BOGOR, CIREBON, DENPASAR])
    )
    config = Config.load(overrides=[f'travel.cache_dir="{cache_dir}"'])
    return Problem(participants, mentors, config)


def test_cache_hit_returns_identical_arrays(geography, travel_model, tmp_path, monkeypatch):
    problem = cache_problem(geography, tmp_path / "cache")
    travel = travel_model(model="road")
    first = find_candidates(problem, travel)
    files = list((tmp_path / "cache").glob("*.npz"))
    assert len(files) == 1 and not list((tmp_path / "cache").glob("*.partial"))

    def no_search(*_args, **_kw):
        raise AssertionError("the cache should have answered")

    monkeypatch.setattr(candidates_module, "_find", no_search)
    second = find_candidates(problem, travel)
    for name in ("participant_idx", "mentor_idx", "travel_min", "distance_m"):
        assert np.array_equal(getattr(first, name), getattr(second, name))
        assert getattr(second, name).dtype == np.int32
    assert second.no_candidate_reason == first.no_candidate_reason != {}


def test_cache_key_changes_with_config_and_data(geography, travel_model, tmp_path):
    problem = cache_problem(geography, tmp_path)
    find_candidates(problem, travel_model(model="road"))
    find_candidates(problem, travel_model(model="haversine"))
    other = Problem(problem.participants[:-1], problem.mentors, problem.config)
    find_candidates(other, travel_model(model="road"))
    stricter = Problem(
        problem.participants, problem.mentors, problem.config.replace(["travel.k_nearest=1"])
    )
    find_candidates(stricter, travel_model(model="road"))
    assert len(list(tmp_path.glob("*.npz"))) == 4


def test_unreadable_cache_file_is_recomputed(geography, travel_model, tmp_path, caplog):
    problem = cache_problem(geography, tmp_path)
    travel = travel_model(model="road")
    first = find_candidates(problem, travel)
    (path,) = tmp_path.glob("*.npz")
    path.write_bytes(b"not a zip file")
    with caplog.at_level(logging.WARNING, logger="tkm_assign"):
        again = find_candidates(problem, travel)
    assert "unreadable travel cache" in caplog.text
    assert np.array_equal(first.travel_min, again.travel_min)


@pytest.mark.parametrize(
    "damage",
    [
        {"mentor_idx": lambda a: a + 1000},  # valid npz, indices beyond the problem
        {"participant_idx": lambda a: a[::-1].copy()},  # not sorted by participant
        {"travel_min": lambda a: a[:-1].copy()},  # arrays of different lengths
        {"distance_m": lambda a: -a},  # negative metres
        {"travel_min": lambda a: a.astype(np.float64) + 0.5},  # not whole numbers
        {"reason_participant": lambda a: a + 99},
    ],
    ids=["index_out_of_range", "unsorted", "lengths", "negative", "floats", "reason_index"],
)
def test_cache_with_out_of_range_indices_exits_1(geography, travel_model, tmp_path, caplog, damage):
    # Defect: a valid .npz whose indices lie outside the problem crashed the plan; any
    # cache file that fails its own checks is now treated as absent.
    problem = cache_problem(geography, tmp_path)
    travel = travel_model(model="road")
    first = find_candidates(problem, travel)
    (path,) = tmp_path.glob("*.npz")
    with np.load(path) as stored:
        arrays = {name: stored[name] for name in stored.files}
    for name, change in damage.items():
        arrays[name] = change(arrays[name])
    np.savez(path, **arrays)
    with caplog.at_level(logging.WARNING, logger="tkm_assign"):
        again = find_candidates(problem, travel)
    assert "unreadable travel cache" in caplog.text
    for name in ("participant_idx", "mentor_idx", "travel_min", "distance_m"):
        assert np.array_equal(getattr(first, name), getattr(again, name))
