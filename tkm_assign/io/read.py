"""Readers: a participants or mentors file becomes a frame of text cells.

CSV (comma, semicolon or tab, or the one Excel's ``sep=`` first line names; UTF-8 with or
without BOM), XLSX (the first worksheet, or a sheet named ``participants``/``peserta`` or
``mentors``/``pendamping``; chart sheets are skipped) and GeoPackage/GeoJSON/Shapefile (a
point geometry gives latitude and longitude) are accepted. A CSV cell that tkm_assign
neutralised against formula injection (``'=...``) reads back as written. Nothing is
interpreted here beyond text: every cell is a ``str`` (``""`` when empty), header names
are normalised and Indonesian aliases mapped to the column names of the input format.
The frame's index, named ``row``, is the row a spreadsheet shows (header = row 1); for
GeoPackage/GeoJSON features it counts the same way (first feature = row 2).

Problems that make a file unreadable raise :class:`InputError`; problems confined to
rows (a row with more cells than the header, a polygon instead of a point) are returned in
:attr:`Table.problems` so that validation can report them together with everything else,
and suspicious cells (an XLSX formula without a saved result) in :attr:`Table.warnings`.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import math
import re
import unicodedata
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Literal, NoReturn

import numpy as np
import numpy.typing as npt
import pandas as pd

from tkm_assign.errors import InputError, InputProblem
from tkm_assign.io.output import restore_cell
from tkm_assign.messages import Message

# GDAL names a GeoPackage read from memory /vsimem/pyogrio_<id> (no .gpkg extension) and
# warns about that name, not about the file; uploads are read that way.
warnings.filterwarnings(
    "ignore", r".*has GPKG application_id, but non conformant file extension", RuntimeWarning
)

Kind = Literal["participants", "mentors", "assignments", "schedule", "logbook", "outcomes"]
# Plan files (an assignment or a schedule, e.g. typed into Excel) keep their header text:
# the audit maps column names and workbook labels in either language itself.
PLAN_KINDS = ("assignments", "schedule")

# The planning columns of each file, then the changes since the plan that a coordinator adds
# while the programme runs (read by progress, replan and simulate).
PLAN_PARTICIPANT_COLUMNS = (
    "participant_id",
    "name",
    "latitude",
    "longitude",
    "province",
    "regency",
    "village",
    "phone",
    "sector",
    "tech_literacy",
    "internet",
    "income_role",
    "need_level",
    "sessions_per_month",
    "program_months",
    "current_mentor_id",
    "pinned_mentor_id",
    "excluded_mentor_ids",
)
PARTICIPANT_CHANGE_COLUMNS = ("status", "status_date", "start_date")
PARTICIPANT_COLUMNS = PLAN_PARTICIPANT_COLUMNS + PARTICIPANT_CHANGE_COLUMNS
PLAN_MENTOR_COLUMNS = (
    "mentor_id",
    "name",
    "latitude",
    "longitude",
    "province",
    "sectors",
    "certified",
    "max_caseload",
    "hours_per_month",
    "transport",
    "working_days",
    "unavailable",
    "phone",
)
MENTOR_CHANGE_COLUMNS = ("active_until",)
MENTOR_COLUMNS = PLAN_MENTOR_COLUMNS + MENTOR_CHANGE_COLUMNS
# The mentoring logbook: one row per session held (onsite visit, WhatsApp, Zoom, phone).
LOGBOOK_COLUMNS = (
    "date",
    "participant_id",
    "mentor_id",
    "mode",
    "duration_min",
    "start",
    "session_id",
    "notes",
)
# Success indicators per participant, at baseline and at the end of the programme.
OUTCOME_COLUMNS = (
    "participant_id",
    "turnover_baseline_idr",
    "turnover_end_idr",
    "records_baseline",
    "records_end",
    "workers_baseline",
    "workers_end",
)
REQUIRED_COLUMNS: Mapping[Kind, tuple[str, ...]] = {
    "participants": ("participant_id", "latitude", "longitude", "sector"),
    "mentors": ("mentor_id", "latitude", "longitude", "sectors"),
    "logbook": ("date", "participant_id", "mentor_id", "mode"),
    "outcomes": ("participant_id",),
}

_COMMON_ALIASES = {
    "latitude": ("lat", "lintang", "y"),
    "longitude": ("lon", "lng", "long", "bujur", "x"),
    "province": ("provinsi", "prov", "propinsi"),
    "phone": (
        "no_hp",
        "nomor_hp",
        "no_telp",
        "no_telepon",
        "nomor_telepon",
        "telepon",
        "telp",
        "hp",
        "handphone",
        "ponsel",
        "whatsapp",
        "no_wa",
        "nomor_wa",
        "no_hp_wa",
        "nomor_hp_wa",
        "no_whatsapp",
        "nomor_whatsapp",
        "wa",
        "phone_number",
        "mobile",
    ),
}
PARTICIPANT_ALIASES: Mapping[str, tuple[str, ...]] = {
    **_COMMON_ALIASES,
    "participant_id": ("id", "id_peserta", "peserta_id", "kode_peserta", "no_peserta"),
    "name": ("nama", "nama_peserta"),
    "regency": ("kabupaten", "kota", "kabupaten_kota", "kab_kota", "kabkota", "regency_city"),
    "village": ("desa", "kelurahan", "desa_kelurahan"),
    "sector": ("sektor", "sektor_usaha", "bidang_usaha"),
    "tech_literacy": ("literasi_teknologi", "literasi_digital", "literacy"),
    "internet": ("akses_internet",),
    "income_role": ("peran_pendapatan", "sumber_pendapatan"),
    "need_level": ("kebutuhan", "tingkat_kebutuhan", "need"),
    "sessions_per_month": ("sesi_per_bulan",),
    "program_months": ("programme_months", "lama_program", "bulan_program"),
    "current_mentor_id": ("pendamping_saat_ini", "id_pendamping_saat_ini", "current_mentor"),
    "pinned_mentor_id": ("pendamping_tetap", "id_pendamping_tetap", "pinned_mentor"),
    "excluded_mentor_ids": (
        "pendamping_dikecualikan",
        "id_pendamping_dikecualikan",
        "excluded_mentors",
    ),
    "status": ("status_peserta", "keaktifan", "status_keaktifan"),
    "status_date": ("tanggal_status", "tgl_status", "tanggal_keluar", "tgl_keluar"),
    "start_date": ("tanggal_mulai", "tgl_mulai", "tanggal_bergabung", "tgl_bergabung", "mulai"),
}
MENTOR_ALIASES: Mapping[str, tuple[str, ...]] = {
    **_COMMON_ALIASES,
    "mentor_id": ("id", "id_pendamping", "pendamping_id", "kode_pendamping"),
    "name": ("nama", "nama_pendamping"),
    "sectors": ("sector", "sektor", "keahlian", "sektor_keahlian", "bidang_keahlian"),
    "certified": ("bersertifikat", "sertifikasi", "tersertifikasi"),
    "max_caseload": ("kapasitas", "kuota", "maks_peserta", "beban_maksimal"),
    "hours_per_month": ("jam_per_bulan",),
    "transport": ("transportasi", "kendaraan", "moda"),
    "working_days": ("hari_kerja",),
    "unavailable": ("tidak_tersedia", "cuti"),
    "active_until": ("aktif_sampai", "aktif_hingga", "tanggal_berhenti", "tgl_berhenti"),
}
LOGBOOK_ALIASES: Mapping[str, tuple[str, ...]] = {
    "date": ("tanggal", "tgl", "tanggal_sesi", "tanggal_pendampingan", "tanggal_kunjungan"),
    "participant_id": ("id_peserta", "peserta_id", "kode_peserta", "no_peserta", "peserta"),
    "mentor_id": ("id_pendamping", "pendamping_id", "kode_pendamping", "pendamping"),
    "mode": ("moda", "cara", "jenis", "jenis_sesi", "metode", "bentuk", "bentuk_sesi"),
    "duration_min": ("durasi", "durasi_menit", "lama", "lama_menit", "duration", "menit"),
    "start": ("mulai", "jam_mulai", "waktu_mulai", "jam", "start_time", "waktu"),
    "session_id": ("id_sesi", "kode_sesi", "sesi_id", "no_sesi"),
    "notes": ("catatan", "keterangan", "note", "uraian", "hasil_pendampingan"),
}
OUTCOME_ALIASES: Mapping[str, tuple[str, ...]] = {
    "participant_id": ("id", "id_peserta", "peserta_id", "kode_peserta", "no_peserta"),
    "turnover_baseline_idr": ("omzet_awal", "omset_awal", "turnover_baseline"),
    "turnover_end_idr": ("omzet_akhir", "omset_akhir", "turnover_end"),
    "records_baseline": ("pembukuan_awal", "catatan_keuangan_awal", "records_at_baseline"),
    "records_end": ("pembukuan_akhir", "catatan_keuangan_akhir", "records_at_end"),
    "workers_baseline": ("tenaga_kerja_awal", "pekerja_awal", "karyawan_awal"),
    "workers_end": ("tenaga_kerja_akhir", "pekerja_akhir", "karyawan_akhir"),
}
# Each input format: its columns and the aliases of their headers.
FORMATS: Mapping[Kind, tuple[tuple[str, ...], Mapping[str, tuple[str, ...]]]] = {
    "participants": (PARTICIPANT_COLUMNS, PARTICIPANT_ALIASES),
    "mentors": (MENTOR_COLUMNS, MENTOR_ALIASES),
    "logbook": (LOGBOOK_COLUMNS, LOGBOOK_ALIASES),
    "outcomes": (OUTCOME_COLUMNS, OUTCOME_ALIASES),
}
SHEET_NAMES: Mapping[Kind, tuple[str, ...]] = {
    "participants": ("participants", "peserta"),
    "mentors": ("mentors", "pendamping"),
    "assignments": ("assignments", "penugasan"),
    "schedule": ("schedule", "jadwal"),
    "logbook": ("logbook", "log_book", "buku_log", "log", "catatan_pendampingan"),
    "outcomes": ("outcomes", "hasil", "capaian", "indikator"),
}
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
GEO_SUFFIXES = (".gpkg", ".geojson", ".json", ".shp")
RESAVE_HINT = Message.of("input.resave_hint")


@dataclass(frozen=True)
class Table:
    """A file's content as text cells, with the name used in messages.

    ``frame`` has one column per known input column found (canonical names) plus any
    unknown columns (normalised names); its index ``row`` is the spreadsheet row.
    ``problems`` lists row-level reading problems (those rows are left out of ``frame``).
    """

    frame: pd.DataFrame
    source: str
    kind: Kind
    problems: tuple[InputProblem, ...] = ()
    unknown_columns: tuple[str, ...] = ()
    header_row: int = 1
    warnings: tuple[Message, ...] = ()


@dataclass(frozen=True)
class Upload:
    """A file received in memory, e.g. from a browser: the name it was sent with and its bytes.

    The name only chooses the reader (by its extension) and names the file in messages; it
    is never used as a path, and the bytes are never written to disk.
    """

    name: str
    data: bytes = field(repr=False)

    @property
    def source(self) -> str:
        """The name without any folder part, as shown in messages."""
        return self.name.replace("\\", "/").rsplit("/", 1)[-1] or "upload"

    @property
    def suffix(self) -> str:
        return Path(self.source).suffix.lower()


Source = str | Path | Upload


def read_table(path: Source, kind: Kind) -> Table:
    """Read a participants, mentors, assignments or schedule file into text cells.

    Parameters
    ----------
    path
        A path to a CSV, XLSX, GeoPackage, GeoJSON or Shapefile, or an :class:`Upload`
        (CSV, XLSX, GeoPackage or GeoJSON in memory).
    kind
        ``"participants"``, ``"mentors"``, ``"assignments"`` or ``"schedule"``: chooses
        column aliases and sheet names.

    Returns
    -------
    Table
        Text cells with canonical column names; row-level problems in ``problems``.

    Raises
    ------
    InputError
        The file is missing, empty, not UTF-8, of an unknown type or cannot be parsed.
    """
    if isinstance(path, Upload):
        return _read_upload(path, kind)
    path = Path(path)
    source = str(path)
    if not path.exists():
        _fail(source, Message.of("input.not_found"))
    if path.is_dir():
        _fail(source, Message.of("input.folder"))
    if not path.is_file():
        _fail(source, Message.of("input.not_regular"))
    suffix = path.suffix.lower()
    try:
        if suffix in CSV_SUFFIXES:
            return _read_csv(path.read_bytes(), source, kind)
        if suffix in XLSX_SUFFIXES:
            return _read_xlsx(path, source, kind)
        if suffix in GEO_SUFFIXES:
            return _read_geo(path, source, kind)
    except PermissionError:
        _fail(source, Message.of("input.permission"))
    except OSError as error:
        _fail(source, Message.of("input.unreadable", why=error.strerror or type(error).__name__))
    if suffix in (".xls", ".ods"):
        _fail(source, Message.of("input.old_format", suffix=suffix))
    _fail(source, Message.of("input.file_type", suffix=suffix or "(none)"))


def _read_upload(upload: Upload, kind: Kind) -> Table:
    """:func:`read_table` for a file in memory (the same readers, fed from the bytes)."""
    source, suffix = upload.source, upload.suffix
    if suffix in CSV_SUFFIXES:
        return _read_csv(upload.data, source, kind)
    if suffix in XLSX_SUFFIXES:
        return _read_xlsx(upload.data, source, kind)
    if suffix in (".gpkg", ".geojson", ".json"):
        return _read_geo(upload.data, source, kind)
    if suffix in (".xls", ".ods"):
        _fail(source, Message.of("input.old_format", suffix=suffix))
    _fail(source, Message.of("input.upload_type", suffix=suffix or "(none)"))


def normalise_header(name: object) -> str:
    """``' Lintang (°)'`` -> ``lintang``: lower case, BOM and punctuation removed."""
    text = unicodedata.normalize("NFKC", str(name)).replace("\ufeff", "").lower()
    text = re.sub(r"\(.*?\)", " ", text)  # units in brackets, e.g. "latitude (deg)"
    return "_".join(re.findall(r"[a-z0-9]+", text))


def canonical_columns(
    headers: Sequence[object], kind: Kind, source: str, header_row: int = 1
) -> tuple[list[str], list[InputProblem]]:
    """Canonical column names for ``headers`` and problems with them (duplicates).

    Unknown names are kept (normalised) so callers can mention them.
    """
    if kind in PLAN_KINDS:
        return [str(h).replace("\ufeff", "").strip() for h in headers], []
    known, aliases = FORMATS[kind]
    lookup = {name: name for name in known}
    for canonical, names in aliases.items():
        for alias in names:
            lookup.setdefault(alias, canonical)
    names_out: list[str] = []
    problems: list[InputProblem] = []
    seen: dict[str, object] = {}
    for position, header in enumerate(headers):
        normal = normalise_header(header)
        canonical = lookup.get(normal, normal) or f"column_{position + 1}"
        if canonical in seen and canonical in known:
            problems.append(
                InputProblem(
                    source,
                    header_row,
                    str(header),
                    None,
                    Message.of(
                        "input.duplicate_column", other=str(seen[canonical]), column=canonical
                    ),
                )
            )
            canonical = f"{canonical}__duplicate_{position + 1}"
        seen.setdefault(canonical, header)
        names_out.append(canonical)
    return names_out, problems


def known_columns(kind: Kind) -> tuple[str, ...]:
    """The columns of an input format (none fixed for plan files)."""
    if kind in PLAN_KINDS:
        return ()
    return FORMATS[kind][0]


def _fail(source: str, expected: Message, row: int | None = None) -> NoReturn:
    raise InputError([InputProblem(source, row, None, None, expected)])


def _read_csv(raw: bytes, source: str, kind: Kind) -> Table:
    """CSV text to a table; the C parser is fast, the csv module reports ragged rows."""
    text = _decode(raw, source)
    # Leading blank lines: the C parser needs the header first; rows keep their numbers.
    blank = re.match(r"(?:[ \t]*\r?\n)*", text)
    first_row = 1 + (blank.group().count("\n") if blank else 0)
    text = text[blank.end() :] if blank else text
    first_line = text.splitlines()[0]
    # Excel writes (and reads) "sep=;" as a first line naming the separator.
    named = re.fullmatch(r"\s*sep=(.)\s*", first_line)
    if named:
        delimiter = named.group(1)
        text = text[len(first_line) :].lstrip("\r\n")
        first_row += 1
        if not text.strip():
            _fail(source, Message.of("input.empty_file"))
    else:
        delimiter = max((";", ",", "\t"), key=lambda d: _count_outside_quotes(first_line, d))
    try:
        grid = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            header=None,
            dtype=str,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError):
        # Some row has more cells than the first: read row by row to say which.
        rows: list[list[str]] = []
        problems: list[InputProblem] = []
        try:
            rows.extend(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        except csv.Error as error:
            problems.append(
                InputProblem(
                    source,
                    len(rows) + first_row,
                    None,
                    None,
                    Message.of("input.not_csv", why=str(error)),
                )
            )
        lengths = np.array([len(r) for r in rows], dtype=np.int64)
        return _table_from_grid(
            _grid([[restore_cell(c) for c in r] for r in rows]),
            source,
            kind,
            problems,
            lengths,
            first_row,
        )
    return _table_from_grid(grid.map(restore_cell), source, kind, [], first_row=first_row)


def _decode(raw: bytes, source: str) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(raw):
        _fail(source, Message.of("input.utf16", hint=RESAVE_HINT))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        byte = raw[error.start : error.start + 1].hex().upper()
        _fail(source, Message.of("input.not_utf8", byte=byte, line=line, hint=RESAVE_HINT))
    if not text.strip():
        _fail(source, Message.of("input.empty_file"))
    return text


def _looks_utf16(raw: bytes) -> bool:
    """UTF-16 without a byte order mark: text where every other byte is zero."""
    head = raw[:4096]
    if len(head) < 4 or b"\x00" not in head:
        return False
    even, odd = head[0::2], head[1::2]
    return even.count(0) > 0.9 * len(even) or odd.count(0) > 0.9 * len(odd)


def _grid(rows: Sequence[Sequence[str]]) -> pd.DataFrame:
    """Ragged rows as a rectangular frame of text, padded with empty cells."""
    width = max((len(r) for r in rows), default=0)
    return pd.DataFrame(
        [list(r) + [""] * (width - len(r)) for r in rows],
        columns=range(width),
        dtype=object,
    )


def _count_outside_quotes(line: str, delimiter: str) -> int:
    return len(re.sub(r'"[^"]*"', "", line).split(delimiter)) - 1


def _read_xlsx(path: Path | bytes, source: str, kind: Kind) -> Table:
    """The chosen worksheet; formulas without a saved result are warned about, by cell.

    ``path`` is a file or the bytes of an upload.
    """

    def opened() -> Path | BinaryIO:
        return io.BytesIO(path) if isinstance(path, bytes) else path

    sheet, others, rows = _xlsx_rows(opened(), source, kind, data_only=True)
    empty_formulas: list[tuple[int, int]] = []  # (row, column) positions, 0-based
    if _has_formulas(opened()):
        _, _, formulas = _xlsx_rows(opened(), source, kind, data_only=False)
        for r, (values, texts) in enumerate(zip(rows, formulas, strict=False)):
            for c, (value, text) in enumerate(zip(values, texts, strict=False)):
                if value == "" and text.startswith("="):
                    empty_formulas.append((r, c))
    table = _table_from_grid(_grid(rows), source, kind, [], sheet=(sheet, others))
    if not empty_formulas:
        return table
    from openpyxl.utils import get_column_letter

    # Name the column by its header when it has one, else as the sheet shows it.
    names = list(table.frame.columns)
    found = tuple(
        Message.of(
            "warning.formula_without_result",
            source=source,
            row=r + 1,
            column=names[c] if c < len(names) else f"{get_column_letter(c + 1)} ({sheet})",
        )
        for r, c in empty_formulas
        if r + 1 > table.header_row
    )
    return dataclasses.replace(table, warnings=found)


def _has_formulas(path: Path | BinaryIO) -> bool:
    """Whether any worksheet of the workbook holds a formula (``<f>`` element)."""
    import zipfile

    pattern = re.compile(rb"<(?:\w+:)?f[ >/]")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return False  # openpyxl already read it; nothing more to learn
    with archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                with archive.open(name) as member:
                    if pattern.search(member.read()):
                        return True
    return False


def _xlsx_rows(
    path: Path | BinaryIO, source: str, kind: Kind, data_only: bool
) -> tuple[str, list[str], list[list[str]]]:
    """The sheet read, the workbook's other sheets and the sheet's cells as text."""
    import zipfile

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=data_only)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as error:
        _fail(source, Message.of("input.not_xlsx", why=str(error)))
    try:
        # Chart sheets hold no cells; only worksheets can hold the table.
        names = [ws.title for ws in book.worksheets]
        if not names:
            _fail(source, Message.of("input.no_worksheet"))
        wanted = {name.lower(): name for name in names}
        sheet_name = next((wanted[n] for n in SHEET_NAMES[kind] if n in wanted), names[0])
        rows = [
            [_cell_text(value) for value in values]
            for values in book[sheet_name].iter_rows(values_only=True)
        ]
        return sheet_name, [n for n in book.sheetnames if n != sheet_name], rows
    finally:
        book.close()


def _cell_text(value: object) -> str:
    """A spreadsheet or attribute value as the text a person would have typed."""
    if value is None:
        return ""
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        number = float(value)
        if math.isnan(number):
            return ""
        if number.is_integer() and abs(number) < 1e15:
            return str(int(number))
        return repr(number)
    if isinstance(value, dt.datetime | pd.Timestamp):
        if pd.isna(value):
            return ""
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return str(value).strip()


def _table_from_grid(
    grid: pd.DataFrame,
    source: str,
    kind: Kind,
    problems: list[InputProblem],
    lengths: npt.NDArray[np.int64] | None = None,
    first_row: int = 1,
    sheet: tuple[str, Sequence[str]] | None = None,
) -> Table:
    """Rows of text cells (``grid`` position 0 is spreadsheet row ``first_row``) to a table.

    The first row with any content is the header; rows without content are dropped; a row
    with content beyond the last named column, or (CSV, ``lengths`` given) with more cells
    than the header row, is a problem and is left out: its values have probably shifted.
    When most rows are like that, the "header" is a title row above it: one problem says so.
    ``sheet`` (the worksheet read and the workbook's other sheets) is named in messages
    about a workbook.
    """
    in_sheet: Message | str = ""
    if sheet is not None:
        name, others = sheet
        in_sheet = Message.of(
            "input.in_sheet_others" if others else "input.in_sheet",
            sheet=name,
            kind=kind,
            fallback=SHEET_NAMES[kind][-1],
            **({"others": ", ".join(map(repr, others))} if others else {}),
        )
    grid = pd.DataFrame(
        {c: [str(v).strip() for v in grid[c].tolist()] for c in grid.columns}, dtype=object
    )
    content = np.flatnonzero((grid != "").any(axis=1).to_numpy())
    if content.size == 0:
        if sheet is None:
            _fail(source, Message.of("input.empty_file"))
        what = Message.of("input.sheet_empty")
        _fail(source, Message.of("input.empty_in_sheet", what=what, in_sheet=in_sheet))
    header_at = int(content[0])
    header = [str(v) for v in grid.iloc[header_at]]
    while header and not header[-1]:
        header.pop()
    header_row = header_at + first_row
    names, header_problems = canonical_columns(header, kind, source, header_row)
    width = len(names)
    data = grid.iloc[content[1:]]
    rows = content[1:] + first_row
    extra = np.array((data.iloc[:, width:] != "").any(axis=1), dtype=bool)
    if lengths is not None:
        extra |= lengths[content[1:]] > max(lengths[header_at], width)
        cells = lengths[content[1:]]
    else:
        filled = (data != "").to_numpy()
        cells = np.where(
            filled.any(axis=1), filled.shape[1] - np.argmax(filled[:, ::-1], axis=1), 0
        )
    if extra.sum() > len(data) / 2 and 2 * width <= int(cells.max(initial=0)):
        # Most rows are much wider than the "header": it is a title above the real header,
        # and nothing below can be read by column.
        _fail(
            source,
            Message.of(
                "input.title_row",
                width=width,
                rows=int(extra.sum()),
                cells=int(cells.max()),
                in_sheet=in_sheet,
            ),
            row=header_row,
        )
    else:
        code = "input.too_many_cells_separator" if lengths is not None else "input.too_many_cells"
        for position in np.flatnonzero(extra):
            problems.append(
                InputProblem(
                    source,
                    int(rows[position]),
                    None,
                    None,
                    Message.of(code, cells=int(cells[position]), width=width),
                )
            )
    data, rows = data.iloc[~extra, :width], rows[~extra]
    if len(data) == 0 and not problems:
        _fail(source, Message.of("input.header_only", in_sheet=in_sheet), row=header_row)
    frame = pd.DataFrame(
        data.to_numpy(dtype=object), columns=names, index=pd.Index(rows, name="row"), dtype=object
    )
    return _finish(frame, source, kind, [*header_problems, *problems], header_row)


def _finish(
    frame: pd.DataFrame,
    source: str,
    kind: Kind,
    problems: Iterable[InputProblem],
    header_row: int = 1,
) -> Table:
    known = known_columns(kind)
    unknown = tuple(c for c in frame.columns if c not in known and "__duplicate_" not in c)
    return Table(frame, source, kind, tuple(problems), unknown, header_row)


def table_from_frame(frame: pd.DataFrame, source: str, kind: Kind) -> Table:
    """A :class:`Table` from a frame built elsewhere (tests, benchmarks, scenario runs).

    Cells become text as if typed into a spreadsheet. Rows are numbered from 2 unless the
    frame's index is named ``row`` (then it already holds spreadsheet rows).
    """
    names, problems = canonical_columns(list(frame.columns), kind, source)
    if frame.index.name == "row":
        index = pd.Index(frame.index, name="row")
    else:
        index = pd.Index(range(2, len(frame) + 2), name="row")
    columns = {
        name: [_cell_text(v) for v in frame.iloc[:, i].tolist()] for i, name in enumerate(names)
    }
    text = pd.DataFrame(columns, index=index, dtype=object)
    return _finish(text, source, kind, problems)


def _read_geo(path: Path | bytes, source: str, kind: Kind) -> Table:
    import geopandas as gpd
    import pyogrio
    import shapely

    try:
        layers = [str(name) for name, _ in pyogrio.list_layers(path)]
        wanted = {name.lower(): name for name in layers}
        layer = next((wanted[n] for n in SHEET_NAMES[kind] if n in wanted), layers[0])
        frame = gpd.read_file(io.BytesIO(path) if isinstance(path, bytes) else path, layer=layer)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, IndexError) as error:
        _fail(source, Message.of("input.not_geo", why=str(error)))
    if frame.empty:
        _fail(source, Message.of("input.no_features"))
    if not isinstance(frame, gpd.GeoDataFrame) or frame.active_geometry_name is None:
        # A table without geometry (e.g. a GeoPackage attribute table): columns only.
        return table_from_frame(pd.DataFrame(frame), source, kind)
    problems: list[InputProblem] = []
    rows = np.arange(2, len(frame) + 2)
    attributes = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    table = table_from_frame(attributes, source, kind)
    text = table.frame.set_axis(pd.Index(rows, name="row"))
    geometry = frame.geometry
    if geometry.crs is not None and geometry.crs.to_epsg() != 4326:
        geometry = geometry.to_crs(4326)
    values = np.asarray(geometry.values, dtype=object)
    # A MultiPoint of one point is a point; anything else is not a person's location.
    parts = shapely.get_num_geometries(values)
    kinds = shapely.get_type_id(values)
    single = np.where((kinds == 4) & (parts == 1), shapely.get_geometry(values, 0), values)
    is_point = shapely.get_type_id(single) == 0
    missing = shapely.is_missing(single) | shapely.is_empty(single)
    has_columns = "latitude" in text.columns and "longitude" in text.columns
    keep = np.ones(len(text), dtype=bool)
    for i in np.flatnonzero(~is_point):
        if missing[i] and has_columns:
            continue  # no geometry, but latitude/longitude columns may say where
        type_id = int(shapely.get_type_id(single[i]))
        expected = (
            Message.of("input.geometry_missing")
            if missing[i]
            else Message.of(
                "input.geometry_not_point",
                kind=_GEOMETRY_NAMES.get(type_id, Message.of("input.geometry.other")),
            )
        )
        problems.append(InputProblem(source, int(rows[i]), "geometry", None, expected))
        keep[i] = False
    x = np.full(len(single), np.nan)
    y = np.full(len(single), np.nan)
    x[is_point] = shapely.get_x(single[is_point])
    y[is_point] = shapely.get_y(single[is_point])
    text = text.copy()
    lat_text = [repr(float(v)) if ok else "" for v, ok in zip(y, is_point, strict=True)]
    lon_text = [repr(float(v)) if ok else "" for v, ok in zip(x, is_point, strict=True)]
    if has_columns:
        text["latitude"] = np.where(is_point, lat_text, text["latitude"].to_numpy(dtype=object))
        text["longitude"] = np.where(is_point, lon_text, text["longitude"].to_numpy(dtype=object))
    else:
        text["latitude"] = lat_text
        text["longitude"] = lon_text
    text = text.astype(object)
    return _finish(text[keep], source, kind, [*table.problems, *problems])


_GEOMETRY_NAMES = {
    1: Message.of("input.geometry.line"),
    2: Message.of("input.geometry.ring"),
    3: Message.of("input.geometry.polygon"),
    4: Message.of("input.geometry.points"),
    5: Message.of("input.geometry.lines"),
    6: Message.of("input.geometry.polygons"),
    7: Message.of("input.geometry.collection"),
}
