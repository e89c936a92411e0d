"""The coordinators' guide: Markdown in Bahasa Indonesia and English, shown at ``/help``."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from markdown_it import MarkdownIt

GUIDE_DIR = Path(__file__).parent
IMAGES_DIR = GUIDE_DIR / "img"
FILES = {"id": "panduan.md", "en": "guide.md"}


@cache
def render(lang: str) -> str:
    """The guide in ``lang`` as HTML (raw HTML in the Markdown is not passed through)."""
    text = (GUIDE_DIR / FILES.get(lang, FILES["en"])).read_text(encoding="utf-8")
    return MarkdownIt("commonmark", {"html": False}).enable("table").render(text)


def image(name: str) -> Path | None:
    """A picture of the guide by its file name, only if it is one of the guide's own."""
    for path in IMAGES_DIR.glob("*.png"):
        if path.name == name:
            return path
    return None
