"""Reads for the directory."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from carrefour.core.i18n import collated, collated_text
from carrefour.core.visibility import get_visible_or_404, visible_to
from carrefour.directory.models import Jurisdiction, Membership, Organization, Team, User


def directory_counts(*, user: Any) -> dict[str, int]:
    """How many jurisdictions, organizations and teams (those `user` may see) the directory holds."""
    return {
        "jurisdiction_count": Jurisdiction.objects.count(),
        "organization_count": Organization.objects.count(),
        "team_count": team_list(user=user).count(),
    }


def jurisdiction_get(*, code: str) -> Jurisdiction:
    """One jurisdiction (the directory is public), or Http404."""
    jurisdiction = Jurisdiction.objects.select_related("parent").filter(code=code).first()
    if jurisdiction is None:
        raise Http404
    return jurisdiction


def jurisdiction_organizations(*, jurisdiction: Jurisdiction) -> QuerySet[Organization]:
    return jurisdiction.organizations.order_by(collated("name"), "pk")


def jurisdiction_children(*, jurisdiction: Jurisdiction) -> QuerySet[Jurisdiction]:
    return jurisdiction.children.order_by("sort_order", collated("name"), "pk")


def organization_get(*, slug: str) -> Organization:
    """One organization (the directory is public), or Http404."""
    organization = Organization.objects.select_related("jurisdiction").filter(slug=slug).first()
    if organization is None:
        raise Http404
    return organization


def jurisdiction_list(*, kind: str | None = None) -> QuerySet[Jurisdiction]:
    qs = Jurisdiction.objects.select_related("parent").annotate(
        organization_count=Count("organizations", distinct=True)
    ).order_by("sort_order", collated("name"), "pk")  # the reader's language; "pk": a stable page order
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def jurisdiction_choices() -> QuerySet[Jurisdiction]:
    """Every jurisdiction, for a form's choices, in the order the lists use."""
    return Jurisdiction.objects.order_by("sort_order", collated("name"), "pk")


def organization_choices() -> QuerySet[Organization]:
    """Every organization, for a form's choices, in the reader's alphabetical order."""
    return Organization.objects.order_by(collated("name"), "pk")


def organization_list(*, kind: str | None = None, jurisdiction: str | None = None, q: str | None = None) -> QuerySet[Organization]:
    qs = Organization.objects.select_related("jurisdiction")
    if kind:
        qs = qs.filter(kind=kind)
    if jurisdiction:
        qs = qs.filter(jurisdiction__code=jurisdiction)
    if q:
        qs = qs.filter(
            Q(name_en__icontains=q) | Q(name_fr__icontains=q) | Q(acronym_en__iexact=q) | Q(acronym_fr__iexact=q)
        )
    return qs.order_by(collated("name"), "pk")


def person_list(*, viewer: Any, organization: Organization | None = None) -> QuerySet[User]:
    """People who chose a public profile; signed-in public servants also see their colleagues."""
    qs = User.objects.filter(is_active=True).select_related("organization", "jurisdiction")
    if organization is not None:
        qs = qs.filter(organization=organization)
    if viewer.is_authenticated and viewer.is_public_servant:
        qs = qs.filter(Q(profile_public=True) | Q(jurisdiction__isnull=False))
    else:
        qs = qs.filter(profile_public=True)
    return qs.order_by(collated_text("display_name"), "pk")


def person_get(*, viewer: Any, pk: int) -> User:
    """One person `viewer` may see in the directory, or Http404."""
    person = person_list(viewer=viewer).filter(pk=pk).first()
    if person is None:
        raise Http404
    return person


def user_get(*, pk: int) -> User:
    """The person's own record, as a model instance (request.user is a lazy wrapper)."""
    return User.objects.get(pk=pk)


def team_get(*, user: Any, slug: str) -> Team:
    """One team `user` may see, or Http404 (whether it exists or not)."""
    return get_visible_or_404(Team.objects.all(), user, slug=slug)


def team_list(*, user: Any, kind: str | None = None) -> QuerySet[Team]:
    qs = visible_to(Team.objects.select_related("jurisdiction", "organization"), user)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.annotate(member_count=Count("memberships__user", distinct=True)).order_by(collated("name"), "pk")


def team_members(*, team: Team) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(team=team)
        .select_related("user", "user__organization", "jurisdiction")
        .order_by("role", collated_text("user__display_name"), "pk")
    )


def user_teams(*, user: Any) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user, team__deleted_at__isnull=True).select_related("team")


def search_hits(*, user: Any, terms: list[str], limit: int) -> list[Any]:
    """Jurisdictions and organizations (the directory is public) whose names hold every term."""
    from carrefour.core.search import SearchHit, matching

    hits = [
        SearchHit(kind="directory", title=str(j.name), summary=str(j.get_kind_display()), url=j.get_absolute_url())
        for j in jurisdiction_list().filter(matching(terms, ["name_en", "name_fr", "abbreviation_en", "abbreviation_fr"]))[:limit]
    ]
    hits += [
        SearchHit(kind="directory", title=str(o.name), summary=str(o.get_kind_display()), url=o.get_absolute_url())
        for o in organization_list().filter(matching(terms, ["name_en", "name_fr", "acronym_en", "acronym_fr",
                                                             "description_en", "description_fr"]))[:limit]
    ]
    return hits
