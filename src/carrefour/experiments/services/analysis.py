"""Analyses of a dataset or a table: requested, queued after commit, run by the task, retried."""

from __future__ import annotations

import datetime
import logging
import threading
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import carrefour.stats as stats
from carrefour.core.exceptions import ApplicationError
from carrefour.core.services import audit_log, model_create, model_update
from carrefour.experiments import plan as plan_module
from carrefour.experiments.models import STALE_ERROR, STALE_STEP, Analysis, Dataset, Experiment
from carrefour.experiments.services._common import _require_editor
from carrefour.experiments.services.data import _validate_source, planned_columns
from carrefour.experiments.services.tables import (
    _database_url,
    _open_table,
    analysis_table_name_check,
    table_checksum,
)
from carrefour.experiments.uploads import engine_error, engine_message

logger = logging.getLogger(__name__)


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
        # The engine's own line names options and types in English: people read its code's sentence.
        raise ApplicationError(engine_message(exc), field="table") from exc
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
    if dataset.status == Dataset.Status.CHECKING:
        raise ApplicationError(_("This data file is still being checked; it can be analysed once its checks pass."))
    if dataset.status != Dataset.Status.READY:
        raise ApplicationError(_("This data file was refused by its checks, so it cannot be analysed."))
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
    """Queue a failed analysis again (a finished one is never re-run or overwritten).

    A run whose worker stopped (stale heartbeat) is first marked failed, so it can be retried.
    """
    _require_editor(actor, analysis.experiment)
    analysis = analysis_expire_if_stale(analysis=analysis)
    if analysis.status != Analysis.Status.FAILED:
        raise ApplicationError(_("Only a failed analysis can be retried."))
    model_update(
        instance=analysis, actor=actor,
        data={"status": Analysis.Status.QUEUED, "progress": 0, "step": "", "error_params": {}}, note="retry",
    )
    _enqueue(analysis)
    return analysis


# --- the lease: a running analysis proves its worker is alive -----------------------------


class LeaseLost(Exception):
    """This run no longer holds the analysis: it was marked stale, or another attempt took it."""


def analysis_lease() -> datetime.timedelta:
    """How long a running analysis may go without a heartbeat before it counts as stopped."""
    return datetime.timedelta(seconds=float(getattr(settings, "ANALYSIS_LEASE_SECONDS", 600)))


def analysis_is_stale(analysis: Analysis, *, now: datetime.datetime | None = None) -> bool:
    """A running analysis whose last heartbeat (or start) is older than the lease."""
    if analysis.status != Analysis.Status.RUNNING:
        return False
    last = analysis.heartbeat_at or analysis.started_at or analysis.updated_at
    return last is None or (now or timezone.now()) - last > analysis_lease()


REQUEUES = 1  # how many times a run that lost its worker is queued again before it fails


def analysis_expire_if_stale(*, analysis: Analysis, now: datetime.datetime | None = None) -> Analysis:
    """Queue a running analysis whose worker stopped once more, or, the second time, mark it failed.

    Nothing it computed is kept (the result is only ever written by a run that still holds
    the lease). The update is conditional, so a heartbeat that arrives meanwhile wins. While
    queued again, its `error_params` count the requeues (no error is shown: it is not failed);
    a retry by the team starts the count again.
    """
    now = now or timezone.now()
    if not analysis_is_stale(analysis, now=now):
        return analysis
    requeues = int((analysis.error_params or {}).get("requeues", 0))
    held = Analysis.objects.filter(
        pk=analysis.pk, status=Analysis.Status.RUNNING, attempts=analysis.attempts,
        heartbeat_at=analysis.heartbeat_at,
    )
    if requeues < REQUEUES:
        requeued = held.update(
            status=Analysis.Status.QUEUED, step="requeued", error="", error_code="",
            error_params={"requeues": requeues + 1}, result={}, progress=0, updated_at=now,
        )
        if requeued:
            audit_log(instance=analysis, actor=None, action="event", changes={"status": ["running", "queued"]},
                      note="no heartbeat within the lease: the worker stopped; queued again once")
            _enqueue(analysis)
    elif held.update(
        status=Analysis.Status.FAILED, step=STALE_STEP, error=str(STALE_ERROR), error_code="", result={},
        progress=0, finished_at=now, updated_at=now,
    ):
        audit_log(instance=analysis, actor=None, action="event", changes={"status": ["running", "failed"]},
                  note="no heartbeat within the lease a second time: the worker stopped")
    analysis.refresh_from_db()
    return analysis


def analyses_expire_stale(*, now: datetime.datetime | None = None) -> int:
    """Queue again (once) or mark failed every stale running analysis; return how many were."""
    now = now or timezone.now()
    count = 0
    for analysis in Analysis.objects.filter(status=Analysis.Status.RUNNING):
        count += analysis_expire_if_stale(analysis=analysis, now=now).status != Analysis.Status.RUNNING
    return count


