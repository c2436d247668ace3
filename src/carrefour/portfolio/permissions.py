"""Who edits what in a table's portfolio.

- A table's editors (its owner; its team's editors, secretariat and administrators who do not act
  for one jurisdiction) edit the table, its priorities, meetings, decisions and every initiative.
- Partners' editors: members of the table's team with an editing role acting for a jurisdiction
  (the membership's jurisdiction; contributors act for their own as public servants) edit the
  initiatives that jurisdiction leads or partners, and add initiatives for it.
- Initiatives outside tables follow the core rule (owner, platform administrators, team editors);
  the owner of an initiative always edits it.
"""

from __future__ import annotations

from typing import Any

from carrefour.core.visibility import EDIT_ROLES, can_edit, is_platform_admin

TABLE_EDIT_ROLES = ("editor", "secretariat", "administrator")


def _active(user: Any) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def can_edit_table(user: Any, table: Any) -> bool:
    from carrefour.directory.models import Membership

    if not _active(user) or table is None or table.deleted_at is not None:
        return False
    if is_platform_admin(user) or (table.owner_id is not None and table.owner_id == user.pk):
        return True
    if table.team_id is None:
        return False
    return Membership.objects.filter(
        user=user, team_id=table.team_id, role__in=TABLE_EDIT_ROLES, jurisdiction__isnull=True, team__deleted_at__isnull=True
    ).exists()


def editing_jurisdiction_ids(user: Any, table: Any) -> set[int]:
    """The jurisdictions on whose behalf `user` edits in `table` (editing members only)."""
    from carrefour.directory.models import Membership

    if not _active(user) or table is None or table.team_id is None:
        return set()
    memberships = Membership.objects.filter(user=user, team_id=table.team_id, role__in=EDIT_ROLES)
    ids: set[int] = set()
    for jurisdiction_id, role in memberships.values_list("jurisdiction_id", "role"):
        if jurisdiction_id:
            ids.add(jurisdiction_id)
        elif role == "contributor" and user.jurisdiction_id:
            ids.add(user.jurisdiction_id)
    return ids


def initiative_jurisdiction_ids(initiative: Any) -> set[int]:
    ids = {initiative.jurisdiction_id} if initiative.jurisdiction_id else set()
    if initiative.pk:
        ids |= set(initiative.partner_jurisdictions.values_list("pk", flat=True))
    return ids


def can_edit_initiative(user: Any, initiative: Any) -> bool:
    if not _active(user) or initiative.deleted_at is not None:
        return False
    table = initiative.table
    if table is None:
        return can_edit(user, initiative)
    if is_platform_admin(user) or (initiative.owner_id is not None and initiative.owner_id == user.pk):
        return True
    if can_edit_table(user, table):
        return True
    return bool(editing_jurisdiction_ids(user, table) & initiative_jurisdiction_ids(initiative))


def can_create_initiative(user: Any, *, table: Any, jurisdiction_ids: set[int]) -> bool:
    """Table editors create anywhere in it; partners' editors for their jurisdictions; public
    servants create initiatives outside tables for their own jurisdiction."""
    if not _active(user):
        return False
    if is_platform_admin(user):
        return True
    if table is not None:
        return can_edit_table(user, table) or bool(editing_jurisdiction_ids(user, table) & jurisdiction_ids)
    return bool(user.jurisdiction_id and user.jurisdiction_id in jurisdiction_ids)


RESTORE_ROLES = ("secretariat", "administrator")


def can_manage_deleted(user: Any, table: Any) -> bool:
    """Platform administrators, the table's owner and its team's secretariat see what was deleted
    in the table and restore it."""
    from carrefour.directory.models import Membership

    if not _active(user) or table is None or table.deleted_at is not None:
        return False
    if is_platform_admin(user) or (table.owner_id is not None and table.owner_id == user.pk):
        return True
    if table.team_id is None:
        return False
    return Membership.objects.filter(
        user=user, team_id=table.team_id, role__in=RESTORE_ROLES, team__deleted_at__isnull=True
    ).exists()


def can_restore_initiative(user: Any, initiative: Any) -> bool:
    if not _active(user) or initiative.deleted_at is None:
        return False
    if initiative.table_id is not None:
        return can_manage_deleted(user, initiative.table)
    return is_platform_admin(user) or (initiative.owner_id is not None and initiative.owner_id == user.pk)


TEAM_MANAGER_ROLES = ("secretariat", "administrator")


def can_create_table(user: Any, team: Any = None) -> bool:
    """Platform administrators create tables; a team's secretariat and administrators create tables
    for that team."""
    from carrefour.core.visibility import has_team_role

    if not _active(user):
        return False
    if is_platform_admin(user):
        return True
    if team is None:
        return False
    return team.deleted_at is None and has_team_role(user, team.pk, TEAM_MANAGER_ROLES)


def manageable_teams(user: Any):
    """The directory teams in which `user` may create a table."""
    from carrefour.directory.models import Team

    if not _active(user):
        return Team.objects.none()
    teams = Team.objects.filter(deleted_at__isnull=True)
    if is_platform_admin(user):
        return teams
    return teams.filter(memberships__user=user, memberships__role__in=TEAM_MANAGER_ROLES).distinct()


def can_manage_people(user: Any, table: Any) -> bool:
    """Adding people to a table's team is for its secretariat (and platform administrators)."""
    from carrefour.core.visibility import has_team_role

    if not _active(user) or table is None or table.deleted_at is not None or table.team_id is None:
        return False
    return is_platform_admin(user) or has_team_role(user, table.team_id, TEAM_MANAGER_ROLES)
