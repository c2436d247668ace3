"""The secretariat's questions and responses: add, edit, retire or withdraw from pages; nothing lost."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from carrefour.consultations import selectors, services
from carrefour.consultations.models import Answer, Question, ThemeResponse
from carrefour.core.exceptions import ApplicationError
from carrefour.core.models import AuditEntry
from carrefour.directory.models import Role
from tests.consultations.factories import ConsultationFactory, moderator_for
from tests.directory.factories import UserFactory

pytestmark = pytest.mark.django_db

YES_NO = [{"en": "Yes", "fr": "Oui"}, {"en": "No", "fr": "Non"}]


@pytest.fixture
def c():
    return ConsultationFactory()


@pytest.fixture
def secretariat(c):
    return moderator_for(c, role=Role.SECRETARIAT)


def add(c, actor, kind="single", choices=YES_NO, **kwargs):
    return services.question_add(consultation=c, actor=actor, kind=kind, text_en=kwargs.get("text_en", "Is it clear?"),
                                 text_fr=kwargs.get("text_fr", "Est-ce clair?"), choices=choices)


def close(c):
    c.opens_at, c.closes_at = timezone.now() - timedelta(days=10), timezone.now() - timedelta(days=1)
    c.save()


# --- Questions: services -----------------------------------------------------------------------


def test_only_the_secretariat_manages_questions(c, secretariat):
    for role in (Role.MODERATOR, Role.EDITOR):
        with pytest.raises(ApplicationError, match="secretariat"):
            add(c, moderator_for(c, role=role))
    q = add(c, secretariat)
    assert (q.position, q.kind, q.choices) == (1, "single", YES_NO)
    assert AuditEntry.objects.filter(object_id=str(q.pk), action="create", actor=secretariat).exists()
    with pytest.raises(ApplicationError, match="secretariat"):
        services.question_retire(question=q, actor=UserFactory())
    with pytest.raises(ApplicationError, match="secretariat"):
        services.question_update(question=q, actor=UserFactory(), kind="text", text_en="a", text_fr="b")


def test_question_validation(c, secretariat):
    with pytest.raises(ApplicationError, match="at least two choices"):
        add(c, secretariat, choices=[{"en": "Yes", "fr": "Oui"}])
    with pytest.raises(ApplicationError, match="each choice in English and in French"):
        add(c, secretariat, choices=[{"en": "Yes", "fr": ""}, {"en": "No", "fr": "Non"}])
    with pytest.raises(ApplicationError, match="in French"):
        add(c, secretariat, text_fr="  ")
    with pytest.raises(ApplicationError, match="kind of answer"):
        add(c, secretariat, kind="essay")
    text = add(c, secretariat, kind="text", choices=YES_NO)
    assert text.choices == []  # a free-text question has no choices


def test_no_question_changes_after_closing(c, secretariat):
    q = add(c, secretariat)
    close(c)
    q.refresh_from_db()
    with pytest.raises(ApplicationError, match="closed"):
        add(c, secretariat)
    with pytest.raises(ApplicationError, match="closed"):
        services.question_update(question=q, actor=secretariat, kind="single", text_en="New", text_fr="Nouveau",
                                 choices=YES_NO)
    with pytest.raises(ApplicationError, match="closed"):
        services.question_retire(question=q, actor=secretariat)


def test_an_answered_question_keeps_its_kind_and_choices_but_can_be_reworded_and_grown(c, secretariat):
    maybe = {"en": "Maybe", "fr": "Peut-être"}
    q = add(c, secretariat, choices=[*YES_NO, maybe])
    citizen = UserFactory()
    services.answers_submit(consultation=c, user=citizen, answers={q.pk: "1"})
    with pytest.raises(ApplicationError, match="kind of answer cannot change"):
        services.question_update(question=q, actor=secretariat, kind="multiple", text_en="Q", text_fr="Q",
                                 choices=[*YES_NO, maybe])
    with pytest.raises(ApplicationError, match="not removed"):
        services.question_update(question=q, actor=secretariat, kind="single", text_en="Q", text_fr="Q",
                                 choices=YES_NO)
    services.question_update(question=q, actor=secretariat, kind="single", text_en="Is the draft clear?",
                             text_fr="Le projet est-il clair?",
                             choices=[*YES_NO, maybe, {"en": "Partly", "fr": "En partie"}])
    q.refresh_from_db()
    assert (q.text_en, len(q.choices)) == ("Is the draft clear?", 4)
    assert Answer.objects.get(question=q).choices == [1]
    assert AuditEntry.objects.filter(object_id=str(q.pk), action="update").count() == 1
    # An unanswered question may change completely.
    other = add(c, secretariat)
    services.question_update(question=other, actor=secretariat, kind="text", text_en="Why?", text_fr="Pourquoi?")
    other.refresh_from_db()
    assert (other.kind, other.choices) == ("text", [])


def test_retiring_keeps_answers_tallied_and_stops_new_answers(c, secretariat):
    q = add(c, secretariat)
    kept = add(c, secretariat, kind="text", choices=None)
    unanswered = add(c, secretariat)
    a, b = UserFactory(), UserFactory()
    services.answers_submit(consultation=c, user=a, answers={q.pk: "0"})
    services.answers_submit(consultation=c, user=b, answers={q.pk: "1", kept.pk: "More examples, please."})
    services.question_retire(question=q, actor=secretariat, reason="Asked twice")
    services.question_retire(question=unanswered, actor=secretariat)
    with pytest.raises(ApplicationError, match="already retired"):
        services.question_retire(question=q, actor=secretariat)
    with pytest.raises(ApplicationError, match="retired"):
        services.question_update(question=q, actor=secretariat, kind="single", text_en="Q", text_fr="Q", choices=YES_NO)
    with pytest.raises(ApplicationError, match="no longer takes answers"):
        services.answers_submit(consultation=c, user=UserFactory(), answers={q.pk: "0"})
    assert Question.objects.filter(consultation=c).count() == 3
    assert Answer.objects.filter(question=q).count() == 2
    assert AuditEntry.objects.filter(object_id=str(q.pk), action="delete", note="Asked twice").exists()
    assert selectors.questions_asked(consultation=c) == [kept]
    tallies = selectors.question_tallies(consultation=c, lang="en")
    assert [(t["question"], t["retired"], t["respondents"]) for t in tallies] == [(q, True, 2), (kept, False, 1)]
    assert [ch["count"] for ch in tallies[0]["choices"]] == [1, 1]


# --- Theme responses: services -----------------------------------------------------------------


def respond(c, actor, **kwargs):
    data = {"theme_en": "Terminology", "theme_fr": "Terminologie", "response_en": "We will say public servant.",
            "response_fr": "Nous dirons fonctionnaire.", **kwargs}
    return services.theme_response_save(consultation=c, actor=actor, **data)


def test_responses_are_edited_and_withdrawn_by_the_secretariat_only_and_kept(c, secretariat):
    r = respond(c, secretariat)
    with pytest.raises(ApplicationError, match="in French"):
        respond(c, secretariat, response=r, response_fr=" ")
    with pytest.raises(ApplicationError, match="secretariat"):
        respond(c, moderator_for(c), response=r, theme_en="Other")
    respond(c, secretariat, response=r, theme_en="Words we use")
    r.refresh_from_db()
    assert r.theme_en == "Words we use"
    with pytest.raises(ApplicationError, match="secretariat"):
        services.theme_response_withdraw(response=r, actor=moderator_for(c))
    services.theme_response_withdraw(response=r, actor=secretariat, reason="Merged with another theme")
    with pytest.raises(ApplicationError, match="already withdrawn"):
        services.theme_response_withdraw(response=r, actor=secretariat)
    with pytest.raises(ApplicationError, match="withdrawn"):
        respond(c, secretariat, response=r)
    assert ThemeResponse.objects.filter(pk=r.pk, deleted_at__isnull=False).exists()
    assert selectors.what_we_heard(consultation=c, lang="en")["responses"] == []
    actions = set(AuditEntry.objects.filter(object_id=str(r.pk)).values_list("action", flat=True))
    assert actions == {"create", "update", "delete"}
    other = ConsultationFactory()
    with pytest.raises(ApplicationError, match="another consultation"):
        services.theme_response_save(consultation=other, actor=UserFactory(is_superuser=True), response=r,
                                     theme_en="T", theme_fr="T", response_en="R", response_fr="R")


# --- Pages -------------------------------------------------------------------------------------


def test_question_pages_permissions(client, c, secretariat):
    q = add(c, secretariat)
    urls = [reverse("consultations:questions", args=[c.slug]), reverse("consultations:question_add", args=[c.slug]),
            reverse("consultations:question_edit", args=[c.slug, q.pk])]
    client.force_login(moderator_for(c))
    for url in urls:
        assert client.get(url).status_code == 403
    assert client.post(reverse("consultations:question_retire", args=[c.slug, q.pk])).status_code == 403
    assert urls[0] not in client.get(c.get_absolute_url()).content.decode()
    private = ConsultationFactory(visibility="private")
    assert client.get(reverse("consultations:questions", args=[private.slug])).status_code == 404
    client.force_login(secretariat)
    assert urls[0] in client.get(c.get_absolute_url()).content.decode()
    for url in urls:
        assert client.get(url).status_code == 200


def test_secretariat_adds_edits_and_retires_a_question_in_french_without_js(client, c, secretariat):
    client.force_login(secretariat)
    fr = lambda name, *args: reverse(f"consultations:{name}", args=[c.slug, *args]).replace("/en/", "/fr/")  # noqa: E731
    mismatch = client.post(fr("question_add"), {"kind": "single", "text_en": "Clear?", "text_fr": "Clair?",
                                                "choices_en": "Yes\nNo", "choices_fr": "Oui"})
    assert mismatch.status_code == 200 and "autant de choix en français" in mismatch.content.decode()
    one = client.post(fr("question_add"), {"kind": "multiple", "text_en": "Clear?", "text_fr": "Clair?",
                                           "choices_en": "Yes", "choices_fr": "Oui"})
    assert "au moins deux choix" in one.content.decode()
    response = client.post(fr("question_add"), {"kind": "single", "text_en": "Clear?", "text_fr": "Clair?",
                                                "choices_en": "Yes\n\nNo\n", "choices_fr": "Oui\nNon"})
    assert response.status_code == 302 and response["Location"] == fr("questions")
    q = Question.objects.get()
    assert q.choices == YES_NO
    assert "La question a été ajoutée" in client.get(response["Location"]).content.decode()
    services.answers_submit(consultation=c, user=UserFactory(), answers={q.pk: "0"})
    form = client.get(fr("question_edit", q.pk)).content.decode()
    assert "Oui\nNon" in form and "ont déjà répondu" in form
    refused = client.post(fr("question_edit", q.pk), {"kind": "single", "text_en": "Clear?", "text_fr": "Clair?",
                                                      "choices_en": "Yes", "choices_fr": "Oui"})
    assert refused.status_code == 200 and "au moins deux choix" in refused.content.decode()
    client.post(fr("question_edit", q.pk), {"kind": "single", "text_en": "Is it clear?", "text_fr": "Est-ce clair?",
                                            "choices_en": "Yes\nNo", "choices_fr": "Oui\nNon"})
    q.refresh_from_db()
    assert q.text_fr == "Est-ce clair?"
    retired = client.post(fr("question_retire", q.pk), {"reason": "Doublon"}, follow=True)
    assert "La question a été retirée" in retired.content.decode()
    q.refresh_from_db()
    assert q.deleted_at is not None and q.answers.count() == 1
    detail = client.get(c.get_absolute_url()).content.decode()
    assert "Is it clear?" not in detail  # no longer asked
    assert client.get(fr("question_edit", q.pk)).status_code == 404
    close(c)
    c.report_published_at = timezone.now()
    c.save()
    report = client.get(fr("report")).content.decode()
    assert "Est-ce clair?" in report and "Question retirée" in report


def test_secretariat_edits_and_withdraws_a_response_from_the_report(client, c, secretariat):
    r = respond(c, secretariat)
    report_url = reverse("consultations:report", args=[c.slug])
    edit_url = reverse("consultations:response_edit", args=[c.slug, r.pk])
    withdraw_url = reverse("consultations:response_withdraw", args=[c.slug, r.pk])
    client.force_login(moderator_for(c))
    assert client.get(edit_url).status_code == 403
    assert client.post(withdraw_url).status_code == 403
    client.force_login(secretariat)
    page = client.get(report_url).content.decode()
    assert edit_url in page and withdraw_url in page
    assert "Nous dirons fonctionnaire." in client.get(edit_url.replace("/en/", "/fr/")).content.decode()
    empty = client.post(edit_url, {"theme_en": "", "theme_fr": "Terminologie", "category": "terminology",
                                   "response_en": "R", "response_fr": "R", "paragraph": ""})
    assert empty.status_code == 200
    p2 = c.paragraphs.get(position=2)
    saved = client.post(edit_url, {"theme_en": "Words", "theme_fr": "Les mots", "category": "terminology",
                                   "response_en": "We will say public servant.", "response_fr": "Nous dirons fonctionnaire.",
                                   "paragraph": "2"})
    assert saved.status_code == 302 and saved["Location"].endswith(f"#response-{r.pk}")
    r.refresh_from_db()
    assert (r.theme_fr, r.category, r.paragraph) == ("Les mots", "terminology", p2)
    withdrawn = client.post(withdraw_url.replace("/en/", "/fr/"), {"reason": ""}, follow=True)
    assert "La réponse a été retirée" in withdrawn.content.decode()
    assert "Les mots" not in client.get(report_url.replace("/en/", "/fr/")).content.decode()
    assert client.get(edit_url).status_code == 404
    assert ThemeResponse.objects.filter(pk=r.pk).exists()


def test_questions_are_reordered_among_those_still_asked(c, secretariat):
    first, retired, second, third = (add(c, secretariat, text_en=t) for t in ("First?", "Retired?", "Second?", "Third?"))
    services.question_retire(question=retired, actor=secretariat)
    with pytest.raises(ApplicationError, match="Only"):
        services.question_move(question=third, actor=UserFactory(), direction="up")
    with pytest.raises(ApplicationError, match="already first"):
        services.question_move(question=first, actor=secretariat, direction="up")
    with pytest.raises(ApplicationError, match="already last"):
        services.question_move(question=third, actor=secretariat, direction="down")
    with pytest.raises(ApplicationError, match="retired"):
        services.question_move(question=retired, actor=secretariat, direction="up")
    services.question_move(question=third, actor=secretariat, direction="up")  # skips nothing: swaps with "Second?"
    assert [q.text_en for q in selectors.questions_asked(consultation=c)] == ["First?", "Third?", "Second?"]
    services.question_move(question=first, actor=secretariat, direction="down")
    assert [q.text_en for q in selectors.questions_asked(consultation=c)] == ["Third?", "First?", "Second?"]
    assert AuditEntry.objects.filter(object_id=str(first.pk), action="update").exists()
    close(c)
    with pytest.raises(ApplicationError, match="closed"):
        services.question_move(question=first, actor=secretariat, direction="up")


def test_secretariat_moves_a_question_from_the_page_in_french(client, c, secretariat):
    one, two = add(c, secretariat, text_en="One?", text_fr="Un?"), add(c, secretariat, text_en="Two?", text_fr="Deux?")
    url = reverse("consultations:question_move", kwargs={"slug": c.slug, "pk": two.pk}).replace("/en/", "/fr/")
    client.force_login(UserFactory())
    assert client.post(url, {"direction": "up"}).status_code == 403
    client.force_login(secretariat)
    page = client.get(reverse("consultations:questions", kwargs={"slug": c.slug}).replace("/en/", "/fr/")).content.decode()
    assert "Monter la question 2" in page and url in page
    response = client.post(url, {"direction": "up"}, follow=True)
    assert "La question a été déplacée." in response.content.decode()
    assert [q.pk for q in selectors.questions_asked(consultation=c)] == [two.pk, one.pk]
    response = client.post(url, {"direction": "up"}, follow=True)
    assert "Cette question est déjà la première." in response.content.decode()
