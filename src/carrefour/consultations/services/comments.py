"""Comments, replies, and "+1" support given or withdrawn."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from carrefour.consultations.models import Comment, Consultation, Paragraph, Support
from carrefour.consultations.services.common import (
    MAX_LENGTH,
    MAX_REPLY_LENGTH,
    MIN_LENGTH,
    clean_text,
    require_open,
    require_participant,
)
from carrefour.core.exceptions import ApplicationError
from carrefour.core.ratelimit import rate_limit_hit
from carrefour.core.services import audit_log, model_create


def _kind_code(user: Any) -> str:
    """The commenter's kind as it was when they wrote, without naming them (for exports)."""
    if user.jurisdiction_id:
        return f"public_servant:{user.jurisdiction.code}"
    if user.organization_id:
        return f"organization:{user.organization.slug}"
    return "citizen"


def _hash(text: str) -> str:
    return hashlib.sha256(re.sub(r"\s+", " ", text.casefold()).strip().encode()).hexdigest()


def _rate_limit(author: Any, client_ip: str) -> None:
    # Both counters move on every attempt, so neither a new account nor a new address escapes.
    by_person = rate_limit_hit(scope="public_post", key=f"user:{author.pk}")
    by_address = bool(client_ip) and rate_limit_hit(scope="public_post", key=f"ip:{client_ip}")
    if by_person or by_address:
        raise ApplicationError(_("You have posted several times in a short time. Please wait a few minutes."))


@transaction.atomic
def comment_create(
    *,
    consultation: Consultation,
    author: Any,
    body: str,
    category: str = Comment.Category.OTHER,
    paragraph: Paragraph | None = None,
    parent: Comment | None = None,
    language: str = "en",
    client_ip: str = "",
    honeypot: str = "",
) -> Comment:
    """Post a comment on a paragraph (or the whole draft), or a reply to a comment."""
    if honeypot:
        # A field people never see was filled in: a robot. Say nothing more useful to it.
        raise ApplicationError(_("Your comment could not be posted."))
    require_participant(author, consultation)
    require_open(consultation)
    if parent is not None:
        if parent.consultation_id != consultation.pk:
            raise ApplicationError(_("This reply does not belong to this consultation."))
        if parent.parent_id is not None:
            raise ApplicationError(_("Replies go one level deep: reply to the original comment."))
        if not parent.is_visible:
            raise ApplicationError(_("This comment is hidden and cannot be replied to."))
        paragraph = parent.paragraph
        category = parent.category
    if paragraph is not None and paragraph.consultation_id != consultation.pk:
        raise ApplicationError(_("This paragraph does not belong to this consultation."), field="paragraph")
    if category not in Comment.Category.values:
        raise ApplicationError(_("Choose a category."), field="category")
    body = clean_text(body)
    limit = MAX_REPLY_LENGTH if parent is not None else MAX_LENGTH
    if len(body) < MIN_LENGTH:
        raise ApplicationError(_("Write at least %(n)s characters.") % {"n": MIN_LENGTH}, field="body")
    if len(body) > limit:
        raise ApplicationError(
            _("Keep your comment under %(n)s characters (it has %(len)s).") % {"n": limit, "len": len(body)},
            field="body",
        )
    digest = _hash(body)
    if Comment.objects.filter(consultation=consultation, author=author, body_hash=digest).exists():
        raise ApplicationError(_("You have already posted this comment."), field="body")
    _rate_limit(author, client_ip)
    return model_create(model=Comment, actor=author, data={
        "consultation": consultation, "paragraph": paragraph, "parent": parent, "author": author,
        "author_kind": _kind_code(author), "category": category, "body": body,
        "language": language if language in ("en", "fr") else "en", "body_hash": digest,
    })


@transaction.atomic
def comment_support(*, comment: Comment, user: Any) -> Comment:
    """Add one "+1" from this person; a second one is refused."""
    require_participant(user, comment.consultation)
    require_open(comment.consultation)
    if not comment.is_visible:
        raise ApplicationError(_("This comment is hidden."))
    if comment.author_id == user.pk:
        raise ApplicationError(_("You cannot support your own comment."))
    try:
        with transaction.atomic():
            Support.objects.create(comment=comment, user=user)
    except IntegrityError:
        raise ApplicationError(_("You already support this comment.")) from None
    Comment.objects.filter(pk=comment.pk).update(support_count=F("support_count") + 1)
    comment.refresh_from_db(fields=["support_count"])
    audit_log(instance=comment, actor=user, action="event", note="supported",
              changes={"support_count": [comment.support_count - 1, comment.support_count]})
    return comment


@transaction.atomic
def comment_support_withdraw(*, comment: Comment, user: Any) -> Comment:
    """Take back this person's "+1" while the consultation is open; audited."""
    require_participant(user, comment.consultation)
    require_open(comment.consultation)
    deleted, _by_model = Support.objects.filter(comment=comment, user=user).delete()
    if not deleted:
        raise ApplicationError(_("You do not support this comment."))
    Comment.objects.filter(pk=comment.pk, support_count__gt=0).update(support_count=F("support_count") - 1)
    comment.refresh_from_db(fields=["support_count"])
    audit_log(instance=comment, actor=user, action="event", note="support withdrawn",
              changes={"support_count": [comment.support_count + 1, comment.support_count]})
    return comment

