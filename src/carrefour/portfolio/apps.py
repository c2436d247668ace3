from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def home_section(*, user):
    from django.urls import reverse
    from django.utils.translation import gettext

    from carrefour.portfolio import selectors
    from carrefour.portfolio.models import Status

    initiatives = selectors.initiative_list(user=user)
    return {
        "title": gettext("Innovation portfolio"),
        "text": gettext("Collaboration tables, their priorities and initiatives, key achievements and progress reports."),
        "url": reverse("portfolio:index"),
        "stats": [
            (gettext("Initiatives"), initiatives.count()),
            (gettext("At risk or blocked"), initiatives.filter(status__in=[Status.AT_RISK, Status.BLOCKED]).count()),
        ],
    }


class PortfolioConfig(AppConfig):
    name = "carrefour.portfolio"
    label = "portfolio"
    verbose_name = _("Portfolio")

    def ready(self) -> None:
        from carrefour.core.search import register_search_source
        from carrefour.portfolio.selectors import search_hits

        register_search_source("portfolio", _("Portfolio"), search_hits)
        from carrefour.core.sitemaps import PublicRecords, register_sitemap
        from carrefour.portfolio import selectors as portfolio_selectors

        register_sitemap("tables", PublicRecords(lambda user: portfolio_selectors.table_list(user=user)))
        register_sitemap("initiatives", PublicRecords(lambda user: portfolio_selectors.initiative_list(user=user)))
        from carrefour.core.news import register_news_source
        from carrefour.portfolio.selectors import news_items

        register_news_source("achievements", _("Achievements"), news_items)
        from carrefour.core.datasets import Dataset, register_dataset
        from carrefour.core.home import register_home_section

        register_home_section(30, home_section)
        register_dataset(
            Dataset(
                key="initiatives",
                title=_("Initiatives"),
                description=_("The shared portfolio: initiatives with their lead and partner jurisdictions, collaboration table, priority, innovation facets, stage, status and dates."),
                url_name="portfolio:index",
                keywords=("innovation", "portfolio", "initiative"),
            )
        )
