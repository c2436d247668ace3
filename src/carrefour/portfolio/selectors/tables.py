"""Tables and what their pages show: priorities, members, meetings, decisions, deleted records, reports."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from carrefour.core.visibility import visible_to
from carrefour.portfolio.models import (
    Achievement,
    Initiative,
    Priority,
    ProgressReport,
    Table,
)


def table_list(*, user: Any) -> QuerySet[Table]:
    return visible_to(Table.objects.all(), user).annotate(
        initiative_count=Count("initiatives", filter=Q(initiatives__deleted_at__isnull=True), distinct=True),
        priority_count=Count("priorities", filter=Q(priorities__deleted_at__isnull=True), distinct=True),
    )


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


def priorities_for(*, table: Table, user: Any) -> QuerySet[Priority]:
    initiatives = visible_to(Initiative.objects.all(), user).select_related("jurisdiction").order_by("pk")
    return visible_to(table.priorities.all(), user).select_related("champion", "champion_jurisdiction").prefetch_related(
        Prefetch("initiatives", queryset=initiatives, to_attr="visible_initiatives")
    )


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


def table_deleted_records(*, table: Table) -> dict[str, Any]:
    """The table's deleted initiatives, and the deleted achievements of its live initiatives."""
    return {
        "initiatives": table.initiatives.filter(deleted_at__isnull=False).select_related("jurisdiction")
        .order_by("-deleted_at", "pk"),
        "achievements": Achievement.objects.filter(
            initiative__table=table, deleted_at__isnull=False, initiative__deleted_at__isnull=True,
        ).select_related("initiative").order_by("-deleted_at", "pk"),
    }


def progress_report_get(*, pk: int) -> ProgressReport | None:
    return ProgressReport.objects.select_related("table").filter(pk=pk).first()


def import_template_rows(*, table: Table, user: Any) -> list[list[str]]:
    """The import file's header (the stable column names) and one example row that imports as is:
    its words in the reader's language, its codes and priority taken from this table."""
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from carrefour.portfolio.models import Facet, Stage, Status
    from carrefour.portfolio.services import IMPORT_COLUMNS

    jurisdictions = [j.code for j in table.member_jurisdictions.order_by("sort_order", "code")[:3]]
    lead = jurisdictions[0] if jurisdictions else (user.jurisdiction.code if user.jurisdiction_id else "ca")
    priority = table_priorities(table=table, user=user).filter(deleted_at__isnull=True).order_by("sort_order", "pk").first()
    example = {
        "title_en": _("Title in English (required)"),
        "title_fr": _("Title in French"),
        "summary_en": _("A few sentences in English on what the initiative does and for whom."),
        "summary_fr": _("A few sentences in French on what the initiative does and for whom."),
        "lead_jurisdiction": lead,
        "partner_jurisdictions": ";".join(jurisdictions[1:]),
        "priority": str(priority.title) if priority else "",
        "facets": ";".join(Facet.objects.order_by("sort_order", "pk").values_list("code", flat=True)[:2]),
        "stage": Stage.IDEA,
        "status": Status.ON_TRACK,
        "start_date": timezone.localdate().isoformat(),
        "end_date": "",
        "commitments": _("The commitments it serves, in words (optional)."),
    }
    return [list(IMPORT_COLUMNS), [str(example[c]) for c in IMPORT_COLUMNS]]
