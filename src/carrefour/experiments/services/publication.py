"""Publication of one finished analysis with the team's verdict."""

from __future__ import annotations

import math
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from carrefour.core.exceptions import ApplicationError
from carrefour.core.services import model_create
from carrefour.experiments.models import Analysis, Experiment, Publication, Verdict
from carrefour.experiments.services._common import _require_editor
from carrefour.experiments.services.evidence import evidence_enqueue_recompute


def publication_create(
    *,
    experiment: Experiment,
    actor: Any,
    analysis: Analysis,
    verdict: str,
    summary_en: str = "",
    summary_fr: str = "",
    published_at: Any = None,
) -> Publication:
    """Publish one finished analysis with the team's verdict; published results are never replaced."""
    _require_editor(actor, experiment)
    if experiment.is_published:
        raise ApplicationError(_("The results are already published and cannot be replaced."))
    if analysis.experiment_id != experiment.pk or analysis.status != Analysis.Status.DONE:
        raise ApplicationError(_("Choose a finished analysis of this experiment."), field="analysis")
    if verdict not in Verdict.values:
        raise ApplicationError(_("Choose a verdict."), field="verdict")
    if not (summary_en.strip() or summary_fr.strip()):
        raise ApplicationError(_("Write the plain-language summary in English or French."), field="summary_en")
    primary = experiment.primary_outcome or {}
    outcome = next((r for r in analysis.result["results"] if r["outcome"] == primary.get("column")), analysis.result["results"][0])
    effect = outcome["effects"][0]
    if effect["std_error"] is None or not math.isfinite(effect["std_error"]):
        raise ApplicationError(_("The primary outcome has no standard error; it cannot be published."))
    publication = model_create(
        model=Publication,
        actor=actor,
        data={
            "experiment": experiment,
            "analysis": analysis,
            "verdict": verdict,
            "summary_en": summary_en.strip(),
            "summary_fr": summary_fr.strip(),
            "published_at": published_at or timezone.now(),
            "published_by": actor,
            "outcome": outcome["outcome"],
            "outcome_kind": primary.get("kind") or "continuous",
            "arm": effect["arm"],
            "estimate": effect["estimate"],
            "std_error": effect["std_error"],
            "ci_low": effect["ci_low"],
            "ci_high": effect["ci_high"],
            "n": sum(analysis.result["n"].values()),
        },
    )
    # What works pools the stored result: recompute this experiment's groups once committed.
    evidence_enqueue_recompute(experiment=experiment)
    return publication
