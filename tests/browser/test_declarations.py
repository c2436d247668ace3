"""Declarations and consultations in a real browser, in both languages, with axe on every page:
a citizen comments in French on a paragraph; a moderator hides and restores it; the secretariat
publishes a new version of a declaration and compares it with the last."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.utils import translation
from django.utils.translation import ngettext

from carrefour.directory.demo import DEMO_PASSWORD
from tests.browser.conftest import assert_accessible

FRENCH_COMMENT = "« Signaux faibles » reste obscur : proposez « signes précurseurs » et un exemple."


@pytest.fixture
def demo(transactional_db, directory_demo):
    from carrefour.consultations import demo as consultations_demo
    from carrefour.declarations import demo as declarations_demo

    cache.clear()  # rate-limit counters live in the database cache
    declarations_demo.load()
    consultations_demo.load()
    cache.clear()


def _session(browser, base_url, email, lang):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=f"{lang}-CA")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{base_url}/{lang}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("form:not(.cf-report-form) [type=submit]").first.click()
    page.wait_for_url(re.compile(rf"/{lang}/$"))
    return context, page


def _french(page) -> str:
    """The page's HTML with French non-breaking spaces ("Merci\u00a0:", serialized as &nbsp;) read as spaces."""
    return page.content().replace("&nbsp;", " ").replace("\u00a0", " ")


def _submit(form) -> None:
    form.locator('gcds-button[type="submit"], button[type="submit"]').first.click()


