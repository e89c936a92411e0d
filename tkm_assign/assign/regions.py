"""Independent regions: connected components of the candidate graph, solved in parallel.

Two participants are in one region when a chain of shared candidate mentors links them.
No rule and no objective term crosses regions (caseload, hours and balance belong to one
mentor; everything else to one pair or one participant), so solving each region alone and
adding up the results is exact, whatever the province or island rule produced the
candidates.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from tkm_assign.notify import in_call

IntArray = npt.NDArray[np.int64]
T = TypeVar("T")


@dataclass(frozen=True)
class Region:
    """One independent part: global participant and mentor indices and its pair indices."""

    participants: IntArray
    mentors: IntArray
    pairs: IntArray


def find_regions(
    n_participants: int, n_mentors: int, pair_participant: IntArray, pair_mentor: IntArray
) -> list[Region]:
    """Connected components of the bipartite candidate graph that hold at least one pair.

    Regions come largest first (by pairs), ties by smallest participant index, so the
    order is deterministic.
    """
    if pair_participant.size == 0:
        return []
    graph = sp.coo_matrix(
        (
            np.ones(pair_participant.size, dtype=np.int8),
            (pair_participant, n_participants + pair_mentor),
        ),
        shape=(n_participants + n_mentors, n_participants + n_mentors),
    )
    _, label = connected_components(graph, directed=False)
    pair_label = label[pair_participant]
    order = np.argsort(pair_label, kind="stable")
    bounds = np.flatnonzero(np.diff(pair_label[order])) + 1
    regions = []
    for pairs in np.split(order, bounds):
        pairs = np.sort(pairs).astype(np.int64)
        regions.append(
            Region(
                participants=np.unique(pair_participant[pairs]).astype(np.int64),
                mentors=np.unique(pair_mentor[pairs]).astype(np.int64),
                pairs=pairs,
            )
        )
    regions.sort(key=lambda r: (-r.pairs.size, int(r.participants[0])))
    return regions


def one_region(pair_participant: IntArray, pair_mentor: IntArray) -> list[Region]:
    """Everything as a single region (``assign.decompose = false``)."""
    if pair_participant.size == 0:
        return []
    return [
        Region(
            participants=np.unique(pair_participant).astype(np.int64),
            mentors=np.unique(pair_mentor).astype(np.int64),
            pairs=np.arange(pair_participant.size, dtype=np.int64),
        )
    ]


def effort(arcs: Sequence[int], overrun: Sequence[float]) -> list[float]:
    """Weight of each region in the time split: half by model size, half by work to re-plan.

    ``arcs`` are the regions' pairs (what a solver step costs), ``overrun`` the hours by
    which the flow plan exceeds mentors' capacity (how much must be re-planned, and so how
    much plan quality is at stake). A large region whose flow plan almost fits gets less
    than its size alone would give, a small one with many overloaded mentors more.
    """
    total_arcs = float(sum(arcs)) or 1.0
    total_over = float(sum(overrun))
    if total_over <= 0:
        return [a / total_arcs for a in arcs]
    return [0.5 * a / total_arcs + 0.5 * o / total_over for a, o in zip(arcs, overrun, strict=True)]


def time_shares(sizes: Sequence[float], total_s: float, parallel: int) -> list[float]:
    """Time limit per task: the total split by size over ``parallel`` lanes, at most the total.

    A region with a tenth of the pairs gets a tenth of the lane-seconds; small regions
    usually finish far earlier (they stop at the optimum or the gap limit).
    """
    volume = float(sum(sizes)) or 1.0
    lanes = max(1, min(parallel, len(sizes)))
    return [min(total_s, max(0.05 * total_s, total_s * lanes * s / volume)) for s in sizes]


def run_parallel(tasks: Sequence[Callable[[], T]], workers: int) -> list[T]:
    """Run ``tasks`` on ``workers`` threads (CP-SAT releases the GIL); results in task order."""
    if workers <= 1 or len(tasks) <= 1:
        return [task() for task in tasks]
    with ThreadPoolExecutor(max_workers=min(workers, len(tasks))) as pool:
        # Each task keeps the caller's call context (warnings and progress of that call).
        futures = [pool.submit(in_call(task)) for task in tasks]
        return [f.result() for f in futures]
