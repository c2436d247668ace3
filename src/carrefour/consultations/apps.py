from django.utils.translation import gettext_lazy as _

from carrefour.core import domains
from carrefour.core.datasets import Dataset
from carrefour.core.domains import HomeSection, SitemapSource, Source


class ConsultationsConfig(domains.DomainConfig):
    """Everything this domain contributes to the platform (carrefour.core.domains)."""

    name = "carrefour.consultations"
    label = "consultations"
    verbose_name = _("Consultations")

    url_prefix = "consultations/"
    api_router = "carrefour.consultations.api.router"
    search_sources = [Source("consultations", _("Consultations"), "carrefour.consultations.selectors.search_hits")]
    news_sources = [Source("consultations", _("Consultations"), "carrefour.consultations.selectors.news_items")]
    sitemaps = [SitemapSource("consultations", "carrefour.consultations.selectors.consultation_list")]
    public_pages = ["consultations:index"]
    home_sections = [HomeSection(20, "carrefour.consultations.home.home_section")]
    datasets = [
        Dataset(
            key="consultations",
            title=_("Consultations"),
            description=_("Public consultations on draft texts, with their opening and closing dates, phase and number of comments."),
            url_name="consultations:index",
            keywords=("consultation", "public comment"),
        )
    ]
    demo = "carrefour.consultations.demo.load"
