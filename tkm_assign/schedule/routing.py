"""Visiting order of one day trip: a small travelling-salesman tour from home with OR-Tools.

The tour starts from the order the trips were built in and is improved by OR-Tools local
search (greedy descent, which stops at a local optimum, capped by ``schedule.time_limit_s``).
Starting from a feasible order means the result never rides more than that order, so a
trip that fitted the day still fits. OR-Tools node indices never leave this module.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from tkm_assign.schedule.job import IntMatrix
from tkm_assign.schedule.trips import HOME, route_length

log = logging.getLogger("tkm_assign")

_SOLVED = (
    routing_enums_pb2.RoutingSearchStatus.ROUTING_SUCCESS,
    routing_enums_pb2.RoutingSearchStatus.ROUTING_OPTIMAL,
    routing_enums_pb2.RoutingSearchStatus.ROUTING_PARTIAL_SUCCESS_LOCAL_OPTIMUM_NOT_REACHED,
)


def order_stops(travel_min: IntMatrix, stops: Sequence[int], time_limit_s: float) -> list[int]:
    """The stops (matrix nodes; home is node 0) in a riding order no longer than the given one.

    Parameters
    ----------
    travel_min
        Minutes between all nodes of the mentor's matrix.
    stops
        Distinct participant nodes of one day, in a feasible starting order.
    time_limit_s
        Upper bound on the search; small tours finish far sooner.
    """
    if len(stops) <= 2:  # one or two stops: compare both directions, no search needed
        reverse = list(stops[::-1])
        if route_length(travel_min, reverse) < route_length(travel_min, stops):
            return reverse
        return list(stops)
    nodes = [HOME, *stops]
    sub = travel_min[:, nodes][nodes, :]
    manager = pywrapcp.RoutingIndexManager(len(nodes), 1, 0)
    routing = pywrapcp.RoutingModel(manager)
    transit = routing.RegisterTransitMatrix(sub.tolist())
    routing.SetArcCostEvaluatorOfAllVehicles(transit)
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GREEDY_DESCENT
    params.time_limit.FromMilliseconds(max(1, round(time_limit_s * 1000)))
    routing.CloseModelWithParameters(params)
    initial = routing.ReadAssignmentFromRoutes([list(range(1, len(nodes)))], True)
    solution = (
        routing.SolveFromAssignmentWithParameters(initial, params) if initial is not None else None
    )
    if solution is None or routing.status() not in _SOLVED:
        log.debug("routing kept the built order for stops %s (status %s)", stops, routing.status())
        return list(stops)
    return _extract_order(routing, manager, solution, nodes)


def _extract_order(
    routing: pywrapcp.RoutingModel,
    manager: pywrapcp.RoutingIndexManager,
    solution: pywrapcp.Assignment,
    nodes: Sequence[int],
) -> list[int]:
    order = []
    index = solution.Value(routing.NextVar(routing.Start(0)))
    while not routing.IsEnd(index):
        order.append(nodes[manager.IndexToNode(index)])
        index = solution.Value(routing.NextVar(index))
    return order
