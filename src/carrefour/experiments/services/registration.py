"""Registration of a plan (hash and time-stamp), its verification, disclosures and deviations."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carrefour.core.exceptions import ApplicationError
from carrefour.core.services import audit_log, model_create
from carrefour.experiments import plan as plan_module
from carrefour.experiments.models import Deviation, Disclosure, Experiment, Registration
from carrefour.experiments.services._common import _require_editor


@transaction.atomic
def experiment_register(
    *,
    experiment: Experiment,
    actor: Any,
    public_fields: Iterable[str],
    embargo_until: Any = None,
    at: datetime.datetime | None = None,
) -> Registration:
    """Freeze the plan: hash its canonical JSON (SHA-256) and time-stamp it.

    `at` records an earlier registration being imported (the demo's history); it defaults to now.
    """
    experiment = Experiment.objects.select_for_update().get(pk=experiment.pk)
    _require_editor(actor, experiment)
    if experiment.is_registered:
        raise ApplicationError(_("This plan is already registered; its registration cannot be replaced."))
    if len(experiment.arms) < 2 or not experiment.outcomes:
        raise ApplicationError(_("Add at least two arms and one outcome before registering the plan."))
    if embargo_until is not None and embargo_until <= timezone.localdate() and at is None:
        raise ApplicationError(_("An embargo date must be in the future."), field="embargo_until")
    public = sorted({f for f in public_fields if f in plan_module.SWITCHABLE})
    salts = {k: secrets.token_hex(16) for k in plan_module.SWITCHABLE if k not in public}
    now = (at or timezone.now()).replace(microsecond=0)
    document = plan_module.registration_document(
        experiment_id=experiment.pk,
        registered_at=now.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z"),
        plan=plan_module.plan_values(experiment),
        public_fields=public,
        salts=salts,
    )
    data = plan_module.canonical_bytes(document)
    registration = Registration.objects.create(
        experiment=experiment,
        registered_at=now,
        registered_by=actor if actor is not None and actor.is_authenticated else None,
        canonical_json=data.decode("utf-8"),
        sha256=plan_module.sha256_hex(data),
        public_fields=public,
        salts=salts,
        embargo_until=embargo_until,
    )
    audit_log(
        instance=experiment,
        actor=actor,
        action="event",
        changes={"registration": [None, registration.sha256], "embargo_until": [None, str(embargo_until or "")]},
        note="registered",
    )
    return registration


def registration_verify(*, registration: Registration, data: bytes | None = None) -> dict[str, Any]:
    """Re-hash the stored canonical JSON (or given bytes) and check the plan still matches it."""
    stored = registration.canonical_json.encode("utf-8")
    candidate = stored if data is None else data
    digest = plan_module.sha256_hex(candidate)
    experiment = registration.experiment
    document = plan_module.registration_document(
        experiment_id=experiment.pk,
        registered_at=registration.registered_at.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z"),
        plan=plan_module.plan_values(experiment),
        public_fields=registration.public_fields,
        salts=registration.salts,
    )
    return {
        "sha256": digest,
        "matches": digest == registration.sha256,
        "plan_unchanged": plan_module.canonical_bytes(document) == stored,
    }


@transaction.atomic
def plan_field_disclose(*, experiment: Experiment, actor: Any, plan_field: str) -> Disclosure:
    """Make public a part of the registered plan that was withheld; the registration is untouched.

    Its salt becomes public, so anyone can recompute the digest that the registration file holds.
    """
    experiment = Experiment.objects.select_for_update().get(pk=experiment.pk)
    _require_editor(actor, experiment)
    if not experiment.is_registered:
        raise ApplicationError(_("Only a registered plan has withheld parts; choose what is public when you register."))
    registration = experiment.registration
    if plan_field not in registration.salts:
        raise ApplicationError(_("This part of the plan is already in the public version."), field="plan_field")
    if experiment.disclosures.filter(plan_field=plan_field).exists():
        raise ApplicationError(_("This part of the plan has already been made public."), field="plan_field")
    disclosure = Disclosure.objects.create(
        experiment=experiment, plan_field=plan_field,
        disclosed_by=actor if actor is not None and actor.is_authenticated else None,
    )
    audit_log(instance=experiment, actor=actor, action="event", changes={"disclosed": [None, plan_field]},
              note="disclosed")
    return disclosure


def deviation_declare(
    *,
    experiment: Experiment,
    actor: Any,
    plan_field: str,
    description_en: str = "",
    description_fr: str = "",
    reason_en: str = "",
    reason_fr: str = "",
) -> Deviation:
    """Record a change from the registered plan beside the original (never edits the plan)."""
    _require_editor(actor, experiment)
    if not experiment.is_registered:
        raise ApplicationError(_("Deviations are declared after registration; edit the draft plan instead."))
    if plan_field not in plan_module.PLAN_FIELD_KEYS:
        raise ApplicationError(_("Choose the part of the plan that changed."), field="plan_field")
    if not (description_en.strip() or description_fr.strip()):
        raise ApplicationError(_("Describe what changed."), field="description_en")
    if not (reason_en.strip() or reason_fr.strip()):
        raise ApplicationError(_("Give the reason for the change."), field="reason_en")
    return model_create(
        model=Deviation,
        actor=actor,
        data={
            "experiment": experiment,
            "plan_field": plan_field,
            "description_en": description_en.strip(),
            "description_fr": description_fr.strip(),
            "reason_en": reason_en.strip(),
            "reason_fr": reason_fr.strip(),
            "declared_by": actor,
        },
    )
