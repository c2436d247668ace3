"""Permissions, auditing, optimistic concurrency and validation of portfolio writes."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from carrefour.core.exceptions import ApplicationError, EditConflict
from carrefour.core.models import AuditEntry
from carrefour.directory.models import Role
from carrefour.directory.services import membership_add
from carrefour.portfolio import services
from carrefour.portfolio.models import Achievement, Initiative, Priority
from carrefour.portfolio.permissions import can_edit_initiative, can_edit_table
from tests.directory.factories import JurisdictionFactory
from tests.portfolio.factories import make_initiative, make_priority, make_table, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = make_world()
    bc = JurisdictionFactory(code="bc", name_en="British Columbia", name_fr="Colombie-Britannique")
    world.extra.update(bc=bc, federal_only=make_initiative(
        actor=world.secretary, jurisdiction=world.federal, table=world.table, partner_jurisdictions=[bc]))
    return world


# Permissions ------------------------------------------------------------------------------------


def test_secretariat_edits_every_initiative_of_its_table(world):
    assert can_edit_table(world.secretary, world.table)
    assert all(can_edit_initiative(world.secretary, i) for i in world.table.initiatives.all())
    assert world.table.initiatives.count() == 2


def test_plain_members_and_citizens_cannot_edit(world):
    initiative = world.initiative
    assert not can_edit_table(world.member, world.table)
    for person in (world.member, world.citizen, world.outsider):
        assert not can_edit_initiative(person, initiative)
    with pytest.raises(ApplicationError, match="cannot edit this initiative"):
        services.initiative_update(initiative=initiative, actor=world.member, data={"status": "blocked"})
    assert Initiative.objects.get(pk=initiative.pk).status == "on_track"


def test_partner_editors_edit_only_their_jurisdictions_initiatives(world):
    membership_add(team=world.table.team, user=world.member, role=Role.EDITOR, actor=world.admin,
                   jurisdiction=world.ontario)
    partnered, other = world.initiative, world.extra["federal_only"]  # Ontario partners the first only
    assert can_edit_initiative(world.member, partnered)
    assert not can_edit_initiative(world.member, other)
    assert not can_edit_table(world.member, world.table)
    services.initiative_update(initiative=partnered, actor=world.member, data={"status": "at_risk"},
                               expected_version=partnered.version)
    assert Initiative.objects.get(pk=partnered.pk).status == "at_risk"
    with pytest.raises(ApplicationError):
        services.initiative_update(initiative=other, actor=world.member, data={"status": "at_risk"})
    with pytest.raises(ApplicationError):
        services.priority_create(table=world.table, actor=world.member, data={"title_en": "X", "title_fr": "X"})


def test_partner_editors_create_initiatives_for_their_jurisdiction_only(world):
    membership_add(team=world.table.team, user=world.member, role=Role.CONTRIBUTOR, actor=world.admin)
    created = services.initiative_create(actor=world.member, data={
        "title_en": "Ontario pilot", "title_fr": "Projet pilote de l'Ontario", "jurisdiction": world.ontario,
        "table": world.table})
    assert created.team_id == world.table.team_id and created.owner == world.member
    with pytest.raises(ApplicationError, match="you add initiatives only for Ontario"):
        services.initiative_create(actor=world.member, data={"title_en": "BC pilot", "title_fr": "Projet de la C.-B.",
                                                             "jurisdiction": world.extra["bc"], "table": world.table})
    assert not Initiative.objects.filter(title_en="BC pilot").exists()


def test_edit_pages_refuse_those_who_see_but_cannot_edit(client, world):
    initiative = world.initiative
    client.force_login(world.member)
    assert client.get(initiative.get_absolute_url()).status_code == 200
    assert client.get(f"/en/portfolio/initiatives/{initiative.pk}/edit/").status_code == 403
    assert client.get(f"/en/portfolio/tables/{world.table.slug}/import/").status_code == 403
    assert client.post(f"/en/portfolio/initiatives/{initiative.pk}/achievements/",
                       {"date": "2018-01-01", "text_en": "x"}).status_code == 403
    assert not Achievement.objects.exists()


def test_edit_pages_do_not_reveal_what_one_may_not_see(client, world):
    hidden = make_initiative(actor=world.secretary, jurisdiction=world.federal, table=world.table, visibility="members")
    client.force_login(world.outsider)
    for url in (hidden.get_absolute_url(), f"/en/portfolio/initiatives/{hidden.pk}/edit/",
                f"/en/portfolio/initiatives/{hidden.pk}/delete/"):
        assert client.get(url).status_code == 404, url
    assert client.get("/en/portfolio/initiatives/999999/edit/").status_code == 404


# Audit and concurrency -------------------------------------------------------------------------


def test_updates_are_audited_with_old_and_new_values(world):
    initiative = world.initiative
    services.initiative_update(initiative=initiative, actor=world.secretary, data={"status": "done"},
                               expected_version=initiative.version)
    entry = AuditEntry.objects.filter(object_id=str(initiative.pk), action="update").get()
    assert entry.actor == world.secretary
    assert entry.changes["status"] == ["on_track", "done"]


def test_second_save_from_a_stale_version_is_refused(world):
    first = Initiative.objects.get(pk=world.initiative.pk)
    second = Initiative.objects.get(pk=world.initiative.pk)
    loaded = first.version
    services.initiative_update(initiative=first, actor=world.secretary, data={"stage": "scaling"}, expected_version=loaded)
    with pytest.raises(EditConflict) as caught:
        services.initiative_update(initiative=second, actor=world.secretary, data={"stage": "ended"},
                                   expected_version=loaded)
    assert caught.value.extra["changes"][-1]["changes"]["stage"] == ["design", "scaling"]
    assert Initiative.objects.get(pk=first.pk).stage == "scaling"


def _form_data(initiative: Initiative, **changes) -> dict:
    data = {
        "title_en": initiative.title_en, "title_fr": initiative.title_fr, "summary_en": initiative.summary_en,
        "summary_fr": initiative.summary_fr, "jurisdiction": initiative.jurisdiction_id,
        "partner_jurisdictions": list(initiative.partner_jurisdictions.values_list("pk", flat=True)),
        "table": initiative.table_id or "", "priority": initiative.priority_id or "",
        "facets": list(initiative.facets.values_list("pk", flat=True)), "stage": initiative.stage,
        "status": initiative.status, "visibility": initiative.visibility, "version": initiative.version,
        "start_date": initiative.start_date.isoformat() if initiative.start_date else "", "end_date": "",
    }
    data.update(changes)
    return data


# Validation ------------------------------------------------------------------------------------


def test_end_before_start_is_refused_and_nothing_stored(world):
    count = Initiative.objects.count()
    with pytest.raises(ApplicationError, match="end date is before the start date"):
        services.initiative_create(actor=world.secretary, data={
            "title_en": "Backwards", "title_fr": "À rebours", "jurisdiction": world.federal, "table": world.table,
            "start_date": datetime.date(2018, 5, 1), "end_date": datetime.date(2018, 1, 1)})
    assert Initiative.objects.count() == count
    initiative = world.initiative
    services.initiative_update(initiative=initiative, actor=world.secretary, data={"start_date": datetime.date(2018, 1, 1)})
    with pytest.raises(ApplicationError, match="end date"):
        services.initiative_update(initiative=initiative, actor=world.secretary,
                                   data={"end_date": datetime.date(2000, 1, 1)})
    assert Initiative.objects.get(pk=initiative.pk).end_date is None


def test_end_before_start_in_the_form_shows_the_error(client, world):
    initiative = world.initiative
    services.initiative_update(initiative=initiative, actor=world.secretary, data={"start_date": datetime.date(2018, 1, 1)})
    initiative.refresh_from_db()
    client.force_login(world.secretary)
    response = client.post(f"/fr/portfolio/initiatives/{initiative.pk}/edit/", _form_data(initiative, end_date="2001-01-01"))
    assert response.status_code == 200
    assert response.context["form"].errors["end_date"] == ["La date de fin précède la date de début."]
    assert Initiative.objects.get(pk=initiative.pk).end_date is None


def test_achievement_in_the_future_is_refused(client, world):
    initiative = world.initiative
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ApplicationError, match="future"):
        services.achievement_create(initiative=initiative, actor=world.secretary, data={"date": tomorrow, "text_en": "Soon"})
    client.force_login(world.secretary)
    response = client.post(f"/en/portfolio/initiatives/{initiative.pk}/achievements/",
                           {"date": tomorrow.isoformat(), "text_en": "Soon", "is_key": "on"})
    assert response.status_code == 400
    assert "cannot be dated in the future" in response.content.decode()
    assert not Achievement.objects.exists()


def test_achievement_added_appears_in_timeline_and_is_audited(client, world):
    initiative = world.initiative
    client.force_login(world.secretary)
    response = client.post(f"/en/portfolio/initiatives/{initiative.pk}/achievements/",
                           {"date": "2018-02-20", "text_en": "Bereavement bundle scoped", "text_fr": "Ensemble cadré",
                            "by": "ESDC", "is_key": "on"})
    assert response.status_code == 302
    achievement = Achievement.objects.get(text_en="Bereavement bundle scoped")
    assert achievement.visibility == initiative.visibility and achievement.team_id == initiative.team_id
    assert AuditEntry.objects.filter(object_id=str(achievement.pk), action="create", actor=world.secretary).exists()
    assert "Bereavement bundle scoped" in client.get(initiative.get_absolute_url()).content.decode()


def test_priority_must_belong_to_the_initiatives_table(world):
    elsewhere = make_priority(make_table(actor=world.admin), actor=world.admin)
    with pytest.raises(ApplicationError, match="another table"):
        services.initiative_update(initiative=world.initiative, actor=world.secretary, data={"priority": elsewhere})
    assert Initiative.objects.get(pk=world.initiative.pk).priority == world.priority


def test_priority_edit_with_stale_version_conflicts(client, world):
    priority = world.priority
    client.force_login(world.secretary)
    base = {"title_en": priority.title_en, "title_fr": priority.title_fr, "champion_name": "", "sort_order": 2,
            "version": priority.version}
    url = f"/en/portfolio/priorities/{priority.pk}/edit/"
    assert client.post(url, {**base, "description_en": "A"}).status_code == 302
    assert client.post(url, {**base, "description_en": "B"}).status_code == 409
    assert Priority.objects.get(pk=priority.pk).description_en == "A"
    client.force_login(world.member)
    assert client.get(url).status_code == 403


def test_meetings_and_decisions_are_recorded_by_the_secretariat(client, world):
    client.force_login(world.secretary)
    slug = world.table.slug
    response = client.post(f"/en/portfolio/tables/{slug}/meetings/new/",
                           {"date": "2018-03-22", "title_en": "March 2018 meeting", "title_fr": "Réunion de mars 2018"})
    assert response.status_code == 302
    meeting = world.table.meetings.get(title_en="March 2018 meeting")
    response = client.post(f"/en/portfolio/tables/{slug}/decisions/new/",
                           {"kind": "decision", "meeting": meeting.pk, "date": "2018-03-22",
                            "text_en": "Mock-up of a Declaration on Service reviewed.", "text_fr": "Maquette examinée."})
    assert response.status_code == 302
    page = client.get(world.table.get_absolute_url()).content.decode()
    assert "March 2018 meeting" in page and "Mock-up of a Declaration on Service reviewed." in page
    client.force_login(world.member)
    assert client.get(f"/en/portfolio/tables/{slug}/meetings/new/").status_code == 403


def test_editors_add_resources_and_documents(client, world):
    initiative = world.initiative
    data = {"kind": "document", "title_en": "BN Adoption Playbook", "title_fr": "Guide d'adoption du NE",
            "url": "https://example.org/bn-playbook.pdf"}
    client.force_login(world.member)
    assert client.post(f"/en/portfolio/initiatives/{initiative.pk}/links/", data).status_code == 403
    assert not initiative.links.exists()
    client.force_login(world.secretary)
    assert client.post(f"/en/portfolio/initiatives/{initiative.pk}/links/", data).status_code == 302
    assert initiative.links.get().title_en == "BN Adoption Playbook"
    assert AuditEntry.objects.filter(object_id=str(initiative.pk), action="event", actor=world.secretary).exists()
    html = client.get(f"/fr/portfolio/initiatives/{initiative.pk}/").content.decode()
    assert "Guide d&#x27;adoption du NE" in html and "https://example.org/bn-playbook.pdf" in html


def test_table_edit_is_versioned_and_reserved_to_its_editors(client, world):
    table = world.table
    base = {"name_en": table.name_en, "name_fr": table.name_fr, "visibility": "public",
            "member_jurisdictions": list(table.member_jurisdictions.values_list("pk", flat=True)),
            "version": table.version}
    url = f"/en/portfolio/tables/{table.slug}/edit/"
    client.force_login(world.member)
    assert client.get(url).status_code == 403
    client.force_login(world.secretary)
    assert client.post(url, {**base, "vision_en": "New vision"}).status_code == 302
    response = client.post(url, {**base, "vision_en": "Stale vision"})
    assert response.status_code == 409 and "New vision" in response.content.decode()
    table.refresh_from_db()
    assert table.vision_en == "New vision"


def test_priority_champion_is_a_person_of_the_table(client, world):
    client.force_login(world.secretary)
    data = {"title_en": "Digital Trust", "title_fr": "Confiance numérique", "sort_order": 9,
            "champion_jurisdiction": world.ontario.pk}
    url = f"/en/portfolio/tables/{world.table.slug}/priorities/new/"
    refused = client.post(url, {**data, "champion": world.citizen.pk})
    assert refused.status_code == 200 and "champion" in refused.context["form"].errors
    assert client.post(url, {**data, "champion": world.member.pk}).status_code == 302
    priority = Priority.objects.get(title_en="Digital Trust")
    assert priority.champion == world.member and priority.champion_label == f"{world.member} (Ontario)"


def test_the_database_refuses_an_end_before_the_start(world):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Initiative.objects.filter(pk=world.initiative.pk).update(
            start_date=datetime.date(2018, 1, 1), end_date=datetime.date(2017, 1, 1))


def test_editing_keeps_the_initiatives_table_on_offer_after_its_author_left_the_team(client, world):
    from carrefour.directory.models import Membership

    membership_add(team=world.table.team, user=world.member, role=Role.CONTRIBUTOR, actor=world.admin)
    own = services.initiative_create(actor=world.member, data={
        "title_en": "Ontario pilot", "title_fr": "Projet pilote", "jurisdiction": world.ontario, "table": world.table})
    Membership.objects.filter(user=world.member, role=Role.CONTRIBUTOR).delete()
    client.force_login(world.member)  # still its owner, so still its editor
    form = client.get(f"/en/portfolio/initiatives/{own.pk}/edit/").context["form"]
    assert world.table in form.fields["table"].queryset
    response = client.post(f"/en/portfolio/initiatives/{own.pk}/edit/", _form_data(own, status="at_risk"))
    assert response.status_code == 302
    assert Initiative.objects.get(pk=own.pk).status == "at_risk"


def test_commitments_follow_the_portfolio_edit_rule(world):
    """Linking commitments asks the portfolio's own rule (declared in its AppConfig), not core's."""
    from carrefour.core.visibility import may_edit
    from carrefour.declarations import commitments
    from tests.declarations.factories import CommitmentFactory

    membership_add(team=world.table.team, user=world.member, role=Role.EDITOR, actor=world.admin,
                   jurisdiction=world.ontario)
    partnered, other = world.initiative, world.extra["federal_only"]
    commitment = CommitmentFactory()
    assert may_edit(world.member, partnered) and not may_edit(world.member, other)
    commitments.set_links(actor=world.member, target=partnered, commitments=[commitment])
    assert commitments.for_target(partnered) == [commitment]
    with pytest.raises(ApplicationError, match="cannot change the commitments"):
        commitments.set_links(actor=world.member, target=other, commitments=[commitment])
    assert commitments.for_target(other) == []
