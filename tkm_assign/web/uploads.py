"""Checks on an uploaded file before it is stored: type, size and number of rows.

The browser's file name is kept only to be shown; what the file is comes from its suffix
and its first bytes, and it is stored under a random id.
"""

from __future__ import annotations

import io
import zipfile

# suffix -> what the first bytes must look like
ALLOWED = {
    ".csv": "text",
    ".txt": "text",
    ".xlsx": "zip",
    ".gpkg": "sqlite",
    ".geojson": "text",
    ".json": "text",
}
ROLES = ("participants", "mentors", "assignments", "schedule", "logbook")


class Refused(Exception):
    """An upload that is not stored: ``code`` names the rule, ``values`` fill its message."""

    def __init__(self, code: str, values: dict[str, object]) -> None:
        super().__init__(code)
        self.code = code
        self.values = values


def suffix_of(file_name: str) -> str:
    """The lower-case suffix of a browser-sent name (``""`` when it has none)."""
    base = file_name.replace("\\", "/").rsplit("/", 1)[-1]
    return "." + base.rsplit(".", 1)[-1].lower() if "." in base else ""


def display_name(file_name: str) -> str:
    """The last part of a browser-sent name, without control characters, at most 120 long."""
    base = file_name.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in base if ch.isprintable())[:120] or "upload"


def check_upload(file_name: str, content: bytes, max_bytes: int, max_rows: int) -> int | None:
    """Rows of an acceptable upload (``None`` when only the reader can count them).

    Raises
    ------
    Refused
        ``web.upload.empty``, ``web.upload.too_large``, ``web.upload.type``,
        ``web.upload.content`` or ``web.upload.too_many_rows``.
    """
    name = display_name(file_name)
    suffix = suffix_of(file_name)
    if not content:
        raise Refused("web.upload.empty", {"file": name})
    if len(content) > max_bytes:
        raise Refused(
            "web.upload.too_large",
            {"file": name, "size_mb": len(content) / 2**20, "limit_mb": max_bytes / 2**20},
        )
    kind = ALLOWED.get(suffix)
    if kind is None:
        raise Refused("web.upload.type", {"file": name, "suffix": suffix or "-"})
    if not _looks_like(kind, content):
        raise Refused("web.upload.content", {"file": name, "suffix": suffix})
    rows = count_rows(suffix, content)
    if rows is not None and rows > max_rows:
        raise Refused("web.upload.too_many_rows", {"file": name, "rows": rows, "limit": max_rows})
    return rows


def _looks_like(kind: str, content: bytes) -> bool:
    if kind == "zip":
        return content[:4] == b"PK\x03\x04"
    if kind == "sqlite":
        return content[:16] == b"SQLite format 3\x00"
    head = content[:4096]
    return b"\x00" not in head.lstrip(b"\xff\xfe\xef\xbb\xbf") or head[:2] in (
        b"\xff\xfe",
        b"\xfe\xff",
    )


def count_rows(suffix: str, content: bytes) -> int | None:
    """Data rows of a CSV (lines after the header) or of the first XLSX sheet."""
    if ALLOWED.get(suffix) == "text" and suffix in (".csv", ".txt"):
        lines = content.count(b"\n") + (0 if content.endswith(b"\n") else 1)
        return max(0, lines - 1)
    if suffix == ".xlsx":
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as book:
                sheets = sorted(n for n in book.namelist() if n.startswith("xl/worksheets/sheet"))
                if not sheets:
                    return None
                with book.open(sheets[0]) as sheet:
                    rows = sum(
                        chunk.count(b"<row ") for chunk in iter(lambda: sheet.read(1 << 20), b"")
                    )
        except (zipfile.BadZipFile, KeyError):
            return None
        return max(0, rows - 1)
    return None
