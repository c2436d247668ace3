"""What works: the stored pooling of published results, recomputed when its inputs change.

Who sees which pooling. A pooled estimate is derived from every member's effect, so a
reader may only see a pooling whose members they may all see. Two audiences are stored:

- ``public``: results of experiments visible to everyone (``visibility="public"``, not
  deleted), shown to anonymous readers and to every signed-in person who is not a public
  servant;
- ``government``: those plus results of experiments visible to all public servants
  (``visibility="government"``), shown to public servants and platform administrators.

Results of members-only and private experiments never enter What works: their teams see
them on the experiment's own results page. Each reader therefore sees exactly one stored
set of groups, and every member of it is one they may see.

A group is recomputed (for both audiences and every outcome scale of its intervention type ×
outcome domain) by `evidence_group_recompute`, which the publication and visibility
services enqueue after their transaction commits; `evidence_rebuild` recomputes all.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

import carrefour.stats as stats
from carrefour.core.models import Visibility
from carrefour.experiments.models import EvidenceGroup, Experiment, Publication

AUDIENCE_VISIBILITIES: dict[str, tuple[str, ...]] = {
    EvidenceGroup.Audience.PUBLIC: (Visibility.PUBLIC,),
    EvidenceGroup.Audience.GOVERNMENT: (Visibility.PUBLIC, Visibility.GOVERNMENT),
}


def evidence_members(*, audience: str) -> QuerySet[Publication]:
    """The publications an audience may see, in pooling order (registration date, then id)."""
    return Publication.objects.filter(
        experiment__deleted_at__isnull=True, experiment__visibility__in=AUDIENCE_VISIBILITIES[audience]
    ).order_by("experiment__registration__registered_at", "pk")


def evidence_pool(*, estimates: list[float], std_errors: list[float]) -> dict[str, Any] | None:
    """Random- and fixed-effects (DerSimonian–Laird) pooling by carrefour.stats; None below two studies."""
    if len(estimates) < 2:
        return None
    return stats.meta_analysis(estimates, std_errors).to_dict()


def evidence_group_recompute(*, intervention_type: str, outcome_domain: str) -> list[EvidenceGroup]:
    """Recompute and store every group of one intervention type × outcome domain (all audiences
    and outcome scales); groups left without members are deleted."""
    kept: list[EvidenceGroup] = []
    with transaction.atomic():
        for audience in EvidenceGroup.Audience.values:
            members = evidence_members(audience=audience).filter(
                experiment__intervention_type=intervention_type, experiment__outcome_domain=outcome_domain
            )
            by_kind: dict[str, list[tuple[int, float, float, int]]] = {}
            rows = members.values_list("pk", "outcome_kind", "estimate", "std_error", "experiment__jurisdiction_id")
            for pk, kind, estimate, std_error, jurisdiction_id in rows:
                by_kind.setdefault(kind, []).append((pk, estimate, std_error, jurisdiction_id))
            EvidenceGroup.objects.filter(
                audience=audience, intervention_type=intervention_type, outcome_domain=outcome_domain
            ).exclude(outcome_kind__in=list(by_kind)).delete()
            for kind, rows in by_kind.items():
                group, _created = EvidenceGroup.objects.update_or_create(
                    audience=audience, intervention_type=intervention_type, outcome_domain=outcome_domain,
                    outcome_kind=kind, defaults=evidence_group_fields(rows=rows),
                )
                kept.append(group)
    return kept


def evidence_group_fields(*, rows: list[tuple[int, float, float, int]]) -> dict[str, Any]:
    """The stored fields of one group from its members' (publication id, estimate, standard error,
    lead jurisdiction id)."""
    meta = evidence_pool(estimates=[r[1] for r in rows], std_errors=[r[2] for r in rows])
    return {
        "k": len(rows),
        "publication_ids": [r[0] for r in rows],
        "jurisdiction_ids": sorted({r[3] for r in rows}),
        "meta": meta,
        "fixed_estimate": meta["fixed"]["estimate"] if meta else None,
        "random_estimate": meta["random"]["estimate"] if meta else None,
        "i2": meta["i2"] if meta else None,
        "tau2": meta["tau2"] if meta else None,
        "computed_at": timezone.now(),
    }


def evidence_recompute_for_experiment(*, experiment_id: int) -> list[EvidenceGroup]:
    """Recompute the groups one experiment belongs to (its plan is frozen once registered)."""
    experiment = Experiment.objects.filter(pk=experiment_id).values("intervention_type", "outcome_domain").first()
    if experiment is None:
        return []
    return evidence_group_recompute(**experiment)


def evidence_rebuild() -> int:
    """Recompute every stored group from the publications; return how many groups exist."""
    with transaction.atomic():
        keys = set(Publication.objects.values_list("experiment__intervention_type", "experiment__outcome_domain"))
        keys |= set(EvidenceGroup.objects.values_list("intervention_type", "outcome_domain"))
        for intervention_type, outcome_domain in sorted(keys):
            evidence_group_recompute(intervention_type=intervention_type, outcome_domain=outcome_domain)
    return EvidenceGroup.objects.count()


def evidence_enqueue_recompute(*, experiment: Experiment) -> None:
    """After the current transaction commits, recompute the groups of `experiment` in the task worker."""
    from carrefour.experiments.tasks import evidence_recompute_task

    experiment_id = experiment.pk
    transaction.on_commit(lambda: evidence_recompute_task.enqueue(experiment_id=experiment_id))
