"""Initiatives serve the commitments of declarations through the generic CommitmentLink."""

from __future__ import annotations

import json

import pytest

from carrefour.declarations.models import Commitment
from carrefour.portfolio import commitments as bridge
from carrefour.portfolio.models import Initiative

pytestmark = pytest.mark.django_db


@pytest.fixture
def with_declarations(directory_demo):
    from carrefour.declarations import demo as declarations_demo
    from carrefour.portfolio import demo as portfolio_demo

    declarations_demo.load()
    portfolio_demo.load()


def test_demo_initiatives_serve_fpt_commitments_and_filter_by_them(client, with_declarations):
    assert bridge.available()
    citizens_first = Commitment.objects.get(declaration__slug="fpt-public-sector-innovation", number=4)
    death = Initiative.objects.get(title_en="Death Notification")
    assert [c.pk for c in bridge.for_target(death)] == [citizens_first.pk]
    data = json.loads(b"".join(client.get(f"/en/portfolio/?commitment={citizens_first.pk}&format=json").streaming_content))
    assert sorted(r["title_en"] for r in data["results"]) == [
        "Death Notification", "Expedited Business Start", "Service Network Collaboration"]
    html = client.get(f"/en/portfolio/initiatives/{death.pk}/").content.decode()
    assert "Commitments served" in html and citizens_first.get_absolute_url() in html


def test_initiative_form_offers_commitment_choices_and_links_them(client, with_declarations):
    from django.contrib.auth import get_user_model

    amelie = get_user_model().objects.get(email="amelie.tremblay@canada.ca")
    client.force_login(amelie)
    open_data = Initiative.objects.get(title_en="Open Data")
    page = client.get(f"/en/portfolio/initiatives/{open_data.pk}/edit/").content.decode()
    assert 'name="commitments"' in page and "FPT" in page
    new = Commitment.objects.get(declaration__slug="fpt-public-sector-innovation", number=2)
    data = {
        "title_en": open_data.title_en, "title_fr": open_data.title_fr, "jurisdiction": open_data.jurisdiction_id,
        "table": open_data.table_id, "priority": open_data.priority_id, "stage": open_data.stage,
        "status": open_data.status, "visibility": "public", "version": open_data.version,
        "facets": list(open_data.facets.values_list("pk", flat=True)), "commitments": [str(new.pk)],
        "partner_jurisdictions": list(open_data.partner_jurisdictions.values_list("pk", flat=True)),
    }
    assert client.post(f"/en/portfolio/initiatives/{open_data.pk}/edit/", data).status_code == 302
    assert [c.pk for c in bridge.for_target(open_data)] == [new.pk]
