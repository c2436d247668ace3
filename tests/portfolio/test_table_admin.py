"""Creating tables and managing their members."""

from __future__ import annotations

import pytest

from carrefour.core.exceptions import ApplicationError
from carrefour.core.models import AuditEntry
from carrefour.directory.models import Jurisdiction, Membership, Team, User
from carrefour.portfolio import services
from carrefour.portfolio.models import Table

pytestmark = pytest.mark.django_db


def _data(team, slug="council", **extra):
    return {"team": team, "slug": slug, "name_en": "Service Council", "name_fr": "Conseil du service",
            "visibility": "government", **extra}


def test_team_secretariat_creates_a_table_for_its_team_only(portfolio_demo, amelie, raj):
    own = Team.objects.get(slug="adm-experimentation")
    other = Team.objects.get(slug="bi-network")  # Amélie is an editor there, not secretariat
    table = services.table_create(actor=amelie, data=_data(own), member_jurisdictions=[Jurisdiction.objects.get(code="ca")])
    assert table.team == own and table.owner == amelie
    assert list(table.member_jurisdictions.values_list("code", flat=True)) == ["ca"]
    assert AuditEntry.objects.filter(object_id=str(table.pk), action="create").exists()
    count = Table.objects.count()
    for actor, team in ((amelie, other), (raj, own), (amelie, None)):
        with pytest.raises(ApplicationError, match="can create tables"):
            services.table_create(actor=actor, data=_data(team, slug="other"))
    with pytest.raises(ApplicationError, match="already uses this short name"):
        services.table_create(actor=amelie, data=_data(own))
    assert Table.objects.count() == count


def test_platform_admin_creates_a_table_without_a_team(portfolio_demo):
    admin = User.objects.get(email="admin@carrefour.example")
    table = services.table_create(actor=admin, data=_data(None))
    assert table.team is None


def test_create_table_page(client, portfolio_demo, amelie, raj):
    client.force_login(raj)
    assert client.get("/en/portfolio/tables/new/").status_code == 403
    assert "/en/portfolio/tables/new/" not in client.get("/en/portfolio/tables/").content.decode()
    client.force_login(amelie)
    assert "/en/portfolio/tables/new/" in client.get("/en/portfolio/tables/").content.decode()
    form = client.get("/fr/portfolio/tables/new/")
    assert form.status_code == 200
    teams = {t.slug for t in form.context["form"].fields["team"].queryset}
    assert {"adm-experimentation", "fpt-dm-service"} <= teams and "bi-network" not in teams
    team = Team.objects.get(slug="adm-experimentation")
    post = {"team": team.pk, "slug": "council", "name_en": "Service Council", "name_fr": "Conseil du service",
            "visibility": "government"}
    missing = client.post("/en/portfolio/tables/new/", {**post, "team": ""})
    assert missing.status_code == 200 and not Table.objects.filter(slug="council").exists()
    response = client.post("/en/portfolio/tables/new/", post)
    assert response.status_code == 302 and response["Location"] == "/en/portfolio/tables/council/"
    duplicate = client.post("/en/portfolio/tables/new/", post)
    assert duplicate.status_code == 200 and "already" in duplicate.content.decode()


def test_member_jurisdictions_are_added_and_removed_with_an_audit(client, portfolio_demo, amelie, raj):
    durham = Jurisdiction.objects.get(code="durham")
    with pytest.raises(ApplicationError, match="change its members"):
        services.table_jurisdiction_add(table=portfolio_demo, actor=raj, jurisdiction=durham)
    client.force_login(amelie)
    page = client.get("/en/portfolio/tables/fpt-dm-service/members/")
    assert page.status_code == 200
    assert client.post("/en/portfolio/tables/fpt-dm-service/members/", {"jurisdiction": durham.pk}).status_code == 302
    assert portfolio_demo.member_jurisdictions.filter(pk=durham.pk).exists()
    entry = AuditEntry.objects.filter(object_id=str(portfolio_demo.pk), action="update").latest("at")
    assert durham.pk in entry.changes["member_jurisdictions"][1]
    with pytest.raises(ApplicationError, match="already a member"):
        services.table_jurisdiction_add(table=portfolio_demo, actor=amelie, jurisdiction=durham)
    assert client.post(f"/en/portfolio/tables/fpt-dm-service/members/{durham.pk}/remove/").status_code == 302
    assert not portfolio_demo.member_jurisdictions.filter(pk=durham.pk).exists()
    client.force_login(raj)
    assert client.get("/en/portfolio/tables/fpt-dm-service/members/").status_code == 403


def test_secretariat_adds_a_person_to_the_team_by_email(client, portfolio_demo, amelie, raj, citizen):
    with pytest.raises(ApplicationError, match="secretariat can add people"):
        services.table_person_add(table=portfolio_demo, actor=raj, email="citizen@example.org", role="member")
    with pytest.raises(ApplicationError, match="No one with this email"):
        services.table_person_add(table=portfolio_demo, actor=amelie, email="nobody@example.org", role="member")
    client.force_login(amelie)
    url = "/en/portfolio/tables/fpt-dm-service/members/people/"
    bad = client.post(url, {"email": "nobody@example.org", "role": "editor"})
    assert bad.status_code == 400 and "No one with this email" in bad.content.decode()
    ok = client.post(url, {"email": "Sarah.Whitehorse@gov.bc.ca", "role": "editor",
                           "jurisdiction": Jurisdiction.objects.get(code="bc").pk})
    assert ok.status_code == 302
    sarah = User.objects.get(email="sarah.whitehorse@gov.bc.ca")
    membership = Membership.objects.get(team=portfolio_demo.team, user=sarah, role="editor")
    assert membership.jurisdiction.code == "bc"
    assert AuditEntry.objects.filter(object_id=str(portfolio_demo.team_id), action="event").exists()
    again = client.post(url, {"email": "sarah.whitehorse@gov.bc.ca", "role": "editor"})
    assert again.status_code == 400
    client.force_login(raj)
    assert client.post(url, {"email": "citizen@example.org", "role": "member"}).status_code == 403
    assert not Membership.objects.filter(team=portfolio_demo.team, user=citizen).exists()
