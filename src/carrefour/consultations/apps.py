from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def home_section(*, user):
    from django.urls import reverse
    from django.utils import timezone
    from django.utils.translation import gettext

    from carrefour.consultations import selectors

    consultations = selectors.consultation_list(user=user)
    now = timezone.now()
    return {
        "title": gettext("Consultations"),
        "text": gettext("Comment on drafts paragraph by paragraph, and read what was heard."),
        "url": reverse("consultations:index"),
        "stats": [
            (gettext("Open now"), consultations.filter(opens_at__lte=now, closes_at__gt=now).count()),
            (gettext("Closed"), consultations.filter(closes_at__lte=now).count()),
        ],
    }


class ConsultationsConfig(AppConfig):
    name = "carrefour.consultations"
    label = "consultations"
    verbose_name = _("Consultations")

    def ready(self) -> None:
        from carrefour.consultations.selectors import search_hits
        from carrefour.core.search import register_search_source

        register_search_source("consultations", _("Consultations"), search_hits)
        from carrefour.consultations import selectors as consultation_selectors
        from carrefour.core.sitemaps import PublicRecords, register_sitemap

        register_sitemap("consultations", PublicRecords(lambda user: consultation_selectors.consultation_list(user=user)))
        from carrefour.consultations.selectors import news_items
        from carrefour.core.news import register_news_source

        register_news_source("consultations", _("Consultations"), news_items)
        from carrefour.core.datasets import Dataset, register_dataset
        from carrefour.core.home import register_home_section

        register_home_section(20, home_section)
        register_dataset(
            Dataset(
                key="consultations",
                title=_("Consultations"),
                description=_("Public consultations on draft texts, with their opening and closing dates, phase and number of comments."),
                url_name="consultations:index",
                keywords=("consultation", "public comment"),
            )
        )
