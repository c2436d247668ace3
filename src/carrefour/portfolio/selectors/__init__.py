"""Reads for the portfolio, one module per concern: initiatives, tables, figures, feeds.

Every record drawn from a relation passes the same visibility rule as the record itself: a
public initiative of a private table or priority shows neither (`with_related` reads them
through `visible_to`, so a hidden one reads as None in pages, exports and the API).
"""

from carrefour.portfolio.selectors.feeds import news_items, search_hits
from carrefour.portfolio.selectors.figures import (
    actual_facet_mix,
    assessment_qs,
    facet_by_code,
    facet_list,
    facet_stage_matrix,
    jurisdiction_breakdown,
    jurisdiction_by_code,
    member_teams,
)
from carrefour.portfolio.selectors.initiatives import (
    achievement_deleted_get,
    achievement_qs,
    achievements_since,
    initiative_deleted_get,
    initiative_detail_qs,
    initiative_list,
    initiative_qs,
    initiative_timeline,
    priorities_for_new_initiative,
    priority_choices,
    tables_for_new_initiative,
    visible_related,
    with_related,
)
from carrefour.portfolio.selectors.tables import (
    decision_qs,
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
    "decision_qs",
    "facet_by_code",
    "facet_list",
    "facet_stage_matrix",
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
    "with_related",
]
