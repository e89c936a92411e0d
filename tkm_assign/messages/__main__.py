"""``python -m tkm_assign.messages``: bring the gettext catalogues up to date with the code.

Writes ``locale/tkm_assign.pot`` from :data:`tkm_assign.messages.catalogue.MESSAGES` and
merges it into every ``locale/<lang>/LC_MESSAGES/tkm_assign.po``: new codes are added with
an empty translation, changed English texts keep their translation but are marked fuzzy
(check them), removed codes are dropped. ``--check`` only reports whether anything would
change (exit 1 if so).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import re
import sys
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from tkm_assign.messages import DOMAIN, LANGUAGES
from tkm_assign.messages.catalogue import MESSAGES, Plural

LOCALE = Path(__file__).parent / "locale"
# Fixed dates keep the files stable: only a change of text changes them.
STAMP = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
HEADER: dict[str, Any] = {
    "header_comment": "# Messages of tkm_assign; see tkm_assign/messages/catalogue.py.",
    "project": "tkm_assign",
    "version": "",
    "copyright_holder": "tkm_assign contributors",
    "msgid_bugs_address": "",
    "last_translator": "tkm_assign contributors",
    "language_team": "tkm_assign contributors",
    "creation_date": STAMP,
    "revision_date": STAMP,
}


def template_catalog() -> Catalog:
    """Every code of the catalogue as an untranslated entry (code = msgctxt)."""
    catalog = Catalog(domain=DOMAIN, fuzzy=False, **HEADER)
    for code, entry in MESSAGES.items():
        msgid = (entry.singular, entry.plural) if isinstance(entry, Plural) else entry
        catalog.add(msgid, context=code)
    return catalog


def merged(lang: str, template: Catalog) -> Catalog:
    """The ``lang`` catalogue updated to ``template`` (new file when there is none)."""
    path = LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if path.exists():
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=lang, domain=DOMAIN)
    else:
        catalog = Catalog(locale=lang, domain=DOMAIN, **HEADER)
    catalog.update(template, no_fuzzy_matching=True, update_header_comment=True)
    for key, value in HEADER.items():
        setattr(catalog, key, value)
    catalog.obsolete.clear()
    catalog.fuzzy = False
    return catalog


def po_text(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(
        out,
        catalog,
        width=100,
        omit_header=False,
        sort_output=False,
        ignore_obsolete=True,
        include_previous=False,
    )
    # The Babel version in the header is left out, so another Babel writes the same file.
    return re.sub(rb'"Generated-By: [^"]*"\n', b"", out.getvalue())


def planned_files() -> dict[Path, bytes]:
    """Every catalogue file as it should be."""
    template = template_catalog()
    files = {LOCALE / f"{DOMAIN}.pot": po_text(template)}
    for lang in LANGUAGES:
        path = LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        files[path] = po_text(merged(lang, template))
    return files


def entries(text: bytes) -> list[tuple[object, ...]]:
    """What a catalogue file says, entry by entry (context, id, translation, fuzzy)."""
    catalog = read_po(io.BytesIO(text))
    return [(m.context, m.id, m.string, m.fuzzy) for m in catalog if m.id]


def stale_files() -> list[Path]:
    """Catalogue files whose entries differ from what the code needs (formatting aside)."""
    return [
        path
        for path, text in planned_files().items()
        if not path.exists() or entries(path.read_bytes()) != entries(text)
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tkm_assign.messages", description=__doc__)
    parser.add_argument("--check", action="store_true", help="only report files out of date")
    args = parser.parse_args(argv)
    stale = stale_files()
    if not args.check:
        for path, text in planned_files().items():
            if not path.exists() or path.read_bytes() != text:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(text)
    for path in stale:
        print(f"{'out of date' if args.check else 'updated'}: {path}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