def test_comment_moderate_publish_and_compare(page, browser, demo):
    from carrefour.consultations.models import Comment

    base = page.base_url
    # Anyone can read, in both languages.
    for path, name in (("/en/declarations/", "declarations-en"),
                       ("/fr/declarations/fpt-public-sector-innovation/", "fpt-fr"),
                       ("/en/declarations/fpt-public-sector-innovation/commitments/2/", "commitment-en"),
                       ("/fr/consultations/", "consultations-fr"),
                       ("/en/consultations/declaration-on-service-review/what-we-heard/", "what-we-heard-en"),
                       ("/fr/consultations/declaration-on-service-review/what-we-heard/", "what-we-heard-fr")):
        response = page.goto(base + path)
        assert response.status == 200
        assert_accessible(page, name)
    page.goto(base + "/fr/declarations/fpt-public-sector-innovation/")
    assert "Les 14 administrations invitées avaient toutes approuvé" in page.content()

    # 1. A citizen comments in French on a paragraph of the draft.
    context, citizen = _session(browser, base, "citizen@example.org", "fr")
    try:
        citizen.goto(base + "/fr/consultations/oecd-draft-declaration/")
        assert_accessible(citizen, "consultation-fr")
        citizen.locator("#p6 a", has_text="Commenter").click()
        citizen.wait_for_url(re.compile(r"/fr/consultations/oecd-draft-declaration/comment/\?p=6$"))
        assert_accessible(citizen, "comment-form-fr")
        citizen.select_option("select[name=category]", "terminology")
        citizen.fill("textarea[name=body]", FRENCH_COMMENT)
        _submit(citizen.locator("form[action$='/comment/']"))
        citizen.wait_for_url(re.compile(r"/fr/consultations/oecd-draft-declaration/#comment-\d+$"))
        assert "Merci : votre commentaire a été publié." in _french(citizen)
        comment = Comment.objects.get(body=FRENCH_COMMENT)
        assert (comment.language, comment.category, comment.paragraph.position) == ("fr", "terminology", 6)
        assert citizen.locator(f"#comment-{comment.pk}").inner_text().count("Citoyen") == 1
        assert_accessible(citizen, "consultation-commented-fr")
    finally:
        context.close()

    # 2. A moderator hides it with a reason, then restores it from the moderation page.
    context, moderator = _session(browser, base, "amelie.tremblay@canada.ca", "en")
    try:
        moderator.goto(base + "/en/consultations/oecd-draft-declaration/")
        card = moderator.locator(f"#comment-{comment.pk}")
        card.locator("summary", has_text="Hide").click()
        card.locator(f"#reason-{comment.pk}").fill("Testing moderation")
        with moderator.expect_navigation():
            card.locator("button", has_text="Hide this comment").click()
        comment.refresh_from_db()
        assert comment.state == "hidden"
        moderator.goto(base + "/en/consultations/oecd-draft-declaration/moderation/")
        assert_accessible(moderator, "moderation-en")
        card = moderator.locator(f"#comment-{comment.pk}")
        card.locator("summary", has_text="Restore").click()
        card.locator(f"#reason-{comment.pk}").fill("Reviewed: within the rules")
        card.locator("button", has_text="Restore this comment").click()
        moderator.wait_for_url(re.compile(r"/moderation/$"))
        comment.refresh_from_db()
        assert comment.state == "visible"
        # Support ("+1") is swapped in place by htmx.
        moderator.goto(base + "/en/consultations/oecd-draft-declaration/")
        card = moderator.locator(f"#comment-{comment.pk}")
        card.locator("button", has_text="+1 Support").click()
        moderator.locator(f"#comment-{comment.pk} .cf-badge", has_text="You support this").wait_for()
        assert "1 person supports this" in moderator.locator(f"#comment-{comment.pk}").inner_text()
        assert comment.supports.count() == 1
        moderator.locator(f"#comment-{comment.pk} p.cf-notice", has_text="Thank you: your support was counted.").wait_for()
        # The +1 can be withdrawn, in place too, and the card says so.
        moderator.locator(f"#comment-{comment.pk} button", has_text="Withdraw my +1").click()
        moderator.locator(f"#comment-{comment.pk} p.cf-notice", has_text="Your support was withdrawn.").wait_for()
        assert comment.supports.count() == 0
        assert_accessible(moderator, "support-withdrawn-en")
        # Flagging confirms to the flagger in the card; a moderator dismisses the flag from the queue.
        card = moderator.locator(f"#comment-{comment.pk}")
        card.locator("summary", has_text="Flag").click()
        card.locator(f"#flag-{comment.pk}").fill("Checking the flag")
        card.locator("button", has_text="Flag for review").click()
        moderator.locator(f"#comment-{comment.pk} p.cf-notice", has_text="you flagged this comment").wait_for()
        assert "You flagged this comment for review" in moderator.locator(f"#comment-{comment.pk}").inner_text()
        flag = comment.flags.get(reason="Checking the flag")
        moderator.goto(base + "/en/consultations/oecd-draft-declaration/moderation/")
        with moderator.expect_navigation():
            moderator.locator(f"#flag-{flag.pk} button", has_text="Dismiss this flag").click()
        assert "The flag was dismissed; the comment stays as it is." in moderator.content()
        flag.refresh_from_db()
        assert flag.dismissed_at is not None
        assert_accessible(moderator, "flag-dismissed-en")

        # 3. The secretariat publishes a new version and compares it with the last, in both languages.
        moderator.goto(base + "/en/declarations/declaration-on-service/")
        assert_accessible(moderator, "service-en")
        moderator.fill("input[name=note_en]", "Closing reworded after member review")
        moderator.fill("input[name=note_fr]", "Conclusion reformulée après l'examen des membres")
        with moderator.expect_navigation():
            moderator.locator("form[action$='/publish/'] gcds-button").click()
        assert "A new version was published." in moderator.content()
        moderator.locator("a", has_text="Compare versions").first.click()
        moderator.wait_for_url(re.compile(r"/en/declarations/declaration-on-service/versions/compare/$"))
        assert moderator.locator("ins.cf-diff-ins").count() > 0
        assert "the way we deliver service" in moderator.locator("ins.cf-diff-ins").first.inner_text()
        assert_accessible(moderator, "compare-en")
        moderator.goto(base + "/fr/declarations/declaration-on-service/versions/compare/?a=1&b=2")
        assert moderator.locator("ins.cf-diff-ins").count() > 0
        assert_accessible(moderator, "compare-fr")
        # A version that does not exist: a 404 that says which versions do.
        response = moderator.goto(base + "/en/declarations/declaration-on-service/versions/compare/?a=1&b=99")
        assert response.status == 404
        assert "There is no such version to compare." in moderator.locator(".cf-error-summary[role=alert]").inner_text()
        assert_accessible(moderator, "compare-missing-en")

        # 4. What's new lists the new version, in both languages.
        moderator.goto(base + "/en/whats-new/")
        assert "Declaration on Service (mock-up): version 2" in moderator.content()
        assert_accessible(moderator, "whats-new-en")
        moderator.goto(base + "/fr/whats-new/?kind=declarations")
        assert "Déclaration sur le service (maquette) : version 2" in _french(moderator)
        assert_accessible(moderator, "whats-new-fr")
    finally:
        context.close()


