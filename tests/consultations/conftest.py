"""Rate-limit counters live in the database cache: each test starts with an empty one, in English."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.utils import translation


@pytest.fixture(autouse=True)
def _clean_state(db):
    cache.clear()
    with translation.override("en"):
        yield
