from django.utils.translation import gettext_lazy as _

from carrefour.core import domains
from carrefour.core.datasets import Dataset
from carrefour.core.domains import HomeSection, SitemapSource, Source


class PortfolioConfig(domains.DomainConfig):
    """Everything this domain contributes to the platform (carrefour.core.domains)."""

    name = "carrefour.portfolio"
    label = "portfolio"
    verbose_name = _("Portfolio")

    url_prefix = "portfolio/"
    api_router = "carrefour.portfolio.api.router"
    search_sources = [Source("portfolio", _("Portfolio"), "carrefour.portfolio.selectors.search_hits")]
    news_sources = [Source("achievements", _("Achievements"), "carrefour.portfolio.selectors.news_items")]
    sitemaps = [
        SitemapSource("tables", "carrefour.portfolio.selectors.table_list"),
        SitemapSource("initiatives", "carrefour.portfolio.selectors.initiative_list"),
    ]
    public_pages = ["portfolio:index"]
    home_sections = [HomeSection(30, "carrefour.portfolio.home.home_section")]
    datasets = [
        Dataset(
            key="initiatives",
            title=_("Initiatives"),
            description=_("The shared portfolio: initiatives with their lead and partner jurisdictions, collaboration table, priority, innovation facets, stage, status and dates."),
            url_name="portfolio:index",
            keywords=("innovation", "portfolio", "initiative"),
        )
    ]
    demo = "carrefour.portfolio.demo.load"
    commitment_models = ["portfolio.Initiative"]
    edit_rules = {
        "portfolio.Initiative": "carrefour.portfolio.permissions.can_edit_initiative",
        "portfolio.Table": "carrefour.portfolio.permissions.can_edit_table",
    }
