from __future__ import annotations

import pytest


@pytest.fixture
def portfolio_demo(directory_demo):
    """Seed 002's table, priorities, initiatives, achievements and decisions (for test_demo.py only)."""
    from carrefour.portfolio import demo
    from carrefour.portfolio.models import Table

    demo.load()
    return Table.objects.get(slug="fpt-dm-service")


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Addresses built outside requests (get_absolute_url) use English, whatever a previous request left."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")
