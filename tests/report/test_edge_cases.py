"""Outputs stay correct for awkward inputs: nobody served, odd ids, hostile names."""

from __future__ import annotations

import dataclasses

import icalendar
import openpyxl
import pandas as pd

from tests.conftest import BANDUNG, GARUT
from tests.report.conftest import with_plan
from tkm_assign.config import Config
from tkm_assign.model import Problem
from tkm_assign.report import write_plan_outputs
from tkm_assign.report.calendars import MAX_STEM_CHARS, mentor_file_names
from tkm_assign.report.tables import ASSIGNMENT_COLUMNS, SCHEDULE_COLUMNS, PlanTables


def test_nobody_served_still_writes_every_output(tmp_path, make_participant, make_mentor):
    problem = Problem(
        (make_participant("P1", GARUT),), (make_mentor("M1", BANDUNG, max_caseload=1),), Config()
    )
    assignments = pd.DataFrame(
        [
            (
                "P1",
                "",
                "unassigned",
                "no mentor within 240 min",
                "Jawa Barat",
                "industri_boga",
                False,
                None,
                None,
                None,
            )
        ],
        columns=list(ASSIGNMENT_COLUMNS),
    )
    tables = PlanTables(assignments=assignments, assignment_summary={"status": "INFEASIBLE"})
    files = {p.name for p in write_plan_outputs(tmp_path, problem, tables, "en")}
    assert {"plan.xlsx", "report.html", "map.png", "plan.gpkg", "summary.json"} <= files
    assert "no mentor within 240 min" in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_odd_mentor_ids_get_distinct_file_names():
    assert mentor_file_names(["M/1", "M_1", "m_1", "../x"]) == {
        "M/1": "M_1",
        "M_1": "M_1-2",
        "m_1": "m_1-3",
        "../x": "_x",
    }


