"""Defect 3: a record drawn from a relation passes the same visibility rule as the record itself.

A public initiative of a members-only table, under a members-only priority, names neither to
those outside the team: not on its page, in the CSV/JSON exports, the API, search or What's new.
The team's members see both (the positive control that keeps each assertion meaningful).
"""

from __future__ import annotations

import csv
import datetime
import io
import json

import pytest
from django.utils import timezone

from carrefour.directory.models import Role
from carrefour.directory.services import membership_add
from carrefour.portfolio.models import Initiative
from tests.directory.factories import TeamFactory
from tests.portfolio.factories import (
    make_achievement,
    make_initiative,
    make_priority,
    make_table,
    make_world,
)

pytestmark = pytest.mark.django_db

TABLE = "Quiet deputies council"
PRIORITY = "Undisclosed reform priority"


@pytest.fixture
def hidden():
    """A public initiative (and its public achievement) in a members-only table and priority."""
    world = make_world()
    team = TeamFactory(visibility="members")
    membership_add(team=team, user=world.secretary, role=Role.SECRETARIAT, actor=world.admin)
    table = make_table(actor=world.admin, team=team, visibility="members", name_en=TABLE, name_fr=TABLE)
    priority = make_priority(table, actor=world.secretary, title_en=PRIORITY, title_fr=PRIORITY)
    initiative = make_initiative(actor=world.secretary, jurisdiction=world.federal, table=table, priority=priority,
                                 title_en="Open benefits finder", visibility="public")
    make_achievement(initiative, actor=world.secretary, date=timezone.localdate(), text_en="Finder launched",
                     visibility="public")
    world.extra.update(table=table, priority=priority, hidden_initiative=initiative)
    return world


def _body(response) -> str:
    return (b"".join(response.streaming_content) if response.streaming else response.content).decode("utf-8-sig")


def _row(rows: list[dict], key: str, value) -> dict:
    return next(r for r in rows if str(r[key]) == str(value))


