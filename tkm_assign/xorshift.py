"""Random numbers for the compiled searches: xorshift64* in a one-element state array.

The routing core (:mod:`tkm_assign.schedule.periodic_search`) and the GAP core's tabu
search (:mod:`tkm_assign.assign.gap_search`) draw from their own generator rather than
NumPy's, so that a seed gives the same search on every machine and inside numba code.
"""

from __future__ import annotations

import numba
import numpy as np
import numpy.typing as npt


@numba.njit(cache=True)
def uniform(rng: npt.NDArray[np.uint64]) -> float:
    """A float in [0, 1); advances the state ``rng[0]``.

    Parameters
    ----------
    rng
        The generator's state, one unsigned 64-bit number, never 0.

    Returns
    -------
    float
        The next number.
    """
    x = rng[0]
    x ^= x >> np.uint64(12)
    x ^= x << np.uint64(25)
    x ^= x >> np.uint64(27)
    rng[0] = x
    return float((x * np.uint64(2685821657736338717)) >> np.uint64(11)) / 9007199254740992.0


@numba.njit(cache=True)
def below(rng: npt.NDArray[np.uint64], n: int) -> int:
    """An integer in [0, n); advances the state ``rng[0]``.

    Parameters
    ----------
    rng
        The generator's state.
    n
        One more than the largest number wanted, at least 1.

    Returns
    -------
    int
        The next number.
    """
    return min(int(uniform(rng) * n), n - 1)
