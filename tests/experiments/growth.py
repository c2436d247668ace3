"""More registered public experiments, for the query-count test."""

from __future__ import annotations

from tests.directory.factories import UserFactory
from tests.experiments.factories import make_experiment


def grow(n: int) -> None:
    owner = UserFactory()
    for i in range(n):
        make_experiment(owner, register=i % 2 == 0, visibility="public")
