"""Crossing the sea: bridges that join islands into one land, and ferry routes between lands.

``geo/ferries.csv`` lists, one link a row, the ferry routes (two ports with coordinates and
the typical crossing minutes) and the bridges (a point on each island). Islands joined by a
bridge -- listed there, or found in the trunk road layer (Suramadu, the Bali Mandara toll
road) -- form one *land*: travel between them is ordinary travel on land. Different lands are
connected only by ferry, and only when ``travel.cross_island = "ferry"``.

A land is numbered by its smallest island id, so for most islands land id = island id
(Madura's land is Jawa's, 4).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from tkm_assign.errors import InputError, InputProblem
from tkm_assign.geo.regions import GEO_DIR, NOT_LOCATED, Geography, haversine_km, load_geography
from tkm_assign.geo.trunk_roads import ROADS_PATH, load_trunk_roads
from tkm_assign.messages import Message

FERRIES_PATH = GEO_DIR / "ferries.csv"
PORT_SNAP_KM = 5.0
_COLUMNS = (
    "kind",
    "name",
    "a_port",
    "a_island",
    "a_latitude",
    "a_longitude",
    "b_port",
    "b_island",
    "b_latitude",
    "b_longitude",
    "crossing_min",
)

IntArray = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class SeaLinks:
    """Lands (islands joined by bridges), ferry ports and the ferry routes between them."""

    land_of_island: IntArray  # island id -> land id
    port_name: tuple[str, ...]
    port_lat: FloatArray
    port_lon: FloatArray
    port_island: IntArray
    route_name: tuple[str, ...]
    route_a: IntArray  # port index
    route_b: IntArray  # port index
    route_min: IntArray  # typical crossing minutes, without waiting
    route_km: FloatArray  # great circle between the two ports

    def land(self, island_id: npt.ArrayLike) -> IntArray:
        """Land id of each island id; ``NOT_LOCATED`` (sea) stays as it is."""
        ids = np.asarray(island_id, dtype=np.int64)
        inside = (ids >= 0) & (ids < self.land_of_island.size)
        out = ids.copy()
        out[inside] = self.land_of_island[ids[inside]]
        return out.astype(np.int32)

    @property
    def port_land(self) -> IntArray:
        return self.land(self.port_island)

    def reach_class(self, island_id: npt.ArrayLike, cross_island: str) -> IntArray:
        """Points can travel to each other exactly when their classes are equal.

        Under ``forbid`` the class is the land; under ``ferry`` lands joined by ferry
        routes (directly or through other lands) share the class of their smallest land id.
        """
        land = self.land(island_id)
        if cross_island != "ferry" or self.route_a.size == 0:
            return land
        return self._ferry_class(land)

    def _ferry_class(self, land: IntArray) -> IntArray:
        port_land = self.port_land
        lands, index = np.unique(port_land, return_inverse=True)
        a, b = index[self.route_a], index[self.route_b]
        graph = coo_matrix((np.ones(a.size), (a, b)), shape=(lands.size, lands.size))
        _, label = connected_components(graph, directed=False)
        smallest = {int(lab): int(lands[label == lab].min()) for lab in np.unique(label)}
        mapping = {int(ld): smallest[int(lab)] for ld, lab in zip(lands, label, strict=True)}
        out = land.copy()
        for ld, cls in mapping.items():
            out[land == ld] = cls
        return out


def load_sea_links(
    geography: Geography | None = None,
    path: Path = FERRIES_PATH,
    roads_path: Path | None = ROADS_PATH,
) -> SeaLinks:
    """Read the ferry and bridge links and join bridged islands into lands.

    Parameters
    ----------
    geography
        Islands to place the ports on (default: :func:`load_geography`).
    path
        The links file (columns as in ``geo/ferries.csv``).
    roads_path
        Trunk road layer whose island-crossing segments also count as bridges; ``None``
        to use only the bridges listed in ``path``.

    Raises
    ------
    InputError
        A row with a missing or wrong value, or a port that does not lie on (or within
        5 km of) the island its row names.
    """
    geo = geography if geography is not None else load_geography()
    frame = _read_links(Path(path))
    n_rows = len(frame)
    lat = np.concatenate([frame["a_latitude"], frame["b_latitude"]]).astype(np.float64)
    lon = np.concatenate([frame["a_longitude"], frame["b_longitude"]]).astype(np.float64)
    located = geo.locate(lat, lon, snap_km=PORT_SNAP_KM)
    expected = np.concatenate([frame["a_island"], frame["b_island"]])
    problems = []
    for k in range(2 * n_rows):
        side = "a" if k < n_rows else "b"
        island = int(located.island_id[k])
        found = geo.island_name(island)
        if found != str(expected[k]).strip():
            problems.append(
                InputProblem(
                    file=Path(path).name,
                    row=k % n_rows + 2,
                    column=f"{side}_latitude/{side}_longitude",
                    value=f"{lat[k]}, {lon[k]}",
                    expected=Message.of(
                        "input.wrong_island", found=found, given=str(expected[k]), side=side
                    ),
                )
            )
    if problems:
        raise InputError(problems)
    a_island, b_island = located.island_id[:n_rows], located.island_id[n_rows:]
    bridge = (frame["kind"] == "bridge").to_numpy()
    joins = [(int(x), int(y)) for x, y in zip(a_island[bridge], b_island[bridge], strict=True)]
    if roads_path is not None:
        joins += load_trunk_roads(geo, Path(roads_path)).bridges()
    land_of_island = _join_islands(len(geo.islands), joins)

    ferry = ~bridge
    names: list[str] = []
    port_index: dict[tuple[str, float, float], int] = {}
    port_rows: list[tuple[float, float, int]] = []

    def port(name: str, la: float, lo: float, isl: int) -> int:
        key = (name, la, lo)
        if key not in port_index:
            port_index[key] = len(names)
            names.append(name)
            port_rows.append((la, lo, isl))
        return port_index[key]

    route_a, route_b = [], []
    for row in np.flatnonzero(ferry).tolist():
        route_a.append(port(str(frame["a_port"].iat[row]), lat[row], lon[row], int(a_island[row])))
        j = row + n_rows
        route_b.append(port(str(frame["b_port"].iat[row]), lat[j], lon[j], int(b_island[row])))
    port_arr = np.array(port_rows, dtype=np.float64).reshape(-1, 3)
    ra, rb = np.array(route_a, dtype=np.int32), np.array(route_b, dtype=np.int32)
    return SeaLinks(
        land_of_island=land_of_island,
        port_name=tuple(names),
        port_lat=port_arr[:, 0].copy(),
        port_lon=port_arr[:, 1].copy(),
        port_island=port_arr[:, 2].astype(np.int32),
        route_name=tuple(str(x) for x in frame["name"][ferry]),
        route_a=ra,
        route_b=rb,
        route_min=frame["crossing_min"][ferry].to_numpy(dtype=np.int32),
        route_km=haversine_km(
            port_arr[ra, 0], port_arr[ra, 1], port_arr[rb, 0], port_arr[rb, 1]
        ).reshape(-1),
    )


@cache
def default_sea_links() -> SeaLinks:
    """The bundled links on the bundled geography, read once per process."""
    return load_sea_links()


def _read_links(path: Path) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise InputError(
            [InputProblem(path.name, None, None, None, Message.of("input.not_found"))]
        ) from None
    missing = [c for c in _COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(
            [
                InputProblem(path.name, None, c, None, Message.of("input.column_missing"))
                for c in missing
            ]
        )
    problems = []
    for k in range(len(frame)):
        kind = str(frame["kind"].iat[k]).strip()
        if kind not in ("ferry", "bridge"):
            problems.append(
                InputProblem(path.name, k + 2, "kind", kind, Message.of("input.not_link_kind"))
            )
        for column, low, high in (
            ("a_latitude", -90, 90),
            ("b_latitude", -90, 90),
            ("a_longitude", -180, 180),
            ("b_longitude", -180, 180),
            ("crossing_min", 0, 24 * 60 * 3),
        ):
            text = str(frame[column].iat[k]).strip()
            try:
                value = float(text)
            except ValueError:
                value = float("nan")
            if not low <= value <= high:
                problems.append(
                    InputProblem(
                        path.name,
                        k + 2,
                        column,
                        text,
                        Message.of("input.not_number_in", low=low, high=high),
                    )
                )
            elif column == "crossing_min" and kind == "ferry" and value <= 0:
                problems.append(
                    InputProblem(path.name, k + 2, column, text, Message.of("input.ferry_positive"))
                )
    if problems:
        raise InputError(problems)
    frame["kind"] = frame["kind"].str.strip()
    for column in ("a_latitude", "b_latitude", "a_longitude", "b_longitude"):
        frame[column] = frame[column].astype(np.float64)
    frame["crossing_min"] = frame["crossing_min"].astype(np.float64).round().astype(np.int32)
    return frame


def _join_islands(n_islands: int, joins: list[tuple[int, int]]) -> IntArray:
    """Land id (smallest island id of each joined group) for every island."""
    land = np.arange(n_islands, dtype=np.int32)
    pairs = [(a, b) for a, b in joins if a != NOT_LOCATED and b != NOT_LOCATED and a != b]
    if not pairs:
        return land
    a, b = np.array(pairs).T
    graph = coo_matrix((np.ones(a.size), (a, b)), shape=(n_islands, n_islands))
    _, label = connected_components(graph, directed=False)
    # Components are labelled in order of their smallest member, so the first island of
    # each label is its smallest id.
    first = np.full(label.max() + 1, n_islands, dtype=np.int64)
    np.minimum.at(first, label, np.arange(n_islands))
    return first[label].astype(np.int32)
