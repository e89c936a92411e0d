"""Validation: text cells in, a trusted :class:`~tkm_assign.model.Problem` out.

One step checks both files completely and raises a single :class:`InputError` listing
every problem (file, spreadsheet row, column, value received, what was expected). Legal
but suspicious input is reported with :class:`InputWarning` and the run goes on. Every
person is placed on the map by one vectorised spatial join (province, regency, island);
points in the sea close to the coast are moved onto land.

Work is done per distinct cell value, not per row, so 300,000 participants validate in
seconds.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from tkm_assign import notify
from tkm_assign.config import Config
from tkm_assign.errors import InputError, InputProblem, InputWarning, shorten
from tkm_assign.geo.regions import (
    EARTH_RADIUS_KM,
    NOT_LOCATED,
    Geography,
    haversine_km,
    load_geography,
)
from tkm_assign.io import labels
from tkm_assign.io.labels import MAX_ID_CHARS, LabelError, RegionNames
from tkm_assign.io.read import (
    REQUIRED_COLUMNS,
    Kind,
    Source,
    Table,
    read_table,
    table_from_frame,
)
from tkm_assign.messages import MESSAGES, Message, Value, placeholders
from tkm_assign.model import (
    Location,
    Mentor,
    NeedLevel,
    Participant,
    ParticipantStatus,
    Problem,
    TechLiteracy,
    Transport,
)

log = logging.getLogger("tkm_assign")

# Indonesia's bounding box; a point outside it cannot be a participant or mentor.
INDONESIA_LAT = (-11.5, 6.5)
INDONESIA_LON = (94.5, 141.5)
SNAP_WARN_KM = 1.0  # points moved farther than this onto land are worth a look
FAR_MENTOR_KM = 200.0  # a mentor farther than this from every participant is suspicious
MAX_WARNINGS_PER_KIND = 20  # then one line counts the rest
PROGRAM_MONTHS_RANGE = (1, 24)  # same limits as programme.months
MAX_CASELOAD_RANGE = (0, 1000)
MAX_HOURS_PER_MONTH = 744.0  # 31 days x 24 h

T = TypeVar("T")
_BAD = object()  # marks a cell that failed to parse

# The settings validation reads (defaults of empty cells, allowed ranges, coast snapping):
# two configurations that agree on these read the same files into the same people.
READING_SETTINGS = (
    "travel.coast_snap_km",
    "sessions.min_per_month",
    "sessions.max_per_month",
    "caseload.max",
    "work.days",
)


def reading_settings(config: Config) -> dict[str, Any]:
    """The values of :data:`READING_SETTINGS` in ``config``, by dotted key.

    Validating the same files under two configurations with equal reading settings gives
    the same participants and mentors, so a grid of scenarios validates once per distinct
    value (:func:`tkm_assign.scenarios.grid.validate_scenarios`).
    """
    out = {}
    for key in READING_SETTINGS:
        section, name = key.split(".")
        out[key] = getattr(getattr(config, section), name)
    return out


def load_problem(participants_path: Source, mentors_path: Source, config: Config) -> Problem:
    """Read and validate both input files.

    Parameters
    ----------
    participants_path, mentors_path
        CSV, XLSX, GeoPackage or GeoJSON files in the documented input formats: paths, or
        :class:`~tkm_assign.io.read.Upload` files in memory.
    config
        The configuration the problem will be planned under (session range, default
        caseload and working days, coast snapping distance).

    Returns
    -------
    Problem
        Frozen participants and mentors, each placed in a province, regency and island.

    Raises
    ------
    InputError
        With every problem in both files (unreadable files included).
    """
    problems: list[InputProblem] = []
    tables: dict[Kind, Table | None] = {}
    paths: tuple[tuple[Kind, Source], ...] = (
        ("participants", participants_path),
        ("mentors", mentors_path),
    )
    for kind, path in paths:
        try:
            tables[kind] = read_table(path, kind)
        except InputError as error:
            problems.extend(error.problems)
            tables[kind] = None
    return problem_from_tables(tables["participants"], tables["mentors"], config, problems)


def load_participants(participants_path: Source, config: Config) -> Problem:
    """Read and validate a participants file alone: a problem without mentors.

    Used by capacity planning from scratch. Checks everything :func:`load_problem` checks
    in a participants file; mentor references (``current_mentor_id``, ``pinned_mentor_id``,
    ``excluded_mentor_ids``) cannot refer to anything without a mentors file and are
    ignored with a warning.

    Raises
    ------
    InputError
        With every problem in the file.
    """
    return participants_problem(read_table(participants_path, "participants"), config)


def participants_problem(table: Table, config: Config) -> Problem:
    """:func:`load_participants` for a participants file already read.

    Parameters
    ----------
    table
        ``read_table(path_or_upload, "participants")``.
    config
        As in :func:`load_problem`.

    Returns
    -------
    Problem
        The participants, no mentors.

    Raises
    ------
    InputError
        With every problem in the file.
    """
    references = [
        c
        for c in ("current_mentor_id", "pinned_mentor_id", "excluded_mentor_ids")
        if c in table.frame.columns and (table.frame[c].astype(str).str.strip() != "").any()
    ]
    frame = table.frame.drop(columns=references)
    geography = load_geography()
    names = RegionNames.of(
        zip(
            geography.provinces["province_code"], geography.provinces["province_name"], strict=True
        ),
        zip(geography.regencies["regency_code"], geography.regencies["regency_name"], strict=True),
    )
    notes = _Notes()
    for column in references:
        notes.add(
            Message.of("warning.mentor_references_ignored", source=table.source, column=column)
        )
    sheet = _Sheet(dataclasses.replace(table, frame=frame), notes)
    fields = _participant_fields(sheet, config, geography, names)
    if sheet.problems:
        notes.emit()
        raise InputError(sorted(sheet.problems, key=_problem_order))
    problem = Problem(
        participants=_build_participants(fields),
        mentors=(),
        config=config,
        participants_source=table.source,
        mentors_source="",
    )
    notes.emit()
    return problem


def problem_from_frames(
    participants_df: pd.DataFrame,
    mentors_df: pd.DataFrame,
    config: Config,
    participants_source: str = "participants.csv",
    mentors_source: str = "mentors.csv",
) -> Problem:
    """Validate frames built in memory (generator, benchmarks, scenario runs, tests).

    Columns follow the input formats (aliases accepted); cells may be text or numbers.
    Rows are numbered from 2 in messages, as in a spreadsheet, unless the index is named
    ``row``. See :func:`load_problem` for the result and errors.
    """
    return problem_from_tables(
        table_from_frame(participants_df, participants_source, "participants"),
        table_from_frame(mentors_df, mentors_source, "mentors"),
        config,
    )


def problem_from_tables(
    participants: Table | None,
    mentors: Table | None,
    config: Config,
    problems: Sequence[InputProblem] = (),
) -> Problem:
    """The one validation step behind :func:`load_problem` and :func:`problem_from_frames`.

    ``None`` stands for a file that could not be read (its problems are in ``problems``);
    the other file is still checked completely.
    """
    geography = load_geography()
    names = RegionNames.of(
        zip(
            geography.provinces["province_code"], geography.provinces["province_name"], strict=True
        ),
        zip(geography.regencies["regency_code"], geography.regencies["regency_name"], strict=True),
    )
    found = list(problems)
    notes = _Notes()
    p_sheet = _Sheet(participants, notes) if participants is not None else None
    m_sheet = _Sheet(mentors, notes) if mentors is not None else None
    p_fields = _participant_fields(p_sheet, config, geography, names) if p_sheet else None
    m_fields = _mentor_fields(m_sheet, config, geography, names) if m_sheet else None
    if p_sheet and p_fields and m_sheet and m_fields:
        _check_mentor_references(p_sheet, p_fields, m_fields)
    for sheet in (p_sheet, m_sheet):
        if sheet is not None:
            found.extend(sorted(sheet.problems, key=_problem_order))
    if found:
        notes.emit()
        raise InputError(found)
    assert p_fields is not None and m_fields is not None  # no problems: both were read
    problem = Problem(
        participants=_build_participants(p_fields),
        mentors=_build_mentors(m_fields),
        config=config,
        participants_source=participants.source if participants else "participants",
        mentors_source=mentors.source if mentors else "mentors",
    )
    _warn_about_coverage(problem, geography, notes)
    notes.emit()
    log.debug(
        "validated %d participants and %d mentors", len(problem.participants), len(problem.mentors)
    )
    return problem


def _problem_order(problem: InputProblem) -> int:
    return -1 if problem.row is None else problem.row


class _Notes:
    """Warnings grouped by code; more than a screenful of one code is counted, not listed."""

    def __init__(self) -> None:
        self.by_code: dict[str, list[Message]] = {}

    def add(self, message: Message) -> None:
        self.by_code.setdefault(message.code, []).append(message)

    def emit(self) -> None:
        for code, messages in self.by_code.items():
            for message in messages[:MAX_WARNINGS_PER_KIND]:
                notify.warn(message, InputWarning)
            if len(messages) > MAX_WARNINGS_PER_KIND:
                rest = len(messages) - MAX_WARNINGS_PER_KIND
                kind_code = code.replace("warning.", "warning.kind.", 1)
                needed = placeholders(MESSAGES[kind_code])
                kind = Message.of(kind_code, **{k: v for k, v in messages[0].values if k in needed})
                notify.warn(Message.of("warning.more_rows", count=rest, kind=kind), InputWarning)
        self.by_code.clear()


class _Sheet:
    """One input table under validation: text by column, parsing that records problems."""

    def __init__(self, table: Table, notes: _Notes) -> None:
        self.table = table
        self.source = table.source
        self.kind = table.kind
        self.notes = notes
        self.rows: npt.NDArray[np.int64] = table.frame.index.to_numpy(dtype=np.int64)
        self.n = len(self.rows)
        self.ok = np.ones(self.n, dtype=bool)
        self.problems: list[InputProblem] = list(table.problems)
        for warning in table.warnings:
            notes.add(warning)
        if table.unknown_columns:
            notes.add(
                Message.of(
                    "warning.unknown_columns",
                    source=self.source,
                    columns=", ".join(table.unknown_columns),
                    kind=self.kind,
                )
            )
        if self.n == 0 and not self.problems:
            self.problems.append(
                InputProblem(self.source, None, None, None, Message.of("input.no_data_rows"))
            )
        self.missing_required = [
            c for c in REQUIRED_COLUMNS[self.kind] if c not in table.frame.columns
        ]
        for column in self.missing_required:
            point = column in ("latitude", "longitude")
            found = ", ".join(str(c) for c in table.frame.columns)
            self.problems.append(
                InputProblem(
                    self.source,
                    table.header_row,
                    column,
                    None,
                    Message.of(
                        "input.required_point" if point else "input.required_column", found=found
                    ),
                )
            )

    def has(self, column: str) -> bool:
        return column in self.table.frame.columns

    def text(self, column: str) -> npt.NDArray[np.object_]:
        if not self.has(column):
            return np.full(self.n, "", dtype=object)
        return self.table.frame[column].to_numpy(dtype=object)

    def add(
        self, i: int | np.integer[Any], column: str | None, value: str | None, expected: Message
    ) -> None:
        self.ok[i] = False
        self.problems.append(InputProblem(self.source, int(self.rows[i]), column, value, expected))

    def warn(
        self, code: str, i: int | np.integer[Any], column: str, value: str, **values: Value
    ) -> None:
        """A warning about one cell: ``code`` with the file, row, column and value."""
        self.notes.add(
            Message.of(
                code,
                source=self.source,
                row=int(self.rows[i]),
                column=column,
                value=shorten(value),  # a pasted document is not repeated whole
                **values,
            )
        )

    def free_text(self, column: str) -> npt.NDArray[np.object_]:
        """Free text (names, villages) with control characters replaced, each with a warning.

        The warning never repeats the text: it may be personal.
        """
        values = self.text(column)
        if not self.has(column):
            return values
        cleaned = values.copy()
        for i, value in enumerate(values.tolist()):
            hidden = [] if str(value).isprintable() else labels.control_characters(str(value))
            if hidden:
                cleaned[i] = labels.clean_text(str(value))
                self.notes.add(
                    Message.of(
                        "warning.control_characters_removed",
                        source=self.source,
                        row=int(self.rows[i]),
                        column=column,
                        characters=", ".join(hidden),
                    )
                )
        return cleaned

    def parse(
        self,
        column: str,
        parser: Callable[[str], T],
        default: T,
        required: Message | None = None,
    ) -> list[T]:
        """Parse every cell of ``column`` (each distinct text once).

        Empty cells get ``default``, or a problem saying ``required`` when given. Cells that
        fail get a problem and a placeholder; callers only use values when nothing failed.
        """
        values = self.text(column)
        codes, uniques = pd.factorize(values)
        parsed: list[Any] = []
        errors: dict[int, Message] = {}
        for code, text in enumerate(uniques):
            if text == "":
                parsed.append(default)
                if required is not None:
                    errors[code] = required
                continue
            try:
                parsed.append(parser(str(text)))
            except LabelError as error:
                parsed.append(_BAD)
                errors[code] = error.expected
        if errors and self.has(column):
            for i in np.flatnonzero(np.isin(codes, list(errors))):
                text = str(values[i])
                self.add(i, column, text or None, errors[int(codes[i])])
        return [parsed[c] for c in codes]

    def phones(self, column: str = "phone") -> list[str]:
        """Phone numbers as ``+62...`` (``""`` where empty); a problem for each bad cell.

        The problem names file, row and column but not the number: it is personal data.
        """
        values = self.text(column)
        found = [""] * self.n
        for i, text in enumerate(values.tolist()):
            if not str(text).strip():
                continue
            try:
                found[i] = labels.phone(str(text))
            except LabelError as error:
                self.add(i, column, None, Message.of("input.phone_hidden", expected=error.expected))
        return found

    def ids(self, column: str, what: str) -> npt.NDArray[np.object_]:
        """Unique, non-empty, short ids of visible characters; problems for the others."""
        values = np.array([str(v).strip() for v in self.text(column)], dtype=object)
        if not self.has(column):
            return values
        for i in np.flatnonzero(values == ""):
            self.add(
                i, column, None, Message.of("input.id_empty", what=Message.of(what), column=column)
            )
        for k, value in enumerate(values.tolist()):
            # isprintable (fast, in C) is False for every character the pattern finds.
            hidden = [] if value.isprintable() else labels.control_characters(value, in_id=True)
            if hidden:
                self.add(
                    k, column, value, Message.of("input.id_control", characters=", ".join(hidden))
                )
            elif len(value) > MAX_ID_CHARS:
                self.add(
                    k,
                    column,
                    value,
                    Message.of("input.id_long", length=f"{len(value):,}", limit=MAX_ID_CHARS),
                )
        series = pd.Series(values)
        repeated = np.flatnonzero(series.duplicated(keep="first").to_numpy() & (values != ""))
        if repeated.size:
            first_row = dict(zip(values[::-1], self.rows[::-1], strict=True))
            for i in repeated:
                self.add(
                    i,
                    column,
                    str(values[i]),
                    Message.of("input.id_repeated", column=column, first=int(first_row[values[i]])),
                )
        return values


@dataclass
class _Where:
    """Validated and located coordinates of one sheet (positions parallel to rows)."""

    latitude: npt.NDArray[np.float64]
    longitude: npt.NDArray[np.float64]
    province_code: npt.NDArray[np.str_]
    regency_code: npt.NDArray[np.str_]
    island_id: npt.NDArray[np.int32]
    snapped_km: npt.NDArray[np.float64]

    def locations(self) -> list[Location]:
        # Plain Python values (tolist) keep 300,000 constructions fast.
        return [
            Location(lat, lon, province, regency, island, snapped)
            for lat, lon, province, regency, island, snapped in zip(
                self.latitude.tolist(),
                self.longitude.tolist(),
                self.province_code.tolist(),
                self.regency_code.tolist(),
                self.island_id.tolist(),
                np.round(self.snapped_km, 3).tolist(),
                strict=True,
            )
        ]


def _coordinates(sheet: _Sheet, config: Config, geography: Geography) -> _Where | None:
    """Numbers, ranges, Indonesia's box, then the spatial join (points in the sea fail)."""
    if not (sheet.has("latitude") and sheet.has("longitude")):
        return None
    start_ok = sheet.ok.copy()
    lat_text, lon_text = sheet.text("latitude"), sheet.text("longitude")
    lat = _number_column(sheet, "latitude", Message.of("input.expect.latitude"))
    lon = _number_column(sheet, "longitude", Message.of("input.expect.longitude"))
    numeric = np.isfinite(lat) & np.isfinite(lon)
    lat_range = np.abs(lat) <= 90
    lon_range = np.abs(lon) <= 180
    in_box = _in_indonesia(lat, lon)
    swapped = _in_indonesia(lon, lat)
    for i in np.flatnonzero(numeric & ~(lat_range & lon_range & in_box)):
        hint = "_swapped" if swapped[i] else ""
        if not lat_range[i]:
            sheet.add(i, "latitude", str(lat_text[i]), Message.of(f"input.latitude_range{hint}"))
        elif not lon_range[i]:
            sheet.add(i, "longitude", str(lon_text[i]), Message.of(f"input.longitude_range{hint}"))
        else:
            sheet.add(
                i,
                "latitude, longitude",
                f"{lat_text[i]}, {lon_text[i]}",
                Message.of(f"input.outside_indonesia{hint}"),
            )
    placeable = numeric & lat_range & lon_range & in_box
    where = _Where(
        latitude=lat.copy(),
        longitude=lon.copy(),
        province_code=np.full(sheet.n, "", dtype="<U2"),
        regency_code=np.full(sheet.n, "", dtype="<U4"),
        island_id=np.full(sheet.n, NOT_LOCATED, dtype=np.int32),
        snapped_km=np.zeros(sheet.n),
    )
    idx = np.flatnonzero(placeable)
    if idx.size == 0:
        return where
    snap_km = config.travel.coast_snap_km
    found = geography.locate(lat[idx], lon[idx], snap_km=snap_km)
    where.latitude[idx] = found.latitude
    where.longitude[idx] = found.longitude
    where.province_code[idx] = found.province_code
    where.regency_code[idx] = found.regency_code
    where.island_id[idx] = found.island_id
    where.snapped_km[idx] = found.snapped_km
    at_sea = idx[found.island_id == NOT_LOCATED]
    if at_sea.size:
        land_km = _distance_to_land_km(geography, lat[at_sea], lon[at_sea])
        for i, km in zip(at_sea, land_km, strict=True):
            sheet.add(
                int(i),
                "latitude, longitude",
                f"{lat_text[i]}, {lon_text[i]}",
                Message.of("input.at_sea", km=f"{km:.0f}", snap_km=f"{snap_km:g}"),
            )
    for i in idx[found.snapped_km > SNAP_WARN_KM]:
        if start_ok[i]:
            sheet.warn(
                "warning.point_moved_onto_land",
                int(i),
                "latitude, longitude",
                f"{lat_text[i]}, {lon_text[i]}",
                km=float(where.snapped_km[i]),
            )
    return where


