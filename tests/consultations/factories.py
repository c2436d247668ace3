"""Factories for consultations: an open consultation with paragraphs, and comments posted through the service."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from carrefour.consultations.models import Consultation, Paragraph, Question
from carrefour.directory.models import Role
from tests.directory.factories import MembershipFactory, TeamFactory, UserFactory


class ConsultationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consultation
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"consultation-{n}")
    title_en = factory.Sequence(lambda n: f"Draft declaration {n}")
    title_fr = factory.Sequence(lambda n: f"Projet de déclaration {n}")
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
    visibility = "public"
    team = factory.SubFactory(TeamFactory)

    @factory.post_generation
    def paragraphs(obj, create, extracted, **kwargs):
        texts = extracted if extracted is not None else [
            ("Preamble", "Préambule", "Governments face complex challenges.", "Les gouvernements font face à des défis."),
            ("Principle 1", "Principe 1", "Embrace and enhance innovation.", "Adopter et renforcer l'innovation."),
        ]
        for i, (label_en, label_fr, text_en, text_fr) in enumerate(texts, start=1):
            Paragraph.objects.create(consultation=obj, position=i, label_en=label_en, label_fr=label_fr,
                                     text_en=text_en, text_fr=text_fr)


def moderator_for(consultation, role=Role.MODERATOR):
    user = UserFactory()
    MembershipFactory(team=consultation.team, user=user, role=role)
    return user


def question(consultation, kind, choices=None, position=1):
    return Question.objects.create(consultation=consultation, position=position, kind=kind,
                                   text_en=f"Question {position}", text_fr=f"Question {position} (fr)",
                                   choices=choices or [])
