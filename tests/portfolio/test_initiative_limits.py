"""Defect 11 (portfolio part): initiative texts have limits, and a form sent twice adds one initiative."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from carrefour.core.exceptions import ApplicationError
from carrefour.portfolio import services
from carrefour.portfolio.models import INITIATIVE_SUMMARY_MAX, INITIATIVE_TITLE_MAX, Initiative
from tests.portfolio.factories import make_world

pytestmark = pytest.mark.django_db


def _create(world, **data):
    return services.initiative_create(actor=world.outsider, data={
        "title_en": "Own pilot", "title_fr": "Projet pilote", "jurisdiction": world.ontario, **data})


def test_the_service_refuses_a_summary_over_the_limit_and_stores_nothing():
    world = make_world()
    before = Initiative.objects.count()
    with pytest.raises(ApplicationError, match="summary to 2000 characters at most") as caught:
        _create(world, summary_en="x" * (INITIATIVE_SUMMARY_MAX + 1))
    assert caught.value.field == "summary_en"
    with pytest.raises(ApplicationError) as caught:
        _create(world, summary_fr="x" * 1_000_000)
    assert caught.value.field == "summary_fr"
    with pytest.raises(ApplicationError) as caught:
        _create(world, title_en="x" * (INITIATIVE_TITLE_MAX + 1))
    assert caught.value.field == "title_en"
    assert Initiative.objects.count() == before
    assert len(_create(world, summary_en="x" * INITIATIVE_SUMMARY_MAX).summary_en) == INITIATIVE_SUMMARY_MAX


def test_an_update_over_the_limit_is_refused():
    world = make_world()
    initiative = world.initiative
    with pytest.raises(ApplicationError) as caught:
        services.initiative_update(initiative=initiative, actor=world.secretary,
                                   data={"summary_en": "y" * (INITIATIVE_SUMMARY_MAX + 1)})
    assert caught.value.field == "summary_en"
    assert Initiative.objects.get(pk=initiative.pk).summary_en == ""


def test_the_database_refuses_an_over_long_summary():
    world = make_world()
    with pytest.raises(IntegrityError), transaction.atomic():
        Initiative.objects.filter(pk=world.initiative.pk).update(summary_en="z" * (INITIATIVE_SUMMARY_MAX + 1))


def _post_data(world, **extra):
    return {"title_en": "Own pilot", "title_fr": "Projet pilote", "jurisdiction": world.ontario.pk,
            "stage": "idea", "status": "on_track", "visibility": "public", **extra}


@pytest.mark.parametrize(("lang", "message"), [
    ("en", "Keep the summary to 2000 characters at most (it has 1000000)."),
    ("fr", "Limitez le résumé à 2000 caractères au plus (il en compte 1000000)."),
])
def test_the_form_explains_the_limit(client, lang, message):
    world = make_world()
    client.force_login(world.outsider)
    response = client.post(f"/{lang}/portfolio/initiatives/new/", _post_data(world, summary_en="x" * 1_000_000))
    assert response.status_code == 200
    assert response.context["form"].errors["summary_en"] == [message]
    assert message in response.content.decode()
    assert not Initiative.objects.filter(title_en="Own pilot").exists()


def test_the_same_form_sent_twice_adds_one_initiative(client):
    world = make_world()
    client.force_login(world.outsider)
    page = client.get("/en/portfolio/initiatives/new/")
    token = page.context["form"].initial["request_token"]
    assert f'value="{token}"' in page.content.decode()
    data = _post_data(world, request_token=token)
    first = client.post("/en/portfolio/initiatives/new/", data)
    second = client.post("/en/portfolio/initiatives/new/", data)
    created = Initiative.objects.get(title_en="Own pilot")
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == created.get_absolute_url()
    assert "This form was already sent: here is the initiative it added." in client.get(second["Location"]).content.decode()
    # A new form (a new token) adds a new initiative, even with the same words.
    again = client.get("/en/portfolio/initiatives/new/").context["form"].initial["request_token"]
    assert again != token
    client.post("/en/portfolio/initiatives/new/", _post_data(world, request_token=again))
    assert Initiative.objects.filter(title_en="Own pilot").count() == 2


def test_the_token_is_per_person_and_the_service_returns_the_first_initiative():
    world = make_world()
    data = {"title_en": "Own pilot", "title_fr": "Projet pilote", "jurisdiction": world.ontario}
    first = services.initiative_create(actor=world.outsider, request_token="t-1", data=data)
    again = services.initiative_create(actor=world.outsider, request_token="t-1", data={**data, "title_en": "Changed"})
    assert again.pk == first.pk and Initiative.objects.filter(title_en="Changed").count() == 0
    other = services.initiative_create(actor=world.secretary, request_token="t-1", data={
        "title_en": "Federal pilot", "title_fr": "Projet fédéral", "jurisdiction": world.federal})
    assert other.pk != first.pk
