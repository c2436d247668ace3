"""Consultation writes: comments, replies, support, flags, moderation, answers, responses. All audited."""

from __future__ import annotations

import datetime
import hashlib
import html
import re
from typing import Any

import nh3
from allauth.account.models import EmailAddress
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from carrefour.consultations.models import (
    Answer,
    Comment,
    Consultation,
    Flag,
    Paragraph,
    Question,
    Support,
    ThemeResponse,
)
from carrefour.core.exceptions import ApplicationError
from carrefour.core.ratelimit import rate_limit_hit
from carrefour.core.services import audit_log, model_create, model_soft_delete, model_update
from carrefour.core.visibility import MODERATE_ROLES, can_view, has_team_role

MIN_LENGTH = 10
MAX_LENGTH = 3000
MAX_REPLY_LENGTH = 1500
FLAGS_TO_HIDE = 3
MANAGE_ROLES = ("secretariat", "administrator")


# --- Permissions -------------------------------------------------------------------------------


def can_moderate(*, user: Any, consultation: Consultation) -> bool:
    return has_team_role(user, consultation.team_id, MODERATE_ROLES)


def can_manage(*, user: Any, consultation: Consultation) -> bool:
    return has_team_role(user, consultation.team_id, MANAGE_ROLES)


def is_verified(user: Any) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return EmailAddress.objects.filter(user=user, verified=True).exists()


def _require_participant(user: Any, consultation: Consultation) -> None:
    if not is_verified(user):
        raise ApplicationError(_("Sign in with a verified email address to take part."))
    if not can_view(user, consultation):
        raise ApplicationError(_("This consultation is not available to you."))


def _require_open(consultation: Consultation) -> None:
    if not consultation.is_open:
        raise ApplicationError(_("This consultation is not open for comments."))


# --- Creating a consultation -------------------------------------------------------------------


def _blocks(text: str) -> list[str]:
    return [b.strip() for b in re.split(r"\n\s*\n", text or "") if b.strip()]


@transaction.atomic
def consultation_create(
    *,
    actor: Any,
    team: Any,
    slug: str,
    title_en: str,
    title_fr: str,
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
    paragraphs: list[dict[str, Any]],
    summary_en: str = "",
    summary_fr: str = "",
    subject: models.Model | None = None,
    visibility: str = "public",
) -> Consultation:
    """Open a draft for comment: `paragraphs` are dicts of label_en/fr, text_en/fr (and commitment)."""
    if not has_team_role(actor, getattr(team, "pk", None), MANAGE_ROLES):
        raise ApplicationError(_("Only the team's secretariat can open a consultation."))
    if closes_at <= opens_at:
        raise ApplicationError(_("The consultation must close after it opens."), field="closes_at")
    if not paragraphs:
        raise ApplicationError(_("A consultation needs a text to comment on."))
    data = {
        "slug": slug, "team": team, "title_en": title_en, "title_fr": title_fr, "summary_en": summary_en,
        "summary_fr": summary_fr, "opens_at": opens_at, "closes_at": closes_at, "visibility": visibility,
    }
    if subject is not None:
        data["subject_type"] = ContentType.objects.get_for_model(subject, for_concrete_model=True)
        data["subject_id"] = subject.pk
    consultation = model_create(model=Consultation, actor=actor, data=data)
    Paragraph.objects.bulk_create(
        Paragraph(consultation=consultation, position=i, **p) for i, p in enumerate(paragraphs, start=1)
    )
    return consultation


def paragraphs_from_declaration(declaration: Any) -> list[dict[str, Any]]:
    """The commentable parts of a declaration: each preamble paragraph, each commitment, the closing."""
    out: list[dict[str, Any]] = []
    pre_en, pre_fr = _blocks(declaration.preamble_en), _blocks(declaration.preamble_fr)
    for i in range(max(len(pre_en), len(pre_fr))):
        out.append({
            "label_en": f"Preamble, paragraph {i + 1}", "label_fr": f"Préambule, paragraphe {i + 1}",
            "text_en": pre_en[i] if i < len(pre_en) else "", "text_fr": pre_fr[i] if i < len(pre_fr) else "",
        })
    for c in declaration.commitments.filter(deleted_at__isnull=True).order_by("number"):
        out.append({
            "label_en": f"{declaration.short_name_en} {c.number}" + (f" — {c.title_en}" if c.title_en else ""),
            "label_fr": f"{declaration.short_name_fr} {c.number}" + (f" — {c.title_fr}" if c.title_fr else ""),
            "text_en": c.text_en, "text_fr": c.text_fr, "commitment": c,
        })
    if declaration.closing_en or declaration.closing_fr:
        out.append({"label_en": "Closing", "label_fr": "Conclusion",
                    "text_en": declaration.closing_en, "text_fr": declaration.closing_fr})
    return out


