import datetime as dt

import pytest

from tkm_assign.geo.regions import Geography
from tkm_assign.io import labels
from tkm_assign.io.labels import LabelError, RegionNames
from tkm_assign.model import IncomeRole, NeedLevel, Sector, TechLiteracy, Transport

ACCEPTED = [
    (labels.sector, "pertanian_peternakan", Sector.PERTANIAN_PETERNAKAN),
    (labels.sector, "Pertanian dan Peternakan", Sector.PERTANIAN_PETERNAKAN),
    (labels.sector, "PERTANIAN & PETERNAKAN", Sector.PERTANIAN_PETERNAKAN),
    (labels.sector, "livestock", Sector.PERTANIAN_PETERNAKAN),
    (labels.sector, "Perdagangan Barang dan Jasa", Sector.PERDAGANGAN_JASA),
    (labels.sector, "perdagangan barang & jasa", Sector.PERDAGANGAN_JASA),
    (labels.sector, "Trade and services", Sector.PERDAGANGAN_JASA),
    (labels.sector, "Industri Boga", Sector.INDUSTRI_BOGA),
    (labels.sector, "culinary", Sector.INDUSTRI_BOGA),
    (labels.sector, "Makanan & Minuman", Sector.INDUSTRI_BOGA),
    (labels.sector, " industri   kreatif ", Sector.INDUSTRI_KREATIF),
    (labels.sector, "Creative Industry", Sector.INDUSTRI_KREATIF),
    (labels.sector, "Perikanan dan Kelautan", Sector.PERIKANAN_KELAUTAN),
    (labels.sector, "FISHERIES", Sector.PERIKANAN_KELAUTAN),
    (labels.sector, "marine", Sector.PERIKANAN_KELAUTAN),
    (labels.tech_literacy, "Mahir", TechLiteracy.PROFICIENT),
    (labels.tech_literacy, "cukup", TechLiteracy.ADEQUATE),
    (labels.tech_literacy, "KURANG", TechLiteracy.LOW),
    (labels.tech_literacy, "low", TechLiteracy.LOW),
    (labels.need_level, "tinggi", NeedLevel.HIGH),
    (labels.need_level, "Sedang", NeedLevel.MEDIUM),
    (labels.need_level, "rendah", NeedLevel.LOW),
    (labels.income_role, "utama", IncomeRole.PRIMARY),
    (labels.income_role, "Sampingan", IncomeRole.SECONDARY),
    (labels.transport, "sepeda motor", Transport.MOTORCYCLE),
    (labels.transport, "Mobil", Transport.CAR),
    (labels.transport, "angkutan umum", Transport.PUBLIC),
    (labels.boolean, "Ya", True),
    (labels.boolean, "tidak", False),
    (labels.boolean, "TRUE", True),
    (labels.boolean, "0", False),
    (labels.working_days, "Mon-Fri", frozenset({0, 1, 2, 3, 4})),
    (labels.working_days, "Senin-Jumat", frozenset({0, 1, 2, 3, 4})),
    (labels.working_days, "Senin s/d Sabtu", frozenset({0, 1, 2, 3, 4, 5})),
    (labels.working_days, "Senin;Rabu;Jum'at", frozenset({0, 2, 4})),
    (labels.working_days, "mon;wed;thu", frozenset({0, 2, 3})),
    (labels.number, "-6,9175", -6.9175),
    (labels.number, " 107.6191 ", 107.6191),
    (labels.number, "1E-05", 1e-05),
    (labels.number, "+3", 3.0),
    (labels.number, "−6.5", -6.5),
    (labels.number, ".5", 0.5),
    (labels.whole_number, "3.0", 3),
    (labels.id_list, "M1; M2 ;", frozenset({"M1", "M2"})),
    (
        labels.sectors,
        "Industri Boga; perdagangan_jasa",
        frozenset({Sector.INDUSTRI_BOGA, Sector.PERDAGANGAN_JASA}),
    ),
    (
        labels.date_ranges,
        "2027-08-17..2027-08-21; 2027-07-20",
        (
            (dt.date(2027, 7, 20), dt.date(2027, 7, 20)),
            (dt.date(2027, 8, 17), dt.date(2027, 8, 21)),
        ),
    ),
]

REJECTED = [
    (labels.sector, "bakery", "is not a sector"),
    (labels.sectors, ";", "names no sector"),
    (labels.sectors, "boga;bakery", "contains 'bakery', which is not a sector"),
    (labels.tech_literacy, "expert", "is not a tech literacy level"),
    (labels.need_level, "kurang", "is not a need level"),
    (labels.boolean, "maybe", "is not yes or no"),
    (labels.transport, "helicopter", "is not a transport mode"),
    (labels.working_days, "Mon-Fro", "is not a list of working days"),
    (labels.working_days, "Fri-Mon", "is not a list of working days"),
    (labels.date_ranges, "17/08/2027", "is not a date range"),
    (labels.date_ranges, "2027-02-30", "is not a calendar date"),
    (labels.date_ranges, "2027-08-21..2027-08-17", "ends before it starts"),
    (labels.date_ranges, "2027-08-01;2027-13-01", "contains '2027-13-01', which is not a calendar"),
    (labels.number, "6°40'S", "is not a number"),
    (labels.number, "nan", "is not a number"),
    (labels.number, "1,234.5", "is not a number"),
    # Python's float accepts these; a spreadsheet never writes them (lenient numbers).
    (labels.number, "1_10.3", "is not a number"),
    (labels.number, "١٢٣", "is not a number"),
    (labels.number, "１２.５", "is not a number"),
    (labels.number, "inf", "is not a number"),
    (labels.number, "1e999", "is not a finite number"),
    (labels.number, "--5", "is not a number"),
    (labels.whole_number, "2.5", "is not a whole number"),
]


