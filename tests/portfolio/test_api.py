"""The portfolio API: the pages' filters and visibility rule, a timeline per initiative, bounded queries."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from carrefour.portfolio import demo, services
from tests.directory.factories import JurisdictionFactory
from tests.portfolio.factories import make_achievement, make_initiative, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = make_world()
    facets = demo.ensure_facets()
    nl = JurisdictionFactory(code="nl", name_en="Newfoundland and Labrador", name_fr="Terre-Neuve-et-Labrador")
    world.extra.update(
        foresight=make_initiative(actor=world.secretary, jurisdiction=world.federal, table=world.table, stage="idea",
                                  facets=[facets["anticipatory"]]),
        shared=make_initiative(actor=world.secretary, jurisdiction=world.federal, table=world.table,
                               partner_jurisdictions=[nl], stage="design", facets=[facets["anticipatory"]]),
        private=make_initiative(actor=world.secretary, jurisdiction=world.federal, table=world.table,
                                visibility="private"),
    )
    return world


def _ids(data) -> set[int]:
    return {i["id"] for i in data["items"]}


def test_api_lists_visible_initiatives_with_filters(client, world, django_assert_max_num_queries):
    extra = world.extra
    with django_assert_max_num_queries(8):
        data = client.get("/api/portfolio/initiatives/").json()
    assert _ids(data) == {world.initiative.pk, extra["foresight"].pk, extra["shared"].pk}
    assert _ids(client.get("/api/portfolio/initiatives/?jurisdiction=nl").json()) == {extra["shared"].pk}
    assert client.get("/api/portfolio/initiatives/?jurisdiction=atlantis").json()["items"] == []
    assert client.get("/api/portfolio/initiatives/?facet=nonsense").json()["count"] == 0
    found = client.get("/api/portfolio/initiatives/?facet=anticipatory&stage=idea").json()
    assert _ids(found) == {extra["foresight"].pk}
    client.force_login(world.secretary)
    assert extra["private"].pk in _ids(client.get("/api/portfolio/initiatives/").json())


def test_api_list_query_count_does_not_grow(client, world, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/api/portfolio/initiatives/")
    for _ in range(10):
        make_initiative(actor=world.secretary, jurisdiction=world.ontario, table=world.table, priority=world.priority,
                        partner_jurisdictions=[world.federal])
    with django_assert_max_num_queries(len(few)):
        assert client.get("/api/portfolio/initiatives/").json()["count"] == 13


def test_api_initiative_detail_has_its_visible_timeline(client, world):
    initiative = world.initiative
    today = timezone.localdate()
    later = make_achievement(initiative, actor=world.secretary, date=today)
    earlier = make_achievement(initiative, actor=world.secretary, date=today - datetime.timedelta(days=9))
    make_achievement(initiative, actor=world.secretary, date=today, visibility="members")
    data = client.get(f"/api/portfolio/initiatives/{initiative.pk}/").json()
    assert data["lead_jurisdiction"] == "ca" and data["partner_jurisdictions"] == ["on"]
    assert data["table"] == world.table.slug and data["priority"] == world.priority.title_en
    assert [a["text_en"] for a in data["achievements"]] == [earlier.text_en, later.text_en]
    assert client.get(f"/api/portfolio/initiatives/{world.extra['private'].pk}/").status_code == 404
    services.initiative_delete(initiative=initiative, actor=world.secretary)
    assert client.get(f"/api/portfolio/initiatives/{initiative.pk}/").status_code == 404


def test_api_list_names_a_members_table_and_priority_to_members_only(client):
    from carrefour.directory.models import Role
    from carrefour.directory.services import membership_add
    from tests.directory.factories import TeamFactory
    from tests.portfolio.factories import make_priority, make_table

    world = make_world()
    team = TeamFactory(visibility="members")
    membership_add(team=team, user=world.secretary, role=Role.SECRETARIAT, actor=world.admin)
    table = make_table(actor=world.admin, team=team, visibility="members")
    priority = make_priority(table, actor=world.secretary, title_en="Quiet priority", title_fr="Priorité discrète")
    initiative = make_initiative(actor=world.secretary, jurisdiction=world.federal, table=table, priority=priority,
                                 partner_jurisdictions=[world.ontario])

    def listed() -> dict:
        return next(i for i in client.get("/api/portfolio/initiatives/").json()["items"] if i["id"] == initiative.pk)

    assert (listed()["table"], listed()["priority"]) == (None, None)
    client.force_login(world.secretary)
    item = listed()
    assert (item["table"], item["priority"]) == (table.slug, "Quiet priority")
    assert item["lead_jurisdiction"] == "ca" and item["partner_jurisdictions"] == ["on"]
    assert item["url"] == initiative.get_absolute_url()