def _require_manager(actor: Any, consultation: Consultation) -> None:
    if not can_manage(user=actor, consultation=consultation):
        raise ApplicationError(_("Only the consultation's secretariat can do this."))


def _require_not_closed(consultation: Consultation) -> None:
    if consultation.phase == Consultation.Phase.CLOSED:
        raise ApplicationError(_("The consultation has closed: its questions can no longer be changed."))


def _clean_question(kind: str, text_en: str, text_fr: str, choices: list[dict[str, str]] | None) -> dict[str, Any]:
    if kind not in Question.Kind.values:
        raise ApplicationError(_("Choose the kind of answer."), field="kind")
    text_en, text_fr = clean_text(text_en)[:500], clean_text(text_fr)[:500]
    if not text_en:
        raise ApplicationError(_("Write the question in English."), field="text_en")
    if not text_fr:
        raise ApplicationError(_("Write the question in French."), field="text_fr")
    cleaned: list[dict[str, str]] = []
    if kind != Question.Kind.TEXT:
        for choice in choices or []:
            en, fr = clean_text(choice.get("en", ""))[:200], clean_text(choice.get("fr", ""))[:200]
            if not en or not fr:
                raise ApplicationError(_("Give each choice in English and in French."), field="choices_en")
            cleaned.append({"en": en, "fr": fr})
        if len(cleaned) < 2:
            raise ApplicationError(_("A choice question needs at least two choices."), field="choices_en")
    return {"kind": kind, "text_en": text_en, "text_fr": text_fr, "choices": cleaned}


@transaction.atomic
def question_add(*, consultation: Consultation, actor: Any, kind: str, text_en: str, text_fr: str,
                 choices: list[dict[str, str]] | None = None) -> Question:
    """Ask a new question (one choice, several choices or free text) until the consultation closes."""
    _require_manager(actor, consultation)
    _require_not_closed(consultation)
    data = _clean_question(kind, text_en, text_fr, choices)
    position = (consultation.questions.aggregate(m=models.Max("position"))["m"] or 0) + 1
    return model_create(model=Question, actor=actor, data={"consultation": consultation, "position": position, **data})


@transaction.atomic
def question_update(*, question: Question, actor: Any, kind: str, text_en: str, text_fr: str,
                    choices: list[dict[str, str]] | None = None) -> Question:
    """Reword a question or its choices, or add choices. Once answered, its kind and choices stay put
    (answers store the indexes chosen): to ask something else, retire it and add a new question."""
    question = Question.objects.select_for_update().select_related("consultation").get(pk=question.pk)
    _require_manager(actor, question.consultation)
    _require_not_closed(question.consultation)
    if question.deleted_at is not None:
        raise ApplicationError(_("This question was retired; add a new one instead."))
    data = _clean_question(kind, text_en, text_fr, choices)
    if question.answers.exists():
        if data["kind"] != question.kind:
            raise ApplicationError(
                _("People have answered this question: its kind of answer cannot change. Retire it and add a new question instead."),
                field="kind",
            )
        if len(data["choices"]) < len(question.choices):
            raise ApplicationError(
                _("People have answered this question: its choices can be reworded or added to, not removed. Retire it and add a new question instead."),
                field="choices_en",
            )
    model_update(instance=question, actor=actor, data=data)
    return question