@pytest.mark.parametrize(("parse", "text", "value"), ACCEPTED)
def test_accepted_labels(parse, text, value):
    assert parse(text) == value


@pytest.mark.parametrize(("parse", "text", "message"), REJECTED)
def test_rejected_labels_say_what_is_expected(parse, text, message):
    with pytest.raises(LabelError, match=message.replace("(", r"\(")) as caught:
        parse(text)
    assert str(caught.value.expected).startswith(("is ", "names ", "contains ", "ends "))


@pytest.fixture(scope="module")
def names(geography: Geography) -> RegionNames:
    return RegionNames.of(
        zip(
            geography.provinces["province_code"], geography.provinces["province_name"], strict=True
        ),
        zip(geography.regencies["regency_code"], geography.regencies["regency_name"], strict=True),
    )


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("32", "32"),
        ("Jawa Barat", "32"),
        ("JABAR", "32"),
        ("Provinsi Jawa Barat", "32"),
        ("DKI Jakarta", "31"),
        ("Daerah Khusus Ibukota Jakarta", "31"),
        ("DIY", "34"),
        ("Sumatra Utara", "12"),
        ("NTT", "53"),
    ],
)
def test_province_names_and_codes(names: RegionNames, text: str, code: str):
    assert names.province(text) == code


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("3273", {"3273"}),
        ("32.73", {"3273"}),
        ("Kota Bandung", {"3273"}),
        ("Kabupaten Bandung", {"3204"}),
        ("Kab. Bandung", {"3204"}),
        ("kab bandung", {"3204"}),
        ("Bandung", {"3204", "3273"}),
        ("Garut", {"3205"}),
        ("KOTA  DENPASAR", {"5171"}),
    ],
)
def test_regency_names_tolerate_prefixes(names: RegionNames, text: str, codes: set[str]):
    assert names.regency(text) == codes


def test_unknown_regions_are_label_errors(names: RegionNames):
    with pytest.raises(LabelError, match="not a province"):
        names.province("Atlantis")
    with pytest.raises(LabelError, match="not a regency"):
        names.regency("Kota Atlantis")


PHONES = [
    ("081234567890", "+6281234567890"),
    ("0812-3456-7890", "+6281234567890"),
    ("0812 3456 7890", "+6281234567890"),
    ("+62 812 3456 7890", "+6281234567890"),
    ("+62 (0)812-3456-7890", "+6281234567890"),
    ("+62 0812 3456 7890", "+6281234567890"),
    ("62812.3456.7890", "+6281234567890"),
    ("0062 812 3456 7890", "+6281234567890"),
    ("81234567890", "+6281234567890"),  # a cell read as a number lost its leading 0
    ("(021) 555-1234", "+62215551234"),  # a Jakarta landline
    ("0361 223344", "+62361223344"),  # a Denpasar landline
    ("\uff10\uff18\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19", "+628123456789"),
]


@pytest.mark.parametrize(("text", "number"), PHONES)
def test_indonesian_phone_numbers_are_normalised(text: str, number: str):
    assert labels.phone(text) == number


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0819", "has 3 digits"),
        ("+62 812 3456 7890 123", "has 14 digits"),
        ("+60 12 345 6789", "country code is not +62"),
        ("tidak punya", "is not a phone number"),
        ("0819-3456-7890 / 0813-1111-2222", "more than one number"),
        ("0812345678; 0813111122", "more than one number"),
        ("8.12346E+10", "scientific notation"),
        ("0819-3456-789O", "is not a phone number"),
        ("1234567", "is not a phone number"),
    ],
)
def test_phone_numbers_that_are_not_rejected_without_repeating_them(text: str, message: str):
    with pytest.raises(LabelError) as caught:
        labels.phone(text)
    assert message in str(caught.value.expected)
    assert text not in str(caught.value.expected)  # the number itself is never repeated
    assert "0819" not in str(caught.value.expected)
    assert "expected an Indonesian phone number" in str(caught.value.expected)


def test_whatsapp_links_only_for_mobile_numbers():
    assert labels.whatsapp_link("+6281234567890") == "https://wa.me/6281234567890"
    assert labels.whatsapp_link("+62215551234") == ""
    assert labels.whatsapp_link("") == ""


def test_phone_numbers_are_shown_as_indonesians_write_them():
    assert labels.phone_display("+6281234567890") == "0812 3456 7890"
    assert labels.phone_display("+62811234567") == "0811 2345 67"
    assert labels.phone_display("+62215551234") == "0215551234"
    assert labels.phone_display("") == ""
