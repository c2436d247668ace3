"""Carrefour's own privacy notice, terms of use and accessibility statement, and its identity in the header."""

from __future__ import annotations

import html
import json
import re

import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db

PAGES = {
    "en": {
        "/en/privacy/": ("Privacy notice", ["Privacy Act", "server logs", "IP address", "correct"]),
        "/en/terms/": ("Terms of use", ["Open Government Licence – Canada", "Moderators", "provided as they are"]),
        "/en/accessibility/": ("Accessibility statement", ["WCAG", "2.1", "AA", "axe-core", "keyboard",
                                                          "Report a problem or mistake on this page"]),
    },
    "fr": {
        "/fr/privacy/": ("Avis de confidentialité", ["Loi sur la protection des renseignements personnels",
                                                     "journaux du serveur", "adresse IP", "corriger"]),
        "/fr/terms/": ("Conditions d'utilisation", ["Licence du gouvernement ouvert – Canada", "modèrent", "tels quels"]),
        "/fr/accessibility/": ("Énoncé sur l'accessibilité", ["WCAG", "2.1", "AA", "axe-core", "clavier",
                                                               "Signaler un problème ou une erreur sur cette page"]),
    },
}
GOVERNMENTS = {
    "en": "Federal, provincial, territorial and municipal governments of Canada",
    "fr": "Gouvernements fédéral, provinciaux, territoriaux et municipaux du Canada",
}
FOOTER = {
    "en": {"Privacy": "/en/privacy/", "Terms of use": "/en/terms/", "Accessibility": "/en/accessibility/"},
    "fr": {"Confidentialité": "/fr/privacy/", "Conditions d'utilisation": "/fr/terms/",
           "Accessibilité": "/fr/accessibility/"},
}


@pytest.mark.parametrize("lang", ["en", "fr"])
@override_settings(CONTACT_EMAIL="privacy@carrefour.example")
def test_each_trust_page_has_one_plain_heading_its_content_and_a_contact(lang):
    for url, (title, phrases) in PAGES[lang].items():
        response = Client().get(url)
        assert response.status_code == 200, url
        page = html.unescape(response.content.decode())
        assert re.findall(r"<h1[^>]*>(.*?)</h1>", page) == [title]
        assert f"<title>{title} — Carrefour</title>" in page
        missing = [p for p in phrases if p not in page]
        assert not missing, (url, missing)
        assert 'href="mailto:privacy@carrefour.example"' in page
        assert ("Last revised: " if lang == "en" else "Dernière révision\u00a0: ") in page


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_page_footer_links_to_the_trust_pages_with_and_without_javascript(lang):
    for url in (f"/{lang}/", f"/{lang}/directory/", f"/{lang}/terms/"):
        page = Client().get(url).content.decode()
        sub_links = re.search(r"sub-links='([^']*)'", page)
        assert sub_links, url
        assert json.loads(html.unescape(sub_links.group(1))) == FOOTER[lang]  # what the component shows
        fallback = re.search(r'<nav class="cf-trust-links"[^>]*>(.*?)</nav>', page, re.S).group(1)
        assert re.findall(r'<a href="([^"]+)">', fallback) == list(FOOTER[lang].values())  # before it runs


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_header_shows_carrefour_with_the_participating_governments(lang):
    page = Client().get(f"/{lang}/").content.decode()
    identity = re.search(r'<a slot="signature" class="cf-identity" href="([^"]+)">(.*?)</a>', page, re.S)
    assert identity, "no Carrefour identity in the header's signature slot"
    assert identity.group(1) == f"/{lang}/"
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", identity.group(2))).split())
    assert text == f"Carrefour {GOVERNMENTS[lang]}"
