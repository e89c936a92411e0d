"""The SQLite store: uploads, jobs, progress, outcomes and removal."""

from __future__ import annotations

import sqlite3

import pytest

from tkm_assign.web.store import SCHEMA_VERSION, Store, is_id


@pytest.fixture
def store(tmp_path):
    return Store(tmp_path / "data")


def test_an_upload_keeps_its_bytes_and_name(store):
    upload = store.add_upload("participants", "peserta <1>.csv", b"a,b\n1,2\n", rows=1)
    assert is_id(upload.id)
    assert store.upload(upload.id).file_name == "peserta <1>.csv"
    assert store.upload_content(upload.id) == b"a,b\n1,2\n"
    assert store.upload("0000000000000000") is None


def test_jobs_are_claimed_oldest_first_and_once(store):
    first = store.add_job("plan", "a", {}, {}, "id")
    second = store.add_job("plan", "b", {}, {}, "en")
    assert store.claim_next().id == first.id
    assert store.claim_next().id == second.id
    assert store.claim_next() is None
    assert [j.status for j in store.jobs()] == ["running", "running"]


def test_progress_and_outcome_are_recorded_once(store):
    job = store.add_job("plan", "a", {"participants": "x"}, {"preset": ""}, "id")
    store.claim_next()
    store.report_progress(job.id, "step.assign", 2, 5)
    running = store.job(job.id)
    assert (running.step, running.done, running.total, running.fraction) == (
        "step.assign",
        2,
        5,
        0.4,
    )
    assert store.finish(job.id, "done", summary={"assigned": 3})
    assert not store.finish(job.id, "failed", error={"code": "late"})  # the first outcome stays
    done = store.job(job.id)
    assert done.status == "done" and done.summary == {"assigned": 3} and done.error is None
    store.report_progress(job.id, "step.late", 9, 9)  # a finished job's progress is frozen
    assert store.job(job.id).step == "step.assign"


def test_a_restart_marks_jobs_left_running_as_failed(tmp_path):
    store = Store(tmp_path)
    job = store.add_job("plan", "a", {}, {}, "id")
    store.claim_next()
    again = Store(tmp_path)  # the server starts again on the same folder
    assert again.interrupted() == [job.id]
    assert again.job(job.id).status == "failed"
    assert again.job(job.id).error == {"code": "web.interrupted"}


def test_delete_removes_the_folder_and_unused_uploads(store):
    upload = store.add_upload("participants", "p.csv", b"x", rows=0)
    job = store.add_job("plan", "a", {"participants": upload.id}, {}, "id")
    folder = store.job_dir(job.id)
    (folder / "outputs").mkdir(parents=True)
    (folder / "outputs" / "plan.xlsx").write_bytes(b"x")
    with sqlite3.connect(store.path) as db:  # an upload older than the grace hour
        db.execute("UPDATE uploads SET created_at = '2000-01-01T00:00:00+00:00'")
    store.delete_job(job.id)
    assert store.job(job.id) is None
    assert not folder.exists()
    assert store.upload(upload.id) is None


def test_old_finished_jobs_are_removed_only_when_asked(store):
    old = store.add_job("plan", "old", {}, {}, "id")
    new = store.add_job("plan", "new", {}, {}, "id")
    for job in (old, new):
        store.claim_next()
        store.finish(job.id, "done", summary={})
    with sqlite3.connect(store.path) as db:
        db.execute(
            "UPDATE jobs SET finished_at = '2001-01-01T00:00:00+00:00' WHERE id = ?", (old.id,)
        )
    assert store.remove_older_than(0) == []
    assert store.remove_older_than(30) == [old.id]
    assert [j.id for j in store.jobs()] == [new.id]


def test_a_newer_schema_is_not_touched(tmp_path):
    Store(tmp_path)
    with sqlite3.connect(tmp_path / "tkm.sqlite3") as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(RuntimeError, match="newer tkm_assign"):
        Store(tmp_path)


@pytest.mark.parametrize("text", ["../../x", "a/b", "", "0123456789abcdeF", "0123456789abcde"])
def test_only_real_ids_become_folders(store, text):
    assert not is_id(text)
    with pytest.raises(ValueError, match="is not a job id"):
        store.job_dir(text)
