"""A new person in a real browser: sign up, verify, sign in, switch language, browse the
directory, and report a problem with and without JavaScript — axe-checked in both languages."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache

from tests.browser.conftest import assert_accessible

PASSWORD = "a-long-and-unusual-passphrase"


@pytest.fixture(autouse=True)
def _fresh_rate_limits(transactional_db):
    # Rate-limit counters live in the database cache, which transactional tests do not empty.
    cache.clear()


def _submit(page) -> None:
    """Click the page's main form button (not the report-a-problem form's)."""
    with page.expect_navigation():
        page.locator('#main-content form:not(.cf-report-form) button[type="submit"]').first.click()


def _toggle_language(page) -> None:
    page.locator("gcds-header gcds-lang-toggle a, gcds-lang-toggle >> a").first.click()
    page.wait_for_load_state("load")


def test_sign_up_verify_sign_in_switch_language_and_browse(page, directory_demo):
    from carrefour.directory.models import User

    base = page.base_url
    # Sign up on the French pages: the verification email and its link are in French too.
    page.goto(base + "/fr/accounts/signup/")
    assert_accessible(page, "signup-fr")
    page.fill('input[name="email"]', "new.person@ontario.ca")
    page.fill('input[name="password1"]', PASSWORD)
    page.fill('input[name="password2"]', PASSWORD)
    _submit(page)
    page.wait_for_url(re.compile(r"/fr/accounts/confirm-email/$"))
    assert_accessible(page, "verification-sent-fr")

    (message,) = mail.outbox
    link = re.search(r"https?://[^/\s]+(/fr/accounts/confirm-email/\S+/)", message.body).group(1)
    page.goto(base + link)
    assert_accessible(page, "confirm-email-fr")
    _submit(page)
    page.wait_for_url(re.compile(r"/fr/$"))
    user = User.objects.get(email="new.person@ontario.ca")
    assert user.is_public_servant and user.jurisdiction.code == "on"
    assert user.preferred_language == "fr"

    # Sign out, then sign in again with the verified address.
    page.goto(base + "/fr/accounts/logout/")
    assert_accessible(page, "logout-fr")
    _submit(page)
    page.goto(base + "/en/accounts/login/")
    assert_accessible(page, "login-en")
    page.fill('input[name="login"]', "new.person@ontario.ca")
    page.fill('input[name="password"]', PASSWORD)
    _submit(page)
    page.wait_for_url(re.compile(r"/en/$"))

    response = page.goto(base + "/en/directory/me/")
    assert "Public servant, Ontario" in page.content()
    # A page for one signed-in person: no shared proxy nor the browser's disk may keep it.
    assert {"private", "no-store"} <= {d.strip() for d in response.headers["cache-control"].split(",")}
    assert_accessible(page, "me-en")
    _toggle_language(page)
    page.wait_for_url(re.compile(r"/fr/directory/me/$"))
    assert page.locator("html").get_attribute("lang") == "fr"
    assert "Fonctionnaire, Ontario" in page.content()
    assert_accessible(page, "me-fr")

    page.goto(base + "/fr/directory/jurisdictions/")
    assert_accessible(page, "jurisdictions-fr")
    page.locator("#main-content a", has_text="Ontario").first.click()
    page.wait_for_url(re.compile(r"/fr/directory/jurisdictions/on/$"))
    assert page.locator("h1").inner_text().startswith("Ontario")
    assert_accessible(page, "jurisdiction-fr")

    page.goto(base + "/fr/directory/organizations/?kind=academic")
    assert "Collège Sheridan" in page.content()
    page.locator("#main-content a", has_text="Collège Sheridan").first.click()
    page.wait_for_url(re.compile(r"/fr/directory/organizations/[\w-]+/$"))
    assert_accessible(page, "organization-fr")
    _toggle_language(page)
    page.wait_for_url(re.compile(r"/en/directory/organizations/[\w-]+/$"))
    assert "Sheridan College" in page.content()


def _report(page, *, kinds: list[str], details: str) -> None:
    if page.locator("details.cf-report-problem").get_attribute("open") is None:
        page.locator("details.cf-report-problem summary").click()
    for kind in kinds:
        page.check(f'input[name="kinds"][value="{kind}"]')
    page.fill("#problem-details", details)
    with page.expect_navigation():  # often back to the same address: wait for the new page
        page.locator("form.cf-report-form button[type=submit]").click()


def test_report_a_problem_without_javascript_in_french(browser, live_server, directory_demo):
    from carrefour.core.models import ProblemReport

    context = browser.new_context(java_script_enabled=False, locale="fr-CA")
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        page.goto(live_server.url + "/fr/directory/organizations/?kind=academic")
        assert page.locator("summary").inner_text() == "Signaler un problème ou une erreur sur cette page"
        _report(page, kinds=["spelling", "outdated"], details="« Colege » est mal écrit.")
        page.wait_for_url(re.compile(r"/fr/directory/organizations/\?kind=academic$"))
        assert page.locator(".cf-messages").inner_text().strip() == "Merci de votre aide\u00a0! Vous ne recevrez pas de réponse."
        report = ProblemReport.objects.get()
        assert (report.page_url, report.page_title, report.language) == (
            "/fr/directory/organizations/?kind=academic", "Organisations", "fr")
        assert report.kinds == ["spelling", "outdated"] and report.details == "« Colege » est mal écrit."
    finally:
        context.close()


def test_report_a_problem_with_javascript_and_axe(page, directory_demo):
    from carrefour.core.models import ProblemReport

    page.goto(page.base_url + "/en/directory/jurisdictions/")
    page.locator("details.cf-report-problem summary").click()
    assert_accessible(page, "report-open-en")
    _report(page, kinds=["find"], details="Where are the First Nations governments?")
    page.wait_for_url(re.compile(r"/en/directory/jurisdictions/$"))
    assert "Thank you for your help! You will not receive a reply." in page.locator(".cf-messages").inner_text()
    assert_accessible(page, "report-thanks-en")
    assert ProblemReport.objects.get().kinds == ["find"]

    page.goto(page.base_url + "/fr/directory/")
    page.locator("details.cf-report-problem summary").click()
    assert_accessible(page, "report-open-fr")
    page.locator("form.cf-report-form button[type=submit]").click()  # nothing chosen: refused
    page.wait_for_url(re.compile(r"/fr/directory/$"))
    assert "Choisissez au moins un problème ou décrivez-le." in page.locator(".cf-messages").inner_text()
    assert ProblemReport.objects.count() == 1


@pytest.mark.parametrize(("lang", "submit", "filtered"), [("en", "Filter", "Sheridan College"),
                                                          ("fr", "Filtrer", "Collège Sheridan")])
def test_forms_work_without_javascript(browser, live_server, directory_demo, lang, submit, filtered):
    """Filter a list, and sign in, with scripting off: native controls, real options, a button that submits."""
    from tests.directory.factories import UserFactory

    UserFactory(email="nojs@example.org", display_name="No Script", password="correct-horse-battery")
    context = browser.new_context(java_script_enabled=False, locale="fr-CA" if lang == "fr" else "en-CA")
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        page.goto(f"{live_server.url}/{lang}/directory/organizations/")
        assert not page.locator("gcds-select").first.is_visible()  # no options spilled as plain text
        kind = page.locator("select#id_kind")
        assert kind.is_visible() and kind.locator("option").count() > 2
        kind.select_option("academic")
        with page.expect_navigation():
            page.get_by_role("button", name=submit, exact=True).click()
        assert "kind=academic" in page.url
        assert page.locator("select#id_kind").input_value() == "academic"
        assert filtered in page.locator("#main-content").inner_text()
        assert page.locator("form[role=search] label[for=id_kind]").is_visible()  # each control has its label

        page.goto(f"{live_server.url}/{lang}/accounts/login/")
        page.fill('input[name="login"]', "nojs@example.org")
        page.fill('input[name="password"]', "correct-horse-battery")
        _submit(page)
        page.goto(f"{live_server.url}/{lang}/directory/me/")
        assert "nojs@example.org" in page.locator("#main-content").inner_text()
    finally:
        context.close()