def _in_indonesia(
    lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64]
) -> npt.NDArray[np.bool_]:
    with np.errstate(invalid="ignore"):
        return (
            (lat >= INDONESIA_LAT[0])
            & (lat <= INDONESIA_LAT[1])
            & (lon >= INDONESIA_LON[0])
            & (lon <= INDONESIA_LON[1])
        )


def _number_column(sheet: _Sheet, column: str, expected: Message) -> npt.NDArray[np.float64]:
    required = Message.of("input.empty_expected", expected=expected)
    values = sheet.parse(column, labels.number, np.nan, required=required)
    return np.array([v if isinstance(v, float) else np.nan for v in values], dtype=np.float64)


def _distance_to_land_km(
    geography: Geography, lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    polygons = geography.regencies.geometry.values
    points = shapely.points(lon, lat)
    _, nearest = shapely.STRtree(polygons).query_nearest(points, all_matches=False)
    ends = shapely.get_coordinates(shapely.shortest_line(polygons[nearest], points))
    return np.asarray(haversine_km(lat, lon, ends[0::2, 1], ends[0::2, 0]))


def _check_given_regions(
    sheet: _Sheet, where: _Where, names: RegionNames, geography: Geography
) -> None:
    """Given province/regency names that contradict the coordinates are warnings."""
    province_names = dict(
        zip(geography.provinces["province_code"], geography.provinces["province_name"], strict=True)
    )
    regency_names = dict(
        zip(geography.regencies["regency_code"], geography.regencies["regency_name"], strict=True)
    )
    placed = sheet.ok & (where.island_id != NOT_LOCATED)
    for column, lookup in (("province", names.province), ("regency", names.regency)):
        if not sheet.has(column):
            continue
        values = sheet.text(column)
        codes, uniques = pd.factorize(values)
        meaning: list[frozenset[str] | None] = []
        for text in uniques:
            try:
                found = lookup(str(text)) if text else None
            except LabelError:
                found = None
            meaning.append(frozenset({found}) if isinstance(found, str) else found)
        located = where.province_code if column == "province" else where.regency_code
        for i in np.flatnonzero(placed & (values != "")):
            codes_given = meaning[codes[i]]
            here = str(located[i])
            place = (
                province_names.get(here, here)
                if column == "province"
                else regency_names.get(here, here)
            )
            if codes_given is None:
                sheet.warn(
                    "warning.region_name_unknown", int(i), column, str(values[i]), place=place
                )
            elif here not in codes_given:
                sheet.warn(
                    "warning.region_name_contradicts", int(i), column, str(values[i]), place=place
                )


@dataclass
class _ParticipantFields:
    ids: npt.NDArray[np.object_]
    rows: npt.NDArray[np.int64]
    names: npt.NDArray[np.object_]
    villages: npt.NDArray[np.object_]
    phones: list[str]
    where: _Where | None
    sector: list[Any]
    tech_literacy: list[Any]
    internet: list[Any]
    income_role: list[Any]
    need_level: list[Any]
    sessions_per_month: list[Any]
    program_months: list[Any]
    current: npt.NDArray[np.object_]
    pinned: npt.NDArray[np.object_]
    excluded: list[Any]
    status: list[Any]
    status_date: list[Any]
    start_date: list[Any]


@dataclass
class _MentorFields:
    ids: npt.NDArray[np.object_]
    rows: npt.NDArray[np.int64]
    names: npt.NDArray[np.object_]
    phones: list[str]
    where: _Where | None
    sectors: list[Any]
    certified: list[Any]
    max_caseload: list[Any]
    hours_per_month: list[Any]
    transport: list[Any]
    working_days: list[Any]
    unavailable: list[Any]
    active_until: list[Any]
    source: str
    id_set: frozenset[str] = field(default_factory=frozenset)


def _participant_fields(
    sheet: _Sheet, config: Config, geography: Geography, names: RegionNames
) -> _ParticipantFields:
    ids = sheet.ids("participant_id", "input.what.participant")
    where = _coordinates(sheet, config, geography)
    if where is not None:
        _check_given_regions(sheet, where, names, geography)
    sessions = config.sessions
    low, high = sessions.min_per_month, sessions.max_per_month
    fields = _ParticipantFields(
        ids=ids,
        rows=sheet.rows,
        names=sheet.free_text("name"),
        villages=sheet.free_text("village"),
        phones=sheet.phones(),
        where=where,
        sector=sheet.parse(
            "sector",
            labels.sector,
            None,
            required=Message.of("input.empty_expected", expected=Message.of("input.expect.sector")),
        ),
        tech_literacy=sheet.parse("tech_literacy", labels.tech_literacy, TechLiteracy.ADEQUATE),
        internet=sheet.parse("internet", labels.boolean, True),
        income_role=sheet.parse("income_role", labels.income_role, None),
        need_level=sheet.parse("need_level", labels.need_level, NeedLevel.MEDIUM),
        sessions_per_month=sheet.parse(
            "sessions_per_month",
            _whole_in_range(low, high, "input.range.sessions"),
            None,
        ),
        program_months=sheet.parse(
            "program_months", _whole_in_range(*PROGRAM_MONTHS_RANGE, "input.range.months"), None
        ),
        current=np.array([str(v).strip() for v in sheet.text("current_mentor_id")], dtype=object),
        pinned=np.array([str(v).strip() for v in sheet.text("pinned_mentor_id")], dtype=object),
        excluded=sheet.parse("excluded_mentor_ids", labels.id_list, frozenset()),
        status=sheet.parse("status", labels.participant_status, ParticipantStatus.ACTIVE),
        status_date=sheet.parse("status_date", labels.date, None),
        start_date=sheet.parse("start_date", labels.date, None),
    )
    undated = [
        k
        for k, (s, d) in enumerate(zip(fields.status, fields.status_date, strict=True))
        if s is ParticipantStatus.WITHDRAWN and d is None
    ]
    for k in undated:
        sheet.add(k, "status_date", None, Message.of("input.withdrawn_undated"))
    for i in range(sheet.n):
        pinned = fields.pinned[i]
        excluded = fields.excluded[i]
        if pinned and isinstance(excluded, frozenset) and pinned in excluded:
            sheet.add(i, "pinned_mentor_id", str(pinned), Message.of("input.pinned_excluded"))
    return fields


def _mentor_fields(
    sheet: _Sheet, config: Config, geography: Geography, names: RegionNames
) -> _MentorFields:
    ids = sheet.ids("mentor_id", "input.what.mentor")
    where = _coordinates(sheet, config, geography)
    if where is not None:
        _check_given_regions(sheet, where, names, geography)
    return _MentorFields(
        ids=ids,
        rows=sheet.rows,
        names=sheet.free_text("name"),
        phones=sheet.phones(),
        where=where,
        sectors=sheet.parse(
            "sectors",
            labels.sectors,
            frozenset(),
            required=Message.of(
                "input.empty_expected", expected=Message.of("input.expect.sectors")
            ),
        ),
        certified=sheet.parse("certified", labels.boolean, None),
        max_caseload=sheet.parse(
            "max_caseload",
            _whole_in_range(*MAX_CASELOAD_RANGE, "input.range.participants"),
            config.caseload.max,
        ),
        hours_per_month=sheet.parse("hours_per_month", _hours, None),
        transport=sheet.parse("transport", labels.transport, Transport.MOTORCYCLE),
        working_days=sheet.parse("working_days", labels.working_days, config.work.weekdays),
        unavailable=sheet.parse("unavailable", labels.date_ranges, ()),
        active_until=sheet.parse("active_until", labels.date, None),
        source=sheet.source,
        id_set=frozenset(str(v) for v in ids if v),
    )


def _whole_in_range(low: int, high: int, what: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        value = labels.whole_number(text)
        if not low <= value <= high:
            raise LabelError(
                Message.of("input.whole_range", low=low, high=high, what=Message.of(what))
            )
        return value

    return parse


def _hours(text: str) -> float:
    value = labels.number(text)
    if not 0 < value <= MAX_HOURS_PER_MONTH:
        raise LabelError(Message.of("input.hours_range", high=f"{MAX_HOURS_PER_MONTH:g}"))
    return value


def _check_mentor_references(
    sheet: _Sheet, fields: _ParticipantFields, mentors: _MentorFields
) -> None:
    """current/pinned/excluded mentor ids must name mentors in the mentors file."""
    known = mentors.id_set
    for column, values in (
        ("current_mentor_id", fields.current),
        ("pinned_mentor_id", fields.pinned),
    ):
        missing = np.array([v != "" and v not in known for v in values], dtype=bool)
        for i in np.flatnonzero(missing):
            sheet.add(
                int(i),
                column,
                str(values[i]),
                Message.of("input.not_mentor_id", source=mentors.source),
            )
    for row, excluded in enumerate(fields.excluded):
        if isinstance(excluded, frozenset):
            unknown = sorted(excluded - known)
            if unknown:
                sheet.add(
                    row,
                    "excluded_mentor_ids",
                    ";".join(unknown),
                    Message.of(
                        "input.not_mentor_id" if len(unknown) == 1 else "input.not_mentor_ids",
                        source=mentors.source,
                    ),
                )


def _build_participants(fields: _ParticipantFields) -> tuple[Participant, ...]:
    assert fields.where is not None
    locations = fields.where.locations()
    return tuple(
        Participant(
            participant_id=str(fields.ids[i]),
            name=str(fields.names[i]),
            location=locations[i],
            sector=fields.sector[i],
            tech_literacy=fields.tech_literacy[i],
            internet=fields.internet[i],
            income_role=fields.income_role[i],
            need_level=fields.need_level[i],
            sessions_per_month=fields.sessions_per_month[i],
            program_months=fields.program_months[i],
            current_mentor_id=str(fields.current[i]) or None,
            pinned_mentor_id=str(fields.pinned[i]) or None,
            excluded_mentor_ids=fields.excluded[i],
            village=str(fields.villages[i]),
            phone=fields.phones[i],
            row=int(fields.rows[i]),
            status=fields.status[i],
            status_date=fields.status_date[i],
            start_date=fields.start_date[i],
        )
        for i in range(len(fields.ids))
    )


def _build_mentors(fields: _MentorFields) -> tuple[Mentor, ...]:
    assert fields.where is not None
    locations = fields.where.locations()
    return tuple(
        Mentor(
            mentor_id=str(fields.ids[i]),
            name=str(fields.names[i]),
            location=locations[i],
            sectors=fields.sectors[i],
            certified=fields.certified[i],
            max_caseload=fields.max_caseload[i],
            hours_per_month=fields.hours_per_month[i],
            transport=fields.transport[i],
            working_days=fields.working_days[i],
            unavailable=fields.unavailable[i],
            phone=fields.phones[i],
            row=int(fields.rows[i]),
            active_until=fields.active_until[i],
        )
        for i in range(len(fields.ids))
    )


def _warn_about_coverage(problem: Problem, geography: Geography, notes: _Notes) -> None:
    """Provinces with participants but no mentor; mentors far from every participant."""
    with_mentors = {m.location.province_code for m in problem.mentors}
    counts: dict[str, int] = {}
    for p in problem.participants:
        counts[p.location.province_code] = counts.get(p.location.province_code, 0) + 1
    for code in sorted(set(counts) - with_mentors):
        notes.add(
            Message.of(
                "warning.province_without_mentor",
                source=problem.participants_source,
                count=counts[code],
                province=geography.province_name(code),
            )
        )
    if not problem.participants or not problem.mentors:
        return
    nearest_km = _nearest_km(problem.mentor_lat_lon, problem.participant_lat_lon)
    for mentor, km in zip(problem.mentors, nearest_km, strict=True):
        if km > FAR_MENTOR_KM:
            notes.add(
                Message.of(
                    "warning.mentor_far_from_participants",
                    source=problem.mentors_source,
                    row=mentor.row,
                    mentor_id=mentor.mentor_id,
                    km=float(km),
                )
            )


def _nearest_km(
    points: npt.NDArray[np.float64], targets: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Great-circle km from each point to the nearest target (both (n, 2) degrees).

    Nearest by straight chord between unit vectors, which orders like great-circle distance.
    """
    # Imported here: every process that writes outputs imports this module, few call this.
    from scipy.spatial import cKDTree

    chord, _ = cKDTree(_unit_vectors(targets)).query(_unit_vectors(points), k=1)
    return np.asarray(2 * EARTH_RADIUS_KM * np.arcsin(np.clip(chord / 2, 0.0, 1.0)))


def _unit_vectors(lat_lon: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    lat, lon = np.radians(lat_lon[:, 0]), np.radians(lat_lon[:, 1])
    return np.c_[np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)]
