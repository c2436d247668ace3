"""The one visibility rule. Pages, exports, the API, search, feeds and the sitemap use it.

- public: anyone, including anonymous citizens;
- government: signed-in public servants (a verified email on a jurisdiction's domain),
  and members of the record's team;
- members: members of the record's team (any role);
- private: its owner.
The owner always sees the record; platform administrators (superusers) see everything.
Soft-deleted records are seen by nobody through these functions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Model, Q, QuerySet

from carrefour.core.models import Visibility

if TYPE_CHECKING:
    from carrefour.directory.models import User

M = TypeVar("M", bound=Model)

EDIT_ROLES = ("contributor", "editor", "secretariat", "administrator")
MODERATE_ROLES = ("moderator", "secretariat", "administrator")


def is_platform_admin(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_superuser)


def _team_ids(user: User, roles: tuple[str, ...] | None = None) -> QuerySet:
    from carrefour.directory.models import Membership

    memberships = Membership.objects.filter(user=user, team__deleted_at__isnull=True)
    if roles is not None:
        memberships = memberships.filter(role__in=roles)
    return memberships.values("team_id")


def visibility_q(user: Any, *, prefix: str = "") -> Q:
    """Return the filter of records `user` may see; `prefix` reaches them through a relation."""
    p = prefix
    public = Q(**{f"{p}visibility": Visibility.PUBLIC})
    if user is None or not user.is_authenticated or not user.is_active:
        return public
    if is_platform_admin(user):
        return Q()
    q = public | Q(**{f"{p}owner": user})
    if user.is_public_servant:
        q |= Q(**{f"{p}visibility": Visibility.GOVERNMENT})
    q |= Q(
        **{
            f"{p}visibility__in": [Visibility.GOVERNMENT, Visibility.MEMBERS],
            f"{p}team_id__in": _team_ids(user),
        }
    )
    return q


def visible_to(queryset: QuerySet[M], user: Any) -> QuerySet[M]:
    """Filter a queryset of content records down to what `user` may see."""
    return queryset.filter(deleted_at__isnull=True).filter(visibility_q(user))


def can_view(user: Any, obj: Any) -> bool:
    """Whether `user` may see one record: the same rule as `visible_to`, asked of the database."""
    if obj is None or obj.deleted_at is not None:
        return False
    return visible_to(type(obj)._default_manager.filter(pk=obj.pk), user).exists()


def can_edit(user: Any, obj: Any) -> bool:
    """Owners, platform administrators and the team's contributors and editors edit a record."""
    if user is None or not user.is_authenticated or not user.is_active or obj.deleted_at is not None:
        return False
    if is_platform_admin(user) or (obj.owner_id is not None and obj.owner_id == user.pk):
        return True
    if obj.team_id is None:
        return False
    return _team_ids(user, EDIT_ROLES).filter(team_id=obj.team_id).exists()


def has_team_role(user: Any, team_id: int | None, roles: tuple[str, ...]) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if is_platform_admin(user):
        return True
    if team_id is None:
        return False
    return _team_ids(user, roles).filter(team_id=team_id).exists()


# The one rule for refusals, the same in every domain: a record the person may not see does
# not exist for them (404, so nothing reveals that it exists); a record they may see but not
# change answers 403.


def get_visible_or_404(queryset: QuerySet[M], user: Any, **lookup: Any) -> M:
    """The one record matching `lookup` that `user` may see, or Http404."""
    from django.http import Http404

    obj = visible_to(queryset, user).filter(**lookup).first()
    if obj is None:
        raise Http404
    return obj


def may_edit(user: Any, obj: Any) -> bool:
    """Whether `user` edits `obj`: its domain's own rule where it declared one, else `can_edit`."""
    from carrefour.core.domains import edit_rule

    rule = edit_rule(type(obj)._meta.concrete_model)
    return bool(rule(user, obj)) if rule is not None else can_edit(user, obj)


def require_edit(user: Any, obj: Any) -> None:
    """Refuse (404 if `user` may not see `obj`, 403 if they may see but not edit it)."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    if may_edit(user, obj):
        return
    if not can_view(user, obj):
        raise Http404
    raise PermissionDenied
