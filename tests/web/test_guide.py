"""The coordinators' guide: both languages, the same sections, real screenshots."""

from __future__ import annotations

import re
import shutil

import pytest

from tests.web.test_browser import SCREENSHOTS, SHOTS
from tkm_assign.web import guide

PICTURE = re.compile(r"!\[[^\]]*\]\(img/([^)]+)\)")


def pictures(lang: str) -> list[str]:
    return PICTURE.findall((guide.GUIDE_DIR / guide.FILES[lang]).read_text(encoding="utf-8"))


def test_both_guides_have_the_same_sections_and_pictures():
    texts = {
        lang: (guide.GUIDE_DIR / name).read_text(encoding="utf-8")
        for lang, name in guide.FILES.items()
    }
    headings = {lang: re.findall(r"^## (\d+)\.", text, re.M) for lang, text in texts.items()}
    assert headings["id"] == headings["en"] == ["1", "2", "3", "4", "5", "6"]
    assert [p.replace("-id-", "-") for p in pictures("id")] == [
        p.replace("-en-", "-") for p in pictures("en")
    ]


@pytest.mark.parametrize("lang", sorted(guide.FILES))
def test_every_picture_is_a_screenshot_the_browser_tests_take(lang):
    for name in pictures(lang):
        match = re.fullmatch(r"(.+)-(id|en)-(\d+)\.png", name)
        assert match and match.group(1) in SHOTS and match.group(2) == lang, name
        assert guide.image(name) is not None, f"{name}: run `make guide-images`"


def test_the_guide_renders_without_passing_html_through():
    html = guide.render("id")
    assert "<h1>Panduan koordinator" in html
    assert '<img src="img/plan-id-1400.png"' in html
    assert "<script" not in html


def copy_images() -> None:
    """Copy the screenshots the guides show from the last browser test run (make guide-images)."""
    for lang in guide.FILES:
        for name in pictures(lang):
            shutil.copy2(SCREENSHOTS / name, guide.IMAGES_DIR / name)
            print(f"{guide.IMAGES_DIR / name}")


if __name__ == "__main__":
    copy_images()
