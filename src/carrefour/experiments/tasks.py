"""Background work: an analysis and the checks of an uploaded file run in the task worker, never in a request."""

from __future__ import annotations

from django_tasks import task


@task()
def analysis_run_task(*, analysis_id: int) -> None:
    """Run one queued analysis (the service records progress, result or error)."""
    from carrefour.experiments.services import analysis_run

    analysis_run(analysis_id=analysis_id)


@task()
def dataset_check_task(*, dataset_id: int) -> None:
    """Check one uploaded file against the plan (the service marks it ready or refused)."""
    from carrefour.experiments.services import dataset_check

    dataset_check(dataset_id=dataset_id)


@task()
def evidence_recompute_task(*, experiment_id: int) -> None:
    """Recompute the stored What works groups one experiment belongs to."""
    from carrefour.experiments.services.evidence import evidence_recompute_for_experiment

    evidence_recompute_for_experiment(experiment_id=experiment_id)
