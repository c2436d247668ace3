"""French typography in the portfolio: a non-breaking space (U+00A0) before : ; ? ! that end a clause,
and inside « »."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest

import carrefour.portfolio
from tests.portfolio.factories import make_world

CATALOGUE = Path(carrefour.portfolio.__file__).parent / "locale" / "fr" / "LC_MESSAGES" / "django.po"
# A mark ending a clause (followed by a space, the end or closing punctuation), not one inside an
# address (https://, ?page=), a time (10:30) or an entity (&amp;).
_MARK = re.compile(r"(?P<before>.?)(?P<mark>[:;?!])(?=$|[\s»)\]<\"'.,])", re.S)


def _misplaced(text: str) -> list[str]:
    found = []
    for match in _MARK.finditer(text):
        if match.start("mark") == 0 or match.group("before") == "\u00a0":
            continue
        if match.group("mark") == ";" and re.search(r"&#?\w+$", text[:match.start("mark")]):
            continue
        found.append(text[max(0, match.start() - 20):match.end() + 5])
    found += [m.group(0) for m in re.finditer(r".{0,20}(?:« | »).{0,5}", text)]
    return found


def test_the_portfolio_catalogue_puts_a_non_breaking_space_before_high_punctuation():
    bad = []
    for entry in polib.pofile(str(CATALOGUE)):
        if entry.obsolete:
            continue
        values = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        bad += [f"{entry.msgid!r}: …{place}…" for value in values for place in _misplaced(value)]
    assert bad == []


def test_the_rule_spares_addresses_times_and_entities():
    assert _misplaced("Voir https://example.org/a?b=1 à 10:30 &amp; plus") == []
    assert _misplaced("Vision :") == ["Vision :"]
    assert _misplaced("Vision\u00a0:") == []
    assert _misplaced("le format « CSV »") == ["le format « CSV »"]
    assert _misplaced("le format «\u00a0CSV\u00a0»") == []


@pytest.mark.django_db
def test_a_french_portfolio_page_shows_the_non_breaking_spaces(client):
    world = make_world()
    client.force_login(world.secretary)
    html = client.get(f"/fr/portfolio/tables/{world.table.slug}/import/").content.decode()
    assert "Chaque ligne est d'abord vérifiée\u00a0: si une ligne" in html.replace("&#x27;", "'")
    assert "Codes séparés par des points-virgules ou des virgules\u00a0:" in html
