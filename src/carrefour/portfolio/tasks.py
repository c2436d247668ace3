"""Background work: progress reports too large to build while the page waits."""

from __future__ import annotations

from django_tasks import task


@task()
def progress_report_task(*, report_id: int) -> None:
    from carrefour.portfolio.models import ProgressReport
    from carrefour.portfolio.services import report_generate

    report = ProgressReport.objects.select_related("table", "requested_by").filter(pk=report_id).first()
    if report is not None and report.state in (ProgressReport.State.QUEUED, ProgressReport.State.RUNNING):
        report_generate(report=report)
