"""A new, empty domain: its package plus one line in DOMAINS (see settings.py beside it)."""

from carrefour.core import domains
from carrefour.core.domains import HomeSection, SitemapSource, Source


class SampleDomainConfig(domains.DomainConfig):
    name = "tests.sample_domain"
    label = "sample_domain"
    verbose_name = "Sample"

    url_prefix = "sample/"
    api_router = "tests.sample_domain.api.router"
    search_sources = [Source("sample", "Sample", "tests.sample_domain.selectors.search_hits")]
    news_sources = [Source("sample", "Sample", "tests.sample_domain.selectors.news_items")]
    sitemaps = [SitemapSource("sample-things", "tests.sample_domain.selectors.thing_list")]
    public_pages = ["sample_domain:index"]
    home_sections = [HomeSection(99, "tests.sample_domain.selectors.home_section")]
    demo = "tests.sample_domain.selectors.load_demo"