def test_names_are_text_never_formulas_or_markup(tmp_path, make_participant, make_mentor):
    person = dataclasses.replace(
        make_participant("P1", GARUT), name='=HYPERLINK("x","y")', village="<b>Desa</b>; A, B"
    )
    mentor = dataclasses.replace(make_mentor("M/1", BANDUNG), name="Ani <script>")
    problem = Problem((person,), (mentor,), Config())
    assignments = pd.DataFrame(
        [("P1", "M/1", "assigned", "", "Jawa Barat", "industri_boga", True, 70, 46.8, 7.3)],
        columns=list(ASSIGNMENT_COLUMNS),
    )
    schedule = pd.DataFrame(
        [("S1", "M/1", "P1", "2027-07-06", "09:30", "11:00", "onsite", 1, 70)],
        columns=list(SCHEDULE_COLUMNS),
    )
    tables = with_plan(
        PlanTables(assignments=assignments, assignment_summary={}, schedule=schedule)
    )
    write_plan_outputs(tmp_path, problem, tables, "id")
    sheet = openpyxl.load_workbook(tmp_path / "plan.xlsx")["Penugasan"]
    assert sheet["B2"].value == '=HYPERLINK("x","y")' and sheet["B2"].data_type == "s"
    page = (tmp_path / "calendars" / "M_1.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "Ani &lt;script&gt;" in page
    event = icalendar.Calendar.from_ical((tmp_path / "calendars" / "M_1.ics").read_bytes())
    (only,) = event.walk("VEVENT")
    assert str(only["LOCATION"]).startswith("<b>Desa</b>; A, B, Kabupaten Garut")


def test_reserved_and_long_ids_become_file_names():
    # Defect: Windows device names became file names; a 300-character id made a file name
    # too long to write.
    long_a, long_b = "M" * 300, "M" * 299 + "N"
    names = mentor_file_names(["CON", "nul", "Com1.x", "LPT9", long_a, long_b, "a."])
    assert names["CON"] == "_CON" and names["nul"] == "_nul" and names["Com1.x"] == "_Com1.x"
    assert names["LPT9"] == "_LPT9" and names["a."] == "a"
    assert names[long_a] != names[long_b]
    assert all(len(stem) <= MAX_STEM_CHARS for stem in names.values())


def _plan_with_mentor_ids(ids: list[str], make_participant, make_mentor) -> tuple:
    participants = tuple(make_participant(f"P{i}", GARUT) for i in range(len(ids)))
    mentors = tuple(make_mentor(mid, BANDUNG) for mid in ids)
    problem = Problem(participants, mentors, Config())
    assignments = pd.DataFrame(
        [
            (
                p.participant_id,
                m,
                "assigned",
                "",
                "Jawa Barat",
                "industri_boga",
                True,
                70,
                46.8,
                7.3,
            )
            for p, m in zip(participants, ids, strict=True)
        ],
        columns=list(ASSIGNMENT_COLUMNS),
    )
    schedule = pd.DataFrame(
        [
            (f"S{i}", m, p.participant_id, "2027-07-06", "09:30", "11:00", "onsite", 1, 70)
            for i, (p, m) in enumerate(zip(participants, ids, strict=True))
        ],
        columns=list(SCHEDULE_COLUMNS),
    )
    return problem, with_plan(
        PlanTables(assignments=assignments, assignment_summary={}, schedule=schedule)
    )


def test_maths_text_in_mentor_ids_crashes_the_maps(
    tmp_path, monkeypatch, make_participant, make_mentor
):
    # Defect: mentor ids M$\foo$ and A$^$B crashed the map writer (mathtext parse error),
    # and a paired $...$ that parses was drawn as a formula.
    from matplotlib.figure import Figure
    from matplotlib.text import Text

    parsed: list[str] = []
    original = Figure.savefig

    def save_and_look(fig: Figure, *args: object, **kwargs: object) -> None:
        original(fig, *args, **kwargs)  # tick labels and legends exist once drawn
        parsed.extend(t.get_text() for t in fig.findobj(Text) if t.get_parse_math())

    monkeypatch.setattr(Figure, "savefig", save_and_look)
    # And found by the fuzz test: glyphs the chart font lacks warned ("Glyph missing").
    ids = ["M$\\foo$", "A$^$B", "$x^2$", "CON", "日本語", "M🙂"]
    problem, tables = _plan_with_mentor_ids(ids, make_participant, make_mentor)
    written = {
        p.relative_to(tmp_path).as_posix()
        for p in write_plan_outputs(tmp_path, problem, tables, "en")
    }
    assert "map.png" in written and "maps/jawa-barat.png" in written
    assert parsed == []
    assert (tmp_path / "calendars" / "_CON.ics").is_file()


def test_maths_text_in_scenario_names_crashes_the_charts(tmp_path, monkeypatch):
    from matplotlib.figure import Figure
    from matplotlib.text import Text

    from tkm_assign.scenarios.outputs import chart_measures, scenario_chart

    parsed: list[str] = []
    original = Figure.savefig

    def save_and_look(fig: Figure, *args: object, **kwargs: object) -> None:
        original(fig, *args, **kwargs)
        parsed.extend(t.get_text() for t in fig.findobj(Text) if t.get_parse_math())

    monkeypatch.setattr(Figure, "savefig", save_and_look)
    table = pd.DataFrame(
        {"scenario": ["$x^2$", "M$\\foo$"], **{m[0]: [0.5, 0.7] for m in chart_measures("en")}}
    )
    import matplotlib as mpl

    from tkm_assign.scenarios.outputs import _STYLE

    with mpl.rc_context(_STYLE):
        scenario_chart(table, chart_measures("en"), "en").savefig(tmp_path / "s.png")
    assert parsed == []


def test_long_names_and_ids_squeeze_charts_and_maps_to_nothing(tmp_path):
    # Found by the fuzz test: a 5,000-character mentor name in the map legend (and 64-
    # character ids as tick labels) collapsed the drawing ("axes sizes collapsed to zero").
    from pathlib import Path

    from tkm_assign.cli import main

    valid = Path(__file__).parents[1] / "data" / "valid"
    participants = pd.read_csv(valid / "participants.csv", dtype=str, keep_default_na=False)
    mentors = pd.read_csv(valid / "mentors.csv", dtype=str, keep_default_na=False)
    long_id = "M" * 64
    mentors.loc[0, ["mentor_id", "name"]] = [long_id, "x" * 5000]
    for column in ("current_mentor_id", "pinned_mentor_id"):
        participants[column] = participants[column].replace({"M1": long_id})
    participants.loc[0, "name"] = "y" * 5000
    participants.to_csv(tmp_path / "p.csv", index=False)
    mentors.to_csv(tmp_path / "m.csv", index=False)
    args = ["--participants", str(tmp_path / "p.csv"), "--mentors", str(tmp_path / "m.csv")]
    fast = ["--set", "travel.model=haversine", "--set", 'travel.cache_dir=""', "--quiet"]
    assert main(["plan", *args, *fast, "--out", str(tmp_path / "plan")]) == 0
    stems = [p.stem for p in (tmp_path / "plan" / "calendars").glob("*.ics")]
    assert len(stems) == 5 and all(len(stem) <= MAX_STEM_CHARS for stem in stems)
