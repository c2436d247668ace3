"""The open-data catalogue: a page listing every public dataset, and its DCAT (JSON-LD) version."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation

from carrefour.core.datasets import datasets


def _absolute(request, path: str) -> str:
    return request.build_absolute_uri(path)


def index(request):
    rows = [
        {"dataset": d, "url": reverse(d.url_name)}
        for d in datasets()
    ]
    return render(request, "opendata/index.html", {"rows": rows})


def catalogue(request):
    """DCAT catalogue (JSON-LD), titles and descriptions in both languages."""
    entries = []
    for d in datasets():
        titles, descriptions, pages = {}, {}, {}
        for lang in ("en", "fr"):
            with translation.override(lang):
                titles[lang] = str(d.title)
                descriptions[lang] = str(d.description)
                pages[lang] = _absolute(request, reverse(d.url_name))
        entries.append(
            {
                "@type": "dcat:Dataset",
                "@id": pages["en"],
                "dct:identifier": d.key,
                "dct:title": [{"@value": titles[lang], "@language": lang} for lang in ("en", "fr")],
                "dct:description": [{"@value": descriptions[lang], "@language": lang} for lang in ("en", "fr")],
                "dcat:keyword": list(d.keywords),
                "dcat:landingPage": [pages["en"], pages["fr"]],
                "dct:license": "https://open.canada.ca/en/open-government-licence-canada",
                "dcat:distribution": [
                    {
                        "@type": "dcat:Distribution",
                        "dcat:accessURL": f"{pages[lang]}?format={fmt}",
                        "dcat:mediaType": media,
                        "dct:format": fmt.upper(),
                        "dct:language": lang,
                    }
                    for lang in ("en", "fr")
                    for fmt, media in (("csv", "text/csv"), ("json", "application/json"))
                ],
            }
        )
    body = {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
        },
        "@type": "dcat:Catalog",
        "@id": _absolute(request, reverse("opendata:catalogue")),
        "dct:title": [
            {"@value": "Carrefour open data", "@language": "en"},
            {"@value": "Données ouvertes de Carrefour", "@language": "fr"},
        ],
        "dct:publisher": {"@type": "foaf:Organization", "foaf:name": "Carrefour"},
        "dcat:dataset": entries,
    }
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False}, content_type="application/ld+json")
