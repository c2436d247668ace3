"""Directory pages and data: jurisdictions, organizations, people, teams, one's own profile."""

from __future__ import annotations

import html as html_module

import pytest
from django.test import Client
from django.utils import translation

from carrefour.core.models import AuditEntry
from carrefour.core.selectors import audit_history
from carrefour.core.services import model_update
from carrefour.core.templatetags.carrefour import history_url
from carrefour.directory import demo
from carrefour.directory.forms import OrganizationFilterForm
from carrefour.directory.models import Jurisdiction, Membership, Organization, Team, User
from carrefour.directory.services import jurisdiction_for_email, membership_add, membership_remove
from tests.directory.factories import (
    JurisdictionFactory,
    MembershipFactory,
    OrganizationFactory,
    TeamFactory,
    UserFactory,
    public_servant,
)


def test_demo_has_the_14_governments_and_two_municipalities(directory_demo):
    kinds = dict(Jurisdiction.objects.values_list("code", "kind"))
    assert [c for c, k in kinds.items() if k == "federal"] == ["ca"]
    assert sorted(c for c, k in kinds.items() if k == "provincial") == sorted(
        ["nl", "pe", "ns", "nb", "qc", "on", "mb", "sk", "ab", "bc"])
    assert sorted(c for c, k in kinds.items() if k == "territorial") == ["nt", "nu", "yt"]
    assert {c for c, k in kinds.items() if k == "municipal"} == {"durham", "peel"}
    for j in Jurisdiction.objects.all():
        assert j.name_en and j.name_fr and j.abbreviation_en and j.abbreviation_fr and j.email_domains, j.code
    assert Jurisdiction.objects.get(code="peel").parent.code == "on"


def test_demo_covers_every_organization_kind_and_the_oecd(directory_demo):
    assert set(Organization.objects.values_list("kind", flat=True)) == set(Organization.Kind.values)
    assert Organization.objects.get(slug="oecd-opsi").kind == "international"


def test_demo_people_and_teams(directory_demo):
    amelie = User.objects.get(email="amelie.tremblay@canada.ca")
    assert amelie.jurisdiction.code == "ca"
    assert User.objects.get(email="marc.leblanc@durham.ca").jurisdiction.code == "durham"  # most specific
    assert not User.objects.get(email="citizen@example.org").is_public_servant
    assert User.objects.get(email="admin@carrefour.example").is_superuser
    assert set(Team.objects.values_list("slug", flat=True)) == {
        "adm-experimentation", "bi-cop", "bi-network", "impact-measurement", "fpt-dm-service"}
    assert Membership.objects.get(user=amelie, team__slug="fpt-dm-service").role == "secretariat"
    assert Membership.objects.get(user=amelie, team__slug="bi-cop").role == "editor"
    for team in Team.objects.all():
        assert team.team_id == team.pk  # each team's record belongs to the team


def test_demo_load_is_idempotent(directory_demo):
    counts = (Jurisdiction.objects.count(), Organization.objects.count(), User.objects.count(),
              Team.objects.count(), Membership.objects.count())
    demo.load()
    assert counts == (Jurisdiction.objects.count(), Organization.objects.count(), User.objects.count(),
                      Team.objects.count(), Membership.objects.count())


@pytest.mark.parametrize(
    ("email", "code"),
    [("a@canada.ca", "ca"), ("a@tbs-sct.gc.ca", "ca"), ("a@ONTARIO.CA", "on"), ("a@durham.ca", "durham"),
     ("a@gov.bc.ca", "bc"), ("a@example.org", None), ("a@notcanada.ca", None), ("a@", None)],
)
def test_email_domains_map_to_jurisdictions(directory_demo, email, code):
    found = jurisdiction_for_email(email)
    assert (found.code if found else None) == code


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_jurisdiction_pages(directory_demo, lang):
    client = Client()
    html = client.get(f"/{lang}/directory/jurisdictions/").content.decode()
    assert ("Terre-Neuve-et-Labrador" in html) is (lang == "fr")
    assert ("Newfoundland and Labrador" in html) is (lang == "en")
    provincial = client.get(f"/{lang}/directory/jurisdictions/?kind=territorial")
    assert [j.code for j in provincial.context["object_list"]] == ["yt", "nt", "nu"]
    detail = html_module.unescape(client.get(f"/{lang}/directory/jurisdictions/on/").content.decode())
    assert {"en": "Ontario Digital Service", "fr": "Service numérique de l'Ontario"}[lang] in detail
    assert "/directory/jurisdictions/durham/" in detail  # municipalities within
    assert client.get(f"/{lang}/directory/jurisdictions/xx/").status_code == 404


