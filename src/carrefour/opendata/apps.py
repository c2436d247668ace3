from django.utils.translation import gettext_lazy as _

from carrefour.core import domains


class OpendataConfig(domains.DomainConfig):
    """Everything this domain contributes to the platform (carrefour.core.domains)."""

    name = "carrefour.opendata"
    label = "opendata"
    verbose_name = _("Open data")

    url_prefix = "open-data/"
    public_pages = ["opendata:index"]
