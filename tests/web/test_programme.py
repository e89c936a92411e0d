"""Page 5, during the programme: logbook, progress, re-plan and simulation from the page.

The small valid files are planned once through the page; the logbook of ``tests/data``
then feeds a progress report and a re-plan, and a simulated logbook feeds the next steps.
"""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from tests.web.conftest import VALID, csrf_of
from tests.web.test_app import post_plan, wait_finished

AS_OF = "2027-08-15"


def job_of(answer) -> str:
    assert answer.status_code == 303, answer.text[:2000]
    return answer.headers["location"].rsplit("/", 1)[-1]


@pytest.fixture
def plan_id(client) -> str:
    job_id = job_of(post_plan(client, VALID / "participants.csv", title="Kecil"))
    assert wait_finished(client, job_id)["status"] == "done"
    return job_id


def follow(client, plan_id: str, kind: str, logbook=VALID / "logbook.csv", as_of=AS_OF):
    path = f"/plans/{plan_id}/programme"
    files = {}
    if logbook is not None:
        files["logbook"] = (logbook.name, logbook.read_bytes(), "text/csv")
    data = {"csrf": csrf_of(client, path), "kind": kind, "as_of": as_of}
    return client.post(path, data=data, files=files, follow_redirects=False)


def test_progress_then_replan_from_the_logbook(client, plan_id):
    page = client.get(f"/plans/{plan_id}").text
    assert f'href="/plans/{plan_id}/programme"' in page
    form = client.get(f"/plans/{plan_id}/programme").text
    assert "Unggah logbook pendampingan" in form and 'name="logbook"' in form

    progress = job_of(follow(client, plan_id, "progress"))
    assert wait_finished(client, progress)["status"] == "done"
    report = client.get(f"/jobs/{progress}").text
    assert "Kemajuan per 2027-08-15: bulan ke-2 program" in report
    counts = [int(n) for n in re.findall(r'id="(?:on-track|behind|at-risk-count)">(\d+)<', report)]
    assert len(counts) == 3 and sum(counts) == 10  # every participant, none withdrawn
    if counts[2]:
        assert 'id="at-risk"' in report
    messages = client.get(f"/jobs/{progress}/messages.zip")
    names = zipfile.ZipFile(io.BytesIO(messages.content)).namelist()
    assert names and all(re.fullmatch(r"messages/M\d\.txt", n) for n in names)

    # The next step keeps the logbook and the date: a re-plan, shown as a plan.
    path = f"/jobs/{progress}/then/replan"
    answer = client.post(
        path, data={"csrf": csrf_of(client, f"/jobs/{progress}")}, follow_redirects=False
    )
    replan = job_of(answer)
    assert wait_finished(client, replan)["status"] == "done"
    page = client.get(f"/plans/{replan}").text
    assert "Direncanakan ulang per 2027-08-15: mulai 2027-08-16" in page
    assert f'href="/plans/{plan_id}"' in page  # back to the plan it follows
    assert 'id="messages-zip"' in page and "changes.csv" in page
    mentor = client.get(f"/plans/{replan}/mentors/M1").text
    assert 'id="message"' in mentor
    calendars = zipfile.ZipFile(io.BytesIO(client.get(f"/plans/{replan}/calendars.zip").content))
    ics = calendars.read(calendars.namelist()[0]).decode()
    assert "SEQUENCE:" in ics
    home = client.get("/").text
    assert "Rencana ulang" in home  # the re-plan is the plan to follow next

    # The re-plan is followed in turn: its page 5 offers two weeks on, its files are read.
    assert 'value="2027-08-29"' in client.get(f"/plans/{replan}/programme").text
    again = job_of(follow(client, replan, "progress", as_of="2027-08-29"))
    assert wait_finished(client, again)["status"] == "done"
    assert "Kemajuan per 2027-08-29" in client.get(f"/jobs/{again}").text


def test_a_bad_logbook_lists_its_problems(client, plan_id, tmp_path):
    broken = tmp_path / "logbook.csv"
    broken.write_text(
        "date,participant_id,mentor_id,mode\n2027-07-06,P01,M1,onsite\n2027-13-01,P99,M1,onsite\n",
        encoding="utf-8",
    )
    job_id = job_of(follow(client, plan_id, "replan", logbook=broken))
    assert wait_finished(client, job_id)["status"] == "failed"
    page = client.get(f"/jobs/{job_id}").text
    table = page[page.index('id="problems"') :].replace("\n", "")
    cells = [
        '<td data-label="Berkas">logbook.csv</td>',
        '<td class="num" data-label="Baris">3</td>',
        '<td data-label="Kolom">date</td>',
        '<td data-label="Nilai">2027-13-01</td>',
    ]
    assert "".join(cells) in table
    assert f'href="/plans/{plan_id}/programme"' in page  # try again on page 5


def test_a_date_after_the_programme_is_clamped_and_one_before_it_refused(client, plan_id):
    # After the last day: reported as of the last day, and the page says so (as the CLI).
    late = job_of(follow(client, plan_id, "progress", as_of="2030-01-01"))
    assert wait_finished(client, late)["status"] == "done"
    page = client.get(f"/jobs/{late}").text
    warned = page[page.index('id="warnings"') :]
    (last,) = re.findall(r"melewati hari terakhir program (\d{4}-\d\d-\d\d)", warned)
    assert "tanggal per 2030-01-01 melewati hari terakhir program" in warned
    assert f"Kemajuan per {last}:" in page and last < "2030-01-01"
    answer = follow(client, plan_id, "progress", as_of="2027-07-04")
    assert answer.status_code == 400
    # Refused in the page's language, the field named as the form names it.
    assert (
        "Logbook sampai tanggal (as_of): 2027-07-04 sebelum masa program, 2027-07-05 sampai 20"
        in (answer.text)
    )
    answer = follow(client, plan_id, "progress", logbook=None)
    assert answer.status_code == 400 and "Pilih berkas logbook." in answer.text


def test_a_simulated_logbook_feeds_progress_and_replan(client, plan_id):
    simulated = job_of(follow(client, plan_id, "simulate", logbook=None))
    assert wait_finished(client, simulated)["status"] == "done"
    page = client.get(f"/jobs/{simulated}").text
    assert "Disimulasikan dari 2027-07-05 sampai 2027-08-15" in page
    for name in ("logbook.csv", "participants.csv", "mentors.csv"):
        assert f"/jobs/{simulated}/files/{name}" in page
    csrf = csrf_of(client, f"/jobs/{simulated}")
    then = client.post(
        f"/jobs/{simulated}/then/progress", data={"csrf": csrf}, follow_redirects=False
    )
    progress = job_of(then)
    assert wait_finished(client, progress)["status"] == "done"
    assert "Kemajuan per 2027-08-15" in client.get(f"/jobs/{progress}").text
    store = client.app.state.web.store
    assert store.job(progress).inputs == store.job(simulated).summary["uploads"]
