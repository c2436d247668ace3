"""The bridge to declarations' commitments (the agreed interface), usable before declarations lands.

When `carrefour.declarations` provides `Commitment`, `CommitmentLink`, `commitment_links_set`,
`commitments_for` and `commitment_choices`, initiatives link to commitments through it; until
then initiatives keep their commitments as words (`commitments_text`).
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet


def _parts() -> tuple[Any, Any, Any] | None:
    try:
        from carrefour.declarations import selectors, services
        from carrefour.declarations.models import CommitmentLink
    except ImportError:
        return None
    needed = (
        hasattr(services, "commitment_links_set")
        and hasattr(selectors, "commitments_for")
        and hasattr(selectors, "commitment_choices")
    )
    return (selectors, services, CommitmentLink) if needed else None


def available() -> bool:
    return _parts() is not None


def choices() -> list[tuple[Any, str]]:
    parts = _parts()
    if parts is None:
        return []
    return [(value, str(label)) for value, label in parts[0].commitment_choices()]


def for_target(target: Any) -> list[Any]:
    parts = _parts()
    if parts is None or target is None or target.pk is None:
        return []
    return list(parts[0].commitments_for(target=target))


def set_links(*, actor: Any, target: Any, commitments: list[Any]) -> None:
    parts = _parts()
    if parts is None:
        return
    parts[1].commitment_links_set(actor=actor, target=target, commitments=commitments)


def filter_by_commitment(queryset: QuerySet, commitment_id: Any) -> QuerySet:
    """Initiatives linked to one commitment (through the generic CommitmentLink)."""
    parts = _parts()
    if parts is None:
        return queryset
    link_model = parts[2]
    ct = ContentType.objects.get_for_model(queryset.model)
    ids = link_model.objects.filter(content_type=ct, commitment_id=commitment_id).values("object_id")
    return queryset.filter(pk__in=ids)
