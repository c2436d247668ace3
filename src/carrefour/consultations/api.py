"""Consultations API: consultations and their comments, without personal data."""

from __future__ import annotations

import datetime

from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from carrefour.consultations import selectors
from carrefour.core.api import Pagination, each, paged, url_maker

router = Router(tags=["consultations"])


class ConsultationOut(Schema):
    slug: str
    title_en: str
    title_fr: str
    opens_at: datetime.datetime
    closes_at: datetime.datetime
    phase: str
    comments: int
    url: str


class CommentOut(Schema):
    id: int
    reply_to: int | None
    paragraph: int | None
    category: str
    language: str
    commenter_kind: str
    body: str
    supports: int
    created_at: datetime.datetime


@router.get("/", response=paged(ConsultationOut))
@paginate(Pagination)
def consultation_list(request: HttpRequest):
    """Consultations you may see, the latest to open first."""
    url = url_maker("consultations:detail", "slug")
    return each(selectors.consultation_list(user=request.user), lambda c: {
        "slug": c.slug, "title_en": c.title_en, "title_fr": c.title_fr, "opens_at": c.opens_at,
        "closes_at": c.closes_at, "phase": c.phase, "comments": c.comment_count, "url": url(c.slug)})


@router.get("/{slug}/comments/", response=paged(CommentOut))
@paginate(Pagination)
def consultation_comments(request: HttpRequest, slug: str):
    """Visible comments; no names, emails or addresses (the commenter's kind only)."""
    consultation = selectors.consultation_get(user=request.user, slug=slug)
    if consultation is None:
        raise Http404
    return each(selectors.comments_for_export(consultation=consultation), lambda c: {
        "id": c.pk, "reply_to": c.parent_id, "paragraph": c.paragraph.position if c.paragraph else None,
        "category": c.category, "language": c.language, "commenter_kind": c.author_kind, "body": c.body,
        "supports": c.support_count, "created_at": c.created_at})
