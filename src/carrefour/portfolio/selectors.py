"""Reads for the portfolio: filtered, visible initiatives and the figures behind the charts.

Every record drawn from a relation passes the same visibility rule as the record itself: a
public initiative of a private table or priority shows neither (`with_related` reads them
through `visible_to`, so a hidden one reads as None in pages, exports and the API).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from carrefour.core.visibility import visible_to
from carrefour.declarations import commitments as commitment_links
from carrefour.portfolio.models import (
    Achievement,
    Facet,
    FacetAssessment,
    Initiative,
    Priority,
    ProgressReport,
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
        qs = commitment_links.filter_by_commitment(qs, commitment)
    return qs


def visible_related(user: Any) -> list[Prefetch]:
    """Prefetches of an initiative's table and priority through the visibility rule (hidden: None)."""
    return [
        Prefetch("table", queryset=visible_to(Table.objects.all(), user)),
        Prefetch("priority", queryset=visible_to(Priority.objects.all(), user).select_related(
            "champion", "champion_jurisdiction")),
    ]


def with_related(qs: QuerySet[Initiative], *, user: Any) -> QuerySet[Initiative]:
    """What lists, exports and the API show of initiatives; related records only if `user` sees them."""
    return qs.select_related("jurisdiction", "lead_organization").prefetch_related(
        "facets", "partner_jurisdictions", *visible_related(user)
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
    return with_related(visible_to(Initiative.objects.all(), user), user=user).select_related(
        "owner"
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


# Single records and what their pages show ---------------------------------------------------------
# Views fetch through these querysets and `carrefour.core.visibility.get_visible_or_404`.


def facet_list() -> QuerySet[Facet]:
    return Facet.objects.all()


def facet_by_code(*, code: str) -> Facet | None:
    return Facet.objects.filter(code=code).first()


def jurisdiction_by_code(*, code: str) -> Any:
    from carrefour.directory.models import Jurisdiction

    return Jurisdiction.objects.filter(code=code).first()


def table_qs() -> QuerySet[Table]:
    return Table.objects.select_related("team")


def table_by_slug(*, user: Any, slug: str) -> Table | None:
    """A table `user` may see, or None."""
    return visible_to(table_qs(), user).filter(slug=slug).first()


def priority_qs() -> QuerySet[Priority]:
    return Priority.objects.select_related("table")


def meeting_qs() -> QuerySet[Any]:
    from carrefour.portfolio.models import Meeting

    return Meeting.objects.select_related("table")


def decision_qs() -> QuerySet[Any]:
    from carrefour.portfolio.models import Decision

    return Decision.objects.select_related("table")


def initiative_qs() -> QuerySet[Initiative]:
    return Initiative.objects.select_related("table")


def achievement_qs() -> QuerySet[Achievement]:
    """Live achievements of live initiatives."""
    return Achievement.objects.select_related("initiative", "initiative__table").filter(
        initiative__deleted_at__isnull=True)


def assessment_qs() -> QuerySet[FacetAssessment]:
    return FacetAssessment.objects.select_related("team")


def priority_choices(*, user: Any) -> QuerySet[Priority]:
    """Priorities `user` may see, for the portfolio's filter."""
    return visible_to(Priority.objects.all(), user).select_related("table")


def table_priorities(*, table: Table, user: Any) -> QuerySet[Priority]:
    return visible_to(table.priorities.all(), user)


def table_member_jurisdictions(*, table: Table) -> list[Any]:
    return list(table.member_jurisdictions.all())


def table_member_jurisdiction(*, table: Table, pk: int) -> Any:
    """One of the table's member jurisdictions, or None."""
    return table.member_jurisdictions.filter(pk=pk).first()


def table_team_memberships(*, table: Table) -> QuerySet[Any]:
    from carrefour.directory.models import Membership

    if not table.team_id:
        return Membership.objects.none()
    return table.team.memberships.select_related("user", "jurisdiction").order_by("role", "user__display_name")


def table_page(*, table: Table, user: Any) -> dict[str, Any]:
    """What a table's page shows `user`: members, priorities, initiatives, meetings, decisions."""
    from carrefour.core.visibility import can_view

    priorities = priorities_for(table=table, user=user)
    decisions = list(visible_to(table.decisions.all(), user).select_related("meeting"))
    # An initiative whose priority `user` may not see is listed with those that have none.
    unassigned = visible_to(table.initiatives.all(), user).exclude(
        priority__in=visible_to(Priority.objects.all(), user)).select_related("jurisdiction")
    return {
        "members": table.members.select_related("jurisdiction", "person").order_by("role", "id"),
        "member_jurisdictions": table.member_jurisdictions.all(),
        "team_members": table_team_memberships(table=table) if table.team_id and can_view(user, table.team) else [],
        "priorities": priorities,
        "unassigned": unassigned,
        "meetings": visible_to(table.meetings.all(), user).prefetch_related("decisions"),
        "decisions": [d for d in decisions if d.kind == "decision"],
        "next_steps": [d for d in decisions if d.kind == "next_step"],
        "sought": [d for d in decisions if d.kind == "sought"],
    }


def tables_for_new_initiative(*, user: Any) -> QuerySet[Table]:
    """Visible tables in which `user` may add initiatives: their own, or their team's as an editing member."""
    from carrefour.core.visibility import EDIT_ROLES, is_platform_admin
    from carrefour.directory.models import Membership

    tables = visible_to(Table.objects.all(), user)
    if is_platform_admin(user):
        return tables
    if user is None or not user.is_authenticated:
        return tables.none()
    teams = Membership.objects.filter(user=user, role__in=EDIT_ROLES, team__deleted_at__isnull=True).values("team_id")
    return tables.filter(Q(owner=user) | Q(team_id__in=teams))


def priorities_for_new_initiative(*, user: Any, tables: QuerySet[Table]) -> QuerySet[Priority]:
    """The priorities `user` may see of the tables offered in the initiative form."""
    return visible_to(Priority.objects.filter(table__in=tables), user).select_related("table")


def table_deleted_records(*, table: Table) -> dict[str, Any]:
    """The table's deleted initiatives, and the deleted achievements of its live initiatives."""
    return {
        "initiatives": table.initiatives.filter(deleted_at__isnull=False).select_related("jurisdiction")
        .order_by("-deleted_at", "pk"),
        "achievements": Achievement.objects.filter(
            initiative__table=table, deleted_at__isnull=False, initiative__deleted_at__isnull=True,
        ).select_related("initiative").order_by("-deleted_at", "pk"),
    }


def initiative_deleted_get(*, pk: int) -> Initiative | None:
    return Initiative.objects.select_related("table").filter(pk=pk, deleted_at__isnull=False).first()


def achievement_deleted_get(*, pk: int) -> Achievement | None:
    return Achievement.objects.select_related("initiative", "initiative__table").filter(
        pk=pk, deleted_at__isnull=False).first()


def progress_report_get(*, pk: int) -> ProgressReport | None:
    return ProgressReport.objects.select_related("table").filter(pk=pk).first()


def member_teams(*, user: Any) -> QuerySet[Any]:
    """The live directory teams `user` belongs to."""
    from carrefour.directory.models import Team

    if user is None or not user.is_authenticated:
        return Team.objects.none()
    return Team.objects.filter(memberships__user=user, deleted_at__isnull=True).distinct()


def initiative_timeline(*, initiative: Initiative, user: Any) -> QuerySet[Achievement]:
    """The achievements of one initiative that `user` may see, oldest first."""
    return visible_to(Achievement.objects.filter(initiative=initiative), user).order_by("date", "id")
