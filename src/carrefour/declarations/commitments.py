"""The commitment interface: how any domain's records link to the commitments they serve.

This is the one module of declarations that other domains import (DESIGN.md, "The domain
contract"). A domain's records link to commitments through a generic `CommitmentLink`, so
declarations never imports the domains whose work it tracks.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet

from carrefour.core.domains import commitment_models
from carrefour.declarations import selectors, services
from carrefour.declarations.models import Commitment, CommitmentLink


def choices() -> list[tuple[int, str]]:
    """(id, label) of the commitments of adopted declarations, for form choices."""
    return [(value, str(label)) for value, label in selectors.commitment_choices()]


def for_target(target: Model | None) -> list[Commitment]:
    """The live commitments a record serves (none for an unsaved record)."""
    if target is None or target.pk is None:
        return []
    return selectors.commitments_for(target=target)


def set_links(*, actor: Any, target: Model, commitments: Iterable[Commitment | int]) -> list[Commitment]:
    """Replace the commitments `target` serves (audited by declarations' service).

    Only records of the models that domains declare (`DomainConfig.commitment_models`) serve
    commitments: the commitment pages list those, through each model's visibility rule.
    """
    if type(target)._meta.concrete_model not in commitment_models():
        raise TypeError(f"{type(target).__name__} is not declared in any domain's commitment_models")
    return services.commitment_links_set(actor=actor, target=target, commitments=list(commitments))


def filter_by_commitment(queryset: QuerySet, commitment_id: Any) -> QuerySet:
    """The records of `queryset` linked to one commitment."""
    ct = ContentType.objects.get_for_model(queryset.model)
    ids = CommitmentLink.objects.filter(content_type=ct, commitment_id=commitment_id).values("object_id")
    return queryset.filter(pk__in=ids)


def commitments_numbered(*, declaration_slug: str, numbers: Iterable[int]) -> list[int]:
    """Ids of a declaration's live commitments by number (for demo loaders)."""
    return list(
        Commitment.objects.filter(
            declaration__slug=declaration_slug, number__in=list(numbers), deleted_at__isnull=True
        ).values_list("pk", flat=True)
    )
