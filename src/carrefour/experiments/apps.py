from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExperimentsConfig(AppConfig):
    name = "carrefour.experiments"
    label = "experiments"
    verbose_name = _("Experiments")

    def ready(self) -> None:
        from carrefour.core.search import register_search_source
        from carrefour.experiments.selectors import search_hits

        register_search_source("experiments", _("Experiments"), search_hits)
        from carrefour.core.sitemaps import PublicRecords, register_sitemap
        from carrefour.experiments import selectors as experiment_selectors

        register_sitemap("experiments", PublicRecords(lambda user: experiment_selectors.experiment_list(user=user)))
        from carrefour.core.news import register_news_source
        from carrefour.experiments.selectors import news_items

        register_news_source("results", _("Published results"), news_items)
        from carrefour.core.datasets import Dataset, register_dataset
        from carrefour.core.home import register_home_section

        register_home_section(40, _home_experiments)
        register_home_section(45, _home_evidence)
        register_dataset(
            Dataset(
                key="experiments",
                title=_("Experiments"),
                description=_("Experiments with their jurisdiction, intervention type, outcome domain, stage, registration date and verdict."),
                url_name="experiments:index",
                keywords=("experiment", "randomized controlled trial"),
            )
        )
        register_dataset(
            Dataset(
                key="what-works",
                title=_("What works: published results"),
                description=_("One row per published experiment, outcome and arm: intervention type, outcome domain, registration and publication dates, the team's verdict, and the effect with its standard error and confidence interval."),
                url_name="experiments:what_works",
                keywords=("evidence", "what works", "experiment"),
            )
        )


def _home_experiments(*, user):
    from django.urls import reverse

    from carrefour.experiments.selectors import home_stats

    counts = home_stats(user=user)
    return {
        "title": _("Experiments"),
        "text": _("Plans registered before they start, randomization, analysis and published results — null and negative results included."),
        "url": reverse("experiments:index"),
        "stats": [(_("Experiments"), counts["experiments"]), (_("Published results"), counts["published"])],
    }


def _home_evidence(*, user):
    from django.urls import reverse

    from carrefour.experiments.selectors import evidence_groups

    groups = evidence_groups(user=user)
    return {
        "title": _("What works"),
        "text": _("Published experiments grouped by intervention and outcome, pooled across jurisdictions."),
        "url": reverse("experiments:what_works"),
        "stats": [(_("Evidence groups"), len(groups))],
    }
