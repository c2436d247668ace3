"""Soft delete and restore of initiatives and achievements; editing achievements."""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils import timezone

from carrefour.core.exceptions import ApplicationError, EditConflict
from carrefour.core.models import AuditEntry
from carrefour.directory.models import Jurisdiction, Membership, Role
from carrefour.portfolio import reports, selectors, services
from carrefour.portfolio.models import Achievement, Initiative

pytestmark = pytest.mark.django_db


def _initiative(title: str) -> Initiative:
    return Initiative.objects.get(title_en=title)


def _achievement(text: str) -> Achievement:
    return Achievement.objects.get(text_en=text)


EBS = "Expedited Business Start"
EBS_NEWS = "Acceleration team exploring pilots to advance EBS."


# Deleting and restoring initiatives -------------------------------------------------------------


def test_deleted_initiative_disappears_everywhere_and_is_kept(client, portfolio_demo, amelie):
    initiative = _initiative(EBS)
    services.initiative_delete(initiative=initiative, actor=amelie, reason="Duplicate of another entry")
    assert Initiative.objects.filter(pk=initiative.pk).exists()  # never erased
    entry = AuditEntry.objects.get(object_id=str(initiative.pk), action="delete")
    assert entry.actor == amelie and entry.note == "Duplicate of another entry"
    assert EBS not in {i.title_en for i in selectors.initiative_list(user=amelie)}
    assert EBS_NEWS not in {a.text_en for a in selectors.achievements_since(user=amelie, since=datetime.date(2017, 1, 1))}
    data = reports.build_report(table=portfolio_demo, start=datetime.date(2017, 4, 1), end=timezone.localdate(),
                                user=amelie)
    assert '"title": {"en": "Expedited Business Start"' not in json.dumps(data)
    assert '"title": {"en": "Business Number"' in json.dumps(data)
    client.force_login(amelie)
    assert client.get(f"/en/portfolio/initiatives/{initiative.pk}/").status_code == 404
    assert EBS not in client.get("/en/portfolio/?format=csv").getvalue().decode()
    assert EBS not in client.get("/en/portfolio/").content.decode()
    assert f"/en/portfolio/initiatives/{initiative.pk}/" not in client.get("/en/portfolio/tables/fpt-dm-service/").content.decode()
    assert EBS not in client.get("/api/portfolio/initiatives").content.decode()


def test_only_editors_delete_and_only_the_secretariat_restores(portfolio_demo, raj, citizen):
    initiative = _initiative("Death Notification")
    for person in (raj, citizen):
        with pytest.raises(ApplicationError, match="cannot delete this initiative"):
            services.initiative_delete(initiative=initiative, actor=person)
    assert Initiative.objects.get(pk=initiative.pk).deleted_at is None
    # A partner's editor deletes its own jurisdiction's initiative but cannot restore it.
    Membership.objects.create(user=raj, team=portfolio_demo.team, role=Role.EDITOR,
                              jurisdiction=Jurisdiction.objects.get(code="on"))
    services.initiative_delete(initiative=initiative, actor=raj)
    with pytest.raises(ApplicationError, match="Only the table's secretariat"):
        services.initiative_restore(initiative=initiative, actor=raj)
    with pytest.raises(ApplicationError, match="already deleted"):
        services.initiative_delete(initiative=initiative, actor=raj)
    assert Initiative.objects.get(pk=initiative.pk).deleted_at is not None


def test_secretariat_restores_an_initiative_with_its_achievements(portfolio_demo, amelie):
    initiative = _initiative(EBS)
    services.initiative_delete(initiative=initiative, actor=amelie)
    services.initiative_restore(initiative=initiative, actor=amelie, reason="Deleted by mistake")
    assert AuditEntry.objects.filter(object_id=str(initiative.pk), action="restore", note="Deleted by mistake").exists()
    assert EBS in {i.title_en for i in selectors.initiative_list(user=amelie)}
    assert EBS_NEWS in {a.text_en for a in selectors.achievements_since(user=amelie, since=datetime.date(2017, 1, 1))}
    with pytest.raises(ApplicationError, match="not deleted"):
        services.initiative_restore(initiative=initiative, actor=amelie)


def test_delete_page_confirms_then_deleted_list_restores(client, portfolio_demo, amelie):
    initiative = _initiative(EBS)
    client.force_login(amelie)
    page = client.get(f"/en/portfolio/initiatives/{initiative.pk}/")
    assert f"/en/portfolio/initiatives/{initiative.pk}/delete/" in page.content.decode()
    confirm = client.get(f"/en/portfolio/initiatives/{initiative.pk}/delete/")
    assert confirm.status_code == 200 and EBS in confirm.content.decode()
    assert Initiative.objects.get(pk=initiative.pk).deleted_at is None  # GET changes nothing
    too_long = client.post(f"/en/portfolio/initiatives/{initiative.pk}/delete/", {"reason": "x" * 501})
    assert too_long.status_code == 400 and Initiative.objects.get(pk=initiative.pk).deleted_at is None
    response = client.post(f"/en/portfolio/initiatives/{initiative.pk}/delete/", {"reason": "Merged"})
    assert response.status_code == 302 and response["Location"] == "/en/portfolio/tables/fpt-dm-service/"
    table_page = client.get(response["Location"]).content.decode()
    assert "The initiative was deleted." in table_page
    assert "/en/portfolio/tables/fpt-dm-service/deleted/" in table_page
    deleted = client.get("/fr/portfolio/tables/fpt-dm-service/deleted/")
    assert deleted.status_code == 200 and list(deleted.context["initiatives"]) == [initiative]
    restored = client.post(f"/fr/portfolio/initiatives/{initiative.pk}/restore/", {"reason": ""})
    assert restored.status_code == 302
    assert Initiative.objects.get(pk=initiative.pk).deleted_at is None
    assert client.get(f"/en/portfolio/initiatives/{initiative.pk}/").status_code == 200


