"""The one visibility rule, level by level and viewer by viewer: selector, pages and exports."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from carrefour.core.services import model_soft_delete
from carrefour.core.visibility import can_edit, can_view, has_team_role, visibility_q, visible_to
from carrefour.directory.models import Role, Team
from tests.directory.factories import (
    JurisdictionFactory,
    MembershipFactory,
    TeamFactory,
    UserFactory,
    public_servant,
)

LEVELS = ("public", "government", "members", "private")
VIEWERS = ("anonymous", "citizen", "servant", "member", "owner", "superuser")

# Who sees a record at each level (the rule documented in carrefour.core.visibility).
EXPECTED = {
    "public": {"anonymous", "citizen", "servant", "member", "owner", "superuser"},
    "government": {"servant", "member", "owner", "superuser"},
    "members": {"member", "owner", "superuser"},
    "private": {"owner", "superuser"},
}


@pytest.fixture
def world(db):
    """A group whose member is a citizen, and one record per level owned by another citizen."""
    province = JurisdictionFactory(code="on", email_domains=["ontario.ca"])
    people = {
        "anonymous": AnonymousUser(),
        "citizen": UserFactory(email="citizen@example.org"),
        "servant": public_servant(province),
        "member": UserFactory(email="member@example.org"),
        "owner": UserFactory(email="owner@example.org"),
        "superuser": UserFactory(email="root@example.org", is_superuser=True, is_staff=True),
    }
    group = TeamFactory(slug="group", visibility="public")
    MembershipFactory(user=people["member"], team=group, role=Role.MEMBER)
    records = {
        level: TeamFactory(slug=f"rec-{level}", visibility=level, owner=people["owner"], team=group)
        for level in LEVELS
    }
    return people, group, records


def test_fixture_people_are_what_they_claim(world):
    people, _, _ = world
    assert people["servant"].is_public_servant
    for name in ("citizen", "member", "owner"):
        assert not people[name].is_public_servant


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("level", LEVELS)
def test_visible_to_and_can_view_agree_with_the_rule(world, level, viewer):
    people, _, records = world
    user, record = people[viewer], records[level]
    expected = viewer in EXPECTED[level]
    visible = visible_to(Team.objects.filter(slug__startswith="rec-"), user)
    assert (record in visible) is expected
    assert can_view(user, record) is expected


@pytest.mark.parametrize("viewer", VIEWERS)
def test_team_list_page_and_its_exports_show_exactly_the_visible_records(world, viewer):
    people, _, _ = world
    client = Client()
    if viewer != "anonymous":
        client.force_login(people[viewer])
    expected = {f"rec-{level}" for level in LEVELS if viewer in EXPECTED[level]}

    page = client.get("/en/directory/teams/")
    assert page.status_code == 200
    html = page.content.decode()
    for level in LEVELS:
        assert (f"/en/directory/teams/rec-{level}/" in html) is (f"rec-{level}" in expected)

    response = client.get("/en/directory/teams/?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert {r["Short name"] for r in rows if r["Short name"].startswith("rec-")} == expected

    response = client.get("/en/directory/teams/?format=json")
    data = json.loads(b"".join(response.streaming_content))
    assert {r["slug"] for r in data["results"] if r["slug"].startswith("rec-")} == expected


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("level", LEVELS)
def test_team_detail_page_is_404_when_not_visible(world, level, viewer):
    people, _, _ = world
    client = Client()
    if viewer != "anonymous":
        client.force_login(people[viewer])
    response = client.get(f"/en/directory/teams/rec-{level}/")
    assert response.status_code == (200 if viewer in EXPECTED[level] else 404)


def test_soft_deleted_records_are_visible_to_nobody(world):
    people, _, records = world
    for record in records.values():
        model_soft_delete(instance=record, actor=people["owner"], reason="test")
    for viewer, user in people.items():
        assert not visible_to(Team.objects.filter(slug__startswith="rec-"), user).exists(), viewer
        for record in records.values():
            assert not can_view(user, record)
            assert not can_edit(user, record)
    client = Client()
    client.force_login(people["superuser"])
    assert client.get("/en/directory/teams/rec-public/").status_code == 404
    csv_text = b"".join(client.get("/en/directory/teams/?format=csv").streaming_content).decode("utf-8-sig")
    assert "rec-public" not in csv_text


def test_a_members_only_team_is_seen_and_edited_by_its_own_members(db):
    """A team's own record belongs to the team: no separate group is needed."""
    member, editor, outsider = UserFactory(), UserFactory(), UserFactory()
    team = TeamFactory(slug="closed", visibility="members")
    assert team.team_id == team.pk
    MembershipFactory(user=member, team=team, role=Role.MEMBER)
    MembershipFactory(user=editor, team=team, role=Role.EDITOR)
    assert can_view(member, team) and can_view(editor, team)
    assert not can_view(outsider, team)
    assert not can_edit(member, team)
    assert can_edit(editor, team)
    client = Client()
    client.force_login(member)
    assert client.get("/en/directory/teams/closed/").status_code == 200


