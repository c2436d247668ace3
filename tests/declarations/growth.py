"""More declarations, each with commitments, for the query-count test."""

from __future__ import annotations

from tests.declarations.factories import CommitmentFactory, DeclarationFactory


def grow(n: int) -> None:
    for _ in range(n):
        declaration = DeclarationFactory()
        CommitmentFactory(declaration=declaration)
        CommitmentFactory(declaration=declaration)
