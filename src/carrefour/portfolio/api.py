"""Portfolio API: initiatives (same filters and visibility rule as the pages) and their timelines.

An initiative's table and priority are named only to those who may see them (None otherwise).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from carrefour.core.api import Pagination, each, paged, url_maker
from carrefour.portfolio import selectors

router = Router(tags=["portfolio"])


class AchievementOut(Schema):
    date: datetime.date
    text_en: str
    text_fr: str
    by: str
    evidence_url: str


class InitiativeOut(Schema):
    id: int
    title_en: str
    title_fr: str
    summary_en: str
    summary_fr: str
    lead_jurisdiction: str
    partner_jurisdictions: list[str]
    table: str | None
    priority: str | None
    facets: list[str]
    stage: str
    status: str
    start_date: datetime.date | None
    end_date: datetime.date | None
    url: str


class InitiativeDetailOut(InitiativeOut):
    achievements: list[AchievementOut]


def _initiative(i) -> dict:
    return {
        "id": i.pk, "title_en": i.title_en, "title_fr": i.title_fr, "summary_en": i.summary_en,
        "summary_fr": i.summary_fr, "lead_jurisdiction": i.jurisdiction.code,
        "partner_jurisdictions": [j.code for j in i.partner_jurisdictions.all()],
        "table": i.table.slug if i.table else None, "priority": i.priority.title_en if i.priority else None,
        "facets": [f.code for f in i.facets.all()], "stage": i.stage, "status": i.status,
        "start_date": i.start_date, "end_date": i.end_date, "url": i.get_absolute_url(),
    }


@router.get("/initiatives/", response=paged(InitiativeOut))
@paginate(Pagination)
def initiative_list(request: HttpRequest, jurisdiction: str | None = None, facet: str | None = None,
                    stage: str | None = None, status: str | None = None):
    """Visible initiatives; `jurisdiction` (a code) matches the lead or a partner, `facet` is a facet code."""
    filters: dict = {"stage": stage, "status": status}
    if jurisdiction:
        filters["jurisdiction"] = selectors.jurisdiction_by_code(code=jurisdiction)
        if filters["jurisdiction"] is None:
            return []
    if facet:
        filters["facet"] = selectors.facet_by_code(code=facet)
        if filters["facet"] is None:
            return []
    url = url_maker("portfolio:initiative", "pk")
    rows = selectors.initiative_api_rows(user=request.user, **filters).order_by("pk")
    return each(rows, page=lambda page: _rows(page, url), counted=selectors.initiative_list(user=request.user, **filters))


def _rows(rows: list[dict], url: Callable[[int], str]) -> list[dict]:
    """The API's items from plain rows: no model instance, two queries for the page's codes."""
    codes = selectors.initiative_api_codes(ids=[r["id"] for r in rows])
    return [
        {"id": r["id"], "title_en": r["title_en"], "title_fr": r["title_fr"], "summary_en": r["summary_en"],
         "summary_fr": r["summary_fr"], "lead_jurisdiction": r["lead_code"],
         "partner_jurisdictions": codes[r["id"]]["partners"], "table": r["table_slug"], "priority": r["priority_title"],
         "facets": codes[r["id"]]["facets"], "stage": r["stage"], "status": r["status"], "start_date": r["start_date"],
         "end_date": r["end_date"], "url": url(r["id"])}
        for r in rows
    ]


@router.get("/initiatives/{pk}/", response=InitiativeDetailOut)
def initiative_detail(request: HttpRequest, pk: int):
    initiative = selectors.with_related(selectors.initiative_list(user=request.user), user=request.user).filter(
        pk=pk).first()
    if initiative is None:
        raise Http404
    achievements = selectors.initiative_timeline(initiative=initiative, user=request.user)
    return {**_initiative(initiative), "achievements": [
        {"date": a.date, "text_en": a.text_en, "text_fr": a.text_fr, "by": a.by, "evidence_url": a.evidence_url}
        for a in achievements]}
