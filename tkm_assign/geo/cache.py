"""On-disk cache of candidate mentors, so that a re-run on the same data is instant.

The key is a SHA-256 of everything the candidates depend on: participant and mentor
coordinates, islands, provinces, sectors, transports, pins, current mentors and exclusions,
the ``[travel]`` configuration (except ``cache_dir``), the province and sector rules, and the
travel model with its roads and ferries. One ``<key>.npz`` file per result, written to a
temporary file and renamed, so a reader never sees half a file. An unreadable file is
ignored (and recomputed).
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from tkm_assign.config import to_mapping
from tkm_assign.geo.travel import TravelModel
from tkm_assign.io.arrays import load_arrays, store_arrays
from tkm_assign.messages import Message, from_json, to_json
from tkm_assign.model import Candidates, Problem

log = logging.getLogger("tkm_assign")

# v2: the reasons of participants without a candidate are messages (code and values).
CACHE_FORMAT = b"tkm_assign candidates v2"


def travel_cache_key(problem: Problem, travel: TravelModel) -> str | None:
    """Hex key of ``problem`` under ``travel``; ``None`` when the model cannot be keyed."""
    token = travel.cache_token()
    if token is None:
        return None
    digest = hashlib.sha256(CACHE_FORMAT)
    digest.update(token)
    participants, mentors = problem.participants, problem.mentors
    digest.update(np.ascontiguousarray(problem.participant_lat_lon).tobytes())
    digest.update(np.ascontiguousarray(problem.mentor_lat_lon).tobytes())
    rows = [
        (
            p.location.island_id,
            p.location.province_code,
            p.sector.value,
            p.pinned_mentor_id or "",
            p.current_mentor_id or "",
            sorted(p.excluded_mentor_ids),
        )
        for p in participants
    ]
    rows_m = [
        (
            m.mentor_id,
            m.location.island_id,
            m.location.province_code,
            sorted(s.value for s in m.sectors),
            m.transport.value,
        )
        for m in mentors
    ]
    travel_config = to_mapping(problem.config.travel)
    travel_config.pop("cache_dir", None)
    rules = {
        "travel": travel_config,
        "province_rule": problem.config.assign.province_rule,
        "sector_rule": problem.config.assign.sector_rule,
    }
    for part in (rows, rows_m, rules):
        digest.update(json.dumps(part, sort_keys=True).encode())
    return digest.hexdigest()


def load_candidates(
    cache_dir: str | Path, key: str, n_participants: int, n_mentors: int
) -> Candidates | None:
    """The cached result for ``key``, or ``None`` when absent or unreadable.

    A file that fails any check of its own (array shapes and types, indices within the
    ``n_participants`` x ``n_mentors`` problem, sorted by participant, no negative minutes
    or metres) is treated as absent: whatever damaged it, the candidates are recomputed.
    """
    path = Path(cache_dir) / f"{key}.npz"
    data = load_arrays(path)
    if data is None:
        return None
    try:
        arrays = {
            name: data[name]
            for name in (
                "participant_idx",
                "mentor_idx",
                "travel_min",
                "distance_m",
                "reason_participant",
            )
        }
        texts = data["reason_text"]
        _check_candidate_arrays(arrays, texts, n_participants, n_mentors)
        reasons = dict(
            zip(
                (int(i) for i in arrays["reason_participant"]),
                (from_json(str(t)) for t in texts),
                strict=True,
            )
        )
        return Candidates(
            participant_idx=arrays["participant_idx"].astype(np.int32),
            mentor_idx=arrays["mentor_idx"].astype(np.int32),
            travel_min=arrays["travel_min"].astype(np.int32),
            distance_m=arrays["distance_m"].astype(np.int32),
            no_candidate_reason=reasons,
        )
    except (KeyError, ValueError) as error:
        log.warning(Message.of("log.cache_unreadable", file=str(path), why=type(error).__name__))
        return None


def _check_candidate_arrays(
    arrays: dict[str, npt.NDArray[Any]],
    texts: npt.NDArray[Any],
    n_participants: int,
    n_mentors: int,
) -> None:
    """Raise ``ValueError`` naming the first check a cached candidates file fails."""
    pairs = arrays["participant_idx"].shape
    for name, values in arrays.items():
        if values.ndim != 1 or values.dtype.kind not in "iu":
            raise ValueError(f"{name} is not a list of whole numbers")
        if name != "reason_participant" and values.shape != pairs:
            raise ValueError(f"{name} has {values.size} values for {pairs[0]} pairs")
        if values.size and (values.min() < 0 or values.max() > np.iinfo(np.int32).max):
            raise ValueError(f"{name} is out of range")
    if texts.ndim != 1 or texts.shape != arrays["reason_participant"].shape:
        raise ValueError("reason_text does not match reason_participant")
    for name, limit in (
        ("participant_idx", n_participants),
        ("mentor_idx", n_mentors),
        ("reason_participant", n_participants),
    ):
        if arrays[name].size and arrays[name].max() >= limit:
            raise ValueError(f"{name} refers to an index beyond the {limit} in the problem")
    if np.any(np.diff(arrays["participant_idx"]) < 0):
        raise ValueError("pairs are not sorted by participant")


def store_candidates(cache_dir: str | Path, key: str, candidates: Candidates) -> None:
    """Write ``candidates`` under ``key`` atomically; a failure only logs a warning."""
    reasons = sorted(candidates.no_candidate_reason.items())
    store_arrays(
        Path(cache_dir) / f"{key}.npz",
        participant_idx=candidates.participant_idx,
        mentor_idx=candidates.mentor_idx,
        travel_min=candidates.travel_min,
        distance_m=candidates.distance_m,
        reason_participant=np.array([i for i, _ in reasons], dtype=np.int64),
        reason_text=np.array([to_json(m) for _, m in reasons], dtype=str),
    )
