"""Refusals to add an initiative give the real reason, at the field it concerns or above the form."""

from __future__ import annotations

import pytest
from django.utils import translation

from carrefour.core.exceptions import ApplicationError
from carrefour.directory.models import Role
from carrefour.directory.services import membership_add
from carrefour.portfolio import services
from carrefour.portfolio.models import Initiative
from tests.directory.factories import JurisdictionFactory
from tests.portfolio.factories import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = make_world()
    world.extra["bc"] = JurisdictionFactory(code="bc", name_en="British Columbia", name_fr="Colombie-Britannique")
    return world


def _refusal(world, actor, lang: str, **data) -> ApplicationError:
    with translation.override(lang), pytest.raises(ApplicationError) as caught:
        services.initiative_create(actor=actor, data={"title_en": "Pilot", "title_fr": "Projet pilote", **data})
    assert not Initiative.objects.filter(title_en="Pilot").exists()
    return caught.value


@pytest.mark.parametrize(("lang", "reason"), [
    ("en", "You are a member of the table “{table}” but not one of its editors"),
    ("fr", "Vous êtes membre de la table «\u00a0{table}\u00a0», mais sans droit de rédaction"),
])
def test_a_plain_member_is_told_they_are_not_an_editor_above_the_form(world, lang, reason):
    error = _refusal(world, world.member, lang, jurisdiction=world.ontario, table=world.table)
    with translation.override(lang):
        assert str(error).startswith(reason.format(table=world.table.name))
    assert error.field is None


@pytest.mark.parametrize(("lang", "reason"), [
    ("en", "In the table “{table}” you add initiatives only for Ontario"),
    ("fr", "Dans la table «\u00a0{table}\u00a0», vous n'ajoutez des initiatives que pour Ontario"),
])
def test_a_contributor_is_told_which_jurisdiction_they_act_for_at_the_jurisdiction(world, lang, reason):
    membership_add(team=world.table.team, user=world.member, role=Role.CONTRIBUTOR, actor=world.admin)
    error = _refusal(world, world.member, lang, jurisdiction=world.extra["bc"], table=world.table)
    with translation.override(lang):
        assert str(error).startswith(reason.format(table=world.table.name))
    assert error.field == "jurisdiction"


@pytest.mark.parametrize(("lang", "reason"), [
    ("en", "Outside a table, you can add initiatives only for your own jurisdiction (Ontario)"),
    ("fr", "Hors d'une table, vous ne pouvez ajouter des initiatives que pour votre propre administration (Ontario)"),
])
def test_outside_a_table_a_public_servant_is_told_to_choose_their_own_jurisdiction(world, lang, reason):
    error = _refusal(world, world.outsider, lang, jurisdiction=world.federal)
    assert str(error).startswith(reason)
    assert error.field == "jurisdiction"


def test_someone_outside_the_team_is_told_so_at_the_table(world):
    error = _refusal(world, world.outsider, "en", jurisdiction=world.ontario, table=world.table)
    assert str(error).startswith(f"You are not a member of the table “{world.table.name}”")
    assert error.field == "table"


@pytest.mark.parametrize(("lang", "reason"), [
    ("en", "but not one of its editors"),
    ("fr", "mais sans droit de rédaction"),
])
def test_the_new_initiative_page_says_why_a_member_cannot_add_to_their_table(client, world, lang, reason):
    client.force_login(world.member)
    response = client.get(f"/{lang}/portfolio/initiatives/new/?table={world.table.slug}")
    assert response.status_code == 200
    html = response.content.decode()
    summary = html[html.index('<div class="cf-error-summary" role="alert">'):]
    assert reason in summary[:summary.index("</div>")]


@pytest.mark.parametrize(("lang", "reason"), [
    ("en", "you add initiatives only for Ontario"),
    ("fr", "vous n'ajoutez des initiatives que pour Ontario"),
])
def test_the_form_shows_a_contributors_refusal_at_the_jurisdiction_field(client, world, lang, reason):
    membership_add(team=world.table.team, user=world.member, role=Role.CONTRIBUTOR, actor=world.admin)
    client.force_login(world.member)
    url = f"/{lang}/portfolio/initiatives/new/"
    token = client.get(url).context["form"].initial["request_token"]
    response = client.post(url, {
        "title_en": "Pilot", "title_fr": "Projet pilote", "jurisdiction": world.extra["bc"].pk,
        "table": world.table.pk, "stage": "idea", "status": "on_track", "visibility": "public",
        "request_token": token})
    assert response.status_code == 200
    form = response.context["form"]
    assert [e for e in form.errors["jurisdiction"] if reason in e]
    assert not form.non_field_errors()
    assert not Initiative.objects.filter(title_en="Pilot").exists()
