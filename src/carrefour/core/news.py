"""What is new across Carrefour: each domain app registers a source of dated items.

A source is `fn(user=..., since=date, limit=N) -> the N newest NewsItems`, reading through its own
selectors, so the visibility rule decides what appears. The page shows what the reader may
see; the Atom feed is always built for an anonymous reader, since a feed URL travels without
its reader's session.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

SOURCES: dict[str, tuple[Any, Callable[..., Iterable[NewsItem]]]] = {}


@dataclass(frozen=True)
class NewsItem:
    when: datetime.datetime
    kind: str
    title: str
    summary: str
    url: str
    # Who published it (a team, a jurisdiction), where the source knows; the feed names
    # Carrefour otherwise. Never a person's address.
    author: str = ""

    @property
    def kind_label(self) -> Any:
        return SOURCES[self.kind][0]


def register_news_source(key: str, label: Any, fn: Callable[..., Iterable[NewsItem]]) -> None:
    SOURCES[key] = (label, fn)


def on_day(day: datetime.date) -> datetime.datetime:
    """A date as the start of that day, local time (items that carry only a date)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def news(*, user: Any, since: datetime.date, kinds: Iterable[str] = (), limit: int = 200) -> list[NewsItem]:
    """Items of every (or the chosen) source since a date, newest first, at most `limit`."""
    wanted = [k for k in kinds if k in SOURCES] or sorted(SOURCES)
    items: list[NewsItem] = []
    for key in wanted:
        items.extend(SOURCES[key][1](user=user, since=since, limit=limit))
    items.sort(key=lambda i: (i.when, i.url), reverse=True)
    return items[:limit]
