"""French typography in the declarations and consultations catalogues: a non-breaking space before : ? ! ;
and inside « », wherever the French has them (placeholders, entities and addresses left alone)."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2] / "src" / "carrefour"
CATALOGUES = [ROOT / app / "locale" / "fr" / "LC_MESSAGES" / "django.po" for app in ("declarations", "consultations")]
IGNORED = re.compile(r"%\([^)]+\)[sdif]|&#?\w+;|https?://\S+|<[^>]*>")
# A mark that ends a word (followed by a space, the end, or a closing quote) with no U+00A0 before it.
BAD_MARK = re.compile(r"(?<![\u00a0\u202f?!:;])[:?!;](?=$|[\s\"»)'’<])")
BAD_GUILLEMET = re.compile(r"«(?![\u00a0\u202f])|(?<![\u00a0\u202f])»")


def _french(entry: polib.POEntry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: p.parents[3].name)
def test_french_puts_a_non_breaking_space_before_high_punctuation_and_inside_guillemets(po_path):
    problems = []
    for entry in polib.pofile(str(po_path)):
        for text in _french(entry):
            plain = IGNORED.sub("x", text)
            if BAD_MARK.search(plain) or BAD_GUILLEMET.search(plain):
                problems.append(text)
    assert problems == []

