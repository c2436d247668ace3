"""Randomization of a units file with carrefour.stats, its seed recorded."""

from __future__ import annotations

import csv
import re
import secrets
import uuid
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

import carrefour.stats as stats
from carrefour.core.exceptions import ApplicationError
from carrefour.core.exports import csv_cell
from carrefour.core.services import model_create
from carrefour.experiments import plan as plan_module
from carrefour.experiments.models import Experiment, Randomization
from carrefour.experiments.services._common import _require_editor
from carrefour.experiments.services.files import (
    _check_columns,
    _check_unique_ids,
    _engine_problem,
    _file_sha256,
    _suffix,
    private_root,
    store_file,
)


def randomization_run(*, experiment: Experiment, actor: Any, units_file: Any, seed: int | None = None) -> Randomization:
    """Assign arms to the units in a CSV/Parquet file with carrefour.stats (seed recorded)."""
    _require_editor(actor, experiment)
    if not experiment.is_registered:
        raise ApplicationError(_("Register the plan before randomizing, so the assignment follows it."))
    if seed is None:
        seed = secrets.randbelow(2**31)
    if seed < 0:
        raise ApplicationError(_("The seed must be a whole number of zero or more."), field="seed")
    suffix = _suffix(getattr(units_file, "name", ""))
    folder = private_root() / str(experiment.pk) / "randomizations"
    path, _size, sha = store_file(file=units_file, folder=folder, suffix=suffix)
    out = folder / f"{uuid.uuid4().hex}-assignment.csv"
    try:
        with stats.DuckDBSource.from_file(path) as source:
            required = [experiment.unit_id_column, *experiment.strata, experiment.cluster_column]
            _check_columns(source, [c for c in required if c])
            if experiment.treatment_column in source.columns():
                raise ApplicationError(
                    _("The units file already has a column “%(column)s”; remove it, Carrefour adds it.")
                    % {"column": experiment.treatment_column},
                    field="file",
                )
            _check_unique_ids(source, experiment.unit_id_column)
        result = stats.randomize(
            path,
            arms=experiment.arm_labels,
            ratio=[int(a.get("allocation") or 1) for a in experiment.arms],
            strata=list(experiment.strata),
            cluster=experiment.cluster_column or None,
            seed=seed,
            out=out,
            arm_column=experiment.treatment_column,
        )
    except stats.StatsError as exc:
        path.unlink(missing_ok=True)
        out.unlink(missing_ok=True)
        raise _engine_problem(exc) from exc
    except BaseException:
        path.unlink(missing_ok=True)
        out.unlink(missing_ok=True)
        raise
    try:
        _escape_formulas(out)
    except BaseException:
        path.unlink(missing_ok=True)
        out.unlink(missing_ok=True)
        raise
    summary = plan_module.finite(result.to_dict())
    summary["out"] = None
    summary["balance"] = [b for b in summary["balance"] if b["column"] != experiment.unit_id_column]
    return model_create(
        model=Randomization,
        actor=actor,
        data={
            "experiment": experiment,
            "seed": seed,
            "units_name": Path(getattr(units_file, "name", "units")).name[:255],
            "units_path": str(path),
            "units_sha256": sha,
            "assignment_path": str(out),
            "assignment_sha256": _file_sha256(out),
            "summary": summary,
            "engine_version": stats.__version__,
            "created_by": actor,
        },
    )


# A number in text form: a spreadsheet reads it as a number, never as a formula, so "-5" stays.
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def _needs_escape(cell: str) -> bool:
    return csv_cell(cell) != cell and not _NUMBER.fullmatch(cell)


def _escape_formulas(path: Path) -> None:
    """Rewrite the assignment CSV so that no cell opens as a spreadsheet formula (core's export rule).

    Done before the file is hashed, so the file the team downloads is the one whose SHA-256
    is recorded. A file with nothing to escape (the usual case) is left byte for byte as is.
    """
    with path.open(newline="", encoding="utf-8") as f:
        if not any(_needs_escape(cell) for row in csv.reader(f) for cell in row):
            return
    escaped = path.with_name(path.name + ".escaping")
    try:
        with path.open(newline="", encoding="utf-8") as src, escaped.open("w", newline="", encoding="utf-8") as dst:
            writer = csv.writer(dst, lineterminator="\n")
            for row in csv.reader(src):
                writer.writerow([csv_cell(cell) if _needs_escape(cell) else cell for cell in row])
        escaped.replace(path)
    finally:
        escaped.unlink(missing_ok=True)
