"""Bilingual by construction: prefixed URLs, the language toggle, fallbacks, locale formats."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import polib
import pytest
from django.template import Context, Template
from django.test import Client
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern
from django.utils import translation

from carrefour.core.i18n import Translated, TranslatedText, pick, translated_fields
from carrefour.core.templatetags.carrefour import num, pct
from tests.directory.factories import OrganizationFactory, TeamFactory

ROOT = Path(__file__).resolve().parents[2]


def test_every_page_url_is_under_a_language_prefix():
    """Outside /en/ and /fr/ there are only `/` (a redirect), the API (language-neutral JSON) and the
    files robots read at fixed addresses (robots.txt, the sitemap, which lists both languages)."""
    unprefixed = []
    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLResolver) and isinstance(pattern.pattern, LocalePrefixPattern):
            continue
        unprefixed.append(str(pattern.pattern))
    assert sorted(unprefixed) == ["", "api/", "robots.txt", "sitemap-<section>.xml", "sitemap.xml"]


@pytest.mark.parametrize(
    "path",
    ["/", "/directory/", "/directory/organizations/", "/directory/jurisdictions/", "/accounts/login/",
     "/accounts/signup/", "/accounts/password/reset/"],
)
def test_pages_exist_in_both_languages(db, path):
    client = Client()
    for lang in ("en", "fr"):
        response = client.get(f"/{lang}{path}")
        assert response.status_code == 200, (lang, path)
        assert f'<html lang="{lang}">' in response.content.decode()


@pytest.mark.parametrize(
    ("accept", "target"),
    [("fr-CA,fr;q=0.9,en;q=0.8", "/fr/"), ("fr", "/fr/"), ("en-CA,en;q=0.9", "/en/"), ("de-DE", "/en/"), ("", "/en/")],
)
def test_root_redirects_by_accept_language(db, accept, target):
    response = Client().get("/", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 302 and response["Location"] == target


def test_unprefixed_page_addresses_redirect_to_a_language(db):
    response = Client().get("/directory/", HTTP_ACCEPT_LANGUAGE="fr-CA")
    assert response.status_code == 302 and response["Location"] == "/fr/directory/"


@pytest.mark.parametrize(
    ("path", "other"),
    [
        ("/en/", "/fr/"),
        ("/fr/directory/", "/en/directory/"),
        ("/en/directory/organizations/?kind=academic&page=1", "/fr/directory/organizations/?kind=academic&amp;page=1"),
        ("/fr/accounts/login/?next=/fr/directory/me/", "/en/accounts/login/?next=/fr/directory/me/"),
    ],
)
def test_language_toggle_points_to_the_same_page(db, path, other):
    html = Client().get(path).content.decode()
    assert f'<gcds-header lang-href="{other}"' in html
    assert f'<link rel="alternate" hreflang="{"fr" if path.startswith("/en") else "en"}" href="{other}">' in html


def test_the_same_page_in_the_other_language_for_a_detail_page(db):
    OrganizationFactory(slug="sheridan", name_en="Sheridan College", name_fr="Collège Sheridan")
    en = Client().get("/en/directory/organizations/sheridan/").content.decode()
    assert 'lang-href="/fr/directory/organizations/sheridan/"' in en
    fr = Client().get("/fr/directory/organizations/sheridan/").content.decode()
    assert "<h1>Collège Sheridan" in fr and "<title>Collège Sheridan — Carrefour</title>" in fr


def test_translated_picks_the_active_language_and_marks_fallbacks(db):
    org = OrganizationFactory(name_en="Sheridan College", name_fr="", acronym_en="", acronym_fr="")
    with translation.override("en"):
        assert org.name == "Sheridan College" and not org.name.is_fallback
    with translation.override("fr"):
        name = org.name
        assert name == "Sheridan College" and name.is_fallback and name.lang == "en"
        assert name.__html__() == '<span lang="en">Sheridan College</span> <span class="cf-fallback">(en anglais seulement)</span>'
        assert name.plain == "Sheridan College"
        assert org.acronym == "" and org.acronym.__html__() == ""


def test_fallback_text_is_escaped():
    text = TranslatedText("<b>Hi</b>", "fr", True)
    with translation.override("en"):
        assert text.__html__() == '<span lang="fr">&lt;b&gt;Hi&lt;/b&gt;</span> <span class="cf-fallback">(French only)</span>'


def test_fallback_is_marked_on_real_pages_but_not_in_titles(db):
    TeamFactory(slug="en-only", name_en="English-only team", name_fr="")
    html = Client().get("/fr/directory/teams/en-only/").content.decode()
    assert '<h1><span lang="en">English-only team</span> <span class="cf-fallback">(en anglais seulement)</span></h1>' in html
    assert "<title>English-only team — Carrefour</title>" in html
    listing = Client().get("/fr/directory/teams/").content.decode()
    assert '<span lang="en">English-only team</span>' in listing


def test_pick_and_translated_fields():
    assert pick({"en": "Hello", "fr": "Bonjour"}, "fr") == "Bonjour"
    assert pick({"en": "", "fr": "Bonjour"}, "en").is_fallback
    assert pick({"en": "", "fr": ""}, "en") == ""
    assert translated_fields("title", "summary") == ["title_en", "title_fr", "summary_en", "summary_fr"]
    assert isinstance(OrganizationFactory._meta.model.__dict__["name"], Translated)


def test_numbers_and_percentages_follow_the_locale():
    with translation.override("en"):
        assert num(1234.5, 1) == "1,234.5"
        assert num(1234567) == "1,234,567"
        assert pct(0.123) == "12.3%"
        assert num(None) == "—" and pct("") == "—"
    with translation.override("fr"):
        # A French reader sees 1 234,5 and 12,3 %: grouped with a no-break space (never split across
        # lines), a decimal comma, and a no-break space before the percent sign.
        assert num(1234.5, 1) == "1\u00a0234,5"
        assert num(1234567) == "1\u00a0234\u00a0567"
        assert pct(0.123) == "12,3\u00a0%"
        assert pct(1, 0) == "100\u00a0%"
        assert " " not in num(1234.5, 1) + pct(0.123)  # no breakable space


def test_number_filters_in_templates():
    template = Template("{% load carrefour %}{{ n|num:1 }} / {{ p|pct:1 }}")
    with translation.override("fr"):
        assert template.render(Context({"n": 1234.5, "p": 0.123})) == "1\u00a0234,5 / 12,3\u00a0%"


def test_dates_follow_the_locale():
    template = Template('{{ d|date:"DATE_FORMAT" }}')
    day = datetime.date(2026, 11, 21)
    with translation.override("en"):
        assert template.render(Context({"d": day})) == "Nov. 21, 2026"
    with translation.override("fr"):
        assert template.render(Context({"d": day})) == "21 novembre 2026"


def test_team_member_counts_use_locale_numbers(db):
    from carrefour.directory.models import Membership

    team = TeamFactory(slug="big")
    from tests.directory.factories import UserFactory

    Membership.objects.bulk_create([Membership(team=team, user=UserFactory()) for _ in range(2)])
    html = Client().get("/fr/directory/teams/").content.decode()
    assert '<td class="num">2</td>' in html


def _catalogue_msgids(min_words: int = 3) -> list[str]:
    ids = []
    for app in ("core", "directory"):
        for entry in polib.pofile(str(ROOT / f"src/carrefour/{app}/locale/fr/LC_MESSAGES/django.po")):
            if entry.msgstr != entry.msgid and len(entry.msgid.split()) >= min_words and "%" not in entry.msgid:
                ids.append(entry.msgid)
    return ids


@pytest.mark.parametrize(
    "path",
    ["/fr/", "/fr/directory/", "/fr/directory/jurisdictions/", "/fr/directory/organizations/",
     "/fr/directory/teams/", "/fr/directory/people/", "/fr/accounts/login/", "/fr/accounts/signup/"],
)
def test_french_pages_show_no_english_interface_text(directory_demo, path):
    html = Client().get(path).content.decode()
    leftovers = [m for m in _catalogue_msgids() if m in html]
    assert leftovers == []
    for english in ("Report a problem", "Sign in", "Download this list", "Please select", "Submit", "Password"):
        assert english not in re.sub(r'lang="en">[^<]*<', "", html), english


@pytest.mark.parametrize("path", ["/fr/accounts/login/", "/fr/accounts/signup/", "/fr/accounts/password/reset/"])
def test_account_pages_use_canadian_french_terms(db, path):
    """allauth's French says "e-mail"; Carrefour's catalogue overrides it with "courriel"."""
    html = Client().get(path).content.decode()
    assert "ourriel" in html
    assert not re.search(r"\b[Ee]-?mail\b", re.sub(r'(type|name|autocomplete|id|for)="[^"]*"', "", html))


def test_not_found_page_is_in_the_page_language(db):
    response = Client().get("/fr/directory/teams/nowhere/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="fr">' in html and "<h1>Nous ne pouvons trouver cette page Web</h1>" in html
    assert 'lang-href="/en/directory/teams/nowhere/"' in html
    assert "Signaler un problème ou une erreur sur cette page" in html


def test_forbidden_page_invites_anonymous_visitors_to_sign_in(db):
    response = Client().get("/en/triage/problems/?status=new")
    assert response.status_code == 403
    html = response.content.decode()
    assert "<h1>You don't have access to this page</h1>" in html
    assert 'href="/en/accounts/login/?next=/en/triage/problems/%3Fstatus%3Dnew"' in html


def test_server_error_page_is_bilingual():
    html = (ROOT / "src/carrefour/core/templates/500.html").read_text()
    assert "Something went wrong" in html and 'lang="fr"' in html and "Un problème est survenu" in html


def test_the_sort_key_ignores_accents_and_case_and_breaks_ties_with_the_original():
    from carrefour.core.i18n import sort_key

    names = ["Zone", "Fédéral", "école", "Eau", "Île", "Iqaluit", "Œuvre", "Ontario", "ecole"]
    assert sorted(names, key=sort_key) == ["Eau", "ecole", "école", "Fédéral", "Île", "Iqaluit", "Œuvre", "Ontario", "Zone"]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", ["Apple", "Beta", "Dairy board", "Eagle", "Édition", "Fisher", "Yukon"]),
        # French: the French names, accents sorted with their letter; a blank French name sorts by the English shown.
        ("fr", ["Dairy board", "Eau", "école nationale", "Fédéral", "Île", "Iqaluit", "Zone"]),
    ],
)
def test_collated_sorts_in_the_database_by_the_readers_language(db, lang, expected):
    from carrefour.core.i18n import collated
    from carrefour.directory.models import Organization

    for en, fr in [("Yukon", "Zone"), ("Édition", "Fédéral"), ("Beta", "école nationale"), ("Fisher", "Eau"),
                   ("Apple", "Île"), ("Eagle", "Iqaluit"), ("Dairy board", "")]:
        OrganizationFactory(name_en=en, name_fr=fr)
    with translation.override(lang):
        qs = Organization.objects.order_by(collated("name"), "pk")
        assert "COLLATE" in str(qs.query)  # the database sorts, so a page is a LIMIT/OFFSET of the order
        assert [str(o.name) for o in qs] == expected
        assert [str(o.name) for o in qs[2:4]] == expected[2:4]