def test_membership_of_a_deleted_team_grants_nothing(world):
    people, group, records = world
    model_soft_delete(instance=group, actor=people["superuser"])
    assert not can_view(people["member"], records["members"])
    assert not has_team_role(people["member"], group.pk, (Role.MEMBER,))


def test_can_edit_follows_roles(world):
    people, group, records = world
    record = records["members"]
    assert can_edit(people["owner"], record)
    assert can_edit(people["superuser"], record)
    assert not can_edit(people["member"], record)  # a plain member reads only
    assert not can_edit(people["servant"], record)
    assert not can_edit(AnonymousUser(), record)
    for role, allowed in [
        (Role.CONTRIBUTOR, True),
        (Role.EDITOR, True),
        (Role.SECRETARIAT, True),
        (Role.ADMINISTRATOR, True),
        (Role.MODERATOR, False),
        (Role.SIGNATORY, False),
    ]:
        user = UserFactory()
        MembershipFactory(user=user, team=group, role=role)
        assert can_edit(user, record) is allowed, role


def test_inactive_users_see_only_public_records(world):
    people, _, records = world
    owner = people["owner"]
    owner.is_active = False
    owner.save()
    assert set(visible_to(Team.objects.filter(slug__startswith="rec-"), owner)) == {records["public"]}


def test_an_unverified_government_email_does_not_count(world):
    people, _, records = world
    pending = UserFactory(email="pending@ontario.ca", verified=False)
    assert not pending.is_public_servant
    assert not can_view(pending, records["government"])


def test_visibility_q_reaches_records_through_a_relation(world):
    """`prefix` filters a model by the visibility of a related content record."""
    from carrefour.directory.models import Membership

    people, _, records = world
    for record in records.values():
        MembershipFactory(user=people["citizen"], team=record, role=Role.MEMBER)
    # Membership rows are filtered by the visibility of their team (the records belong to `group`).
    rows = Membership.objects.filter(team__slug__startswith="rec-", user=people["citizen"])
    seen_by_servant = set(
        rows.filter(visibility_q(people["servant"], prefix="team__")).values_list("team__slug", flat=True)
    )
    assert seen_by_servant == {"rec-public", "rec-government"}
    anonymous = set(rows.filter(visibility_q(AnonymousUser(), prefix="team__")).values_list("team__slug", flat=True))
    assert anonymous == {"rec-public"}


def test_new_records_of_every_kind_start_visible_to_their_team_only():
    """No content model defaults to public: a record is shared when its writers choose to."""
    from django.apps import apps

    from carrefour.core.models import ContentModel, Visibility

    kinds = [m for m in apps.get_models() if issubclass(m, ContentModel) and not m._meta.abstract]
    assert len(kinds) >= 10
    defaults = {m._meta.label: m._meta.get_field("visibility").default for m in kinds}
    assert {label for label, d in defaults.items() if d not in (Visibility.MEMBERS, Visibility.PRIVATE)} == set()
    # The field's default also drives what a new record's form preselects.
    for model in kinds:
        assert model().visibility in (Visibility.MEMBERS, Visibility.PRIVATE), model._meta.label


def test_a_consultation_created_without_a_choice_is_seen_by_its_team_only(db):
    import datetime

    from django.utils import timezone

    from carrefour.consultations.services import consultation_create
    from carrefour.directory.services import membership_add

    team, member, admin = TeamFactory(), UserFactory(), UserFactory(is_superuser=True)
    membership_add(team=team, user=member, role=Role.MEMBER, actor=admin)
    now = timezone.now()
    consultation = consultation_create(
        actor=admin, team=team, slug="draft-review", title_en="Draft review", title_fr="Examen du projet",
        opens_at=now, closes_at=now + datetime.timedelta(days=7),
        paragraphs=[{"label_en": "1", "label_fr": "1", "text_en": "A text.", "text_fr": "Un texte."}],
    )
    assert not can_view(AnonymousUser(), consultation)
    assert not can_view(UserFactory(), consultation)
    assert can_view(member, consultation)
