from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "carrefour.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from carrefour.core import checks  # noqa: F401  (registers the deployment checks)
        from carrefour.core.sitemaps import Pages, register_sitemap

        # Core's own pages; each domain lists its own (DomainConfig.public_pages).
        register_sitemap("pages", Pages(["core:home", "core:whats_new", "core:privacy", "core:terms", "core:accessibility"]))
