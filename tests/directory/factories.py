"""Factories for people, jurisdictions, organizations, teams and memberships."""

from __future__ import annotations

import factory
from allauth.account.models import EmailAddress

from carrefour.directory.models import Jurisdiction, Membership, Organization, Role, Team, User
from carrefour.directory.services import user_refresh_jurisdiction


class JurisdictionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Jurisdiction
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"j{n}")
    kind = Jurisdiction.Kind.PROVINCIAL
    name_en = factory.Sequence(lambda n: f"Province {n}")
    name_fr = factory.Sequence(lambda n: f"Province {n} (fr)")
    email_domains = factory.LazyAttribute(lambda o: [f"{o.code}.gov.example"])


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    slug = factory.Sequence(lambda n: f"org-{n}")
    kind = Organization.Kind.DEPARTMENT
    name_en = factory.Sequence(lambda n: f"Department {n}")
    name_fr = factory.Sequence(lambda n: f"Ministère {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        """Verify the email (as allauth would) and refresh public-servant status."""
        obj.save()
        if extracted is False:
            return
        EmailAddress.objects.update_or_create(user=obj, email=obj.email, defaults={"verified": True, "primary": True})
        user_refresh_jurisdiction(user=obj)


def public_servant(jurisdiction: Jurisdiction | None = None, **kwargs) -> User:
    """A person with a verified email on the jurisdiction's domain."""
    jurisdiction = jurisdiction or JurisdictionFactory()
    n = User.objects.count() + 1
    return UserFactory(email=f"servant{n}@{jurisdiction.email_domains[0]}", **kwargs)


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    slug = factory.Sequence(lambda n: f"team-{n}")
    name_en = factory.Sequence(lambda n: f"Team {n}")
    name_fr = factory.Sequence(lambda n: f"Équipe {n}")
    visibility = "public"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    team = factory.SubFactory(TeamFactory)
    role = Role.MEMBER
