"""The API as a whole: every list (found in the OpenAPI document) is paginated the same way, and
the document itself is a snapshot.

Run with `UPDATE_OPENAPI=1` to rewrite `tests/core/openapi.json` after a deliberate change.
"""

from __future__ import annotations

import json
import os
from importlib import import_module
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from carrefour.core import api as core_api
from carrefour.core.domains import domains
from tests.consultations.factories import ConsultationFactory
from tests.declarations.factories import CommitmentFactory, DeclarationFactory
from tests.directory.factories import TeamFactory, UserFactory
from tests.experiments.factories import make_experiment, outcomes_csv, upload_checked

pytestmark = pytest.mark.django_db

SNAPSHOT = Path(__file__).with_name("openapi.json")
SECRET = "Secret-7c1f"  # in the title of every private record below


def _schema() -> dict:
    from carrefour.config.api import api

    return api.get_openapi_schema()


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _gets() -> dict[str, dict]:
    """Every GET operation's 200 response schema, by path."""
    schema = _schema()
    found = {}
    for path, ops in schema["paths"].items():
        if "get" in ops:
            content = ops["get"]["responses"][200]["content"]["application/json"]["schema"]
            found[path] = _resolve(schema, content)
    return found


def _paged_paths() -> list[str]:
    return sorted(p for p, body in _gets().items() if {"items", "count", "next", "previous"} <= set(body.get("properties", {})))


# ---------------------------------------------------------------- data for every list


def _publish(owner, team, intervention_type: str, django_capture_on_commit_callbacks):
    from carrefour.experiments import services

    experiment = make_experiment(owner, team=team, register=True, intervention_type=intervention_type)
    dataset = upload_checked(experiment=experiment, actor=owner, file=outcomes_csv())
    analysis = services.analysis_run(
        analysis_id=services.analysis_request(experiment=experiment, actor=owner, dataset=dataset, enqueue=False).pk
    )
    with django_capture_on_commit_callbacks(execute=True):  # What works is pooled after the commit
        services.publication_create(experiment=experiment, actor=owner, analysis=analysis, verdict="inconclusive",
                                    summary_en="s")


def _grow(n: int) -> None:
    for d in domains():
        try:
            import_module(f"tests.{d.label}.growth").grow(n)
        except ModuleNotFoundError:
            pass


class World:
    """Three or more public records behind every list, and one private record where a list can hold one."""

    def __init__(self, capture):
        from carrefour.consultations import services as consultation_services
        from carrefour.directory.models import Role
        from tests.directory.factories import MembershipFactory, public_servant
        from tests.portfolio.factories import make_admin, make_initiative

        _grow(3)
        self.admin = make_admin()
        self.consultation = ConsultationFactory()
        for _ in range(3):
            consultation_services.comment_create(consultation=self.consultation, author=UserFactory(), body="A view of the declaration.")
        self.commitment = CommitmentFactory()
        self.owner = UserFactory()
        for _ in range(3):
            self.link(TeamFactory(owner=self.owner))
        self.link(TeamFactory(owner=self.owner, visibility="private", name_en=f"{SECRET} team"))
        team = TeamFactory()
        owner = public_servant()
        MembershipFactory(user=owner, team=team, role=Role.CONTRIBUTOR)
        for kind in ("reminder", "social_norms", "incentive"):
            _publish(owner, team, kind, capture)
        # One private record for each list that can hold one.
        from tests.directory.factories import JurisdictionFactory

        make_initiative(actor=self.admin, jurisdiction=JurisdictionFactory(), title_en=f"{SECRET} initiative",
                        visibility="private")
        make_experiment(owner, team=team, title_en=f"{SECRET} experiment", visibility="private")
        DeclarationFactory(title_en=f"{SECRET} declaration", visibility="private")
        ConsultationFactory(title_en=f"{SECRET} consultation", visibility="private")
        self.private = {"/api/portfolio/initiatives/": 1, "/api/experiments/": 1, "/api/declarations/": 1,
                        "/api/consultations/": 1, "/api/declarations/{slug}/commitments/{number}/work/": 1}

    def link(self, target) -> None:
        from carrefour.declarations import services

        services.commitment_links_set(actor=self.owner, target=target, commitments=[self.commitment])

    def url(self, path: str) -> str:
        """The path with its parameters filled from this world's records."""
        params = {
            "/api/consultations/{slug}/comments/": {"slug": self.consultation.slug},
            "/api/declarations/{slug}/commitments/{number}/work/": {
                "slug": self.commitment.declaration.slug, "number": self.commitment.number},
        }
        if "{" in path:
            assert path in params, f"{path}: a new list with parameters; say here how to fill them"
            path = path.format(**params[path])
        return path


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    return World(django_capture_on_commit_callbacks)


