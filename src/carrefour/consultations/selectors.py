"""Consultation reads: lists, the draft with its comments, moderation queue, "What we heard"."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

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
from carrefour.core.visibility import visible_to


def consultation_list(*, user: Any) -> QuerySet[Consultation]:
    return visible_to(Consultation.objects.all(), user).annotate(
        comment_count=Count("comments", filter=Q(comments__state=Comment.State.VISIBLE), distinct=True),
    ).order_by("-opens_at")


def consultation_get(*, user: Any, slug: str) -> Consultation | None:
    return visible_to(Consultation.objects.all(), user).filter(slug=slug).first()


def consultations_all() -> QuerySet[Consultation]:
    """Every consultation, before the visibility rule (for `get_visible_or_404`)."""
    return Consultation.objects.all()


def paragraphs_of(*, consultation: Consultation) -> list[Paragraph]:
    """The consultation's paragraphs, in order, with the commitment each one states."""
    return list(consultation.paragraphs.select_related("commitment").order_by("position"))


def comment_get(*, consultation: Consultation, pk: int, user: Any, moderator: bool = False) -> Comment | None:
    """One comment of the consultation that `user` may see: a visible one, their own, or any for moderators."""
    qs = Comment.objects.filter(consultation=consultation, pk=pk)
    if not moderator:
        qs = _comment_qs(consultation, include_hidden=False, user=user).filter(pk=pk)
    return qs.select_related("author__jurisdiction", "author__organization", "consultation").first()


def comment_card(*, comment: Comment, user: Any) -> Comment:
    """The comment as its card shows it, fresh from the database, marked `supported` by `user` or not."""
    card = Comment.objects.select_related("author__jurisdiction", "author__organization").get(pk=comment.pk)
    card.supported = user is not None and user.is_authenticated and card.supports.filter(user=user).exists()
    card.flagged = user is not None and user.is_authenticated and card.flags.filter(user=user).exists()
    return card


def _comment_qs(consultation: Consultation, *, include_hidden: bool, user: Any) -> QuerySet[Comment]:
    qs = Comment.objects.filter(consultation=consultation)
    if not include_hidden:
        # Everyone sees visible comments; authors also see their own hidden ones, marked as such.
        mine = Q(author=user) if user is not None and user.is_authenticated else Q(pk__in=[])
        qs = qs.filter(Q(state=Comment.State.VISIBLE) | mine)
    return qs.select_related("author__jurisdiction", "author__organization")


def comment_threads(*, consultation: Consultation, user: Any, moderator: bool = False) -> dict[Any, list[Comment]]:
    """Top-level comments with their replies (prefetched), keyed by paragraph id (None: general)."""
    replies = _comment_qs(consultation, include_hidden=moderator, user=user).filter(parent__isnull=False)
    top = (
        _comment_qs(consultation, include_hidden=moderator, user=user)
        .filter(parent__isnull=True)
        .prefetch_related(Prefetch("replies", queryset=replies.order_by("created_at", "id"), to_attr="thread"))
        .order_by("created_at", "id")
    )
    supported: set[int] = set()
    flagged: set[int] = set()
    if user is not None and user.is_authenticated:
        supported = set(
            Support.objects.filter(user=user, comment__consultation=consultation).values_list("comment_id", flat=True)
        )
        flagged = set(
            Flag.objects.filter(user=user, comment__consultation=consultation).values_list("comment_id", flat=True)
        )
    threads: dict[Any, list[Comment]] = {}
    for comment in top:
        comment.supported, comment.flagged = comment.pk in supported, comment.pk in flagged
        for reply in comment.thread:
            reply.supported, reply.flagged = reply.pk in supported, reply.pk in flagged
        threads.setdefault(comment.paragraph_id, []).append(comment)
    return threads


def moderation_queue(*, consultation: Consultation) -> QuerySet[Comment]:
    """Comments a moderator should look at: hidden pending review, hidden, or with flags still to review."""
    return (
        Comment.objects.filter(consultation=consultation)
        .filter(Q(state__in=[Comment.State.PENDING, Comment.State.HIDDEN]) | Q(flag_count__gt=0))
        .select_related("author__jurisdiction", "author__organization", "paragraph", "moderated_by")
        .prefetch_related(Prefetch("flags", queryset=Flag.objects.select_related("dismissed_by").order_by("created_at")))
        .order_by("-state", "-flag_count", "created_at")
    )


def flag_get(*, consultation: Consultation, pk: int) -> Flag | None:
    """One flag on a comment of this consultation (for its moderators)."""
    return Flag.objects.filter(pk=pk, comment__consultation=consultation).select_related("comment").first()


def question_tallies(*, consultation: Consultation, lang: str) -> list[dict[str, Any]]:
    """For each question: counts per choice (with shares), or the free-text answers.

    Retired questions keep their answers and stay in the tally (marked retired) if anyone answered them.
    """
    questions = list(consultation.questions.all())
    answers = Answer.objects.filter(question__consultation=consultation).order_by("created_at", "id")
    by_question: dict[int, list[Answer]] = {}
    for answer in answers:
        by_question.setdefault(answer.question_id, []).append(answer)
    result = []
    for q in questions:
        rows = by_question.get(q.pk, [])
        if q.deleted_at is not None and not rows:
            continue
        item: dict[str, Any] = {"question": q, "respondents": len(rows), "retired": q.deleted_at is not None}
        if q.kind == Question.Kind.TEXT:
            item["texts"] = [a.text for a in rows if a.text]
        else:
            counts = Counter(i for a in rows for i in a.choices)
            labels = q.choice_labels(lang)
            item["choices"] = [
                {"label": label, "count": counts.get(i, 0),
                 "share": (counts.get(i, 0) / len(rows)) if rows else 0.0}
                for i, label in enumerate(labels)
            ]
        result.append(item)
    return result


