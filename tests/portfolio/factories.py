from __future__ import annotations

import factory

from carrefour.portfolio.models import Achievement, Initiative, Priority, Table
from tests.directory.factories import JurisdictionFactory, TeamFactory


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