def _get(client: Client, url: str, **params) -> dict:
    response = client.get(url, params)
    assert response.status_code == 200, (url, params, response.content[:300])
    return response.json()


def _walk(client: Client, url: str, page_size: int) -> list[dict]:
    """Every item of every page, following `next` from the first page."""
    items, page = [], _get(client, url, page_size=page_size)
    assert page["previous"] is None
    while True:
        assert len(page["items"]) <= page_size
        items += page["items"]
        if page["next"] is None:
            return items
        assert page["next"].startswith("http://testserver/api/"), page["next"]
        following = _get(client, page["next"])
        assert following["previous"].startswith("http://testserver/api/")
        assert _get(client, following["previous"])["items"] == page["items"]
        page = following


# ---------------------------------------------------------------- the tests


def test_every_list_is_paginated():
    gets = _gets()
    bare = sorted(p for p, body in gets.items() if body.get("type") == "array")
    assert not bare, f"lists answered without pagination: {bare}"
    assert len(_paged_paths()) >= 7, _paged_paths()


def test_the_openapi_document_describes_the_pagination():
    schema = _schema()
    assert "page_size" in schema["info"]["description"]
    for path in _paged_paths():
        params = {p["name"]: p["schema"] for p in schema["paths"][path]["get"]["parameters"] if p["in"] == "query"}
        assert (params["page"]["type"], params["page"]["minimum"], params["page"]["default"]) == ("integer", 1, 1), path
        responses = schema["paths"][path]["get"]["responses"]
        assert {"200", "400", "404", "422"} <= {str(code) for code in responses}, path
        size = params["page_size"]
        assert (size["type"], size["default"], size["maximum"]) == (
            "integer", core_api.DEFAULT_PAGE_SIZE, core_api.MAX_PAGE_SIZE), path


def test_walking_every_list_gives_each_record_once_in_a_stable_order(client, world):
    for path in _paged_paths():
        url = world.url(path)
        full = _get(client, url, page_size=core_api.MAX_PAGE_SIZE)
        assert full["count"] == len(full["items"]) >= 3, (path, full["count"])
        assert full["page"] == 1 and full["next"] is None and full["previous"] is None
        walked = _walk(client, url, page_size=2)
        assert walked == full["items"], path
        assert len({json.dumps(item, sort_keys=True) for item in walked}) == len(walked), path


def test_the_default_and_the_maximum_page_size(client, world, monkeypatch):
    for path in _paged_paths():
        url = world.url(path)
        assert _get(client, url)["page_size"] == core_api.DEFAULT_PAGE_SIZE
    monkeypatch.setattr(core_api, "MAX_PAGE_SIZE", 2)
    for path in _paged_paths():
        page = _get(client, world.url(path), page_size=500)
        assert page["page_size"] == 2 and len(page["items"]) == 2, path
        assert "page_size=500" in page["next"]  # the links repeat the request; each answer clamps it


@pytest.mark.parametrize("params, field", [
    ({"page": "0"}, "page"), ({"page": "-1"}, "page"), ({"page": "abc"}, "page"), ({"page": "1.5"}, "page"),
    ({"page_size": "0"}, "page_size"), ({"page_size": "many"}, "page_size"),
])
def test_a_malformed_page_is_a_problem(client, world, params, field):
    for path in _paged_paths():
        response = client.get(world.url(path), params)
        assert response.status_code == 400, (path, params)
        assert response["Content-Type"] == "application/problem+json"
        problem = response.json()
        assert problem["status"] == 400 and problem["field"] == field
        assert problem["title"] == f"“{field}” must be a whole number from 1; “{params[field]}” is not."


