"""The one refusal rule on consultation pages (404 unseen, 403 seen but not theirs), and bad input never a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

from carrefour.consultations import services
from carrefour.consultations.models import Comment
from tests.consultations.factories import ConsultationFactory, moderator_for
from tests.directory.factories import UserFactory

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"


def test_a_hidden_comment_does_not_exist_for_others_but_does_for_its_author_and_moderators(client):
    c = ConsultationFactory()
    author = UserFactory()
    comment = services.comment_create(consultation=c, author=author, body="A comment a moderator hid.")
    services.comment_hide(comment=comment, actor=moderator_for(c), reason="Off topic")
    support = reverse("consultations:support", args=[c.slug, comment.pk])
    flag = reverse("consultations:flag", args=[c.slug, comment.pk])
    client.force_login(UserFactory())
    assert client.post(support).status_code == 404
    assert client.post(flag).status_code == 404
    assert client.post(reverse("consultations:reply", args=[c.slug, comment.pk]), {"body": "A reply here."}).status_code == 404
    assert not comment.flags.exists() and Comment.objects.count() == 1
    client.force_login(author)  # their own comment: seen, and the service says why it cannot be supported
    assert client.post(support).status_code == 302
    client.force_login(moderator_for(c))
    restore = reverse("consultations:restore", args=[c.slug, comment.pk])
    assert client.post(restore, {"reason": "On topic after all"}).status_code == 302
    assert Comment.objects.get().state == "visible"


def test_a_private_consultation_is_404_on_every_page(client):
    private = ConsultationFactory(visibility="private")
    client.force_login(UserFactory())
    for name in ("detail", "comment", "moderation", "questions", "report", "export"):
        assert client.get(reverse(f"consultations:{name}", args=[private.slug])).status_code == 404, name


def test_seen_but_not_managed_is_403(client):
    c = ConsultationFactory()
    client.force_login(UserFactory())
    for name in ("moderation", "questions", "question_add"):
        assert client.get(reverse(f"consultations:{name}", args=[c.slug])).status_code == 403, name


def test_bad_numbers_and_parameters_are_not_server_errors(client):
    c = ConsultationFactory()
    client.force_login(UserFactory())
    for p in ("abc", HUGE, "-1", "0"):
        response = client.get(reverse("consultations:comment", args=[c.slug]) + f"?p={p}")
        assert response.status_code == 200, p
    assert client.post(reverse("consultations:comment", args=[c.slug]),
                       {"paragraph": HUGE, "category": "other", "body": "Posted on no paragraph."}).status_code == 200
    for name in ("support", "flag", "hide", "restore", "reply"):
        assert client.post(reverse(f"consultations:{name}", args=[c.slug, HUGE])).status_code == 404, name
    assert client.get(reverse("consultations:export", args=[c.slug]) + "?format=xml").status_code == 200
    assert client.get(reverse("consultations:index") + "?format=xml").status_code == 200
    secretariat = moderator_for(c, role="secretariat")
    client.force_login(secretariat)
    assert client.get(reverse("consultations:question_edit", args=[c.slug, HUGE])).status_code == 404
    assert client.post(reverse("consultations:response_withdraw", args=[c.slug, HUGE])).status_code == 404
