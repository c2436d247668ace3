"""Permissions, auditing, optimistic concurrency and validation of portfolio writes."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from carrefour.core.exceptions import ApplicationError, EditConflict
from carrefour.core.models import AuditEntry
from carrefour.directory.models import Jurisdiction, Membership, Role
from carrefour.portfolio import services
from carrefour.portfolio.models import Achievement, Initiative, Priority
from carrefour.portfolio.permissions import can_edit_initiative, can_edit_table

pytestmark = pytest.mark.django_db


def _initiative(title: str) -> Initiative:
    return Initiative.objects.get(title_en=title)


# Permissions ------------------------------------------------------------------------------------


def test_secretariat_edits_every_initiative_of_its_table(portfolio_demo, amelie):
    assert can_edit_table(amelie, portfolio_demo)
    for initiative in portfolio_demo.initiatives.all():
        assert can_edit_initiative(amelie, initiative)


def test_plain_members_and_citizens_cannot_edit(portfolio_demo, raj, citizen):
    initiative = _initiative("Death Notification")
    assert not can_edit_table(raj, portfolio_demo)
    assert not can_edit_initiative(raj, initiative)
    assert not can_edit_initiative(citizen, initiative)
    with pytest.raises(ApplicationError, match="cannot edit this initiative"):
        services.initiative_update(initiative=initiative, actor=raj, data={"status": "blocked"})
    initiative.refresh_from_db()
    assert initiative.status == "on_track"


def test_partner_editors_edit_only_their_jurisdictions_initiatives(portfolio_demo, raj):
    # Raj (Ontario) becomes an editor at the table on Ontario's behalf.
    Membership.objects.create(user=raj, team=portfolio_demo.team, role=Role.EDITOR,
                              jurisdiction=Jurisdiction.objects.get(code="on"))
    death = _initiative("Death Notification")  # Ontario is a partner
    pctf = _initiative("Pan-Canadian Trust Framework (PCTF)")  # GC + AB only
    assert can_edit_initiative(raj, death)
    assert not can_edit_initiative(raj, pctf)
    assert not can_edit_table(raj, portfolio_demo)
    services.initiative_update(initiative=death, actor=raj, data={"status": "at_risk"}, expected_version=death.version)
    with pytest.raises(ApplicationError):
        services.initiative_update(initiative=pctf, actor=raj, data={"status": "at_risk"})
    with pytest.raises(ApplicationError):
        services.priority_create(table=portfolio_demo, actor=raj, data={"title_en": "X", "title_fr": "X"})


def test_partner_editors_create_initiatives_for_their_jurisdiction_only(portfolio_demo, raj):
    Membership.objects.create(user=raj, team=portfolio_demo.team, role=Role.CONTRIBUTOR)
    ontario, bc = Jurisdiction.objects.get(code="on"), Jurisdiction.objects.get(code="bc")
    created = services.initiative_create(actor=raj, data={
        "title_en": "Ontario pilot", "title_fr": "Projet pilote de l'Ontario", "jurisdiction": ontario, "table": portfolio_demo})
    assert created.team_id == portfolio_demo.team_id
    with pytest.raises(ApplicationError, match="only for a table you edit"):
        services.initiative_create(actor=raj, data={"title_en": "BC pilot", "title_fr": "", "jurisdiction": bc,
                                                    "table": portfolio_demo})
    assert not Initiative.objects.filter(title_en="BC pilot").exists()


def test_edit_pages_are_hidden_from_those_who_cannot_edit(client, portfolio_demo, raj):
    initiative = _initiative("Business Number")
    client.force_login(raj)
    assert client.get(f"/en/portfolio/initiatives/{initiative.pk}/edit/").status_code == 403
    assert client.get("/en/portfolio/tables/fpt-dm-service/import/").status_code == 403
    assert client.post(f"/en/portfolio/initiatives/{initiative.pk}/achievements/",
                       {"date": "2018-01-01", "text_en": "x"}).status_code == 403


# Audit and concurrency -------------------------------------------------------------------------


def test_updates_are_audited_with_old_and_new_values(portfolio_demo, amelie):
    initiative = _initiative("Business Number")
    services.initiative_update(initiative=initiative, actor=amelie, data={"status": "done"},
                               expected_version=initiative.version)
    entry = AuditEntry.objects.filter(object_id=str(initiative.pk), action="update").first()
    assert entry.actor == amelie
    assert entry.changes["status"] == ["at_risk", "done"]


def test_second_save_from_a_stale_version_is_refused(portfolio_demo, amelie):
    Membership.objects.create(user=amelie, team=portfolio_demo.team, role=Role.EDITOR)
    first = _initiative("Open Data")
    second = _initiative("Open Data")
    loaded = first.version
    services.initiative_update(initiative=first, actor=amelie, data={"stage": "scaling"}, expected_version=loaded)
    with pytest.raises(EditConflict) as caught:
        services.initiative_update(initiative=second, actor=amelie, data={"stage": "ended"}, expected_version=loaded)
    changes = caught.value.extra["changes"]
    assert changes and changes[-1]["changes"]["stage"] == ["implementation", "scaling"]
    assert Initiative.objects.get(pk=first.pk).stage == "scaling"


def _form_data(initiative: Initiative, **changes) -> dict:
    data = {
        "title_en": initiative.title_en, "title_fr": initiative.title_fr, "summary_en": initiative.summary_en,
        "summary_fr": initiative.summary_fr, "jurisdiction": initiative.jurisdiction_id,
        "partner_jurisdictions": list(initiative.partner_jurisdictions.values_list("pk", flat=True)),
        "table": initiative.table_id or "", "priority": initiative.priority_id or "",
        "facets": list(initiative.facets.values_list("pk", flat=True)), "stage": initiative.stage,
        "status": initiative.status, "commitments_text": initiative.commitments_text, "visibility": initiative.visibility,
        "version": initiative.version, "start_date": initiative.start_date.isoformat() if initiative.start_date else "",
        "end_date": "",
    }
    data.update(changes)
    return data


def test_edit_conflict_page_shows_what_changed_and_keeps_their_save(client, portfolio_demo, amelie):
    initiative = _initiative("Expedited Business Start")
    stale = _form_data(initiative, summary_en="My summary")
    client.force_login(amelie)
    ok = client.post(f"/en/portfolio/initiatives/{initiative.pk}/edit/", _form_data(initiative, status="blocked"))
    assert ok.status_code == 302
    response = client.post(f"/en/portfolio/initiatives/{initiative.pk}/edit/", stale)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed this record" in html
    assert "On track" not in html or "blocked" in html  # the field label and both values are listed
    assert "blocked" in html and "on_track" in html
    initiative.refresh_from_db()
    assert initiative.status == "blocked" and initiative.summary_en != "My summary"


# Validation ------------------------------------------------------------------------------------


def test_end_before_start_is_refused_and_nothing_stored(portfolio_demo, amelie):
    count = Initiative.objects.count()
    with pytest.raises(ApplicationError, match="end date is before the start date"):
        services.initiative_create(actor=amelie, data={
            "title_en": "Backwards", "title_fr": "", "jurisdiction": Jurisdiction.objects.get(code="ca"),
            "table": portfolio_demo, "start_date": datetime.date(2018, 5, 1), "end_date": datetime.date(2018, 1, 1)})
    assert Initiative.objects.count() == count
    initiative = _initiative("Open Data")
    with pytest.raises(ApplicationError, match="end date"):
        services.initiative_update(initiative=initiative, actor=amelie, data={"end_date": datetime.date(2000, 1, 1)})
    assert Initiative.objects.get(pk=initiative.pk).end_date is None


def test_end_before_start_in_the_form_shows_the_error(client, portfolio_demo, amelie):
    initiative = _initiative("Open Data")
    client.force_login(amelie)
    response = client.post(f"/fr/portfolio/initiatives/{initiative.pk}/edit/",
                           _form_data(initiative, end_date="2001-01-01"))
    assert response.status_code == 200
    assert "error-message=" in response.content.decode()
    assert Initiative.objects.get(pk=initiative.pk).end_date is None


def test_achievement_in_the_future_is_refused(client, portfolio_demo, amelie):
    initiative = _initiative("Death Notification")
    count = Achievement.objects.count()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ApplicationError, match="future"):
        services.achievement_create(initiative=initiative, actor=amelie, data={"date": tomorrow, "text_en": "Soon"})
    client.force_login(amelie)
    response = client.post(f"/en/portfolio/initiatives/{initiative.pk}/achievements/",
                           {"date": tomorrow.isoformat(), "text_en": "Soon", "is_key": "on"})
    assert response.status_code == 400
    assert "cannot be dated in the future" in response.content.decode()
    assert Achievement.objects.count() == count


def test_achievement_added_appears_in_timeline_and_is_audited(client, portfolio_demo, amelie):
    initiative = _initiative("Death Notification")
    client.force_login(amelie)
    response = client.post(f"/en/portfolio/initiatives/{initiative.pk}/achievements/",
                           {"date": "2018-02-20", "text_en": "Bereavement bundle scoped", "text_fr": "Ensemble scopé",
                            "by": "ESDC", "is_key": "on"})
    assert response.status_code == 302
    achievement = Achievement.objects.get(text_en="Bereavement bundle scoped")
    assert AuditEntry.objects.filter(object_id=str(achievement.pk), action="create", actor=amelie).exists()
    assert "Bereavement bundle scoped" in client.get(initiative.get_absolute_url()).content.decode()


def test_priority_must_belong_to_the_initiatives_table(portfolio_demo, amelie):
    other = Priority.objects.create(table=services.Table.objects.create(slug="other", name_en="Other", name_fr="Autre"),
                                    title_en="Elsewhere", title_fr="Ailleurs")
    with pytest.raises(ApplicationError, match="another table"):
        services.initiative_update(initiative=_initiative("Open Data"), actor=amelie, data={"priority": other})


def test_priority_edit_with_stale_version_conflicts(client, portfolio_demo, amelie):
    priority = Priority.objects.get(title_en="Open Data")
    client.force_login(amelie)
    base = {"title_en": "Open Data", "title_fr": "Données ouvertes", "champion_name": "", "sort_order": 2,
            "champion_jurisdiction": priority.champion_jurisdiction_id, "version": priority.version}
    assert client.post(f"/en/portfolio/priorities/{priority.pk}/edit/", {**base, "description_en": "A"}).status_code == 302
    response = client.post(f"/en/portfolio/priorities/{priority.pk}/edit/", {**base, "description_en": "B"})
    assert response.status_code == 409
    assert Priority.objects.get(pk=priority.pk).description_en == "A"


def test_meetings_and_decisions_are_recorded_by_the_secretariat(client, portfolio_demo, amelie):
    client.force_login(amelie)
    response = client.post("/en/portfolio/tables/fpt-dm-service/meetings/new/",
                           {"date": "2018-03-22", "title_en": "March 2018 meeting", "title_fr": "Réunion de mars 2018"})
    assert response.status_code == 302
    meeting = portfolio_demo.meetings.get(title_en="March 2018 meeting")
    response = client.post("/en/portfolio/tables/fpt-dm-service/decisions/new/",
                           {"kind": "decision", "meeting": meeting.pk, "date": "2018-03-22",
                            "text_en": "Mock-up of a Declaration on Service reviewed.", "text_fr": "Maquette examinée."})
    assert response.status_code == 302
    page = client.get("/en/portfolio/tables/fpt-dm-service/").content.decode()
    assert "March 2018 meeting" in page and "Mock-up of a Declaration on Service reviewed." in page


def test_editors_add_resources_and_documents(client, portfolio_demo, amelie, raj):
    initiative = _initiative("Business Number")
    data = {"kind": "document", "title_en": "BN Adoption Playbook", "title_fr": "Guide d'adoption du NE",
            "url": "https://example.org/bn-playbook.pdf"}
    client.force_login(raj)
    assert client.post(f"/en/portfolio/initiatives/{initiative.pk}/links/", data).status_code == 403
    client.force_login(amelie)
    assert client.post(f"/en/portfolio/initiatives/{initiative.pk}/links/", data).status_code == 302
    assert initiative.links.get().title_en == "BN Adoption Playbook"
    assert AuditEntry.objects.filter(object_id=str(initiative.pk), action="event", actor=amelie).exists()
    html = client.get(f"/fr/portfolio/initiatives/{initiative.pk}/").content.decode()
    assert "Guide d&#x27;adoption du NE" in html and "https://example.org/bn-playbook.pdf" in html


def test_table_edit_is_versioned_and_reserved_to_its_editors(client, portfolio_demo, amelie, raj):
    base = {"name_en": portfolio_demo.name_en, "name_fr": portfolio_demo.name_fr, "visibility": "public",
            "member_jurisdictions": list(portfolio_demo.member_jurisdictions.values_list("pk", flat=True)),
            "version": portfolio_demo.version}
    client.force_login(raj)
    assert client.get("/en/portfolio/tables/fpt-dm-service/edit/").status_code == 403
    client.force_login(amelie)
    assert client.post("/en/portfolio/tables/fpt-dm-service/edit/", {**base, "vision_en": "New vision"}).status_code == 302
    response = client.post("/en/portfolio/tables/fpt-dm-service/edit/", {**base, "vision_en": "Stale vision"})
    assert response.status_code == 409 and "New vision" in response.content.decode()
    portfolio_demo.refresh_from_db()
    assert portfolio_demo.vision_en == "New vision"


def test_priority_champion_is_a_person_of_the_table(client, portfolio_demo, amelie, raj, citizen):
    client.force_login(amelie)
    data = {"title_en": "Digital Trust", "title_fr": "Confiance numérique", "sort_order": 9,
            "champion_jurisdiction": Jurisdiction.objects.get(code="on").pk}
    assert client.post("/en/portfolio/tables/fpt-dm-service/priorities/new/", {**data, "champion": citizen.pk}).status_code == 200
    assert client.post("/en/portfolio/tables/fpt-dm-service/priorities/new/", {**data, "champion": raj.pk}).status_code == 302
    priority = Priority.objects.get(title_en="Digital Trust")
    assert priority.champion == raj and priority.champion_label == "Raj Patel (ON)"


def test_the_database_refuses_an_end_before_the_start(portfolio_demo):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Initiative.objects.filter(title_en="Open Data").update(
            start_date=datetime.date(2018, 1, 1), end_date=datetime.date(2017, 1, 1))
