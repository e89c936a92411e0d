"""The facility-location model on hand-made instances: bounds, each constraint, the count,
placement, and monotonic answers (property tests)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from tkm_assign.scenarios.facility import (
    FacilityInstance,
    FacilityParams,
    add_fixed_arcs,
    add_one_site_per_client,
    add_open_bases_only,
    add_site_limits,
    fewest_new_mentors,
    greedy_plan,
    improve_placement,
    lower_bound,
    model_variables,
    new_mentors_term,
    solve_facility,
)

PARAMS = FacilityParams(time_limit=1.0, seed=1)


def line_instance(
    positions: list[float],
    bases: list[float],
    reach: float = 10.0,
    caseload: int = 2,
    capacity: int = 1000,
    load: int = 100,
    existing: list[tuple[float, int]] | None = None,
) -> FacilityInstance:
    """Clients and bases on a line (minutes = distance); arcs within ``reach``.

    ``existing`` holds (position, caseload) of existing mentors.
    """
    existing = existing or []
    sites = [*bases, *(x for x, _ in existing)]
    clients, where, travel = [], [], []
    for c, x in enumerate(positions):
        for s, y in enumerate(sites):
            if abs(x - y) <= reach:
                clients.append(c)
                where.append(s)
                travel.append(round(abs(x - y)))
    arc_client = np.array(clients, dtype=np.int64)
    return FacilityInstance(
        n_clients=len(positions),
        n_bases=len(bases),
        n_existing=len(existing),
        arc_client=arc_client,
        arc_site=np.array(where, dtype=np.int64),
        arc_travel_min=np.array(travel, dtype=np.int64),
        arc_load_min=np.full(arc_client.size, load, dtype=np.int64),
        new_caseload=caseload,
        new_capacity_min=capacity,
        existing_caseload=np.array([k for _, k in existing], dtype=np.int64),
        existing_capacity_min=np.full(len(existing), capacity, dtype=np.int64),
    )


def arcs_instance(
    arcs: list[tuple[int, int, int]], n_clients: int, n_bases: int, caseload: int
) -> FacilityInstance:
    """An instance from explicit ``(client, base, minutes)`` arcs, 100 minutes of load each."""
    arr = np.array(arcs, dtype=np.int64).reshape(-1, 3)
    return FacilityInstance(
        n_clients=n_clients,
        n_bases=n_bases,
        n_existing=0,
        arc_client=arr[:, 0],
        arc_site=arr[:, 1],
        arc_travel_min=arr[:, 2],
        arc_load_min=np.full(len(arr), 100, dtype=np.int64),
        new_caseload=caseload,
        new_capacity_min=10_000,
        existing_caseload=np.zeros(0, dtype=np.int64),
        existing_capacity_min=np.zeros(0, dtype=np.int64),
    )


def solve_count(instance: FacilityInstance, *rules: str) -> float:
    """Fewest new mentors with only the named constraint functions."""
    built = model_variables(instance)
    each = [np.flatnonzero(instance.arc_client == c) for c in range(instance.n_clients)]
    at = [np.flatnonzero(instance.arc_site == s) for s in range(instance.n_sites)]
    if "one_site" in rules:
        add_one_site_per_client(built, each)
    if "limits" in rules:
        add_site_limits(built, instance, at)
    if "open" in rules:
        add_open_bases_only(built, instance)
    if "fixed" in rules:
        add_fixed_arcs(built, instance)
    built.model.minimize(new_mentors_term(built))
    solver = cp_model.CpSolver()
    assert solver.solve(built.model) == cp_model.OPTIMAL
    return solver.objective_value


def test_lower_bound_by_heads_and_by_hours():
    heads = line_instance([0, 1, 2, 3, 4], [0], caseload=2)
    assert lower_bound(heads) == 3  # 5 participants, 2 per mentor
    hours = line_instance([0, 1, 2, 3, 4], [0], caseload=10, capacity=250, load=100)
    assert lower_bound(hours) == 2  # 500 minutes, 250 per mentor
    helped = line_instance([0, 1, 2, 3, 4], [0], caseload=2, existing=[(0.0, 4)])
    assert lower_bound(helped) == 1  # the existing mentor takes 4


def test_one_site_per_client_alone_needs_no_mentor():
    # Without site limits nothing forces a mentor anywhere.
    assert solve_count(line_instance([0, 1], [0]), "one_site") == 0


def test_site_limits_scale_with_the_mentors_at_a_base():
    instance = line_instance([0, 0, 0, 0, 0], [0], caseload=2)
    assert solve_count(instance, "one_site", "limits") == 3


def test_site_limits_count_monthly_minutes():
    instance = line_instance([0, 0, 0], [0], caseload=10, capacity=150, load=100)
    assert solve_count(instance, "one_site", "limits") == 2  # 300 minutes, 150 per mentor


def test_site_limits_hold_an_existing_mentor_to_its_caseload():
    instance = line_instance([0, 0, 0], [0], caseload=10, existing=[(0.0, 2)])
    assert solve_count(instance, "one_site", "limits") == 1  # the third needs a new mentor


def test_open_bases_only_forces_a_mentor_where_a_client_is_served():
    instance = line_instance([0, 20], [0, 20], caseload=10)
    assert solve_count(instance, "one_site", "open") == 2  # far apart: one mentor each


def test_fixed_arcs_keep_a_pin():
    plain = line_instance([0], [0], existing=[(1.0, 5)])
    pinned_arc = int(np.flatnonzero(plain.arc_site == 0)[0])  # the pin is the base arc
    instance = dataclasses.replace(plain, fixed_arcs=np.array([pinned_arc]))
    assert solve_count(instance, "one_site", "limits") == 0  # the existing mentor serves
    assert solve_count(instance, "one_site", "limits", "fixed") == 1


def test_greedy_plan_serves_everyone_within_the_limits():
    instance = line_instance([0, 1, 2, 15, 16, 30], [0, 15, 30], caseload=2)
    mentors, site_of = greedy_plan(instance)
    assert (site_of >= 0).all()
    counts = np.bincount(site_of, minlength=instance.n_bases)
    assert (counts <= 2 * mentors).all()
    assert mentors.sum() == 4  # 3 near 0 need two mentors, 2 near 15, 1 at 30


def test_greedy_fills_existing_mentors_first():
    instance = line_instance([0, 1, 2], [0], caseload=2, existing=[(1.0, 3)])
    mentors, site_of = greedy_plan(instance)
    assert mentors.sum() == 0 and (site_of == 1).all()


def test_count_is_proven_minimal_where_greedy_is_not():
    # Base 0 reaches clients 0-3, base 1 reaches 0, 1, 4 and base 2 reaches 2, 3, 5.
    # Greedy takes base 0 first (it serves most) and then needs both others: 3 mentors.
    arcs = [(0, 0, 1), (1, 0, 1), (2, 0, 1), (3, 0, 1)]
    arcs += [(0, 1, 2), (1, 1, 2), (4, 1, 2), (2, 2, 2), (3, 2, 2), (5, 2, 2)]
    instance = arcs_instance(arcs, n_clients=6, n_bases=3, caseload=4)
    assert greedy_plan(instance)[0].sum() == 3
    mentors, site_of, bound, proven = fewest_new_mentors(instance, PARAMS)
    assert mentors.tolist() == [0, 1, 1] and proven and bound == 2
    assert site_of.tolist() == [1, 1, 2, 2, 1, 2]


def test_improve_placement_moves_mentors_nearer_their_participants():
    instance = line_instance([9, 10, 11], [0, 10], reach=20.0, caseload=3)
    mentors = np.array([1, 0], dtype=np.int64)
    site_of = np.zeros(3, dtype=np.int64)
    better_mentors, better_site = improve_placement(instance, mentors, site_of)
    assert better_mentors.tolist() == [0, 1] and (better_site == 1).all()


def test_solve_facility_keeps_no_idle_mentor():
    instance = line_instance([0, 1], [0, 1], caseload=5)
    solution = solve_facility(instance, PARAMS)
    assert solution.total_new == 1 and solution.proven


def test_without_existing_drops_existing_arcs_and_pins():
    instance = line_instance([0, 1], [0], existing=[(0.0, 5)])
    alone = instance.without_existing()
    assert alone.n_existing == 0 and (alone.arc_site < alone.n_bases).all()
    assert fewest_new_mentors(alone, PARAMS)[0].sum() == 1


def test_a_client_without_a_usable_base_is_an_error():
    instance = line_instance([0, 50], [0], caseload=2)
    with pytest.raises(ValueError, match="no base within reach"):
        greedy_plan(instance)


positions = st.lists(st.integers(0, 40), min_size=1, max_size=9)


@settings(max_examples=25, deadline=None)
@given(points=positions, caseload=st.integers(1, 4), load=st.integers(50, 200))
def test_more_load_never_needs_fewer_mentors(points, caseload, load):
    bases = [0.0, 10.0, 20.0, 30.0, 40.0]
    light = line_instance([float(p) for p in points], bases, 6.0, caseload, 400, load)
    heavy = line_instance([float(p) for p in points], bases, 6.0, caseload, 400, load + 100)
    assert solve_facility(heavy, PARAMS).total_new >= solve_facility(light, PARAMS).total_new


@settings(max_examples=25, deadline=None)
@given(points=positions, caseload=st.integers(1, 4))
def test_a_larger_caseload_never_needs_more_mentors(points, caseload):
    bases = [0.0, 10.0, 20.0, 30.0, 40.0]
    small = line_instance([float(p) for p in points], bases, 6.0, caseload, 10_000, 100)
    large = line_instance([float(p) for p in points], bases, 6.0, caseload + 1, 10_000, 100)
    assert solve_facility(large, PARAMS).total_new <= solve_facility(small, PARAMS).total_new
