"""Hostile input never crashes ``plan`` and never leaks: mutated small files, exit 0 or 2.

Each example takes the small valid pair of ``tests/data/valid/``, replaces a few cells with
text a hostile or unlucky user could type (control characters, over-long and reserved ids,
formula-like and maths-like text, Python-only numbers, far dates) and runs the real
``tkm-assign plan`` in this process (straight-line travel, no cache). It must exit 0 or 2,
print no traceback and no personal field, and what it writes must be safe to open.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tkm_assign.cli import main
from tkm_assign.io.output import FORMULA_TRIGGERS
from tkm_assign.io.read import MENTOR_COLUMNS, PARTICIPANT_COLUMNS
from tkm_assign.report.calendars import MAX_STEM_CHARS

VALID = Path(__file__).parent / "data" / "valid"
# One province (Jawa Barat) keeps each plan quick: one province map.
PARTICIPANTS = pd.read_csv(VALID / "participants.csv", dtype=str, keep_default_na=False).iloc[
    [0, 1, 2, 8, 9]
]
PARTICIPANTS = PARTICIPANTS.assign(excluded_mentor_ids="").reset_index(drop=True)
MENTORS = pd.read_csv(VALID / "mentors.csv", dtype=str, keep_default_na=False).iloc[:2]
SETTINGS = [
    "--set",
    "travel.model=haversine",
    "--set",
    'travel.cache_dir=""',
    "--set",
    "schedule.workers=1",
    "--set",
    "assign.time_limit_s=5",
    "--set",
    "schedule.placement_limit=0.05",
    "--quiet",
]
# A personal field that must never appear in a message: put into names and villages.
SECRET = "Rahasiawati"
WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$", re.IGNORECASE)

CONTROL = st.text(
    alphabet=st.sampled_from(
        [*map(chr, range(32)), "\x7f", "\x85", "\u2028", "\u202e", "\u200b", "\ufeff"]
    ),
    min_size=1,
    max_size=3,
)
HOSTILE = st.one_of(
    st.builds(
        lambda a, c, b: a + c + b,
        st.sampled_from(["M", "P0", "Siti", ""]),
        CONTROL,
        st.sampled_from(["1", "X", " Nurhaliza", ""]),
    ),
    st.text(alphabet="MNP0123456789-_", min_size=65, max_size=300),  # over-long ids
    st.sampled_from(["CON", "nul", "Com1", "LPT9", "con.ics", "AUX.", " PRN "]),
    st.sampled_from(
        ["=1+1", "+62812", "-2+3", "@SUM(A1)", '=HYPERLINK("http://x.invalid","y")', "'=x", "\t=1"]
    ),
    st.sampled_from(["M$\\foo$", "A$^$B", "$x^2$", "$", "\\$\\frac{1}{2}$"]),
    st.sampled_from(["1_10.3", "١٢٣", "１２", "inf", "nan", "1e309", "-0", "0x10"]),
    st.sampled_from(
        ["9999-12-31", "0001-01-01..9999-12-31", "2027-02-30", "2027-07-05..2027-07-01"]
    ),
    st.sampled_from(["", " ", "x" * 5000, "Ünïcödé", "日本語", "🙂"]),
)
# Cells worth attacking: every column of both formats (ids and references to them, names,
# numbers, labels, dates); "village" and the names also carry the secret.
ATTACKED = {"participants": PARTICIPANT_COLUMNS, "mentors": MENTOR_COLUMNS}


# Hostile text that validation accepts (or cleans), so that it reaches every writer.
ACCEPTED_ID = st.one_of(
    st.sampled_from(["CON", "nul", "Com1", "LPT9", "con.ics", "AUX."]),
    st.sampled_from(["=1+1", "+62812", "-M2", "@SUM(A1)", "'=x", "M$\\foo$", "A$^$B", "$x^2$"]),
    st.text(alphabet="MNP0123456789-_./\\", min_size=41, max_size=64),
    st.sampled_from(["Ünïcödé", "日本語", "M 1", "m1", "M1 "]),
)
ACCEPTED_TEXT = st.one_of(
    st.builds(lambda c: "Siti" + c + "Nurhaliza " + SECRET, CONTROL),
    st.sampled_from(['=HYPERLINK("http://x.invalid","y")', "@SUM(A1)", "$\\foo$", "<b>x</b>"]),
    st.just("x" * 5000),
)


def _with_secret() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Copies of the small valid pair whose names and villages hold the secret."""
    participants, mentors = PARTICIPANTS.copy(), MENTORS.copy()
    participants["name"] = participants["name"] + " " + SECRET
    participants["village"] = SECRET + " Desa"
    mentors["name"] = mentors["name"] + " " + SECRET
    return participants, mentors


