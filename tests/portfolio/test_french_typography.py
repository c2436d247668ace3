"""French typography on a portfolio page (the catalogues' rule is tested in tests/test_translations.py)."""

from __future__ import annotations

import pytest

from tests.portfolio.factories import make_world


@pytest.mark.django_db
def test_a_french_portfolio_page_shows_the_non_breaking_spaces(client):
    world = make_world()
    client.force_login(world.secretary)
    html = client.get(f"/fr/portfolio/tables/{world.table.slug}/import/").content.decode()
    assert "Chaque ligne est d'abord vérifiée\u00a0: si une ligne" in html.replace("&#x27;", "'")
    assert "Codes séparés par des points-virgules ou des virgules\u00a0:" in html
