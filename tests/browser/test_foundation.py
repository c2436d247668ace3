"""The foundation's pages in a real browser: axe in both languages, the language toggle."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import assert_accessible

PAGES = [
    ("home", "/{lang}/"),
    ("directory", "/{lang}/directory/"),
    ("jurisdictions", "/{lang}/directory/jurisdictions/"),
    ("organizations", "/{lang}/directory/organizations/"),
    ("sign-in", "/{lang}/accounts/login/"),
    ("sign-up", "/{lang}/accounts/signup/"),
    ("search", "/{lang}/search/?q=Ontario"),
    ("whats-new", "/{lang}/whats-new/"),
]


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize(("name", "path"), PAGES)
def test_pages_have_no_serious_axe_violations(page, directory_demo, name, path, lang):
    response = page.goto(page.base_url + path.format(lang=lang))
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == lang
    assert_accessible(page, f"{name}-{lang}")


def test_language_toggle_keeps_you_on_the_same_page(page, directory_demo):
    page.goto(page.base_url + "/en/directory/organizations/?kind=academic")
    toggle = page.locator("gcds-header gcds-lang-toggle a, gcds-lang-toggle >> a").first
    toggle.click()
    page.wait_for_url(re.compile(r"/fr/directory/organizations/\?kind=academic$"))
    assert page.locator("html").get_attribute("lang") == "fr"
    assert "Collège Sheridan" in page.content()
