"""Draft plans: creation, edits (frozen after registration), power, links to commitments."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

import carrefour.stats as stats
from carrefour.core.exceptions import ApplicationError
from carrefour.core.models import Visibility
from carrefour.core.services import model_create, model_update
from carrefour.core.visibility import can_view
from carrefour.declarations import commitments as commitment_links
from carrefour.experiments import plan as plan_module
from carrefour.experiments.models import Experiment
from carrefour.experiments.services._common import _require_editor
from carrefour.experiments.services.evidence import evidence_enqueue_recompute
from carrefour.experiments.uploads import engine_message

# Fields of Experiment that make up the plan (frozen at registration).
PLAN_MODEL_FIELDS = [
    *[f"{base}_{lang}" for base in plan_module.TEXT_FIELDS for lang in ("en", "fr")],
    "intervention_type",
    "outcome_domain",
    "jurisdiction",
    "team",
    "arms",
    "outcomes",
    "covariates",
    "strata",
    "unit_id_column",
    "treatment_column",
    "cluster_column",
    "subgroup_column",
    "adjust",
    "alpha",
    "power_outcome",
    "power_baseline",
    "power_sd",
    "power_mde",
    "power_target",
    "power_icc",
    "power_cluster_size",
]
# Fields that may change after registration: who sees it, and links to other work.
FREE_FIELDS = ["visibility", "initiative"]


def _clean_plan(data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    if "title_en" in data or "title_fr" in data:
        if not (data.get("title_en") or "").strip() and not (data.get("title_fr") or "").strip():
            raise ApplicationError(_("Give the experiment a title in English or French."), field="title_en")
    if "arms" in data:
        arms = data["arms"]
        labels = [a["label"] for a in arms]
        if len(arms) < 2:
            raise ApplicationError(_("An experiment needs at least two arms (the first is the control)."), field="arms")
        if len(set(labels)) != len(labels) or any(not label for label in labels):
            raise ApplicationError(_("Arm labels must be distinct and not empty."), field="arms")
        for arm in arms:
            if int(arm.get("allocation") or 0) < 1:
                raise ApplicationError(
                    _("Arm “%(arm)s” needs an allocation of at least 1.") % {"arm": arm["label"]}, field="arms"
                )
    if "outcomes" in data:
        columns = [o["column"] for o in data["outcomes"]]
        if not columns:
            raise ApplicationError(_("Name at least one outcome."), field="outcomes")
        if len(set(columns)) != len(columns):
            raise ApplicationError(_("Each outcome column can be listed once only."), field="outcomes")
        if not any(o.get("primary") for o in data["outcomes"]):
            data["outcomes"] = [{**o, "primary": i == 0} for i, o in enumerate(data["outcomes"])]
    if "alpha" in data and not (0 < float(data["alpha"]) < 1):
        raise ApplicationError(_("The significance level must be between 0 and 1."), field="alpha")
    return data


def power_calculate(*, inputs: dict[str, Any], arms: list[dict[str, Any]] | None = None) -> dict[str, Any] | None:
    """Solve the sample size with carrefour.stats.power; None when the inputs are incomplete."""
    outcome = inputs.get("power_outcome")
    baseline, mde = inputs.get("power_baseline"), inputs.get("power_mde")
    if not outcome or baseline is None or mde is None:
        return None
    kwargs: dict[str, Any] = {
        "outcome": outcome,
        "baseline": float(baseline),
        "mde": float(mde),
        "alpha": float(inputs.get("alpha") or 0.05),
        "power": float(inputs.get("power_target") or 0.8),
    }
    if outcome == "continuous":
        kwargs["sd"] = float(inputs.get("power_sd") or 1.0)
    if inputs.get("power_icc") is not None and inputs.get("power_cluster_size"):
        kwargs["icc"] = float(inputs["power_icc"])
        kwargs["cluster_size"] = int(inputs["power_cluster_size"])
    if arms and len(arms) >= 2:
        kwargs["arms"] = len(arms)
        kwargs["ratio"] = float(arms[1].get("allocation") or 1) / float(arms[0].get("allocation") or 1)
    try:
        result = stats.power(**kwargs)
    except stats.StatsError as exc:
        # The engine's line names its command-line options ("--baseline must be…"): people read
        # the sentence for its code ("proportion", "design") in their language.
        raise ApplicationError(engine_message(exc), field="power_mde") from exc
    return plan_module.finite(result.to_dict())


def power_curve(*, result: dict[str, Any], points: int = 15) -> list[dict[str, float]]:
    """Power at a range of control-arm sizes, for the curve on the plan page."""
    needed = max(int(result["n_control"]), 4)
    curve = []
    for i in range(1, points + 1):
        n = max(2, round(needed * 2 * i / points))
        kwargs: dict[str, Any] = {
            "outcome": result["outcome"],
            "baseline": result["baseline"],
            "mde": result["mde"],
            "alpha": result["alpha"],
            "ratio": result["ratio"],
            "arms": result["arms"],
            "n": n,
        }
        if result.get("sd") is not None:
            kwargs["sd"] = result["sd"]
        if result.get("icc") is not None:
            kwargs["icc"] = result["icc"]
            kwargs["cluster_size"] = result["cluster_size"]
        curve.append({"n": n, "power": stats.power(**kwargs).power})
    return curve


def _with_power(data: dict[str, Any], experiment: Experiment | None) -> dict[str, Any]:
    inputs = {k: data.get(k, getattr(experiment, k, None)) for k in (
        "power_outcome", "power_baseline", "power_sd", "power_mde", "power_target", "power_icc",
        "power_cluster_size", "alpha")}
    arms = data.get("arms", experiment.arms if experiment else None)
    data["power_result"] = power_calculate(inputs=inputs, arms=arms) or {}
    return data


def experiment_create(*, actor: Any, data: dict[str, Any], commitments: Iterable[int] | None = None) -> Experiment:
    """Create a draft plan."""
    if actor is None or not actor.is_authenticated:
        raise ApplicationError(_("Sign in to plan an experiment."))
    data = _with_power(_clean_plan(data), None)
    _check_initiative(actor, data.get("initiative"))
    if not data.get("visibility"):
        data["visibility"] = Visibility.MEMBERS if data.get("team") else Visibility.PRIVATE
    experiment = model_create(model=Experiment, actor=actor, data=data)
    if commitments is not None:
        experiment_set_commitments(experiment=experiment, actor=actor, commitments=commitments)
    return experiment


def experiment_update(
    *,
    experiment: Experiment,
    actor: Any,
    data: dict[str, Any],
    expected_version: int | None = None,
    commitments: Iterable[int] | None = None,
) -> Experiment:
    """Edit a plan. After registration only visibility and links change; the plan is frozen.

    The changes are worked out against the stored record, never against `experiment` as
    given: a ModelForm bound to it has already copied the submitted values onto it, so
    comparing with it would find nothing changed and save nothing.
    """
    with transaction.atomic():
        stored = Experiment.objects.select_for_update().get(pk=experiment.pk)
        _require_editor(actor, stored)
        if stored.is_registered:
            frozen = [k for k in data if k not in FREE_FIELDS and _differs(stored, k, data[k])]
            if frozen:
                raise ApplicationError(
                    _("This plan is registered and frozen: declare a deviation instead of editing it.")
                )
            data = {k: v for k, v in data.items() if k in FREE_FIELDS}
        else:
            data = _clean_plan(data)
            if any(k.startswith("power_") or k in ("arms", "alpha") for k in data):
                data = _with_power(data, stored)
        if "initiative" in data and _differs(stored, "initiative", data["initiative"]):
            _check_initiative(actor, data["initiative"])
        visibility_changed = "visibility" in data and _differs(stored, "visibility", data["visibility"])
        model_update(instance=stored, actor=actor, data=data, expected_version=expected_version)
        if visibility_changed and stored.is_published:
            # Who may see its result changed: the stored What works pooling follows.
            evidence_enqueue_recompute(experiment=stored)
        if commitments is not None:
            experiment_set_commitments(experiment=stored, actor=actor, commitments=commitments)
    experiment.refresh_from_db()
    return stored


def _check_initiative(actor: Any, initiative: Any) -> None:
    """An experiment is linked only to an initiative its editor may see."""
    if initiative is not None and not can_view(actor, initiative):
        raise ApplicationError(_("Choose an initiative that you can see."), field="initiative")


def _differs(experiment: Experiment, key: str, value: Any) -> bool:
    current = getattr(experiment, key, None)
    if hasattr(current, "pk"):
        current = current.pk
    if hasattr(value, "pk"):
        value = value.pk
    return current != value


def experiment_set_commitments(*, experiment: Experiment, actor: Any, commitments: Iterable[int]) -> None:
    """Link the experiment to the declaration commitments it serves (declarations' interface)."""
    commitment_links.set_links(actor=actor, target=experiment, commitments=list(commitments))
