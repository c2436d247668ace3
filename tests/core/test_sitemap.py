"""The sitemap lists public pages only, each in English and in French with its alternate."""

from __future__ import annotations

import re

import pytest

from tests.consultations.factories import ConsultationFactory
from tests.declarations.factories import CommitmentFactory, DeclarationFactory
from tests.portfolio.factories import InitiativeFactory

pytestmark = pytest.mark.django_db


def _locs(client, path: str) -> list[str]:
    response = client.get(path)
    assert response.status_code == 200
    return re.findall(r"<loc>([^<]+)</loc>", response.content.decode())


def test_sitemap_lists_public_records_in_both_languages_and_nothing_else(client):
    public = DeclarationFactory(slug="open-declaration")
    CommitmentFactory(declaration=public, number=1)
    hidden = DeclarationFactory(slug="internal-declaration", visibility="government")
    CommitmentFactory(declaration=hidden, number=1)
    deleted = DeclarationFactory(slug="deleted-declaration")
    deleted.deleted_at = deleted.created_at
    deleted.save()
    InitiativeFactory(title_en="Open initiative")
    private = InitiativeFactory(title_en="Private initiative", visibility="private")
    ConsultationFactory(slug="open-consultation")
    ConsultationFactory(slug="members-consultation", visibility="members")

    sections = _locs(client, "/sitemap.xml")
    assert any(s.endswith("/sitemap-declarations.xml") for s in sections)
    everything = [loc for section in sections for loc in _locs(client, re.sub(r"^https?://[^/]+", "", section))]
    text = "\n".join(everything)
    for path in ("/declarations/open-declaration/", "/declarations/open-declaration/commitments/1/",
                 "/consultations/open-consultation/", "/whats-new/", "/privacy/", "/terms/", "/accessibility/",
                 "/portfolio/", "/experiments/what-works/", "/open-data/"):
        assert f"/en{path}" in text and f"/fr{path}" in text, path
    for secret in ("internal-declaration", "deleted-declaration", "members-consultation", private.get_absolute_url()[4:]):
        assert secret not in text
    page = client.get("/sitemap-declarations.xml").content.decode()
    assert 'hreflang="fr" href="http://' in page and "x-default" not in page


def test_robots_txt_points_to_the_sitemap(client, settings):
    body = client.get("/robots.txt").content.decode()
    assert f"Sitemap: {settings.SITE_URL}/sitemap.xml" in body and "Disallow: /fr/accounts/" in body
