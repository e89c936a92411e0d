"""Where the program finds the files it ships: configuration, geography, places and sample.

The repository keeps them as sources in its top-level folders ``configs/``, ``geo/`` and
``data/``. Building the wheel copies those folders into the package (``tkm_assign/_bundled``,
see ``setup.py``), so an installed program needs no checkout. Both layouts are found through
:mod:`importlib.resources`: the bundled copy when the package has one (an installed wheel),
else the folders beside the package (a checkout or an editable install).
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.resources as importlib_resources
from importlib.resources.abc import Traversable
from pathlib import Path

from tkm_assign.errors import TkmError
from tkm_assign.messages import Message

BUNDLE = "_bundled"
# The folders a wheel carries, by their name in the repository.
SHIPPED = ("configs", "geo", "data")

_extracted = contextlib.ExitStack()
atexit.register(_extracted.close)


def resource_dir(name: str, package: Traversable | None = None) -> Path:
    """The folder ``name`` (one of ``configs``, ``geo``, ``data``) as a real path.

    Parameters
    ----------
    name
        A top-level folder of the repository that the wheel ships.
    package
        The package folder to look in; default the installed ``tkm_assign``.

    Returns
    -------
    Path
        The bundled copy inside the installed package, or the repository's folder in a
        checkout.

    Raises
    ------
    TkmError
        When neither exists (a package installed without its data).
    """
    if name not in SHIPPED:
        raise ValueError(f"{name!r} is not a shipped folder; expected one of {SHIPPED}")
    if package is None:
        package = importlib_resources.files("tkm_assign")
    bundled = package / BUNDLE / name
    if bundled.is_dir():
        return _as_path(bundled)
    checkout = _as_path(package).parent / name
    if checkout.is_dir():
        return checkout
    raise TkmError(Message.of("install.folder_missing", name=name, bundle=BUNDLE))


def _as_path(item: Traversable) -> Path:
    """A file-system path for a package resource (extracted once if the package is zipped)."""
    if isinstance(item, Path):
        return item
    return _extracted.enter_context(importlib_resources.as_file(item))  # pragma: no cover - zipped


CONFIGS_DIR = resource_dir("configs")
GEO_DIR = resource_dir("geo")
DATA_DIR = resource_dir("data")
DEFAULT_CONFIG = CONFIGS_DIR / "default.toml"
PRESETS_DIR = CONFIGS_DIR / "examples"
SCENARIOS_DIR = CONFIGS_DIR / "scenarios"
PLACES_DIR = DATA_DIR / "places"
SAMPLE_DIR = DATA_DIR / "sample"
