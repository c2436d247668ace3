"""Analyses of a dataset or a table: requested, queued after commit, run by the task, retried."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import carrefour.stats as stats
from carrefour.core.exceptions import ApplicationError
from carrefour.core.services import audit_log, model_create, model_update
from carrefour.experiments import plan as plan_module
from carrefour.experiments.models import Analysis, Dataset, Experiment
from carrefour.experiments.services._common import _require_editor
from carrefour.experiments.services.data import _validate_source, planned_columns
from carrefour.experiments.services.tables import (
    _database_url,
    _open_table,
    analysis_table_name_check,
    table_checksum,
)


def analysis_request_from_table(
    *, experiment: Experiment, actor: Any, database: str, table: str, enqueue: bool = True
) -> Analysis:
    """Check a table of a configured database against the plan, then queue its analysis.

    The analysis records the database's name and the table (no URL, no credentials) and the
    table's checksum (see `table_checksum`); the task looks the URL up by name when it runs.
    On any problem nothing is stored.
    """
    _require_editor(actor, experiment)
    if not experiment.is_registered:
        raise ApplicationError(_("Register the plan before analysing outcome data."))
    table = analysis_table_name_check(table)
    _database_url(database)
    try:
        with _open_table(database, table) as source:
            _rows, _columns = _validate_source(experiment, source, field="table")
            checksum, rows = table_checksum(
                source=source, database=database, table=table, columns=planned_columns(experiment)
            )
    except stats.StatsError as exc:
        raise ApplicationError(
            _("The table could not be used: %(problem)s") % {"problem": str(exc)}, field="table"
        ) from exc
    analysis = model_create(
        model=Analysis,
        actor=actor,
        data={
            "experiment": experiment,
            "dataset": None,
            "source_database": database,
            "source_table": table,
            "source_rows": rows,
            "options": analysis_options(experiment),
            "input_sha256": checksum,
            "requested_by": actor,
        },
    )
    if enqueue:
        _enqueue(analysis)
    return analysis


def analysis_options(experiment: Experiment) -> dict[str, Any]:
    """The engine's options, read from the registered plan."""
    total = sum(int(a.get("allocation") or 1) for a in experiment.arms)
    return {
        "treatment": experiment.treatment_column,
        "outcomes": [o["column"] for o in experiment.outcomes],
        "control": experiment.control_label,
        "covariates": list(experiment.covariates),
        "strata": list(experiment.strata),
        "cluster": experiment.cluster_column or None,
        "subgroup": experiment.subgroup_column or None,
        "allocation": {a["label"]: int(a.get("allocation") or 1) / total for a in experiment.arms},
        "adjust": experiment.adjust,
        "alpha": experiment.alpha,
    }


def analysis_request(*, experiment: Experiment, actor: Any, dataset: Dataset, enqueue: bool = True) -> Analysis:
    """Queue an analysis of one dataset; the background task runs it after this commits."""
    _require_editor(actor, experiment)
    if dataset.experiment_id != experiment.pk:
        raise ApplicationError(_("That dataset belongs to another experiment."))
    analysis = model_create(
        model=Analysis,
        actor=actor,
        data={
            "experiment": experiment,
            "dataset": dataset,
            "options": analysis_options(experiment),
            "input_sha256": dataset.sha256,
            "requested_by": actor,
        },
    )
    if enqueue:
        _enqueue(analysis)
    return analysis


def _enqueue(analysis: Analysis) -> None:
    from carrefour.experiments.tasks import analysis_run_task

    transaction.on_commit(lambda: analysis_run_task.enqueue(analysis_id=analysis.pk))


def analysis_retry(*, analysis: Analysis, actor: Any) -> Analysis:
    """Queue a failed analysis again (a finished one is never re-run or overwritten)."""
    _require_editor(actor, analysis.experiment)
    if analysis.status != Analysis.Status.FAILED:
        raise ApplicationError(_("Only a failed analysis can be retried."))
    model_update(instance=analysis, actor=actor, data={"status": Analysis.Status.QUEUED, "progress": 0, "step": ""}, note="retry")
    _enqueue(analysis)
    return analysis


def _progress(analysis: Analysis, progress: int, step: str, **extra: Any) -> None:
    Analysis.objects.filter(pk=analysis.pk).update(progress=progress, step=step, updated_at=timezone.now(), **extra)


def analysis_run(*, analysis_id: int) -> Analysis:
    """Run the engine on the dataset and store its result with the engine version and input checksum."""
    analysis = Analysis.objects.select_related("dataset", "experiment").get(pk=analysis_id)
    if analysis.status == Analysis.Status.DONE:
        return analysis  # results are never recomputed over
    started = time.monotonic()
    _progress(
        analysis, 5, "checking", status=Analysis.Status.RUNNING, started_at=timezone.now(), error="",
        attempts=analysis.attempts + 1,
    )
    try:
        options = dict(analysis.options)
        if analysis.dataset_id is None:
            result = _run_on_table(analysis, options)
        else:
            path = Path(analysis.dataset.path)
            if not path.exists():
                raise ApplicationError(_("The data file is missing from storage."))
            _progress(analysis, 20, "estimating")
            result = stats.analyze(path, **options)
        _progress(analysis, 90, "storing")
        document = plan_module.finite(result.to_dict())
        document["meta"] = {
            "arms": result.arms,
            "control": result.control,
            "alpha": result.alpha,
            "adjust": result.adjust,
            "covariance": result.covariance,
            "clusters": result.clusters,
        }
    except (stats.StatsError, ApplicationError) as exc:
        _fail(analysis, str(exc), started)
    except Exception as exc:  # noqa: BLE001 - any failure is shown on the page and can be retried
        _fail(analysis, f"{type(exc).__name__}: {exc}", started)
    else:
        Analysis.objects.filter(pk=analysis.pk).update(
            status=Analysis.Status.DONE,
            progress=100,
            step="done",
            result=document,
            engine_version=stats.__version__,
            seconds=time.monotonic() - started,
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )
        analysis.refresh_from_db()
        audit_log(instance=analysis, actor=None, action="event", changes={"status": ["running", "done"]}, note="analysis finished")
        return analysis
    analysis.refresh_from_db()
    return analysis


def _run_on_table(analysis: Analysis, options: dict[str, Any]) -> stats.AnalysisResult:
    """Analyse the recorded table; its checksum is taken again, so it describes the data analysed."""
    with _open_table(analysis.source_database, analysis.source_table) as source:
        columns = planned_columns(analysis.experiment)
        checksum, rows = table_checksum(
            source=source, database=analysis.source_database, table=analysis.source_table, columns=columns
        )
        if checksum != analysis.input_sha256:
            audit_log(
                instance=analysis, actor=None, action="event",
                changes={"input_sha256": [analysis.input_sha256, checksum], "source_rows": [analysis.source_rows, rows]},
                note="the table changed after the analysis was requested",
            )
        _progress(analysis, 20, "estimating", input_sha256=checksum, source_rows=rows)
        return stats.analyze(source, **options)


def _fail(analysis: Analysis, message: str, started: float) -> None:
    Analysis.objects.filter(pk=analysis.pk).update(
        status=Analysis.Status.FAILED,
        error=message[:2000],
        step="failed",
        seconds=time.monotonic() - started,
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )
    audit_log(instance=analysis, actor=None, action="event", changes={"status": ["running", "failed"]}, note=message[:400])
