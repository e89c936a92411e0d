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
SHOTS = ("home", "new_plan", "running", "problems", "plan", "plan-province", "mentor", "help")
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
    for name, path in (("home", "/"), ("new_plan", "/new"), ("plan", plan), ("help", "/help/")):
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


def test_the_plan_is_still_there_after_a_restart(page, server, national_plan):
    server.stop()
    again = start_server(server.data_dir)
    try:
        page.goto(f"{again.base}/")
        assert "Nasional 2027" in page.inner_text("#plans")
        page.click("#plans a:text('Nasional 2027')")
        page.wait_for_url("**/plans/*")
        assert page.url.endswith(urlparse(national_plan).path)
        assert wait_for_map(page)["drawnMentors"] == 150
        shoot(page, "home")
    finally:
        again.stop()


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
