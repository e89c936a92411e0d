"""Re-planning a programme under way: the past stays, changes are few and explained."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections import Counter, defaultdict

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.programme.factory import START, config, people
from tkm_assign import app, rules
from tkm_assign.io.logbook import Logbook, LogbookEntry
from tkm_assign.programme.plan import plan_from_schedule, plan_from_tables

PLACES = {
    "A": (-6.9175, 107.6191),  # Bandung
    "B": (-6.8722, 107.5425),  # Cimahi
    "C": (-6.8117, 107.6175),  # Lembang
    "D": (-7.0250, 107.5186),  # Soreang
    "E": (-6.9619, 107.7561),  # Rancaekek
    "F": (-6.9869, 107.6253),  # Dayeuhkolot
}
M1 = ("M1", "Hendra", -6.9147, 107.6098, "industri_boga")
M2 = ("M2", "Fitri", -6.9000, 107.6500, "industri_boga")


def _people(need: dict[str, str] | None = None, **status):
    """Participants A..F (3-month programmes); ``status`` gives (status, date) per id."""
    need = need or {}
    rows = []
    for pid, (lat, lon) in PLACES.items():
        state, day = status.get(pid, ("", ""))
        rows.append(
            (
                pid,
                f"Nama {pid}",
                lat,
                lon,
                "industri_boga",
                "adequate",
                need.get(pid, "medium"),
                state,
                day,
                "",
            )
        )
    return rows


def _logbook(plan, until: dt.date, drop=()) -> Logbook:
    """The planned sessions up to ``until`` as held, but those in ``drop`` (participant,
    programme month) — one session of each missed."""
    entries = []
    dropped: set[tuple[str, int]] = set()
    starts = rules.month_starts(START, 6)
    for k, s in enumerate(
        sorted(plan.sessions, key=lambda s: (s.date, s.start_min, s.participant_id))
    ):
        if s.date > until:
            continue
        key = (s.participant_id, rules.month_of(s.date, starts))
        if key in drop and key not in dropped:
            dropped.add(key)
            continue
        entries.append(
            LogbookEntry(
                k + 2, s.date, s.participant_id, s.mentor_id, s.mode, s.duration_min, s.start_min
            )
        )
    return Logbook(tuple(entries), until)


@pytest.fixture(scope="module")
def base():
    cfg = config("caseload.max=20")
    problem = people(_people(), [M1, M2], cfg)
    result = app.plan(problem)
    return problem, plan_from_schedule(result.assignment, result.schedule)


def test_the_past_stays_and_nothing_is_planned_in_it(base):
    problem, plan = base
    as_of = START + dt.timedelta(days=29)
    book = _logbook(plan, as_of, drop={("A", 1), ("D", 1)})
    result = app.replan(problem, plan, book)
    sessions = result.tables.schedule
    held = sessions[sessions["status"] == "held"]
    planned = sessions[sessions["status"] == "planned"]
    assert len(held) == len(book.entries)
    assert sorted(zip(held["participant_id"], held["date"], strict=True)) == sorted(
        (e.participant_id, e.date.isoformat()) for e in book.entries
    )
    assert (planned["date"] > as_of.isoformat()).all()
    missed = result.changes[result.changes["change"] == "missed"]
    assert sorted(missed["participant_id"]) == ["A", "D"]
    # A second re-plan from the first: the sessions held before it are still the same.
    later = START + dt.timedelta(days=59)
    book2 = Logbook((*book.entries, *_logbook(result.plan, later).entries), later)
    book2 = Logbook(tuple(_renumber(book2.entries)), later)
    again = app.replan(problem, result.plan, book2)
    first_held = again.tables.schedule[again.tables.schedule["status"] == "held"]
    before = first_held[first_held["date"] <= as_of.isoformat()]
    assert sorted(zip(before["participant_id"], before["date"], strict=True)) == sorted(
        zip(held["participant_id"], held["date"], strict=True)
    )


def _renumber(entries):
    return [dataclasses.replace(e, row=k + 2) for k, e in enumerate(entries)]


def test_nothing_missed_nothing_changed(base):
    problem, plan = base
    as_of = START + dt.timedelta(days=29)
    result = app.replan(problem, plan, _logbook(plan, as_of))
    s = result.summary
    assert (
        s["reassignments"],
        s["sessions_moved"],
        s["sessions_added"],
        s["sessions_cancelled"],
    ) == (
        0,
        0,
        0,
        0,
    )
    assert s["sessions_kept"] == len(plan.after(as_of))
    assert {x.uid for x in result.plan.sessions} == {x.uid for x in plan.after(as_of)}


def test_catch_up_respects_the_monthly_maximum_and_the_spacing(base):
    problem, plan = base
    cfg = problem.config
    as_of = rules.month_starts(START, 3)[1] + dt.timedelta(days=2)  # month 1 over
    drop = {(pid, 1) for pid in PLACES}
    book = _logbook(plan, as_of, drop=drop)
    result = app.replan(problem, plan, book)
    added = result.changes[result.changes["change"] == "added"]
    assert set(added["reason"].map(lambda m: m.code)) == {"replan.reason.catch_up"}
    starts = result.replanned.schedule.month_starts
    every = defaultdict(list)
    for s in result.replanned.schedule.sessions:
        every[s.participant_id].append(s.date)
    gap = cfg.sessions.min_days_between
    for pid, dates in every.items():
        dates.sort()
        assert all((b - a).days >= gap for a, b in itertools.pairwise(dates)), pid
        per_month = Counter(rules.month_of(d, starts) for d in dates)
        assert max(per_month.values()) <= cfg.sessions.max_per_month, pid
    # Every participant lacked one session of month 1: each gets a catch-up in month 2 or 3.
    assert set(added["participant_id"]) == set(PLACES)


def test_a_withdrawal_frees_a_place_that_a_waiting_participant_gets():
    cfg = config("caseload.max=5")
    need = dict.fromkeys("ABCDE", "high") | {"F": "low"}
    before = people(_people(need), [M1], cfg)
    first = app.plan(before)
    assert first.assignment.mentor_of["F"] is None  # six participants, five places
    plan = plan_from_schedule(first.assignment, first.schedule)
    as_of = START + dt.timedelta(days=20)
    now = people(_people(need, B=("mengundurkan diri", "2027-07-20")), [M1], cfg)
    result = app.replan(now, plan, _logbook(plan, as_of))
    assert result.replanned.assignment.mentor_of["F"] == "M1"
    assert "B" not in result.replanned.assignment.mentor_of
    changes = result.changes
    (row,) = changes[(changes["change"] == "reassigned")].itertuples()
    assert row.participant_id == "F" and row.reason.code == "replan.reason.newly_assigned"
    gone = changes[(changes["participant_id"] == "B") & (changes["change"] == "cancelled")]
    assert len(gone) == len([s for s in plan.after(as_of) if s.participant_id == "B"]) > 0
    assert set(gone["reason"].map(lambda m: m.code)) == {"replan.reason.withdrawn"}
    assert result.summary["reassignments"] == 0  # nobody else moved


def test_a_leaving_mentors_participants_are_handed_over_with_reasons(base):
    problem, plan = base
    mine = sorted(pid for pid, m in plan.mentor_of.items() if m == "M1")
    assert mine
    as_of = START + dt.timedelta(days=29)
    left = dataclasses.replace(problem.mentors[0], active_until=as_of - dt.timedelta(days=3))
    now = dataclasses.replace(problem, mentors=(left, problem.mentors[1]))
    result = app.replan(now, plan, _logbook(plan, as_of))
    mentor_of = result.replanned.assignment.mentor_of
    assert all(mentor_of[pid] == "M2" for pid in mine)
    moves = result.changes[result.changes["change"] == "reassigned"]
    assert sorted(moves["participant_id"]) == mine
    assert moves["forced"].all()
    assert {m.code for m in moves["reason"]} == {"replan.reason.mentor_gone"}
    assert result.summary["reassignments_forced"] == len(mine)
    assert result.summary["reassignments_chosen"] == 0
    # M1's future sessions are cancelled in its calendar; M2 gets new ones.
    m1 = [e for e in result.tables.calendar_events() if e.session.mentor_id == "M1"]
    assert m1 and all(e.cancelled for e in m1)


def test_uids_stay_across_two_replans_and_through_the_files(base, tmp_path):
    problem, plan = base
    day30 = START + dt.timedelta(days=29)
    first = app.replan(problem, plan, _logbook(plan, day30, drop={("B", 1)}))
    out = tmp_path / "replan1"
    app.write_outputs(first, out, formats=["csv", "json", "ics"])
    read = plan_from_tables(
        problem,
        app.read_table(out / "assignments.csv", "assignments"),
        app.read_table(out / "schedule.csv", "schedule"),
    )
    assert {(s.uid, s.sequence, s.date) for s in read.sessions} == {
        (s.uid, s.sequence, s.date) for s in first.plan.sessions
    }
    # Sessions the first re-plan kept have the plan's own uids.
    original = {s.uid: s for s in plan.sessions}
    kept = [s for s in first.plan.sessions if s.uid in original]
    assert kept and all(s.sequence >= original[s.uid].sequence for s in kept)
    day45 = START + dt.timedelta(days=44)
    book = Logbook(
        tuple(
            _renumber(
                [*_logbook(plan, day30, drop={("B", 1)}).entries, *_logbook(read, day45).entries]
            )
        ),
        day45,
    )
    second = app.replan(problem, read, book)
    earlier = {s.uid: s for s in read.sessions if s.date > day45}
    for s in second.plan.sessions:
        if s.uid in earlier:
            same = (s.date, s.start_min, s.mode) == earlier[s.uid].slot
            assert s.sequence == earlier[s.uid].sequence + (0 if same else 1)
    again = {s.uid for s in second.plan.sessions}
    assert len(again) == len(second.plan.sessions)  # unique
    assert again & set(earlier)  # most sessions carry on with their uid
    ics = (out / "calendars" / "M1.ics").read_text(encoding="utf-8")
    assert "SEQUENCE:" in ics


def test_same_seed_same_replan(base):
    problem, plan = base
    as_of = START + dt.timedelta(days=40)
    book = _logbook(plan, as_of, drop={("C", 1), ("E", 2)})
    one = app.replan(problem, plan, book)
    two = app.replan(problem, plan, book)
    assert one.replanned.changes == two.replanned.changes
    assert one.replanned.sessions == two.replanned.sessions
    assert one.replanned.assignment.mentor_of == two.replanned.assignment.mentor_of


def test_a_replan_takes_the_progress_measured_on_the_same_inputs(base):
    problem, plan = base
    as_of = START + dt.timedelta(days=40)
    book = _logbook(plan, as_of, drop={("C", 1), ("E", 2)})
    alone = app.replan(problem, plan, book)
    measured = app.progress(problem, plan, book)
    reused = app.replan(problem, plan, book, measured=measured)
    assert reused.progress.participants is measured.tables.participants
    assert reused.replanned.changes == alone.replanned.changes
    assert reused.replanned.sessions == alone.replanned.sessions
    assert reused.progress.participants.equals(alone.progress.participants)
    assert reused.progress.summary == alone.progress.summary
    # Measured on another logbook: measured again.
    other = app.progress(problem, plan, _logbook(plan, as_of))
    again = app.replan(problem, plan, book, measured=other)
    assert again.progress.participants is not other.tables.participants
    assert again.progress.summary == alone.progress.summary


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    days=st.integers(5, 80),
    dropped=st.sets(st.tuples(st.sampled_from(sorted(PLACES)), st.integers(1, 3)), max_size=6),
)
def test_a_replan_keeps_every_rule(base, days, dropped):
    problem, plan = base
    cfg = problem.config
    as_of = START + dt.timedelta(days=days)
    book = _logbook(plan, as_of, drop=dropped)
    result = app.replan(problem, plan, book)
    done = result.replanned
    starts = done.schedule.month_starts
    mentors = {m.mentor_id: m for m in problem.mentors}
    by_participant = defaultdict(list)
    for s in done.schedule.sessions:
        by_participant[s.participant_id].append(s)
        if done.status[s.session_id] == "planned":
            assert s.date > as_of
            assert s.mentor_id == done.assignment.mentor_of[s.participant_id]
            a, b = starts[0], starts[-1]
            assert s.date in rules.working_dates(mentors[s.mentor_id], a, b, cfg)
    gap = max(cfg.sessions.min_days_between, 1)
    for pid, sessions in by_participant.items():
        dates = sorted(s.date for s in sessions)
        planned = [s.date for s in sessions if done.status[s.session_id] == "planned"]
        for a, b in itertools.pairwise(dates):
            if a in planned or b in planned:
                assert (b - a).days >= gap, pid
        months = Counter(rules.month_of(d, starts) for d in planned)
        held = Counter(rules.month_of(s.date, starts) for s in sessions if s.date <= as_of)
        for k, n in months.items():
            assert n + held[k] <= cfg.sessions.max_per_month, (pid, k)
    uids = [s.uid for s in done.sessions]
    assert len(uids) == len(set(uids))
    assert {s.uid for s in done.cancelled}.isdisjoint(uids)
    # Every earlier future session is kept, moved or cancelled exactly once.
    earlier = {s.uid for s in plan.after(as_of) if s.participant_id in done.assignment.mentor_of}
    accounted = {s.uid for s in done.sessions} | {s.uid for s in done.cancelled}
    assert earlier <= accounted


def test_pins_and_exclusions_hold_and_force_their_changes(base):
    problem, plan = base
    mine = sorted(pid for pid, m in plan.mentor_of.items() if m == "M1")
    theirs = sorted(pid for pid, m in plan.mentor_of.items() if m == "M2")
    assert len(mine) >= 2 or theirs
    away, pinned = (mine[0], mine[1]) if len(mine) >= 2 else (mine[0], theirs[0])
    target = {away: "M2", pinned: "M2" if plan.mentor_of[pinned] == "M1" else "M1"}
    people_now = tuple(
        dataclasses.replace(p, excluded_mentor_ids=frozenset({"M1"}))
        if p.participant_id == away
        else dataclasses.replace(p, pinned_mentor_id=target[pinned])
        if p.participant_id == pinned
        else p
        for p in problem.participants
    )
    now = dataclasses.replace(problem, participants=people_now)
    as_of = START + dt.timedelta(days=29)
    result = app.replan(now, plan, _logbook(plan, as_of))
    mentor_of = result.replanned.assignment.mentor_of
    assert mentor_of[away] == "M2" and mentor_of[pinned] == target[pinned]
    moves = result.changes[result.changes["change"] == "reassigned"].set_index("participant_id")
    assert sorted(moves.index) == sorted({away, pinned})
    assert moves["forced"].all()
    assert moves.loc[away, "reason"].code == "replan.reason.excluded"
    assert moves.loc[pinned, "reason"].code == "replan.reason.pinned"
    assert result.summary["reassignments_chosen"] == 0
    # Nobody else changes mentor.
    others = set(plan.mentor_of) - {away, pinned}
    assert all(mentor_of[pid] == plan.mentor_of[pid] for pid in others)


def test_a_late_joiner_is_assigned_and_planned_from_its_start(base):
    problem, plan = base
    as_of = START + dt.timedelta(days=29)
    joins = "2027-08-10"  # in programme month 2
    rows = [
        *_people(),
        ("G", "Nama G", -6.90, 107.60, "industri_boga", "adequate", "medium", "", "", joins),
    ]
    now = people(rows, [M1, M2], problem.config)
    result = app.replan(now, plan, _logbook(plan, as_of))
    assert result.replanned.assignment.mentor_of["G"] in {"M1", "M2"}
    changes = result.changes
    (row,) = changes[(changes["change"] == "reassigned")].itertuples()
    assert row.participant_id == "G" and row.reason.code == "replan.reason.newly_assigned"
    mine = [s for s in result.plan.sessions if s.participant_id == "G"]
    starts = rules.month_starts(START, 6)
    assert mine and min(s.date for s in mine) >= starts[1]
    added = changes[(changes["participant_id"] == "G") & (changes["change"] == "added")]
    assert len(added) == len(mine)
    assert result.summary["reassignments"] == 0


def test_a_mentors_new_leave_moves_its_sessions_with_that_reason(base):
    problem, plan = base
    as_of = START + dt.timedelta(days=29)
    future = [s for s in plan.after(as_of) if s.mentor_id == "M1"]
    day = Counter(s.date for s in future).most_common(1)[0][0]
    on_leave = [s for s in future if s.date == day]
    m1 = next(m for m in problem.mentors if m.mentor_id == "M1")
    sick = dataclasses.replace(m1, unavailable=(*m1.unavailable, (day, day)))
    now = dataclasses.replace(
        problem, mentors=tuple(sick if m.mentor_id == "M1" else m for m in problem.mentors)
    )
    result = app.replan(now, plan, _logbook(plan, as_of))
    assert all(s.date != day for s in result.plan.sessions if s.mentor_id == "M1")
    changes = result.changes
    theirs = changes[changes["uid"].isin({s.uid for s in on_leave})]
    assert set(theirs["change"]) <= {"moved", "cancelled"}
    moved = theirs[theirs["change"] == "moved"]
    assert len(moved) and {m.code for m in moved["reason"]} == {"replan.reason.on_leave"}
    # The session moved nearest: within the same programme month.
    starts = rules.month_starts(START, 6)
    for row in moved.itertuples():
        before = rules.month_of(dt.date.fromisoformat(row.previous_date), starts)
        assert rules.month_of(dt.date.fromisoformat(row.date), starts) == before


def _future(plan, mentor_id, as_of):
    return sorted(
        (s.uid, s.sequence, s.date, s.start_min, s.mode)
        for s in plan.sessions
        if s.mentor_id == mentor_id and s.date > as_of
    )


def test_an_untouched_mentors_future_sessions_are_identical(base):
    problem, plan = base
    as_of = START + dt.timedelta(days=29)
    mentors = {m: sorted(p for p, x in plan.mentor_of.items() if x == m) for m in ("M1", "M2")}
    touched, untouched = sorted(mentors, key=lambda m: -len(mentors[m]))
    assert mentors[untouched], "both mentors need participants"
    # The touched mentor: one participant misses a visit, another withdraws, a day of leave.
    first, *rest = mentors[touched]
    book = _logbook(plan, as_of, drop={(first, 1)})
    statuses = {rest[0]: ("keluar", (as_of - dt.timedelta(days=2)).isoformat())} if rest else {}
    now = people(_people(**statuses), [M1, M2], problem.config)
    day = next(s.date for s in plan.after(as_of) if s.mentor_id == touched)
    mentors_now = tuple(
        dataclasses.replace(m, unavailable=((day, day),)) if m.mentor_id == touched else m
        for m in now.mentors
    )
    now = dataclasses.replace(now, mentors=mentors_now)
    result = app.replan(now, plan, book)
    assert _future(result.plan, untouched, as_of) == _future(plan, untouched, as_of)
    assert _future(result.plan, touched, as_of) != _future(plan, touched, as_of)
    changes = result.changes
    assert set(changes.loc[changes["change"] != "missed", "mentor_id"]) == {touched}


def test_a_reassignment_happens_only_for_a_forced_reason_or_to_serve():
    cfg = config("caseload.max=4")
    rows = _people()
    pins = dict.fromkeys("ABCD", "M2") | dict.fromkeys("EF", "M1")
    before = people(rows, [M1, M2], cfg)
    pinned = tuple(
        dataclasses.replace(p, pinned_mentor_id=pins[p.participant_id]) for p in before.participants
    )
    first = app.plan(dataclasses.replace(before, participants=pinned))
    plan = plan_from_schedule(first.assignment, first.schedule)
    assert {pid: plan.mentor_of[pid] for pid in pins} == pins
    as_of = START + dt.timedelta(days=29)
    book = _logbook(plan, as_of, drop={("A", 1)})
    # A late joiner who cannot have M1: serving it would take moving one of A..D to M1
    # (which has room), so keeping every current mentor leaves it waiting.
    late = ("G", "Nama G", -6.90, 107.60, "industri_boga", "adequate", "high", "", "", "2027-08-10")
    now = people([*rows, late], [M1, M2], cfg)
    joiner = dataclasses.replace(now.participants[-1], excluded_mentor_ids=frozenset({"M1"}))
    now = dataclasses.replace(now, participants=(*now.participants[:-1], joiner))
    result = app.replan(now, plan, book)
    mentor_of = result.replanned.assignment.mentor_of
    assert all(mentor_of[pid] == plan.mentor_of[pid] for pid in pins)
    assert mentor_of["G"] is None
    assert result.summary["reassignments"] == 0
    # M2 leaves: its participants are handed over where there is room, each forced.
    left = tuple(
        dataclasses.replace(m, active_until=as_of - dt.timedelta(days=5))
        if m.mentor_id == "M2"
        else m
        for m in now.mentors
    )
    gone = app.replan(dataclasses.replace(now, mentors=left), plan, book)
    moves = gone.changes[gone.changes["change"] == "reassigned"]
    assert len(moves) and moves["forced"].all()
    forced = {"replan.reason.mentor_gone", "replan.reason.no_mentor_now"}
    assert {m.code for m in moves["reason"]} <= forced
    assert set(moves["participant_id"]) <= set("ABCD") | {"G"}
    assert gone.summary["reassignments_chosen"] == 0
    kept = gone.replanned.assignment.mentor_of
    assert all(kept[pid] == "M1" for pid in "EF")


def test_every_change_has_a_specific_reason_in_both_languages(base, tmp_path):
    from tkm_assign.messages import MESSAGES, render, template
    from tkm_assign.programme.reasons import GENERIC_REASONS

    problem, plan = base
    as_of = START + dt.timedelta(days=29)
    book = _logbook(plan, as_of, drop={("A", 1), ("C", 1), ("E", 1)})
    now = people(_people(B=("keluar", "2027-08-20")), [M1, M2], problem.config)
    day = Counter(s.date for s in plan.after(as_of) if s.mentor_id == "M1").most_common(1)[0][0]
    mentors = tuple(
        dataclasses.replace(m, unavailable=((day, day + dt.timedelta(days=3)),))
        if m.mentor_id == "M1"
        else m
        for m in now.mentors
    )
    result = app.replan(dataclasses.replace(now, mentors=mentors), plan, book)
    changes = result.changes
    assert {"added", "cancelled", "missed"} <= set(changes["change"])
    codes = {m.code for m in changes["reason"]}
    assert not codes & GENERIC_REASONS
    for code in codes:
        assert template(code, "id") != MESSAGES[code], f"{code} has no Indonesian text"
    for message in changes["reason"]:
        assert render(message, "id") and render(message, "en")
    app.write_outputs(result, tmp_path / "out", formats=["csv"], lang="en")
    written = pd.read_csv(tmp_path / "out" / "changes.csv", dtype=str, keep_default_na=False)
    assert list(written["reason_code"]) == [m.code for m in changes["reason"]]
    assert set(written["kind"]) <= {"", "forced", "chosen"}
    assert "True" not in set(written["kind"]) | set(written["kind_code"])
