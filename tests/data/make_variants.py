"""Rebuild the format variants in tests/data/valid/ from participants.csv and mentors.csv.

    python tests/data/make_variants.py

Each variant holds the same people as the comma CSV files, written the way other tools
write them: a semicolon CSV with BOM, CRLF, decimal commas and Indonesian headers and
labels (Excel with Indonesian regional settings); an XLSX workbook with an instructions
sheet before the ``peserta`` sheet and numbers stored as numbers; an XLSX workbook whose
first sheet is a chart sheet; GeoJSON points without
latitude/longitude columns; a GeoPackage layer ``pendamping`` in Web Mercator (EPSG:3857).
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import openpyxl
import pandas as pd
from openpyxl.chart import BarChart, Reference

HERE = Path(__file__).parent / "valid"

INDONESIAN_HEADERS = {
    "participant_id": "ID Peserta",
    "name": "Nama",
    "latitude": "Lintang",
    "longitude": "Bujur",
    "province": "Provinsi",
    "regency": "Kabupaten/Kota",
    "sector": "Sektor",
    "tech_literacy": "Literasi Teknologi",
    "internet": "Internet",
    "income_role": "Peran Pendapatan",
    "need_level": "Kebutuhan",
    "sessions_per_month": "Sesi per Bulan",
    "program_months": "Lama Program",
    "current_mentor_id": "Pendamping Saat Ini",
    "pinned_mentor_id": "Pendamping Tetap",
    "excluded_mentor_ids": "Pendamping Dikecualikan",
}
INDONESIAN_LABELS = {
    "industri_boga": "Industri Boga",
    "pertanian_peternakan": "Pertanian dan Peternakan",
    "perdagangan_jasa": "Perdagangan Barang & Jasa",
    "industri_kreatif": "INDUSTRI KREATIF",
    "perikanan_kelautan": "Perikanan dan Kelautan",
    "proficient": "mahir",
    "adequate": "Cukup",
    "low": "kurang",
    "yes": "ya",
    "no": "tidak",
    "primary": "utama",
    "secondary": "sampingan",
    "high": "tinggi",
    "medium": "sedang",
}


def main() -> None:
    participants = pd.read_csv(HERE / "participants.csv", dtype=str, keep_default_na=False)
    mentors = pd.read_csv(HERE / "mentors.csv", dtype=str, keep_default_na=False)

    semicolon = participants.copy()
    for column in ("latitude", "longitude"):
        semicolon[column] = semicolon[column].str.replace(".", ",", regex=False)
    label_columns = ["sector", "tech_literacy", "internet", "income_role", "need_level"]
    for column in label_columns:
        labels = (
            {**INDONESIAN_LABELS, "low": "rendah"} if column == "need_level" else INDONESIAN_LABELS
        )
        semicolon[column] = semicolon[column].map(lambda v, labels=labels: labels.get(v, v))
    semicolon = semicolon.rename(columns=INDONESIAN_HEADERS)
    semicolon.to_csv(
        HERE / "participants_semicolon_bom.csv",
        sep=";",
        index=False,
        encoding="utf-8-sig",
        lineterminator="\r\n",
    )

    book = openpyxl.Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "Petunjuk"
    notes.append(["Isi lembar 'peserta': satu baris per peserta."])
    sheet = book.create_sheet("peserta")
    sheet.append(list(participants.columns))
    numeric = {"latitude", "longitude", "sessions_per_month", "program_months"}
    for record in participants.to_dict("records"):
        sheet.append(
            [
                (float(v) if "." in v else int(v)) if k in numeric and v else (v or None)
                for k, v in record.items()
            ]
        )
    book.save(HERE / "participants.xlsx")

    # A chart sheet first, the table on the first worksheet (not named after the table).
    book = openpyxl.Workbook()
    data = book.active
    assert data is not None
    data.title = "Data"
    data.append(list(participants.columns))
    for record in participants.to_dict("records"):
        data.append([v or None for v in record.values()])
    chart = BarChart()
    chart.add_data(Reference(data, min_col=3, min_row=1, max_row=len(participants) + 1))
    book.create_chartsheet("Grafik", 0).add_chart(chart)
    book.save(HERE / "participants_chart_sheet_first.xlsx")

    points = gpd.GeoDataFrame(
        participants.drop(columns=["latitude", "longitude"]),
        geometry=gpd.points_from_xy(
            participants["longitude"].astype(float), participants["latitude"].astype(float)
        ),
        crs=4326,
    )
    path = HERE / "participants.geojson"
    path.unlink(missing_ok=True)
    points.to_file(path, driver="GeoJSON")

    homes = gpd.GeoDataFrame(
        mentors.drop(columns=["latitude", "longitude"]),
        geometry=gpd.points_from_xy(
            mentors["longitude"].astype(float), mentors["latitude"].astype(float)
        ),
        crs=4326,
    ).to_crs(3857)
    path = HERE / "mentors.gpkg"
    path.unlink(missing_ok=True)
    homes.to_file(path, driver="GPKG", layer="pendamping")


if __name__ == "__main__":
    main()
