"""Progress on a small hand-made case, every figure checked by hand."""

from __future__ import annotations

import datetime as dt
import pickle

import pytest

from tests.programme.factory import config, logbook, people, plan_of, session
from tkm_assign import app, rules
from tkm_assign.messages import render
from tkm_assign.programme.follow import follow

BANDUNG = (-6.9175, 107.6191)
CIMAHI = (-6.8722, 107.5425)
AS_OF = "2027-08-20"  # month 2 (2027-08-05..09-04); month 1 is over


@pytest.fixture(scope="module")
def case():
    cfg = config()
    problem = people(
        [
            # A: medium need, 3 a month; B: low need, 2 a month; C withdrew; D has no mentor;
            # E joins in month 2.
            ("A", "Ani", *BANDUNG, "industri_boga", "adequate", "medium", "", "", ""),
            ("B", "Bayu", *CIMAHI, "industri_boga", "adequate", "low", "", "", ""),
            (
                "C",
                "Citra",
                *BANDUNG,
                "industri_boga",
                "adequate",
                "high",
                "keluar",
                "2027-07-20",
                "",
            ),
            ("D", "Dodi", *CIMAHI, "industri_boga", "adequate", "medium", "", "", ""),
            (
                "E",
                "Eka",
                *BANDUNG,
                "industri_boga",
                "adequate",
                "medium",
                "aktif",
                "",
                "2027-09-01",
            ),
            # F: high need, 4 a month, one session held in month 1.
            ("F", "Fajar", *CIMAHI, "industri_boga", "adequate", "high", "", "", ""),
        ],
        [("M1", "Hendra", -6.9147, 107.6098, "industri_boga")],
        cfg,
    )
    plan = plan_of(
        {"A": "M1", "B": "M1", "C": "M1", "D": None, "F": "M1"},
        [
            session("A", "M1", "2027-07-06", "onsite", 540),
            session("A", "M1", "2027-07-13"),
            session("A", "M1", "2027-07-20"),  # missed
            session("A", "M1", "2027-08-09", "onsite", 540),
            session("A", "M1", "2027-08-16"),
            session("A", "M1", "2027-08-23"),
            session("A", "M1", "2027-09-06", "onsite", 540),
            session("B", "M1", "2027-07-07", "onsite", 600),  # missed
            session("B", "M1", "2027-07-21"),  # missed
            session("B", "M1", "2027-08-11", "onsite", 600),  # missed
            session("B", "M1", "2027-08-25"),
            session("C", "M1", "2027-07-08", "onsite", 540),
            session("C", "M1", "2027-07-15"),  # missed (withdrew on 07-20)
        ],
    )
    book = logbook(
        [
            ("A", "M1", "2027-07-06", "onsite"),
            ("A", "M1", "2027-07-13", "online"),
            ("A", "M1", "2027-08-10", "onsite"),  # the 08-09 visit, a day late
            ("A", "M1", "2027-08-16", "online"),
            ("C", "M1", "2027-07-08", "onsite"),
            ("F", "M1", "2027-07-09", "onsite"),
        ],
        AS_OF,
    )
    result = app.progress(problem, plan, book)
    return problem, plan, book, result


def _row(result, pid):
    frame = result.tables.participants
    return frame[frame["participant_id"] == pid].iloc[0]


def test_the_logbook_fulfils_planned_sessions_by_day_then_by_month(case):
    problem, plan, book, _ = case
    followed = follow(plan, book, rules.month_starts(problem.config.programme.start_date, 6))
    assert len(followed.planned_past) == 10
    assert {s.session_id for s in followed.missed} == {
        "M1-A-2027-07-20",
        "M1-B-2027-07-07",
        "M1-B-2027-07-21",
        "M1-B-2027-08-11",
        "M1-C-2027-07-15",
    }
    # The visit held on 08-10 fulfils the one planned on 08-09 (same month); F's visit was
    # not planned (an extra session).
    assert len(followed.fulfils) == 5 and len(followed.held) == 6 and len(followed.future) == 3


def test_a_participant_on_track(case):
    a = _row(case[3], "A")
    assert a["status"] == "on_track" and a["reasons"] == ()
    assert (a["sessions_held"], a["sessions_due"], a["sessions_programme"]) == (4, 3, 9)
    assert (a["onsite_held"], a["onsite_programme"]) == (2, 3)
    assert (a["onsite_held_this_month"], a["onsite_due_this_month"]) == (1, 1)
    assert a["sessions_missed"] == 1 and a["sessions_planned_ahead"] == 2
    assert a["last_session"] == dt.date(2027, 8, 16) and a["days_since_last"] == 4


