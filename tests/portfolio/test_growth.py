"""The query-count test's growth for this domain adds records anonymous readers see."""

from __future__ import annotations

import pytest
from django.utils import timezone

from carrefour.portfolio import selectors
from tests.portfolio.growth import grow

pytestmark = pytest.mark.django_db


def test_grow_adds_public_tables_priorities_initiatives_and_achievements():
    grow(3)
    assert selectors.table_list(user=None).count() == 3
    assert selectors.initiative_list(user=None).count() == 6
    assert all(i.priority is not None for i in selectors.with_related(selectors.initiative_list(user=None), user=None))
    assert selectors.achievements_since(user=None, since=timezone.localdate()).count() == 6


@pytest.mark.parametrize("who", ["anonymous", "administrator"])
def test_portfolio_lists_do_not_grow_with_the_rows(client, who):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.portfolio.factories import make_admin

    if who == "administrator":
        client.force_login(make_admin())
    since = timezone.localdate().isoformat()
    urls = ["/en/portfolio/", "/en/portfolio/tables/", f"/en/portfolio/new/?since={since}",
            "/en/portfolio/?format=json", "/api/portfolio/initiatives/", "/en/search/?q=initiative"]

    def counts() -> dict[str, int]:
        found = {}
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200, url
            found[url] = len(queries)
        return found

    grow(2)
    small = counts()
    grow(5)
    assert counts() == small
