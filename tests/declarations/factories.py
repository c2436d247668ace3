"""Factories for declarations and commitments."""

from __future__ import annotations

import factory

from carrefour.declarations.models import Commitment, Declaration


class DeclarationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Declaration

    slug = factory.Sequence(lambda n: f"declaration-{n}")
    short_name_en = "FPT"
    short_name_fr = "FPT"
    title_en = factory.Sequence(lambda n: f"Declaration {n}")
    title_fr = factory.Sequence(lambda n: f"Déclaration {n}")
    preamble_en = "We, the heads of the public service, agree."
    preamble_fr = "Nous, chefs de la fonction publique, convenons."
    status = Declaration.Status.ADOPTED
    visibility = "public"


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commitment

    declaration = factory.SubFactory(DeclarationFactory)
    number = factory.Sequence(lambda n: n + 1)
    text_en = factory.Sequence(lambda n: f"Experiment and measure results, commitment {n}.")
    text_fr = factory.Sequence(lambda n: f"Expérimenter et mesurer les résultats, engagement {n}.")
