"""The demo data: idempotent, on the home page, linked to the experiments that serve its initiatives."""

from __future__ import annotations

import pytest

from carrefour.portfolio import demo
from carrefour.portfolio.models import Achievement, Decision, Initiative, Priority

pytestmark = pytest.mark.django_db


def test_loading_twice_changes_nothing(portfolio_demo):
    counts = (Initiative.objects.count(), Achievement.objects.count(), Priority.objects.count(), Decision.objects.count())
    demo.load()
    assert counts == (Initiative.objects.count(), Achievement.objects.count(), Priority.objects.count(),
                      Decision.objects.count())
    assert counts[2] == 5


def test_home_page_has_the_portfolio_section(client, portfolio_demo):
    html = client.get("/fr/").content.decode()
    assert "Portefeuille d&#x27;innovation" in html or "Portefeuille d'innovation" in html


def test_initiative_page_lists_its_experiments(client, portfolio_demo):
    from carrefour.experiments import demo as experiments_demo

    experiments_demo.load()
    durham = Initiative.objects.get(title_en="Durham service navigation pilot")
    experiments = list(durham.experiments.all())
    assert experiments
    html = client.get(f"/en/portfolio/initiatives/{durham.pk}/").content.decode()
    assert experiments[0].get_absolute_url() in html
