import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tkm_assign.schedule.routing import order_stops
from tkm_assign.schedule.trips import route_length


def _matrix(points: list[tuple[int, int]]) -> np.ndarray:
    xy = np.array([(0, 0), *points], dtype=float)
    return np.rint(np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))).astype(np.int64)


def test_stops_on_a_loop_are_visited_around_it():
    # Four corners of a square north of home; the given order criss-crosses it.
    matrix = _matrix([(0, 10), (10, 20), (0, 20), (10, 10)])
    order = order_stops(matrix, [1, 2, 3, 4], time_limit_s=1.0)
    best = min(route_length(matrix, list(p)) for p in itertools.permutations([1, 2, 3, 4]))
    assert route_length(matrix, order) == best
    assert sorted(order) == [1, 2, 3, 4]


def test_two_stops_take_the_shorter_direction():
    matrix = np.array([[0, 10, 50], [30, 0, 10], [10, 50, 0]], dtype=np.int64)  # one-way roads
    assert order_stops(matrix, [2, 1], time_limit_s=1.0) == [1, 2]
    assert order_stops(matrix, [1], time_limit_s=1.0) == [1]


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(-60, 60), st.integers(-60, 60)), min_size=3, max_size=6, unique=True
    )
)
def test_never_rides_more_than_the_given_order(points):
    matrix = _matrix(points)
    stops = list(range(1, len(points) + 1))
    order = order_stops(matrix, stops, time_limit_s=0.5)
    assert sorted(order) == stops
    assert route_length(matrix, order) <= route_length(matrix, stops)
