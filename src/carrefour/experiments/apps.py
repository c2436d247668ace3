from django.utils.translation import gettext_lazy as _

from carrefour.core import domains
from carrefour.core.datasets import Dataset
from carrefour.core.domains import HomeSection, SitemapSource, Source


class ExperimentsConfig(domains.DomainConfig):
    """Everything this domain contributes to the platform (carrefour.core.domains)."""

    name = "carrefour.experiments"
    label = "experiments"
    verbose_name = _("Experiments")

    url_prefix = "experiments/"
    api_router = "carrefour.experiments.api.router"
    search_sources = [Source("experiments", _("Experiments"), "carrefour.experiments.selectors.search_hits")]
    news_sources = [Source("results", _("Published results"), "carrefour.experiments.selectors.news_items")]
    sitemaps = [SitemapSource("experiments", "carrefour.experiments.selectors.experiment_list")]
    public_pages = ["experiments:index", "experiments:what_works"]
    home_sections = [
        HomeSection(40, "carrefour.experiments.home.experiments_section"),
        HomeSection(45, "carrefour.experiments.home.evidence_section"),
    ]
    datasets = [
        Dataset(
            key="experiments",
            title=_("Experiments"),
            description=_("Experiments with their jurisdiction, intervention type, outcome domain, stage, registration date and verdict."),
            url_name="experiments:index",
            keywords=("experiment", "randomized controlled trial"),
        ),
        Dataset(
            key="what-works",
            title=_("What works: published results"),
            description=_("One row per published experiment, outcome and arm: intervention type, outcome domain, registration and publication dates, the team's verdict, and the effect with its standard error and confidence interval."),
            url_name="experiments:what_works",
            keywords=("evidence", "what works", "experiment"),
        ),
    ]
    demo = "carrefour.experiments.demo.load"
    commitment_models = ["experiments.Experiment"]
