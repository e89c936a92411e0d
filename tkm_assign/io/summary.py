"""What a validated problem holds, per province: for ``tkm-assign validate`` and reports.

Counts participants by province and sector, and compares mentor caseload capacity (the sum
of each mentor's caseload limit, :func:`tkm_assign.rules.effective_caseload`) with participants in each province. Also counts participants on
islands where no mentor who may take them lives (onsite visits across the sea are not
planned when ``travel.cross_island = "forbid"``; with ``assign.province_rule = "same"`` the
mentor must also live in their province).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from tkm_assign.geo.regions import Geography
from tkm_assign.model import Problem, Sector
from tkm_assign.rules import effective_caseload

SECTOR_SHORT = {
    Sector.PERTANIAN_PETERNAKAN: "pertanian",
    Sector.PERDAGANGAN_JASA: "perdagangan",
    Sector.INDUSTRI_BOGA: "boga",
    Sector.INDUSTRI_KREATIF: "kreatif",
    Sector.PERIKANAN_KELAUTAN: "perikanan",
}


@dataclass(frozen=True)
class ProblemSummary:
    """Per-province table (last row ``total``) and island coverage."""

    provinces: pd.DataFrame
    on_islands_without_mentor: int
    islands_without_mentor: int


def summarise(problem: Problem, geography: Geography) -> ProblemSummary:
    """Counts per province and sector, capacity against participants.

    Parameters
    ----------
    problem
        A validated problem.
    geography
        For province names.

    Returns
    -------
    ProblemSummary
        ``provinces`` has columns province, participants, one per sector (short Indonesian
        names), mentors, capacity (sum of the caseload limits) and capacity_ratio (capacity per
        participant), one row per province with participants or mentors, sorted by
        province code, then a ``total`` row.
    """
    participants = pd.DataFrame(
        {
            "code": [p.location.province_code for p in problem.participants],
            "sector": [SECTOR_SHORT[p.sector] for p in problem.participants],
        }
    )
    mentors = pd.DataFrame(
        {
            "code": [m.location.province_code for m in problem.mentors],
            "capacity": [effective_caseload(m, problem.config) for m in problem.mentors],
        }
    )
    by_sector = (
        pd.crosstab(participants["code"], participants["sector"])
        .reindex(columns=list(SECTOR_SHORT.values()), fill_value=0)
        .astype(int)
    )
    table = pd.DataFrame(index=sorted(set(participants["code"]) | set(mentors["code"])))
    table["participants"] = participants.groupby("code").size()
    table = table.join(by_sector)
    table["mentors"] = mentors.groupby("code").size()
    table["capacity"] = mentors.groupby("code")["capacity"].sum()
    table = table.fillna(0).astype(int)
    total = table.sum().rename("total")
    table.index = [geography.province_name(code) for code in table.index]
    table = pd.concat([table, total.to_frame().T])
    table["capacity_ratio"] = (
        table["capacity"] / table["participants"].where(lambda s: s > 0)
    ).round(2)
    table.index.name = "province"
    same_province = problem.config.assign.province_rule == "same"

    def key(code: str, island: int) -> tuple[str, int]:
        return (code if same_province else "", island)

    served = {key(m.location.province_code, m.location.island_id) for m in problem.mentors}
    alone = [
        key(p.location.province_code, p.location.island_id)
        for p in problem.participants
        if key(p.location.province_code, p.location.island_id) not in served
    ]
    return ProblemSummary(
        provinces=table.reset_index(),
        on_islands_without_mentor=len(alone),
        islands_without_mentor=len(set(alone)),
    )
