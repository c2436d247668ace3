"""Playwright driving Debian chromium, with axe-core from node_modules injected into pages.

Without /usr/bin/chromium these tests are skipped, and the reason is printed (-ra).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the
# test body are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"

pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (apt-get install chromium): browser tests skipped")
    if not AXE.exists():
        pytest.skip("axe-core is not installed (npm ci): browser tests skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                # Without it Chromium probes for a proxy on the closed network: 8 s per first page.
                "--no-proxy-server",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def browser_context(browser):
    # One context for the session keeps the static files cached between tests (3 s a page
    # otherwise); each test starts with no cookies, so no session leaks from one to the next.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-CA")
    yield context
    context.close()


@pytest.fixture
def page(browser_context, live_server, transactional_db):
    from django.core.cache import cache

    # The database cache table is not flushed between transactional tests: rate-limit
    # counters would carry over from one browser test to the next.
    cache.clear()
    browser_context.clear_cookies()
    page = browser_context.new_page()
    # Generous: CI runs two suites on a shared two-core machine.
    page.set_default_timeout(30000)
    page.base_url = live_server.url  # type: ignore[attr-defined]
    yield page
    page.close()
    browser_context.clear_cookies()


def axe_violations(page, *, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core (WCAG 2.1 A/AA rules) on the page; return the violations of these impacts."""
    page.wait_for_load_state("networkidle")
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
            resultTypes: ['violations'],
        })"""
    )
    return [v for v in result["violations"] if v.get("impact") in impacts]


def assert_accessible(page, name: str = "") -> None:
    violations = axe_violations(page)
    if violations:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"axe-{name or 'page'}.png"), full_page=True)
    summary = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}" for v in violations
    ]
    assert not violations, f"axe found serious/critical violations on {page.url}:\n" + "\n".join(summary)


@pytest.fixture
def axe():
    return assert_accessible
