"""The portfolio in a real browser: charts, table, report, initiative and forms pass axe in both languages."""

from __future__ import annotations

import pytest

from tests.browser.conftest import assert_accessible


@pytest.fixture
def portfolio_data(directory_demo):
    from carrefour.portfolio import demo

    demo.load()


def _login(page, email="amelie.tremblay@canada.ca"):
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(email=email))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": page.base_url}])


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_portfolio_pages_pass_axe(page, portfolio_data, lang):
    from carrefour.portfolio.models import Initiative

    initiative = Initiative.objects.get(title_en="Death Notification")
    pages = [
        ("portfolio", f"/{lang}/portfolio/"),
        ("portfolio-filtered", f"/{lang}/portfolio/?facet=enhancement&status=on_track"),
        ("tables", f"/{lang}/portfolio/tables/"),
        ("table", f"/{lang}/portfolio/tables/fpt-dm-service/"),
        ("report", f"/{lang}/portfolio/tables/fpt-dm-service/report/?start=2017-04-01&end=2018-03-31"),
        ("initiative", f"/{lang}/portfolio/initiatives/{initiative.pk}/"),
        ("whats-new", f"/{lang}/portfolio/new/?since=2017-04-01"),
        ("assessment", f"/{lang}/portfolio/assessment/"),
    ]
    for name, path in pages:
        response = page.goto(page.base_url + path)
        assert response.status == 200, path
        assert page.locator("html").get_attribute("lang") == lang
        assert_accessible(page, f"portfolio-{name}-{lang}")
    page.goto(page.base_url + f"/{lang}/portfolio/")
    assert page.locator("figure.cf-chart svg[role=img]").count() == 2
    assert page.locator("figure.cf-chart svg[role=img] title").first.text_content()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_editor_forms_pass_axe(page, portfolio_data, lang):
    from carrefour.portfolio.models import Initiative

    _login(page)
    initiative = Initiative.objects.get(title_en="Open Data")
    for name, path in [
        ("edit", f"/{lang}/portfolio/initiatives/{initiative.pk}/edit/"),
        ("new", f"/{lang}/portfolio/initiatives/new/?table=fpt-dm-service"),
        ("import", f"/{lang}/portfolio/tables/fpt-dm-service/import/"),
        ("assessment-form", f"/{lang}/portfolio/assessment/"),
        ("initiative-editor", f"/{lang}/portfolio/initiatives/{initiative.pk}/"),
    ]:
        response = page.goto(page.base_url + path)
        assert response.status == 200, path
        assert_accessible(page, f"portfolio-{name}-{lang}")


def test_filter_form_submits_and_report_links(browser, page, portfolio_data):
    from django.contrib.auth.models import AnonymousUser

    from carrefour.portfolio.selectors import initiative_list

    in_design = initiative_list(user=AnonymousUser(), stage="design").count()
    assert 0 < in_design < initiative_list(user=AnonymousUser()).count()  # the filter narrows the list
    page.goto(page.base_url + "/en/portfolio/")
    page.locator('gcds-select[name="stage"] select').select_option("design")
    page.locator("#main-content form[role=search] gcds-button button").click()
    page.wait_for_url("**stage=design**")
    # The table is found by its caption, wherever its scrolling wrapper puts it.
    assert page.get_by_role("table", name="Initiatives", exact=True).locator("tbody tr").count() == in_design
    # Without JavaScript the design-system button is inert: its native twin submits the form.
    context = browser.new_context(java_script_enabled=False)
    try:
        nojs = context.new_page()
        nojs.set_default_timeout(30000)
        nojs.goto(page.base_url + "/en/portfolio/")
        nojs.locator("#main-content form[role=search] select#id_stage").select_option("design")
        with nojs.expect_navigation(url="**stage=design**"):
            nojs.locator("#main-content form[role=search] button[type=submit]", has_text="Filter").click()
        assert nojs.get_by_role("table", name="Initiatives", exact=True).locator("tbody tr").count() == in_design
    finally:
        context.close()
    page.goto(page.base_url + "/en/portfolio/tables/fpt-dm-service/report/?start=2017-04-01&end=2018-03-31")
    assert "Released DIY Open Data Toolkit for municipalities." in page.content()
    href = page.locator("a", has_text="CSV").first.get_attribute("href")
    response = page.request.get(page.url.split("?")[0] + href)
    assert response.ok and "-en.csv" in response.headers["content-disposition"]
    assert "Released DIY Open Data Toolkit for municipalities." in response.text()


