"""The page's memory: uploads, jobs and plans in one SQLite file under the data folder.

Layout of ``--data-dir``::

    tkm.sqlite3        this database (WAL journal, so worker processes write progress
                       while the server reads)
    jobs/<job_id>/     the output folder of each finished job, written atomically
    cache/             the travel cache shared by every job

Schema (``SCHEMA`` below is the truth; ``user_version`` numbers it):

``uploads``
    one uploaded file: ``id`` (random hex), ``role`` (participants, mentors, assignments,
    schedule, logbook), ``file_name`` (as the browser sent it, shown only, never a path),
    ``size_bytes``, ``sha256``, ``rows``, ``content`` (the bytes), ``created_at``.
``jobs``
    one command run from the page: ``id`` (random hex, also its folder name), ``kind``
    (plan, audit, capacity, scenarios, progress, replan, simulate), ``title``, ``base_id``
    (the plan a later job works on), ``inputs`` (JSON: role -> upload id), ``settings``
    (JSON: the configuration overrides and preset), ``lang``, ``status`` (queued, running,
    done, failed, cancelled), ``step``/``done``/``total`` (the progress callback's last
    report), ``error`` (JSON: a message or the input problems), ``summary`` (JSON: the key
    figures shown on the pages), ``created_at``, ``started_at``, ``finished_at``.

Nothing is deleted by itself unless ``web.keep_days`` is set: then jobs finished more than
that many days ago, their folders and the uploads no job uses any more are removed when the
server starts. A job's own page has a delete button that does the same for one job.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
import shutil
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS uploads (
    id          TEXT PRIMARY KEY,
    role        TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    size_bytes  INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    rows        INTEGER,
    content     BLOB NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS jobs (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    title       TEXT NOT NULL,
    base_id     TEXT REFERENCES jobs(id) ON DELETE SET NULL,
    inputs      TEXT NOT NULL DEFAULT '{}',
    settings    TEXT NOT NULL DEFAULT '{}',
    lang        TEXT NOT NULL DEFAULT 'id',
    status      TEXT NOT NULL DEFAULT 'queued',
    step        TEXT NOT NULL DEFAULT '',
    done        INTEGER NOT NULL DEFAULT 0,
    total       INTEGER NOT NULL DEFAULT 0,
    error       TEXT,
    summary     TEXT,
    created_at  TEXT NOT NULL,
    started_at  TEXT,
    finished_at TEXT
);
CREATE INDEX IF NOT EXISTS jobs_by_status ON jobs (status, created_at);
CREATE INDEX IF NOT EXISTS jobs_by_kind ON jobs (kind, created_at);
"""
DATABASE = "tkm.sqlite3"
JOBS_DIR = "jobs"
CACHE_DIR = "cache"
STATUSES = ("queued", "running", "done", "failed", "cancelled")
FINISHED = ("done", "failed", "cancelled")
_ID = re.compile(r"[0-9a-f]{16}")


def new_id() -> str:
    """A random id: 16 hex digits, safe in a URL and as a folder name."""
    return secrets.token_hex(8)


def is_id(text: str) -> bool:
    """Whether ``text`` has the form of an id made by :func:`new_id`."""
    return bool(_ID.fullmatch(text))


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Upload:
    """An uploaded file as stored (its bytes are read with :meth:`Store.upload_content`)."""

    id: str
    role: str
    file_name: str
    size_bytes: int
    sha256: str
    rows: int | None
    created_at: str


@dataclass(frozen=True)
class Job:
    """One command run from the page, with its progress and, when finished, its outcome."""

    id: str
    kind: str
    title: str
    base_id: str | None
    inputs: Mapping[str, str]
    settings: Mapping[str, Any]
    lang: str
    status: str
    step: str
    done: int
    total: int
    error: Mapping[str, Any] | None
    summary: Mapping[str, Any] | None
    created_at: str
    started_at: str | None
    finished_at: str | None

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def fraction(self) -> float:
        return min(1.0, self.done / self.total) if self.total > 0 else 0.0