def test_deleted_list_and_restore_are_hidden_from_others(client, portfolio_demo, amelie, raj):
    initiative = _initiative(EBS)
    services.initiative_delete(initiative=initiative, actor=amelie)
    client.force_login(raj)
    assert client.get("/en/portfolio/tables/fpt-dm-service/deleted/").status_code == 403
    assert client.post(f"/en/portfolio/initiatives/{initiative.pk}/restore/").status_code == 404
    assert client.get(f"/en/portfolio/initiatives/{_initiative('Open Data').pk}/delete/").status_code == 403
    assert Initiative.objects.get(pk=initiative.pk).deleted_at is not None


# Achievements -----------------------------------------------------------------------------------


def test_achievement_delete_and_restore(client, portfolio_demo, amelie, raj):
    achievement = _achievement(EBS_NEWS)
    with pytest.raises(ApplicationError, match="cannot delete achievements"):
        services.achievement_delete(achievement=achievement, actor=raj)
    client.force_login(amelie)
    response = client.post(f"/en/portfolio/achievements/{achievement.pk}/delete/", {"reason": "Wrong initiative"})
    assert response.status_code == 302
    assert EBS_NEWS not in client.get(response["Location"]).content.decode()
    assert EBS_NEWS not in client.get("/en/portfolio/new/?since=2017-01-01&format=csv").getvalue().decode()
    assert AuditEntry.objects.filter(object_id=str(achievement.pk), action="delete", note="Wrong initiative").exists()
    deleted = client.get("/en/portfolio/tables/fpt-dm-service/deleted/")
    assert list(deleted.context["achievements"]) == [achievement]
    assert client.post(f"/en/portfolio/achievements/{achievement.pk}/restore/").status_code == 302
    assert Achievement.objects.get(pk=achievement.pk).deleted_at is None


def test_achievement_edit_validates_and_refuses_stale_versions(client, portfolio_demo, amelie, raj):
    achievement = _achievement(EBS_NEWS)
    with pytest.raises(ApplicationError, match="cannot edit achievements"):
        services.achievement_update(achievement=achievement, actor=raj, data={"by": "Raj"})
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ApplicationError, match="future"):
        services.achievement_update(achievement=achievement, actor=amelie, data={"date": tomorrow})
    assert Achievement.objects.get(pk=achievement.pk).date != tomorrow
    loaded = achievement.version
    services.achievement_update(achievement=achievement, actor=amelie, data={"by": "ISED"}, expected_version=loaded)
    stale = Achievement.objects.get(pk=achievement.pk)
    with pytest.raises(EditConflict) as caught:
        services.achievement_update(achievement=stale, actor=amelie, data={"by": "Someone"}, expected_version=loaded)
    assert caught.value.extra["changes"][-1]["changes"]["by"][1] == "ISED"
    assert Achievement.objects.get(pk=achievement.pk).by == "ISED"


def test_achievement_edit_page(client, portfolio_demo, amelie):
    achievement = _achievement(EBS_NEWS)
    client.force_login(amelie)
    url = f"/en/portfolio/achievements/{achievement.pk}/edit/"
    form = client.get(url)
    assert form.status_code == 200 and EBS_NEWS in form.content.decode()
    base = {"date": achievement.date.isoformat(), "text_en": EBS_NEWS, "text_fr": achievement.text_fr,
            "by": achievement.by, "evidence_url": "", "is_key": "on", "version": achievement.version}
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    bad = client.post(url, {**base, "date": future})
    assert bad.status_code == 200 and "cannot be dated in the future" in bad.content.decode()
    assert client.post(url, {**base, "by": "ISED"}).status_code == 302
    conflict = client.post(url, {**base, "by": "PCO"})
    assert conflict.status_code == 409 and "Someone else changed this record" in conflict.content.decode()
    assert Achievement.objects.get(pk=achievement.pk).by == "ISED"


# Meetings and decisions --------------------------------------------------------------------------


def test_meetings_and_decisions_are_edited_with_the_same_concurrency(client, portfolio_demo, amelie, raj):
    from carrefour.portfolio.models import Decision, Meeting

    meeting = Meeting.objects.filter(table=portfolio_demo).first()
    decision = Decision.objects.filter(table=portfolio_demo).first()
    with pytest.raises(ApplicationError, match="change meetings"):
        services.meeting_update(meeting=meeting, actor=raj, data={"title_en": "X"})
    client.force_login(amelie)
    url = f"/en/portfolio/meetings/{meeting.pk}/edit/"
    assert client.get(url).status_code == 200
    base = {"date": meeting.date.isoformat(), "title_en": meeting.title_en, "title_fr": meeting.title_fr,
            "summary_en": "", "summary_fr": "", "version": meeting.version}
    assert client.post(url, {**base, "summary_en": "First"}).status_code == 302
    assert client.post(url, {**base, "summary_en": "Second"}).status_code == 409
    assert Meeting.objects.get(pk=meeting.pk).summary_en == "First"
    durl = f"/en/portfolio/decisions/{decision.pk}/edit/"
    dbase = {"kind": decision.kind, "meeting": decision.meeting_id or "", "date": decision.date.isoformat(),
             "text_en": "Updated decision", "text_fr": decision.text_fr, "due_date": "", "version": decision.version}
    assert client.post(durl, dbase).status_code == 302
    assert Decision.objects.get(pk=decision.pk).text_en == "Updated decision"
    client.force_login(raj)
    assert client.get(durl).status_code == 403
