"""Map links that open on every phone and computer, and an inline map of a mentor's routes.

Links are ``https://www.google.com/maps/...`` addresses (Google's documented Maps URLs):
they open the Google Maps app where it is installed and the web map everywhere else
(iPhones and desktop browsers do not open ``geo:`` URIs). Nothing is loaded until a person
taps a link, so the pages stay usable offline.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape
from urllib.parse import quote_plus

from markupsafe import Markup

# At most this many stops between origin and destination in a directions link (the
# Maps URLs limit); a longer day links its first stops only.
MAX_WAYPOINTS = 9
# Colours of the day routes on a mentor's map, by programme month (then repeated).
MONTH_COLOURS = ("#0f766e", "#b45309", "#4338ca", "#be185d", "#15803d", "#0369a1")
SVG_WIDTH, SVG_HEIGHT = 640, 420

LatLon = tuple[float, float]


def _point(lat: float, lon: float) -> str:
    return f"{lat:.5f},{lon:.5f}"


def map_url(lat: float, lon: float) -> str:
    """A map centred on one place (``https://www.google.com/maps/search/?api=1&query=...``)."""
    # A point is digits, signs, dots and a comma: nothing to escape (urlencode would give
    # the same text at several times the cost, and a page holds thousands of links).
    return "https://www.google.com/maps/search/?api=1&query=" + _point(lat, lon)


def route_url(home: LatLon, stops: Sequence[LatLon], travel_mode: str = "driving") -> str:
    """Directions from ``home`` through ``stops`` in order and back home."""
    at_home = _point(*home)
    url = (
        f"https://www.google.com/maps/dir/?api=1&origin={at_home}&destination={at_home}"
        f"&travelmode={quote_plus(travel_mode)}"
    )
    if stops:
        url += "&waypoints=" + "|".join(_point(*s) for s in stops[:MAX_WAYPOINTS])
    return url


def route_map_svg(
    home: LatLon,
    places: Sequence[tuple[str, LatLon]],
    routes: Sequence[tuple[int, Sequence[LatLon]]],
    title: str,
) -> Markup:
    """A small inline SVG map: the mentor's home (square), each participant (dot, with its
    id as a tooltip) and every day route as straight lines home - visits - home, coloured
    by month; a scale bar in km. ``routes`` are ``(month, stops in order)``.

    An equirectangular projection scaled by the cosine of the mean latitude is true to
    within a fraction of a percent over one mentor's area.
    """
    points = [home, *(where for _, where in places)]
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    kx = math.cos(math.radians(sum(lats) / len(lats)))
    x0, x1 = min(lons) * kx, max(lons) * kx
    y0, y1 = -max(lats), -min(lats)
    span = max(x1 - x0, y1 - y0, 0.02)
    pad = 28.0
    scale = min(
        (SVG_WIDTH - 2 * pad) / max(x1 - x0, span * 0.2),
        (SVG_HEIGHT - 2 * pad) / max(y1 - y0, span * 0.2),
    )
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2

    def at(p: LatLon) -> tuple[float, float]:
        return SVG_WIDTH / 2 + (p[1] * kx - cx) * scale, SVG_HEIGHT / 2 + (-p[0] - cy) * scale

    def xy(p: LatLon) -> str:
        x, y = at(p)
        return f"{x:.0f},{y:.0f}"

    parts = [
        f'<svg class="routemap" viewBox="0 0 {SVG_WIDTH} {SVG_HEIGHT}" role="img" '
        f'aria-label="{escape(title)}">',
        f'<rect width="{SVG_WIDTH}" height="{SVG_HEIGHT}" fill="#f4f1ea"/>',
    ]
    for month, stops in routes:
        colour = MONTH_COLOURS[(month - 1) % len(MONTH_COLOURS)]
        line = " ".join(xy(p) for p in (home, *stops, home))
        parts.append(
            f'<polyline points="{line}" fill="none" stroke="{colour}" '
            'stroke-width="2" stroke-opacity="0.45"/>'
        )
    for pid, where in places:
        x, y = at(where)
        parts.append(
            f'<circle cx="{x:.0f}" cy="{y:.0f}" r="5" fill="#1f2937">'
            f"<title>{escape(pid)}</title></circle>"
        )
    hx, hy = at(home)
    parts.append(
        f'<rect x="{hx - 8:.1f}" y="{hy - 8:.1f}" width="16" height="16" fill="#dc2626" '
        'stroke="#111827"/>'
    )
    # Scale bar: a round number of km near a fifth of the width.
    km_per_unit = 111.32  # km per degree of latitude (and of scaled longitude)
    width_km = (SVG_WIDTH - 2 * pad) / scale * km_per_unit
    bar_km = next((n for n in (200, 100, 50, 20, 10, 5, 2, 1) if n <= width_km / 5), 0.5)
    bar_px = bar_km / km_per_unit * scale
    right, base = SVG_WIDTH - pad, SVG_HEIGHT - 12
    parts.append(
        f'<line x1="{right - bar_px:.1f}" y1="{base}" x2="{right}" y2="{base}" '
        'stroke="#111827" stroke-width="3"/>'
        f'<text x="{right - bar_px / 2:.1f}" y="{base - 8}" font-size="20" '
        f'text-anchor="middle">{bar_km:g} km</text>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))
