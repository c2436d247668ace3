"""Declarations API and list exports: the same visibility rule as the pages."""

from __future__ import annotations

import json

import pytest

from carrefour.declarations import services
from tests.declarations.factories import CommitmentFactory, DeclarationFactory
from tests.directory.factories import JurisdictionFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_list_and_detail_respect_visibility(client, django_assert_max_num_queries):
    for _ in range(4):
        CommitmentFactory(declaration=DeclarationFactory())
    private = DeclarationFactory(visibility="private", slug="secret")
    with django_assert_max_num_queries(3):
        data = client.get("/api/declarations/").json()["items"]
    assert len(data) == 4 and "secret" not in {d["slug"] for d in data}
    assert client.get(f"/api/declarations/{private.slug}/").status_code == 404
    slug = data[0]["slug"]
    detail = client.get(f"/api/declarations/{slug}/").json()
    first = detail["commitments"][0]
    assert first["url"].endswith(f"/commitments/{first['number']}/")


def test_commitment_work_lists_visible_records_only(client):
    owner = UserFactory()
    commitment = CommitmentFactory()
    public = TeamFactory(owner=owner, jurisdiction=JurisdictionFactory(code="nb-a"), name_en="Open work")
    private = TeamFactory(owner=owner, visibility="private")
    services.commitment_links_set(actor=owner, target=public, commitments=[commitment])
    services.commitment_links_set(actor=owner, target=private, commitments=[commitment])
    url = f"/api/declarations/{commitment.declaration.slug}/commitments/{commitment.number}/work/"
    assert [(w["kind"], w["jurisdiction"]) for w in client.get(url).json()["items"]] == [("team", "nb-a")]
    assert client.get(url + "?months=12").json()["count"] == 1
    client.force_login(owner)
    assert client.get(url).json()["count"] == 2


def test_index_exports_csv_and_json(client):
    DeclarationFactory(title_en="Open declaration")
    DeclarationFactory(title_en="Private declaration", visibility="private")
    csv_text = b"".join(client.get("/en/declarations/?format=csv").streaming_content).decode()
    assert "Open declaration" in csv_text and "Private declaration" not in csv_text
    data = json.loads(b"".join(client.get("/en/declarations/?format=json").streaming_content))
    rows = data["results"] if isinstance(data, dict) else data
    assert [r["title_en"] for r in rows] == ["Open declaration"]


def test_commitment_work_is_cut_in_the_database(client):
    """A page of a commitment's work loads that page's records, not every linked record."""
    from unittest import mock

    owner = UserFactory()
    commitment = CommitmentFactory()
    teams = [TeamFactory(owner=owner, jurisdiction=JurisdictionFactory()) for _ in range(5)]
    for team in teams:
        services.commitment_links_set(actor=owner, target=team, commitments=[commitment])
    url = f"/api/declarations/{commitment.declaration.slug}/commitments/{commitment.number}/work/"
    with mock.patch("carrefour.declarations.selectors.linked_work", side_effect=AssertionError("loads every record")):
        first = client.get(url, {"page_size": 2}).json()
        second = client.get(first["next"]).json()
    assert first["count"] == 5 and len(first["items"]) == len(second["items"]) == 2
    assert {w["url"] for w in first["items"]}.isdisjoint({w["url"] for w in second["items"]})
    assert {w["jurisdiction"] for w in first["items"] + second["items"]} < {t.jurisdiction.code for t in teams}
