"""What the portfolio gives site search and What's new (through the same visibility rule)."""

from __future__ import annotations

import datetime
from typing import Any

from carrefour.core.visibility import visible_to
from carrefour.portfolio.models import (
    Initiative,
)
from carrefour.portfolio.selectors.initiatives import achievements_since
from carrefour.portfolio.selectors.tables import table_list


def news_items(*, user: Any, since: datetime.date, limit: int) -> list[Any]:
    """Achievements dated since a date, for "What's new" (through `achievements_since`)."""
    from carrefour.core.news import NewsItem, on_day

    return [
        NewsItem(when=on_day(a.date), kind="achievements", title=str(a.initiative.title), summary=str(a.text),
                 url=a.initiative.get_absolute_url() + "#timeline")
        for a in achievements_since(user=user, since=since)[:limit]
    ]


def search_hits(*, user: Any, terms: list[str], limit: int) -> list[Any]:
    """Tables and initiatives `user` may see whose names or summaries hold every term."""
    from carrefour.core.search import SearchHit, matching

    hits = [
        SearchHit(kind="portfolio", title=str(t.name), summary=str(t.description), url=t.get_absolute_url())
        for t in table_list(user=user).filter(matching(terms, ["name_en", "name_fr", "description_en", "description_fr"]))[:limit]
    ]
    hits += [
        SearchHit(kind="portfolio", title=str(i.title), summary=str(i.summary), url=i.get_absolute_url())
        for i in visible_to(Initiative.objects.all(), user).filter(
            matching(terms, ["title_en", "title_fr", "summary_en", "summary_fr"])).order_by("title_en")[:limit]
    ]
    return hits
