"""The sample domain's reads: no models, fixed answers."""

from __future__ import annotations

from typing import Any

from carrefour.core.search import SearchHit

LOADED: list[str] = []


def search_hits(*, user: Any, terms: list[str], limit: int) -> list[SearchHit]:
    if "sample" not in [t.lower() for t in terms]:
        return []
    return [SearchHit(kind="sample", title="The sample thing", summary="", url="/en/sample/")]


def news_items(*, user: Any, since: Any, limit: int) -> list[Any]:
    return []


def thing_list(*, user: Any) -> list[str]:
    return []


def home_section(*, user: Any) -> dict[str, Any]:
    return {"title": "Sample section", "text": "A domain added with one line.", "url": "/en/sample/", "stats": []}


def load_demo(stdout: Any = None) -> None:
    if stdout is not None:
        stdout.write("sample demo loaded")