@transaction.atomic
def question_move(*, question: Question, actor: Any, direction: str) -> Question:
    """Swap a question with the one before ("up") or after ("down") it among those still asked."""
    question = Question.objects.select_for_update().select_related("consultation").get(pk=question.pk)
    consultation = question.consultation
    _require_manager(actor, consultation)
    _require_not_closed(consultation)
    if question.deleted_at is not None:
        raise ApplicationError(_("This question was retired; it is no longer asked."))
    asked = list(consultation.questions.select_for_update().filter(deleted_at__isnull=True).order_by("position", "pk"))
    index = next(i for i, q in enumerate(asked) if q.pk == question.pk)
    other = index - 1 if direction == "up" else index + 1 if direction == "down" else None
    if other is None:
        raise ApplicationError(_("Choose whether to move the question up or down."))
    if not 0 <= other < len(asked):
        raise ApplicationError(_("This question is already first.") if direction == "up"
                               else _("This question is already last."))
    neighbour = asked[other]
    mine, theirs = question.position, neighbour.position
    if mine == theirs:  # never equal in practice; keep the swap meaningful if it happens
        theirs = mine + (1 if direction == "down" else -1)
    model_update(instance=question, actor=actor, data={"position": theirs})
    model_update(instance=neighbour, actor=actor, data={"position": mine})
    return question


@transaction.atomic
def question_retire(*, question: Question, actor: Any, reason: str = "") -> Question:
    """Stop asking a question; the answers already given are kept and still tallied in "What we heard"."""
    question = Question.objects.select_for_update().select_related("consultation").get(pk=question.pk)
    _require_manager(actor, question.consultation)
    _require_not_closed(question.consultation)
    if question.deleted_at is not None:
        raise ApplicationError(_("This question was already retired."))
    return model_soft_delete(instance=question, actor=actor, reason=clean_text(reason)[:500])


# --- Comments ----------------------------------------------------------------------------------


