"""The checks of an uploaded outcome file, run by the task worker under a lease like an analysis."""

from __future__ import annotations

import datetime
import logging
from pathlib import Path
from typing import Any

from django.utils import timezone

import carrefour.stats as stats
from carrefour.core.exceptions import ApplicationError
from carrefour.core.services import audit_log
from carrefour.experiments.models import Dataset
from carrefour.experiments.services.analysis import _Heartbeat, analysis_lease, analysis_request
from carrefour.experiments.services.data import _validate_dataset
from carrefour.experiments.uploads import engine_error

logger = logging.getLogger(__name__)

CHECKING = Dataset.Status.CHECKING


def dataset_check(*, dataset_id: int) -> Dataset:
    """Run every check of a stored file against the plan; mark it ready, or refused and remove the file.

    Only the first run takes a dataset (a second delivery of the task leaves it to the first);
    its heartbeat is touched while it reads, and its verdict is written only while it still
    holds the dataset, so a check marked stale never makes the file ready afterwards.
    """
    dataset = Dataset.objects.select_related("experiment").get(pk=dataset_id)
    if not _claim(dataset):
        dataset.refresh_from_db()
        return dataset
    try:
        with _Heartbeat(dataset, running=CHECKING):
            rows, columns = _validate_dataset(dataset.experiment, Path(dataset.path))
    except stats.StatsError as exc:
        code, params = engine_error(exc)
        _refuse(dataset, code, params, detail=str(exc))
    except ApplicationError as exc:
        # The rules' errors carry a code, so the page says them in the reader's language.
        _refuse(dataset, exc.extra.get("code", "check_internal"), exc.extra.get("params", {}), detail=str(exc))
    except Exception as exc:  # noqa: BLE001 - any failure refuses the file; people upload it again
        logger.exception("checks of dataset %s failed", dataset.pk)
        _refuse(dataset, "check_internal", {}, detail=f"{type(exc).__name__}: {exc}")
    else:
        now = timezone.now()
        ready = Dataset.objects.filter(pk=dataset.pk, status=CHECKING, attempts=dataset.attempts).update(
            status=Dataset.Status.READY, rows=rows, columns=columns, heartbeat_at=now, updated_at=now
        )
        if ready:
            audit_log(instance=dataset, actor=None, action="event", changes={"status": ["checking", "ready"]},
                      note="the file passed its checks")
            dataset.refresh_from_db()
            if dataset.analyse_when_ready:
                _analyse(dataset)
    dataset.refresh_from_db()
    return dataset


def _analyse(dataset: Dataset) -> None:
    """Request the analysis "Upload and analyse" asked for, as its uploader (if still an editor)."""
    try:
        analysis_request(experiment=dataset.experiment, actor=dataset.uploaded_by, dataset=dataset)
    except ApplicationError as exc:
        logger.info("dataset %s is ready but its analysis was not requested: %s", dataset.pk, exc)


def _claim(dataset: Dataset) -> bool:
    if dataset.status != CHECKING or dataset.attempts:
        return False  # decided, or a check already runs (a stale one is refused, never re-run)
    now = timezone.now()
    claimed = Dataset.objects.filter(pk=dataset.pk, status=CHECKING, attempts=0).update(
        attempts=1, started_at=now, heartbeat_at=now, updated_at=now
    )
    if claimed:
        dataset.attempts = 1
    return bool(claimed)


def _refuse(dataset: Dataset, code: str, params: dict[str, Any], *, detail: str) -> None:
    refused = Dataset.objects.filter(pk=dataset.pk, status=CHECKING, attempts=dataset.attempts).update(
        status=Dataset.Status.REFUSED, error_code=code, error_params=params, updated_at=timezone.now()
    )
    if not refused:
        return  # the lease was lost: the stale check was refused already
    Path(dataset.path).unlink(missing_ok=True)
    logger.info("dataset %s refused (%s): %s", dataset.pk, code, detail)
    audit_log(instance=dataset, actor=None, action="event", changes={"status": ["checking", "refused"]},
              note=f"the file was refused by its checks ({code}) and removed")


def dataset_is_stale(dataset: Dataset, *, now: datetime.datetime | None = None) -> bool:
    """A check that started and has had no heartbeat within the lease: its worker stopped."""
    if dataset.status != CHECKING or not dataset.attempts:
        return False
    last = dataset.heartbeat_at or dataset.started_at
    return last is None or (now or timezone.now()) - last > analysis_lease()


def dataset_expire_if_stale(*, dataset: Dataset, now: datetime.datetime | None = None) -> Dataset:
    """Refuse a file whose check lost its worker, with a "try again" reason, and remove it."""
    now = now or timezone.now()
    if not dataset_is_stale(dataset, now=now):
        return dataset
    expired = Dataset.objects.filter(
        pk=dataset.pk, status=CHECKING, attempts=dataset.attempts, heartbeat_at=dataset.heartbeat_at
    ).update(status=Dataset.Status.REFUSED, error_code="check_stopped", error_params={}, updated_at=now)
    if expired:
        Path(dataset.path).unlink(missing_ok=True)
        audit_log(instance=dataset, actor=None, action="event", changes={"status": ["checking", "refused"]},
                  note="no heartbeat within the lease: the worker checking the file stopped")
    dataset.refresh_from_db()
    return dataset


def datasets_expire_stale(*, experiment: Any = None, now: datetime.datetime | None = None) -> int:
    """Refuse every file whose check lost its worker (of one experiment, if given); return how many."""
    now = now or timezone.now()
    qs = Dataset.objects.filter(status=CHECKING, attempts__gt=0)
    if experiment is not None:
        qs = qs.filter(experiment=experiment)
    return sum(dataset_expire_if_stale(dataset=d, now=now).status == Dataset.Status.REFUSED for d in qs)
