"""Declarations API: the same records and visibility rule as the pages."""

from __future__ import annotations

import datetime

from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from carrefour.core.api import Pagination, each, paged, url_maker
from carrefour.declarations import selectors

router = Router(tags=["declarations"])


class CommitmentOut(Schema):
    number: int
    title_en: str
    title_fr: str
    text_en: str
    text_fr: str
    url: str


class EndorsementOut(Schema):
    jurisdiction: str
    signatory_name: str
    signatory_title_en: str
    signatory_title_fr: str
    endorsed_on: datetime.date
    withdrawn: bool


class DeclarationOut(Schema):
    slug: str
    title_en: str
    title_fr: str
    status: str
    adopted_on: datetime.date | None
    url: str


class DeclarationDetailOut(DeclarationOut):
    preamble_en: str
    preamble_fr: str
    closing_en: str
    closing_fr: str
    versions: list[int]
    commitments: list[CommitmentOut]
    endorsements: list[EndorsementOut]


class WorkOut(Schema):
    kind: str
    title: str
    jurisdiction: str | None
    url: str


def _declaration(d, url=None) -> dict:
    return {"slug": d.slug, "title_en": d.title_en, "title_fr": d.title_fr, "status": d.status,
            "adopted_on": d.adopted_on, "url": url(d.slug) if url else d.get_absolute_url()}


@router.get("/", response=paged(DeclarationOut))
@paginate(Pagination)
def declaration_list(request: HttpRequest):
    """Declarations you may see."""
    url = url_maker("declarations:detail", "slug")
    return each(selectors.declaration_list(user=request.user), lambda d: _declaration(d, url))


@router.get("/{slug}/", response=DeclarationDetailOut)
def declaration_detail(request: HttpRequest, slug: str):
    d = selectors.declaration_get(user=request.user, slug=slug)
    if d is None:
        raise Http404
    commitments = selectors.commitments_of(declaration=d).select_related("declaration")
    endorsements = selectors.endorsements_of(declaration=d)
    return {
        **_declaration(d),
        "preamble_en": d.preamble_en, "preamble_fr": d.preamble_fr,
        "closing_en": d.closing_en, "closing_fr": d.closing_fr,
        "versions": sorted(v.number for v in selectors.versions_of(declaration=d)),
        "commitments": [{"number": c.number, "title_en": c.title_en, "title_fr": c.title_fr, "text_en": c.text_en,
                         "text_fr": c.text_fr, "url": c.get_absolute_url()} for c in commitments],
        "endorsements": [{"jurisdiction": e.jurisdiction.code, "signatory_name": e.signatory_name,
                          "signatory_title_en": e.signatory_title_en, "signatory_title_fr": e.signatory_title_fr,
                          "endorsed_on": e.endorsed_on,
                          "withdrawn": e.withdrawn_at is not None} for e in endorsements],
    }


@router.get("/{slug}/commitments/{number}/work/", response=paged(WorkOut))
@paginate(Pagination)
def commitment_work(request: HttpRequest, slug: str, number: int, months: int | None = None):
    """The records serving one commitment that you may see; `months=12` for the last year only (1 to 1200)."""
    since = selectors.work_since(months=months)
    d = selectors.declaration_get(user=request.user, slug=slug)
    commitment = selectors.commitment_get(declaration=d, number=number) if d else None
    if commitment is None:
        raise Http404
    return each(selectors.linked_work_links(commitment=commitment, user=request.user, since=since), page=lambda links: [
        {"kind": t["kind"], "title": str(getattr(t["object"], "title", t["object"])),
         "jurisdiction": t["jurisdiction"].code if t["jurisdiction"] else None, "url": t["object"].get_absolute_url()}
        for t in selectors.linked_work_targets(links=links)
    ])