@st.composite
def accepted_mutation(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Ids and free text that validate: the plan runs and every writer sees them."""
    participants, mentors = _with_secret()
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["mentor_id", "participant_id", "name", "village"]))
        if kind == "mentor_id":
            row = draw(st.integers(0, len(mentors) - 1))
            old, new = mentors.loc[row, "mentor_id"], draw(ACCEPTED_ID)
            if new.strip() in set(mentors["mentor_id"]) | set(participants["participant_id"]):
                continue
            mentors.loc[row, "mentor_id"] = new
            for ref in ("current_mentor_id", "pinned_mentor_id"):
                participants[ref] = participants[ref].replace({old: new})
            participants["excluded_mentor_ids"] = participants["excluded_mentor_ids"].map(
                lambda cell, old=old, new=new: ";".join(
                    new if part == old else part for part in cell.split(";") if part
                )
            )
        elif kind == "participant_id":
            value = draw(ACCEPTED_ID)
            if value.strip() not in set(participants["participant_id"]):
                participants.loc[draw(st.integers(0, len(participants) - 1)), kind] = value
        else:
            frame = participants if kind == "village" or draw(st.booleans()) else mentors
            frame.loc[draw(st.integers(0, len(frame) - 1)), "name" if kind == "name" else kind] = (
                draw(ACCEPTED_TEXT)
            )
    return participants, mentors


@st.composite
def any_mutation(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Anything in any attacked cell: most of these must be refused with exit 2."""
    participants, mentors = _with_secret()
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["participants", "mentors"]))
        frame = participants if kind == "participants" else mentors
        columns = [c for c in ATTACKED[kind] if c in frame.columns]
        row = draw(st.integers(0, len(frame) - 1))
        column = draw(st.sampled_from(columns))
        frame.loc[row, column] = draw(HOSTILE)
    return participants, mentors


def _dangerous_csv_cells(folder: Path) -> list[tuple[str, str]]:
    found = []
    for path in folder.rglob("*.csv"):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.reader(handle):
                for cell in row:
                    plain_number = re.fullmatch(r"[+-]?[0-9.]+(e[+-]?[0-9]+)?", cell, re.I)
                    if cell.startswith(FORMULA_TRIGGERS[:-1]) and not plain_number:
                        found.append((path.name, cell[:40]))
    return found


@pytest.mark.slow
@settings(
    max_examples=16,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.one_of(accepted_mutation(), any_mutation()))
def test_plan_on_hostile_input_exits_0_or_2_and_leaks_nothing(inputs):
    participants, mentors = inputs
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        p_path, m_path = folder / "participants.csv", folder / "mentors.csv"
        participants.to_csv(p_path, index=False, encoding="utf-8", lineterminator="\r\n")
        mentors.to_csv(m_path, index=False, encoding="utf-8", lineterminator="\r\n")
        before = {p.name: p.read_bytes() for p in (p_path, m_path)}
        out = folder / "plan"
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            args = ["--participants", str(p_path), "--mentors", str(m_path), "--out", str(out)]
            code = main(["plan", *args, *SETTINGS])
        text = err.getvalue()
        event(f"exit {code}")
        assert code in (0, 2), text
        assert "Traceback" not in text and "internal error" not in text
        assert "kesalahan internal" not in text  # the same, in the default language
        assert SECRET not in text
        assert all(len(line) < 2000 for line in text.splitlines())  # long values are cut
        assert {p.name: p.read_bytes() for p in (p_path, m_path)} == before
        if code == 2:
            assert not out.exists()
            return
        assert _dangerous_csv_cells(out) == []
        for path in out.rglob("*"):
            assert not WINDOWS_RESERVED.match(path.name), path.name
            assert len(path.stem) <= MAX_STEM_CHARS + 4, path.name  # "-n" for duplicates
            assert path.name.isascii()
