"""The routes in process (Starlette's test client over the real application and workers)."""

from __future__ import annotations

import time

import pytest

from tests.web.conftest import INVALID, SAMPLE, VALID, csrf_of
from tkm_assign.web.store import Store


def post_plan(client, participants, mentors=VALID / "mentors.csv", **fields):
    data = {"csrf": csrf_of(client), **fields}
    files = {}
    for role, item in (("participants", participants), ("mentors", mentors)):
        if item is None:
            continue
        name, content = (item.name, item.read_bytes()) if hasattr(item, "read_bytes") else item
        files[role] = (name, content, "application/octet-stream")
    return client.post("/submit/plan", data=data, files=files, follow_redirects=False)


def wait_finished(client, job_id, timeout_s=180):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        status = client.get(f"/jobs/{job_id}/status.json").json()
        if status["status"] in ("done", "failed", "cancelled"):
            return status
        time.sleep(0.3)
    raise AssertionError(f"job {job_id} still {status}")


def test_pages_render_in_indonesian_by_default_and_english_on_the_toggle(client):
    home = client.get("/")
    assert home.status_code == 200
    assert "Rencana baru" in home.text and 'lang="id"' in home.text
    client.get("/lang?to=en&next=/new")
    assert "New plan" in client.get("/new").text


def test_the_language_toggle_only_goes_back_to_this_site(client):
    answer = client.get("/lang?to=en&next=//evil.example/x", follow_redirects=False)
    assert answer.headers["location"] == "/"


def test_a_form_without_its_csrf_token_is_refused(client):
    answer = client.post(
        "/submit/plan",
        data={"csrf": "forged-token-forged-token"},
        files={"participants": ("p.csv", b"a\n1\n")},
    )
    assert answer.status_code == 403


def test_a_missing_file_is_asked_for(client):
    answer = post_plan(client, VALID / "participants.csv", mentors=None)
    assert answer.status_code == 400
    assert "Pilih berkas pendamping." in answer.text


def test_an_oversized_upload_is_refused_with_the_limit(client):
    big = b"participant_id,latitude\n" + b"P1,-6.9\n" * 3_000_000  # about 24 MB
    answer = post_plan(client, ("besar.csv", big))
    assert answer.status_code == 400
    assert "paling besar 20 MB" in answer.text


def test_an_unexpected_file_type_is_refused(client):
    answer = post_plan(client, ("peserta.exe", b"MZ\x90\x00"))
    assert answer.status_code == 400
    assert "berkas jenis .exe tidak dibaca" in answer.text


def test_bad_settings_are_named_on_the_form(client):
    answer = post_plan(client, VALID / "participants.csv", **{"caseload.max": "0"})
    assert answer.status_code == 400
    assert "Peserta per pendamping (caseload.max): 0 di luar 1..1000" in answer.text
    client.get("/lang?to=en&next=/new")
    answer = post_plan(client, VALID / "participants.csv", **{"caseload.max": "0"})
    assert "Participants per mentor (caseload.max): 0 is outside 1..1000" in answer.text
    client.get("/lang?to=id&next=/new")


def test_every_problem_of_a_broken_file_is_listed_with_row_and_column(client):
    answer = post_plan(client, INVALID / "participants_unknown_sector.csv")
    assert answer.status_code == 303
    job_id = answer.headers["location"].rsplit("/", 1)[-1]
    assert wait_finished(client, job_id)["status"] == "failed"
    page = client.get(f"/jobs/{job_id}").text
    table = page[page.index('id="problems"') :]
    cells = [
        '<td data-label="Berkas">participants_unknown_sector.csv</td>',
        '<td class="num" data-label="Baris">3</td>',
        '<td data-label="Kolom">sector</td>',
        '<td data-label="Nilai">bakery</td>',
    ]
    assert "".join(cells) in table.replace("\n", "")
    assert "1 masalah dalam berkas masukan" in page
    # What was expected reads in the page's language, the file, row, column and value kept.
    assert '<td data-label="Yang diharapkan">bukan sektor; seharusnya salah satu dari ' in table
    assert "is not a sector" not in table
    client.get(f"/lang?to=en&next=/jobs/{job_id}")
    english = client.get(f"/jobs/{job_id}").text
    table = english[english.index('id="problems"') :]
    assert '<td data-label="File">participants_unknown_sector.csv</td>' in table
    assert '<td data-label="Expected">is not a sector; expected one of ' in table
    assert "1 problem in the input files. Correct it in the spreadsheet" in english
    assert "bukan sektor" not in table
    client.get("/lang?to=id&next=/")


def test_unknown_ids_and_paths_are_not_found(client):
    for path in (
        "/jobs/0123456789abcdef",
        "/jobs/..%2F..%2Fetc",
        "/plans/0123456789abcdef/mentors/M001",
        "/jobs/0123456789abcdef/files/..%2F..%2Ftkm.sqlite3",
        "/geo/regencies/..%2F.json",
    ):
        assert client.get(path).status_code == 404, path


