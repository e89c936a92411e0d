"""Arrays kept on disk: ``.npz`` files written atomically and read back defensively.

The travel caches (candidate mentors, :mod:`tkm_assign.geo.cache`; shortest road km,
:mod:`tkm_assign.geo.roads`) store their arrays here. A write goes to a temporary file in
the same folder and is renamed, so a reader never sees half a file; a failed write or an
unreadable file only logs a warning (the caller recomputes).
"""

from __future__ import annotations

import logging
import os
import tempfile
import zipfile
from pathlib import Path
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from tkm_assign.messages import Message

log = logging.getLogger("tkm_assign")


def store_arrays(path: Path, **arrays: npt.NDArray[Any]) -> None:
    """``np.savez`` to a temporary file in the same folder, then rename; warn on failure."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(
            prefix=f".{path.stem}.", suffix=".partial", dir=path.parent
        )
        try:
            os.chmod(temp_name, 0o644)  # mkstemp's 0600 would hide the cache from colleagues
            with os.fdopen(handle, "wb") as out:
                # np.savez's stubs type ``**kwds`` like its allow_pickle flag.
                cast(Any, np.savez)(out, **arrays)
            os.replace(temp_name, path)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise
    except OSError as error:
        log.warning(
            Message.of("log.cache_unwritable", folder=str(path.parent), why=type(error).__name__)
        )


def load_arrays(path: Path) -> dict[str, npt.NDArray[Any]] | None:
    """All arrays of an ``.npz`` file, or ``None`` when absent or unreadable."""
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            return {name: data[name] for name in data.files}
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as error:
        log.warning(Message.of("log.cache_unreadable", file=str(path), why=type(error).__name__))
        return None