class Store:
    """Uploads and jobs in ``<data_dir>/tkm.sqlite3``; one instance per process.

    Every method opens its own short connection, so the store can be used from the server's
    threads and from worker processes at once.
    """

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        (self.data_dir / JOBS_DIR).mkdir(exist_ok=True)
        self.path = self.data_dir / DATABASE
        with self._connect() as db:
            db.execute("PRAGMA journal_mode = WAL")
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise RuntimeError(
                    f"{self.path} was written by a newer tkm_assign (schema {version}); "
                    "upgrade tkm_assign or choose another --data-dir"
                )
            db.executescript(SCHEMA)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.row_factory = sqlite3.Row
        try:
            db.execute("PRAGMA foreign_keys = ON")
            db.execute("PRAGMA busy_timeout = 30000")
            yield db
        finally:
            db.close()

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / CACHE_DIR

    def job_dir(self, job_id: str) -> Path:
        """The output folder of a job; ``job_id`` must be an id, never user text."""
        if not is_id(job_id):
            raise ValueError(f"{job_id!r} is not a job id")
        return self.data_dir / JOBS_DIR / job_id

    # uploads -----------------------------------------------------------------------------

    def add_upload(self, role: str, file_name: str, content: bytes, rows: int | None) -> Upload:
        upload = Upload(
            id=new_id(),
            role=role,
            file_name=file_name,
            size_bytes=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            rows=rows,
            created_at=now(),
        )
        with self._connect() as db:
            db.execute(
                "INSERT INTO uploads (id, role, file_name, size_bytes, sha256, rows, content, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    upload.id,
                    role,
                    file_name,
                    upload.size_bytes,
                    upload.sha256,
                    rows,
                    content,
                    upload.created_at,
                ),
            )
        return upload

    def upload(self, upload_id: str) -> Upload | None:
        with self._connect() as db:
            row = db.execute(
                "SELECT id, role, file_name, size_bytes, sha256, rows, created_at FROM uploads "
                "WHERE id = ?",
                (upload_id,),
            ).fetchone()
        return None if row is None else Upload(**dict(row))

    def upload_content(self, upload_id: str) -> bytes:
        with self._connect() as db:
            row = db.execute("SELECT content FROM uploads WHERE id = ?", (upload_id,)).fetchone()
        if row is None:
            raise KeyError(upload_id)
        return bytes(row["content"])

    # jobs --------------------------------------------------------------------------------

    def add_job(
        self,
        kind: str,
        title: str,
        inputs: Mapping[str, str],
        settings: Mapping[str, Any],
        lang: str,
        base_id: str | None = None,
    ) -> Job:
        job_id = new_id()
        with self._connect() as db:
            db.execute(
                "INSERT INTO jobs (id, kind, title, base_id, inputs, settings, lang, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    job_id,
                    kind,
                    title,
                    base_id,
                    json.dumps(dict(inputs)),
                    json.dumps(dict(settings)),
                    lang,
                    now(),
                ),
            )
        job = self.job(job_id)
        assert job is not None
        return job

    def job(self, job_id: str) -> Job | None:
        with self._connect() as db:
            row = db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return None if row is None else _job(row)

    def jobs(self, kinds: tuple[str, ...] = (), status: tuple[str, ...] = ()) -> list[Job]:
        """Jobs newest first, optionally only of some kinds and statuses."""
        where: list[str] = []
        values: list[str] = []
        if kinds:
            where.append(f"kind IN ({', '.join('?' * len(kinds))})")
            values.extend(kinds)
        if status:
            where.append(f"status IN ({', '.join('?' * len(status))})")
            values.extend(status)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        with self._connect() as db:
            rows = db.execute(
                f"SELECT * FROM jobs {clause} ORDER BY created_at DESC, rowid DESC", values
            ).fetchall()
        return [_job(row) for row in rows]

    def claim_next(self) -> Job | None:
        """The oldest queued job, marked running (atomically: one claimant wins)."""
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            row = db.execute(
                "SELECT id FROM jobs WHERE status = 'queued' ORDER BY created_at, rowid LIMIT 1"
            ).fetchone()
            if row is None:
                db.execute("COMMIT")
                return None
            db.execute(
                "UPDATE jobs SET status = 'running', started_at = ? WHERE id = ?",
                (now(), row["id"]),
            )
            db.execute("COMMIT")
        return self.job(row["id"])

    def report_progress(self, job_id: str, step: str, done: int, total: int) -> None:
        with self._connect() as db:
            db.execute(
                "UPDATE jobs SET step = ?, done = ?, total = ? WHERE id = ? AND status = 'running'",
                (step, done, total, job_id),
            )

    def finish(
        self,
        job_id: str,
        status: str,
        summary: Mapping[str, Any] | None = None,
        error: Mapping[str, Any] | None = None,
    ) -> bool:
        """Record the outcome of a job still queued or running; false if it had finished."""
        if status not in FINISHED:
            raise ValueError(f"{status!r} is not a final status")
        with self._connect() as db:
            cursor = db.execute(
                "UPDATE jobs SET status = ?, summary = ?, error = ?, finished_at = ? "
                "WHERE id = ? AND status IN ('queued', 'running')",
                (
                    status,
                    None if summary is None else json.dumps(summary),
                    None if error is None else json.dumps(error),
                    now(),
                    job_id,
                ),
            )
            return cursor.rowcount == 1

    def interrupted(self) -> list[str]:
        """Jobs a stopped server left running: marked failed (their worker is gone)."""
        running = [job.id for job in self.jobs(status=("running",))]
        for job_id in running:
            self.finish(job_id, "failed", error={"code": "web.interrupted"})
        return running

    def delete_job(self, job_id: str) -> None:
        """A job, its output folder and the uploads no other job uses."""
        folder = self.job_dir(job_id)
        with self._connect() as db:
            db.execute("DELETE FROM jobs WHERE id = ?", (job_id,))
        shutil.rmtree(folder, ignore_errors=True)
        self._drop_unused_uploads()

    def remove_older_than(self, days: int) -> list[str]:
        """Finished jobs older than ``days`` days (0: none), with folders and unused uploads."""
        if days <= 0:
            return []
        cutoff = (dt.datetime.now(dt.UTC) - dt.timedelta(days=days)).isoformat(timespec="seconds")
        with self._connect() as db:
            old = [
                row["id"]
                for row in db.execute(
                    "SELECT id FROM jobs WHERE status IN ('done', 'failed', 'cancelled') "
                    "AND finished_at < ?",
                    (cutoff,),
                )
            ]
        for job_id in old:
            self.delete_job(job_id)
        return old

    def _drop_unused_uploads(self) -> None:
        used: set[str] = set()
        for job in self.jobs():
            used.update(job.inputs.values())
        with self._connect() as db:
            # Uploads of the last hour stay: a form may be about to use them.
            hour_ago = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).isoformat(
                timespec="seconds"
            )
            for row in db.execute("SELECT id FROM uploads WHERE created_at < ?", (hour_ago,)):
                if row["id"] not in used:
                    db.execute("DELETE FROM uploads WHERE id = ?", (row["id"],))


def _job(row: sqlite3.Row) -> Job:
    data = dict(row)
    for key in ("inputs", "settings"):
        data[key] = json.loads(data[key])
    for key in ("error", "summary"):
        data[key] = None if data[key] is None else json.loads(data[key])
    return Job(**data)
