"""Every write to a content record is audited; stale edits conflict; history is for editors."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from carrefour.core.exceptions import ApplicationError, EditConflict
from carrefour.core.models import AuditEntry
from carrefour.core.selectors import audit_history
from carrefour.core.services import model_create, model_restore, model_soft_delete, model_update
from carrefour.core.templatetags.carrefour import history_url
from carrefour.directory.models import Role, Team
from tests.directory.factories import MembershipFactory, UserFactory, public_servant


@pytest.fixture
def owner(db):
    return UserFactory(email="owner@example.org", display_name="Olivia Owner")


@pytest.fixture
def team(owner):
    return model_create(
        model=Team,
        actor=owner,
        data={"slug": "audited", "name_en": "Audited team", "name_fr": "Équipe auditée", "visibility": "members"},
    )


def _entries(obj):
    return list(audit_history(instance=obj).order_by("at", "id"))


def test_create_records_who_when_and_initial_values(team, owner):
    (entry,) = _entries(team)
    assert entry.action == AuditEntry.Action.CREATE
    assert entry.actor == owner
    assert entry.at is not None
    assert entry.changes["name_en"] == [None, "Audited team"]
    assert entry.changes["visibility"] == [None, "members"]
    assert entry.changes["owner"] == [None, owner.pk]  # the actor becomes the owner
    assert team.owner == owner and team.version == 1


def test_create_validates_and_saves_nothing_on_error(owner, team):
    with pytest.raises(ApplicationError) as excinfo:
        model_create(model=Team, actor=owner, data={"slug": "audited", "name_en": "Duplicate", "name_fr": "Doublon"})
    assert excinfo.value.field == "slug"
    assert Team.objects.filter(slug="audited").count() == 1


def test_update_records_old_and_new_values_and_bumps_version(team, owner):
    editor = UserFactory()
    MembershipFactory(user=editor, team=team, role=Role.EDITOR)
    team, changed = model_update(
        instance=team, actor=editor, data={"name_en": "Renamed", "name_fr": "Équipe auditée"}, expected_version=1
    )
    assert changed and team.version == 2
    entry = _entries(team)[-1]
    assert entry.action == AuditEntry.Action.UPDATE
    assert entry.actor == editor
    assert entry.changes == {"name_en": ["Audited team", "Renamed"]}  # unchanged fields are not listed
    team.refresh_from_db()
    assert team.name_en == "Renamed" and team.version == 2


def test_update_without_changes_writes_nothing(team, owner):
    _, changed = model_update(instance=team, actor=owner, data={"name_en": "Audited team"})
    assert not changed
    assert len(_entries(team)) == 1
    team.refresh_from_db()
    assert team.version == 1


def test_stale_expected_version_raises_edit_conflict_listing_changes(team, owner):
    other = UserFactory(display_name="Someone Else")
    MembershipFactory(user=other, team=team, role=Role.EDITOR)
    mine = Team.objects.get(pk=team.pk)  # the editor loads version 1
    model_update(instance=Team.objects.get(pk=team.pk), actor=other, data={"name_en": "Their name"}, expected_version=1)

    with pytest.raises(EditConflict, match="your version 1, now version 2") as excinfo:
        model_update(instance=mine, actor=owner, data={"name_en": "My name", "description_en": "Mine"}, expected_version=1)
    (change,) = excinfo.value.extra["changes"]
    assert change["actor"] == "Someone Else"
    assert change["changes"] == {"name_en": ["Audited team", "Their name"]}
    team.refresh_from_db()
    assert team.name_en == "Their name" and team.description_en == "" and team.version == 2
    assert len(_entries(team)) == 2  # the refused edit left no trace


def test_edit_conflict_lists_only_changes_after_the_loaded_version(team, owner):
    model_update(instance=team, actor=owner, data={"name_en": "Two"}, expected_version=1)
    model_update(instance=team, actor=owner, data={"name_en": "Three"}, expected_version=2)
    model_update(instance=team, actor=owner, data={"name_en": "Four"}, expected_version=3)
    stale = Team.objects.get(pk=team.pk)
    with pytest.raises(EditConflict) as excinfo:
        model_update(instance=stale, actor=owner, data={"name_en": "Mine"}, expected_version=2)
    assert [c["changes"]["name_en"][1] for c in excinfo.value.extra["changes"]] == ["Three", "Four"]


def test_soft_delete_and_restore_are_audited_and_keep_the_row(team, owner):
    model_soft_delete(instance=team, actor=owner, reason="Duplicate of another team")
    team.refresh_from_db()
    assert team.deleted_at is not None and team.version == 2
    assert Team.objects.filter(pk=team.pk).exists()  # never really deleted
    assert not Team.objects.alive().filter(pk=team.pk).exists()
    with pytest.raises(ApplicationError, match="already deleted"):
        model_soft_delete(instance=team, actor=owner)

    model_restore(instance=team, actor=owner, reason="Deleted by mistake")
    team.refresh_from_db()
    assert team.deleted_at is None
    with pytest.raises(ApplicationError, match="not deleted"):
        model_restore(instance=team, actor=owner)
    actions = [(e.action, e.actor, e.note) for e in _entries(team)]
    assert actions[1:] == [
        (AuditEntry.Action.DELETE, owner, "Duplicate of another team"),
        (AuditEntry.Action.RESTORE, owner, "Deleted by mistake"),
    ]


def test_an_edit_loaded_before_a_deletion_conflicts(team, owner):
    stale = Team.objects.get(pk=team.pk)
    model_soft_delete(instance=team, actor=owner)
    model_restore(instance=team, actor=owner)
    with pytest.raises(EditConflict) as excinfo:
        model_update(instance=stale, actor=owner, data={"name_en": "Late"}, expected_version=1)
    assert [c["action"] for c in excinfo.value.extra["changes"]] == ["delete"]


def test_edit_conflict_after_a_deletion_still_lists_the_right_updates(team, owner):
    model_soft_delete(instance=team, actor=owner)  # version 2
    model_restore(instance=team, actor=owner)
    team.refresh_from_db()
    model_update(instance=team, actor=owner, data={"name_en": "After restore"}, expected_version=2)  # 3
    stale = Team.objects.get(pk=team.pk)
    stale.version = 2
    with pytest.raises(EditConflict) as excinfo:
        model_update(instance=stale, actor=owner, data={"name_en": "Mine"}, expected_version=2)
    (change,) = excinfo.value.extra["changes"]
    assert change["changes"] == {"name_en": ["Audited team", "After restore"]}


def test_m2m_changes_are_audited(db):
    """Many-to-many values are recorded as sorted ids (Group ↔ permissions as a stand-in)."""
    from django.contrib.auth.models import Group, Permission

    actor = UserFactory()
    perms = list(Permission.objects.order_by("pk")[:3])
    group = model_create(model=Group, actor=actor, data={"name": "g"}, m2m={"permissions": perms[:2]})
    assert _entries(group)[0].changes["permissions"] == [[], [perms[0].pk, perms[1].pk]]
    model_update(instance=group, actor=actor, data={}, m2m={"permissions": perms[1:]})
    assert _entries(group)[-1].changes == {"permissions": [[perms[0].pk, perms[1].pk], [perms[1].pk, perms[2].pk]]}
    assert set(group.permissions.all()) == set(perms[1:])


@pytest.mark.parametrize(
    ("who", "status"),
    # The team is for members: to anyone else it does not exist (404, as for an absent record);
    # a member sees it but may not change it (403).
    [("anonymous", 404), ("citizen", 404), ("servant", 404), ("member", 403), ("editor", 200), ("owner", 200), ("superuser", 200)],
)
def test_history_page_is_shown_to_editors_only(team, owner, who, status):
    people = {
        "citizen": UserFactory(),
        "servant": public_servant(),
        "member": UserFactory(),
        "editor": UserFactory(),
        "owner": owner,
        "superuser": UserFactory(is_superuser=True, is_staff=True),
    }
    MembershipFactory(user=people["member"], team=team, role=Role.MEMBER)
    MembershipFactory(user=people["editor"], team=team, role=Role.EDITOR)
    model_update(instance=team, actor=owner, data={"name_en": "Renamed <b>team</b>"})
    client = Client()
    if who != "anonymous":
        client.force_login(people[who])
    response = client.get(history_url(team))
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert "Olivia Owner" in html
        assert "Audited team" in html and "Renamed &lt;b&gt;team&lt;/b&gt;" in html  # old → new, escaped
        assert "name (English)" in html  # the field's label, not its name


def test_history_page_in_french_translates_labels(team, owner):
    client = Client()
    client.force_login(owner)
    html = client.get(history_url(team).replace("/en/", "/fr/")).content.decode()
    assert "Historique" in html and "nom (anglais)" in html and "Création" in html


def test_history_page_for_unknown_records_is_404(team, owner):
    client = Client()
    client.force_login(owner)
    ct = ContentType.objects.get_for_model(Team)
    assert client.get(f"/en/history/{ct.pk}/999999/").status_code == 404
    assert client.get("/en/history/999999/1/").status_code == 404


def test_history_does_not_reveal_which_hidden_records_exist(team):
    """A stranger gets the same 404 for a members-only team as for one that does not exist."""
    ct = ContentType.objects.get_for_model(Team)
    client = Client()
    client.force_login(UserFactory())
    existing = client.get(f"/en/history/{ct.pk}/{team.pk}/")
    absent = client.get(f"/en/history/{ct.pk}/{team.pk + 1000}/")
    assert existing.status_code == absent.status_code == 404


@pytest.mark.parametrize("who", ["owner", "superuser"])
def test_history_of_malformed_or_unaudited_addresses_is_404(team, owner, who):
    """No 500 for a key that is not a number, nor for a kind of record that has no history page."""
    from django.contrib.auth.models import Group

    client = Client()
    client.force_login(owner if who == "owner" else UserFactory(is_superuser=True, is_staff=True))
    team_ct = ContentType.objects.get_for_model(Team)
    assert client.get(f"/en/history/{team_ct.pk}/abc/").status_code == 404
    assert client.get(f"/en/history/{team_ct.pk}/1.5/").status_code == 404
    group = model_create(model=Group, actor=owner, data={"name": "g"})  # audited, but not content
    group_ct = ContentType.objects.get_for_model(Group)
    status = client.get(f"/en/history/{group_ct.pk}/{group.pk}/").status_code
    assert status == (200 if who == "superuser" else 404)
    assert client.get(f"/en/history/{group_ct.pk}/abc/").status_code == 404


def test_team_page_links_to_history_for_editors_only(team, owner):
    client = Client()
    client.force_login(owner)
    assert history_url(team) in client.get("/en/directory/teams/audited/").content.decode()
    member = UserFactory()
    MembershipFactory(user=member, team=team, role=Role.MEMBER)
    client.force_login(member)
    assert history_url(team) not in client.get("/en/directory/teams/audited/").content.decode()
