"""Every test starts with an empty cache (rate-limit counters live there) and in English
(a request to a /fr/ page leaves French active in the test's thread)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.utils import translation


@pytest.fixture(autouse=True)
def _clean_slate(db):
    cache.clear()
    translation.activate("en")
    yield
    translation.activate("en")
