"""Test settings shared by the whole suite: a real database, real files, no network."""

from __future__ import annotations

import pytest


def pytest_configure(config):
    # WhiteNoise looks in STATIC_ROOT when the app starts; tests serve static files through
    # the finders, so an empty directory stands in for `collectstatic` (no warning per test).
    from django.conf import settings

    settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    # Static files are served by finders in tests: no collectstatic manifest needed.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tasks run in the test process when their transaction commits; the worker itself
    # (django_tasks_db) is exercised by the tests that enqueue on the database backend.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _english_by_default():
    # A request to a /fr/ page leaves French active in this thread; each test starts in English.
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture
def directory_demo(db):
    """The seeds' jurisdictions, organizations, teams and demo people."""
    from carrefour.directory import demo

    demo.load()
