"""Labels people type in spreadsheets, turned into the values the model uses.

Coordinators write sectors, literacy levels, yes/no answers, days and regions in English or
Bahasa Indonesia, with any case, spacing, ``&`` or ``dan``. Every normaliser here takes one
cell's text and returns the value, or raises :class:`LabelError` whose ``expected`` text
completes a message such as ``participants.csv row 7 column sector: 'bakery' <expected>``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from tkm_assign.config import DATE_RANGE, SECTOR_CODES, parse_days
from tkm_assign.errors import shorten
from tkm_assign.messages import LANGUAGES, MESSAGES, Message, template
from tkm_assign.model import (
    IncomeRole,
    Mode,
    NeedLevel,
    ParticipantStatus,
    Sector,
    TechLiteracy,
    Transport,
)

MAX_ID_CHARS = 64  # participant and mentor ids; file names are made from mentor ids

# Characters that no text a person reads should hold: C0 and C1 controls (tabs and line
# breaks included: a cell holds one line), DEL, line and paragraph separators and the
# bidirectional embeddings, overrides and isolates (they reorder what is shown).
_CONTROL = "\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff"
# Ids may not hold them either, nor invisible characters (two ids would look the same).
_INVISIBLE = "\u00ad\u200b-\u200f\u2060-\u2064"
CONTROL_IN_TEXT = re.compile(f"[{_CONTROL}]+")
CONTROL_IN_ID = re.compile(f"[{_CONTROL}{_INVISIBLE}]")


class LabelError(ValueError):
    """A cell's text is not an accepted label; ``expected`` says what would be (a catalogue
    message, ``input.*``; ``str(error)`` is its English text)."""

    def __init__(self, expected: Message) -> None:
        super().__init__(str(expected))
        self.expected = expected


def simplify(text: str) -> str:
    """Lower case, ``&`` as ``dan``, punctuation and underscores as single spaces."""
    text = unicodedata.normalize("NFKC", text).lower().replace("&", " dan ")
    text = re.sub(r"[^\w]+|_", " ", text)
    return " ".join(text.split())


def _table(groups: Mapping[str, Iterable[str]]) -> dict[str, str]:
    return {simplify(label): value for value, labels in groups.items() for label in labels}


_SECTORS = _table(
    {
        "pertanian_peternakan": (
            "pertanian_peternakan",
            "pertanian dan peternakan",
            "pertanian peternakan",
            "pertanian",
            "peternakan",
            "tani",
            "ternak",
            "agribisnis",
            "perkebunan",
            "agriculture",
            "agriculture and livestock",
            "livestock",
            "farming",
            "agri",
        ),
        "perdagangan_jasa": (
            "perdagangan_jasa",
            "perdagangan barang dan jasa",
            "perdagangan dan jasa",
            "perdagangan jasa",
            "perdagangan",
            "dagang",
            "jasa",
            "trade",
            "trade and services",
            "services",
            "retail",
            "commerce",
        ),
        "industri_boga": (
            "industri_boga",
            "industri boga",
            "boga",
            "kuliner",
            "makanan",
            "makanan dan minuman",
            "mamin",
            "food",
            "food industry",
            "food and beverage",
            "culinary",
        ),
        "industri_kreatif": (
            "industri_kreatif",
            "industri kreatif",
            "kreatif",
            "ekonomi kreatif",
            "ekraf",
            "kerajinan",
            "creative",
            "creative industry",
            "crafts",
            "handicraft",
        ),
        "perikanan_kelautan": (
            "perikanan_kelautan",
            "perikanan dan kelautan",
            "perikanan kelautan",
            "perikanan",
            "kelautan",
            "budidaya ikan",
            "nelayan",
            "fisheries",
            "fishery",
            "fisheries and marine",
            "marine",
            "aquaculture",
        ),
    }
)
_LITERACY = _table(
    {
        "proficient": ("proficient", "mahir", "tinggi", "high", "baik", "good"),
        "adequate": ("adequate", "cukup", "sedang", "medium", "moderate"),
        "low": ("low", "kurang", "rendah", "lemah", "weak", "poor"),
    }
)
_NEED = _table(
    {
        "low": ("low", "rendah", "ringan"),
        "medium": ("medium", "sedang", "normal", "biasa"),
        "high": ("high", "tinggi", "mendesak", "urgent", "berat"),
    }
)
_INCOME = _table(
    {
        "primary": ("primary", "main", "utama", "pokok", "pendapatan utama"),
        "secondary": ("secondary", "side", "sampingan", "tambahan", "pendapatan tambahan"),
    }
)
_TRANSPORT = _table(
    {
        "motorcycle": ("motorcycle", "motorbike", "motor", "sepeda motor", "roda dua"),
        "car": ("car", "mobil", "roda empat"),
        "public": (
            "public",
            "public transport",
            "umum",
            "angkutan umum",
            "kendaraan umum",
            "transportasi umum",
            "bus",
            "angkot",
            "ojek",
        ),
    }
)
_STATUS = _table(
    {
        "active": ("active", "aktif", "masih aktif", "ikut", "berjalan", "lanjut"),
        "withdrawn": (
            "withdrawn",
            "withdrew",
            "left",
            "dropped out",
            "drop out",
            "dropout",
            "mengundurkan diri",
            "undur diri",
            "mundur",
            "keluar",
            "berhenti",
            "tidak aktif",
            "nonaktif",
            "non aktif",
            "gugur",
        ),
    }
)
# Session modes as logbooks and forms write them: onsite visits and every remote channel.
_MODES = _table(
    {
        "onsite": (
            "onsite",
            "on site",
            "on-site",
            "offline",
            "visit",
            "field visit",
            "in person",
            "face to face",
            "luring",
            "tatap muka",
            "kunjungan",
            "kunjungan lapangan",
            "kunjungan langsung",
            "datang",
            "langsung",
        ),
        "online": (
            "online",
            "daring",
            "virtual",
            "remote",
            "whatsapp",
            "whats app",
            "wa",
            "wa call",
            "video call",
            "vc",
            "zoom",
            "google meet",
            "gmeet",
            "meet",
            "telepon",
            "telpon",
            "telephone",
            "phone",
            "call",
            "sms",
            "chat",
        ),
    }
)
_BOOLEAN = {
    **dict.fromkeys(("yes", "y", "ya", "iya", "true", "t", "1", "ada", "benar", "sudah"), True),
    **dict.fromkeys(
        ("no", "n", "tidak", "tdk", "false", "f", "0", "tidak ada", "salah", "belum"), False
    ),
}
_DAYS_ID = {
    "senin": "mon",
    "selasa": "tue",
    "rabu": "wed",
    "kamis": "thu",
    "jumat": "fri",
    "sabtu": "sat",
    "minggu": "sun",
    "ahad": "sun",
}
# Words coordinators use for the two modes, in Indonesian and English.
MODE_WORDS: Mapping[str, Mode] = {
    "onsite": Mode.ONSITE,
    "on-site": Mode.ONSITE,
    "on site": Mode.ONSITE,
    "offline": Mode.ONSITE,
    "visit": Mode.ONSITE,
    "tatap muka": Mode.ONSITE,
    "tatap-muka": Mode.ONSITE,
    "luring": Mode.ONSITE,
    "kunjungan": Mode.ONSITE,
    "online": Mode.ONLINE,
    "daring": Mode.ONLINE,
    "virtual": Mode.ONLINE,
    "whatsapp": Mode.ONLINE,
    "wa": Mode.ONLINE,
    "zoom": Mode.ONLINE,
    "video call": Mode.ONLINE,
}
# A mentor cell with one of these means "no mentor".
NO_MENTOR = frozenset({"", "-", "–", "—", "none", "tidak ada", "belum ada"})

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@cache
def column_aliases() -> dict[str, str]:
    """Lower-case header text -> column name, for every language and the name itself.

    Lets the audit read a sheet of ``plan.xlsx`` whose headers are labels, not names.
    """
    return _aliases("column.")


@cache
def value_aliases() -> dict[str, str]:
    """Lower-case value text in any language -> code (``tatap muka`` -> ``onsite``)."""
    return _aliases("value.")


def _aliases(prefix: str) -> dict[str, str]:
    aliases: dict[str, str] = {}
    for code in MESSAGES:
        if not code.startswith(prefix):
            continue
        name = code.removeprefix(prefix)
        for text in (name, *(template(code, lang) for lang in LANGUAGES)):
            aliases.setdefault(text.strip().lower(), name)
    return aliases


# What spreadsheets write for a number: ASCII digits, one decimal point or comma, an
# optional exponent; not Python's extras (``1_000``, ``inf``, non-ASCII digits).
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)(?:[eE][+-]?[0-9]+)?")


def _lookup(text: str, table: Mapping[str, str], what: str, choices: Iterable[str]) -> str:
    found = table.get(simplify(text))
    if found is None:
        raise LabelError(
            Message.of("input.not_one_of", what=Message.of(what), choices=", ".join(choices))
        )
    return found


def sector(text: str) -> Sector:
    """One sector from its code, Indonesian label or English alias (any case)."""
    found = _SECTORS.get(simplify(text))
    if found is None:
        raise LabelError(Message.of("input.not_sector", choices=", ".join(SECTOR_CODES)))
    return Sector(found)


def sectors(text: str) -> frozenset[Sector]:
    """One or more sectors separated by ``;`` (or ``,``); at least one is required."""
    parts = [part for part in re.split(r"[;,\n]", text) if part.strip()]
    if not parts:
        raise LabelError(Message.of("input.no_sector"))
    found: set[Sector] = set()
    for part in parts:
        try:
            found.add(sector(part))
        except LabelError as error:
            if len(parts) == 1:
                raise
            raise LabelError(
                Message.of("input.contains", part=shorten(part.strip()), expected=error.expected)
            ) from None
    return frozenset(found)


def tech_literacy(text: str) -> TechLiteracy:
    """proficient / adequate / low, or mahir / cukup / kurang."""
    return TechLiteracy(
        _lookup(
            text,
            _LITERACY,
            "input.what.tech_literacy",
            ("proficient (mahir)", "adequate (cukup)", "low (kurang)"),
        )
    )


def need_level(text: str) -> NeedLevel:
    """low / medium / high, or rendah / sedang / tinggi."""
    return NeedLevel(
        _lookup(
            text,
            _NEED,
            "input.what.need_level",
            ("low (rendah)", "medium (sedang)", "high (tinggi)"),
        )
    )


def income_role(text: str) -> IncomeRole:
    """primary / secondary, or utama / sampingan."""
    return IncomeRole(
        _lookup(
            text, _INCOME, "input.what.income_role", ("primary (utama)", "secondary (sampingan)")
        )
    )


def transport(text: str) -> Transport:
    """motorcycle / car / public, or motor / mobil / umum."""
    return Transport(
        _lookup(
            text,
            _TRANSPORT,
            "input.what.transport",
            ("motorcycle (motor)", "car (mobil)", "public (umum)"),
        )
    )


def participant_status(text: str) -> ParticipantStatus:
    """active / withdrawn, or aktif / mengundurkan diri / keluar."""
    return ParticipantStatus(
        _lookup(
            text,
            _STATUS,
            "input.what.status",
            ("active (aktif)", "withdrawn (mengundurkan diri, keluar)"),
        )
    )


def session_mode(text: str) -> Mode:
    """onsite / online and the words logbooks use: luring, tatap muka, kunjungan, daring,
    WA/WhatsApp, Zoom, telepon, ... (a slash or brackets may add a channel: ``daring (WA)``)."""
    found = _MODES.get(simplify(text))
    if found is None:
        # "Daring (WA)", "tatap muka/kunjungan": every part must name the same mode.
        modes = {_MODES.get(simplify(part)) for part in re.split(r"[()/,;+]", text) if part.strip()}
        found = modes.pop() if len(modes) == 1 else None
    if found is None:
        raise LabelError(Message.of("input.not_mode"))
    return Mode(found)


def date(text: str) -> dt.date:
    """A calendar date: ``YYYY-MM-DD`` (also with a midnight time, as Excel writes it),
    ``DD/MM/YYYY`` or ``DD-MM-YYYY`` (day first, as in Indonesia)."""
    cleaned = text.strip()
    match = re.fullmatch(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[ T]00:00(?::00)?)?", cleaned)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = re.fullmatch(r"([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})", cleaned)
        if not match:
            raise LabelError(Message.of("input.not_date"))
        day, month, year = (int(g) for g in match.groups())
    try:
        found = dt.date(year, month, day)
    except ValueError:
        raise LabelError(Message.of("input.not_calendar_date")) from None
    low, high = DATE_RANGE
    if not low <= found <= high:
        raise LabelError(Message.of("input.date_range", low=low.isoformat(), high=high.isoformat()))
    return found


def clock(text: str) -> int:
    """Minutes after midnight of ``09:00``, ``9.00`` or ``09:00:00``."""
    match = re.fullmatch(r"([0-9]{1,2})[:.]([0-9]{2})(?::[0-9]{2})?", text.strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise LabelError(Message.of("input.not_clock"))
    return int(match[1]) * 60 + int(match[2])


def boolean(text: str) -> bool:
    """yes/no, ya/tidak, true/false, 1/0."""
    found = _BOOLEAN.get(simplify(text))
    if found is None:
        raise LabelError(Message.of("input.not_boolean"))
    return found


def working_days(text: str) -> frozenset[int]:
    """Weekdays (0 = Monday) from ``Mon-Fri``, ``Mon;Wed;Thu`` or ``Senin-Jumat``."""
    cleaned = unicodedata.normalize("NFKC", text).lower().replace("'", "").replace("’", "")
    cleaned = re.sub(r"\s*(?:s/d|s\.d\.?|sampai dengan|sampai|to|until|–|—)\s*", "-", cleaned)
    for name, short in _DAYS_ID.items():
        cleaned = re.sub(rf"\b{name}\b", short, cleaned)
    try:
        return parse_days(cleaned)
    except ValueError:
        raise LabelError(Message.of("input.not_days")) from None


def date_ranges(text: str) -> tuple[tuple[dt.date, dt.date], ...]:
    """``YYYY-MM-DD..YYYY-MM-DD`` ranges (or single days) separated by ``;``, inclusive."""
    parts = [part.strip() for part in re.split(r"[;,\n]", text) if part.strip()]
    ranges = []
    for part in parts:
        # "contains X, which ..." only helps when the cell holds several ranges.
        def which(expected: Message, part: str = part) -> Message:
            if len(parts) == 1:
                return expected
            return Message.of("input.contains", part=shorten(part), expected=expected)

        bounds = [b.strip() for b in part.split("..")]
        if len(bounds) > 2 or not all(_ISO_DATE.fullmatch(b) for b in bounds):
            raise LabelError(which(Message.of("input.not_date_range")))
        try:
            first, last = (dt.date.fromisoformat(b) for b in (bounds[0], bounds[-1]))
        except ValueError:
            raise LabelError(which(Message.of("input.not_iso_date"))) from None
        if last < first:
            raise LabelError(which(Message.of("input.ends_before_start")))
        low, high = DATE_RANGE
        if first < low or last > high:
            raise LabelError(
                which(Message.of("input.dates_range", low=low.isoformat(), high=high.isoformat()))
            )
        ranges.append((first, last))
    return tuple(sorted(ranges))


def id_list(text: str) -> frozenset[str]:
    """Ids separated by ``;`` (or ``,``), surrounding spaces removed."""
    return frozenset(part.strip() for part in re.split(r"[;,\n]", text) if part.strip())


def number(text: str) -> float:
    """A finite decimal number as spreadsheets write it; a decimal comma (``-6,9175``) too.

    ASCII digits only, with at most one decimal point or comma and an optional exponent
    (``1E-05``); Python's other forms (``1_10.3``, ``inf``, Arabic-Indic digits) are not
    numbers a coordinator typed.
    """
    cleaned = text.strip().replace("\u2212", "-")
    if not _NUMBER.fullmatch(cleaned):
        raise LabelError(Message.of("input.not_number"))
    value = float(cleaned.replace(",", "."))
    if not math.isfinite(value):
        raise LabelError(Message.of("input.not_finite"))
    return value


def control_characters(text: str, in_id: bool = False) -> list[str]:
    """The control (and, in ids, invisible) characters of ``text``, as ``U+000B`` codes."""
    pattern = CONTROL_IN_ID if in_id else CONTROL_IN_TEXT
    return sorted({f"U+{ord(c):04X}" for match in pattern.findall(text) for c in match})


def clean_text(text: str) -> str:
    """Free text (a name, a village) with every run of control characters as one space."""
    return (
        " ".join(CONTROL_IN_TEXT.sub(" ", text).split()) if CONTROL_IN_TEXT.search(text) else text
    )


def whole_number(text: str) -> int:
    """A whole number (``3`` or ``3.0``)."""
    try:
        value = number(text)
    except LabelError:
        raise LabelError(Message.of("input.not_whole")) from None
    if not value.is_integer():
        raise LabelError(Message.of("input.not_whole"))
    return int(value)


# Indonesian phone numbers. The national significant number (after +62 or the leading 0) has
# 8 to 12 digits; mobile numbers start with 8 (0812..., +62 812...), landlines with an area
# code (021 ..., 0361 ...). Spaces, dots, dashes, slashes and brackets are how people group
# digits; "(0)" after the country code is a common way of writing the trunk prefix.
PHONE_DIGITS_RANGE = (8, 12)
_PHONE_GROUPING = re.compile(r"[\s.\-/()\u00a0]+")
PHONE_EXPECTED = Message.of("input.phone_expected")


def phone(text: str) -> str:
    """An Indonesian phone number in international form, ``+6281234567890``.

    Accepts ``08...``, ``+62...``, ``62...``, ``0062...``, ``+62 (0)8...`` with any grouping
    (spaces, dots, dashes, brackets), and a mobile number whose leading 0 a spreadsheet
    dropped (``81234567890``, a cell read as a number). The error never repeats the number
    (personal data): it says how many digits were found.

    Raises
    ------
    LabelError
        For text that is not one Indonesian number (letters, several numbers, a foreign
        country code, too few or too many digits).
    """
    cleaned = unicodedata.normalize("NFKC", text).strip()
    if re.search(r"[;,|]|\s/\s|\b(?:dan|atau|or|and)\b", cleaned, re.IGNORECASE):
        raise LabelError(Message.of("input.phone_several", expected=PHONE_EXPECTED))
    cleaned = cleaned.replace("(0)", "")
    compact = _PHONE_GROUPING.sub("", cleaned)
    if compact.startswith("+"):
        if not compact.startswith("+62"):
            raise LabelError(Message.of("input.phone_foreign", expected=PHONE_EXPECTED))
        national = compact[3:]
    elif compact.startswith("0062"):
        national = compact[4:]
    elif compact.startswith("62"):
        national = compact[2:]
    elif compact.startswith("0"):
        national = compact[1:]
    elif compact.startswith("8"):
        national = compact  # a mobile number whose leading 0 was lost
    else:
        national = ""
    digits = sum(c.isdigit() for c in compact)
    if not national.isascii() or not national.isdigit():
        if re.search(r"[eE][+]?[0-9]+$", compact):
            raise LabelError(Message.of("input.phone_scientific", expected=PHONE_EXPECTED))
        raise LabelError(
            Message.of("input.phone_not_number", digits=digits, expected=PHONE_EXPECTED)
        )
    national = national.removeprefix("0")  # "+62 0812..." written with the trunk prefix
    low, high = PHONE_DIGITS_RANGE
    if not low <= len(national) <= high:
        raise LabelError(
            Message.of(
                "input.phone_digits",
                digits=len(national),
                low=low,
                high=high,
                expected=PHONE_EXPECTED,
            )
        )
    return "+62" + national


def is_mobile(number: str) -> bool:
    """Whether a number from :func:`phone` is a mobile number (WhatsApp lives there)."""
    return number.startswith("+628")


def phone_display(number: str) -> str:
    """A number from :func:`phone` as Indonesians write it: ``0812 3456 7890`` (a mobile
    number in groups of four; a landline, whose area code has 2 or 3 digits, as one run)."""
    if not number:
        return ""
    national = "0" + number.removeprefix("+62")
    if not is_mobile(number):
        return national
    groups = [national[:4], *(national[i : i + 4] for i in range(4, len(national), 4))]
    return " ".join(groups)


def whatsapp_link(number: str) -> str:
    """``https://wa.me/6281234567890`` for a mobile number from :func:`phone`; ``""`` for
    none or a landline."""
    return f"https://wa.me/{number.removeprefix('+')}" if is_mobile(number) else ""


# Common short forms of province names (Indonesian usage).
_PROVINCE_ALIASES = {
    "11": ("nad", "nanggroe aceh darussalam", "di aceh"),
    "12": ("sumut",),
    "13": ("sumbar",),
    "16": ("sumsel",),
    "19": ("babel", "bangka belitung"),
    "21": ("kepri",),
    "31": ("dki", "dki jakarta", "jakarta"),
    "32": ("jabar",),
    "33": ("jateng",),
    "34": ("diy", "di yogyakarta", "yogyakarta", "jogja", "jogjakarta", "yogya"),
    "35": ("jatim",),
    "52": ("ntb",),
    "53": ("ntt",),
    "61": ("kalbar",),
    "62": ("kalteng",),
    "63": ("kalsel",),
    "64": ("kaltim",),
    "65": ("kaltara",),
    "71": ("sulut",),
    "72": ("sulteng",),
    "73": ("sulsel",),
    "74": ("sultra",),
    "76": ("sulbar",),
    "82": ("malut",),
    "92": ("pabar",),
    "96": ("pbd",),
}
_REGENCY_PREFIX = re.compile(r"^(kabupaten|kab|kota administrasi|kota adm|kota)\s+")


def _region_key(text: str) -> str:
    key = simplify(text).replace("sumatra", "sumatera")
    return re.sub(r"^provinsi\s+|^prov\s+", "", key)


@dataclass(frozen=True)
class RegionNames:
    """Province and regency codes from Kemendagri codes or names.

    Built from the names in ``geo/provinces.gpkg`` and ``geo/regencies.gpkg``. Regency names
    may omit ``Kabupaten``/``Kab.``/``Kota``; a bare name shared by a regency and a city
    (``Bandung``) stands for both.
    """

    province_codes: Mapping[str, str]  # key -> code
    regency_codes: Mapping[str, frozenset[str]]  # key -> codes

    @classmethod
    def of(
        cls, provinces: Iterable[tuple[str, str]], regencies: Iterable[tuple[str, str]]
    ) -> RegionNames:
        """From (code, name) pairs of provinces and regencies."""
        province_codes: dict[str, str] = {}
        for code, name in provinces:
            province_codes[code] = code
            province_codes[_region_key(name)] = code
        for code, aliases in _PROVINCE_ALIASES.items():
            for alias in aliases:
                province_codes.setdefault(simplify(alias), code)
        regency_codes: dict[str, set[str]] = {}
        for code, name in regencies:
            full = _region_key(name)
            bare = _REGENCY_PREFIX.sub("", full)
            for key in {code, f"{code[:2]} {code[2:]}", full, bare}:
                regency_codes.setdefault(key, set()).add(code)
            if full.startswith("kabupaten "):
                regency_codes.setdefault("kab " + bare, set()).add(code)
        return cls(province_codes, {k: frozenset(v) for k, v in regency_codes.items()})

    def province(self, text: str) -> str:
        """The province code of a code (``32``) or name (``Jawa Barat``, ``Jabar``)."""
        found = self.province_codes.get(_region_key(text))
        if found is None:
            raise LabelError(Message.of("input.not_province"))
        return found

    def regency(self, text: str) -> frozenset[str]:
        """Codes a regency code (``3273``, ``32.73``) or name (``Kota Bandung``) may mean."""
        key = _region_key(text)
        found = self.regency_codes.get(key) or self.regency_codes.get(_REGENCY_PREFIX.sub("", key))
        if not found:
            raise LabelError(Message.of("input.not_regency"))
        return found