def test_secretariat_invites_and_a_signatory_endorses(page, browser, demo):
    from carrefour.declarations.models import Declaration, Endorsement
    from carrefour.directory.models import Jurisdiction, Team

    base = page.base_url
    on = Jurisdiction.objects.get(code="on")
    context, secretariat = _session(browser, base, "amelie.tremblay@canada.ca", "en")
    try:
        # The secretariat starts a declaration in French, from the declarations index.
        secretariat.goto(base + "/fr/declarations/")
        secretariat.locator("a", has_text="Nouvelle déclaration").click()
        secretariat.wait_for_url(re.compile(r"/fr/declarations/new/$"))
        assert_accessible(secretariat, "declaration-new-fr")
        for name, value in (("title_en", "Declaration on Data"), ("title_fr", "Déclaration sur les données"),
                            ("short_name_en", "DD"), ("short_name_fr", "DD"),
                            ("preamble_fr", "Nous, chefs de la fonction publique, convenons de ce qui suit.")):
            secretariat.fill(f"input[name={name}], textarea[name={name}]", value)
        secretariat.select_option("select[name=team]", str(Team.objects.get(slug="fpt-dm-service").pk))
        _submit(secretariat.locator("form[method=post]").filter(has=secretariat.locator("[name=team]")))
        secretariat.wait_for_url(re.compile(r"/fr/declarations/declaration-on-data/#commitments-h$"))
        assert "La déclaration a été créée" in secretariat.content()
        assert secretariat.locator("a", has_text="Ajouter un engagement").count() > 0
        created = Declaration.objects.get(slug="declaration-on-data")
        assert (created.status, created.team.slug, created.title_fr) == ("drafting", "fpt-dm-service",
                                                                         "Déclaration sur les données")

        # The secretariat's pages for questions and responses pass axe too.
        for path, name in (("/fr/consultations/oecd-draft-declaration/questions/", "questions-fr"),
                           ("/fr/consultations/oecd-draft-declaration/questions/add/", "question-add-fr"),
                           ("/en/consultations/declaration-on-service-review/what-we-heard/", "report-manager-en")):
            assert secretariat.goto(base + path).status == 200
            assert_accessible(secretariat, name)
        secretariat.locator("a", has_text="Edit the response on").first.click()
        secretariat.wait_for_url(re.compile(r"/what-we-heard/responses/\d+/edit/$"))
        assert_accessible(secretariat, "response-edit-en")

        secretariat.goto(base + "/fr/consultations/open/declaration-on-service/")
        assert_accessible(secretariat, "open-consultation-fr")
        secretariat.goto(base + "/en/declarations/declaration-on-service/")
        secretariat.select_option("select[name=status]", "endorsement")
        with secretariat.expect_navigation():
            _submit(secretariat.locator("form[action$='/status/']"))
        assert "The status was changed." in secretariat.content()
        assert_accessible(secretariat, "endorsement-open-en")
        box = secretariat.locator(f"input[name=jurisdictions][value='{on.pk}']")
        secretariat.locator(f"label[for='{box.get_attribute('id')}']").click()
        assert box.is_checked()
        with secretariat.expect_navigation():
            _submit(secretariat.locator("form[action$='/invite/']"))
        assert "The jurisdictions were invited to endorse." in secretariat.content()
        # The page's own plural form for as many invited jurisdictions as the board counts (detail.html).
        from carrefour.declarations.selectors import endorsement_board

        board = endorsement_board(declaration=Declaration.objects.get(slug="declaration-on-service"))
        assert board["endorsed"] == 0 and board["total"] > 0
        with translation.override("en"):
            none_yet = ngettext("The invited jurisdiction has not endorsed yet.",
                                "None of the %(n)s invited jurisdictions has endorsed yet.", board["total"])
        assert none_yet % {"n": board["total"]} in secretariat.content()
        assert "Invited on" in secretariat.content()
        assert_accessible(secretariat, "endorsement-invited-en")
        with secretariat.expect_navigation():  # the same address again: wait for the new page, not the old one
            _submit(secretariat.locator("form[action$='/remind/']"))  # invited a minute ago: too soon
        assert "the next reminder can be sent on" in secretariat.content()
    finally:
        context.close()

    context, signatory = _session(browser, base, "raj.patel@ontario.ca", "fr")
    try:
        signatory.goto(base + "/fr/declarations/declaration-on-service/")
        assert_accessible(signatory, "endorse-fr")
        # Raj Patel signs for Ontario only: "On behalf of" has it chosen already.
        assert signatory.locator("select[name=jurisdiction]").input_value() == str(on.pk)
        signatory.fill("input[name=signatory_name]", "Raj Patel")
        signatory.fill("input[name=signatory_title_en]", "Secretary of the Cabinet")
        signatory.fill("input[name=signatory_title_fr]", "Secrétaire du Conseil des ministres")
        with signatory.expect_navigation():
            _submit(signatory.locator("form[action$='/endorse/']"))
        assert "Merci : l'approbation a été enregistrée." in _french(signatory)
        assert "1 administration invitée avait approuvé la déclaration" in signatory.content()
    finally:
        context.close()
    endorsement = Endorsement.objects.get(declaration__slug="declaration-on-service")
    assert (endorsement.jurisdiction, endorsement.signatory_name) == (on, "Raj Patel")
