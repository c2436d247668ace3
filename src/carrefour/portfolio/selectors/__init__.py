"""Reads for the portfolio, one module per concern: initiatives, tables, figures, feeds.

Every record drawn from a relation passes the same visibility rule as the record itself: a
public initiative of a private table or priority shows neither (`with_related` reads them
through `visible_to`, so a hidden one reads as None in pages, exports and the API).
"""

from carrefour.portfolio.selectors.changes import conflict_changes, conflict_fields, field_label
from carrefour.portfolio.selectors.feeds import news_items, search_hits
from carrefour.portfolio.selectors.figures import (
    actual_facet_mix,
    assessment_qs,
    facet_by_code,
    facet_list,
    facet_stage_matrix,
    figures_invalidate,
    initiative_counts,
    initiative_figures,
    jurisdiction_breakdown,
    jurisdiction_by_code,
    member_teams,
)
from carrefour.portfolio.selectors.initiatives import (
    achievement_deleted_get,
    achievement_qs,
    achievements_since,
    initiative_by_request_token,
    initiative_deleted_get,
    initiative_detail_qs,
    initiative_list,
    initiative_qs,
    initiative_timeline,
    priorities_for_new_initiative,
    priority_choices,
    tables_for_new_initiative,
    visible_related,
    with_list_related,
    with_related,
)
from carrefour.portfolio.selectors.tables import (
    decision_qs,
    import_template_rows,
    meeting_qs,
    priorities_for,
    priority_qs,
    progress_report_get,
    table_by_slug,
    table_deleted_records,
    table_list,
    table_member_jurisdiction,
    table_member_jurisdictions,
    table_page,
    table_priorities,
    table_qs,
    table_team_memberships,
)

__all__ = [
    "achievement_deleted_get",
    "achievement_qs",
    "achievements_since",
    "actual_facet_mix",
    "assessment_qs",
    "conflict_changes",
    "conflict_fields",
    "decision_qs",
    "facet_by_code",
    "facet_list",
    "field_label",
    "import_template_rows",
    "facet_stage_matrix",
    "figures_invalidate",
    "initiative_counts",
    "initiative_figures",
    "initiative_by_request_token",
    "initiative_deleted_get",
    "initiative_detail_qs",
    "initiative_list",
    "initiative_qs",
    "initiative_timeline",
    "jurisdiction_breakdown",
    "jurisdiction_by_code",
    "meeting_qs",
    "member_teams",
    "news_items",
    "priorities_for",
    "priorities_for_new_initiative",
    "priority_choices",
    "priority_qs",
    "progress_report_get",
    "search_hits",
    "table_by_slug",
    "table_deleted_records",
    "table_list",
    "table_member_jurisdiction",
    "table_member_jurisdictions",
    "table_page",
    "table_priorities",
    "table_qs",
    "table_team_memberships",
    "tables_for_new_initiative",
    "visible_related",
    "with_list_related",
    "with_related",
]


def initiative_api_rows(*, user, **filters):
    """Visible initiatives (`initiative_list`'s filters) as plain rows for the API, in one query.

    The lead's code comes from a join; the table's slug and the priority's title from subqueries
    through the visibility rule (None when `user` may not see them), as `with_related` reads them.
    """
    from django.db.models import F, OuterRef, Subquery

    from carrefour.core.visibility import visible_to
    from carrefour.portfolio.models import Priority, Table

    tables = visible_to(Table.objects.filter(pk=OuterRef("table_id")), user).values("slug")[:1]
    priorities = visible_to(Priority.objects.filter(pk=OuterRef("priority_id")), user).values("title_en")[:1]
    return initiative_list(user=user, **filters).annotate(
        lead_code=F("jurisdiction__code"), table_slug=Subquery(tables), priority_title=Subquery(priorities),
    ).values("id", "title_en", "title_fr", "summary_en", "summary_fr", "stage", "status", "start_date", "end_date",
             "lead_code", "table_slug", "priority_title")


def initiative_api_codes(*, ids) -> dict[int, dict[str, list[str]]]:
    """The facet and partner jurisdiction codes of these initiatives, in their usual order: two queries."""
    from carrefour.portfolio.models import Initiative

    codes: dict[int, dict[str, list[str]]] = {pk: {"facets": [], "partners": []} for pk in ids}
    facets = Initiative.facets.through.objects.filter(initiative_id__in=ids).order_by("facet__sort_order", "facet_id")
    for pk, code in facets.values_list("initiative_id", "facet__code"):
        codes[pk]["facets"].append(code)
    partners = Initiative.partner_jurisdictions.through.objects.filter(initiative_id__in=ids).order_by(
        "jurisdiction__sort_order", "jurisdiction__name_en", "jurisdiction_id")
    for pk, code in partners.values_list("initiative_id", "jurisdiction__code"):
        codes[pk]["partners"].append(code)
    return codes
