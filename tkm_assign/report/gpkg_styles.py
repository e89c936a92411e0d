"""Default QGIS styles (QML) of the layers of ``plan.gpkg``, for its ``layer_styles`` table.

QGIS looks for a ``layer_styles`` table in a GeoPackage and applies the style marked
``useAsDefault`` when a layer is added, so the file opens styled: participants by status
(served dots, red crosses for those without a mentor), mentors as labelled stars,
assignment lines and day routes as thin lines, sessions by mode. Routes and sessions carry
temporal settings (start and end fields), so QGIS's temporal controller plays the plan day
by day without any set-up.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING
from xml.sax.saxutils import quoteattr

if TYPE_CHECKING:
    from tkm_assign.report.i18n import Labels

QGIS_VERSION = "3.28"  # the oldest long-term release the styles were written for

# (value, colour "r,g,b,a", marker shape); "" is QGIS's "all other values". The legend
# shows each value in the output's language.
PARTICIPANT_STATUS = (
    ("assigned", "15,118,110,255", "circle"),
    ("unassigned", "220,38,38,255", "cross2"),
    ("", "107,114,128,255", "circle"),
)
SESSION_MODES = (
    ("onsite", "15,118,110,255", "circle"),
    ("online", "67,56,202,255", "diamond"),
    ("", "107,114,128,255", "circle"),
)


def _options(values: dict[str, str]) -> str:
    return "".join(
        f'<Option name={quoteattr(k)} type="QString" value={quoteattr(v)}/>'
        for k, v in values.items()
    )


def _marker(name: str, colour: str, shape: str, size: float) -> str:
    layer = _options(
        {
            "color": colour,
            "name": shape,
            "size": f"{size:g}",
            "size_unit": "MM",
            "outline_color": "17,24,39,255",
            "outline_width": "0.2",
            "outline_style": "solid",
        }
    )
    return (
        f'<symbol type="marker" name={quoteattr(name)} alpha="1" clip_to_extent="1" '
        f'force_rhr="0"><layer class="SimpleMarker" enabled="1" locked="0" pass="0">'
        f'<Option type="Map">{layer}</Option></layer></symbol>'
    )


def _line(name: str, colour: str, width: float, alpha: float) -> str:
    layer = _options(
        {
            "line_color": colour,
            "line_width": f"{width:g}",
            "line_width_unit": "MM",
            "line_style": "solid",
            "capstyle": "round",
            "joinstyle": "round",
        }
    )
    return (
        f'<symbol type="line" name={quoteattr(name)} alpha="{alpha:g}" clip_to_extent="1" '
        f'force_rhr="0"><layer class="SimpleLine" enabled="1" locked="0" pass="0">'
        f'<Option type="Map">{layer}</Option></layer></symbol>'
    )


def _single(symbol: str) -> str:
    return f'<renderer-v2 type="singleSymbol" symbollevels="0" enableorderby="0" forceraster="0"><symbols>{symbol}</symbols></renderer-v2>'


def _categorised(
    field: str, classes: Sequence[tuple[str, str, str]], size: float, labels: Labels
) -> str:
    categories = "".join(
        f"<category value={quoteattr(value)} "
        f"label={quoteattr(labels.value(value) if value else labels['style_other'])} "
        f'symbol="{i}" render="true"/>'
        for i, (value, _, _) in enumerate(classes)
    )
    symbols = "".join(
        _marker(str(i), colour, shape, size) for i, (_, colour, shape) in enumerate(classes)
    )
    return (
        f'<renderer-v2 type="categorizedSymbol" attr={quoteattr(field)} symbollevels="0" '
        f'enableorderby="0" forceraster="0"><categories>{categories}</categories>'
        f"<symbols>{symbols}</symbols></renderer-v2>"
    )


def _labels(field: str) -> str:
    return (
        '<labeling type="simple"><settings calloutType="simple">'
        f'<text-style fieldName={quoteattr(field)} fontSize="8" fontWeight="75" '
        'textColor="17,24,39,255" isExpression="0"/>'
        '<text-buffer bufferDraw="1" bufferSize="0.8" bufferColor="255,255,255,255"/>'
        '<placement placement="1" dist="1.5"/><rendering scaleVisibility="0"/>'
        "</settings></labeling>"
    )


def _temporal(start: str, end: str) -> str:
    # mode 2: each feature's start and end date-time from fields.
    return (
        f'<temporal enabled="1" mode="2" startField={quoteattr(start)} '
        f'endField={quoteattr(end)} durationField="" durationUnit="min" fixedDuration="0" '
        'accumulate="0" limitMode="0" startExpression="" endExpression=""/>'
    )


def _qml(renderer: str, extra: str = "", categories: str = "Symbology") -> str:
    return (
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>"
        f'<qgis version="{QGIS_VERSION}" styleCategories="{categories}">'
        f"{renderer}{extra}</qgis>"
    )


def layer_styles(labels: Labels) -> list[tuple[str, str, str]]:
    """``(layer, QML, description)`` for every layer of ``plan.gpkg``, legends and
    descriptions in the language of ``labels``."""
    return [
        (
            "participants",
            _qml(_categorised("status", PARTICIPANT_STATUS, 2.2, labels)),
            labels["style_participants"],
        ),
        (
            "mentors",
            _qml(
                _single(_marker("0", "245,158,11,255", "star", 5.0)) + _labels("mentor_id"),
                categories="Symbology|Labeling",
            ),
            labels["style_mentors"],
        ),
        (
            "assignment_lines",
            _qml(_single(_line("0", "107,114,128,255", 0.2, 0.6))),
            labels["style_assignment_lines"],
        ),
        (
            "routes",
            _qml(
                _single(_line("0", "15,118,110,255", 0.5, 0.8)) + _temporal("depart", "return"),
                categories="Symbology|Temporal",
            ),
            labels["style_routes"],
        ),
        (
            "sessions",
            _qml(
                _categorised("mode", SESSION_MODES, 2.6, labels) + _temporal("start", "end"),
                categories="Symbology|Temporal",
            ),
            labels["style_sessions"],
        ),
    ]
