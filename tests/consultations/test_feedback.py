"""A flagger is told their flag was received; moderators dismiss flags; a "+1" can be withdrawn. All audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from carrefour.consultations import selectors, services
from carrefour.consultations.models import Comment, Flag, Support
from carrefour.core.exceptions import ApplicationError
from carrefour.core.models import AuditEntry
from tests.consultations.factories import ConsultationFactory, moderator_for
from tests.directory.factories import UserFactory

pytestmark = pytest.mark.django_db

FLAGGED = "Thank you: you flagged this comment, and a moderator will review it."


@pytest.fixture
def c():
    return ConsultationFactory()


@pytest.fixture
def comment(c):
    return services.comment_create(consultation=c, author=UserFactory(), body="A comment people react to.")


def _card(client, name, c, comment, data=None):
    return client.post(reverse(f"consultations:{name}", args=[c.slug, comment.pk]), data or {},
                       HTTP_HX_REQUEST="true").content.decode()


# --- Flag confirmation -------------------------------------------------------------------------


def test_the_flagger_sees_a_confirmation_in_the_card_with_htmx(client, c, comment):
    client.force_login(UserFactory())
    card = _card(client, "flag", c, comment, {"reason": "Off topic"})
    assert f'<p class="cf-notice" role="status" lang="en">{FLAGGED}</p>' in card
    assert "You flagged this comment for review" in card
    assert reverse("consultations:flag", args=[c.slug, comment.pk]) not in card  # no second flag form
    assert Flag.objects.get().reason == "Off topic"


def test_the_flagger_sees_a_confirmation_without_js_and_on_the_page_later(client, c, comment):
    client.force_login(UserFactory())
    page = client.post(reverse("consultations:flag", args=[c.slug, comment.pk]), follow=True).content.decode()
    assert FLAGGED in page
    assert "You flagged this comment for review" in client.get(c.get_absolute_url()).content.decode()


def test_a_refused_flag_says_why_in_the_card(client, c, comment):
    client.force_login(comment.author)
    card = _card(client, "flag", c, comment)
    assert '<p class="cf-error" role="alert" lang="en">You cannot flag your own comment.</p>' in card
    assert not Flag.objects.exists()


# --- Dismissing a flag -------------------------------------------------------------------------


def test_a_moderator_dismisses_a_flag_audited_and_it_leaves_the_queue(c, comment):
    services.comment_flag(comment=comment, user=UserFactory())
    flag = Flag.objects.get()
    moderator = moderator_for(c)
    assert list(selectors.moderation_queue(consultation=c)) == [comment]
    with pytest.raises(ApplicationError, match="Only moderators"):
        services.flag_dismiss(flag=flag, actor=UserFactory())
    services.flag_dismiss(flag=flag, actor=moderator, reason="Nothing wrong with it")
    flag.refresh_from_db()
    assert (flag.dismissed_by, flag.dismissed_at is not None) == (moderator, True)
    assert Comment.objects.get(pk=comment.pk).flag_count == 0
    assert list(selectors.moderation_queue(consultation=c)) == []
    entry = AuditEntry.objects.get(object_id=str(flag.pk), action="update")
    assert (entry.actor, entry.note) == (moderator, "Nothing wrong with it")
    with pytest.raises(ApplicationError, match="already dismissed"):
        services.flag_dismiss(flag=flag, actor=moderator)


def test_dismissed_flags_do_not_count_towards_hiding(c, comment):
    first, second, third, fourth = (UserFactory() for _ in range(4))
    services.comment_flag(comment=comment, user=first)
    services.comment_flag(comment=comment, user=second)
    services.flag_dismiss(flag=Flag.objects.get(user=first), actor=moderator_for(c))
    assert services.comment_flag(comment=comment, user=third).state == Comment.State.VISIBLE
    assert services.comment_flag(comment=comment, user=fourth).state == Comment.State.PENDING


def test_the_moderation_page_dismisses_a_flag(client, c, comment):
    services.comment_flag(comment=comment, user=UserFactory(), reason="Spam?")
    flag = Flag.objects.get()
    url = reverse("consultations:flag_dismiss", args=[c.slug, flag.pk])
    client.force_login(UserFactory())
    assert client.post(url).status_code == 403
    other = ConsultationFactory()
    client.force_login(moderator_for(other))
    assert client.post(reverse("consultations:flag_dismiss", args=[other.slug, flag.pk])).status_code == 404
    client.force_login(moderator_for(c))
    page = client.get(reverse("consultations:moderation", args=[c.slug])).content.decode()
    assert url in page and "Dismiss this flag" in page
    page = client.post(url, follow=True).content.decode()
    assert "The flag was dismissed; the comment stays as it is." in page
    assert "Nothing to review." in page
    assert Flag.objects.get().dismissed_at is not None


# --- Withdrawing a +1 --------------------------------------------------------------------------


def test_a_supporter_withdraws_their_support_audited(c, comment):
    supporter = UserFactory()
    services.comment_support(comment=comment, user=supporter)
    assert services.comment_support_withdraw(comment=comment, user=supporter).support_count == 0
    assert not Support.objects.exists()
    notes = list(AuditEntry.objects.filter(object_id=str(comment.pk), action="event").values_list("note", flat=True))
    assert sorted(notes) == ["support withdrawn", "supported"]
    with pytest.raises(ApplicationError, match="do not support"):
        services.comment_support_withdraw(comment=comment, user=supporter)
    assert services.comment_support(comment=comment, user=supporter).support_count == 1  # and may support again


def test_support_cannot_be_withdrawn_once_closed(c, comment):
    supporter = UserFactory()
    services.comment_support(comment=comment, user=supporter)
    c.opens_at, c.closes_at = timezone.now() - timedelta(days=9), timezone.now() - timedelta(days=1)
    c.save()
    comment.refresh_from_db()
    with pytest.raises(ApplicationError, match="not open"):
        services.comment_support_withdraw(comment=comment, user=supporter)
    assert Comment.objects.get(pk=comment.pk).support_count == 1


def test_withdrawing_from_the_card_with_htmx_and_without_js(client, c, comment):
    client.force_login(UserFactory())
    card = _card(client, "support", c, comment)
    assert "You support this" in card and "Withdraw my +1" in card
    card = _card(client, "unsupport", c, comment)
    assert '<p class="cf-notice" role="status" lang="en">Your support was withdrawn.</p>' in card
    assert "No support yet" in card and "+1 Support" in card
    client.post(reverse("consultations:support", args=[c.slug, comment.pk]))
    page = client.post(reverse("consultations:unsupport", args=[c.slug, comment.pk]), follow=True).content.decode()
    assert "Your support was withdrawn." in page
    assert Comment.objects.get(pk=comment.pk).support_count == 0


def test_the_confirmation_is_in_french_on_french_pages(client, c, comment):
    client.force_login(UserFactory())
    url = reverse("consultations:flag", args=[c.slug, comment.pk]).replace("/en/", "/fr/")
    card = client.post(url, HTTP_HX_REQUEST="true").content.decode()
    assert "Merci\u00a0: vous avez signalé ce commentaire, et un modérateur l&#x27;examinera." in card
