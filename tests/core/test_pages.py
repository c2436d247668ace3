"""Every page without parameters, in both languages: a plain-text title and one main heading."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern

pytestmark = pytest.mark.django_db


def _paths(patterns, prefix: str = "") -> list[str]:
    """The paths of the locale-prefixed URL patterns that take no parameter."""
    found = []
    for pattern in patterns:
        route = str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if isinstance(pattern.pattern, LocalePrefixPattern):
                route = ""
            found.extend(_paths(pattern.url_patterns, prefix + route))
        elif isinstance(pattern, URLPattern) and "<" not in route and not route.startswith("^"):
            found.append(prefix + route)
    return found


def _page_paths() -> list[str]:
    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLResolver) and isinstance(pattern.pattern, LocalePrefixPattern):
            return sorted({p for p in _paths([pattern]) if not p.startswith("admin/")})  # Django admin: its own look
    raise AssertionError("no language-prefixed URLs")


PATHS = _page_paths()


def test_the_crawl_covers_every_domain():
    from carrefour.core.domains import domains

    for domain in domains():
        assert any(p.startswith(domain.url_prefix) for p in PATHS), domain.label


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_pages_have_a_plain_title_and_one_heading(client, directory_demo, lang):
    checked = 0
    for path in PATHS:
        response = client.get(f"/{lang}/{path}")
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue  # sign-in redirects, POST-only actions and downloads
        content = response.content.decode()
        title = re.search(r"<title>(.*?)</title>", content, re.S)
        assert title, path
        text = html.unescape(title.group(1)).strip()
        assert "<" not in text and ">" not in text, f"/{lang}/{path}: markup in the title: {text!r}"
        assert text.endswith("— Carrefour") and len(text) > len("— Carrefour"), f"/{lang}/{path}: {text!r}"
        assert len(re.findall(r"<h1[\s>]", content)) == 1, f"/{lang}/{path}: not exactly one <h1>"
        checked += 1
    assert checked >= 15
