"""Every output is written, reads back, and an interrupted run leaves no folder behind."""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from matplotlib import image

from tkm_assign.errors import OutputError
from tkm_assign.io.output import atomic_output_dir
from tkm_assign.report import write_plan_outputs


def test_all_files_are_written(outputs):
    names = {p.relative_to(outputs).as_posix() for p in outputs.rglob("*") if p.is_file()}
    assert names == {
        "assignments.csv",
        "schedule.csv",
        "routes.csv",
        "mentor_workload.csv",
        "shortfalls.csv",
        "summary.json",
        "plan.xlsx",
        "calendars/M01.ics",
        "calendars/M02.ics",
        "calendars/M01.html",
        "calendars/M02.html",
        "report.html",
        "map.png",
        "maps/jawa-barat.png",
        "maps/bali.png",
        "plan.gpkg",
    }


def test_csv_files_keep_the_table_columns(outputs, small_tables):
    frame = pd.read_csv(outputs / "schedule.csv", encoding="utf-8-sig", dtype=str)
    assert list(frame.columns) == list(small_tables.schedule.columns)
    assert len(frame) == len(small_tables.schedule)
    assert (outputs / "assignments.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # Excel BOM


def test_summary_json(outputs):
    summary = json.loads((outputs / "summary.json").read_text(encoding="utf-8"))
    assert summary["status"] == "OPTIMAL"
    assert summary["schedule"]["onsite_share"] == pytest.approx(7 / 11)
    figures = summary["figures"]
    assert figures["participants"] == 8 and figures["assigned"] == 7
    assert figures["sessions_first_3_months"]["counts"] == {"0-2": 8, "3-4": 0, ">4": 0}
    assert figures["baseline_2024"] == {"0-2": 0.3107, "3-4": 0.589, ">4": 0.1003}
    assert summary["config"]["caseload"]["max"] == 20


def test_geopackage_layers_read_back(outputs, small_tables):
    path = outputs / "plan.gpkg"
    layers = dict(pyogrio.list_layers(path))
    assert layers == {
        "participants": "Point",
        "mentors": "Point",
        "assignment_lines": "LineString",
        "routes": "LineString",
        "sessions": "Point",
        "layer_styles": None,  # QGIS's table of default styles (no geometry)
    }
    counts = {
        "participants": 8,
        "mentors": 2,
        "assignment_lines": 7,
        "routes": 5,
        "sessions": len(small_tables.schedule),
    }
    for layer, rows in counts.items():
        frame = gpd.read_file(path, layer=layer)
        assert len(frame) == rows, layer
        assert frame.crs.to_epsg() == 4326
    routes = gpd.read_file(path, layer="routes")
    first = routes.iloc[0]
    assert first["stops"] == "P01;P04" and first["n_stops"] == 2
    assert len(first.geometry.coords) == 4  # home, P01, P04, home
    people = gpd.read_file(path, layer="participants").set_index("participant_id")
    assert people.loc["P08", "status"] == "unassigned"
    assert people.loc["P01", "sessions"] == 2 and people.loc["P01", "onsite"] == 1


def test_empty_layers_are_still_written(tmp_path, small_problem, assignment_only_tables):
    from tkm_assign.report.figures import mentor_balance
    from tkm_assign.report.gpkg import write_geopackage

    path = tmp_path / "plan.gpkg"
    balance = mentor_balance(small_problem, assignment_only_tables)
    write_geopackage(path, small_problem, assignment_only_tables, balance)
    assert len(gpd.read_file(path, layer="routes")) == 0
    assert len(gpd.read_file(path, layer="sessions")) == 0
    assert [name for name, _ in pyogrio.list_layers(path)] == [
        "participants",
        "mentors",
        "assignment_lines",
        "routes",
        "sessions",
        "layer_styles",
    ]


def test_a_geopackage_written_again_has_one_style_a_layer(
    tmp_path, small_problem, assignment_only_tables
):
    # Defect: written over an existing file, the layers were replaced but layer_styles
    # got every style a second time.
    import sqlite3
    from contextlib import closing

    from tkm_assign.report.figures import mentor_balance
    from tkm_assign.report.gpkg import write_geopackage

    path = tmp_path / "plan.gpkg"
    balance = mentor_balance(small_problem, assignment_only_tables)
    write_geopackage(path, small_problem, assignment_only_tables, balance)
    write_geopackage(path, small_problem, assignment_only_tables, balance)
    with closing(sqlite3.connect(path)) as db:
        rows = db.execute("SELECT f_table_name FROM layer_styles ORDER BY f_table_name").fetchall()
    assert sorted(name for (name,) in rows) == sorted(
        ["participants", "mentors", "assignment_lines", "routes", "sessions"]
    )


def test_geopackage_has_names_real_times_and_styles(outputs, small_tables):
    import sqlite3
    import xml.etree.ElementTree as ET
    from contextlib import closing

    path = outputs / "plan.gpkg"
    people = gpd.read_file(path, layer="participants").set_index("participant_id")
    assert people.loc["P01", "province_name"] == "Jawa Barat"
    assert people.loc["P01", "province_code"] == "32"
    assert people.loc["P01", "regency_name"].startswith(("Kota ", "Kabupaten "))
    mentors = gpd.read_file(path, layer="mentors").set_index("mentor_id")
    assert mentors.loc["M02", "province_name"] == "Bali"
    # Every place has its province and regency names (nothing left as a bare code).
    for layer in (people, mentors):
        for level in ("province", "regency"):
            assert (layer[f"{level}_name"] != "").all() and layer[f"{level}_code"].notna().all()
    # Codes keep their codes, for GIS rules; their words stand beside them (Indonesian).
    columns = list(people.columns)
    for code in ("sector", "need_level", "status"):
        assert columns.index(f"{code}_label") == columns.index(code) + 1
    assert people.loc["P01", ["sector", "sector_label"]].tolist() == [
        "industri_boga",
        "Industri boga",
    ]
    assert people.loc["P01", ["status", "status_label"]].tolist() == ["assigned", "terlayani"]
    assert people.loc["P08", ["status", "status_label"]].tolist() == [
        "unassigned",
        "belum terlayani",
    ]
    assert people.loc["P08", "reason_code"].startswith("reason.") and people.loc["P08", "reason"]
    assert people.loc["P01", "reason_code"] == ""
    assert set(people["need_level_label"]) <= {"rendah", "sedang", "tinggi"}
    m01 = mentors.loc["M01"]
    assert m01["transport_label"] == {"motorcycle": "sepeda motor", "car": "mobil"}.get(
        m01["transport"], "angkutan umum"
    )
    assert ";" not in m01["sectors_label"] or "; " in m01["sectors_label"]
    # Dates and clock times are date-time fields (QGIS's temporal controller needs them).
    routes = gpd.read_file(path, layer="routes")
    for name in ("date", "depart", "return"):
        assert pd.api.types.is_datetime64_dtype(routes[name]), name
    first = small_tables.routes.iloc[0]
    assert routes["depart"].iloc[0] == pd.Timestamp(f"{first['date']} {first['depart']}")
    assert routes["date"].iloc[0] == pd.Timestamp(first["date"])
    sessions = gpd.read_file(path, layer="sessions").set_index("session_id")
    for name in ("start", "end"):
        assert pd.api.types.is_datetime64_dtype(sessions[name]), name
    session = small_tables.schedule.iloc[0]
    row = sessions.loc[session["session_id"]]
    assert row["start"] == pd.Timestamp(f"{session['date']} {session['start']}")
    assert row["mode"] == session["mode"] and row["time_zone"] == "WIB"
    assert dict(zip(sessions["mode"], sessions["mode_label"], strict=True)) == {
        "onsite": "tatap muka",
        "online": "daring",
    }
    with closing(sqlite3.connect(path)) as db:
        # GeoPackage 1.3: what GDAL 3.6 (Debian 12) reads without a warning.
        assert db.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47  # "GPKG"
        assert db.execute("PRAGMA user_version").fetchone()[0] == 10300
        styles = db.execute(
            "SELECT f_table_name, f_geometry_column, styleQML, useAsDefault FROM layer_styles"
        ).fetchall()
    assert sorted(s[0] for s in styles) == sorted(
        ["participants", "mentors", "assignment_lines", "routes", "sessions"]
    )
    for table, geometry, qml, default in styles:
        assert geometry == "geom" and default == 1
        root = ET.fromstring(qml)
        assert root.tag == "qgis" and root.find("renderer-v2") is not None, table
    by_table = {s[0]: ET.fromstring(s[2]) for s in styles}
    assert by_table["participants"].find("renderer-v2").get("attr") == "status"
    temporal = by_table["sessions"].find("temporal")
    assert temporal.get("startField") == "start" and temporal.get("endField") == "end"
    assert by_table["routes"].find("temporal").get("startField") == "depart"


def test_gdal_of_debian_reads_the_geopackage_without_warnings(outputs):
    import os
    import shutil
    import subprocess

    ogrinfo = shutil.which("ogrinfo")
    if ogrinfo is None:
        if os.environ.get("CI"):
            pytest.fail("ogrinfo is required in CI (.ci/run installs the Debian package gdal-bin)")
        pytest.skip("ogrinfo not installed (Debian package `gdal-bin`); CI installs it")
    done = subprocess.run(
        [ogrinfo, "-so", "-al", str(outputs / "plan.gpkg")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Warning" not in done.stdout + done.stderr, done.stderr
    assert "ERROR" not in done.stdout + done.stderr
    for layer in ("participants", "mentors", "assignment_lines", "routes", "sessions"):
        assert f"Layer name: {layer}" in done.stdout
    assert "start: DateTime" in done.stdout and "depart: DateTime" in done.stdout


def test_maps_are_real_pngs(outputs):
    country = outputs / "map.png"
    assert country.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    height, width = image.imread(country).shape[:2]
    assert width >= 2000 and 700 <= height <= width
    for name in ("jawa-barat", "bali"):
        pixels = image.imread(outputs / "maps" / f"{name}.png")
        assert pixels.shape[1] >= 1000
        assert pixels[..., :3].std() > 0.05  # a drawing, not a blank canvas


def test_interrupted_run_leaves_no_folder(tmp_path, small_problem, small_tables, monkeypatch):
    import tkm_assign.report.gpkg

    def power_cut(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(tkm_assign.report.gpkg, "write_geopackage", power_cut)
    target = tmp_path / "plan"
    with pytest.raises(KeyboardInterrupt), atomic_output_dir(target) as staging:
        write_plan_outputs(staging, small_problem, small_tables, "id")
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []  # no half-written staging folder either


def test_existing_folder_is_not_replaced_without_force(tmp_path):
    (tmp_path / "plan").mkdir()
    with pytest.raises(OutputError, match="already exists"), atomic_output_dir(tmp_path / "plan"):
        pass


def _contents(folder):
    """Each file's bytes, with the time it was written taken out."""
    import re

    out = {}
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.suffix == ".gpkg":
            continue
        data = path.read_bytes()
        data = re.sub(rb"DTSTAMP:\d{8}T\d{6}Z", b"DTSTAMP:", data)
        data = re.sub(rb"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?", b"<time>", data)
        if path.suffix == ".xlsx":
            data = b""  # zip members carry their time; compared by cells below
        out[path.relative_to(folder).as_posix()] = data
    return out


@pytest.mark.slow
def test_worker_processes_write_the_same_files(
    tmp_path, small_problem, small_tables, outputs, monkeypatch
):
    import openpyxl

    import tkm_assign.report

    monkeypatch.setattr(tkm_assign.report, "PARALLEL_FROM_SESSIONS", 0)
    folder = tmp_path / "parallel"
    folder.mkdir()
    written = write_plan_outputs(folder, small_problem, small_tables, "id", workers=2)
    serial = tmp_path / "serial"
    serial.mkdir()
    assert [p.relative_to(folder) for p in written] == [
        p.relative_to(serial)
        for p in write_plan_outputs(serial, small_problem, small_tables, "id", workers=1)
    ]
    assert _contents(folder) == _contents(serial)
    books = [openpyxl.load_workbook(f / "plan.xlsx") for f in (folder, serial)]
    for a, b in zip(*(book.worksheets for book in books), strict=True):
        # Every cell but the summary's time of writing ("Dibuat").
        rows = [
            [[c.value for c in row] for row in sheet.iter_rows() if row[0].value != "Dibuat"]
            for sheet in (a, b)
        ]
        assert rows[0] == rows[1], a.title


def test_a_plan_pickles_to_the_same_plan(small_tables):
    """The typed plan a worker process receives (pickled by columns) is the plan sent."""
    import pickle

    from tkm_assign.model import Schedule

    plan = small_tables.plan
    assert plan is not None and plan.sessions and plan.routes
    assert pickle.loads(pickle.dumps(plan)) == plan
    empty = Schedule((), (), (), plan.month_starts, 0.0, 1)
    assert pickle.loads(pickle.dumps(empty)) == empty
