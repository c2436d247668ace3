"""Carrefour's settings with one more domain: the one line a new domain needs."""

from carrefour.config.settings import *  # noqa: F403
from carrefour.config.settings import DOMAINS, domain_settings

DOMAINS, INSTALLED_APPS, LOCALE_PATHS = domain_settings([*DOMAINS, "tests.sample_domain"])
