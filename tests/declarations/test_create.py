"""Starting a declaration from a page: who may, which teams, validation, audit, and the links to it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from carrefour.core.exceptions import ApplicationError
from carrefour.core.models import AuditEntry
from carrefour.declarations import selectors, services
from carrefour.declarations.models import Declaration
from carrefour.directory.models import Role
from tests.directory.factories import MembershipFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

DATA = {
    "title_en": "Declaration on Service", "title_fr": "Déclaration sur le service",
    "short_name_en": "DS", "short_name_fr": "DS",
    "preamble_en": "We serve people.", "preamble_fr": "Nous servons la population.",
    "closing_en": "Signed.", "closing_fr": "Signé.", "visibility": "members",
}


def member(team, role):
    user = UserFactory()
    MembershipFactory(team=team, user=user, role=role)
    return user


def test_secretariat_starts_a_drafting_declaration_audited_with_a_slug_from_the_title():
    team = TeamFactory()
    secretariat = member(team, Role.SECRETARIAT)
    d = services.declaration_create(actor=secretariat, team=team, data=DATA)
    assert (d.status, d.team, d.slug, d.title_fr) == (Declaration.Status.DRAFTING, team, "declaration-on-service",
                                                       "Déclaration sur le service")
    assert AuditEntry.objects.filter(object_id=str(d.pk), action="create", actor=secretariat).exists()
    again = services.declaration_create(actor=secretariat, team=team, data=DATA)
    assert again.slug == "declaration-on-service-2"


@pytest.mark.parametrize("role", [Role.EDITOR, Role.CONTRIBUTOR, Role.MEMBER, Role.SIGNATORY])
def test_other_roles_cannot_start_a_declaration(role):
    team = TeamFactory()
    with pytest.raises(ApplicationError, match="secretariat"):
        services.declaration_create(actor=member(team, role), team=team, data=DATA)
    assert not Declaration.objects.exists()


def test_secretariat_of_one_team_cannot_start_one_for_another_team():
    mine, other = TeamFactory(), TeamFactory()
    secretariat = member(mine, Role.SECRETARIAT)
    with pytest.raises(ApplicationError, match="secretariat"):
        services.declaration_create(actor=secretariat, team=other, data=DATA)
    assert list(selectors.declaration_team_choices(user=secretariat)) == [mine]
    admin = UserFactory(is_superuser=True)
    assert set(selectors.declaration_team_choices(user=admin)) == {mine, other}


def test_titles_and_labels_are_required_in_both_languages_and_new_is_reserved():
    team = TeamFactory()
    admin = member(team, Role.ADMINISTRATOR)
    with pytest.raises(ApplicationError, match="title in English and in French"):
        services.declaration_create(actor=admin, team=team, data={**DATA, "title_fr": "  "})
    with pytest.raises(ApplicationError, match="short label"):
        services.declaration_create(actor=admin, team=team, data={**DATA, "short_name_en": ""})
    with pytest.raises(ApplicationError, match="already has this short name"):
        services.declaration_create(actor=admin, team=team, slug="new", data=DATA)
    d = services.declaration_create(actor=admin, team=team, data={**DATA, "title_en": "New"})
    assert d.slug == "new-2"


def test_can_create_and_the_index_link():
    team = TeamFactory()
    secretariat, editor = member(team, Role.SECRETARIAT), member(team, Role.EDITOR)
    assert services.declaration_can_create(user=secretariat)
    assert not services.declaration_can_create(user=editor)
    assert not services.declaration_can_create(user=None)


def test_create_page_permissions(client):
    team = TeamFactory()
    url = reverse("declarations:create")
    assert client.get(url).status_code == 302  # to sign in
    client.force_login(member(team, Role.EDITOR))
    assert client.get(url).status_code == 403
    assert url not in client.get(reverse("declarations:index")).content.decode()
    client.force_login(member(team, Role.SECRETARIAT))
    assert url in client.get(reverse("declarations:index")).content.decode()
    assert client.get(url).status_code == 200


def test_create_page_in_french_then_add_a_commitment(client):
    team, other = TeamFactory(), TeamFactory()
    secretariat = member(team, Role.SECRETARIAT)
    client.force_login(secretariat)
    url = reverse("declarations:create").replace("/en/", "/fr/")
    page = client.get(url).content.decode()
    assert "Nouvelle déclaration" in page and other.name_en not in page
    # A team the person does not run is refused by the form, and nothing is created.
    refused = client.post(url, {**DATA, "team": other.pk})
    assert refused.status_code == 200 and not Declaration.objects.exists()
    missing = client.post(url, {**DATA, "team": team.pk, "title_fr": ""})
    assert missing.status_code == 200 and "Ce champ est obligatoire" in missing.content.decode()
    response = client.post(url, {**DATA, "team": team.pk})
    d = Declaration.objects.get()
    assert response.status_code == 302 and response["Location"].startswith(d.get_absolute_url().replace("/en/", "/fr/"))
    assert (d.team, d.visibility, d.status, d.owner) == (team, "members", "drafting", secretariat)
    detail = client.get(response["Location"]).content.decode()
    assert "La déclaration a été créée" in detail
    add = reverse("declarations:commitment_add", args=[d.slug]).replace("/en/", "/fr/")
    assert add in detail
    client.post(add, {"number": 1, "text_en": "Serve people first.", "text_fr": "Servir d'abord la population."})
    assert d.commitments.get().number == 1
