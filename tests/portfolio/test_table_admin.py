"""Creating tables and managing their members."""

from __future__ import annotations

import pytest

from carrefour.core.exceptions import ApplicationError
from carrefour.core.models import AuditEntry
from carrefour.directory.models import Membership, Role
from carrefour.directory.services import membership_add
from carrefour.portfolio import services
from carrefour.portfolio.models import Table
from tests.directory.factories import JurisdictionFactory, TeamFactory, public_servant
from tests.portfolio.factories import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """The world; the secretary also runs a second team and only edits in a third."""
    world = make_world()
    own, other = TeamFactory(), TeamFactory()
    membership_add(team=own, user=world.secretary, role=Role.SECRETARIAT, actor=world.admin)
    membership_add(team=other, user=world.secretary, role=Role.EDITOR, actor=world.admin)
    world.extra.update(own=own, other=other)
    return world


def _data(team, slug="council", **extra):
    return {"team": team, "slug": slug, "name_en": "Service Council", "name_fr": "Conseil du service",
            "visibility": "government", **extra}


def test_team_secretariat_creates_a_table_for_its_team_only(world):
    own, other = world.extra["own"], world.extra["other"]
    table = services.table_create(actor=world.secretary, data=_data(own), member_jurisdictions=[world.federal])
    assert table.team == own and table.owner == world.secretary
    assert list(table.member_jurisdictions.values_list("code", flat=True)) == ["ca"]
    assert AuditEntry.objects.filter(object_id=str(table.pk), action="create").exists()
    count = Table.objects.count()
    for actor, team in ((world.secretary, other), (world.member, own), (world.secretary, None)):
        with pytest.raises(ApplicationError, match="can create tables"):
            services.table_create(actor=actor, data=_data(team, slug="other"))
    with pytest.raises(ApplicationError, match="already uses this short name"):
        services.table_create(actor=world.secretary, data=_data(own))
    assert Table.objects.count() == count


def test_platform_admin_creates_a_table_without_a_team(world):
    assert services.table_create(actor=world.admin, data=_data(None)).team is None


def test_create_table_page(client, world):
    client.force_login(world.member)
    assert client.get("/en/portfolio/tables/new/").status_code == 403
    assert "/en/portfolio/tables/new/" not in client.get("/en/portfolio/tables/").content.decode()
    client.force_login(world.secretary)
    assert "/en/portfolio/tables/new/" in client.get("/en/portfolio/tables/").content.decode()
    form = client.get("/fr/portfolio/tables/new/")
    assert form.status_code == 200
    teams = set(form.context["form"].fields["team"].queryset)
    assert teams == {world.extra["own"], world.table.team}
    post = {**_data(world.extra["own"].pk)}
    missing = client.post("/en/portfolio/tables/new/", {**post, "team": ""})
    assert missing.status_code == 200 and not Table.objects.filter(slug="council").exists()
    response = client.post("/en/portfolio/tables/new/", post)
    assert response.status_code == 302 and response["Location"] == "/en/portfolio/tables/council/"
    duplicate = client.post("/en/portfolio/tables/new/", post)
    assert duplicate.status_code == 200 and "slug" in duplicate.context["form"].errors
    assert Table.objects.filter(slug="council").count() == 1


def test_member_jurisdictions_are_added_and_removed_with_an_audit(client, world):
    table = world.table
    durham = JurisdictionFactory(code="durham", name_en="Durham Region", name_fr="Région de Durham")
    with pytest.raises(ApplicationError, match="change its members"):
        services.table_jurisdiction_add(table=table, actor=world.member, jurisdiction=durham)
    client.force_login(world.secretary)
    url = f"/en/portfolio/tables/{table.slug}/members/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"jurisdiction": durham.pk}).status_code == 302
    assert table.member_jurisdictions.filter(pk=durham.pk).exists()
    entry = AuditEntry.objects.filter(object_id=str(table.pk), action="update").latest("at")
    assert durham.pk in entry.changes["member_jurisdictions"][1]
    with pytest.raises(ApplicationError, match="already a member"):
        services.table_jurisdiction_add(table=table, actor=world.secretary, jurisdiction=durham)
    assert client.post(f"{url}{durham.pk}/remove/").status_code == 302
    assert not table.member_jurisdictions.filter(pk=durham.pk).exists()
    assert client.post(f"{url}{durham.pk}/remove/").status_code == 404  # no longer a member
    client.force_login(world.member)
    assert client.get(url).status_code == 403


def test_secretariat_adds_a_person_to_the_team_by_email(client, world):
    table = world.table
    with pytest.raises(ApplicationError, match="secretariat can add people"):
        services.table_person_add(table=table, actor=world.member, email=world.citizen.email, role="member")
    with pytest.raises(ApplicationError, match="No one with this email"):
        services.table_person_add(table=table, actor=world.secretary, email="nobody@example.org", role="member")
    bc = JurisdictionFactory(code="bc", name_en="British Columbia", name_fr="Colombie-Britannique")
    newcomer = public_servant(bc)
    client.force_login(world.secretary)
    url = f"/en/portfolio/tables/{table.slug}/members/people/"
    bad = client.post(url, {"email": "nobody@example.org", "role": "editor"})
    assert bad.status_code == 400 and "No one with this email" in bad.content.decode()
    ok = client.post(url, {"email": newcomer.email.upper(), "role": "editor", "jurisdiction": bc.pk})
    assert ok.status_code == 302
    membership = Membership.objects.get(team=table.team, user=newcomer, role="editor")
    assert membership.jurisdiction == bc
    assert AuditEntry.objects.filter(object_id=str(table.team_id), action="event").exists()
    assert client.post(url, {"email": newcomer.email, "role": "editor"}).status_code == 400
    client.force_login(world.member)
    assert client.post(url, {"email": world.citizen.email, "role": "member"}).status_code == 403
    assert not Membership.objects.filter(team=table.team, user=world.citizen).exists()


@pytest.mark.parametrize(("lang", "shown", "hidden"), [
    ("en", "Co-chair, Government of Canada", "Coprésidence"),
    ("fr", "Coprésidence, gouvernement du Canada", "Co-chair"),
])
def test_a_table_members_position_is_shown_in_the_readers_language(client, world, lang, shown, hidden):
    from carrefour.portfolio.models import TableMember

    TableMember.objects.create(table=world.table, jurisdiction=world.federal, role=TableMember.Role.CO_CHAIR,
                               name_en="Co-chair, Government of Canada", name_fr="Coprésidence, gouvernement du Canada")
    TableMember.objects.create(table=world.table, role=TableMember.Role.OBSERVER, name_en="Municipal officials")
    page = client.get(f"/{lang}/portfolio/tables/{world.table.slug}/").content.decode()
    assert shown in page and hidden not in page
    assert "Municipal officials" in page  # the one language written, marked as such on the French page
    if lang == "fr":
        assert 'lang="en"' in page.split("Municipal officials")[0].rsplit("<", 1)[-1]