@pytest.mark.parametrize("who", ["anonymous", "citizen", "outsider"])
def test_initiative_page_names_neither_hidden_table_nor_priority(client, hidden, who):
    if who != "anonymous":
        client.force_login(getattr(hidden, who))
    initiative = hidden.extra["hidden_initiative"]
    response = client.get(initiative.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Open benefits finder" in html
    assert TABLE not in html and PRIORITY not in html
    assert hidden.extra["table"].get_absolute_url() not in html


def test_team_members_see_the_table_and_priority_on_the_page(client, hidden):
    client.force_login(hidden.secretary)
    html = client.get(hidden.extra["hidden_initiative"].get_absolute_url()).content.decode()
    assert TABLE in html and PRIORITY in html


def test_exports_leave_hidden_table_and_priority_empty(client, hidden):
    initiative = hidden.extra["hidden_initiative"]
    rows = list(csv.DictReader(io.StringIO(_body(client.get("/en/portfolio/?format=csv")))))
    row = _row(rows, "Identifier", initiative.pk)
    assert row["Table"] == "" and row["Priority"] == ""
    assert TABLE not in _body(client.get("/en/portfolio/?format=csv"))
    results = json.loads(_body(client.get("/en/portfolio/?format=json")))["results"]
    item = _row(results, "id", initiative.pk)
    assert item["table"] is None and item["priority"] is None
    # The same initiative, for a member of the team, names both.
    client.force_login(hidden.secretary)
    item = _row(json.loads(_body(client.get("/en/portfolio/?format=json")))["results"], "id", initiative.pk)
    assert item["table"] == hidden.extra["table"].slug and item["priority"] == PRIORITY


def test_api_leaves_hidden_table_and_priority_empty(client, hidden):
    initiative = hidden.extra["hidden_initiative"]
    listed = _row(client.get("/api/portfolio/initiatives/").json()["items"], "id", initiative.pk)
    detail = client.get(f"/api/portfolio/initiatives/{initiative.pk}/").json()
    for data in (listed, detail):
        assert data["table"] is None and data["priority"] is None
    client.force_login(hidden.secretary)
    detail = client.get(f"/api/portfolio/initiatives/{initiative.pk}/").json()
    assert detail["table"] == hidden.extra["table"].slug and detail["priority"] == PRIORITY


def test_search_and_whats_new_do_not_reveal_them(client, hidden):
    search = client.get("/en/search/", {"q": "Quiet deputies"}).content.decode()
    assert TABLE not in search
    search = client.get("/en/search/", {"q": "benefits finder"}).content.decode()
    assert "Open benefits finder" in search and TABLE not in search and PRIORITY not in search
    since = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()
    for url in (f"/en/whats-new/?since={since}", f"/en/portfolio/new/?since={since}"):
        html = client.get(url).content.decode()
        assert "Finder launched" in html, url
        assert TABLE not in html and PRIORITY not in html, url


def test_table_page_lists_an_initiative_of_a_hidden_priority_without_it(client, hidden):
    """A visible table's initiative under a priority the reader may not see is listed, unnamed priority."""
    secret = make_priority(hidden.table, actor=hidden.secretary, title_en=PRIORITY, visibility="members")
    moved = make_initiative(actor=hidden.secretary, jurisdiction=hidden.federal, table=hidden.table, priority=secret,
                            title_en="Moved under a hidden priority")
    html = client.get(hidden.table.get_absolute_url()).content.decode()
    assert moved.get_absolute_url() in html and PRIORITY not in html


# The new-initiative form -----------------------------------------------------------------------------


def test_new_initiative_form_offers_only_priorities_the_person_may_use(client, hidden):
    members_only = make_priority(hidden.table, actor=hidden.secretary, title_en="Team-only priority",
                                 visibility="members")
    client.force_login(hidden.citizen)  # can add no initiative anywhere: no form to list priorities in
    assert client.get("/en/portfolio/initiatives/new/").status_code == 403
    membership_add(team=hidden.table.team, user=hidden.citizen, role=Role.CONTRIBUTOR, actor=hidden.admin)
    offered = set(client.get("/en/portfolio/initiatives/new/").context["form"].fields["priority"].queryset)
    assert hidden.priority in offered and hidden.extra["priority"] not in offered
    client.force_login(hidden.outsider)  # a public servant outside the table's team
    form = client.get("/en/portfolio/initiatives/new/").context["form"]
    assert set(form.fields["priority"].queryset) == set() and set(form.fields["table"].queryset) == set()
    client.force_login(hidden.secretary)
    offered = set(client.get("/en/portfolio/initiatives/new/").context["form"].fields["priority"].queryset)
    assert {hidden.priority, members_only, hidden.extra["priority"]} <= offered


def test_service_refuses_a_priority_the_actor_may_not_see(hidden):
    from carrefour.core.exceptions import ApplicationError
    from carrefour.portfolio import services

    before = Initiative.objects.count()
    with pytest.raises(ApplicationError, match="lists offered") as caught:
        services.initiative_create(actor=hidden.outsider, data={
            "title_en": "Guessing", "title_fr": "", "jurisdiction": hidden.ontario,
            "priority": hidden.extra["priority"]})
    assert caught.value.field == "priority"
    assert Initiative.objects.count() == before


def test_initiative_page_lists_only_the_linked_experiments_the_reader_may_see(client):
    from tests.experiments.factories import make_experiment

    world = make_world()
    shown = make_experiment(world.secretary, jurisdiction=world.federal, initiative=world.initiative,
                            title_en="Reminder letters trial")
    hidden = make_experiment(world.secretary, jurisdiction=world.federal, initiative=world.initiative,
                             title_en="Withheld trial", visibility="private")
    html = client.get(world.initiative.get_absolute_url()).content.decode()
    assert shown.get_absolute_url() in html and "Reminder letters trial" in html
    assert hidden.get_absolute_url() not in html and "Withheld trial" not in html
    client.force_login(world.secretary)
    assert hidden.get_absolute_url() in client.get(world.initiative.get_absolute_url()).content.decode()