def clean_text(text: str) -> str:
    """Plain text only: strip any markup, normalize line breaks and spaces."""
    # nh3 drops tags (and script/style content) and escapes the rest; comments are stored as
    # plain text and escaped again when shown.
    text = html.unescape(nh3.clean(text or "", tags=set()))
    text = re.sub(r"[ \t\u00a0]+", " ", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


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
    _require_participant(author, consultation)
    _require_open(consultation)
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
    _require_participant(user, comment.consultation)
    _require_open(comment.consultation)
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
    return comment


@transaction.atomic
def comment_flag(*, comment: Comment, user: Any, reason: str = "") -> Comment:
    """Report a comment; at three reports since its last review it is hidden pending review."""
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
    flags = comment.flags.all()
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


# --- Questions ---------------------------------------------------------------------------------


@transaction.atomic
def answers_submit(*, consultation: Consultation, user: Any, answers: dict[int, Any]) -> list[Answer]:
    """Save this person's answers (choice indexes or text); answering again replaces, audited."""
    _require_participant(user, consultation)
    _require_open(consultation)
    questions = {q.pk: q for q in consultation.questions.all()}
    saved = []
    for qid, value in answers.items():
        question = questions.get(int(qid))
        if question is None:
            raise ApplicationError(_("Unknown question."))
        if question.deleted_at is not None:
            raise ApplicationError(_("This question was retired and no longer takes answers."))
        if question.kind == Question.Kind.TEXT:
            text = clean_text(str(value or ""))
            if len(text) > MAX_LENGTH:
                raise ApplicationError(_("Keep your answer under %(n)s characters.") % {"n": MAX_LENGTH})
            data = {"text": text, "choices": []}
            empty = not text
        else:
            picked = sorted({int(v) for v in (value if isinstance(value, list | tuple) else [value]) if str(v) != ""})
            if any(i < 0 or i >= len(question.choices) for i in picked):
                raise ApplicationError(_("Choose among the answers offered."))
            if question.kind == Question.Kind.SINGLE and len(picked) > 1:
                raise ApplicationError(_("Choose only one answer to this question."))
            data = {"choices": picked, "text": ""}
            empty = not picked
        existing = Answer.objects.filter(question=question, respondent=user).first()
        if existing is not None:
            model_update(instance=existing, actor=user, data=data)
            saved.append(existing)
        elif not empty:
            saved.append(model_create(model=Answer, actor=user,
                                      data={"question": question, "respondent": user, **data}))
    return saved


# --- "What we heard" ---------------------------------------------------------------------------


@transaction.atomic
def theme_response_save(
    *,
    consultation: Consultation,
    actor: Any,
    theme_en: str,
    theme_fr: str,
    response_en: str,
    response_fr: str,
    category: str = "",
    paragraph: Paragraph | None = None,
    response: ThemeResponse | None = None,
) -> ThemeResponse:
    """The secretariat writes (or revises) its response to one theme of what it heard; audited."""
    _require_manager(actor, consultation)
    if response is not None:
        response = ThemeResponse.objects.select_for_update().get(pk=response.pk)
        if response.consultation_id != consultation.pk or response.deleted_at is not None:
            raise ApplicationError(_("This response was withdrawn or belongs to another consultation."))
    if paragraph is not None and paragraph.consultation_id != consultation.pk:
        raise ApplicationError(_("This paragraph does not belong to this consultation."), field="paragraph")
    if category and category not in Comment.Category.values:
        raise ApplicationError(_("Choose a category."), field="category")
    data = {
        "theme_en": theme_en.strip(), "theme_fr": theme_fr.strip(), "response_en": response_en.strip(),
        "response_fr": response_fr.strip(), "category": category or "", "paragraph": paragraph,
    }
    for field, message in (("theme_en", _("Name the theme in English.")), ("theme_fr", _("Name the theme in French.")),
                           ("response_en", _("Write the response in English.")),
                           ("response_fr", _("Write the response in French."))):
        if not data[field]:
            raise ApplicationError(message, field=field)
    if response is None:
        position = (consultation.responses.aggregate(m=models.Max("position"))["m"] or 0) + 1
        return model_create(model=ThemeResponse, actor=actor,
                            data={"consultation": consultation, "position": position, "author": actor, **data})
    model_update(instance=response, actor=actor, data=data)
    return response


@transaction.atomic
def theme_response_withdraw(*, response: ThemeResponse, actor: Any, reason: str = "") -> ThemeResponse:
    """Take a response out of "What we heard"; it is kept, with its history, never deleted."""
    response = ThemeResponse.objects.select_for_update().select_related("consultation").get(pk=response.pk)
    _require_manager(actor, response.consultation)
    if response.deleted_at is not None:
        raise ApplicationError(_("This response was already withdrawn."))
    return model_soft_delete(instance=response, actor=actor, reason=clean_text(reason)[:500])


def report_publish(*, consultation: Consultation, actor: Any) -> Consultation:
    """Publish "What we heard" once the consultation has closed."""
    if not can_manage(user=actor, consultation=consultation):
        raise ApplicationError(_("Only the consultation's secretariat can do this."))
    if consultation.phase != Consultation.Phase.CLOSED:
        raise ApplicationError(_("“What we heard” can be published once the consultation has closed."))
    if consultation.report_published_at is not None:
        raise ApplicationError(_("“What we heard” is already published."))
    model_update(instance=consultation, actor=actor, data={"report_published_at": timezone.now()})
    return consultation


def consultation_open_for_declaration(
    *,
    declaration: Any,
    actor: Any,
    title_en: str,
    title_fr: str,
    opens_on: datetime.date,
    closes_on: datetime.date,
    summary_en: str = "",
    summary_fr: str = "",
) -> Consultation:
    """Open the declaration's current text for comment, paragraph by paragraph and commitment by commitment."""
    from django.utils.text import slugify

    tz = timezone.get_current_timezone()
    opens_at = datetime.datetime.combine(opens_on, datetime.time.min, tzinfo=tz)
    closes_at = datetime.datetime.combine(closes_on + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    base = slugify(f"{declaration.slug}-consultation")[:70]
    slug, n = base, 1
    while Consultation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return consultation_create(
        actor=actor, team=declaration.team, slug=slug, title_en=title_en, title_fr=title_fr,
        summary_en=summary_en, summary_fr=summary_fr, opens_at=opens_at, closes_at=closes_at,
        paragraphs=paragraphs_from_declaration(declaration), subject=declaration, visibility=declaration.visibility,
    )
