"""The page in a real browser: Debian's Chromium driven by Playwright, the real server.

The national sample is planned once for the module (the slow part, about a minute); the
other tests read that plan. Nothing may be fetched from outside this machine: every
request to another host is aborted and counted. Screenshots of the main pages are kept in
``outputs/screenshots`` (the coordinators' guide shows them) and checked not to be blank.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import httpx2 as httpx
import numpy as np
import openpyxl
import pytest
from matplotlib import image

from tests.web.conftest import INVALID, SAMPLE, VALID, Served, start_server
from tkm_assign.config import PROJECT_ROOT

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = PROJECT_ROOT / "outputs" / "screenshots"
# Every screenshot these tests take, as ``<name>-<lang>-<width>.png``.
SHOTS = (
    "home",
    "new_plan",
    "running",
    "problems",
    "plan",
    "plan-province",
    "mentor",
    "help",
    "audit",
    "programme",
    "progress",
    "replan",
    "replan-mentor",
)
XSS = "<script>window.__tkm_xss = 1</script>"
PLAN_TIMEOUT_MS = 15 * 60 * 1000


def chromium() -> Path:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is required in CI (.ci/run installs the Debian package)")
        pytest.skip("chromium not installed (Debian package `chromium`); CI installs it")
    return CHROMIUM


@pytest.fixture(scope="module")
def browser_context(tmp_path_factory) -> Iterator[tuple[object, list[str]]]:
    """A Chromium context with a fresh profile; requests to other hosts are refused."""
    from playwright.sync_api import sync_playwright

    path = chromium()
    outside: list[str] = []
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=str(path),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 900},
            accept_downloads=True,
        )

        def guard(route, request) -> None:  # type: ignore[no-untyped-def]
            host = urlparse(request.url).hostname or ""
            if request.url.startswith(("data:", "blob:")) or host in ("127.0.0.1", "localhost"):
                route.continue_()
            else:
                outside.append(request.url)
                route.abort()

        context.route("**/*", guard)
        context.set_default_timeout(60_000)
        yield context, outside
        context.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Served]:
    served = start_server(tmp_path_factory.mktemp("web-data"))
    yield served
    served.stop()


@pytest.fixture(scope="module")
def mentors_with_a_script_name(tmp_path_factory) -> Path:
    """The sample's mentors with one name that would run as a script if not escaped."""
    folder = tmp_path_factory.mktemp("inputs")
    text = (SAMPLE / "mentors.csv").read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    first = lines[1].split(",")
    first[1] = XSS
    lines[1] = ",".join(first)
    path = folder / "mentors.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def page(browser_context):
    context, outside = browser_context
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.dialogs = dialogs
    yield page
    page.close()
    assert not outside, f"the page asked for outside addresses: {outside[:5]}"


@pytest.fixture(scope="module")
def national_plan(browser_context, server, mentors_with_a_script_name) -> str:
    """The national sample planned through the page: the plan page's address."""
    context, _ = browser_context
    page = context.new_page()
    page.goto(f"{server.base}/new")
    both_languages(page, "new_plan")
    page.set_input_files("input[name=participants]", str(SAMPLE / "participants.csv"))
    page.set_input_files("input[name=mentors]", str(mentors_with_a_script_name))
    page.fill("input[name=title]", "Nasional 2027")
    page.click("button[type=submit]")
    page.wait_for_url("**/jobs/*")
    page.wait_for_selector("progress")
    both_languages(page, "running")
    page.wait_for_url("**/plans/*", timeout=PLAN_TIMEOUT_MS)
    url = page.url
    page.close()
    return url


def both_languages(page, name: str) -> None:
    """Screenshots of the page in Bahasa Indonesia and in English (back to Indonesian)."""
    settle(page)
    shoot(page, name)
    page.click("a.lang")
    page.wait_for_load_state()
    settle(page)
    shoot(page, name)
    page.click("a.lang")
    page.wait_for_load_state()


def settle(page) -> None:
    """Wait for what a page draws after loading: the map's points, a progress step."""
    if page.locator("#map").count():
        page.wait_for_selector("#map[data-ready='1']", timeout=60_000)
    if page.locator(".progress").count():
        # A step of the plan under way, part done (the bar restarts with every step).
        page.wait_for_selector(".progress:not([data-done='0'])", timeout=300_000)


