"""report.html and the printable schedules: self-contained, offline, and they render."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from matplotlib import image

# Anything that would make a browser fetch from elsewhere: src/href/url() with a scheme or a
# protocol-relative //, and CSS @import.
EXTERNAL = re.compile(
    r"""(?:\b(?:src|href|srcset|poster|data)\s*=\s*["']?\s*(?:[a-z][a-z0-9+.-]*:)?//)"""
    r"""|(?:url\(\s*["']?\s*(?:[a-z][a-z0-9+.-]*:)?//)|@import""",
    re.IGNORECASE,
)


# A link a person taps (a WhatsApp chat, a map) loads nothing by itself: allowed.
LINK = re.compile(r"""<a\s[^>]*?href=["']https://[^"']*["']""", re.IGNORECASE)


def assert_self_contained(page: str) -> None:
    loaded = LINK.sub("<a", page)
    assert not EXTERNAL.search(loaded), EXTERNAL.search(loaded)
    assert "http://" not in page and "https://" not in loaded


def test_detector_catches_external_references():
    for bad in (
        '<img src="https://x.org/a.png">',
        "<link href='//cdn.x/a.css'>",
        "<style>body{background:url( //x/a.png)}</style>",
        "<style>@import 'a.css';</style>",
        '<script src="http://x/a.js"></script>',
    ):
        assert EXTERNAL.search(bad), bad
    assert not EXTERNAL.search('<img src="data:image/png;base64,AAAA"><a href="geo:1,2">')
    assert_self_contained('<a class="wa" href="https://wa.me/6281234567890">WhatsApp</a>')
    with pytest.raises(AssertionError):
        assert_self_contained('<a href="https://wa.me/1"><img src="https://x.org/a.png"></a>')


def test_report_is_self_contained_with_key_figures(outputs):
    page = (outputs / "report.html").read_text(encoding="utf-8")
    assert_self_contained(page)
    assert page.count("<svg") == 5  # sessions, utilisation, caseload, provinces, travel
    assert 'src="data:image/png;base64,' in page  # the map, embedded
    for text in (
        "Rencana Pendampingan TKM Lanjutan",
        "Peserta terlayani",
        "31,07 %",  # the 2024 baseline next to this plan
        "58,90 %",
        "10,03 %",
        "Bagian sesi tatap muka",
        "Kesesuaian sektor",
        "Keseimbangan beban kerja",
        "Beban kerja per provinsi",
        "every eligible mentor is full (Bali: 1 mentor x 2 = 2 places for 3 participants)",
        "too far for a day trip: 169 min one way",
        "participants.csv",
        "caseload.max",
    ):
        assert text in page, text


def test_report_in_english(outputs_en):
    page = (outputs_en / "report.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in page
    assert "TKM Lanjutan mentoring plan" in page and "Participants served" in page
    assert "Peserta terlayani" not in page


def test_printable_schedule_lists_every_session(outputs, small_tables):
    page = (outputs / "calendars" / "M01.html").read_text(encoding="utf-8")
    assert_self_contained(page)
    assert 'name="viewport"' in page and "@media print" in page
    mine = small_tables.schedule[small_tables.schedule["mentor_id"] == "M01"]
    assert page.count('class="session"') == len(mine)
    assert "Selasa, 6 Juli 2027" in page
    assert "Berangkat 08:11 · Kembali 11:53 · 2 kunjungan" in page
    # Map links open on every phone and computer (https, not geo:), each onsite day has
    # its route, and the page says which time zone its times are in.
    assert "geo:" not in page
    assert 'href="https://www.google.com/maps/search/?api=1&amp;query=-6.91750,107.61910"' in page
    routes = small_tables.routes[small_tables.routes["mentor_id"] == "M01"]
    assert page.count('href="https://www.google.com/maps/dir/?api=1') == len(routes)
    assert "Semua waktu dalam WIB (UTC+7)." in page
    assert page.count('<svg class="routemap"') == 1 and page.count("<polyline") == len(routes)
    assert "Hanya tatap muka" in page  # P05 cannot be met online
    # P01's mobile number: a call link, a WhatsApp chat, and the chat on each of P01's sessions
    assert 'href="tel:+6281234567890"' in page and "Telepon 0812 3456 7890" in page
    sessions_p01 = (mine["participant_id"] == "P01").sum()
    assert page.count('href="https://wa.me/6281234567890"') == 1 + sessions_p01
    bali = (outputs / "calendars" / "M02.html").read_text(encoding="utf-8")
    assert 'href="tel:+62361223344"' in bali and "wa.me" not in bali  # a landline: no chat


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is required in CI (.ci/run installs the Debian package)")
        pytest.skip("chromium not installed (Debian package `chromium`); CI installs it")
    return found


def render(page: Path, out: Path, profile: Path) -> np.ndarray:
    """Screenshot of ``page`` in headless Chromium with the network cut off."""
    command = [
        _chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--host-resolver-rules=MAP * ~NOTFOUND",  # nothing may come from elsewhere
        f"--user-data-dir={profile}",
        f"--screenshot={out}",
        "--window-size=1280,2000",
        page.resolve().as_uri(),
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=180)
    return np.asarray(image.imread(out))


@pytest.mark.parametrize("name", ["report.html", "calendars/M01.html"])
def test_renders_in_headless_chromium_to_a_non_blank_page(outputs, tmp_path, name):
    pixels = render(outputs / name, tmp_path / "shot.png", tmp_path / "profile")
    assert pixels.shape[:2] == (2000, 1280)
    rgb = pixels[..., :3]
    not_white = (rgb < 0.95).any(axis=-1).mean()
    assert not_white > 0.05  # text, cards and charts, not an empty page
    # The header band in the programme's teal is drawn: styles were applied.
    teal = (np.abs(rgb - np.array([0x0F, 0x76, 0x6E]) / 255.0) < 0.03).all(axis=-1).mean()
    assert teal > 0.01
