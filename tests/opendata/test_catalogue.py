"""The open-data catalogue: DCAT lists every registered dataset, and downloads obey visibility."""

from __future__ import annotations

import csv
import io
import json

import pytest

from carrefour.core.datasets import datasets
from tests.directory.factories import TeamFactory

pytestmark = pytest.mark.django_db


def test_catalogue_lists_every_dataset_in_both_languages(client):
    response = client.get("/en/open-data/catalogue.jsonld")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    body = json.loads(response.content)
    assert body["@type"] == "dcat:Catalog"
    ids = {d["dct:identifier"] for d in body["dcat:dataset"]}
    assert ids == {d.key for d in datasets()}
    teams = next(d for d in body["dcat:dataset"] if d["dct:identifier"] == "teams")
    assert {t["@language"] for t in teams["dct:title"]} == {"en", "fr"}
    french = next(t["@value"] for t in teams["dct:title"] if t["@language"] == "fr")
    assert french == "Équipes et réseaux"
    urls = {d["dcat:accessURL"] for d in teams["dcat:distribution"]}
    assert "http://testserver/fr/directory/teams/?format=csv" in urls


def test_catalogue_downloads_show_only_what_the_reader_may_see(client):
    TeamFactory(name_en="Open network", visibility="public")
    TeamFactory(name_en="Secret table", visibility="private")
    body = json.loads(client.get("/en/open-data/catalogue.jsonld").content)
    teams = next(d for d in body["dcat:dataset"] if d["dct:identifier"] == "teams")
    csv_url = next(
        d["dcat:accessURL"] for d in teams["dcat:distribution"] if d["dct:format"] == "CSV" and d["dct:language"] == "en"
    )
    response = client.get(csv_url.removeprefix("http://testserver"))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    names = {row[2] for row in rows[1:]}
    assert "Open network" in names
    assert "Secret table" not in names


def test_open_data_page_links_each_dataset(client):
    response = client.get("/fr/open-data/")
    assert response.status_code == 200
    content = response.content.decode()
    from django.urls import reverse
    from django.utils import translation

    with translation.override("fr"):
        for dataset in datasets():
            assert f'href="{reverse(dataset.url_name)}?format=csv"' in content
    assert "Données ouvertes" in content


def test_every_module_publishes_its_lists():
    assert {d.key for d in datasets()} >= {
        "jurisdictions", "organizations", "teams", "initiatives", "experiments", "what-works",
        "declarations", "consultations",
    }


@pytest.mark.parametrize("key", sorted(d.key for d in datasets()))
def test_each_dataset_downloads_as_csv_and_json_in_both_languages(client, key):
    body = json.loads(client.get("/en/open-data/catalogue.jsonld").content)
    dataset = next(d for d in body["dcat:dataset"] if d["dct:identifier"] == key)
    assert {t["@language"] for t in dataset["dct:description"]} == {"en", "fr"}
    english, french = (next(t["@value"] for t in dataset["dct:description"] if t["@language"] == lang) for lang in ("en", "fr"))
    assert english != french  # translated, not copied
    seen = set()
    for distribution in dataset["dcat:distribution"]:
        response = client.get(distribution["dcat:accessURL"].removeprefix("http://testserver"))
        assert response.status_code == 200, distribution["dcat:accessURL"]
        content = b"".join(response.streaming_content) if response.streaming else response.content
        if distribution["dct:format"] == "CSV":
            assert response["Content-Type"].startswith("text/csv")
            assert content.startswith(b"\xef\xbb\xbf")  # BOM, for spreadsheet software
        else:
            assert response["Content-Type"].startswith("application/json")
            json.loads(content)
        seen.add((distribution["dct:format"], distribution["dct:language"]))
    assert seen == {("CSV", "en"), ("CSV", "fr"), ("JSON", "en"), ("JSON", "fr")}
