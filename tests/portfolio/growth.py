"""More tables, priorities, initiatives and achievements, for the query-count test (through services).

Every record is public, so that the pages grow for anonymous readers as well as administrators.
"""

from __future__ import annotations

from django.utils import timezone

from tests.directory.factories import JurisdictionFactory, TeamFactory
from tests.portfolio.factories import (
    make_achievement,
    make_admin,
    make_initiative,
    make_priority,
    make_table,
)


def grow(n: int) -> None:
    admin = make_admin()
    lead, partner = JurisdictionFactory(), JurisdictionFactory()
    for _ in range(n):
        table = make_table(actor=admin, team=TeamFactory(), members=[lead, partner])
        priority = make_priority(table, actor=admin)
        for _ in range(2):
            initiative = make_initiative(actor=admin, jurisdiction=lead, table=table, priority=priority,
                                         partner_jurisdictions=[partner])
            make_achievement(initiative, actor=admin, date=timezone.localdate())
