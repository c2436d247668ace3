"""More of the directory's records, for the query-count test (tests/core/test_query_counts.py)."""

from __future__ import annotations

from tests.directory.factories import (
    JurisdictionFactory,
    MembershipFactory,
    OrganizationFactory,
    TeamFactory,
)


def grow(n: int) -> None:
    for _ in range(n):
        jurisdiction = JurisdictionFactory()
        OrganizationFactory(jurisdiction=jurisdiction)
        team = TeamFactory(jurisdiction=jurisdiction)
        MembershipFactory(team=team)
