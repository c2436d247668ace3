"""Initiatives and their achievements as `user` may see them; what the initiative form offers."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from carrefour.core.visibility import visible_to
from carrefour.declarations import commitments as commitment_links
from carrefour.portfolio.models import (
    Achievement,
    Initiative,
    Priority,
    Table,
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


def with_list_related(qs: QuerySet[Initiative], *, user: Any) -> QuerySet[Initiative]:
    """What the portfolio's list page shows of each initiative, and no more (its exports read
    `with_related`): the lead, partners, facets and the priority if `user` sees it."""
    return qs.defer("summary_en", "summary_fr", "commitments_text").select_related("jurisdiction").prefetch_related(
        "facets", "partner_jurisdictions", Prefetch("priority", queryset=visible_to(Priority.objects.all(), user)))


def initiative_detail_qs(*, user: Any) -> QuerySet[Initiative]:
    achievements = visible_to(Achievement.objects.all(), user).prefetch_related("jurisdictions")
    return with_related(visible_to(Initiative.objects.all(), user), user=user).select_related(
        "owner"
    ).prefetch_related("partner_organizations", "links", Prefetch("achievements", queryset=achievements, to_attr="timeline"))


def initiative_qs() -> QuerySet[Initiative]:
    return Initiative.objects.select_related("table")


def initiative_deleted_get(*, pk: int) -> Initiative | None:
    return Initiative.objects.select_related("table").filter(pk=pk, deleted_at__isnull=False).first()


def initiative_timeline(*, initiative: Initiative, user: Any) -> QuerySet[Achievement]:
    """The achievements of one initiative that `user` may see, oldest first."""
    return visible_to(Achievement.objects.filter(initiative=initiative), user).order_by("date", "id")


def achievements_since(*, user: Any, since: datetime.date, table: Any = None) -> QuerySet[Achievement]:
    qs = visible_to(Achievement.objects.all(), user).filter(
        date__gte=since, initiative__deleted_at__isnull=True
    ).filter(initiative__in=visible_to(Initiative.objects.all(), user))
    if table is not None:
        qs = qs.filter(initiative__table=table)
    return qs.select_related("initiative", "initiative__jurisdiction").order_by("-date", "-id")


def achievement_qs() -> QuerySet[Achievement]:
    """Live achievements of live initiatives."""
    return Achievement.objects.select_related("initiative", "initiative__table").filter(
        initiative__deleted_at__isnull=True)


def achievement_deleted_get(*, pk: int) -> Achievement | None:
    return Achievement.objects.select_related("initiative", "initiative__table").filter(
        pk=pk, deleted_at__isnull=False).first()


def tables_for_new_initiative(*, user: Any, initiative: Initiative | None = None) -> QuerySet[Table]:
    """Visible tables in which `user` may add initiatives: their own, or their team's as an editing
    member; when editing, also the initiative's own table (if `user` sees it)."""
    from carrefour.core.visibility import EDIT_ROLES, is_platform_admin
    from carrefour.directory.models import Membership

    tables = visible_to(Table.objects.all(), user)
    if is_platform_admin(user):
        return tables
    if user is None or not user.is_authenticated:
        return tables.none()
    teams = Membership.objects.filter(user=user, role__in=EDIT_ROLES, team__deleted_at__isnull=True).values("team_id")
    current = Q(pk=initiative.table_id) if initiative is not None and initiative.table_id else Q(pk__in=[])
    return tables.filter(Q(owner=user) | Q(team_id__in=teams) | current)


def priorities_for_new_initiative(*, user: Any, tables: QuerySet[Table]) -> QuerySet[Priority]:
    """The priorities `user` may see of the tables offered in the initiative form."""
    return visible_to(Priority.objects.filter(table__in=tables), user).select_related("table")


def priority_choices(*, user: Any) -> QuerySet[Priority]:
    """Priorities `user` may see, for the portfolio's filter."""
    return visible_to(Priority.objects.all(), user).select_related("table")


def initiative_by_request_token(*, user: Any, request_token: str) -> Initiative | None:
    """The live initiative that `user`'s form with this one-time token already added, if any."""
    if not request_token or user is None or not user.is_authenticated:
        return None
    return Initiative.objects.filter(owner=user, request_token=request_token, deleted_at__isnull=True).first()