def test_a_page_past_the_end_is_not_found(client, world):
    for path in _paged_paths():
        url = world.url(path)
        last = -(-_get(client, url)["count"] // 2)
        assert _get(client, url, page=last, page_size=2)["next"] is None
        response = client.get(url, {"page": last + 1, "page_size": 2})
        assert response.status_code == 404 and response["Content-Type"] == "application/problem+json", path
        assert response.json()["title"] == f"There is no page {last + 1}: the last page is {last}."


def test_an_empty_list_has_one_empty_page(client):
    page = _get(client, "/api/declarations/")
    assert page == {"count": 0, "page": 1, "page_size": core_api.DEFAULT_PAGE_SIZE, "next": None,
                    "previous": None, "items": []}
    assert client.get("/api/declarations/", {"page": 2}).status_code == 404


def test_the_problems_are_translated(client, world):
    french = client.get("/api/declarations/", {"page": "abc"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert french.json()["title"] == (
        "«\u00a0page\u00a0» doit être un nombre entier à partir de 1\u00a0; «\u00a0abc\u00a0» n’en est pas un.")
    french = client.get("/api/declarations/", {"page": "9"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert french.json()["title"] == "Il n’y a pas de page 9\u00a0: la dernière page est la 1."
    wrong = client.get(f"/api/experiments/{'x'}/", HTTP_ACCEPT_LANGUAGE="fr")
    assert wrong.status_code == 422 and wrong["Content-Type"] == "application/problem+json"
    assert wrong.json()["title"] == "Certains paramètres de la requête ne sont pas valides."
    assert wrong.json()["errors"][0]["loc"] == ["path", "pk"]


def test_a_record_one_may_not_see_is_the_same_problem_as_none(client, world):
    from carrefour.portfolio.models import Initiative

    hidden = Initiative.objects.get(title_en=f"{SECRET} initiative")
    answers = [client.get(f"/api/portfolio/initiatives/{pk}/", HTTP_ACCEPT_LANGUAGE="fr") for pk in (hidden.pk, 10**9)]
    assert [a.status_code for a in answers] == [404, 404]
    assert answers[0].json() == answers[1].json()
    assert answers[0]["Content-Type"] == "application/problem+json"
    assert answers[0].json()["title"] == "Cette fiche n’existe pas, ou vous ne pouvez pas la voir."


def test_private_records_are_neither_listed_nor_counted(client, world):
    admin = Client()
    admin.force_login(world.admin)
    for path in _paged_paths():
        url = world.url(path)
        walked = _walk(client, url, page_size=2)
        assert SECRET not in json.dumps(walked, ensure_ascii=False), path
        count = _get(client, url)["count"]
        assert count == len(walked)
        assert _get(admin, url)["count"] == count + world.private.get(path, 0), path


def _queries(client: Client, url: str, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        _get(client, url, **params)
    return len(queries)


def test_queries_depend_neither_on_the_page_size_nor_on_the_rows(client, world):
    """One item or many, few rows or more: the same queries (no query per item)."""
    paths = _paged_paths()
    one = {p: _queries(client, world.url(p), page_size=1) for p in paths}
    many = {p: _queries(client, world.url(p), page_size=core_api.MAX_PAGE_SIZE) for p in paths}
    assert many == one
    _grow(4)
    for _ in range(4):
        world.link(TeamFactory(owner=world.owner))
    from carrefour.consultations import services

    for _ in range(4):
        services.comment_create(consultation=world.consultation, author=UserFactory(), body="Another view of the declaration.")
    assert {p: _queries(client, world.url(p), page_size=core_api.MAX_PAGE_SIZE) for p in paths} == one


def test_item_urls_are_not_reversed_one_by_one(client, world, monkeypatch):
    from carrefour.portfolio.models import Initiative

    def refuse(self):
        raise AssertionError("get_absolute_url called for a list item")

    monkeypatch.setattr(Initiative, "get_absolute_url", refuse)
    items = _get(client, "/api/portfolio/initiatives/")["items"]
    assert items and all(i["url"] == f"/en/portfolio/initiatives/{i['id']}/" for i in items)


def test_the_openapi_document_is_the_snapshot():
    current = json.dumps(_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if os.environ.get("UPDATE_OPENAPI"):
        SNAPSHOT.write_text(current, encoding="utf-8")
    assert SNAPSHOT.exists() and current == SNAPSHOT.read_text(encoding="utf-8"), (
        "the API changed: if deliberately, run UPDATE_OPENAPI=1 pytest tests/core/test_api.py and commit openapi.json"
    )
