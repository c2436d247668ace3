"""The domain contract: what each part of Carrefour contributes, declared in one place.

A domain is a Django app whose `AppConfig` subclasses `DomainConfig` and lists, as class
attributes, everything it adds to the platform: its URL prefix, API router, search, What's
new, sitemap and open-data sources, home sections, demo loader and the models whose records
link to commitments. `settings.DOMAINS` lists the domains in dependency order; core builds
the URLs, the API, `load_demo`, `make messages` and the crawl and translation tests from it,
and never imports a domain by name. Adding a domain is its package plus one line in DOMAINS.

Callables are named by dotted path ("carrefour.portfolio.selectors.search_hits") and
imported when first used, so an `apps.py` imports no models.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from importlib import util
from typing import Any

from django.apps import AppConfig, apps
from django.conf import settings
from django.utils.module_loading import import_string


class Lazy:
    """A callable named by its dotted path, imported on the first call."""

    def __init__(self, path: str):
        self.path = path

    @cached_property
    def target(self) -> Callable[..., Any]:
        return import_string(self.path)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.target(*args, **kwargs)

    def __repr__(self) -> str:
        return f"Lazy({self.path!r})"


@dataclass(frozen=True)
class Source:
    """A search or What's new source: a key, a translated label and the function to call."""

    key: str
    label: Any
    fn: str


@dataclass(frozen=True)
class SitemapSource:
    """Public records for the sitemap: `selector(user=anonymous)` is the domain's list selector.

    The records are whatever that selector returns for an anonymous reader; a selector of
    records that are public by nature (jurisdictions) takes no user (`takes_user=False`).
    """

    key: str
    selector: str
    takes_user: bool = True

    def records(self, user: Any) -> Any:
        selector = Lazy(self.selector)
        return selector(user=user) if self.takes_user else selector()


@dataclass(frozen=True)
class HomeSection:
    """A home-page section: `fn(user=...)` returns {"title", "text", "url", "stats"} or None."""

    order: int
    fn: str


_EDIT_RULES: dict[type, Lazy] = {}


def edit_rule(model: type) -> Callable[[Any, Any], bool] | None:
    """The domain's own edit rule for a model's records, if it declared one."""
    return _EDIT_RULES.get(model)


class DomainConfig(AppConfig):
    """The base of every domain's AppConfig: declare contributions as class attributes."""

    # Pages live at /<lang>/<url_prefix> (urls module `<name>.urls`); "" means no pages.
    url_prefix: str = ""
    # The django-ninja router, "module.attribute", mounted at /api/<label>/; "" means none.
    api_router: str = ""
    search_sources: Sequence[Source] = ()
    news_sources: Sequence[Source] = ()
    sitemaps: Sequence[SitemapSource] = ()
    # URL names of the domain's pages that exist for everyone (sitemap; the crawl finds the rest).
    public_pages: Sequence[str] = ()
    # `carrefour.core.datasets.Dataset`s: the domain's public lists in the open-data catalogue.
    datasets: Sequence[Any] = ()
    home_sections: Sequence[HomeSection] = ()
    # "module.function" called as fn(stdout=...) by `load_demo`; "" means no demo data.
    demo: str = ""
    # "app_label.Model" of records that serve commitments (linked through declarations).
    commitment_models: Sequence[str] = ()
    # {"app_label.Model": "module.fn"}: who edits those records, when the domain's roles go
    # beyond core's rule (fn(user, obj) -> bool); `carrefour.core.visibility.may_edit` asks it.
    edit_rules: Mapping[str, str] = {}

    def ready(self) -> None:
        from carrefour.core.datasets import register_dataset
        from carrefour.core.home import register_home_section
        from carrefour.core.news import register_news_source
        from carrefour.core.search import register_search_source
        from carrefour.core.sitemaps import Pages, PublicRecords, register_sitemap

        for source in self.search_sources:
            register_search_source(source.key, source.label, Lazy(source.fn))
        for source in self.news_sources:
            register_news_source(source.key, source.label, Lazy(source.fn))
        for sitemap in self.sitemaps:
            register_sitemap(sitemap.key, PublicRecords(sitemap.records))
        if self.public_pages:
            register_sitemap(f"{self.label}-pages", Pages(list(self.public_pages)))
        for section in self.home_sections:
            register_home_section(section.order, Lazy(section.fn))
        for dataset in self.datasets:
            register_dataset(dataset)
        for label, rule in self.edit_rules.items():
            _EDIT_RULES[apps.get_model(label)] = Lazy(rule)

    @property
    def urls_module(self) -> str | None:
        return f"{self.name}.urls" if self.url_prefix else None

    def api(self) -> Any | None:
        return import_string(self.api_router) if self.api_router else None

    def demo_loader(self) -> Callable[..., Any] | None:
        return import_string(self.demo) if self.demo else None


def domains() -> list[DomainConfig]:
    """The installed domains, in the order of settings.DOMAINS."""
    found = []
    for name in settings.DOMAINS:
        config = next((c for c in apps.get_app_configs() if c.name == name), None)
        if not isinstance(config, DomainConfig):
            raise TypeError(f"{name} is in DOMAINS but its AppConfig does not subclass DomainConfig")
        found.append(config)
    return found


def domain(label: str) -> DomainConfig:
    for config in domains():
        if config.label == label:
            return config
    raise LookupError(label)


def url_patterns() -> list[Any]:
    """Every domain's pages under its prefix (inside i18n_patterns)."""
    from django.urls import include, path

    return [path(d.url_prefix, include(d.urls_module)) for d in domains() if d.urls_module]


def add_api_routers(api: Any) -> None:
    """Mount every domain's router on the one NinjaAPI at /api/<label>/."""
    for d in domains():
        router = d.api()
        if router is not None:
            api.add_router(f"/{d.label}/", router)


def commitment_models() -> list[type]:
    """The models whose records may serve commitments, as every domain declared them."""
    return [apps.get_model(label) for d in domains() for label in d.commitment_models]


def locale_paths(domain_names: Sequence[str]) -> list[str]:
    """LOCALE_PATHS for settings: core's catalogue first, then each domain's (before Django's)."""
    names = ["carrefour.core", *domain_names]
    paths = []
    for name in names:
        spec = util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            raise ImportError(name)
        paths.append(f"{next(iter(spec.submodule_search_locations))}/locale")
    return paths

