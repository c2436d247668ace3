"""Every list page and list endpoint runs the same number of queries whatever the number of rows.

Each domain's tests package has a `growth.grow(n)` that adds n of its records (through its
factories); the pages are every parameterless page under the domain's prefix (the crawl's
list) and core's own, the endpoints every parameterless GET of the domain's API router. Each
is asked at one size and again after more records were added, anonymously and as an
administrator (who sees every record): a count that grows is an N+1 query.
"""

from __future__ import annotations

from importlib import import_module

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from carrefour.core.domains import domains
from tests.core.test_pages import PATHS
from tests.directory.factories import UserFactory

pytestmark = pytest.mark.django_db

CORE_PATHS = ["", "whats-new/", "search/?q=initiative", "search/?q=table"]


def _growers() -> list:
    growers = []
    for d in domains():
        try:
            growers.append(import_module(f"tests.{d.label}.growth").grow)
        except ModuleNotFoundError:
            assert not d.datasets, f"{d.label} publishes lists but has no tests/{d.label}/growth.py"
    return growers


def _grow(n: int) -> None:
    for grow in _growers():
        grow(n)


def _api_lists(label: str) -> list[str]:
    from carrefour.config.api import api

    paths = api.get_openapi_schema()["paths"]
    return sorted(p for p, ops in paths.items() if p.startswith(f"/api/{label}/") and "{" not in p and "get" in ops)


def _counts(client: Client, urls: list[str]) -> dict[str, int]:
    counts = {}
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        if response.status_code == 200:
            counts[url] = len(queries)
    return counts


def _urls() -> list[str]:
    pages = [f"/en/{p}" for p in PATHS if any(p.startswith(d.url_prefix) for d in domains() if d.url_prefix)]
    pages += [f"/en/{p}" for p in CORE_PATHS]
    pages += [url for d in domains() for url in _api_lists(d.label)]
    return pages


def test_every_domain_that_publishes_lists_can_grow():
    assert len(_growers()) >= 5


@pytest.mark.slow
@pytest.mark.parametrize("who", ["anonymous", "administrator"])
def test_queries_do_not_grow_with_the_rows(who):
    client = Client()
    if who == "administrator":
        client.force_login(UserFactory(is_superuser=True, is_staff=True))
    urls = _urls()
    _grow(2)
    small = _counts(client, urls)
    _grow(5)
    large = _counts(client, urls)
    assert len(small) >= 20, sorted(small)
    grown = {url: (small[url], large[url]) for url in small if url in large and large[url] > small[url]}
    assert not grown, "queries grow with the rows (url: before, after): " + repr(grown)
