"""Consultation services: who may comment, anti-abuse, replies, support, flags, moderation, answers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from carrefour.consultations import selectors, services
from carrefour.consultations.models import Comment
from carrefour.core.exceptions import ApplicationError
from carrefour.core.models import AuditEntry
from carrefour.directory.models import Role
from tests.consultations.factories import ConsultationFactory, moderator_for, question
from tests.directory.factories import JurisdictionFactory, UserFactory, public_servant

pytestmark = pytest.mark.django_db

BODY = "The term “weak signals” needs a definition."


def post(consultation, author, body=BODY, **kwargs):
    return services.comment_create(consultation=consultation, author=author, body=body, **kwargs)


def test_verified_signed_in_people_comment_on_open_consultations():
    c = ConsultationFactory()
    with pytest.raises(ApplicationError, match="verified email"):
        post(c, UserFactory(verified=False))
    closed = ConsultationFactory(opens_at=timezone.now() - timedelta(days=9), closes_at=timezone.now() - timedelta(days=1))
    with pytest.raises(ApplicationError, match="not open"):
        post(closed, UserFactory())
    upcoming = ConsultationFactory(opens_at=timezone.now() + timedelta(days=1), closes_at=timezone.now() + timedelta(days=9))
    with pytest.raises(ApplicationError, match="not open"):
        post(upcoming, UserFactory())
    private = ConsultationFactory(visibility="private")
    with pytest.raises(ApplicationError, match="not available"):
        post(private, UserFactory())
    servant = public_servant(JurisdictionFactory(code="on-c", name_en="Ontario"))
    paragraph = c.paragraphs.get(position=2)
    comment = post(c, servant, paragraph=paragraph, category="terminology", language="fr")
    assert (comment.paragraph, comment.category, comment.language) == (paragraph, "terminology", "fr")
    assert comment.author_kind == "public_servant:on-c"
    assert AuditEntry.objects.filter(object_id=str(comment.pk), action="create").exists()


def test_anti_abuse_honeypot_length_sanitizing_duplicates():
    c = ConsultationFactory()
    author = UserFactory()
    with pytest.raises(ApplicationError, match="could not be posted"):
        post(c, author, honeypot="http://spam.example")
    with pytest.raises(ApplicationError, match="at least"):
        post(c, author, body="  short ")
    with pytest.raises(ApplicationError, match="under 3000"):
        post(c, author, body="x" * 3001)
    comment = post(c, author, body='<script>alert("x")</script><b>Clear</b> text &amp; <a href="javascript:x">more</a> words')
    assert comment.body == "Clear text & more words"
    with pytest.raises(ApplicationError, match="already posted"):
        post(c, author, body="clear   TEXT & more words")
    assert Comment.objects.count() == 1


def test_rate_limits_per_person_and_per_address(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "public_post": "2/10m"}
    c = ConsultationFactory()
    author = UserFactory()
    post(c, author, body="First comment on the draft.")
    post(c, author, body="Second comment on the draft.")
    with pytest.raises(ApplicationError, match="several times"):
        post(c, author, body="Third comment on the draft.")
    # Another account from one address is limited too.
    post(c, UserFactory(), body="From a shared address, one.", client_ip="203.0.113.9")
    post(c, UserFactory(), body="From a shared address, two.", client_ip="203.0.113.9")
    with pytest.raises(ApplicationError, match="several times"):
        post(c, UserFactory(), body="From a shared address, three.", client_ip="203.0.113.9")


def test_replies_are_one_level_deep_and_inherit_the_paragraph():
    c = ConsultationFactory()
    paragraph = c.paragraphs.first()
    top = post(c, UserFactory(), paragraph=paragraph, category="clarity")
    reply = post(c, UserFactory(), body="I agree with this comment.", parent=top)
    assert (reply.paragraph, reply.category, reply.parent) == (paragraph, "clarity", top)
    with pytest.raises(ApplicationError, match="one level deep"):
        post(c, UserFactory(), body="A reply to the reply.", parent=reply)
    threads = selectors.comment_threads(consultation=c, user=None)
    assert threads[paragraph.pk] == [top] and threads[paragraph.pk][0].thread == [reply]


def test_support_once_per_person_not_own():
    c = ConsultationFactory()
    author, fan = UserFactory(), UserFactory()
    comment = post(c, author)
    services.comment_support(comment=comment, user=fan)
    with pytest.raises(ApplicationError, match="already support"):
        services.comment_support(comment=comment, user=fan)
    with pytest.raises(ApplicationError, match="your own"):
        services.comment_support(comment=comment, user=author)
    comment.refresh_from_db()
    assert comment.support_count == 1


def test_three_flags_hide_pending_review_and_tell_the_author(django_capture_on_commit_callbacks):
    c = ConsultationFactory()
    author = UserFactory(preferred_language="fr")
    comment = post(c, author)
    flaggers = [UserFactory() for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_flag(comment=comment, user=flaggers[0], reason="rude")
        with pytest.raises(ApplicationError, match="already flagged"):
            services.comment_flag(comment=comment, user=flaggers[0])
        services.comment_flag(comment=comment, user=flaggers[1])
        assert Comment.objects.get(pk=comment.pk).state == Comment.State.VISIBLE
        services.comment_flag(comment=comment, user=flaggers[2])
    comment.refresh_from_db()
    assert comment.state == Comment.State.PENDING and comment.flag_count == 3
    assert selectors.comment_threads(consultation=c, user=None) == {}
    # The author still sees it, marked hidden.
    assert selectors.comment_threads(consultation=c, user=author)[None] == [comment]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [author.email]
    # Both languages, the author's first: French subject, then the English one; French text first.
    (message,) = mail.outbox
    french, english = message.subject.split(" / ")
    assert "masqué" in french and "hidden pending review" in english
    body = message.body
    assert body.startswith("(The English version follows.)")
    assert body.index("signalé votre commentaire") < body.index("Several people flagged your comment")


def test_moderators_hide_and_restore_with_a_reason(django_capture_on_commit_callbacks):
    c = ConsultationFactory()
    author = UserFactory(preferred_language="en")
    comment = post(c, author)
    with pytest.raises(ApplicationError, match="Only moderators"):
        services.comment_hide(comment=comment, actor=UserFactory(), reason="spam")
    moderator = moderator_for(c)
    with pytest.raises(ApplicationError, match="reason"):
        services.comment_hide(comment=comment, actor=moderator, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_hide(comment=comment, actor=moderator, reason="Personal attack")
    comment.refresh_from_db()
    assert (comment.state, comment.moderation_reason, comment.moderated_by) == ("hidden", "Personal attack", moderator)
    assert "Personal attack" in mail.outbox[-1].body and "hidden" in mail.outbox[-1].subject
    with pytest.raises(ApplicationError, match="already hidden"):
        services.comment_hide(comment=comment, actor=moderator, reason="again")
    secretariat = moderator_for(c, role=Role.SECRETARIAT)
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_restore(comment=comment, actor=secretariat, reason="Reviewed: within the rules")
    comment.refresh_from_db()
    assert comment.state == "visible"
    assert "visible again" in mail.outbox[-1].subject
    assert Comment.objects.filter(pk=comment.pk).exists()  # never deleted
    notes = list(AuditEntry.objects.filter(object_id=str(comment.pk), action="update").values_list("note", flat=True))
    assert notes == ["Reviewed: within the rules", "Personal attack"]


def test_restored_comment_needs_three_new_flags_to_hide_again():
    c = ConsultationFactory()
    comment = post(c, UserFactory())
    for _ in range(3):
        services.comment_flag(comment=comment, user=UserFactory())
    services.comment_restore(comment=comment, actor=moderator_for(c), reason="Fine")
    services.comment_flag(comment=comment, user=UserFactory())
    comment.refresh_from_db()
    assert comment.state == "visible"


def test_answers_and_tallies():
    c = ConsultationFactory()
    single = question(c, "single", [{"en": "Yes", "fr": "Oui"}, {"en": "No", "fr": "Non"}], position=1)
    multi = question(c, "multiple", [{"en": "A", "fr": "A"}, {"en": "B", "fr": "B"}, {"en": "C", "fr": "C"}], position=2)
    text = question(c, "text", position=3)
    a, b = UserFactory(), UserFactory()
    services.answers_submit(consultation=c, user=a, answers={single.pk: "0", multi.pk: ["0", "2"], text.pk: "More examples"})
    services.answers_submit(consultation=c, user=b, answers={single.pk: "1", multi.pk: ["2"]})
    with pytest.raises(ApplicationError, match="only one"):
        services.answers_submit(consultation=c, user=b, answers={single.pk: ["0", "1"]})
    with pytest.raises(ApplicationError, match="among"):
        services.answers_submit(consultation=c, user=b, answers={multi.pk: ["7"]})
    services.answers_submit(consultation=c, user=b, answers={single.pk: "0"})  # changed their mind
    tallies = {t["question"].pk: t for t in selectors.question_tallies(consultation=c, lang="fr")}
    assert [(x["label"], x["count"]) for x in tallies[single.pk]["choices"]] == [("Oui", 2), ("Non", 0)]
    assert [x["count"] for x in tallies[multi.pk]["choices"]] == [1, 0, 2]
    assert tallies[multi.pk]["choices"][2]["share"] == 1.0
    assert tallies[text.pk]["texts"] == ["More examples"]


def test_what_we_heard_counts_visible_comments_by_paragraph_and_category():
    c = ConsultationFactory()
    p1, p2 = c.paragraphs.all()
    post(c, UserFactory(), paragraph=p1, category="terminology", body="Say public servant, not civil servant.")
    post(c, UserFactory(), paragraph=p1, category="clarity", body="The first paragraph is too long.")
    hidden = post(c, UserFactory(), paragraph=p2, category="other", body="Off-topic advertising here.")
    services.comment_hide(comment=hidden, actor=moderator_for(c), reason="Advertising")
    general = post(c, UserFactory(), category="feasibility", body="Too ambitious for small governments.")
    heard = selectors.what_we_heard(consultation=c, lang="en")
    by_paragraph = {(s["paragraph"].pk if s["paragraph"] else None): s for s in heard["sections"]}
    counts = {value: n for value, _label, n in by_paragraph[p1.pk]["counts"]}
    assert counts == {"clarity": 1, "terminology": 1, "feasibility": 0, "other": 0}
    assert by_paragraph[p2.pk]["total"] == 0
    assert by_paragraph[None]["comments"] == [general]
    assert heard["total"] == 3 and heard["hidden"] == 1


def test_report_publishes_only_after_closing_and_responses_by_secretariat():
    c = ConsultationFactory()
    secretariat = moderator_for(c, role=Role.SECRETARIAT)
    with pytest.raises(ApplicationError, match="once the consultation has closed"):
        services.report_publish(consultation=c, actor=secretariat)
    with pytest.raises(ApplicationError, match="secretariat"):
        services.theme_response_save(consultation=c, actor=moderator_for(c), theme_en="T", theme_fr="T",
                                     response_en="R", response_fr="R")
    services.theme_response_save(consultation=c, actor=secretariat, theme_en="Terminology", theme_fr="Terminologie",
                                 response_en="We will say public servant.", response_fr="Nous dirons fonctionnaire.")
    c.opens_at, c.closes_at = timezone.now() - timedelta(days=9), timezone.now() - timedelta(days=1)
    c.save()
    services.report_publish(consultation=c, actor=secretariat)
    assert c.report_published_at is not None
