"""Reads for the portfolio: filtered, visible initiatives and the figures behind the charts."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from carrefour.core.visibility import visible_to
from carrefour.portfolio import commitments as commitment_bridge
from carrefour.portfolio.models import (
    Achievement,
    Facet,
    Initiative,
    Priority,
    Stage,
    Status,
    Table,
)


def table_list(*, user: Any) -> QuerySet[Table]:
    return visible_to(Table.objects.all(), user).annotate(
        initiative_count=Count("initiatives", filter=Q(initiatives__deleted_at__isnull=True), distinct=True),
        priority_count=Count("priorities", filter=Q(priorities__deleted_at__isnull=True), distinct=True),
    )


def initiative_list(
    *,
    user: Any,
    jurisdiction: Any = None,
    priority: Any = None,
    facet: Any = None,
    stage: str | None = None,
    status: str | None = None,
    commitment: Any = None,
    table: Any = None,
    q: str | None = None,
) -> QuerySet[Initiative]:
    """Visible initiatives; `jurisdiction` matches the lead or a partner."""
    qs = visible_to(Initiative.objects.all(), user)
    if table is not None:
        qs = qs.filter(table=table)
    if jurisdiction is not None:
        partner_ids = Initiative.partner_jurisdictions.through.objects.filter(jurisdiction=jurisdiction).values("initiative_id")
        qs = qs.filter(Q(jurisdiction=jurisdiction) | Q(pk__in=partner_ids))
    if priority is not None:
        qs = qs.filter(priority=priority)
    if facet is not None:
        qs = qs.filter(pk__in=Initiative.facets.through.objects.filter(facet=facet).values("initiative_id"))
    if stage:
        qs = qs.filter(stage=stage)
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(title_en__icontains=q) | Q(title_fr__icontains=q) | Q(summary_en__icontains=q) | Q(summary_fr__icontains=q))
    if commitment:
        qs = commitment_bridge.filter_by_commitment(qs, commitment)
    return qs


def with_related(qs: QuerySet[Initiative]) -> QuerySet[Initiative]:
    return qs.select_related("jurisdiction", "priority", "table", "lead_organization").prefetch_related(
        "facets", "partner_jurisdictions"
    )


def facet_stage_matrix(qs: QuerySet[Initiative]) -> dict[str, Any]:
    """Counts of initiatives by facet (rows) and stage (columns); one query."""
    facets = list(Facet.objects.all())
    counts = {
        (row["facets"], row["stage"]): row["n"]
        for row in qs.order_by().values("facets", "stage").annotate(n=Count("pk", distinct=True))
    }
    rows = []
    for facet in facets:
        cells = [counts.get((facet.pk, stage), 0) for stage in Stage.values]
        rows.append({"facet": facet, "cells": cells, "total": sum(cells)})
    none_cells = [counts.get((None, stage), 0) for stage in Stage.values]
    stages = [label for _value, label in Stage.choices]
    peak = max([c for r in rows for c in r["cells"]] + none_cells + [0])
    return {"stages": stages, "rows": rows, "unassigned": none_cells, "unassigned_total": sum(none_cells), "max": peak}


def jurisdiction_breakdown(qs: QuerySet[Initiative]) -> list[dict[str, Any]]:
    """Initiatives led by each jurisdiction, with their status; one query."""
    from carrefour.directory.models import Jurisdiction

    rows: dict[int, dict[str, Any]] = {}
    for row in qs.order_by().values("jurisdiction", "status").annotate(n=Count("pk")):
        entry = rows.setdefault(row["jurisdiction"], dict.fromkeys(Status.values, 0))
        entry[row["status"]] = row["n"]
    if not rows:
        return []
    jurisdictions = Jurisdiction.objects.in_bulk(list(rows))
    result = []
    for jid, counts in rows.items():
        result.append({"jurisdiction": jurisdictions[jid], "counts": [counts[s] for s in Status.values],
                       "total": sum(counts.values())})
    result.sort(key=lambda r: (-r["total"], r["jurisdiction"].sort_order))
    return result


def initiative_detail_qs(*, user: Any) -> QuerySet[Initiative]:
    achievements = visible_to(Achievement.objects.all(), user).prefetch_related("jurisdictions")
    return with_related(visible_to(Initiative.objects.all(), user)).select_related(
        "priority__champion_jurisdiction", "owner"
    ).prefetch_related("partner_organizations", "links", Prefetch("achievements", queryset=achievements, to_attr="timeline"))


def achievements_since(*, user: Any, since: datetime.date, table: Any = None) -> QuerySet[Achievement]:
    qs = visible_to(Achievement.objects.all(), user).filter(
        date__gte=since, initiative__deleted_at__isnull=True
    ).filter(initiative__in=visible_to(Initiative.objects.all(), user))
    if table is not None:
        qs = qs.filter(initiative__table=table)
    return qs.select_related("initiative", "initiative__jurisdiction").order_by("-date", "-id")


def priorities_for(*, table: Table, user: Any) -> QuerySet[Priority]:
    initiatives = visible_to(Initiative.objects.all(), user).select_related("jurisdiction").order_by("pk")
    return visible_to(table.priorities.all(), user).select_related("champion", "champion_jurisdiction").prefetch_related(
        Prefetch("initiatives", queryset=initiatives, to_attr="visible_initiatives")
    )


def actual_facet_mix(*, team: Any, user: Any) -> dict[str, float]:
    """Share of each facet among the facet tags of the team's initiatives (its own or its tables')."""
    qs = visible_to(Initiative.objects.all(), user).filter(Q(team=team) | Q(table__team=team))
    counts = dict(
        Initiative.facets.through.objects.filter(initiative__in=qs).values("facet__code").annotate(n=Count("pk"))
        .values_list("facet__code", "n")
    )
    total = sum(counts.values())
    codes = list(Facet.objects.values_list("code", flat=True))
    return {code: (counts.get(code, 0) / total if total else 0.0) for code in codes}


def news_items(*, user: Any, since: datetime.date, limit: int) -> list[Any]:
    """Achievements dated since a date, for "What's new" (through `achievements_since`)."""
    from carrefour.core.news import NewsItem, on_day

    return [
        NewsItem(when=on_day(a.date), kind="achievements", title=str(a.initiative.title), summary=str(a.text),
                 url=a.initiative.get_absolute_url() + "#timeline")
        for a in achievements_since(user=user, since=since)[:limit]
    ]


def search_hits(*, user: Any, terms: list[str], limit: int) -> list[Any]:
    """Tables and initiatives `user` may see whose names or summaries hold every term."""
    from carrefour.core.search import SearchHit, matching

    hits = [
        SearchHit(kind="portfolio", title=str(t.name), summary=str(t.description), url=t.get_absolute_url())
        for t in table_list(user=user).filter(matching(terms, ["name_en", "name_fr", "description_en", "description_fr"]))[:limit]
    ]
    hits += [
        SearchHit(kind="portfolio", title=str(i.title), summary=str(i.summary), url=i.get_absolute_url())
        for i in visible_to(Initiative.objects.all(), user).filter(
            matching(terms, ["title_en", "title_fr", "summary_en", "summary_fr"])).order_by("title_en")[:limit]
    ]
    return hits
