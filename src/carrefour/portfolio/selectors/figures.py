"""The figures behind the charts, facets, and the self-assessment's reads.

The portfolio's figures (how many initiatives, by facet and stage, by lead jurisdiction and
status) are two GROUP BY queries over the initiatives a reader sees. At ten thousand
initiatives that is still most of a page's database time, so `initiative_figures` keeps the
counts in the shared cache, one entry per reader's scope and filters, each stamped with the
figures' version. The services that change initiatives call `figures_invalidate`, which
replaces the version: every entry is then stale and the next request counts again.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Model, Q, QuerySet

from carrefour.core.visibility import is_platform_admin, visible_to
from carrefour.portfolio.models import (
    Facet,
    FacetAssessment,
    Initiative,
    Stage,
    Status,
)

VERSION_KEY = "portfolio:figures:version"
# A backstop for writes that reach no portfolio service (a bulk load, the demo's facet links):
# an entry is counted again after this long even if no service said an initiative changed.
# (A reader's teams are part of the key, so joining or leaving one needs no invalidation.)
FIGURES_SECONDS = 600


def figures_invalidate() -> None:
    """Make every cached portfolio figure stale (call it from the services that change initiatives).

    The new version is written now, inside the caller's transaction (the database cache then
    commits or rolls it back with the change), and again after the commit, so that a cache
    outside the database cannot keep counts a request made before the change was visible."""
    _new_version()
    transaction.on_commit(_new_version)


def _new_version() -> str:
    version = uuid.uuid4().hex
    cache.set(VERSION_KEY, version, timeout=None)
    return version


def _scope(user: Any) -> str:
    """What decides which initiatives `user` sees (core.visibility.visibility_q), as a key."""
    if user is None or not user.is_authenticated or not user.is_active:
        return "public"
    if is_platform_admin(user):
        return "all"
    from carrefour.directory.models import Membership

    teams = sorted(Membership.objects.filter(user=user, team__deleted_at__isnull=True).order_by()
                   .values_list("team_id", flat=True))
    return f"user:{user.pk}:{int(user.is_public_servant)}:{','.join(map(str, teams))}"


def _filters_key(filters: dict[str, Any]) -> str:
    parts = sorted((k, v.pk if isinstance(v, Model) else v) for k, v in filters.items() if v not in (None, ""))
    return repr(parts)


def _matrix_counts(qs: QuerySet[Initiative]) -> dict[tuple[Any, str], int]:
    """(facet id, stage) → number of initiatives of `qs`; one GROUP BY query.

    An initiative with several facets counts once in each (the through table holds one row per
    pair, so no DISTINCT is needed); one with none counts under the facet None."""
    return {(r["facets"], r["stage"]): r["n"] for r in qs.order_by().values("facets", "stage").annotate(n=Count("pk"))}


def _breakdown_counts(qs: QuerySet[Initiative]) -> dict[tuple[Any, str], int]:
    """(lead jurisdiction id, status) → number of initiatives of `qs`; one GROUP BY query."""
    return {(r["jurisdiction"], r["status"]): r["n"]
            for r in qs.order_by().values("jurisdiction", "status").annotate(n=Count("pk"))}


def _cached_counts(*, user: Any, filters: dict[str, Any]) -> dict[str, dict[tuple[Any, str], int]]:
    """The two tables of counts, from the cache when its entry is of the current version."""
    from carrefour.portfolio.selectors.initiatives import initiative_list

    digest = hashlib.sha256(f"{_scope(user)}|{_filters_key(filters)}".encode()).hexdigest()[:40]
    key = f"portfolio:figures:{digest}"
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY) or _new_version()
    entry = found.get(key)
    if entry is not None and entry.get("version") == version:
        return entry["counts"]
    qs = initiative_list(user=user, **filters)
    counts = {"matrix": _matrix_counts(qs), "breakdown": _breakdown_counts(qs)}
    cache.set(key, {"version": version, "counts": counts}, timeout=FIGURES_SECONDS)
    return counts


def _totals(by_pair: dict[tuple[Any, str], int]) -> dict[str, Any]:
    by_status = {s: sum(n for (_j, status), n in by_pair.items() if status == s) for s in Status.values}
    return {"count": sum(by_pair.values()), "by_status": by_status}


def initiative_counts(*, user: Any, filters: dict[str, Any] | None = None) -> dict[str, Any]:
    """How many initiatives `user` sees with `filters` (initiative_list's), in all and by status."""
    return _totals(_cached_counts(user=user, filters=filters or {})["breakdown"])


def initiative_figures(*, user: Any, filters: dict[str, Any] | None = None,
                       facets: list[Facet] | None = None) -> dict[str, Any]:
    """initiative_counts, and the counts by facet and stage and by lead jurisdiction and status;
    counted in the database and cached until an initiative changes."""
    counts = _cached_counts(user=user, filters=filters or {})
    return {
        **_totals(counts["breakdown"]),
        "matrix": _matrix(counts["matrix"], facets if facets is not None else list(Facet.objects.all())),
        "breakdown": _breakdown(counts["breakdown"]),
    }


def _matrix(counts: dict[tuple[Any, str], int], facets: list[Facet]) -> dict[str, Any]:
    rows = []
    for facet in facets:
        cells = [counts.get((facet.pk, stage), 0) for stage in Stage.values]
        rows.append({"facet": facet, "cells": cells, "total": sum(cells)})
    none_cells = [counts.get((None, stage), 0) for stage in Stage.values]
    stages = [label for _value, label in Stage.choices]
    peak = max([c for r in rows for c in r["cells"]] + none_cells + [0])
    return {"stages": stages, "rows": rows, "unassigned": none_cells, "unassigned_total": sum(none_cells), "max": peak}


def _breakdown(counts: dict[tuple[Any, str], int]) -> list[dict[str, Any]]:
    from carrefour.directory.models import Jurisdiction

    rows: dict[int, dict[str, int]] = {}
    for (jid, status), n in counts.items():
        rows.setdefault(jid, dict.fromkeys(Status.values, 0))[status] = n
    if not rows:
        return []
    jurisdictions = Jurisdiction.objects.in_bulk(list(rows))
    result = [{"jurisdiction": jurisdictions[jid], "counts": [by[s] for s in Status.values], "total": sum(by.values())}
              for jid, by in rows.items() if jid in jurisdictions]
    result.sort(key=lambda r: (-r["total"], r["jurisdiction"].sort_order))
    return result


def facet_stage_matrix(qs: QuerySet[Initiative]) -> dict[str, Any]:
    """Counts of initiatives of `qs` by facet (rows) and stage (columns); one query, not cached."""
    return _matrix(_matrix_counts(qs), list(Facet.objects.all()))


def jurisdiction_breakdown(qs: QuerySet[Initiative]) -> list[dict[str, Any]]:
    """Initiatives of `qs` led by each jurisdiction, with their status; not cached."""
    return _breakdown(_breakdown_counts(qs))


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
