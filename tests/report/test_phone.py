"""The report on a phone: headless Chromium at 390 px, every chart's text at least 10 px."""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tkm_assign.report import charts
from tkm_assign.report.i18n import Labels

CHROMIUM = Path("/usr/bin/chromium")
PHONE = {"width": 390, "height": 844}

# Smallest on-screen size of any SVG text, in CSS pixels: its font size times the scale
# from the SVG's user units to the screen (viewBox to the drawn width, rotations included).
SMALLEST_TEXT = """() => {
  let smallest = Infinity, count = 0;
  for (const t of document.querySelectorAll('svg text')) {
    const m = t.getScreenCTM();
    const size = parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
    smallest = Math.min(smallest, size); count += 1;
  }
  return [smallest, count];
}"""


def _chromium() -> Path:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is required in CI (.ci/run installs the Debian package)")
        pytest.skip("chromium not installed (Debian package `chromium`); CI installs it")
    return CHROMIUM


def test_chart_text_is_readable_at_phone_width(outputs: Path, tmp_path: Path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(_chromium()), args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport=PHONE, device_scale_factor=1)
        page.route(
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith(("file:", "data:"))
                else route.abort()
            ),
        )
        page.goto((outputs / "report.html").resolve().as_uri())
        smallest, count = page.evaluate(SMALLEST_TEXT)
        # The page itself never scrolls sideways: wide charts and tables scroll in their box.
        page_width = page.evaluate("document.documentElement.scrollWidth")
        tips = page.evaluate("[...document.querySelectorAll('svg title')].map(t => t.textContent)")
        page.screenshot(path=str(tmp_path / "report-390.png"), full_page=True)
        browser.close()
    assert count > 50
    assert smallest >= 10.0 - 1e-6, smallest
    assert page_width <= PHONE["width"]
    assert any(tip.startswith("M01 · Jawa Barat") for tip in tips), tips
    assert any(tip.startswith("M02 · Bali") for tip in tips), tips


def _balance(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    return pd.DataFrame(
        {
            "mentor_id": [f"M{k:03d}" for k in range(n)],
            "province": ["Lampung"] * n,
            "caseload": rng.integers(0, 25, n),
            "max_caseload": [20] * n,
            "utilisation": rng.uniform(0, 1.2, n),
            "peak_utilisation": [np.nan] * n,
        }
    )


@pytest.mark.parametrize("draw", [charts.utilisation_chart, charts.caseload_chart])
def test_every_mentor_is_labelled_and_the_chart_widens_instead_of_shrinking(draw):
    labels = Labels("id")
    args = (0.25,) if draw is charts.utilisation_chart else ()
    few, many = draw(_balance(5), labels, *args), draw(_balance(150), labels, *args)
    for svg, n in ((few, 5), (many, 150)):
        ids = {f"M{k:03d}" for k in range(n)}
        assert set(re.findall(r">(M\d{3})</text>", svg)) == ids  # an id under every bar
        assert set(re.findall(r"<title>(M\d{3}) · Lampung", svg)) == ids  # and its tooltip
        width = float(re.search(r'viewBox="0 0 ([0-9.]+) ', svg).group(1))
        min_width = int(re.search(r"min-width: (\d+)px", svg).group(1))
        smallest = min(float(s) for s in re.findall(r"font-size: ([0-9.]+)px", svg))
        assert smallest * min_width / width >= 10.0
    # 150 ids side by side need more room than 5: the chart grows rather than its text shrinks
    assert float(re.search(r'viewBox="0 0 ([0-9.]+) ', many).group(1)) > 1500


def test_count_axes_have_whole_number_ticks():
    svg = charts.caseload_chart(_balance(12), Labels("id"))
    ticks = re.findall(r'id="ytick_\d+">.*?<text[^>]*>([^<]*)</text>', svg, flags=re.DOTALL)
    assert ticks and all(re.fullmatch(r"\d+", t) for t in ticks), ticks
