"""Soft delete and restore of initiatives and achievements; editing achievements, meetings and decisions."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from carrefour.core.exceptions import ApplicationError, EditConflict
from carrefour.core.models import AuditEntry
from carrefour.directory.models import Role
from carrefour.directory.services import membership_add
from carrefour.portfolio import reports, selectors, services
from carrefour.portfolio.models import Achievement, Decision, Initiative, Meeting
from tests.portfolio.factories import make_achievement, make_initiative, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """The world, plus a second initiative with a key achievement dated last week."""
    world = make_world()
    doomed = make_initiative(actor=world.secretary, jurisdiction=world.federal, table=world.table,
                             priority=world.priority, title_en="Expedited Business Start")
    news = make_achievement(doomed, actor=world.secretary, date=timezone.localdate() - datetime.timedelta(days=7),
                            text_en="Acceleration team exploring pilots.")
    world.extra.update(doomed=doomed, news=news)
    return world


def _since() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=30)


def _body(response) -> str:
    return (b"".join(response.streaming_content) if response.streaming else response.content).decode("utf-8-sig")


# Deleting and restoring initiatives -------------------------------------------------------------


def test_deleted_initiative_disappears_everywhere_and_is_kept(client, world):
    doomed, news = world.extra["doomed"], world.extra["news"]
    services.initiative_delete(initiative=doomed, actor=world.secretary, reason="Duplicate of another entry")
    assert Initiative.objects.filter(pk=doomed.pk).exists()  # never erased
    entry = AuditEntry.objects.get(object_id=str(doomed.pk), action="delete")
    assert entry.actor == world.secretary and entry.note == "Duplicate of another entry"
    secretary = world.secretary
    assert doomed not in selectors.initiative_list(user=secretary)
    assert news not in selectors.achievements_since(user=secretary, since=_since())
    data = reports.build_report(table=world.table, start=_since(), end=timezone.localdate(), user=secretary)
    reported = {i["id"] for s in data["sections"] for i in s["initiatives"]}
    assert reported == {world.initiative.pk}
    client.force_login(secretary)
    assert client.get(doomed.get_absolute_url()).status_code == 404
    assert doomed.title_en not in _body(client.get("/en/portfolio/?format=csv"))
    assert doomed.title_en not in client.get("/en/portfolio/").content.decode()
    assert doomed.get_absolute_url() not in client.get(world.table.get_absolute_url()).content.decode()
    assert doomed.title_en not in client.get("/api/portfolio/initiatives/").content.decode()


def test_only_editors_delete_and_only_the_secretariat_restores(world):
    initiative = world.initiative  # Ontario partners it
    for person in (world.member, world.citizen):
        with pytest.raises(ApplicationError, match="cannot delete this initiative"):
            services.initiative_delete(initiative=initiative, actor=person)
    assert Initiative.objects.get(pk=initiative.pk).deleted_at is None
    # A partner's editor deletes its own jurisdiction's initiative but cannot restore it.
    membership_add(team=world.table.team, user=world.member, role=Role.EDITOR, actor=world.admin,
                   jurisdiction=world.ontario)
    services.initiative_delete(initiative=initiative, actor=world.member)
    with pytest.raises(ApplicationError, match="Only the table's secretariat"):
        services.initiative_restore(initiative=initiative, actor=world.member)
    with pytest.raises(ApplicationError, match="already deleted"):
        services.initiative_delete(initiative=initiative, actor=world.member)
    assert Initiative.objects.get(pk=initiative.pk).deleted_at is not None


def test_secretariat_restores_an_initiative_with_its_achievements(world):
    doomed, news = world.extra["doomed"], world.extra["news"]
    services.initiative_delete(initiative=doomed, actor=world.secretary)
    services.initiative_restore(initiative=doomed, actor=world.secretary, reason="Deleted by mistake")
    assert AuditEntry.objects.filter(object_id=str(doomed.pk), action="restore", note="Deleted by mistake").exists()
    assert doomed in selectors.initiative_list(user=world.secretary)
    assert news in selectors.achievements_since(user=world.secretary, since=_since())
    with pytest.raises(ApplicationError, match="not deleted"):
        services.initiative_restore(initiative=doomed, actor=world.secretary)


def test_delete_page_confirms_then_deleted_list_restores(client, world):
    doomed = world.extra["doomed"]
    table_url = world.table.get_absolute_url()
    client.force_login(world.secretary)
    assert f"/en/portfolio/initiatives/{doomed.pk}/delete/" in client.get(doomed.get_absolute_url()).content.decode()
    confirm = client.get(f"/en/portfolio/initiatives/{doomed.pk}/delete/")
    assert confirm.status_code == 200 and doomed.title_en in confirm.content.decode()
    assert Initiative.objects.get(pk=doomed.pk).deleted_at is None  # GET changes nothing
    too_long = client.post(f"/en/portfolio/initiatives/{doomed.pk}/delete/", {"reason": "x" * 501})
    assert too_long.status_code == 400 and Initiative.objects.get(pk=doomed.pk).deleted_at is None
    response = client.post(f"/en/portfolio/initiatives/{doomed.pk}/delete/", {"reason": "Merged"})
    assert response.status_code == 302 and response["Location"] == table_url
    table_page = client.get(table_url).content.decode()
    assert "The initiative was deleted." in table_page
    assert f"/en/portfolio/tables/{world.table.slug}/deleted/" in table_page
    deleted = client.get(f"/fr/portfolio/tables/{world.table.slug}/deleted/")
    assert deleted.status_code == 200 and list(deleted.context["initiatives"]) == [doomed]
    assert client.post(f"/fr/portfolio/initiatives/{doomed.pk}/restore/", {"reason": ""}).status_code == 302
    assert Initiative.objects.get(pk=doomed.pk).deleted_at is None
    assert client.get(doomed.get_absolute_url()).status_code == 200


def test_deleted_list_and_restore_are_refused_to_others(client, world):
    doomed = world.extra["doomed"]
    services.initiative_delete(initiative=doomed, actor=world.secretary)
    client.force_login(world.member)
    assert client.get(f"/en/portfolio/tables/{world.table.slug}/deleted/").status_code == 403  # sees the table
    assert client.post(f"/en/portfolio/initiatives/{doomed.pk}/restore/").status_code == 404  # sees no deleted record
    assert client.get(f"/en/portfolio/initiatives/{world.initiative.pk}/delete/").status_code == 403
    assert Initiative.objects.get(pk=doomed.pk).deleted_at is not None


# Achievements -----------------------------------------------------------------------------------


def test_achievement_delete_and_restore(client, world):
    news = world.extra["news"]
    with pytest.raises(ApplicationError, match="cannot delete achievements"):
        services.achievement_delete(achievement=news, actor=world.member)
    client.force_login(world.secretary)
    response = client.post(f"/en/portfolio/achievements/{news.pk}/delete/", {"reason": "Wrong initiative"})
    assert response.status_code == 302
    assert news.text_en not in client.get(response["Location"]).content.decode()
    assert news.text_en not in _body(client.get(f"/en/portfolio/new/?since={_since()}&format=csv"))
    assert AuditEntry.objects.filter(object_id=str(news.pk), action="delete", note="Wrong initiative").exists()
    deleted = client.get(f"/en/portfolio/tables/{world.table.slug}/deleted/")
    assert list(deleted.context["achievements"]) == [news]
    client.force_login(world.member)
    assert client.post(f"/en/portfolio/achievements/{news.pk}/restore/").status_code == 404
    client.force_login(world.secretary)
    assert client.post(f"/en/portfolio/achievements/{news.pk}/restore/").status_code == 302
    assert Achievement.objects.get(pk=news.pk).deleted_at is None


def test_achievement_edit_validates_and_refuses_stale_versions(world):
    news = world.extra["news"]
    with pytest.raises(ApplicationError, match="cannot edit achievements"):
        services.achievement_update(achievement=news, actor=world.member, data={"by": "Someone"})
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ApplicationError, match="future"):
        services.achievement_update(achievement=news, actor=world.secretary, data={"date": tomorrow})
    assert Achievement.objects.get(pk=news.pk).date != tomorrow
    loaded = news.version
    services.achievement_update(achievement=news, actor=world.secretary, data={"by": "ISED"}, expected_version=loaded)
    stale = Achievement.objects.get(pk=news.pk)
    with pytest.raises(EditConflict) as caught:
        services.achievement_update(achievement=stale, actor=world.secretary, data={"by": "PCO"}, expected_version=loaded)
    assert caught.value.extra["changes"][-1]["changes"]["by"][1] == "ISED"
    assert Achievement.objects.get(pk=news.pk).by == "ISED"


def test_achievement_edit_page(client, world):
    news = world.extra["news"]
    url = f"/en/portfolio/achievements/{news.pk}/edit/"
    client.force_login(world.member)
    assert client.get(url).status_code == 403
    client.force_login(world.secretary)
    form = client.get(url)
    assert form.status_code == 200 and news.text_en in form.content.decode()
    base = {"date": news.date.isoformat(), "text_en": news.text_en, "text_fr": news.text_fr,
            "by": news.by, "evidence_url": "", "is_key": "on", "version": news.version}
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    bad = client.post(url, {**base, "date": future})
    assert bad.status_code == 200 and "cannot be dated in the future" in bad.content.decode()
    assert client.post(url, {**base, "by": "ISED"}).status_code == 302
    conflict = client.post(url, {**base, "by": "PCO"})
    assert conflict.status_code == 409 and "Someone else changed this record" in conflict.content.decode()
    assert Achievement.objects.get(pk=news.pk).by == "ISED"


# Meetings and decisions --------------------------------------------------------------------------


def test_meetings_and_decisions_are_edited_with_the_same_concurrency(client, world):
    table = world.table
    meeting = services.meeting_create(table=table, actor=world.secretary, data={
        "date": datetime.date(2018, 3, 22), "title_en": "March meeting", "title_fr": "Réunion de mars"})
    decision = services.decision_create(table=table, actor=world.secretary, data={
        "kind": "decision", "meeting": meeting, "text_en": "Reviewed", "text_fr": "Examiné"})
    assert decision.date == meeting.date
    with pytest.raises(ApplicationError, match="change meetings"):
        services.meeting_update(meeting=meeting, actor=world.member, data={"title_en": "X"})
    client.force_login(world.secretary)
    url = f"/en/portfolio/meetings/{meeting.pk}/edit/"
    assert client.get(url).status_code == 200
    base = {"date": meeting.date.isoformat(), "title_en": meeting.title_en, "title_fr": meeting.title_fr,
            "summary_en": "", "summary_fr": "", "version": meeting.version}
    assert client.post(url, {**base, "summary_en": "First"}).status_code == 302
    assert client.post(url, {**base, "summary_en": "Second"}).status_code == 409
    assert Meeting.objects.get(pk=meeting.pk).summary_en == "First"
    durl = f"/en/portfolio/decisions/{decision.pk}/edit/"
    dbase = {"kind": decision.kind, "meeting": meeting.pk, "date": decision.date.isoformat(),
             "text_en": "Updated decision", "text_fr": decision.text_fr, "due_date": "", "version": decision.version}
    assert client.post(durl, dbase).status_code == 302
    assert Decision.objects.get(pk=decision.pk).text_en == "Updated decision"
    client.force_login(world.member)
    assert client.get(durl).status_code == 403
    client.force_login(world.outsider)  # the table is public: so are its decisions, but not for editing
    assert client.get(durl).status_code == 403
