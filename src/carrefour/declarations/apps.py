from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def home_section(*, user):
    from django.urls import reverse
    from django.utils.translation import gettext

    from carrefour.declarations import selectors
    from carrefour.declarations.models import Declaration

    declarations = selectors.declaration_list(user=user)
    return {
        "title": gettext("Declarations"),
        "text": gettext("Joint declarations from drafting to endorsement, and the work done for each commitment."),
        "url": reverse("declarations:index"),
        "stats": [
            (gettext("Adopted"), declarations.filter(status=Declaration.Status.ADOPTED).count()),
            (gettext("In preparation"), declarations.exclude(
                status__in=[Declaration.Status.ADOPTED, Declaration.Status.RETIRED]).count()),
        ],
    }


class DeclarationsConfig(AppConfig):
    name = "carrefour.declarations"
    label = "declarations"
    verbose_name = _("Declarations")

    def ready(self) -> None:
        from carrefour.core.search import register_search_source
        from carrefour.declarations.selectors import search_hits

        register_search_source("declarations", _("Declarations"), search_hits)
        from carrefour.core.sitemaps import PublicRecords, register_sitemap
        from carrefour.declarations import selectors as declaration_selectors

        register_sitemap("declarations", PublicRecords(lambda user: declaration_selectors.declaration_list(user=user)))
        register_sitemap("commitments", PublicRecords(lambda user: declaration_selectors.commitment_list(user=user)))
        from carrefour.core.news import register_news_source
        from carrefour.declarations.selectors import news_items

        register_news_source("declarations", _("Declarations"), news_items)
        from carrefour.core.datasets import Dataset, register_dataset
        from carrefour.core.home import register_home_section

        register_home_section(10, home_section)
        register_dataset(
            Dataset(
                key="declarations",
                title=_("Declarations"),
                description=_("Joint declarations with their status, adoption date, number of commitments and endorsements."),
                url_name="declarations:index",
                keywords=("declaration", "commitment", "endorsement"),
            )
        )
