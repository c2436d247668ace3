from django.utils.translation import gettext_lazy as _

from carrefour.core import domains
from carrefour.core.datasets import Dataset
from carrefour.core.domains import SitemapSource, Source


class DirectoryConfig(domains.DomainConfig):
    """Everything this domain contributes to the platform (carrefour.core.domains)."""

    name = "carrefour.directory"
    label = "directory"
    verbose_name = _("Directory")

    url_prefix = "directory/"
    search_sources = [Source("directory", _("Directory"), "carrefour.directory.selectors.search_hits")]
    sitemaps = [
        SitemapSource("jurisdictions", "carrefour.directory.selectors.jurisdiction_list", takes_user=False),
        SitemapSource("organizations", "carrefour.directory.selectors.organization_list", takes_user=False),
        SitemapSource("teams", "carrefour.directory.selectors.team_list"),
    ]
    public_pages = ["directory:index"]
    datasets = [
        Dataset(
            key="jurisdictions",
            title=_("Jurisdictions"),
            description=_("Federal, provincial, territorial and municipal governments, with their email domains."),
            url_name="directory:jurisdictions",
            keywords=("government", "jurisdiction"),
        ),
        Dataset(
            key="organizations",
            title=_("Organizations"),
            description=_("Departments, agencies, municipalities, academic, non-profit, Indigenous and international organizations."),
            url_name="directory:organizations",
            keywords=("organization",),
        ),
        Dataset(
            key="teams",
            title=_("Teams and networks"),
            description=_("Networks, collaboration tables, committees and communities of practice."),
            url_name="directory:teams",
            keywords=("network", "community of practice"),
        ),
    ]
    demo = "carrefour.directory.demo.load"

    def ready(self) -> None:
        super().ready()
        from carrefour.directory import signals  # noqa: F401
