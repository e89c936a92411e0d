"""What would serve the unserved: one cause per participant, remedies per province."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pytest

from tests.conftest import BANDUNG, DENPASAR, GARUT, MATARAM
from tkm_assign.assign.remedies import NEAR_MISS_MIN, UnservedReview, review_unserved
from tkm_assign.config import Config
from tkm_assign.geo.travel import HaversineTravel, Points
from tkm_assign.model import Mentor, Participant, Problem

TALIWANG = (-8.7400, 116.8550)  # Sumbawa, across the Alas strait from Lombok (NTB)
PANGANDARAN = (-7.6833, 108.6500)  # far south of Jawa Barat
CIMAHI = (-6.8722, 107.5425)  # next to Bandung


def config(*overrides: str) -> Config:
    return Config.load(None, ['travel.model="haversine"', 'travel.cache_dir=""', *overrides])


def review(
    participants: list[Participant],
    mentors: list[Mentor],
    mentor_of: Mapping[str, str | None],
    settings: Config,
) -> UnservedReview:
    problem = Problem(tuple(participants), tuple(mentors), settings)
    full = {p.participant_id: mentor_of.get(p.participant_id) for p in participants}
    return review_unserved(problem, full, HaversineTravel(settings.travel))


def minutes(settings: Config, a: tuple[float, float], b: tuple[float, float]) -> int:
    travel = HaversineTravel(settings.travel)
    found, _ = travel.between(Points.of(a[0], a[1], 0), Points.of(b[0], b[1], 0), "motorcycle")
    return int(found[0])


def test_nobody_unserved_needs_nothing(make_participant, make_mentor):
    found = review(
        [make_participant("P1", BANDUNG)], [make_mentor("M1", BANDUNG)], {"P1": "M1"}, config()
    )
    assert found.unserved == () and found.remedies == () and found.near_misses == ()


def test_no_mentor_in_the_province_asks_for_one_in_a_named_town(make_participant, make_mentor):
    found = review([make_participant("P1", DENPASAR)], [make_mentor("M1", BANDUNG)], {}, config())
    (person,) = found.unserved
    assert person.cause == "no_mentor_in_province" and person.province_code == "51"
    (remedy,) = found.remedies
    assert remedy.action == "add_mentor" and remedy.participants == ("P1",)
    assert remedy.mentors == 1 and remedy.island == "Bali"
    assert remedy.town.endswith(("Kota Denpasar", "Kabupaten Badung"))


def test_a_little_too_far_is_a_near_miss_and_a_raise_of_the_limit(make_participant, make_mentor):
    ride = minutes(config(), BANDUNG, GARUT)
    settings = config(f"travel.max_travel_min={ride - 12}")
    found = review([make_participant("P1", GARUT)], [make_mentor("M1", BANDUNG)], {}, settings)
    (person,) = found.unserved
    assert person.cause == "too_far" and person.nearest_mentor_id == "M1"
    assert person.nearest_min == ride and person.over_limit_min == 12
    assert found.near_misses == (person,) and NEAR_MISS_MIN >= 12
    (remedy,) = found.remedies
    assert remedy.action == "raise_travel_limit" and remedy.minutes == 15  # 12 up to 5 min
    assert remedy.participants == ("P1",)


def test_a_full_mentor_far_away_with_free_places_is_named(make_participant, make_mentor):
    settings = config()
    people = [make_participant("P0", BANDUNG), make_participant("P1", CIMAHI)]
    mentors = [make_mentor("M1", BANDUNG, max_caseload=1), make_mentor("M2", PANGANDARAN)]
    assert minutes(settings, PANGANDARAN, CIMAHI) > settings.travel.max_travel_min
    found = review(people, mentors, {"P0": "M1"}, settings)
    (person,) = found.unserved
    assert person.cause == "mentors_full" and person.nearest_mentor_id == "M1"
    actions = {r.action: r for r in found.remedies}
    assert actions["free_places"].mentor_id == "M2"
    assert actions["free_places"].free_places == settings.caseload.max
    assert actions["add_mentor"].participants == ("P1",)


def test_across_the_sea_a_ferry_brings_the_mentor_within_reach(make_participant, make_mentor):
    settings = config("travel.max_travel_min=420", "work.max_travel_min_per_day=900")
    found = review([make_participant("P1", TALIWANG)], [make_mentor("M1", MATARAM)], {}, settings)
    (person,) = found.unserved
    assert person.cause == "across_sea" and person.island == "Sumbawa"
    remedy = found.remedies[0]
    assert remedy.action == "allow_ferry" and remedy.island == "Sumbawa"
    assert remedy.participants == ("P1",)


def test_across_the_sea_without_a_ferry_in_reach_asks_for_a_mentor_there(
    make_participant, make_mentor
):
    found = review([make_participant("P1", TALIWANG)], [make_mentor("M1", MATARAM)], {}, config())
    (person,) = found.unserved
    assert person.cause == "across_sea"
    idle, new = found.remedies  # like the mentor on Sumba with free places, far from Timor
    assert (idle.action, idle.mentor_id, idle.island, idle.free_places) == (
        "free_places",
        "M1",
        "Lombok",
        20,
    )
    assert new.action == "add_mentor" and new.island == "Sumbawa"
    assert "Sumbawa" in new.town


@pytest.mark.parametrize("count", [3, 45])
def test_a_town_gets_as_many_new_mentors_as_its_participants_need(
    make_participant: Callable[..., Participant], make_mentor, count: int
):
    people = [make_participant(f"P{k}", DENPASAR) for k in range(count)]
    found = review(people, [make_mentor("M1", BANDUNG)], {}, config())
    (remedy,) = found.remedies
    assert remedy.mentors == -(-count // 20) and len(remedy.participants) == count
    assert found.by_cause() == {"no_mentor_in_province": list(found.unserved)}
