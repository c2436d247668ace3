from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "carrefour.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from carrefour.core.sitemaps import Pages, register_sitemap

        register_sitemap("pages", Pages([
            "core:home", "core:whats_new", "directory:index", "declarations:index", "consultations:index",
            "portfolio:index", "experiments:index", "experiments:what_works", "opendata:index",
        ]))
