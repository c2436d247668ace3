"""Background work: an analysis runs in the task worker, never in a web request."""

from __future__ import annotations

from django_tasks import task


@task()
def analysis_run_task(*, analysis_id: int) -> None:
    """Run one queued analysis (the service records progress, result or error)."""
    from carrefour.experiments.services import analysis_run

    analysis_run(analysis_id=analysis_id)
