"""The sitemap: each part of Carrefour registers what search engines may index.

Records come through the one visibility rule for an anonymous reader, so only public pages
are listed; every address is given in English and in French, each naming the other as its
alternate (hreflang).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

SITEMAPS: dict[str, Sitemap] = {}


class BilingualSitemap(Sitemap):
    i18n = True
    languages = ["en", "fr"]
    alternates = True
    x_default = False  # no unprefixed address: each page lives under /en/ and /fr/
    limit = 2000  # per page of the sitemap; each item is two addresses


class PublicRecords(BilingualSitemap):
    """The records `records(user)` returns for an anonymous reader (their `visible_to` selector)."""

    def __init__(self, records: Callable[[Any], Iterable[Any]]):
        self.records = records

    def items(self) -> list[Any]:
        return list(self.records(AnonymousUser()))

    def lastmod(self, obj: Any) -> Any:
        return getattr(obj, "updated_at", None)


class Pages(BilingualSitemap):
    """Pages that exist for everyone, by URL name."""

    def __init__(self, url_names: list[str]):
        self.url_names = url_names

    def items(self) -> list[str]:
        return self.url_names

    def location(self, item: str) -> str:
        return reverse(item)


def register_sitemap(key: str, sitemap: Sitemap) -> None:
    SITEMAPS[key] = sitemap
