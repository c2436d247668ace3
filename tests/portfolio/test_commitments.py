"""Initiatives serve the commitments of declarations through declarations' commitment interface."""

from __future__ import annotations

import json

import pytest

from carrefour.declarations import commitments
from tests.declarations.factories import CommitmentFactory, DeclarationFactory
from tests.portfolio.factories import make_initiative, make_world

pytestmark = pytest.mark.django_db


def _json(response) -> list[dict]:
    return json.loads(b"".join(response.streaming_content))["results"]


def test_initiatives_filter_by_the_commitment_they_serve(client):
    world = make_world()
    declaration = DeclarationFactory()
    served, other = CommitmentFactory(declaration=declaration), CommitmentFactory(declaration=declaration)
    second = make_initiative(actor=world.secretary, jurisdiction=world.federal, table=world.table)
    make_initiative(actor=world.secretary, jurisdiction=world.federal, table=world.table)  # serves none
    commitments.set_links(actor=world.secretary, target=world.initiative, commitments=[served])
    commitments.set_links(actor=world.secretary, target=second, commitments=[served, other])
    rows = _json(client.get(f"/en/portfolio/?commitment={served.pk}&format=json"))
    assert sorted(r["id"] for r in rows) == sorted([world.initiative.pk, second.pk])
    assert [r["id"] for r in _json(client.get(f"/en/portfolio/?commitment={other.pk}&format=json"))] == [second.pk]
    html = client.get(world.initiative.get_absolute_url()).content.decode()
    assert "Commitments served" in html and served.get_absolute_url() in html
    assert other.get_absolute_url() not in html


def test_initiative_form_offers_commitment_choices_and_links_them(client):
    world = make_world()
    kept = CommitmentFactory()
    initiative = world.initiative
    client.force_login(world.secretary)
    page = client.get(f"/en/portfolio/initiatives/{initiative.pk}/edit/").content.decode()
    assert 'name="commitments"' in page and f'value="{kept.pk}"' in page
    data = {
        "title_en": initiative.title_en, "title_fr": initiative.title_fr, "jurisdiction": initiative.jurisdiction_id,
        "table": initiative.table_id, "priority": initiative.priority_id, "stage": initiative.stage,
        "status": initiative.status, "visibility": "public", "version": initiative.version,
        "commitments": [str(kept.pk)], "partner_jurisdictions": [world.ontario.pk],
    }
    assert client.post(f"/en/portfolio/initiatives/{initiative.pk}/edit/", data).status_code == 302
    assert [c.pk for c in commitments.for_target(initiative)] == [kept.pk]
