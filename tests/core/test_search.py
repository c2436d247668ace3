"""Site search: every part of Carrefour, both languages, through the one visibility rule."""

from __future__ import annotations

import pytest

from carrefour.core.search import terms_of
from tests.declarations.factories import CommitmentFactory, DeclarationFactory
from tests.directory.factories import JurisdictionFactory, UserFactory, public_servant
from tests.experiments.factories import make_experiment
from tests.portfolio.factories import InitiativeFactory

pytestmark = pytest.mark.django_db


def _titles(client, q: str, lang: str = "en", **params) -> str:
    response = client.get(f"/{lang}/search/", {"q": q, **params})
    assert response.status_code == 200
    return response.content.decode()


def test_terms_keep_quoted_phrases_and_survive_unbalanced_quotes():
    assert terms_of('  open   "data portal" ') == ["open", "data portal"]
    assert terms_of('open "data') == ["open", "data"]


def test_finds_each_part_in_either_language_and_only_what_the_reader_may_see(client):
    DeclarationFactory(title_en="Declaration on Open Service", title_fr="Déclaration sur le service ouvert")
    DeclarationFactory(title_en="Internal service charter", title_fr="Charte interne du service", visibility="government")
    deleted = DeclarationFactory(title_en="Withdrawn service text")
    deleted.deleted_at = deleted.created_at
    deleted.save()
    InitiativeFactory(title_en="Open data portal", title_fr="Portail de données ouvertes")
    InitiativeFactory(title_en="Private data lake", title_fr="Lac de données privé", visibility="private")
    JurisdictionFactory(code="yt-s", name_en="Yukon", name_fr="Yukon")

    anonymous = _titles(client, "service")
    assert "Declaration on Open Service" in anonymous
    assert "Internal service charter" not in anonymous and "Withdrawn service text" not in anonymous
    french = _titles(client, "données", lang="fr")
    assert "Portail de données ouvertes" in french and "Lac de données privé" not in french
    assert "Yukon" in _titles(client, "yukon")

    client.force_login(UserFactory())  # a citizen
    assert "Internal service charter" not in _titles(client, "service")
    client.force_login(public_servant())
    assert "Internal service charter" in _titles(client, "service")


def test_every_word_must_appear_and_phrases_stay_together(client):
    InitiativeFactory(title_en="Open data portal")
    InitiativeFactory(title_en="Data for open government")
    both = _titles(client, "open data")
    assert "Open data portal" in both and "Data for open government" in both
    assert "Data for open government" not in _titles(client, '"open data"')
    assert "Open data portal" not in _titles(client, "open data nowhere")


def test_commitments_are_found_by_their_text(client):
    d = DeclarationFactory(slug="fpt", title_en="FPT declaration")
    CommitmentFactory(declaration=d, number=2, text_en="Experiment and measure results.")
    page = _titles(client, "measure results")
    assert "/en/declarations/fpt/commitments/2/" in page


def test_a_withheld_part_of_a_plan_cannot_be_found(client):
    from carrefour.directory.models import Role
    from tests.directory.factories import MembershipFactory, TeamFactory

    team, owner = TeamFactory(), public_servant()
    MembershipFactory(user=owner, team=team, role=Role.CONTRIBUTOR)
    experiment = make_experiment(owner, team=team, register=True)  # "intervention" kept internal
    assert str(experiment.title) in _titles(client, str(experiment.title))
    assert experiment.get_absolute_url() not in _titles(client, "secret letter design")


def test_short_queries_and_the_kind_filter(client):
    InitiativeFactory(title_en="Open data portal")
    DeclarationFactory(title_en="Open declaration")
    assert "Tapez au moins deux lettres" in _titles(client, "a", lang="fr")
    only_portfolio = _titles(client, "open", kind="portfolio")
    assert "Open data portal" in only_portfolio and "Open declaration" not in only_portfolio
    page = client.get("/en/search/").content.decode()
    assert "result" not in page.split("<main", 1)[-1].split("</main>")[0].lower().replace("results-", "")
    assert 'action="/en/search/"' in client.get("/en/").content.decode()  # the header's search box
