"""The success indicators of each participant: turnover, financial records and workers.

The programme is judged on three indicators (2024 evaluation, of 3,000 participants:
turnover growth 1,296, simple financial records 1,839, new workers 139; all three 179,
against a target of 34%). An ``outcomes`` file (CSV or XLSX, kind ``"outcomes"``) gives
them per participant at baseline and at the end: ``turnover_baseline_idr`` and
``turnover_end_idr`` (turnover per month in rupiah), ``records_baseline`` and
``records_end`` (keeps simple financial records, yes/no), ``workers_baseline`` and
``workers_end`` (people working in the business besides the owner). Indonesian headers are
accepted (``omzet_awal``, ``omzet_akhir``, ``pembukuan_awal``, ``pembukuan_akhir``,
``tenaga_kerja_awal``, ``tenaga_kerja_akhir``). An empty cell means not measured.
"""

from __future__ import annotations

from dataclasses import dataclass

from tkm_assign.errors import InputError
from tkm_assign.io import labels
from tkm_assign.io.labels import LabelError
from tkm_assign.io.read import Table
from tkm_assign.io.validate import _Notes, _Sheet
from tkm_assign.messages import Message
from tkm_assign.model import Problem

__all__ = ["Outcome", "Outcomes", "validate_outcomes"]

MAX_TURNOVER_IDR = 10**13  # a month's turnover above 10 trillion rupiah is a typing error
MAX_WORKERS = 100_000


@dataclass(frozen=True, slots=True)
class Outcome:
    """One participant's indicators; ``None`` where the file leaves a cell empty."""

    participant_id: str
    turnover_baseline_idr: float | None = None
    turnover_end_idr: float | None = None
    records_baseline: bool | None = None
    records_end: bool | None = None
    workers_baseline: int | None = None
    workers_end: int | None = None

    @property
    def turnover_growth(self) -> bool | None:
        """Turnover per month higher at the end than at baseline."""
        if self.turnover_baseline_idr is None or self.turnover_end_idr is None:
            return None
        return self.turnover_end_idr > self.turnover_baseline_idr

    @property
    def financial_records(self) -> bool | None:
        """Keeps simple financial records at the end of the programme."""
        return self.records_end

    @property
    def new_workers(self) -> bool | None:
        """More workers at the end than at baseline."""
        if self.workers_baseline is None or self.workers_end is None:
            return None
        return self.workers_end > self.workers_baseline

    @property
    def all_three(self) -> bool | None:
        values = (self.turnover_growth, self.financial_records, self.new_workers)
        if any(v is None for v in values):
            return None
        return all(values)


@dataclass(frozen=True)
class Outcomes:
    """Validated outcomes, one per participant listed, in file order."""

    rows: tuple[Outcome, ...]
    source: str = "outcomes"

    def of(self) -> dict[str, Outcome]:
        return {o.participant_id: o for o in self.rows}


def validate_outcomes(table: Table, problem: Problem) -> Outcomes:
    """Check an outcomes file against the participants; raise every problem at once.

    Parameters
    ----------
    table
        ``read_table(path_or_upload, "outcomes")``.
    problem
        The participants the rows refer to.

    Returns
    -------
    Outcomes

    Raises
    ------
    InputError
        An unknown or repeated participant, a negative or non-numeric turnover or worker
        count, a records cell that is not yes or no (file, row, column, value).
    """
    notes = _Notes()
    sheet = _Sheet(table, notes)
    ids = sheet.ids("participant_id", "input.what.participant")
    known = problem.participant_index
    for i, pid in enumerate(ids):
        if pid and pid not in known:
            sheet.add(
                i,
                "participant_id",
                str(pid),
                Message.of("input.not_participant", source=problem.participants_source),
            )
    turnover = {
        c: sheet.parse(c, _amount, None) for c in ("turnover_baseline_idr", "turnover_end_idr")
    }
    records = {c: sheet.parse(c, labels.boolean, None) for c in ("records_baseline", "records_end")}
    workers = {c: sheet.parse(c, _workers, None) for c in ("workers_baseline", "workers_end")}
    if sheet.problems:
        notes.emit()
        raise InputError(sorted(sheet.problems, key=lambda p: -1 if p.row is None else p.row))
    notes.emit()
    return Outcomes(
        tuple(
            Outcome(
                str(ids[i]),
                turnover["turnover_baseline_idr"][i],
                turnover["turnover_end_idr"][i],
                records["records_baseline"][i],
                records["records_end"][i],
                workers["workers_baseline"][i],
                workers["workers_end"][i],
            )
            for i in range(sheet.n)
        ),
        table.source,
    )


def _amount(text: str) -> float:
    """Rupiah: ``2500000``, ``2.500.000`` or ``Rp 2.500.000`` (dots group thousands)."""
    cleaned = text.strip().lower().replace("rp", "").replace(" ", "")
    if cleaned.count(".") > 1 or (cleaned.count(".") == 1 and len(cleaned.split(".")[1]) == 3):
        cleaned = cleaned.replace(".", "")
    try:
        value = labels.number(cleaned)
    except LabelError:
        raise LabelError(Message.of("input.not_rupiah")) from None
    if not 0 <= value <= MAX_TURNOVER_IDR:
        raise LabelError(Message.of("input.turnover_range"))
    return value


def _workers(text: str) -> int:
    value = labels.whole_number(text)
    if not 0 <= value <= MAX_WORKERS:
        raise LabelError(Message.of("input.workers_range", high=MAX_WORKERS))
    return value