def test_organization_pages(directory_demo):
    client = Client()
    response = client.get("/fr/directory/organizations/?kind=academic&jurisdiction=on")
    names = [o.slug for o in response.context["object_list"]]
    assert "sheridan" in names and "uvic" not in names
    assert "organisations" in response.content.decode()  # "N organisations", French plural
    detail = html_module.unescape(client.get("/fr/directory/organizations/pco-iiu/").content.decode())
    assert "Unité de l'impact et de l'innovation" in detail and "Amélie Tremblay" in detail
    assert client.get("/en/directory/organizations/?kind=nonsense").status_code == 200  # bad filter ignored
    assert client.get("/en/directory/organizations/missing/").status_code == 404


def test_people_directory_respects_profile_choices(db):
    province = JurisdictionFactory()
    shown = UserFactory(display_name="Shown Person", profile_public=True)
    hidden = UserFactory(display_name="Hidden Citizen", profile_public=False)
    colleague = public_servant(province, display_name="Quiet Colleague", profile_public=False)
    inactive = UserFactory(display_name="Gone Person", profile_public=True, is_active=False)

    anonymous = Client()
    listing = anonymous.get("/en/directory/people/").content.decode()
    assert "Shown Person" in listing
    assert "Hidden Citizen" not in listing and "Quiet Colleague" not in listing and "Gone Person" not in listing
    assert anonymous.get(f"/en/directory/people/{shown.pk}/").status_code == 200
    assert anonymous.get(f"/en/directory/people/{hidden.pk}/").status_code == 404
    assert anonymous.get(f"/en/directory/people/{inactive.pk}/").status_code == 404

    servant = Client()
    servant.force_login(public_servant(province))
    listing = servant.get("/en/directory/people/").content.decode()
    assert "Quiet Colleague" in listing and "Hidden Citizen" not in listing
    assert servant.get(f"/en/directory/people/{colleague.pk}/").status_code == 200
    assert servant.get(f"/en/directory/people/{hidden.pk}/").status_code == 404


def test_person_pages_never_show_email_addresses(db):
    person = UserFactory(email="private.address@example.org", display_name="Public Name", profile_public=True)
    assert "private.address" not in Client().get(f"/en/directory/people/{person.pk}/").content.decode()
    assert "private.address" not in Client().get("/en/directory/people/").content.decode()


def test_profile_page_requires_sign_in_and_saves_with_audit(db):
    org = OrganizationFactory(name_en="Treasury Board", name_fr="Conseil du Trésor")
    user = UserFactory(display_name="Before")
    assert Client().get("/en/directory/me/").status_code == 302
    client = Client()
    client.force_login(user)
    response = client.post(
        "/en/directory/me/",
        {"display_name": "After", "first_name": "", "last_name": "", "job_title": "Analyst",
         "organization": org.pk, "bio": "Hello", "preferred_language": "fr", "profile_public": "on"},
        follow=True,
    )
    assert response.redirect_chain == [("/en/directory/me/", 302)]
    assert "Your profile was saved." in response.content.decode()
    user.refresh_from_db()
    assert (user.display_name, user.job_title, user.organization, user.preferred_language, user.profile_public) == (
        "After", "Analyst", org, "fr", True)
    entry = audit_history(instance=user).first()
    assert entry.action == AuditEntry.Action.UPDATE and entry.actor == user
    assert entry.changes["display_name"] == ["Before", "After"]


def test_profile_form_cannot_set_public_servant_status(db):
    province = JurisdictionFactory()
    user = UserFactory()
    client = Client()
    client.force_login(user)
    client.post("/en/directory/me/", {"display_name": "X", "preferred_language": "en", "jurisdiction": province.pk})
    user.refresh_from_db()
    assert user.jurisdiction is None


def test_profile_errors_are_shown_in_french(db):
    client = Client()
    client.force_login(UserFactory())
    response = client.post("/fr/directory/me/", {"display_name": "X", "preferred_language": "xx"})
    assert response.status_code == 200
    assert "error-message=" in response.content.decode()
    assert "Sélectionnez un choix valide" in response.content.decode()


def test_a_refusal_about_a_field_the_form_lacks_is_shown_above_the_form(db):
    """The profile service validates the whole person: an old, malformed email (not a profile
    field) is refused on the form, not with a ValueError (a 500)."""
    user = UserFactory(email="legacy-address-without-domain", verified=False)
    client = Client()
    client.force_login(user)
    response = client.post("/en/directory/me/", {"display_name": "After", "preferred_language": "en"})
    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    user.refresh_from_db()
    assert user.display_name != "After"


def test_team_pages_answer_404_for_hidden_teams_and_absent_ones(db):
    team = TeamFactory(slug="hidden", visibility="members")
    client = Client()
    client.force_login(UserFactory())
    assert client.get("/en/directory/teams/hidden/").status_code == 404
    assert client.get("/en/directory/teams/absent/").status_code == 404
    MembershipFactory(user=(member := UserFactory()), team=team)
    client.force_login(member)
    assert client.get("/en/directory/teams/hidden/").status_code == 200


