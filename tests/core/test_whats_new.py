"""What's new: every part of Carrefour contributes, through the one visibility rule; the feed is public only."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from carrefour.declarations import services as declaration_services
from carrefour.declarations.models import Declaration
from carrefour.directory.models import Role
from tests.consultations.factories import ConsultationFactory
from tests.declarations.factories import DeclarationFactory
from tests.directory.factories import MembershipFactory, TeamFactory, UserFactory, public_servant
from tests.experiments.test_views import _publish
from tests.portfolio.factories import AchievementFactory, InitiativeFactory

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def news():
    """One public and one government-only item from each part of Carrefour."""
    today = timezone.localdate()
    team = TeamFactory()
    owner = public_servant()
    MembershipFactory(user=owner, team=team, role=Role.SECRETARIAT)
    _publish(owner, team, seed=1, effect=0.1, title_en="Open letters trial")
    _publish(owner, team, seed=2, effect=0.1, title_en="Internal letters trial", visibility="government")
    AchievementFactory(date=today - datetime.timedelta(days=3), text_en="Launched the open pilot")
    AchievementFactory(date=today - datetime.timedelta(days=3), text_en="Internal milestone",
                       initiative=InitiativeFactory(visibility="government"))
    AchievementFactory(date=today - datetime.timedelta(days=400), text_en="Long ago")
    for title, visibility in (("Open declaration", "public"), ("Internal declaration", "government")):
        d = DeclarationFactory(team=team, status=Declaration.Status.DRAFTING, title_en=title, visibility=visibility)
        declaration_services.declaration_publish_version(declaration=d, actor=owner, note_en="First draft")
    ConsultationFactory(title_en="Open consultation")
    ConsultationFactory(title_en="Internal consultation", visibility="government")
    ConsultationFactory(title_en="Not yet open", opens_at=timezone.now() + datetime.timedelta(days=2),
                        closes_at=timezone.now() + datetime.timedelta(days=20))
    return owner


OPEN = ["Open letters trial", "Launched the open pilot", "Open declaration", "Open consultation"]
INTERNAL = ["Internal letters trial", "Internal milestone", "Internal declaration", "Internal consultation"]


def test_the_page_shows_what_each_reader_may_see(client, news):
    page = client.get("/en/whats-new/").content.decode()
    assert all(t in page for t in OPEN), page
    assert not any(t in page for t in INTERNAL + ["Long ago", "Not yet open"])
    client.force_login(news)  # a public servant
    page = client.get("/en/whats-new/").content.decode()
    assert all(t in page for t in OPEN + INTERNAL)
    client.force_login(UserFactory())  # a citizen
    assert not any(t in client.get("/en/whats-new/").content.decode() for t in INTERNAL)


def test_the_feed_is_public_only_even_for_a_signed_in_reader_and_in_its_language(client, news):
    client.force_login(news)
    entries = {}
    for lang in ("en", "fr"):
        response = client.get(f"/{lang}/whats-new/feed/")
        assert response["Content-Type"].startswith("application/atom+xml")
        feed = ET.fromstring(response.content)  # noqa: S314 - our own server's response
        assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == lang
        entries[lang] = list(feed.iter(f"{ATOM}entry"))
        links = [e.find(f"{ATOM}link").get("href") for e in entries[lang]]
        assert all(f"/{lang}/" in link for link in links)
        ids = [e.findtext(f"{ATOM}id") for e in entries[lang]]
        assert len(set(ids)) == len(ids) and all(i.startswith("tag:carrefour,") for i in ids)
    titles = " ".join(e.findtext(f"{ATOM}title") for e in entries["en"])
    assert all(t in titles for t in ("Open letters trial", "Open declaration", "Open consultation")), titles
    assert not any(t in titles for t in INTERNAL)
    french = [e.findtext(f"{ATOM}title") for e in entries["fr"]]
    assert len(french) == len(entries["en"]) == 4
    assert {t.split(" — ")[0] for t in french} == {"Résultats publiés", "Réalisations", "Déclarations", "Consultations"}


def test_filters_by_date_and_kind_and_refuses_a_future_date(client, news):
    page = client.get("/en/whats-new/", {"kind": "achievements", "since": "2000-01-01"}).content.decode()
    assert "Launched the open pilot" in page and "Long ago" in page and "Open declaration" not in page
    future = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
    page = client.get("/fr/whats-new/", {"since": future}).content.decode()
    assert "Choisissez une date qui n&#x27;est pas dans l&#x27;avenir." in page
    assert "Consultation ouverte" in page  # the last 90 days instead, not an empty page
    assert client.get("/en/whats-new/", {"since": "nope", "kind": "bogus"}).status_code == 200


def test_the_home_page_and_footer_lead_to_it(client, db):
    page = client.get("/fr/").content.decode()
    assert 'href="/fr/whats-new/"' in page and "Quoi de neuf" in page


def test_the_feed_and_its_entries_name_their_author_in_both_languages(client, db, monkeypatch):
    from carrefour.core import news as news_module

    now = timezone.now()
    items = [
        news_module.NewsItem(when=now, kind="test", title="Signed item", summary="", url="/en/a/",
                             author="Behavioural insights network"),
        news_module.NewsItem(when=now - datetime.timedelta(hours=1), kind="test", title="Unsigned item", summary="",
                             url="/en/b/"),
    ]
    monkeypatch.setattr(news_module, "SOURCES", {"test": ("Test", lambda **kwargs: items)})
    for lang in ("en", "fr"):
        feed = ET.fromstring(client.get(f"/{lang}/whats-new/feed/").content)  # noqa: S314 - our own server's response
        author = feed.find(f"{ATOM}author")
        assert author.findtext(f"{ATOM}name") == "Carrefour"
        assert author.findtext(f"{ATOM}uri") == f"http://testserver/{lang}/"
        by_title = {e.findtext(f"{ATOM}title"): e for e in feed.iter(f"{ATOM}entry")}
        signed = by_title["Test — Signed item"].find(f"{ATOM}author")
        assert signed.findtext(f"{ATOM}name") == "Behavioural insights network"
        assert by_title["Test — Unsigned item"].find(f"{ATOM}author") is None  # inherits the feed's
