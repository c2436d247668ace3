"""The demo data (seed 002): it loads, loads twice without change, and shows where people look.

This is the one place that reads the demo's content; every other portfolio test builds its own data.
"""

from __future__ import annotations

import pytest

from carrefour.portfolio import demo
from carrefour.portfolio.models import Achievement, Decision, Initiative, Priority

pytestmark = pytest.mark.django_db

SEED_002_PRIORITIES = ["Identity Management", "Data Driven Intelligence", "Open Data", "Client-Centric Services",
                       "Service to Business"]


def _counts() -> tuple[int, ...]:
    return (Initiative.objects.count(), Achievement.objects.count(), Priority.objects.count(), Decision.objects.count())


def test_loading_twice_changes_nothing(portfolio_demo):
    counts = _counts()
    assert all(counts)
    demo.load()
    assert _counts() == counts


def test_the_table_holds_seed_002s_priorities_in_order(client, portfolio_demo):
    assert list(portfolio_demo.priorities.order_by("sort_order").values_list("title_en", flat=True)) == SEED_002_PRIORITIES
    html = client.get(f"/en/portfolio/tables/{portfolio_demo.slug}/report/?start=2017-04-01&end=2018-03-31").content.decode()
    positions = [html.index(title) for title in SEED_002_PRIORITIES]
    assert positions == sorted(positions)


def test_home_page_has_the_portfolio_section(client, portfolio_demo):
    html = client.get("/fr/").content.decode()
    assert "Portefeuille d&#x27;innovation" in html


def test_demo_initiatives_serve_the_fpt_commitments(directory_demo):
    from carrefour.declarations import commitments
    from carrefour.declarations import demo as declarations_demo

    declarations_demo.load()
    demo.load()
    death = Initiative.objects.get(title_en="Death Notification")
    assert [c.number for c in commitments.for_target(death)] == [4]


def test_initiative_page_lists_its_experiments(client, portfolio_demo):
    from carrefour.experiments import demo as experiments_demo

    experiments_demo.load()
    durham = Initiative.objects.get(title_en="Durham service navigation pilot")
    experiments = list(durham.experiments.all())
    assert experiments
    html = client.get(f"/en/portfolio/initiatives/{durham.pk}/").content.decode()
    assert experiments[0].get_absolute_url() in html
