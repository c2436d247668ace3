"""The figures behind the charts, facets, and the self-assessment's reads."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from carrefour.core.visibility import visible_to
from carrefour.portfolio.models import (
    Facet,
    FacetAssessment,
    Initiative,
    Stage,
    Status,
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


def facet_list() -> QuerySet[Facet]:
    return Facet.objects.all()


def facet_by_code(*, code: str) -> Facet | None:
    return Facet.objects.filter(code=code).first()


def jurisdiction_by_code(*, code: str) -> Any:
    from carrefour.directory.models import Jurisdiction

    return Jurisdiction.objects.filter(code=code).first()


def assessment_qs() -> QuerySet[FacetAssessment]:
    return FacetAssessment.objects.select_related("team")


def member_teams(*, user: Any) -> QuerySet[Any]:
    """The live directory teams `user` belongs to."""
    from carrefour.directory.models import Team

    if user is None or not user.is_authenticated:
        return Team.objects.none()
    return Team.objects.filter(memberships__user=user, deleted_at__isnull=True).distinct()
