"""Site search: each part of Carrefour registers a source that searches its own records.

A source is `fn(user=..., terms=[...], limit=N) -> list[SearchHit]` (at most N per list) and reads through its list selector,
so the visibility rule decides what can be found. Every term must appear (in English or in
French) in one of the fields the source names; only fields that are public whenever the record
is are searched (an experiment's plan can keep parts internal, so only its title is searched).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import reduce
from typing import Any

from django.db.models import Q

MIN_LENGTH = 2
MAX_LENGTH = 200
PER_SOURCE = 50

SEARCH_SOURCES: dict[str, tuple[Any, Callable[..., list[SearchHit]]]] = {}


@dataclass(frozen=True)
class SearchHit:
    kind: str
    title: str
    summary: str
    url: str


def register_search_source(key: str, label: Any, fn: Callable[..., list[SearchHit]]) -> None:
    SEARCH_SOURCES[key] = (label, fn)


def terms_of(query: str) -> list[str]:
    """The words of a query (quoted phrases kept together), at most 10."""
    import shlex

    query = " ".join(query.split())[:MAX_LENGTH]
    try:
        words = shlex.split(query)
    except ValueError:  # an unbalanced quote: take the words as they are
        words = query.replace('"', " ").split()
    return [w for w in words if w.strip()][:10]


def matching(terms: Iterable[str], fields: Iterable[str]) -> Q:
    """Every term in at least one of the fields (case-insensitive)."""
    fields = list(fields)
    return reduce(operator.and_, (reduce(operator.or_, (Q(**{f"{f}__icontains": t}) for f in fields))
                                  for t in terms), Q())


def search(*, user: Any, query: str, kinds: Iterable[str] = ()) -> dict[str, list[SearchHit]]:
    """Hits per source (at most PER_SOURCE + 1 each, so the page can say there are more)."""
    terms = terms_of(query)
    if not terms or len(" ".join(terms)) < MIN_LENGTH:
        return {}
    wanted = [k for k in kinds if k in SEARCH_SOURCES] or list(SEARCH_SOURCES)
    return {key: SEARCH_SOURCES[key][1](user=user, terms=terms, limit=PER_SOURCE + 1)[: PER_SOURCE + 1]
            for key in wanted}
