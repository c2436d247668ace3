"""More tables, priorities, initiatives and achievements, for the query-count test."""

from __future__ import annotations

from tests.portfolio.factories import (
    AchievementFactory,
    InitiativeFactory,
    PriorityFactory,
    TableFactory,
)


def grow(n: int) -> None:
    for _ in range(n):
        table = TableFactory()
        priority = PriorityFactory(table=table)
        for _ in range(2):
            initiative = InitiativeFactory(table=table, priority=priority, team=table.team)
            AchievementFactory(initiative=initiative)
