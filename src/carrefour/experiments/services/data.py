"""Outcome data files: upload and checks against the registered plan."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

import carrefour.stats as stats
from carrefour.core.exceptions import ApplicationError
from carrefour.core.services import model_create
from carrefour.experiments.models import Dataset, Experiment
from carrefour.experiments.services._common import _require_editor
from carrefour.experiments.services.files import (
    _check_column_names,
    _check_columns,
    _check_unique_ids,
    _quote,
    _suffix,
    private_root,
    store_file,
)
from carrefour.experiments.uploads import engine_message
from carrefour.stats.labels import label as stats_label
from carrefour.stats.sources import NUMERIC_KINDS, sniff_csv, sniff_parquet


def dataset_upload(
    *, experiment: Experiment, actor: Any, file: Any, name: str | None = None, analyse: bool = False,
    enqueue: bool = True,
) -> Dataset:
    """Store an outcome file (streamed, outside the web root) and queue its checks against the plan.

    The request reads only the file's first bytes (a CSV's header and first records, a Parquet
    file's footer): the planned columns must be there. The full checks read the whole file, so
    they run in the task worker (`dataset_check`) while the dataset is "checking"; with `analyse`,
    its analysis is requested as soon as they pass. On a problem
    found here the new file is removed and nothing stored before is touched.
    """
    _require_editor(actor, experiment)
    if not experiment.is_registered:
        raise ApplicationError(_("Register the plan before uploading outcome data."))
    name = Path(name or getattr(file, "name", "") or "data").name
    suffix = _suffix(name)
    path, size, sha = store_file(file=file, folder=private_root() / str(experiment.pk) / "data", suffix=suffix)
    try:
        columns = _first_bytes_check(experiment, path)
        dataset = model_create(
            model=Dataset,
            actor=actor,
            data={
                "experiment": experiment,
                "name": name[:255],
                "path": str(path),
                "size": size,
                "sha256": sha,
                "rows": None,
                "columns": columns,
                "status": Dataset.Status.CHECKING,
                "analyse_when_ready": analyse,
                "uploaded_by": actor,
            },
        )
    except stats.StatsError as exc:
        path.unlink(missing_ok=True)
        raise ApplicationError(engine_message(exc), field="file") from exc
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    if enqueue:
        from carrefour.experiments.tasks import dataset_check_task

        transaction.on_commit(lambda: dataset_check_task.enqueue(dataset_id=dataset.pk))
    return dataset


def _first_bytes_check(experiment: Experiment, path: Path) -> list[str]:
    """The header read from the first bytes (at most 1 MiB, or a Parquet footer) has the planned columns."""
    if path.suffix == ".csv":
        _delimiter, header = sniff_csv(path)
    else:
        header = sniff_parquet(path)
    return _check_column_names(header, planned_columns(experiment), field="file")


def upload_check_seconds() -> float:
    """How long the checks of one upload may read the file (settings.UPLOAD_CHECK_SECONDS)."""
    return float(getattr(settings, "UPLOAD_CHECK_SECONDS", 60))


def _validate_dataset(experiment: Experiment, path: Path) -> tuple[int, list[str]]:
    # The first bytes are checked before DuckDB reads anything (a 200,000-column header is
    # refused at once), and no query of the checks may run past the time limit.
    with stats.DuckDBSource.from_file(path, time_limit=upload_check_seconds()) as source:
        return _validate_source(experiment, source, field="file")


def planned_columns(experiment: Experiment) -> list[str]:
    """The columns the data must have, each once, in the plan's order."""
    required = [
        experiment.unit_id_column,
        experiment.treatment_column,
        *[o["column"] for o in experiment.outcomes],
        *experiment.covariates,
        *experiment.strata,
        experiment.cluster_column,
        experiment.subgroup_column,
    ]
    return list(dict.fromkeys(c for c in required if c))


def _validate_source(experiment: Experiment, source: Any, *, field: str) -> tuple[int, list[str]]:
    """Check an open source against the plan with aggregate SQL only (no rows reach Python)."""
    columns = _check_columns(source, planned_columns(experiment), field=field)
    kinds = source.columns()
    for name in [*(o["column"] for o in experiment.outcomes), *experiment.covariates]:
        if kinds[name].kind not in NUMERIC_KINDS:
            raise ApplicationError(
                _("Column “%(column)s” holds text, not numbers, so it cannot be an outcome or a covariate.")
                % {"column": name},
                field=field, extra={"code": "not_numeric", "params": {"column": name}},
            )
    arm = _quote(experiment.treatment_column)
    found = [stats_label(r[0]) for r in source.fetch(f"SELECT DISTINCT {arm} FROM {source.relation} WHERE {arm} IS NOT NULL")]
    unknown = sorted(set(found) - set(experiment.arm_labels))
    if unknown:
        params = {
            "column": experiment.treatment_column,
            "unknown": ", ".join(f"“{u}”" for u in unknown[:5]),
            "arms": ", ".join(f"“{a}”" for a in experiment.arm_labels),
        }
        raise ApplicationError(
            _("Column “%(column)s” has arm labels that are not in the plan: %(unknown)s (the plan's arms are %(arms)s).")
            % params,
            field=field, extra={"code": "arms_unknown", "params": params},
        )
    _check_unique_ids(source, experiment.unit_id_column, field=field)
    rows = int(source.fetch(f"SELECT COUNT(*) FROM {source.relation}")[0][0])
    if rows == 0:
        raise ApplicationError(
            _("The table has no rows.") if field == "table" else _("The file has no rows."), field=field,
            extra={"code": "no_rows"},
        )
    return rows, columns