class _Heartbeat:
    """Touch the run's heartbeat from a thread while the engine works (the engine has no callback).

    Stops when the run ends; a worker that dies takes the thread with it, so the heartbeat
    ages and the run becomes stale. Any record with `status`, `attempts` and `heartbeat_at`
    can hold the lease: an analysis while "running", a dataset while "checking".
    """

    def __init__(self, record: Any, *, running: str = Analysis.Status.RUNNING) -> None:
        self.model, self.pk, self.attempt, self.running = type(record), record.pk, record.attempts, running
        self.interval = max(analysis_lease().total_seconds() / 4, 0.05)
        self._stop = threading.Event()
        name = f"{self.model._meta.model_name}-{record.pk}-heartbeat"
        self._thread = threading.Thread(target=self._beat, name=name, daemon=True)

    def _beat(self) -> None:
        try:
            while not self._stop.wait(self.interval):
                self.model.objects.filter(pk=self.pk, status=self.running, attempts=self.attempt).update(
                    heartbeat_at=timezone.now()
                )
        finally:
            connections.close_all()  # this thread's own connections only

    def __enter__(self) -> _Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)


def _progress(analysis: Analysis, progress: int, step: str, **extra: Any) -> None:
    """Record progress (and a heartbeat) if this run still holds the analysis, else stop it."""
    now = timezone.now()
    held = Analysis.objects.filter(
        pk=analysis.pk, status=Analysis.Status.RUNNING, attempts=analysis.attempts
    ).update(progress=progress, step=step, heartbeat_at=now, updated_at=now, **extra)
    if not held:
        raise LeaseLost


def _claim(analysis: Analysis) -> bool:
    """Take the analysis for this run (a new attempt), unless it is done or another live run has it."""
    if analysis.status == Analysis.Status.DONE:
        return False
    if analysis.status == Analysis.Status.RUNNING and not analysis_is_stale(analysis):
        return False
    now = timezone.now()
    claimed = Analysis.objects.filter(pk=analysis.pk, status=analysis.status, attempts=analysis.attempts).update(
        status=Analysis.Status.RUNNING, progress=5, step="checking", started_at=now, heartbeat_at=now,
        error="", error_code="", attempts=analysis.attempts + 1, updated_at=now,
    )
    if claimed:
        analysis.status, analysis.attempts = Analysis.Status.RUNNING, analysis.attempts + 1
    return bool(claimed)


def analysis_run(*, analysis_id: int) -> Analysis:
    """Run the engine on the dataset and store its result with the engine version and input checksum.

    The run holds a lease: its heartbeat is touched while it works, and its result or error is
    written only while it still holds the analysis, so a run marked stale never publishes
    anything, even if its worker comes back.
    """
    analysis = Analysis.objects.select_related("dataset", "experiment").get(pk=analysis_id)
    if not _claim(analysis):
        analysis.refresh_from_db()
        return analysis  # done (never recomputed over), or another live run holds it
    started = time.monotonic()
    try:
        with _Heartbeat(analysis):
            document = _compute(analysis)
    except LeaseLost:
        _lease_lost(analysis)
    except stats.StatsError as exc:
        code, params = engine_error(exc)
        _fail(analysis, code, params, detail=str(exc), started=started)
    except ApplicationError as exc:
        # Raised with a code (a missing file, an unreadable table) so the page can say it in
        # the reader's language; the worker's own language is not the reader's.
        _fail(analysis, exc.extra.get("code", "internal"), exc.extra.get("params", {}), detail=str(exc), started=started)
    except Exception as exc:  # noqa: BLE001 - any failure is shown on the page and can be retried
        logger.exception("analysis %s failed", analysis.pk)
        _fail(analysis, "internal", {}, detail=f"{type(exc).__name__}: {exc}", started=started)
    else:
        stored = Analysis.objects.filter(
            pk=analysis.pk, status=Analysis.Status.RUNNING, attempts=analysis.attempts
        ).update(
            status=Analysis.Status.DONE,
            progress=100,
            step="done",
            result=document,
            engine_version=stats.__version__,
            seconds=time.monotonic() - started,
            finished_at=timezone.now(),
            heartbeat_at=timezone.now(),
            updated_at=timezone.now(),
        )
        if not stored:
            _lease_lost(analysis)
        else:
            audit_log(instance=analysis, actor=None, action="event", changes={"status": ["running", "done"]},
                      note="analysis finished")
    analysis.refresh_from_db()
    return analysis


def _lease_lost(analysis: Analysis) -> None:
    audit_log(instance=analysis, actor=None, action="event", changes={},
              note=f"attempt {analysis.attempts} lost its lease; its result was discarded")


def _compute(analysis: Analysis) -> dict[str, Any]:
    """The engine's result document for the analysis's data (progress recorded on the way)."""
    options = dict(analysis.options)
    if analysis.dataset_id is None:
        result = _run_on_table(analysis, options)
    else:
        path = Path(analysis.dataset.path)
        if not path.exists():
            raise ApplicationError(_("The data file is missing from storage."), extra={"code": "file_missing"})
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
    return document


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


def _fail(analysis: Analysis, code: str, params: dict[str, Any], *, detail: str, started: float) -> None:
    """Record the failure as a code and parameters (the page translates them); `detail` is for logs."""
    failed = Analysis.objects.filter(pk=analysis.pk, status=Analysis.Status.RUNNING, attempts=analysis.attempts).update(
        status=Analysis.Status.FAILED,
        error=detail[:2000],
        error_code=code,
        error_params=params,
        step="failed",
        seconds=time.monotonic() - started,
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )
    if not failed:
        _lease_lost(analysis)
        return
    # The history page shows the note to readers: the code only, never the engine's line.
    audit_log(instance=analysis, actor=None, action="event", changes={"status": ["running", "failed"]},
              note=f"analysis failed ({code})")