def test_secretariat_deletes_then_restores_an_initiative_without_js_help(page, portfolio_data):
    from carrefour.portfolio.models import Achievement, Initiative

    _login(page)
    initiative = Initiative.objects.get(title_en="Death Notification")
    achievement = Achievement.objects.filter(initiative=initiative).first()
    page.goto(page.base_url + f"/fr/portfolio/achievements/{achievement.pk}/edit/")
    assert_accessible(page, "portfolio-achievement-edit-fr")
    page.goto(page.base_url + f"/fr/portfolio/initiatives/{initiative.pk}/delete/")
    assert_accessible(page, "portfolio-initiative-delete-fr")
    page.locator("textarea[name=reason], gcds-textarea[name=reason] textarea").first.fill("Doublon")
    page.locator("form gcds-button[type=submit]").click()
    page.wait_for_url("**/fr/portfolio/tables/fpt-dm-service/")
    page.goto(page.base_url + "/fr/portfolio/tables/fpt-dm-service/deleted/")
    assert_accessible(page, "portfolio-deleted-fr")
    # Same address before and after: wait for the navigation itself.
    with page.expect_navigation(url="**/fr/portfolio/tables/fpt-dm-service/deleted/"):
        page.locator(f"form[action$='/initiatives/{initiative.pk}/restore/'] button").click()
    assert "restaurée" in page.content()
    initiative.refresh_from_db()
    assert initiative.deleted_at is None


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_table_creation_and_members_pages_pass_axe(page, portfolio_data, lang):
    from carrefour.directory.models import Jurisdiction
    from carrefour.portfolio.models import Table

    _login(page)
    page.goto(page.base_url + f"/{lang}/portfolio/tables/new/")
    assert_accessible(page, f"portfolio-table-create-{lang}")
    page.goto(page.base_url + f"/{lang}/portfolio/tables/fpt-dm-service/members/")
    assert_accessible(page, f"portfolio-members-{lang}")
    durham = Jurisdiction.objects.get(code="durham")
    page.locator("form[action$='/members/'] select[name=jurisdiction]").select_option(value=str(durham.pk))
    with page.expect_navigation(url=f"**/{lang}/portfolio/tables/fpt-dm-service/members/"):
        page.locator("form[action$='/members/'] gcds-button[type=submit]").click()
    assert Table.objects.get(slug="fpt-dm-service").member_jurisdictions.filter(code="durham").exists()
    assert_accessible(page, f"portfolio-members-added-{lang}")


def test_new_initiative_sent_twice_is_added_once(page, portfolio_data):
    """A double click on Save (two submissions of one form) adds one initiative."""
    from carrefour.portfolio.models import Initiative

    _login(page)
    page.goto(page.base_url + "/en/portfolio/initiatives/new/?table=fpt-dm-service")
    page.locator("gcds-input[name=title_en] input, input[name=title_en]").first.fill("Double-click pilot")
    page.locator("gcds-input[name=title_fr] input, input[name=title_fr]").first.fill("Projet du double clic")
    page.locator("form gcds-button[type=submit]").dblclick()
    page.wait_for_url("**/en/portfolio/initiatives/*/")
    assert "The initiative was added." in page.content()
    assert Initiative.objects.filter(title_en="Double-click pilot").count() == 1


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_two_editors_at_once_merge_or_see_both_values(page, portfolio_data, lang):
    """A save made elsewhere (another tab) while I edit: a change to another field is merged; the same
    field shows both values on a page that passes axe, my text still in the form, and saving again
    keeps their other change."""
    from django.contrib.auth import get_user_model

    from carrefour.portfolio import services
    from carrefour.portfolio.models import Initiative

    _login(page)
    initiative = Initiative.objects.get(title_en="Open Data")
    other = get_user_model().objects.get(email="amelie.tremblay@canada.ca")
    summary = "gcds-textarea[name=summary_en] textarea, textarea[name=summary_en]"
    submit = "form gcds-button[type=submit]"
    url = page.base_url + f"/{lang}/portfolio/initiatives/{initiative.pk}/edit/"

    page.goto(url)
    services.initiative_update(initiative=Initiative.objects.get(pk=initiative.pk), actor=other,
                               data={"status": "at_risk"})
    page.locator(summary).first.fill("My summary, merged.")
    page.locator(submit).click()
    page.wait_for_url(f"**/{lang}/portfolio/initiatives/{initiative.pk}/")
    saved = Initiative.objects.get(pk=initiative.pk)
    assert (saved.status, saved.summary_en) == ("at_risk", "My summary, merged.")
    assert ("their changes were kept" if lang == "en" else "ses modifications ont été conservées") in page.content()

    page.goto(url)
    services.initiative_update(initiative=Initiative.objects.get(pk=initiative.pk), actor=other,
                               data={"summary_en": "Their summary.", "status": "blocked"})
    page.locator(summary).first.fill("My second summary.")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.locator(submit).click()
    assert answer.value.status == 409
    section = page.locator("section[aria-labelledby=conflict-title]")
    assert "Their summary." in section.inner_text() and "My second summary." in section.inner_text()
    assert page.locator(summary).first.input_value() == "My second summary."
    assert_accessible(page, f"portfolio-conflict-{lang}")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.locator(submit).click()
    assert answer.value.status == 302
    saved = Initiative.objects.get(pk=initiative.pk)
    assert (saved.status, saved.summary_en) == ("blocked", "My second summary.")
