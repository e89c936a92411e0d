"""Road travel: trunk road shortest paths with off-road legs at both ends.

The definition :class:`RoadTravel` implements, for two points A and B on one land:

- **Road network.** The trunk roads of ``geo/roads_trunk.gpkg`` inside Indonesia (see
  :mod:`tkm_assign.geo.trunk_roads`), split into connected components. Shortest road km
  between every two nodes of a component are computed once (Dijkstra, ``scipy.sparse.csgraph``).
- **Access.** For each road component with segments on A's island, the nearest point P of
  that component's segments on the island. A point reaches only roads on its own island.
  ``offroad_km = great_circle(A, P) * circuity``; from P the road continues to either end of
  the segment (``t * km`` or ``(1 - t) * km`` of the segment's road length).
- **Road route** through a component shared by both access sets:
  ``offroad(A -> P_A) + road(P_A -> entry node -> ... -> exit node -> P_B) + offroad(P_B -> B)``
  with the shortest road km over both ends of both segments (and straight along the segment
  when P_A and P_B lie on the same one).
- **Time** of a route: ``offroad_km / offroad_kph * 60 + road_km / speed_kph[transport] * 60``
  with ``offroad_kph = min(travel.offroad_speed_kph, speed_kph[transport])`` (public transport
  is no faster off the trunk roads than on them).
- **Direct trip** (village roads between close points, and the way across gaps in the road
  data): ``great_circle * circuity`` at ``offroad_kph``. When either point's island has no
  trunk road at all, the direct trip is the haversine model instead (``speed_kph[transport]``).
- The travel time is the fastest of the direct trip and the road routes; the distance is
  that of the chosen option. Minutes and metres are rounded; distances are never shorter
  than the great circle (every leg is at least its straight line).

Travel between lands (ferries) and the island rule come from
:class:`tkm_assign.geo.travel.IslandTravel`.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import shapely
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components, dijkstra

from tkm_assign.config import TravelConfig
from tkm_assign.geo.ferries import SeaLinks
from tkm_assign.geo.regions import Geography, haversine_km
from tkm_assign.geo.travel import (
    FloatArray,
    IndexArray,
    IntArray,
    IslandTravel,
    Points,
    PreparedPoints,
)
from tkm_assign.geo.trunk_roads import ROADS_PATH, TrunkRoads, load_trunk_roads
from tkm_assign.io.arrays import load_arrays, store_arrays

log = logging.getLogger("tkm_assign")

BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class RoadNetwork:
    """Trunk road components with all-pairs shortest road km, and per-island access trees."""

    roads: TrunkRoads
    node_component: IntArray
    node_local: IntArray  # row of the node in its component's distance matrix
    component_km: tuple[npt.NDArray[np.float32], ...]
    island_components: Mapping[int, tuple[int, ...]]  # island -> components reachable on it
    access_trees: Mapping[tuple[int, int], tuple[shapely.STRtree, IntArray]]

    def has_roads(self, island_id: npt.ArrayLike) -> BoolArray:
        """Whether each island has any trunk road segment."""
        ids = np.asarray(island_id)
        with_roads = np.fromiter(self.island_components, dtype=np.int64)
        return np.isin(ids, with_roads)


_NETWORKS: dict[int, tuple[Geography, RoadNetwork]] = {}


def load_road_network(geography: Geography, cache_dir: str | Path = "") -> RoadNetwork:
    """Build the road network once per process and geography.

    The shortest road km (about 2 s to compute) are also kept in ``cache_dir`` when given,
    keyed by a hash of the road graph, so later runs read them instead.
    """
    key = id(geography)
    if key not in _NETWORKS:
        roads = load_trunk_roads(geography, ROADS_PATH)
        # The geography is kept alive with the result so that its id is never reused.
        _NETWORKS[key] = (geography, build_road_network(roads, cache_dir))
    return _NETWORKS[key][1]


def build_road_network(roads: TrunkRoads, cache_dir: str | Path = "") -> RoadNetwork:
    """Components, their shortest road km and the access trees of ``roads``."""
    n = roads.n_nodes
    graph = csr_matrix((roads.edge_km, (roads.edge_u, roads.edge_v)), shape=(n, n))
    n_components, label = connected_components(graph, directed=False)
    node_local = np.zeros(n, dtype=np.int32)
    members = [np.flatnonzero(label == c) for c in range(n_components)]
    for nodes in members:
        node_local[nodes] = np.arange(nodes.size)
    component_km = _component_km(roads, graph, members, cache_dir)
    lines = shapely.linestrings(
        np.stack(
            [
                np.column_stack([roads.node_lon[roads.edge_u], roads.node_lat[roads.edge_u]]),
                np.column_stack([roads.node_lon[roads.edge_v], roads.node_lat[roads.edge_v]]),
            ],
            axis=1,
        )
    )
    island_u = roads.node_island[roads.edge_u]
    on_one_island = island_u == roads.node_island[roads.edge_v]
    edge_component = label[roads.edge_u]
    trees: dict[tuple[int, int], tuple[shapely.STRtree, IntArray]] = {}
    island_components: dict[int, list[int]] = {}
    for island, component in sorted(
        {
            (int(i), int(c))
            for i, c in zip(island_u[on_one_island], edge_component[on_one_island], strict=True)
        }
    ):
        edges = np.flatnonzero(on_one_island & (island_u == island) & (edge_component == component))
        trees[(island, component)] = (shapely.STRtree(lines[edges]), edges.astype(np.int32))
        island_components.setdefault(island, []).append(component)
    log.debug(
        "road network: %d nodes, %d segments, %d components on %d islands",
        n,
        roads.n_edges,
        n_components,
        len(island_components),
    )
    return RoadNetwork(
        roads=roads,
        node_component=label.astype(np.int32),
        node_local=node_local,
        component_km=tuple(component_km),
        island_components={k: tuple(v) for k, v in island_components.items()},
        access_trees=trees,
    )


def _component_km(
    roads: TrunkRoads,
    graph: csr_matrix,
    members: list[IndexArray],
    cache_dir: str | Path,
) -> tuple[npt.NDArray[np.float32], ...]:
    """All-pairs shortest road km of each component, from the cache when it has them."""
    path = None
    if cache_dir:
        digest = hashlib.sha256(b"road km v1")
        for array in (roads.edge_u, roads.edge_v, roads.edge_km):
            digest.update(np.ascontiguousarray(array).tobytes())
        path = Path(cache_dir) / f"roads-{digest.hexdigest()[:32]}.npz"
        stored = load_arrays(path)
        if stored is not None and len(stored) == len(members):
            km = tuple(stored[f"c{c}"].astype(np.float32) for c in range(len(members)))
            # A damaged file (wrong shapes, negative or NaN km) counts as absent.
            if all(
                k.shape == (m.size, m.size) and bool(np.all(k >= 0))
                for k, m in zip(km, members, strict=True)
            ):
                return km
    computed = tuple(
        dijkstra(graph[nodes][:, nodes], directed=False).astype(np.float32) for nodes in members
    )
    if path is not None:
        store_arrays(path, **{f"c{c}": km for c, km in enumerate(computed)})
    return computed


@dataclass(frozen=True)
class RoadAccess:
    """How each point gets onto each road component of its island.

    Point i owns ``slot_count[i]`` slots from ``slot_start[i]``, one per component of its
    island in the order of :attr:`RoadNetwork.island_components`.
    """

    has_roads: BoolArray
    slot_start: IndexArray
    slot_edge: IntArray
    slot_t: FloatArray  # position of the access point along the segment, 0 at its first node
    slot_offroad_km: FloatArray  # great circle to the access point times circuity
    slot_node: IntArray  # (slots, 2) rows of the segment's two nodes in the component matrix
    slot_along_km: FloatArray  # (slots, 2) road km from the access point to each node


class RoadTravel(IslandTravel):
    """Trunk roads plus off-road legs; the module docstring gives the exact definition."""

    def __init__(
        self, config: TravelConfig, network: RoadNetwork, sea: SeaLinks | None = None
    ) -> None:
        super().__init__(config, sea)
        self.network = network

    def cache_token(self) -> bytes | None:
        base = super().cache_token()
        roads = self.network.roads
        digest = hashlib.sha256(base or b"")
        for array in (roads.node_lat, roads.node_lon, roads.edge_u, roads.edge_v, roads.edge_km):
            digest.update(np.ascontiguousarray(array).tobytes())
        return digest.digest()

    def offroad_kph(self, transport: str) -> float:
        """Speed off the trunk roads: ``min(offroad_speed_kph, speed_kph[transport])``."""
        return min(self.config.offroad_speed_kph, self.speed_kph(transport))

    def prepare(self, points: Points) -> PreparedPoints:
        return PreparedPoints(points, road=self._access(points))

    def _access(self, points: Points) -> RoadAccess:
        net = self.network
        roads = net.roads
        island = points.island_id
        counts = np.array(
            [len(net.island_components.get(int(i), ())) for i in island], dtype=np.int64
        ).reshape(-1)
        start = np.cumsum(counts) - counts
        total = int(counts.sum())
        slot_edge = np.zeros(total, dtype=np.int32)
        slot_t = np.zeros(total)
        slot_off = np.zeros(total)
        for isl in np.unique(island[counts > 0]):
            idx = np.flatnonzero(island == isl)
            where = shapely.points(points.longitude[idx], points.latitude[idx])
            for k, component in enumerate(net.island_components[int(isl)]):
                tree, edges = net.access_trees[(int(isl), component)]
                found_pt, found_edge = tree.query_nearest(where, all_matches=False)
                order = np.argsort(found_pt, kind="stable")
                edge = edges[found_edge[order]]
                slots = start[idx[found_pt[order]]] + k
                rows = idx[found_pt[order]]
                t, lat, lon = _project(
                    points.latitude[rows],
                    points.longitude[rows],
                    roads.node_lat[roads.edge_u[edge]],
                    roads.node_lon[roads.edge_u[edge]],
                    roads.node_lat[roads.edge_v[edge]],
                    roads.node_lon[roads.edge_v[edge]],
                )
                slot_edge[slots] = edge
                slot_t[slots] = t
                slot_off[slots] = (
                    haversine_km(points.latitude[rows], points.longitude[rows], lat, lon)
                    * self.config.circuity
                )
        edge_km = roads.edge_km[slot_edge]
        ends = np.column_stack([roads.edge_u[slot_edge], roads.edge_v[slot_edge]])
        return RoadAccess(
            has_roads=counts > 0,
            slot_start=start,
            slot_edge=slot_edge,
            slot_t=slot_t,
            slot_offroad_km=slot_off,
            slot_node=net.node_local[ends].reshape(-1, 2),
            slot_along_km=np.column_stack([slot_t * edge_km, (1.0 - slot_t) * edge_km]),
        )

    def _land(
        self,
        a: PreparedPoints,
        ia: IndexArray,
        b: PreparedPoints,
        ib: IndexArray,
        transport: str,
        straight_km: FloatArray | None = None,
    ) -> tuple[FloatArray, FloatArray]:
        if a.road is None:
            a = self.prepare(a.points)
        if b.road is None:
            b = self.prepare(b.points)
        assert a.road is not None and b.road is not None
        acc_a, acc_b = a.road, b.road
        road_kph = self.speed_kph(transport)
        off_kph = self.offroad_kph(transport)
        pa, pb = a.points, b.points
        if straight_km is None:
            straight_km = haversine_km(
                pa.latitude[ia], pa.longitude[ia], pb.latitude[ib], pb.longitude[ib]
            )
        direct_km = straight_km * self.config.circuity
        with_roads = acc_a.has_roads[ia] & acc_b.has_roads[ib]
        minutes = direct_km / np.where(with_roads, off_kph, road_kph) * 60.0
        km = direct_km
        net = self.network
        island_a = pa.island_id[ia].astype(np.int64)
        island_b = pb.island_id[ib].astype(np.int64)
        for (isl_a, isl_b), sel in _groups(island_a, island_b, with_roads):
            comps_b = net.island_components[isl_b]
            for k_a, component in enumerate(net.island_components[isl_a]):
                if component not in comps_b:
                    continue
                sa = acc_a.slot_start[ia[sel]] + k_a
                sb = acc_b.slot_start[ib[sel]] + comps_b.index(component)
                road_km = _shortest_road_km(net.component_km[component], acc_a, sa, acc_b, sb)
                same_edge = acc_a.slot_edge[sa] == acc_b.slot_edge[sb]
                if same_edge.any():
                    along = (
                        np.abs(acc_a.slot_t[sa] - acc_b.slot_t[sb])
                        * net.roads.edge_km[acc_a.slot_edge[sa]]
                    )
                    road_km = np.where(same_edge, np.minimum(road_km, along), road_km)
                off_km = acc_a.slot_offroad_km[sa] + acc_b.slot_offroad_km[sb]
                route_min = off_km / off_kph * 60.0 + road_km / road_kph * 60.0
                better = route_min < minutes[sel]
                minutes[sel[better]] = route_min[better]
                km[sel[better]] = (off_km + road_km)[better]
        return minutes, km

    def _land_minutes_per_km(self, transport: str) -> float:
        # Road km are at least the great circle and the fastest speed is the road speed;
        # off-road and direct legs are slower (circuity >= 1, offroad_kph <= road speed).
        return 60.0 / self.speed_kph(transport)


def _shortest_road_km(
    km: npt.NDArray[np.float32],
    acc_a: RoadAccess,
    sa: IndexArray,
    acc_b: RoadAccess,
    sb: IndexArray,
) -> FloatArray:
    """Shortest road km from access point a to access point b over both ends of both segments."""
    best = np.full(sa.size, np.inf)
    for end_a in (0, 1):
        for end_b in (0, 1):
            road = (
                acc_a.slot_along_km[sa, end_a]
                + km[acc_a.slot_node[sa, end_a], acc_b.slot_node[sb, end_b]]
                + acc_b.slot_along_km[sb, end_b]
            )
            np.minimum(best, road, out=best)
    return best


def _groups(
    island_a: npt.NDArray[np.int64], island_b: npt.NDArray[np.int64], mask: BoolArray
) -> Iterator[tuple[tuple[int, int], IndexArray]]:
    """Positions of the masked pairs, grouped by (island of a, island of b)."""
    candidates = np.flatnonzero(mask)
    if not candidates.size:
        return
    key = island_a[candidates] * (int(island_b.max()) + 1) + island_b[candidates]
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    cuts = np.flatnonzero(np.diff(sorted_key)) + 1
    for part in np.split(order, cuts):
        first = candidates[part[0]]
        yield (int(island_a[first]), int(island_b[first])), candidates[part]


def _project(
    lat: FloatArray,
    lon: FloatArray,
    lat_u: FloatArray,
    lon_u: FloatArray,
    lat_v: FloatArray,
    lon_v: FloatArray,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Nearest point of each segment u-v to each point: (t in [0, 1], latitude, longitude).

    Works in a local equirectangular frame (longitude scaled by cos(latitude)), which is
    accurate to well under 1% at Indonesia's latitudes and segment lengths.
    """
    scale = np.cos(np.radians(lat))
    ux, uy = (lon_u - lon) * scale, lat_u - lat
    dx, dy = (lon_v - lon_u) * scale, lat_v - lat_u
    length2 = dx * dx + dy * dy
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.where(length2 > 0, -(ux * dx + uy * dy) / length2, 0.0)
    t = np.clip(t, 0.0, 1.0)
    return t, lat_u + t * (lat_v - lat_u), lon_u + t * (lon_v - lon_u)
