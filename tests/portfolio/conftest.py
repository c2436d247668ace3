from __future__ import annotations

import pytest


@pytest.fixture
def portfolio_demo(directory_demo):
    """Seed 002's table, priorities, initiatives, achievements and decisions (plus other jurisdictions')."""
    from carrefour.portfolio import demo
    from carrefour.portfolio.models import Table

    demo.load()
    return Table.objects.get(slug="fpt-dm-service")


@pytest.fixture
def amelie(directory_demo):
    from carrefour.directory.models import User

    return User.objects.get(email="amelie.tremblay@canada.ca")


@pytest.fixture
def raj(directory_demo):
    from carrefour.directory.models import User

    return User.objects.get(email="raj.patel@ontario.ca")


@pytest.fixture
def citizen(directory_demo):
    from carrefour.directory.models import User

    return User.objects.get(email="citizen@example.org")


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Addresses built outside requests (get_absolute_url) use English, whatever a previous request left."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")
