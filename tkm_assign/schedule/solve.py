"""Visit schedules for all mentors: check the assignment, solve mentors in parallel, merge.

Mentors are independent problems. Travel matrices are computed here, in the calling
process; each mentor's :class:`~.job.MentorJob` is then solved by :func:`~.mentor.plan_mentor`
by ``schedule.workers`` processes: this one and a pool of the others (a shared one,
:func:`tkm_assign.processes.shared_pool`, when the caller keeps one). Results are merged in
the order of ``problem.mentors``, so the number of workers never changes the plan. The
pool starts processes with "spawn": a script calling :func:`schedule` with more than one
worker needs the usual ``if __name__ == "__main__":`` guard.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence

from tkm_assign import notify, rules
from tkm_assign.errors import InputError, InputProblem
from tkm_assign.geo.travel import TravelModel
from tkm_assign.messages import Message
from tkm_assign.model import Assignment, Participant, Problem, Schedule, Shortfall
from tkm_assign.processes import map_with_pool, process_pool, running_pool
from tkm_assign.schedule.job import MentorJob, build_jobs, programme_length
from tkm_assign.schedule.mentor import MentorPlan, plan_mentor
from tkm_assign.schedule.repair import repair_mentor, sessions_missing
from tkm_assign.schedule.replan import ReplanState

log = logging.getLogger("tkm_assign")


def schedule(
    problem: Problem,
    assignment: Assignment,
    travel: TravelModel,
    replan: ReplanState | None = None,
) -> Schedule:
    """Sessions, day routes and shortfalls for every assigned participant.

    Parameters
    ----------
    problem
        Validated participants and mentors; ``problem.config`` holds the rules
        (``[programme]``, ``[sessions]``, ``[onsite]``, ``[work]``, ``[schedule]``) and the seed.
    assignment
        The mentor of each participant (``None`` when unassigned).
    travel
        Travel model for the mentor's home and participants (minutes and metres).
    replan
        A programme under way (:mod:`tkm_assign.schedule.replan`): plan from its as-of
        date with the sessions held fixed, catching up where participants are behind and
        keeping the earlier plan's future sessions where the rules allow.

    Returns
    -------
    Schedule
        Sessions sorted by mentor (problem order), date and time; routes by mentor and date;
        shortfalls by participant (problem order) and month, including one per month for
        participants without a mentor. Records the seed and the wall-clock time. With
        ``replan``: only sessions from its as-of date on, and shortfalls of the months from
        the one holding it (held sessions counted).

    Raises
    ------
    InputError
        When the assignment names participants or mentors the problem does not have.
    """
    started = time.perf_counter()
    config = problem.config
    _check_assignment(problem, assignment)
    participants_of: dict[str, list[Participant]] = {}
    for p in problem.participants:
        mentor_id = assignment.mentor_of.get(p.participant_id)
        if mentor_id is not None:
            participants_of.setdefault(mentor_id, []).append(p)
    months = programme_length(problem.participants, config)
    jobs = build_jobs(participants_of, problem.mentors, travel, config, months, replan)
    notify.progress("step.schedule", 0, len(jobs))
    if replan is not None and replan.repair:
        plans = _repaired(jobs, config.schedule.workers, replan.plan_short_again)
    else:
        plans = []
        for plan in _solve_all(jobs, config.schedule.workers):
            plans.append(plan)
            notify.progress("step.schedule", len(plans), len(jobs))
    shortfalls = _unassigned_shortfalls(problem, assignment)
    if replan is not None:
        first = rules.month_of(
            replan.as_of, rules.month_starts(config.programme.start_date, months)
        )
        shortfalls = [s for s in shortfalls if s.month >= first]
    order = problem.participant_index
    merged = sorted(
        [s for plan in plans for s in plan.shortfalls] + shortfalls,
        key=lambda s: (order[s.participant_id], s.month),
    )
    elapsed = time.perf_counter() - started
    log.info(
        Message.of(
            "log.scheduled",
            mentors=len(jobs),
            seconds=round(elapsed, 1),
            sessions=sum(len(plan.sessions) for plan in plans),
            routes=sum(len(plan.routes) for plan in plans),
            shortfalls=len(merged),
        )
    )
    return Schedule(
        sessions=tuple(s for plan in plans for s in plan.sessions),
        routes=tuple(r for plan in plans for r in plan.routes),
        shortfalls=tuple(merged),
        month_starts=rules.month_starts(config.programme.start_date, months),
        solve_seconds=elapsed,
        seed=config.solver.seed,
    )


def _solve_all(jobs: Sequence[MentorJob], workers: int) -> Iterator[MentorPlan]:
    """Plans in job order; by this process and ``workers - 1`` pool processes when there
    is more than one job and worker."""
    if workers <= 1 or len(jobs) <= 1:
        yield from map(plan_mentor, jobs)
        return
    # "spawn" (in process_pool) never inherits threads of the caller; the workers die with
    # this process and stop at once when it is interrupted.
    others = min(workers, len(jobs)) - 1
    with process_pool(others) as pool:
        yield from map_with_pool(plan_mentor, jobs, pool, others)


def _repaired(jobs: Sequence[MentorJob], workers: int, again: bool) -> list[MentorPlan]:
    """Each mentor's earlier plan repaired (:func:`~.repair.repair_mentor`, in this
    process: it is quick, though shared with worker processes already running); with
    ``again``, the full planner for those still short, its plan taken where it serves more
    (fewer sessions, then fewer onsite visits, missing)."""
    others = min(workers, len(jobs)) - 1
    pool = running_pool(others) if others > 0 else None
    if pool is None:
        plans = [repair_mentor(job) for job in jobs]
    else:
        plans = list(map_with_pool(repair_mentor, jobs, pool, others))
    short = [k for k, plan in enumerate(plans) if plan.shortfalls] if again else []
    notify.progress("step.schedule", len(jobs) - len(short), len(jobs))
    done = len(jobs) - len(short)
    for k, full in zip(short, _solve_all([jobs[k] for k in short], workers), strict=True):
        if _missing(full) < _missing(plans[k]):
            plans[k] = full
        done += 1
        notify.progress("step.schedule", done, len(jobs))
    log.info(
        Message.of(
            "log.repaired", repaired=len(jobs) - len(short), mentors=len(jobs), again=len(short)
        )
    )
    return plans


def _missing(plan: MentorPlan) -> tuple[int, int]:
    return (
        sessions_missing(plan),
        sum(max(0, s.onsite_required - s.onsite_planned) for s in plan.shortfalls),
    )


def _check_assignment(problem: Problem, assignment: Assignment) -> None:
    """Every participant and mentor the assignment names must be in the problem."""
    problems = []
    for participant_id, mentor_id in assignment.mentor_of.items():
        if participant_id not in problem.participant_index:
            problems.append(
                InputProblem(
                    "assignment",
                    None,
                    "participant_id",
                    participant_id,
                    Message.of("input.not_a_participant"),
                )
            )
        elif mentor_id is not None and mentor_id not in problem.mentor_index:
            problems.append(
                InputProblem(
                    "assignment", None, "mentor_id", mentor_id, Message.of("input.not_a_mentor")
                )
            )
    if problems:
        raise InputError(problems)


def _unassigned_shortfalls(problem: Problem, assignment: Assignment) -> list[Shortfall]:
    """One shortfall per programme month for each participant without a mentor."""
    config = problem.config
    out = []
    for p in problem.participants:
        if assignment.mentor_of.get(p.participant_id) is not None:
            continue
        why = assignment.reasons.get(p.participant_id)
        reason = (
            Message.of("reason.no_mentor_assigned_because", reason=why)
            if why is not None
            else Message.of("reason.no_mentor_assigned")
        )
        target = rules.session_target(p, config)
        onsite = rules.onsite_required(p, config)
        first, last = rules.programme_window(p, config)
        for month in range(first, last + 1):
            out.append(
                Shortfall(
                    p.participant_id, None, month, 0, target, 0, onsite[month - first], reason
                )
            )
    return out