def what_we_heard(*, consultation: Consultation, lang: str) -> dict[str, Any]:
    """Per paragraph (and general) counts by category and the visible comments; tallies; responses."""
    categories = list(Comment.Category.choices)
    paragraphs = list(consultation.paragraphs.all())
    comments = list(
        Comment.objects.filter(consultation=consultation, state=Comment.State.VISIBLE)
        .select_related("paragraph")
        .order_by("created_at", "id")
    )
    sections = []
    for paragraph in [*paragraphs, None]:
        mine = [c for c in comments if c.paragraph_id == (paragraph.pk if paragraph else None)]
        counts = Counter(c.category for c in mine if c.parent_id is None)
        sections.append({
            "paragraph": paragraph,
            "total": len([c for c in mine if c.parent_id is None]),
            "replies": len([c for c in mine if c.parent_id is not None]),
            "counts": [(value, label, counts.get(value, 0)) for value, label in categories],
            "comments": mine,
        })
    totals = Counter(c.category for c in comments if c.parent_id is None)
    top = max(totals.values(), default=0)
    bars = [
        {"label": label, "count": totals.get(value, 0), "y": 8 + i * 28,
         "width": round(300 * totals.get(value, 0) / top) if top else 0}
        for i, (value, label) in enumerate(categories)
    ]
    return {
        "bars": bars,
        "paragraphs": paragraphs,
        "sections": sections,
        "categories": [(value, label, totals.get(value, 0)) for value, label in categories],
        "total": sum(totals.values()),
        "participants": len({c.author_id for c in comments}),
        "questions": question_tallies(consultation=consultation, lang=lang),
        "responses": list(consultation.responses.filter(deleted_at__isnull=True).select_related("paragraph")),
        "hidden": Comment.objects.filter(consultation=consultation).exclude(state=Comment.State.VISIBLE).count(),
    }


def comments_for_export(*, consultation: Consultation) -> QuerySet[Comment]:
    """Visible comments, for the open-data export (no names, emails or addresses are exported)."""
    return (
        Comment.objects.filter(consultation=consultation, state=Comment.State.VISIBLE)
        .select_related("paragraph")
        .order_by("created_at", "id")
    )


def questions_asked(*, consultation: Consultation) -> list[Question]:
    """The questions still asked (not retired), in order."""
    return list(consultation.questions.filter(deleted_at__isnull=True).order_by("position", "id"))


def questions_for_secretariat(*, consultation: Consultation) -> list[Question]:
    """Every question, retired ones too, each with its number of respondents (`answer_count`)."""
    return list(consultation.questions.annotate(answer_count=Count("answers")).order_by("position", "id"))


def question_get(*, consultation: Consultation, pk: int, asked_only: bool = False) -> Question | None:
    """One question of the consultation; with `asked_only`, not a retired one."""
    qs = consultation.questions.filter(pk=pk)
    if asked_only:
        qs = qs.filter(deleted_at__isnull=True)
    return qs.first()


def question_is_answered(*, question: Question) -> bool:
    return question.answers.exists()


def answers_initial(*, user: Any, questions: list[Question]) -> dict[str, Any]:
    """This person's saved answers as initial values of the answers form (`q<id>` fields)."""
    initial: dict[str, Any] = {}
    if user is None or not user.is_authenticated:
        return initial
    for answer in Answer.objects.filter(question__in=questions, respondent=user).select_related("question"):
        if answer.question.kind == Question.Kind.TEXT:
            initial[f"q{answer.question_id}"] = answer.text
        elif answer.question.kind == Question.Kind.SINGLE:
            initial[f"q{answer.question_id}"] = str(answer.choices[0]) if answer.choices else ""
        else:
            initial[f"q{answer.question_id}"] = [str(i) for i in answer.choices]
    return initial


def theme_response_get(*, consultation: Consultation, pk: int) -> ThemeResponse | None:
    """One response of "What we heard" still standing (not withdrawn)."""
    return (ThemeResponse.objects.select_related("paragraph")
            .filter(pk=pk, consultation=consultation, deleted_at__isnull=True).first())


def paragraph_get(*, consultation: Consultation, position: Any) -> Paragraph | None:
    try:
        return consultation.paragraphs.filter(position=int(position)).first()
    except (TypeError, ValueError):
        return None


def consultations_about(*, subject: Any, user: Any) -> QuerySet[Consultation]:
    """The consultations held on a record (e.g. a declaration) that `user` may see."""
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(subject, for_concrete_model=True)
    return visible_to(Consultation.objects.filter(subject_type=ct, subject_id=subject.pk), user).order_by("-opens_at")


def news_items(*, user: Any, since: Any, limit: int) -> list[Any]:
    """Consultations that opened since a date (and have opened), for "What's new"."""
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from carrefour.core.news import NewsItem

    return [
        NewsItem(when=c.opens_at, kind="consultations", title=_("Consultation open: %(title)s") % {"title": c.title},
                 summary=str(c.summary), url=c.get_absolute_url())
        for c in consultation_list(user=user).filter(opens_at__date__gte=since, opens_at__lte=timezone.now())[:limit]
    ]


def search_hits(*, user: Any, terms: list[str], limit: int) -> list[Any]:
    """Consultations `user` may see whose title or summary holds every term."""
    from carrefour.core.search import SearchHit, matching

    return [
        SearchHit(kind="consultations", title=str(c.title), summary=str(c.summary), url=c.get_absolute_url())
        for c in consultation_list(user=user).filter(matching(terms, ["title_en", "title_fr", "summary_en", "summary_fr"]))[:limit]
    ]
