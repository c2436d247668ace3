from django.utils.translation import gettext_lazy as _

from carrefour.core import domains
from carrefour.core.datasets import Dataset
from carrefour.core.domains import HomeSection, SitemapSource, Source


class DeclarationsConfig(domains.DomainConfig):
    """Everything this domain contributes to the platform (carrefour.core.domains)."""

    name = "carrefour.declarations"
    label = "declarations"
    verbose_name = _("Declarations")

    url_prefix = "declarations/"
    api_router = "carrefour.declarations.api.router"
    search_sources = [Source("declarations", _("Declarations"), "carrefour.declarations.selectors.search_hits")]
    news_sources = [Source("declarations", _("Declarations"), "carrefour.declarations.selectors.news_items")]
    sitemaps = [
        SitemapSource("declarations", "carrefour.declarations.selectors.declaration_list"),
        SitemapSource("commitments", "carrefour.declarations.selectors.commitment_list"),
    ]
    public_pages = ["declarations:index"]
    home_sections = [HomeSection(10, "carrefour.declarations.home.home_section")]
    datasets = [
        Dataset(
            key="declarations",
            title=_("Declarations"),
            description=_("Joint declarations with their status, adoption date, number of commitments and endorsements."),
            url_name="declarations:index",
            keywords=("declaration", "commitment", "endorsement"),
        )
    ]
    demo = "carrefour.declarations.demo.load"
