"""The manual baseline: nearest mentor with space, in list order.

This is how a coordinator assigns by hand: go down the participant list; give each
participant the nearest eligible mentor (by travel time) who still has a caseload place,
enough monthly hours and enough working days for the day trips. Pins are honoured first-come. Used in benchmarks and reports
("the plan saves X hours of travel against a manual assignment").
"""

from __future__ import annotations

import numpy as np

from tkm_assign.assign.costs import PairData
from tkm_assign.assign.gap import UNASSIGNED, IntArray
from tkm_assign.model import Candidates


def nearest_with_space(
    n_participants: int,
    candidates: Candidates,
    data: PairData,
    pinned_pair: dict[int, int],
    blocked: set[int],
) -> IntArray:
    """Mentor index per participant (``-1`` none), in participant order, nearest first.

    ``pinned_pair`` gives the only pair a pinned participant may take; ``blocked``
    participants (pins that cannot be honoured) get no mentor.
    """
    m = data.mentor_caseload.size
    count = np.zeros(m, dtype=np.int64)
    load = np.zeros(m, dtype=np.int64)
    days = np.zeros(m, dtype=np.int64)
    mentor_of = np.full(n_participants, UNASSIGNED, dtype=np.int64)
    starts = np.searchsorted(candidates.participant_idx, np.arange(n_participants + 1))
    for i in range(n_participants):
        if i in blocked:
            continue
        if i in pinned_pair:
            pairs = np.array([pinned_pair[i]])
        else:
            # Candidates are sorted by travel within a participant; stable for equal times.
            pairs = np.arange(starts[i], starts[i + 1])
            pairs = pairs[np.argsort(candidates.travel_min[pairs], kind="stable")]
        for k in pairs:
            j = int(candidates.mentor_idx[k])
            if (
                count[j] < data.mentor_caseload[j]
                and load[j] + data.pair_load_min[k] <= data.mentor_capacity_min[j]
                and days[j] + data.pair_day_use_min[k] <= data.mentor_day_capacity_min[j]
            ):
                mentor_of[i] = j
                count[j] += 1
                load[j] += data.pair_load_min[k]
                days[j] += data.pair_day_use_min[k]
                break
    return mentor_of
