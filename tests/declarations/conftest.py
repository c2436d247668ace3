import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    """Each test starts in English (a French page request leaves French active in this thread)."""
    with translation.override("en"):
        yield