def test_security_headers_allow_nothing_from_elsewhere(client):
    headers = client.get("/").headers
    policy = headers["content-security-policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "http" not in policy  # no tile server configured: nothing from outside
    assert headers["x-frame-options"] == "DENY"


def test_another_host_name_is_refused(client):
    assert client.get("/", headers={"host": "attacker.example"}).status_code == 400
    assert client.get("/", headers={"host": "localhost:8050"}).status_code == 200


def test_a_queued_job_can_be_cancelled(tmp_path):
    from starlette.testclient import TestClient

    from tkm_assign.config import Config
    from tkm_assign.web.app import Options, create_app

    app = create_app(Options(data_dir=tmp_path, workers=1, config=Config.load()))
    with TestClient(app, base_url="http://127.0.0.1:8050") as client:
        first = post_plan(client, SAMPLE / "participants.csv", SAMPLE / "mentors.csv")
        second = post_plan(client, SAMPLE / "participants.csv", SAMPLE / "mentors.csv")
        first_id = first.headers["location"].rsplit("/", 1)[-1]
        second_id = second.headers["location"].rsplit("/", 1)[-1]
        assert client.get(f"/jobs/{second_id}/status.json").json()["status"] == "queued"
        csrf = csrf_of(client, f"/jobs/{second_id}")
        client.post(f"/jobs/{second_id}/cancel", data={"csrf": csrf})
        assert client.get(f"/jobs/{second_id}/status.json").json()["status"] == "cancelled"
        # The running one is cancelled too: its worker process group ends.
        deadline = time.monotonic() + 60
        while client.get(f"/jobs/{first_id}/status.json").json()["status"] != "running":
            assert time.monotonic() < deadline
            time.sleep(0.2)
        runner = app.state.web.runner
        process = runner._running[first_id]
        client.post(f"/jobs/{first_id}/cancel", data={"csrf": csrf})
        assert client.get(f"/jobs/{first_id}/status.json").json()["status"] == "cancelled"
        assert not process.is_alive()
    assert Store(tmp_path).job(first_id).status == "cancelled"


@pytest.mark.parametrize("path", ["/", "/new"])
def test_pages_name_no_outside_address(client, path):
    page = client.get(path).text
    assert "https://" not in page and "http://" not in page


def submit(client, kind, files, **fields):
    data = {"csrf": csrf_of(client, "/audit"), **fields}
    sent = {role: (path.name, path.read_bytes(), "text/csv") for role, path in files.items()}
    answer = client.post(f"/submit/{kind}", data=data, files=sent, follow_redirects=False)
    assert answer.status_code == 303, answer.text[:2000]
    return answer.headers["location"].rsplit("/", 1)[-1]


def test_an_edited_plan_is_checked_and_its_broken_rules_listed(client, tmp_path):
    # Everyone on M2 in Jakarta: the participants of other provinces break the province rule.
    edited = tmp_path / "penugasan.csv"
    rows = ["participant_id,mentor_id"] + [f"P{i:02d},M2" for i in range(1, 11)]
    edited.write_text("\n".join(rows) + "\n", encoding="utf-8")
    job_id = submit(
        client,
        "audit",
        {
            "participants": VALID / "participants.csv",
            "mentors": VALID / "mentors.csv",
            "assignments": edited,
        },
    )
    assert wait_finished(client, job_id)["status"] == "done"
    page = client.get(f"/jobs/{job_id}").text
    assert 'id="violations"' in page
    findings = page[page.index('id="violations"') :]
    assert '<tr class="violation"><td>province</td>' in findings.replace("\n", "")
    assert "peserta di provinsi 32, pendamping di provinsi 31" in findings
    assert "Rencana melanggar aturan" in page
    assert "audit_summary.json" in page  # the audit's files are offered


def test_capacity_and_scenarios_run_from_the_page(client):
    sizing = submit(client, "capacity", {"participants": VALID / "participants.csv"})
    compared = submit(
        client,
        "scenarios",
        {"participants": VALID / "participants.csv", "mentors": VALID / "mentors.csv"},
        scenarios="",
        grid="caseload.max=3,5",
    )
    assert wait_finished(client, sizing)["status"] == "done"
    assert 'id="result-table"' in client.get(f"/jobs/{sizing}").text
    assert wait_finished(client, compared)["status"] == "done"
    page = client.get(f"/jobs/{compared}").text
    table = page[page.index('id="scenario-table"') :]
    assert table.count("caseload.max=3") >= 1 and table.count("caseload.max=5") >= 1


def test_a_scenario_form_needs_something_to_compare(client):
    data = {"csrf": csrf_of(client, "/capacity"), "scenarios": "", "grid": ""}
    files = {
        "participants": ("p.csv", (VALID / "participants.csv").read_bytes(), "text/csv"),
        "mentors": ("m.csv", (VALID / "mentors.csv").read_bytes(), "text/csv"),
    }
    answer = client.post("/submit/scenarios", data=data, files=files)
    assert answer.status_code == 400
    assert "pilih berkas skenario" in answer.text


def test_outlines_and_map_points_are_sent_compressed_once(client):
    answer = client.get("/geo/provinces.json", headers={"accept-encoding": "gzip"})
    assert answer.headers["content-encoding"] == "gzip"
    assert answer.num_bytes_downloaded < 300_000
    provinces = answer.json()["features"]
    assert len(provinces) == 38
    assert {"code", "name"} <= set(provinces[0]["properties"])
    plain = client.get("/geo/provinces.json", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.json() == answer.json()
    jawa_barat = client.get("/geo/regencies/32.json").json()["features"]
    assert len(jawa_barat) == 27


def test_serve_refuses_a_data_folder_it_cannot_use(tmp_path, capsys):
    from tkm_assign.cli import main

    blocker = tmp_path / "a file"
    blocker.write_text("x")
    assert main(["serve", "--data-dir", str(blocker / "plans"), "--port", "0"]) == 2
    assert "--data-dir" in capsys.readouterr().err
    assert main(["serve", "--port", "70000"]) == 2


def test_serve_says_when_its_port_is_taken(tmp_path, capsys):
    import socket

    from tkm_assign.cli import main

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        assert main(["serve", "--data-dir", str(tmp_path), "--port", str(port)]) == 2
    assert f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err