def test_memberships_are_audited_on_the_team(db):
    admin, person = UserFactory(), UserFactory()
    team = TeamFactory()
    membership = membership_add(team=team, user=person, role="editor", actor=admin)
    assert membership_add(team=team, user=person, role="editor", actor=admin) == membership  # no duplicate
    membership_remove(membership=membership, actor=admin)
    entries = list(audit_history(instance=team).order_by("at", "id"))
    assert [list(e.changes) for e in entries] == [["membership_added"], ["membership_removed"]]
    assert all(e.actor == admin for e in entries)
    with pytest.raises(Exception, match="Unknown role"):
        membership_add(team=team, user=person, role="king", actor=admin)


def test_team_page_lists_members_with_roles_in_french(directory_demo):
    html = Client().get("/fr/directory/teams/fpt-dm-service/").content.decode()
    assert "Table des sous-ministres FPT" in html
    assert "Secrétariat" in html and "Membre" in html
    assert "Fonctionnaire, Ontario" in html


def test_teams_list_filter_and_counts(directory_demo):
    client = Client()
    response = client.get("/en/directory/teams/?kind=network")
    assert [t.slug for t in response.context["object_list"]] == ["bi-network"]
    assert response.context["object_list"][0].member_count == 4
    # Government teams are hidden from anonymous visitors and shown to public servants.
    anonymous = {t.slug for t in client.get("/en/directory/teams/").context["object_list"]}
    assert "adm-experimentation" not in anonymous
    client.force_login(User.objects.get(email="raj.patel@ontario.ca"))
    servant = {t.slug for t in client.get("/en/directory/teams/").context["object_list"]}
    assert "adm-experimentation" in servant


def test_directory_index_counts_only_visible_teams(directory_demo):
    assert Client().get("/en/directory/").context["team_count"] == 3


@pytest.mark.parametrize(("lang", "label"), [("en", "Carrefour member"), ("fr", "Membre de Carrefour")])
def test_a_person_without_a_name_is_shown_as_a_member_never_by_their_address(db, lang, label):
    nameless = UserFactory(email="lea.walk@example.org", display_name="")
    named = UserFactory(email="raj@example.org", display_name="Raj Patel")
    team = TeamFactory(slug="walkers")
    admin = UserFactory(display_name="Team admin")
    membership_add(team=team, user=nameless, role="editor", actor=admin)
    membership_add(team=team, user=named, role="member", actor=admin)
    team.refresh_from_db()
    model_update(instance=team, actor=nameless, data={"name_en": "Walkers"})
    client = Client()
    page = client.get(f"/{lang}/directory/teams/walkers/").content.decode()
    assert label in page and "Raj Patel" in page
    assert "lea.walk" not in page
    client.force_login(nameless)
    history = html_module.unescape(client.get(history_url(team).replace("/en/", f"/{lang}/")).content.decode())
    assert "lea.walk" not in history
    assert ("By Carrefour member" if lang == "en" else "Par Membre de Carrefour") in history


@pytest.mark.parametrize(("lang", "label"), [("en", "Citizen"), ("fr", "Citoyen ou citoyenne")])
def test_a_citizen_is_named_inclusively_in_both_languages(db, lang, label):
    citizen = UserFactory(display_name="Camille Roy", profile_public=True)
    with translation.override(lang):
        assert citizen.kind_label == label
    page = Client().get(f"/{lang}/directory/people/{citizen.pk}/").content.decode()
    assert f"<dd>{label}</dd>" in page


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_directory_list_sorts_by_the_readers_language_with_accents_in_place(db, lang):
    # English and French names in opposite orders: each language's page follows its own.
    names = {"en": ["Eagle", "Édition", "Fisher"], "fr": ["Eau", "École", "Fédéral"]}
    for i in range(3):
        en, fr = names["en"][i], names["fr"][2 - i]
        JurisdictionFactory(name_en=en, name_fr=fr, sort_order=1)
        OrganizationFactory(name_en=en, name_fr=fr)
        TeamFactory(name_en=en, name_fr=fr)
    for name in ("Zoé Roy", "Émilie Roy", "Eric Roy", "Fatima Roy"):
        UserFactory(display_name=name, profile_public=True)
    client = Client()
    for page in ("jurisdictions", "organizations", "teams"):
        listed = [str(o.name) for o in client.get(f"/{lang}/directory/{page}/").context["object_list"]]
        assert listed == names[lang], page
    people = [str(p) for p in client.get(f"/{lang}/directory/people/").context["object_list"]]
    assert people == ["Émilie Roy", "Eric Roy", "Fatima Roy", "Zoé Roy"]
    with translation.override(lang):
        choices = [label for _code, label in OrganizationFilterForm().fields["jurisdiction"].choices[1:]]
    assert choices == names[lang]
