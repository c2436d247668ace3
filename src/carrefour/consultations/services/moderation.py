"""Flags and moderation: reports hide a comment pending review; moderators hide or restore it, with a reason."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from carrefour.consultations.models import Comment, Flag
from carrefour.consultations.services.common import (
    FLAGS_TO_HIDE,
    can_moderate,
    clean_text,
    is_verified,
)
from carrefour.core.exceptions import ApplicationError
from carrefour.core.services import audit_log, model_update


@transaction.atomic
def comment_flag(*, comment: Comment, user: Any, reason: str = "") -> Comment:
    """Report a comment; at three reports since its last review (not dismissed) it is hidden pending review."""
    if not is_verified(user):
        raise ApplicationError(_("Sign in with a verified email address to take part."))
    if comment.author_id == user.pk:
        raise ApplicationError(_("You cannot flag your own comment."))
    try:
        with transaction.atomic():
            Flag.objects.create(comment=comment, user=user, reason=clean_text(reason)[:300])
    except IntegrityError:
        raise ApplicationError(_("You have already flagged this comment.")) from None
    Comment.objects.filter(pk=comment.pk).update(flag_count=F("flag_count") + 1)
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    flags = comment.flags.filter(dismissed_at__isnull=True)
    if comment.moderated_at is not None:
        flags = flags.filter(created_at__gt=comment.moderated_at)
    if comment.state == Comment.State.VISIBLE and flags.count() >= FLAGS_TO_HIDE:
        comment.state = Comment.State.PENDING
        comment.save(update_fields=["state", "updated_at"])
        audit_log(instance=comment, actor=None, action="event",
                  changes={"state": [Comment.State.VISIBLE, Comment.State.PENDING]},
                  note=f"hidden automatically after {FLAGS_TO_HIDE} flags")
        _notify(comment, "pending")
    return comment


@transaction.atomic
def flag_dismiss(*, flag: Flag, actor: Any, reason: str = "") -> Flag:
    """Set a flag aside after review: it is kept and audited, and no longer counts towards hiding the comment."""
    flag = Flag.objects.select_for_update().select_related("comment__consultation").get(pk=flag.pk)
    if not can_moderate(user=actor, consultation=flag.comment.consultation):
        raise ApplicationError(_("Only moderators can dismiss flags."))
    if flag.dismissed_at is not None:
        raise ApplicationError(_("This flag was already dismissed."))
    model_update(instance=flag, actor=actor, note=clean_text(reason)[:500],
                 data={"dismissed_at": timezone.now(), "dismissed_by": actor})
    # flag_count counts the flags still to review: the moderation queue lists comments that have some.
    Comment.objects.filter(pk=flag.comment_id, flag_count__gt=0).update(flag_count=F("flag_count") - 1)
    return flag


def _moderate(*, comment: Comment, actor: Any, reason: str, state: str, event: str) -> Comment:
    if not can_moderate(user=actor, consultation=comment.consultation):
        raise ApplicationError(_("Only moderators can hide or restore comments."))
    reason = clean_text(reason)
    if not reason:
        raise ApplicationError(_("Give a reason; the author will see it."), field="reason")
    model_update(instance=comment, actor=actor, note=reason[:500], data={
        "state": state, "moderation_reason": reason[:500], "moderated_by": actor, "moderated_at": timezone.now(),
    })
    _notify(comment, event)
    return comment


@transaction.atomic
def comment_hide(*, comment: Comment, actor: Any, reason: str) -> Comment:
    """Hide a comment from the public; it is kept, and its author is told why."""
    comment = Comment.objects.select_for_update().select_related("consultation").get(pk=comment.pk)
    if comment.state == Comment.State.HIDDEN:
        raise ApplicationError(_("This comment is already hidden."))
    return _moderate(comment=comment, actor=actor, reason=reason, state=Comment.State.HIDDEN, event="hidden")


@transaction.atomic
def comment_restore(*, comment: Comment, actor: Any, reason: str) -> Comment:
    """Show a hidden comment again; its author is told."""
    comment = Comment.objects.select_for_update().select_related("consultation").get(pk=comment.pk)
    if comment.state == Comment.State.VISIBLE:
        raise ApplicationError(_("This comment is not hidden."))
    return _moderate(comment=comment, actor=actor, reason=reason, state=Comment.State.VISIBLE, event="restored")


def _notify(comment: Comment, event: str) -> None:
    from carrefour.consultations.tasks import comment_moderation_notify_task

    transaction.on_commit(lambda: comment_moderation_notify_task.enqueue(comment_id=comment.pk, event=event))


def comment_moderation_notify(*, comment: Comment, event: str) -> None:
    """Email the author, in both languages (theirs first), that their comment was hidden or restored, and why."""
    from django.conf import settings

    from carrefour.core.mail import reader_language, send_bilingual

    author = comment.author
    context = {"comment": comment, "event": event, "consultation": comment.consultation,
               "site": getattr(settings, "SITE_URL", "")}
    send_bilingual(template_prefix="consultations/email/moderation", context=context,
                   to=author.email, first=reader_language(author))

