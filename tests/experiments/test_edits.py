"""Edits through the pages are saved: the database holds what the page says it saved."""

from __future__ import annotations

import json

import pytest

from carrefour.core.exceptions import ApplicationError
from carrefour.directory.models import Role
from carrefour.experiments import services
from carrefour.experiments.models import Experiment
from tests.directory.factories import MembershipFactory, TeamFactory
from tests.experiments.factories import make_experiment, plan_data
from tests.portfolio.factories import make_initiative


def _plan_post(experiment: Experiment, **overrides) -> dict:
    """The draft plan form as the edit page would send it back, with some fields changed."""
    form = {
        "title_en": experiment.title_en, "title_fr": experiment.title_fr,
        "intervention_type": experiment.intervention_type, "outcome_domain": experiment.outcome_domain,
        "jurisdiction": experiment.jurisdiction_id, "team": experiment.team_id or "",
        "visibility": experiment.visibility,
        "unit_id_column": experiment.unit_id_column, "treatment_column": experiment.treatment_column,
        "adjust": experiment.adjust, "alpha": str(experiment.alpha),
        "covariates": ", ".join(experiment.covariates), "strata": ", ".join(experiment.strata),
        "version": experiment.version,
        "arms-TOTAL_FORMS": str(len(experiment.arms)), "arms-INITIAL_FORMS": str(len(experiment.arms)),
        "outcomes-TOTAL_FORMS": str(len(experiment.outcomes)),
        "outcomes-INITIAL_FORMS": str(len(experiment.outcomes)),
        "save": "1",
    }
    for i, arm in enumerate(experiment.arms):
        form.update({f"arms-{i}-label": arm["label"], f"arms-{i}-name_en": arm["name_en"],
                     f"arms-{i}-name_fr": arm["name_fr"], f"arms-{i}-allocation": str(arm["allocation"])})
    for i, outcome in enumerate(experiment.outcomes):
        form.update({f"outcomes-{i}-column": outcome["column"], f"outcomes-{i}-kind": outcome["kind"],
                     f"outcomes-{i}-label_en": outcome["label_en"], f"outcomes-{i}-label_fr": outcome["label_fr"]})
        if outcome.get("primary"):
            form[f"outcomes-{i}-primary"] = "on"
    form.update(overrides)
    return form


def test_settings_of_a_registered_experiment_are_saved(owner, team, client):
    experiment = make_experiment(owner, team=team, register=True, visibility="public")
    client.force_login(owner)
    response = client.post(f"/en/experiments/{experiment.pk}/edit/", {"visibility": "private", "initiative": ""})
    assert response.status_code == 302
    assert Experiment.objects.get(pk=experiment.pk).visibility == "private"


def test_an_owner_withdraws_an_experiment_and_the_public_no_longer_sees_it(owner, team, client):
    experiment = make_experiment(owner, team=team, register=True, visibility="public", title_en="Withdrawn trial")
    client.force_login(owner)
    client.post(f"/en/experiments/{experiment.pk}/edit/", {"visibility": "private", "initiative": ""})
    client.logout()
    assert client.get(experiment.get_absolute_url()).status_code == 404
    assert "Withdrawn trial" not in client.get("/en/experiments/").content.decode()


def test_title_and_visibility_of_a_draft_plan_are_saved(owner, team, client):
    experiment = make_experiment(owner, team=team, visibility="public")
    client.force_login(owner)
    response = client.post(
        f"/en/experiments/{experiment.pk}/edit/",
        _plan_post(experiment, title_en="A better title", visibility="members"),
    )
    assert response.status_code == 302
    saved = Experiment.objects.get(pk=experiment.pk)
    assert (saved.title_en, saved.visibility) == ("A better title", "members")
    assert saved.version == experiment.version + 1


# --- a new plan is seen by its team only ------------------------------------------------


def _new_draft(owner, *, team) -> Experiment:
    """A draft created as the plan form would, before anyone chose who sees it."""
    data = plan_data(team=team, title_en="Untold draft", ethics_en="Sensitive ethics notes",
                     population_en="Recipients in crisis")
    del data["visibility"]
    return services.experiment_create(actor=owner, data=data)


