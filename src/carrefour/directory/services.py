"""Writes for people, teams and memberships."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from carrefour.core.exceptions import ApplicationError
from carrefour.core.services import audit_log, model_update
from carrefour.directory.models import Jurisdiction, Membership, Role, Team, User


def jurisdiction_for_email(email: str) -> Jurisdiction | None:
    """Find the jurisdiction whose listed domain is the email's domain or a parent of it."""
    domain = email.rsplit("@", 1)[-1].strip().lower()
    if not domain:
        return None
    candidates: list[tuple[int, Jurisdiction]] = []
    for jurisdiction in Jurisdiction.objects.exclude(email_domains=[]):
        for listed in jurisdiction.email_domains:
            listed = listed.lower().lstrip("@.")
            if domain == listed or domain.endswith("." + listed):
                candidates.append((len(listed), jurisdiction))
    if not candidates:
        return None
    # The most specific domain wins: durham.ca over a hypothetical .ca listing.
    return max(candidates, key=lambda c: c[0])[1]


@transaction.atomic
def user_refresh_jurisdiction(*, user: User) -> User:
    """Make the person a public servant of the jurisdiction of a verified email, or a citizen."""
    from allauth.account.models import EmailAddress

    verified = EmailAddress.objects.filter(user=user, verified=True).order_by("-primary", "id")
    jurisdiction = None
    for address in verified:
        jurisdiction = jurisdiction_for_email(address.email)
        if jurisdiction is not None:
            break
    if user.jurisdiction_id != (jurisdiction.pk if jurisdiction else None):
        old = user.jurisdiction_id
        user.jurisdiction = jurisdiction
        user.save(update_fields=["jurisdiction"])
        audit_log(
            instance=user,
            actor=user,
            action="update",
            changes={"jurisdiction": [old, user.jurisdiction_id]},
            note="verified email",
        )
    return user


def user_update_profile(*, user: User, actor: User, data: dict[str, Any]) -> User:
    if actor.pk != user.pk and not actor.is_superuser:
        raise ApplicationError(_("You can only edit your own profile."))
    allowed = {"first_name", "last_name", "display_name", "job_title", "bio", "organization", "preferred_language", "profile_public"}
    unknown = set(data) - allowed
    if unknown:
        raise ApplicationError(_("These fields cannot be changed here: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    model_update(instance=user, actor=actor, data=data)
    return user


@transaction.atomic
def membership_add(
    *, team: Team, user: User, role: str = Role.MEMBER, actor: Any, jurisdiction: Jurisdiction | None = None
) -> Membership:
    if role not in Role.values:
        raise ApplicationError(_("Unknown role."), field="role")
    membership, created = Membership.objects.get_or_create(
        team=team, user=user, role=role, defaults={"jurisdiction": jurisdiction}
    )
    if created:
        audit_log(
            instance=team,
            actor=actor,
            action="event",
            changes={"membership_added": {"user": user.pk, "role": role}},
        )
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor: Any) -> None:
    team = membership.team
    audit_log(
        instance=team,
        actor=actor,
        action="event",
        changes={"membership_removed": {"user": membership.user_id, "role": membership.role}},
    )
    membership.delete()
