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
    ("privacy", "/{lang}/privacy/"),
    ("terms", "/{lang}/terms/"),
    ("accessibility", "/{lang}/accessibility/"),
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


@pytest.mark.parametrize(
    ("lang", "line", "footer"),
    [
        ("en", "Federal, provincial, territorial and municipal governments of Canada",
         ["Privacy", "Terms of use", "Accessibility"]),
        ("fr", "Gouvernements fédéral, provinciaux, territoriaux et municipaux du Canada",
         ["Confidentialité", "Conditions d'utilisation", "Accessibilité"]),
    ],
)
def test_the_header_shows_carrefour_and_the_footer_its_notices_on_a_phone(browser, live_server, transactional_db,
                                                                         lang, line, footer):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-CA")
    try:
        page = context.new_page()
        page.set_default_timeout(30000)
        page.goto(f"{live_server.url}/{lang}/")
        # The footer's links exist only once the components have run: wait for them first.
        links = page.locator("gcds-footer .gcds-footer__sub gcds-link")
        links.first.locator("a").wait_for()
        assert [" ".join(t.split()) for t in links.all_inner_texts()] == footer
        hrefs = [links.nth(i).locator("a").get_attribute("href") for i in range(links.count())]
        assert hrefs == [f"/{lang}/privacy/", f"/{lang}/terms/", f"/{lang}/accessibility/"]
        assert page.locator("gcds-header gcds-signature").count() == 0  # no single government's signature
        identity = page.locator("gcds-header a.cf-identity")
        assert " ".join(identity.inner_text().split()) == f"Carrefour {line}"
        box = identity.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing pushes the page sideways
        assert_accessible(page, f"header-phone-{lang}")
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_portfolio_filter_form_works_without_javascript(browser, live_server, directory_demo, lang):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        page.goto(f"{live_server.url}/{lang}/portfolio/")
        assert not page.locator("gcds-select").first.is_visible()  # no options spilled as plain text
        jurisdiction = page.locator("select#id_jurisdiction")
        assert jurisdiction.is_visible()
        assert jurisdiction.locator("option[value='on']").inner_text() == "Ontario"
        jurisdiction.select_option("on")
        page.fill("input#id_q", "service")
        with page.expect_navigation():
            # The form's own button is a design-system component (nothing to click without its
            # script until portfolio uses gcds_submit); Enter in the text field submits the form.
            page.press("input#id_q", "Enter")
        assert "jurisdiction=on" in page.url and "q=service" in page.url
        assert page.locator("select#id_jurisdiction").input_value() == "on"
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_on_a_phone_headings_keep_their_lines_apart_and_the_search_button_is_whole(browser, live_server,
                                                                                  transactional_db, lang):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-CA")
    try:
        page = context.new_page()
        page.set_default_timeout(30000)
        page.goto(f"{live_server.url}/{lang}/privacy/")  # a long heading, and headings inside
        button = page.locator("gcds-search button")
        button.wait_for()
        form = page.locator("gcds-search form").bounding_box()
        box = button.bounding_box()
        assert box["x"] + box["width"] <= form["x"] + form["width"] + 0.5 <= 390
        sizes = page.evaluate("""() => [...document.querySelectorAll('#main-content h1, #main-content h2')]
            .map(h => [parseFloat(getComputedStyle(h).lineHeight), parseFloat(getComputedStyle(h).fontSize)])""")
        assert sizes and all(line >= size for line, size in sizes), sizes
    finally:
        context.close()