def test_a_participant_without_sessions_is_behind_with_every_reason(case):
    b = _row(case[3], "B")
    # 6 sessions left (2 a month for 3 months): from 08-21 M1 works 08-23..08-27 and
    # 08-30..09-03, where 2 fit 5 days apart; month 3 takes the maximum of 4: 6 fit.
    assert b["status"] == "behind"
    assert [render(m, "en") for m in b["reasons"]] == [
        # 10 of M1's working days are left in month 2: more than progress.last_working_days,
        # so the missing onsite visit makes B behind, not at risk.
        "no onsite visit yet in month 2 and 10 working days left",
        "0 of the 2 sessions due by the end of month 1 held",
        "no session yet, 46 days into the programme",
    ]


def test_a_participant_who_cannot_catch_up_is_at_risk(case):
    f = _row(case[3], "F")
    # 12 sessions in the programme, 1 held: 11 left, but only 2 fit in month 2 and 4 (the
    # maximum a month) in month 3.
    assert f["status"] == "at_risk"
    assert render(f["reasons"][0], "en").startswith(
        "cannot reach 11 more sessions in the time left: 6 fit on the mentor's "
    )
    assert [m.code for m in f["reasons"][1:]] == [
        "progress.reason.no_onsite_this_month",
        "progress.reason.behind_sessions",  # 1 of 4 by the end of month 1
        "progress.reason.quiet",  # since 07-09: 42 days
    ]


def test_withdrawn_unassigned_and_late_joiner(case):
    result = case[3]
    c, d, e = (_row(result, pid) for pid in "CDE")
    assert c["status"] == "withdrawn"
    assert render(c["reasons"][0], "en") == "withdrew on 2027-07-20"
    assert d["status"] == "at_risk" and d["reasons"][0].code == "progress.reason.no_mentor"
    assert e["status"] == "on_track"
    assert render(e["reasons"][0], "id") == "bergabung dengan program pada 2027-09-01"
    # E's programme runs from month 2 (the month holding 09-01) for 3 months.
    assert e["sessions_due"] == 0 and e["sessions_programme"] == 9


def test_mentor_figures(case):
    m1 = case[3].tables.mentors.iloc[0]
    assert m1["participants"] == 4  # A, B, C and F in the plan
    assert (m1["sessions_planned"], m1["sessions_held"], m1["sessions_missed"]) == (10, 6, 5)
    assert m1["missed_rate"] == 0.5
    # 4 onsite visits of 90 min and 2 online of 60, plus the riding of the 4 visit days.
    assert m1["hours_held"] == pytest.approx((4 * 90 + 2 * 60) / 60 + m1["travel_hours_held"])
    assert m1["travel_hours_held"] > 0
    # Working days 07-05..08-20: 23 in month 1 (184 h) and 11 of month 2's 21 (168 h).
    assert m1["available_hours"] == pytest.approx(184 + 168 * 11 / 21, abs=0.01)
    assert (m1["participants_behind"], m1["participants_at_risk"]) == (1, 1)


def test_programme_distribution_counts_every_participant(case):
    dist = case[3].tables.distribution
    whole = dist[dist["group"] == "programme"].iloc[0]
    # A: 4 sessions (3-4); B, C (1), D, E, F (1): 0-2.
    shares = (whole["0-2"], whole["3-4"], whole[">4"])
    assert whole["participants"] == 6 and shares == (round(5 / 6, 4), round(1 / 6, 4), 0.0)
    summary = case[3].tables.summary
    assert summary["status"] == {"at_risk": 2, "behind": 1, "on_track": 2, "withdrawn": 1}
    assert summary["sessions_missed"] == 5 and summary["missed_rate"] == 0.5
    assert summary["sessions_extra"] == 1


def test_the_result_pickles_and_mentor_notes_list_the_coming_week(case):
    result = case[3]
    again = pickle.loads(pickle.dumps(result))
    assert again.tables.summary == result.tables.summary
    (note,) = result.tables.notes
    assert [s.date for s in note.visits] == [dt.date(2027, 8, 23), dt.date(2027, 8, 25)]
    assert [pid for pid, _, _ in note.catch_up] == ["B", "F"]