def shoot(page, name: str, full_page: bool = False) -> Path:
    """A screenshot kept as an artefact, checked to show more than an empty page."""
    assert name in SHOTS
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    lang = page.evaluate("document.documentElement.lang")
    width = page.viewport_size["width"]
    path = SCREENSHOTS / f"{name}-{lang}-{width}.png"
    page.screenshot(path=str(path), full_page=full_page)
    pixels = np.asarray(image.imread(path))[..., :3]
    not_white = (pixels < 0.95).any(axis=-1).mean()
    assert not_white > 0.03, f"{path.name} looks blank"
    teal = (np.abs(pixels - np.array([0x0F, 0x76, 0x6E]) / 255.0) < 0.03).all(axis=-1).mean()
    assert teal > 0.002, f"{path.name}: the page's styles did not load"
    return path


def wait_for_map(page) -> dict[str, int]:
    page.wait_for_selector("#map[data-ready='1']", timeout=60_000)
    data = page.eval_on_selector("#map", "el => Object.assign({}, el.dataset)")
    return {k: int(v) for k, v in data.items() if k.startswith("drawn")}


def test_the_plan_shows_every_mentor_and_served_participant_on_the_map(page, national_plan):
    page.goto(national_plan)
    drawn = wait_for_map(page)
    served = int(page.inner_text("#served").replace(".", "").replace(",", ""))
    assert drawn["drawnMentors"] == 150
    assert drawn["drawnServed"] == served
    assert served > 2500
    assert drawn["drawnServed"] + drawn["drawnUnserved"] == 3000
    assert page.inner_text("#mentor-count") == "150"
    both_languages(page, "plan")
    wait_for_map(page)
    # A province filter shows that province only.
    page.select_option("#province-filter", "32")
    page.wait_for_selector("#map[data-drawn-mentors='27']")
    shoot(page, "plan-province")


def test_a_mentor_page_has_the_calendar_and_the_day_routes(page, national_plan):
    page.goto(national_plan)
    page.click("#workload tbody tr:nth-child(1) a")
    page.wait_for_url("**/mentors/*")
    drawn = wait_for_map(page)
    assert drawn["drawnMentors"] == 1
    assert drawn["drawnServed"] >= 1
    assert page.locator("#routes tbody tr").count() > 0
    assert page.locator("#sessions tbody tr").count() > 0
    calendar = page.get_attribute("a[href$='.ics']", "href")
    answer = httpx.get(urlparse(national_plan)._replace(path=calendar).geturl(), timeout=30)
    assert answer.text.startswith("BEGIN:VCALENDAR")
    both_languages(page, "mentor")


def test_plan_xlsx_downloads_and_opens(page, national_plan, tmp_path):
    page.goto(national_plan)
    with page.expect_download() as caught:
        page.click("#downloads a[href$='plan.xlsx']")
    path = tmp_path / "plan.xlsx"
    caught.value.save_as(path)
    book = openpyxl.load_workbook(path, read_only=True)
    assert len(book.sheetnames) >= 3
    with page.expect_download() as zipped:
        page.click("#downloads a[href$='calendars.zip']")
    zipped.value.save_as(tmp_path / "calendars.zip")
    import zipfile

    assert len(zipfile.ZipFile(tmp_path / "calendars.zip").namelist()) == 150


def test_a_script_in_a_name_is_shown_as_text(page, national_plan):
    page.goto(national_plan)
    wait_for_map(page)
    assert XSS in page.inner_text("#workload")
    assert page.evaluate("window.__tkm_xss") is None
    assert not page.dialogs


def test_the_language_switches_to_english_and_back(page, national_plan):
    page.goto(national_plan)
    assert "Peserta berpendamping" in page.inner_text("#figures")
    page.click("a.lang")
    page.wait_for_load_state()
    assert "Participants with a mentor" in page.inner_text("#figures")
    assert page.evaluate("document.documentElement.lang") == "en"
    page.click("a.lang")
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.lang") == "id"


def test_a_broken_file_shows_the_row_and_column_of_each_problem(page, server):
    page.goto(f"{server.base}/new")
    page.set_input_files(
        "input[name=participants]", str(INVALID / "participants_unknown_sector.csv")
    )
    page.set_input_files("input[name=mentors]", str(VALID / "mentors.csv"))
    page.click("button[type=submit]")
    page.wait_for_selector("#problems", timeout=120_000)
    row = page.locator("#problems tbody tr").first
    cells = [row.locator("td").nth(i).inner_text() for i in range(4)]
    assert cells == ["participants_unknown_sector.csv", "3", "sector", "bakery"]
    both_languages(page, "problems")


PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_main_pages_fit_a_phone(page, server, national_plan, lang):
    page.set_viewport_size(PHONE)
    page.goto(f"{server.base}/lang?to={lang}&next=/")
    try:
        phone_pages(page, server, national_plan)
    finally:
        page.goto(f"{server.base}/lang?to=id&next=/")


def phone_pages(page, server: Served, national_plan: str) -> None:
    plan = urlparse(national_plan).path
    for name, path in (
        ("home", "/"),
        ("new_plan", "/new"),
        ("plan", plan),
        ("programme", plan + "/programme"),
        ("help", "/help/"),
    ):
        page.goto(server.base + path)
        if name == "plan":
            wait_for_map(page)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"] + 1, f"{name} is {width} px wide on a phone"
        shoot(page, name)
    page.goto(server.base + plan)
    page.click("#workload tbody tr:nth-child(1) a")
    wait_for_map(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    shoot(page, "mentor")


def test_the_guide_shows_its_pictures_in_both_languages(page, server):
    for lang, heading in (("id", "Panduan koordinator"), ("en", "Coordinators' guide")):
        page.goto(f"{server.base}/lang?to={lang}&next=/help/")
        assert heading in page.inner_text("#guide h1")
        pictures = page.eval_on_selector_all("#guide img", "imgs => imgs.map(i => i.naturalWidth)")
        assert pictures and all(width > 0 for width in pictures)
    page.goto(f"{server.base}/lang?to=id&next=/")


def test_an_oversized_upload_is_refused(page, server, tmp_path):
    big = tmp_path / "besar.csv"
    with big.open("wb") as out:
        out.write(b"participant_id,latitude,longitude,sector\n")
        out.write(b"P0000001,-6.91750,107.61910,industri_boga\n" * 520_000)  # 20.8 MB
    page.goto(f"{server.base}/new")
    page.set_input_files("input[name=participants]", str(big))
    page.set_input_files("input[name=mentors]", str(VALID / "mentors.csv"))
    page.click("button[type=submit]")
    page.wait_for_selector("#refusal")
    size_mb = f"{big.stat().st_size / 2**20:.1f}".replace(".", ",")
    refusal = page.inner_text("#refusal")
    assert refusal == f"besar.csv berukuran {size_mb} MB; paling besar 20 MB yang dapat diunggah."


def test_two_uploads_at_once_both_become_plans(browser_context, server):
    context, _ = browser_context
    pages = [context.new_page() for _ in range(2)]
    for i, tab in enumerate(pages):
        tab.goto(f"{server.base}/new")
        tab.set_input_files("input[name=participants]", str(VALID / "participants.csv"))
        tab.set_input_files("input[name=mentors]", str(VALID / "mentors.csv"))
        tab.fill("input[name=title]", f"kecil {i}")
    # Both forms are sent before either answer arrives.
    for tab in pages:
        tab.evaluate("document.querySelector('form.plan-form').requestSubmit()")
    for tab in pages:
        tab.wait_for_url("**/plans/*", timeout=PLAN_TIMEOUT_MS)
    assert len({tab.url for tab in pages}) == 2
    for tab in pages:
        tab.close()


def test_another_host_needs_the_token(tmp_path):
    served = start_server(tmp_path / "data", "--host", "0.0.0.0")
    try:
        assert "?token=" in served.url
        local = served.base
        assert httpx.get(f"{local}/", timeout=30).status_code == 403
        with httpx.Client(timeout=30, follow_redirects=True) as client:
            answer = client.get(served.url)
            assert answer.status_code == 200
            assert "token=" not in str(answer.url)  # moved into a cookie
            assert client.get(f"{local}/new").status_code == 200
        bearer = {"Authorization": f"Bearer {served.url.split('token=')[1]}"}
        assert httpx.get(f"{local}/", headers=bearer, timeout=30).status_code == 200
    finally:
        served.stop()


def test_an_edited_plan_is_checked_and_its_broken_rules_shown(page, server, tmp_path):
    # Everyone on M2 in Jakarta: the participants of other provinces break the province rule.
    edited = tmp_path / "penugasan.csv"
    rows = ["participant_id,mentor_id"] + [f"P{i:02d},M2" for i in range(1, 11)]
    edited.write_text("\n".join(rows) + "\n", encoding="utf-8")
    page.goto(f"{server.base}/audit")
    page.set_input_files("input[name=participants]", str(VALID / "participants.csv"))
    page.set_input_files("input[name=mentors]", str(VALID / "mentors.csv"))
    page.set_input_files("input[name=assignments]", str(edited))
    page.fill("input[name=title]", "Penugasan manual")
    page.click("button[type=submit]")
    page.wait_for_selector("#violations", timeout=PLAN_TIMEOUT_MS)
    assert int(page.inner_text("#violation-count")) > 0
    assert "province" in page.inner_text("#violations")
    both_languages(page, "audit")


def download(page, selector: str, folder: Path) -> Path:
    with page.expect_download() as caught:
        page.click(selector)
    path = folder / caught.value.suggested_filename
    caught.value.save_as(path)
    return path


def wait_for_job(page) -> None:
    """Wait on a job's page until it has finished (its progress box is gone)."""
    page.wait_for_url("**/jobs/*")
    page.wait_for_selector("#progress", state="detached", timeout=PLAN_TIMEOUT_MS)
    page.wait_for_load_state()


def test_a_simulated_logbook_is_uploaded_and_the_programme_replanned(page, national_plan, tmp_path):
    page.goto(national_plan)
    page.click("#follow")
    page.wait_for_url("**/programme")
    both_languages(page, "programme")
    # No logbook yet: simulate day 45 of the national sample, then take its files.
    page.fill("#simulate-form input[name=as_of]", "2027-08-18")
    page.click("#start-simulate")
    wait_for_job(page)
    page.wait_for_selector("#simulate-figures")
    assert int(page.inner_text("#logbook-rows").replace(".", "")) > 1000
    files = {
        role: download(page, f"#downloads a[href$='/{role}.csv']", tmp_path)
        for role in ("logbook", "participants", "mentors")
    }
    # Uploaded as a coordinator would, with the files as they are now.
    page.goto(national_plan + "/programme")
    for role, path in files.items():
        page.set_input_files(f"#follow-form input[name={role}]", str(path))
    page.fill("#follow-form input[name=as_of]", "2027-08-18")
    page.click("#start-progress")
    wait_for_job(page)
    page.wait_for_selector("#progress-figures")
    counts = [
        int(page.inner_text(f"#{box}").replace(".", ""))
        for box in ("on-track", "behind", "at-risk-count")
    ]
    assert sum(counts) > 2500 and counts[2] > 0
    assert page.locator("#at-risk tbody tr").count() > 0
    both_languages(page, "progress")
    page.click("#then-replan")
    page.wait_for_url("**/plans/*", timeout=PLAN_TIMEOUT_MS)
    page.wait_for_selector("#replan-figures")
    assert int(page.inner_text("#added").replace(".", "")) > 0
    assert wait_for_map(page)["drawnMentors"] > 140
    both_languages(page, "replan")
    zipped = download(page, "#messages-zip", tmp_path)
    import zipfile

    assert len(zipfile.ZipFile(zipped).namelist()) > 100
    page.click("#workload tbody tr:nth-child(1) a")
    page.wait_for_url("**/mentors/*")
    assert page.inner_text("#message").startswith("Halo ")
    assert page.evaluate("window.__tkm_xss") is None
    calendar = page.get_attribute("a[href$='.ics']", "href")
    ics = httpx.get(urlparse(page.url)._replace(path=calendar).geturl(), timeout=30).text
    assert "SEQUENCE:" in ics
    both_languages(page, "replan-mentor")


def tenfold(data_dir: Path, job_id: str) -> str:
    """A 30,000-participant plan page made of ten shifted copies of the national plan's.

    Planning 30,000 participants takes far longer than drawing them; the page only reads
    the job's page data, its figures and its assignments, so the copies are made there.
    """
    import json
    import shutil

    from tkm_assign.web import pagedata, tasks
    from tkm_assign.web.store import Store

    store = Store(data_dir)
    original = store.job(job_id)
    assert original is not None and original.summary is not None
    points = pagedata.read_json(tasks.page_dir(store, job_id) / pagedata.MAP_FILE)
    mentors, participants = points["mentors"], points["participants"]
    count = len(mentors["id"])
    big: dict[str, object] = {"reasons": points["reasons"]}
    big["mentors"] = {
        "id": [f"{m}-{k}" for k in range(10) for m in mentors["id"]],
        "lat": [lat + 0.01 * k for k in range(10) for lat in mentors["lat"]],
        "lon": [lon + 0.01 * k for k in range(10) for lon in mentors["lon"]],
        "province": mentors["province"] * 10,
    }
    big["participants"] = {
        "id": [f"{p}-{k}" for k in range(10) for p in participants["id"]],
        "lat": [lat + 0.01 * k for k in range(10) for lat in participants["lat"]],
        "lon": [lon + 0.01 * k for k in range(10) for lon in participants["lon"]],
        "province": participants["province"] * 10,
        "m": [m + k * count if m >= 0 else -1 for k in range(10) for m in participants["m"]],
        "reason": participants["reason"] * 10,
    }
    rows = pagedata.read_json(tasks.page_dir(store, job_id) / pagedata.MENTORS_FILE)
    summary = dict(original.summary)
    for key in ("participants", "assigned", "unassigned", "mentors", "sessions"):
        summary[key] = summary[key] * 10
    job = store.add_job("plan", "30.000 peserta", {}, {}, "id")
    store.claim_next()
    page_data = tasks.page_dir(store, job.id)
    pagedata.write_json_atomic(page_data / pagedata.MAP_FILE, big, packed=True)
    pagedata.write_json_atomic(
        page_data / pagedata.MENTORS_FILE,
        [{**row, "mentor_id": f"{row['mentor_id']}-{k}"} for k in range(10) for row in rows],
    )
    outputs = tasks.outputs_dir(store, job.id)
    outputs.mkdir(parents=True)
    shutil.copy2(tasks.outputs_dir(store, job_id) / "assignments.csv", outputs)
    assert store.finish(job.id, "done", summary=json.loads(json.dumps(summary)))
    return job.id


def test_the_map_stays_responsive_with_30000_participants(page, server, national_plan):
    big = tenfold(server.data_dir, urlparse(national_plan).path.rsplit("/", 1)[-1])
    page.goto(f"{server.base}/plans/{big}")
    drawn = wait_for_map(page)
    assert drawn["drawnMentors"] == 1500
    assert drawn["drawnServed"] + drawn["drawnUnserved"] == 30_000
    # Still answering: a province filter redraws, a click on a point opens its popup.
    page.select_option("#province-filter", "32")
    page.wait_for_selector("#map[data-drawn-mentors='270']")
    page.select_option("#province-filter", "")
    page.wait_for_selector("#map[data-drawn-mentors='1500']")
    # Defect: the view changes were animated, and a view set before the animation ended
    # was undone by it: the map stayed on the province, and the click below hit a mentor.
    # The reset a few moments after the province (while an animated view would still be
    # moving), with gaps of 0-200 ms, each time long enough after for any animation to
    # end: with the animated views of before, 3 of the 6 ended on the province (zoom 8).
    zooms = page.evaluate(
        """async () => {
            const filter = document.getElementById("province-filter");
            const pause = ms => new Promise(done => setTimeout(done, ms));
            const zooms = [];
            for (const gap of [0, 40, 80, 120, 160, 200]) {
                for (const value of ["32", ""]) {
                    filter.value = value;
                    filter.dispatchEvent(new Event("change"));
                    await pause(gap);
                }
                await pause(1000);
                zooms.push(window.tkmMap.getZoom());
            }
            return zooms;
        }"""
    )
    assert zooms == [5] * 6
    # The first served participant, zoomed in: a click on it opens its popup.
    page.locator("#map").scroll_into_view_if_needed()
    at = page.evaluate(
        """async () => {
            const data = await (await fetch(document.getElementById("map").dataset.map)).json();
            const P = data.participants, i = P.m.findIndex(m => m >= 0);
            window.tkmMap.setView([P.lat[i], P.lon[i]], 14, { animate: false });
            // The canvas draws the new view on the next frames.
            await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
            const point = window.tkmMap.latLngToContainerPoint([P.lat[i], P.lon[i]]);
            return { x: point.x, y: point.y, id: P.id[i] };
        }"""
    )
    box = page.locator("#map").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + at["x"], box["y"] + at["y"])
    page.wait_for_selector(".leaflet-popup-content")
    assert at["id"] in page.inner_text(".leaflet-popup-content")


# Last: it stops the module's server.
def test_the_plan_is_still_there_after_a_restart(page, server, national_plan):
    server.stop()
    again = start_server(server.data_dir)
    try:
        page.goto(f"{again.base}/")
        assert "Nasional 2027" in page.inner_text("#plans")
        page.locator("#plans").get_by_role("link", name="Nasional 2027", exact=True).click()
        page.wait_for_url("**/plans/*")
        assert page.url.endswith(urlparse(national_plan).path)
        assert wait_for_map(page)["drawnMentors"] == 150
        shoot(page, "home")
    finally:
        again.stop()