def test_a_new_plan_is_seen_by_its_team_or_by_its_owner_alone(owner, team):
    assert _new_draft(owner, team=team).visibility == "members"
    assert _new_draft(owner, team=None).visibility == "private"
    assert Experiment._meta.get_field("visibility").default == "private"


def test_the_new_plan_form_starts_visible_to_the_team(owner, client):
    client.force_login(owner)
    form = client.get("/en/experiments/new/").context["form"]
    assert form["visibility"].value() == "members"


def test_anonymous_readers_see_nothing_of_a_new_draft(owner, team, client):
    draft = _new_draft(owner, team=team)
    for url in ("/en/experiments/", "/api/experiments/", "/sitemap-experiments.xml"):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert "Untold draft" not in body and f"/experiments/{draft.pk}/" not in body, url
    export = b"".join(client.get("/en/experiments/?format=csv").streaming_content).decode()
    assert "Untold draft" not in export
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(f"/api/experiments/{draft.pk}/").status_code == 404
    client.force_login(owner)
    assert "Sensitive ethics notes" in client.get(draft.get_absolute_url()).content.decode()


# --- what a public experiment shows of its initiative ----------------------------------


@pytest.fixture
def linked(owner, team):
    """A public, registered experiment linked to its owner's private initiative."""
    hidden = make_initiative(actor=owner, jurisdiction=owner.jurisdiction,
                             title_en="Confidential pilot", title_fr="Projet pilote confidentiel", visibility="private")
    experiment = make_experiment(owner, team=team, register=True, visibility="public", initiative=hidden)
    return experiment, hidden


def _export(client, fmt: str) -> str:
    return b"".join(client.get(f"/en/experiments/?format={fmt}").streaming_content).decode()


def test_a_public_experiment_hides_a_private_initiative_from_other_readers(linked, client, outsider):
    experiment, hidden = linked
    for reader in (None, outsider):
        if reader is not None:
            client.force_login(reader)
        page = client.get(experiment.get_absolute_url())
        assert page.status_code == 200
        assert "Confidential pilot" not in page.content.decode()
        assert "Confidential pilot" not in _export(client, "csv")
        rows = json.loads(_export(client, "json"))["results"]
        assert [(r["id"], r["initiative_en"]) for r in rows] == [(experiment.pk, None)]
        listed = client.get("/api/experiments/").json()["items"]
        assert [(e["id"], e["initiative"]) for e in listed] == [(experiment.pk, None)]
        assert client.get(f"/api/experiments/{experiment.pk}/").json()["initiative"] is None


def test_the_initiative_is_shown_to_those_who_may_see_it(linked, client, owner):
    experiment, hidden = linked
    client.force_login(owner)
    assert "Confidential pilot" in client.get(experiment.get_absolute_url()).content.decode()
    rows = json.loads(_export(client, "json"))["results"]
    assert [r["initiative_fr"] for r in rows] == ["Projet pilote confidentiel"]
    assert client.get(f"/api/experiments/{experiment.pk}/").json()["initiative"]["id"] == hidden.pk


def test_the_plan_form_offers_only_initiatives_the_person_may_see(linked, client, outsider, owner):
    _experiment, hidden = linked
    public = make_initiative(actor=owner, jurisdiction=hidden.jurisdiction, title_en="Open pilot")
    client.force_login(outsider)
    choices = {pk.value for pk, _label in client.get("/en/experiments/new/").context["form"].fields["initiative"].choices if pk}
    assert public.pk in choices and hidden.pk not in choices


def test_linking_an_initiative_one_may_not_see_is_refused(linked, outsider):
    _experiment, hidden = linked
    data = plan_data(initiative=hidden)
    with pytest.raises(ApplicationError, match="initiative"):
        services.experiment_create(actor=outsider, data=data)


def test_a_public_experiment_hides_its_private_team_from_other_readers(owner, client):
    hidden_team = TeamFactory(name_en="Secret unit", visibility="private", owner=owner)
    MembershipFactory(user=owner, team=hidden_team, role=Role.CONTRIBUTOR)
    experiment = make_experiment(owner, team=hidden_team, visibility="public")
    page = client.get(experiment.get_absolute_url())
    assert page.status_code == 200
    assert "Secret unit" not in page.content.decode()
    client.force_login(owner)
    assert "Secret unit" in client.get(experiment.get_absolute_url()).content.decode()
