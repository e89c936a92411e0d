"""The trunk road layer as nodes and edges placed on Indonesia's islands.

``geo/roads_trunk.gpkg`` stores straight two-point segments whose end coordinates are shared
exactly, so the graph is rebuilt from the end points. Every node is placed on an island with
:meth:`Geography.locate`; nodes outside Indonesia (the layer also covers Malaysia and
Timor-Leste) are dropped with their edges, because mentors do not cross borders. A segment's
``km`` is its road length; it is raised to the great-circle length of its chord where the
data says less, so that road distances are never shorter than the straight line.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pyogrio
import shapely

from tkm_assign.geo.regions import GEO_DIR, NOT_LOCATED, Geography, haversine_km

log = logging.getLogger("tkm_assign")

ROADS_PATH = GEO_DIR / "roads_trunk.gpkg"
# Road nodes on bridges, causeways and coastal roads can lie a little off the polygons.
NODE_SNAP_KM = 2.0

IntArray = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class TrunkRoads:
    """Road nodes (with their island) and undirected edges between them (``u < v``)."""

    node_lat: FloatArray
    node_lon: FloatArray
    node_island: IntArray
    edge_u: IntArray
    edge_v: IntArray
    edge_km: FloatArray

    @property
    def n_nodes(self) -> int:
        return int(self.node_lat.size)

    @property
    def n_edges(self) -> int:
        return int(self.edge_u.size)

    def bridges(self) -> list[tuple[int, int]]:
        """Island pairs joined by a road segment, e.g. Jawa and Madura by Suramadu."""
        a, b = self.node_island[self.edge_u], self.node_island[self.edge_v]
        crossing = a != b
        pairs = np.unique(np.sort(np.column_stack([a[crossing], b[crossing]]), axis=1), axis=0)
        return [(int(x), int(y)) for x, y in pairs]


_LOADED: dict[tuple[int, Path], tuple[Geography, TrunkRoads]] = {}


def load_trunk_roads(geography: Geography, path: Path = ROADS_PATH) -> TrunkRoads:
    """Read and place the trunk roads once per process and geography.

    Parameters
    ----------
    geography
        Islands used to place the road nodes.
    path
        A GeoPackage of two-point line segments with a ``km`` column.
    """
    key = (id(geography), Path(path))
    if key not in _LOADED:
        # The geography is kept alive with the result so that its id is never reused.
        _LOADED[key] = (geography, _read_trunk_roads(geography, Path(path)))
    return _LOADED[key][1]


def _read_trunk_roads(geography: Geography, path: Path) -> TrunkRoads:
    frame = pyogrio.read_dataframe(path)
    coords = shapely.get_coordinates(frame.geometry.values)
    counts = shapely.get_num_coordinates(frame.geometry.values)
    # Segments are straight lines: keep the first and last vertex of each.
    last = np.cumsum(counts) - 1
    first = last - counts + 1
    ends = np.concatenate([coords[first], coords[last]])
    unique, inverse = np.unique(ends, axis=0, return_inverse=True)
    u_all, v_all = inverse.reshape(2, -1)
    located = geography.locate(unique[:, 1], unique[:, 0], snap_km=NODE_SNAP_KM)
    island = located.island_id
    keep_node = island != NOT_LOCATED
    keep_edge = keep_node[u_all] & keep_node[v_all] & (u_all != v_all)
    new_id = np.cumsum(keep_node) - 1
    u, v = new_id[u_all[keep_edge]], new_id[v_all[keep_edge]]
    lon, lat = unique[keep_node, 0], unique[keep_node, 1]
    km = frame["km"].to_numpy(dtype=np.float64)[keep_edge]
    chord_km = haversine_km(lat[u], lon[u], lat[v], lon[v])
    km = np.maximum(km, chord_km)
    # One edge per node pair (parallel segments keep the shortest).
    lo, hi = np.minimum(u, v), np.maximum(u, v)
    order = np.lexsort((km, hi, lo))
    lo, hi, km = lo[order], hi[order], km[order]
    first_of_pair = np.ones(lo.size, dtype=bool)
    first_of_pair[1:] = (lo[1:] != lo[:-1]) | (hi[1:] != hi[:-1])
    roads = TrunkRoads(
        node_lat=np.ascontiguousarray(lat),
        node_lon=np.ascontiguousarray(lon),
        node_island=island[keep_node].astype(np.int32),
        edge_u=lo[first_of_pair].astype(np.int32),
        edge_v=hi[first_of_pair].astype(np.int32),
        edge_km=km[first_of_pair],
    )
    log.debug(
        "trunk roads: %d of %d nodes and %d of %d segments in Indonesia",
        roads.n_nodes,
        unique.shape[0],
        roads.n_edges,
        len(frame),
    )
    return roads
