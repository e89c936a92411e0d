"""The national sample: shares, geography, mentors, and the committed files never drift."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely

from tkm_assign import sample
from tkm_assign.config import Config
from tkm_assign.errors import InputWarning
from tkm_assign.geo.places import load_places
from tkm_assign.geo.regions import KM_PER_DEGREE
from tkm_assign.io import problem_from_frames
from tkm_assign.io.summary import summarise
from tkm_assign.model import Problem
from tkm_assign.sample import allocate, generate_frames, weighted_pick

SAMPLE = Path(__file__).parents[1] / "data" / "sample"


@pytest.fixture(scope="module")
def frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    return generate_frames(3000, 150, 2024)


@pytest.fixture(scope="module")
def problem(frames) -> Problem:
    # filterwarnings = error: the sample validates without a single warning.
    return problem_from_frames(*frames, Config())


def test_committed_sample_is_what_the_generator_writes(frames):
    for name, generated in zip(("participants.csv", "mentors.csv"), frames, strict=True):
        committed = pd.read_csv(
            SAMPLE / name, dtype=str, keep_default_na=False, encoding="utf-8-sig"
        )
        pd.testing.assert_frame_equal(committed, generated.astype(str), check_dtype=False)


def test_same_seed_same_sample_other_seed_other_sample(frames):
    small_a = generate_frames(60, 4, 7)
    small_b = generate_frames(60, 4, 7)
    small_c = generate_frames(60, 4, 8)
    pd.testing.assert_frame_equal(small_a[0], small_b[0])
    assert not small_a[0].equals(small_c[0])


def test_sector_shares_match_2024_within_one_point(frames):
    shares = frames[0]["sector"].value_counts(normalize=True) * 100
    for sector, target in sample.SECTOR_SHARES.items():
        assert abs(shares[sector.value] - target) < 1.0


def test_tech_literacy_shares(frames):
    shares = frames[0]["tech_literacy"].value_counts(normalize=True) * 100
    for level, target in sample.LITERACY_SHARES.items():
        assert abs(shares[level] - target) < 1.0


def test_internet_is_scarcer_with_low_literacy_and_in_remote_places(frames, problem):
    participants = frames[0]
    has = participants["internet"] == "yes"
    by_literacy = has.groupby(participants["tech_literacy"]).mean()
    assert by_literacy["low"] < by_literacy["adequate"] < by_literacy["proficient"]
    people = pd.DataFrame(
        {
            "regency_code": [p.location.regency_code for p in problem.participants],
            "latitude": [p.location.latitude for p in problem.participants],
            "longitude": [p.location.longitude for p in problem.participants],
        }
    )
    remote = sample._place_class(people, load_places()) == sample.REMOTE
    assert 0.05 < remote.mean() < 0.6
    assert has[remote].mean() < has[~remote].mean() - 0.05


def test_fisheries_participants_live_on_the_coast(problem, geography):
    fishers = [p for p in problem.participants if p.sector.value == "perikanan_kelautan"]
    assert len(fishers) == 90
    rings = shapely.get_exterior_ring(geography.islands.geometry.values)
    for p in fishers:
        point = shapely.Point(p.location.longitude, p.location.latitude)
        km = shapely.distance(rings[p.location.island_id], point) * KM_PER_DEGREE
        assert km <= sample.COAST_KM + 0.5, p.participant_id


def test_31_provinces_and_which_are_left_out(frames):
    places = load_places()
    provinces = places.provinces.set_index("id")
    assert frames[0]["province"].nunique() == 31
    remaining = provinces.drop(list(sample.PROVINCES_CREATED_2022))
    least = remaining["population"].astype(int).nsmallest(3).index
    assert set(least) == set(sample.LEAST_POPULOUS_LEFT_OUT)
    covered = set(provinces.loc[sample.covered_provinces(places), "name"])
    assert set(frames[0]["province"]) == covered


def test_about_one_mentor_per_20_participants_in_every_province(problem, geography):
    table = summarise(problem, geography).provinces.set_index("province")
    total = table.loc["total"]
    table = table.drop("total")
    assert (table["mentors"] >= 1).all() and len(table) == 31
    assert total["participants"] / total["mentors"] == 20
    ratio = table["participants"] / table["mentors"]
    assert ratio[table["participants"] >= 40].between(15, 26).all()
    assert ratio.between(8, 40).all()


def test_few_participants_live_on_islands_without_a_mentor(problem, geography):
    summary = summarise(problem, geography)
    assert summary.on_islands_without_mentor / len(problem.participants) < 0.05


def test_mentors_have_one_to_three_sectors_and_live_near_demand(frames, problem):
    counts = frames[1]["sectors"].str.split(";").map(len)
    assert counts.between(1, 3).all() and counts.nunique() == 3
    lat_lon = problem.participant_lat_lon
    for mentor in problem.mentors:
        here = lat_lon - (mentor.location.latitude, mentor.location.longitude)
        nearest_deg = np.sqrt((here**2).sum(axis=1)).min()
        assert nearest_deg * KM_PER_DEGREE < 100, mentor.mentor_id


def test_tiny_samples_still_validate():
    participants, mentors = generate_frames(5, 1, 1)
    # Five provinces, one mentor: the other provinces are rightly warned about.
    with pytest.warns(InputWarning, match="no mentor lives in that province"):
        problem = problem_from_frames(participants, mentors, Config())
    assert len(problem.participants) == 5 and len(problem.mentors) == 1


KNOWN_VILLAGES = [
    # village id (Kemendagri): province code, regency code
    "3273011001",  # Sukarasa, Kota Bandung
    "5171011002",  # Pedungan, Kota Denpasar
    "5310012001",  # Satar Ngkeling, Kabupaten Manggarai (Flores)
    "8171011007",  # Wainitu, Kota Ambon
    "9171011001",  # Gurabesi, Kota Jayapura
    "6471011001",  # Manggar, Kota Balikpapan
    "1371011001",  # Belakang Pondok, Kota Padang
    "7371011001",  # Bontorannu, Kota Makassar
]


def test_known_villages_fall_in_their_province_and_regency(geography):
    villages = load_places().villages.set_index("id").loc[KNOWN_VILLAGES]
    found = geography.locate(villages["latitude"], villages["longitude"])
    assert list(found.regency_code) == [v[:4] for v in KNOWN_VILLAGES]
    assert list(found.province_code) == [v[:2] for v in KNOWN_VILLAGES]


def test_village_ids_agree_with_the_spatial_join_nationwide(geography):
    villages = load_places().villages.iloc[::400]
    found = geography.locate(villages["latitude"], villages["longitude"])
    assert (found.province_code == villages["id"].str[:2].to_numpy()).mean() > 0.99
    assert (found.regency_code == villages["id"].str[:4].to_numpy()).mean() > 0.98


@pytest.mark.parametrize(
    ("shares", "total", "counts"),
    [
        ([36.06, 32.04, 21.1, 7.8, 3.0], 3000, [1082, 961, 633, 234, 90]),
        ([1, 1, 1], 2, [1, 1, 0]),
        ([43, 31, 26], 0, [0, 0, 0]),
    ],
)
def test_allocate_is_exact_and_sums_to_total(shares, total, counts):
    assert allocate(shares, total).tolist() == counts


def test_weighted_pick_never_draws_zero_weights():
    rng = np.random.default_rng(0)
    picked = weighted_pick(rng, [0, 1, 0, 5, 2], 5)
    assert picked.tolist() == [1, 3, 4]
    heavy = [weighted_pick(rng, [1, 100], 1)[0] for _ in range(200)]
    assert np.mean(heavy) > 0.9
