"""Bad addresses and query parameters get a clear answer (400, 404 or a message), never a server error."""

from __future__ import annotations

import pytest
from django.urls import reverse

from carrefour.declarations import services
from carrefour.declarations.models import Declaration
from carrefour.directory.models import Role
from tests.declarations.factories import CommitmentFactory, DeclarationFactory
from tests.directory.factories import MembershipFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"


@pytest.fixture
def work_url():
    commitment = CommitmentFactory()
    return f"/api/declarations/{commitment.declaration.slug}/commitments/{commitment.number}/work/"


@pytest.mark.parametrize("months", ["100000", "1201", "0", "-3", HUGE])
def test_work_period_out_of_bounds_is_refused_with_a_message(client, work_url, months):
    response = client.get(f"{work_url}?months={months}")
    assert response.status_code in (400, 422)
    if response.status_code == 400:
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["detail"] == "Give a number of months between 1 and 1200."
        assert response.json()["field"] == "months"


def test_work_period_within_bounds_is_answered(client, work_url):
    assert client.get(f"{work_url}?months=1200").status_code == 200
    assert client.get(f"{work_url}?months=1").status_code == 200
    assert client.get(f"{work_url}?months=abc").status_code == 422  # not a number: ninja's validation error


def test_work_period_message_is_translated():
    from django.utils import translation

    from carrefour.core.exceptions import ApplicationError
    from carrefour.declarations import selectors

    with translation.override("fr"), pytest.raises(ApplicationError) as refused:
        selectors.work_since(months=100000)
    assert str(refused.value) == "Indiquez un nombre de mois entre 1 et 1200."


def test_unknown_numbers_are_404_not_500(client):
    d = DeclarationFactory(slug="known")
    CommitmentFactory(declaration=d, number=1)
    for url in (f"/en/declarations/known/commitments/{HUGE}/", f"/en/declarations/known/versions/{HUGE}/",
                "/en/declarations/known/versions/7/", f"/api/declarations/known/commitments/{HUGE}/work/",
                "/en/declarations/unknown/versions/compare/"):
        assert client.get(url).status_code == 404, url
    assert client.get("/en/declarations/known/commitments/1/?period=abc").status_code == 200


@pytest.fixture
def two_versions():
    team = TeamFactory()
    secretariat = UserFactory()
    MembershipFactory(team=team, user=secretariat, role=Role.SECRETARIAT)
    d = DeclarationFactory(team=team, status=Declaration.Status.DRAFTING, slug="two")
    commitment = CommitmentFactory(declaration=d, number=1)
    services.declaration_publish_version(declaration=d, actor=secretariat, note_en="v1")
    services.commitment_save(declaration=d, actor=secretariat, commitment=commitment, number=1, title_en="",
                             title_fr="", text_en="Changed.", text_fr="Changé.")
    services.declaration_publish_version(declaration=d, actor=secretariat, note_en="v2")
    return d


@pytest.mark.parametrize("query", ["?a=1&b=99", "?a=abc&b=2", "?a=1", "?b=2", f"?a={HUGE}&b=1"])
def test_comparing_a_version_that_does_not_exist_says_so(client, two_versions, query):
    url = reverse("declarations:compare", args=[two_versions.slug])
    response = client.get(url + query)
    assert response.status_code == 404
    page = response.content.decode()
    assert "There is no such version to compare. Choose two of this declaration&#x27;s versions: 1, 2." in page
    assert 'role="alert"' in page
    fr = client.get(url.replace("/en/", "/fr/") + query).content.decode()
    assert "Cette version n&#x27;existe pas" in fr


def test_comparing_existing_versions_still_works(client, two_versions):
    response = client.get(reverse("declarations:compare", args=[two_versions.slug]) + "?a=1&b=2")
    assert response.status_code == 200
    assert 'role="alert"' not in response.content.decode()


def test_refusals_follow_the_one_rule(client):
    team = TeamFactory()
    private = DeclarationFactory(team=team, visibility="private", status=Declaration.Status.DRAFTING)
    public = DeclarationFactory(team=team, status=Declaration.Status.DRAFTING)
    CommitmentFactory(declaration=public, number=1)
    client.force_login(UserFactory())
    for name, args in (("edit", []), ("commitment_add", []), ("commitment_edit", [1]), ("compare", [])):
        assert client.get(reverse(f"declarations:{name}", args=[private.slug, *args])).status_code == 404, name
    for name, args in (("edit", []), ("commitment_add", []), ("commitment_edit", [1])):
        assert client.get(reverse(f"declarations:{name}", args=[public.slug, *args])).status_code == 403, name
    assert client.get(reverse("declarations:commitment_edit", args=[public.slug, 9])).status_code == 404
    assert client.post(reverse("declarations:withdraw", args=[public.slug, 12345]), {"reason": "x"}).status_code == 404
