"""Build portfolio data through the real services (tables, priorities, initiatives, achievements).

`World` is a small, explicit portfolio: one table run by a secretariat, its priorities and a few
initiatives, with the people the permission rules tell apart. Tests read the records they made
from it, never demo content. The factory_boy classes at the end stay for other domains' tests.
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass, field
from typing import Any

import factory

from carrefour.directory.models import Jurisdiction, Role, User
from carrefour.directory.services import membership_add
from carrefour.portfolio import services
from carrefour.portfolio.models import Achievement, Initiative, Priority, Table
from tests.directory.factories import JurisdictionFactory, TeamFactory, UserFactory, public_servant

_n = itertools.count(1)


def make_admin() -> User:
    return UserFactory(is_superuser=True, is_staff=True)


def make_table(*, actor: User, team: Any = None, visibility: str = "public", members: list[Jurisdiction] | None = None,
               **data: Any) -> Table:
    n = next(_n)
    return services.table_create(actor=actor, data={
        "slug": f"table-{n}", "name_en": f"Table {n}", "name_fr": f"Table {n} (fr)", "visibility": visibility,
        "team": team, **data}, member_jurisdictions=members or [])


def make_priority(table: Table, *, actor: User, **data: Any) -> Priority:
    n = next(_n)
    return services.priority_create(table=table, actor=actor, data={
        "title_en": f"Priority {n}", "title_fr": f"Priorité {n}", "sort_order": n, **data})


def make_initiative(*, actor: User, jurisdiction: Jurisdiction, table: Table | None = None, **data: Any) -> Initiative:
    n = next(_n)
    return services.initiative_create(actor=actor, data={
        "title_en": f"Initiative {n}", "title_fr": f"Initiative {n} (fr)", "jurisdiction": jurisdiction,
        "table": table, "visibility": "public", **data})


def make_achievement(initiative: Initiative, *, actor: User, date: datetime.date, **data: Any) -> Achievement:
    n = next(_n)
    return services.achievement_create(initiative=initiative, actor=actor, data={
        "date": date, "text_en": f"Achievement {n}", "text_fr": f"Réalisation {n}", "is_key": True, **data})


@dataclass
class World:
    """A public table with a secretariat, a plain member, a public servant outside it and a citizen."""

    admin: User
    federal: Jurisdiction
    ontario: Jurisdiction
    secretary: User  # the table's secretariat (federal)
    member: User  # a plain member of the table's team (Ontario)
    outsider: User  # an Ontario public servant outside the team
    citizen: User
    table: Table
    priority: Priority
    initiative: Initiative  # public, federal lead, Ontario partner, under `priority`
    extra: dict[str, Any] = field(default_factory=dict)


def make_world() -> World:
    admin = make_admin()
    federal = JurisdictionFactory(code="ca", kind=Jurisdiction.Kind.FEDERAL, name_en="Canada", name_fr="Canada")
    ontario = JurisdictionFactory(code="on", name_en="Ontario", name_fr="Ontario")
    team = TeamFactory()
    secretary, member, outsider = public_servant(federal), public_servant(ontario), public_servant(ontario)
    citizen = UserFactory()
    membership_add(team=team, user=secretary, role=Role.SECRETARIAT, actor=admin)
    membership_add(team=team, user=member, role=Role.MEMBER, actor=admin)
    table = make_table(actor=admin, team=team, members=[federal, ontario])
    priority = make_priority(table, actor=secretary)
    initiative = make_initiative(actor=secretary, jurisdiction=federal, table=table, priority=priority,
                                 partner_jurisdictions=[ontario], stage="design")
    return World(admin=admin, federal=federal, ontario=ontario, secretary=secretary, member=member,
                 outsider=outsider, citizen=citizen, table=table, priority=priority, initiative=initiative)


# factory_boy classes, for tests that need a bare record -------------------------------------------


class TableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Table

    slug = factory.Sequence(lambda n: f"table-{n}")
    name_en = factory.Sequence(lambda n: f"Table {n}")
    name_fr = factory.Sequence(lambda n: f"Table {n} (fr)")
    team = factory.SubFactory(TeamFactory)
    visibility = "public"


class PriorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Priority

    table = factory.SubFactory(TableFactory)
    title_en = factory.Sequence(lambda n: f"Priority {n}")
    title_fr = factory.Sequence(lambda n: f"Priorité {n}")
    team = factory.SelfAttribute("table.team")


class InitiativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Initiative

    title_en = factory.Sequence(lambda n: f"Initiative {n}")
    title_fr = factory.Sequence(lambda n: f"Initiative {n} (fr)")
    jurisdiction = factory.SubFactory(JurisdictionFactory)
    visibility = "public"


class AchievementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Achievement

    initiative = factory.SubFactory(InitiativeFactory)
    date = factory.Faker("date_between", start_date="-3y", end_date="today")
    text_en = factory.Sequence(lambda n: f"Achievement {n}")
    text_fr = factory.Sequence(lambda n: f"Réalisation {n}")
    visibility = "public"
