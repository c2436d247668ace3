from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "carrefour.directory"
    label = "directory"
    verbose_name = _("Directory")

    def ready(self) -> None:
        from carrefour.core.search import register_search_source
        from carrefour.directory.selectors import search_hits

        register_search_source("directory", _("Directory"), search_hits)
        from carrefour.core.sitemaps import PublicRecords, register_sitemap
        from carrefour.directory import selectors as directory_selectors

        register_sitemap("jurisdictions", PublicRecords(lambda user: directory_selectors.jurisdiction_list()))
        register_sitemap("organizations", PublicRecords(lambda user: directory_selectors.organization_list()))
        register_sitemap("teams", PublicRecords(lambda user: directory_selectors.team_list(user=user)))
        from carrefour.core.datasets import Dataset, register_dataset
        from carrefour.directory import signals  # noqa: F401

        register_dataset(
            Dataset(
                key="jurisdictions",
                title=_("Jurisdictions"),
                description=_("Federal, provincial, territorial and municipal governments, with their email domains."),
                url_name="directory:jurisdictions",
                keywords=("government", "jurisdiction"),
            )
        )
        register_dataset(
            Dataset(
                key="organizations",
                title=_("Organizations"),
                description=_("Departments, agencies, municipalities, academic, non-profit, Indigenous and international organizations."),
                url_name="directory:organizations",
                keywords=("organization",),
            )
        )
        register_dataset(
            Dataset(
                key="teams",
                title=_("Teams and networks"),
                description=_("Networks, collaboration tables, committees and communities of practice."),
                url_name="directory:teams",
                keywords=("network", "community of practice"),
            )
        )
