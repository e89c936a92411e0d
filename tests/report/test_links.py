"""Map links are https addresses every phone opens; the route map is plain inline SVG."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from tkm_assign.report.links import MAX_WAYPOINTS, map_url, route_map_svg, route_url


def test_map_link_is_https_to_the_place():
    url = map_url(-6.9175, 107.6191)
    parts = urlsplit(url)
    assert parts.scheme == "https" and parts.netloc == "www.google.com"
    assert parse_qs(parts.query) == {"api": ["1"], "query": ["-6.91750,107.61910"]}


def test_route_link_goes_home_through_the_stops_in_order_and_back():
    home, stops = (-6.9, 107.6), [(-6.8, 107.5), (-6.7, 107.4)]
    query = parse_qs(urlsplit(route_url(home, stops)).query)
    assert query["origin"] == query["destination"] == ["-6.90000,107.60000"]
    assert query["waypoints"] == ["-6.80000,107.50000|-6.70000,107.40000"]
    assert query["travelmode"] == ["driving"]
    many = [(-6.0 - i / 100, 107.0) for i in range(MAX_WAYPOINTS + 3)]
    query = parse_qs(urlsplit(route_url(home, many)).query)
    assert len(query["waypoints"][0].split("|")) == MAX_WAYPOINTS
    assert "waypoints" not in parse_qs(urlsplit(route_url(home, [])).query)


def test_route_map_draws_every_route_and_participant_and_escapes_ids():
    home = (-8.65, 115.2)
    places = [("P<1>", (-8.6, 115.1)), ("P2", (-8.5, 115.3))]
    routes = [(1, [places[0][1]]), (2, [places[0][1], places[1][1]])]
    svg = str(route_map_svg(home, places, routes, 'Rute "M01"'))
    assert svg.startswith('<svg class="routemap"') and svg.endswith("</svg>")
    assert svg.count("<polyline") == 2 and svg.count("<circle") == 2
    assert "<title>P&lt;1&gt;</title>" in svg and 'aria-label="Rute &quot;M01&quot;"' in svg
    assert "http" not in svg and "km</text>" in svg
    # Text on the map stays readable on a phone: 20 units of a 640-unit-wide map are
    # 10 px or more on a 390 px screen.
    assert 'font-size="20"' in svg


def test_route_map_of_one_place_does_not_divide_by_zero():
    svg = str(route_map_svg((-8.65, 115.2), [("P1", (-8.65, 115.2))], [], "x"))
    assert "nan" not in svg and "inf" not in svg
