"""CSV and JSON exports of list pages: what the page shows, in full, safely."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.test import Client

from carrefour.core.exports import Column, bilingual, csv_cell, export_response
from carrefour.directory.models import Organization
from tests.directory.factories import JurisdictionFactory, OrganizationFactory


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def _csv_rows(response) -> list[list[str]]:
    raw = _body(response)
    assert raw.startswith("\ufeff".encode()), "Excel needs the UTF-8 BOM to read accents"
    return list(csv.reader(io.StringIO(raw.decode("utf-8")[1:])))


@pytest.fixture
def orgs(db):
    ontario = JurisdictionFactory(code="on", name_en="Ontario", name_fr="Ontario")
    quebec = JurisdictionFactory(code="qc", name_en="Quebec", name_fr="Québec")
    return {
        "sheridan": OrganizationFactory(slug="sheridan", kind="academic", name_en="Sheridan College",
                                        name_fr="Collège Sheridan", jurisdiction=ontario),
        "mcn": OrganizationFactory(slug="mcn", kind="department", name_en="Ministry of Cybersecurity",
                                   name_fr="Ministère de la Cybersécurité", jurisdiction=quebec),
        "evil": OrganizationFactory(slug="evil", kind="non_profit", name_en='=HYPERLINK("http://x.example","click")',
                                    name_fr="@SUM(A1:A2)", acronym_en="-2+3", acronym_fr="+cmd"),
    }


def test_csv_export_has_bom_english_headers_and_every_row(orgs):
    response = Client().get("/en/directory/organizations/?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="organizations.csv"'
    header, *rows = _csv_rows(response)
    assert header == ["Short name", "Kind", "Name (English)", "Name (French)", "Acronym (English)",
                      "Acronym (French)", "Jurisdiction", "Website"]
    assert {r[0] for r in rows} == {"sheridan", "mcn", "evil"}
    sheridan = next(r for r in rows if r[0] == "sheridan")
    assert sheridan[1:4] == ["Academic institution", "Sheridan College", "Collège Sheridan"]


def test_csv_export_headers_and_values_are_translated_in_french(orgs):
    header, *rows = _csv_rows(Client().get("/fr/directory/organizations/?format=csv"))
    assert header[:3] == ["Nom court", "Type", "Nom (Anglais)"]
    assert next(r for r in rows if r[0] == "sheridan")[1] == "Établissement d'enseignement"


def test_csv_export_neutralizes_formulas(orgs):
    _, *rows = _csv_rows(Client().get("/en/directory/organizations/?format=csv"))
    evil = next(r for r in rows if r[0] == "evil")
    assert evil[2] == "'=HYPERLINK(\"http://x.example\",\"click\")"
    assert evil[3] == "'@SUM(A1:A2)"
    assert evil[4] == "'-2+3"
    assert evil[5] == "'+cmd"
    for cell in rows[0] + evil:
        assert cell[:1] not in ("=", "+", "-", "@")


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@x", "\tx", "\rx"])
def test_csv_cell_guard(value):
    assert csv_cell(value) == "'" + value


def test_csv_cell_keeps_plain_values():
    assert csv_cell("Québec") == "Québec"
    assert csv_cell(None) == ""
    assert csv_cell(3) == 3
    assert csv_cell(["a", "b"]) == "a; b"


def test_exports_reflect_the_page_filters(orgs):
    client = Client()
    _, *rows = _csv_rows(client.get("/en/directory/organizations/?kind=academic&format=csv"))
    assert [r[0] for r in rows] == ["sheridan"]
    data = json.loads(_body(client.get("/en/directory/organizations/?jurisdiction=qc&format=json")))
    assert [r["slug"] for r in data["results"]] == ["mcn"]
    data = json.loads(_body(client.get("/en/directory/organizations/?q=Cyber&format=json")))
    assert [r["slug"] for r in data["results"]] == ["mcn"]


def test_exports_are_not_paginated(db):
    OrganizationFactory.create_batch(30)
    client = Client()
    page = client.get("/en/directory/organizations/")
    assert len(page.context["object_list"]) == 25
    data = json.loads(_body(client.get("/en/directory/organizations/?format=json")))
    assert len(data["results"]) == 30


def test_json_export_keeps_unicode_and_types(orgs):
    response = Client().get("/fr/directory/organizations/?format=json&kind=academic")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    raw = _body(response).decode("utf-8")
    assert "Collège Sheridan" in raw  # not \u00e8-escaped
    (record,) = json.loads(raw)["results"]
    assert record == {
        "slug": "sheridan", "kind": "Établissement d'enseignement", "name_en": "Sheridan College",
        "name_fr": "Collège Sheridan", "acronym_en": "", "acronym_fr": "", "jurisdiction": "on", "website": "",
    }


def test_list_page_export_links_keep_the_filters_but_not_the_page(orgs):
    html = Client().get("/en/directory/organizations/?kind=academic&page=1").content.decode()
    assert 'href="?kind=academic&amp;format=csv"' in html
    assert 'href="?kind=academic&amp;format=json"' in html


def test_export_response_for_plain_lists():
    class Row:
        def __init__(self, n):
            self.n = n
            self.title_en, self.title_fr = f"T{n}", f"T{n} fr"

    columns = [Column("n", "Number"), Column("double", "Double", lambda r: r.n * 2), *bilingual("title", "Title")]
    data = json.loads(_body(export_response([Row(1), Row(2)], columns, "json", "My rows")))
    assert data["results"][1] == {"n": 2, "double": 4, "title_en": "T2", "title_fr": "T2 fr"}
    response = export_response([Row(1)], columns, "csv", "My rows")
    assert response["Content-Disposition"] == 'attachment; filename="my-rows.csv"'
    assert _csv_rows(response) == [["Number", "Double", "Title (English)", "Title (French)"], ["1", "2", "T1", "T1 fr"]]


def test_organizations_list_page_query_count_does_not_grow_with_rows(db, django_assert_num_queries):
    jurisdictions = [JurisdictionFactory() for _ in range(3)]
    for i in range(20):
        OrganizationFactory(jurisdiction=jurisdictions[i % 3])
    client = Client()
    # Filter form's jurisdiction choices, paginator count, the page of organizations (with jurisdiction).
    with django_assert_num_queries(3):
        response = client.get("/en/directory/organizations/")
    assert response.status_code == 200
    assert len(response.context["object_list"]) == 20
    with django_assert_num_queries(2):  # filter form's choices, then the rows
        assert len(json.loads(_body(client.get("/en/directory/organizations/?format=json")))["results"]) == 20
    assert Organization.objects.count() == 20
