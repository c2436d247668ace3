"""Experiment writes: plan, registration, deviations, randomization, data, analysis, publication.

Every write goes through `carrefour.core.services` (audited). Registered plans are frozen,
and registrations, randomizations, datasets, analyses and publications are append-only.
Statistics are computed by `carrefour.stats` only.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import math
import re
import secrets
import shutil
import time
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import carrefour.stats as stats
from carrefour.core.exceptions import ApplicationError
from carrefour.core.services import audit_log, model_create, model_update
from carrefour.core.visibility import can_edit
from carrefour.experiments import plan as plan_module
from carrefour.experiments.models import (
    Analysis,
    Dataset,
    Deviation,
    Disclosure,
    Experiment,
    Publication,
    Randomization,
    Registration,
    Verdict,
)
from carrefour.stats.labels import label as stats_label

logger = logging.getLogger(__name__)

CHUNK = 8 * 1024 * 1024
DATA_SUFFIXES = {".csv", ".parquet", ".pq"}

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


def private_root() -> Path:
    """Where experiment files live: under MEDIA_ROOT, which is never served."""
    root = Path(settings.MEDIA_ROOT) / "experiments-private"
    root.mkdir(parents=True, exist_ok=True)
    return root


def private_files_unreferenced(*, older_than: datetime.timedelta = datetime.timedelta(days=1)) -> list[Path]:
    """Files in private storage that no dataset or randomization points to, untouched for a while.

    Only a process killed mid-upload (a web worker past its time-out, a machine restart) leaves
    one: the upload's own error paths remove their file. Recent files are never listed, since
    an upload in progress has no record yet.
    """
    root = private_root()
    referenced = {Path(p).resolve() for p in Dataset._base_manager.values_list("path", flat=True)}
    for units, assignment in Randomization._base_manager.values_list("units_path", "assignment_path"):
        referenced.update(Path(p).resolve() for p in (units, assignment) if p)
    cutoff = time.time() - older_than.total_seconds()
    return sorted(
        path for path in root.rglob("*")
        if path.is_file() and path.resolve() not in referenced and path.stat().st_mtime < cutoff
    )


def _require_editor(actor: Any, experiment: Experiment) -> None:
    if not can_edit(actor, experiment):
        raise ApplicationError(_("Only the experiment's team can do this."))


# --- plan -------------------------------------------------------------------------------


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
        raise ApplicationError(
            _("The power calculation failed: %(problem)s") % {"problem": str(exc)}, field="power_mde"
        ) from exc
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
    """Edit a plan. After registration only visibility and links change; the plan is frozen."""
    _require_editor(actor, experiment)
    if experiment.is_registered:
        frozen = [k for k in data if k not in FREE_FIELDS and _differs(experiment, k, data[k])]
        if frozen:
            raise ApplicationError(
                _("This plan is registered and frozen: declare a deviation instead of editing it.")
            )
        data = {k: v for k, v in data.items() if k in FREE_FIELDS}
    else:
        data = _clean_plan(data)
        if any(k.startswith("power_") or k in ("arms", "alpha") for k in data):
            data = _with_power(data, experiment)
    model_update(instance=experiment, actor=actor, data=data, expected_version=expected_version)
    if commitments is not None:
        experiment_set_commitments(experiment=experiment, actor=actor, commitments=commitments)
    return experiment


def _differs(experiment: Experiment, key: str, value: Any) -> bool:
    current = getattr(experiment, key, None)
    if hasattr(current, "pk"):
        current = current.pk
    if hasattr(value, "pk"):
        value = value.pk
    return current != value


def experiment_set_commitments(*, experiment: Experiment, actor: Any, commitments: Iterable[int]) -> None:
    """Link the experiment to the declaration commitments it serves (declarations' service)."""
    try:
        from carrefour.declarations.services import commitment_links_set
    except ImportError:  # the declarations app is not installed in this build
        return
    commitment_links_set(actor=actor, target=experiment, commitments=list(commitments))


# --- registration -----------------------------------------------------------------------


@transaction.atomic
def experiment_register(
    *,
    experiment: Experiment,
    actor: Any,
    public_fields: Iterable[str],
    embargo_until: Any = None,
    at: datetime.datetime | None = None,
) -> Registration:
    """Freeze the plan: hash its canonical JSON (SHA-256) and time-stamp it.

    `at` records an earlier registration being imported (the demo's history); it defaults to now.
    """
    experiment = Experiment.objects.select_for_update().get(pk=experiment.pk)
    _require_editor(actor, experiment)
    if experiment.is_registered:
        raise ApplicationError(_("This plan is already registered; its registration cannot be replaced."))
    if len(experiment.arms) < 2 or not experiment.outcomes:
        raise ApplicationError(_("Add at least two arms and one outcome before registering the plan."))
    if embargo_until is not None and embargo_until <= timezone.localdate() and at is None:
        raise ApplicationError(_("An embargo date must be in the future."), field="embargo_until")
    public = sorted({f for f in public_fields if f in plan_module.SWITCHABLE})
    salts = {k: secrets.token_hex(16) for k in plan_module.SWITCHABLE if k not in public}
    now = (at or timezone.now()).replace(microsecond=0)
    document = plan_module.registration_document(
        experiment_id=experiment.pk,
        registered_at=now.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z"),
        plan=plan_module.plan_values(experiment),
        public_fields=public,
        salts=salts,
    )
    data = plan_module.canonical_bytes(document)
    registration = Registration.objects.create(
        experiment=experiment,
        registered_at=now,
        registered_by=actor if actor is not None and actor.is_authenticated else None,
        canonical_json=data.decode("utf-8"),
        sha256=plan_module.sha256_hex(data),
        public_fields=public,
        salts=salts,
        embargo_until=embargo_until,
    )
    audit_log(
        instance=experiment,
        actor=actor,
        action="event",
        changes={"registration": [None, registration.sha256], "embargo_until": [None, str(embargo_until or "")]},
        note="registered",
    )
    return registration


def registration_verify(*, registration: Registration, data: bytes | None = None) -> dict[str, Any]:
    """Re-hash the stored canonical JSON (or given bytes) and check the plan still matches it."""
    stored = registration.canonical_json.encode("utf-8")
    candidate = stored if data is None else data
    digest = plan_module.sha256_hex(candidate)
    experiment = registration.experiment
    document = plan_module.registration_document(
        experiment_id=experiment.pk,
        registered_at=registration.registered_at.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z"),
        plan=plan_module.plan_values(experiment),
        public_fields=registration.public_fields,
        salts=registration.salts,
    )
    return {
        "sha256": digest,
        "matches": digest == registration.sha256,
        "plan_unchanged": plan_module.canonical_bytes(document) == stored,
    }


@transaction.atomic
def plan_field_disclose(*, experiment: Experiment, actor: Any, plan_field: str) -> Disclosure:
    """Make public a part of the registered plan that was withheld; the registration is untouched.

    Its salt becomes public, so anyone can recompute the digest that the registration file holds.
    """
    experiment = Experiment.objects.select_for_update().get(pk=experiment.pk)
    _require_editor(actor, experiment)
    if not experiment.is_registered:
        raise ApplicationError(_("Only a registered plan has withheld parts; choose what is public when you register."))
    registration = experiment.registration
    if plan_field not in registration.salts:
        raise ApplicationError(_("This part of the plan is already in the public version."), field="plan_field")
    if experiment.disclosures.filter(plan_field=plan_field).exists():
        raise ApplicationError(_("This part of the plan has already been made public."), field="plan_field")
    disclosure = Disclosure.objects.create(
        experiment=experiment, plan_field=plan_field,
        disclosed_by=actor if actor is not None and actor.is_authenticated else None,
    )
    audit_log(instance=experiment, actor=actor, action="event", changes={"disclosed": [None, plan_field]},
              note="disclosed")
    return disclosure


def deviation_declare(
    *,
    experiment: Experiment,
    actor: Any,
    plan_field: str,
    description_en: str = "",
    description_fr: str = "",
    reason_en: str = "",
    reason_fr: str = "",
) -> Deviation:
    """Record a change from the registered plan beside the original (never edits the plan)."""
    _require_editor(actor, experiment)
    if not experiment.is_registered:
        raise ApplicationError(_("Deviations are declared after registration; edit the draft plan instead."))
    if plan_field not in plan_module.PLAN_FIELD_KEYS:
        raise ApplicationError(_("Choose the part of the plan that changed."), field="plan_field")
    if not (description_en.strip() or description_fr.strip()):
        raise ApplicationError(_("Describe what changed."), field="description_en")
    if not (reason_en.strip() or reason_fr.strip()):
        raise ApplicationError(_("Give the reason for the change."), field="reason_en")
    return model_create(
        model=Deviation,
        actor=actor,
        data={
            "experiment": experiment,
            "plan_field": plan_field,
            "description_en": description_en.strip(),
            "description_fr": description_fr.strip(),
            "reason_en": reason_en.strip(),
            "reason_fr": reason_fr.strip(),
            "declared_by": actor,
        },
    )


# --- files ------------------------------------------------------------------------------


def _suffix(name: str) -> str:
    suffix = Path(name or "").suffix.lower()
    if suffix not in DATA_SUFFIXES:
        raise ApplicationError(
            _("“%(name)s” is not a CSV or Parquet file (its name must end in .csv or .parquet).") % {"name": name},
            field="file",
        )
    return ".parquet" if suffix == ".pq" else suffix


def _limit_message(limit: int) -> str:
    return _("The file is larger than the limit of %(limit)s MB; nothing was stored.") % {
        "limit": f"{limit / 1024 / 1024:,.0f}"
    }


def store_file(*, file: Any, folder: Path, suffix: str) -> tuple[Path, int, str]:
    """Copy an uploaded file chunk by chunk into private storage; return path, size, SHA-256."""
    limit = int(settings.UPLOAD_MAX_BYTES)
    size_hint = getattr(file, "size", None)
    if size_hint is not None and size_hint > limit:
        raise ApplicationError(_limit_message(limit), field="file")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}{suffix}"
    digest = hashlib.sha256()
    size = 0
    chunks = file.chunks(CHUNK) if hasattr(file, "chunks") else iter(lambda: file.read(CHUNK), b"")
    try:
        with path.open("wb") as out:
            for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise ApplicationError(_limit_message(limit), field="file")
                digest.update(chunk)
                out.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    if size == 0:
        path.unlink(missing_ok=True)
        raise ApplicationError(_("The file is empty."), field="file")
    return path, size, digest.hexdigest()


def _engine_problem(exc: Exception) -> ApplicationError:
    return ApplicationError(_("The file could not be used: %(problem)s") % {"problem": str(exc)}, field="file")


def _check_columns(source: Any, required: list[str], *, field: str = "file") -> list[str]:
    """Every required column exists; `field` is "file" (an upload) or "table" (a database table)."""
    columns = list(source.columns())
    missing = [c for c in required if c and c not in columns]
    if missing:
        if field == "table":
            message = _("The table has no column named %(missing)s (its columns are: %(columns)s).")
        else:
            message = _("The file has no column named %(missing)s (its columns are: %(columns)s).")
        raise ApplicationError(
            message % {"missing": ", ".join(f"“{c}”" for c in missing), "columns": ", ".join(columns)},
            field=field,
        )
    return columns


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _check_unique_ids(source: Any, column: str, *, field: str = "file") -> None:
    rows = source.fetch(
        f"SELECT {_quote(column)}, COUNT(*) FROM {source.relation} GROUP BY 1 HAVING COUNT(*) > 1 "
        f"ORDER BY 2 DESC, 1 LIMIT 3"
    )
    if rows:
        examples = ", ".join(f"“{stats_label(r[0])}” ({r[1]}×)" for r in rows)
        raise ApplicationError(
            _("Unit IDs in column “%(column)s” must be unique; duplicated: %(examples)s.")
            % {"column": column, "examples": examples},
            field=field,
        )
    nulls = source.fetch(f"SELECT COUNT(*) FROM {source.relation} WHERE {_quote(column)} IS NULL")[0][0]
    if nulls:
        raise ApplicationError(
            _("%(count)s rows have no unit ID in column “%(column)s”.") % {"count": nulls, "column": column},
            field=field,
        )


# --- randomization ----------------------------------------------------------------------


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


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --- data -------------------------------------------------------------------------------


def dataset_upload(*, experiment: Experiment, actor: Any, file: Any, name: str | None = None) -> Dataset:
    """Store an outcome file (streamed, outside the web root) after checking it against the plan.

    On any problem the new file is removed and nothing stored before is touched.
    """
    _require_editor(actor, experiment)
    if not experiment.is_registered:
        raise ApplicationError(_("Register the plan before uploading outcome data."))
    name = Path(name or getattr(file, "name", "") or "data").name
    suffix = _suffix(name)
    path, size, sha = store_file(file=file, folder=private_root() / str(experiment.pk) / "data", suffix=suffix)
    try:
        rows, columns = _validate_dataset(experiment, path)
    except stats.StatsError as exc:
        path.unlink(missing_ok=True)
        raise _engine_problem(exc) from exc
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return model_create(
        model=Dataset,
        actor=actor,
        data={
            "experiment": experiment,
            "name": name[:255],
            "path": str(path),
            "size": size,
            "sha256": sha,
            "rows": rows,
            "columns": columns,
            "uploaded_by": actor,
        },
    )


def _validate_dataset(experiment: Experiment, path: Path) -> tuple[int, list[str]]:
    with stats.DuckDBSource.from_file(path) as source:
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
    arm = _quote(experiment.treatment_column)
    found = [stats_label(r[0]) for r in source.fetch(f"SELECT DISTINCT {arm} FROM {source.relation} WHERE {arm} IS NOT NULL")]
    unknown = sorted(set(found) - set(experiment.arm_labels))
    if unknown:
        raise ApplicationError(
            _("Column “%(column)s” has arm labels that are not in the plan: %(unknown)s (the plan's arms are %(arms)s).")
            % {
                "column": experiment.treatment_column,
                "unknown": ", ".join(f"“{u}”" for u in unknown[:5]),
                "arms": ", ".join(f"“{a}”" for a in experiment.arm_labels),
            },
            field=field,
        )
    _check_unique_ids(source, experiment.unit_id_column, field=field)
    rows = int(source.fetch(f"SELECT COUNT(*) FROM {source.relation}")[0][0])
    if rows == 0:
        raise ApplicationError(_("The table has no rows.") if field == "table" else _("The file has no rows."), field=field)
    return rows, columns


# --- tables of configured databases ------------------------------------------------------

# A plain or schema-qualified SQL identifier: `outcomes` or `warehouse.outcomes_2025`.
TABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}(\.[A-Za-z_][A-Za-z0-9_]{0,62})?")


def analysis_table_name_check(table: str) -> str:
    """Return the table name if it is a plain or schema-qualified identifier, else refuse it."""
    table = (table or "").strip()
    if not TABLE_NAME.fullmatch(table):
        raise ApplicationError(
            _("“%(table)s” is not a table name: use letters, digits and underscores, optionally after a schema name and a dot (for example “analytics.outcomes”).")
            % {"table": table[:100]},
            field="table",
        )
    return table


def _database_url(name: str) -> str:
    url = dict(getattr(settings, "ANALYSIS_DATABASES", {}) or {}).get(name or "")
    if not url:
        raise ApplicationError(
            _("No database named “%(name)s” is configured for analysis.") % {"name": (name or "")[:100]},
            field="database",
        )
    return url


def _open_table(database: str, table: str) -> stats.Source:
    """Open a table of a configured database; errors name the database, never its URL."""
    url = _database_url(database)
    try:
        return stats.open_source(database=url, table=table)
    except stats.StatsError as exc:
        logger.warning("analysis database %r, table %r: %s", database, table, exc)
        text = str(exc)
        if text.startswith(("cannot connect", "cannot open DuckDB database", "DuckDB database")):
            raise ApplicationError(
                _("The database “%(database)s” cannot be reached; ask an administrator to check its configuration.")
                % {"database": database},
                field="database",
            ) from exc
        raise ApplicationError(
            _("The database “%(database)s” has no table “%(table)s” that Carrefour can read.")
            % {"database": database, "table": table},
            field="table",
        ) from exc


def _canonical_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        # Parallel sums of floating-point values may differ in the last bits between runs.
        return float(f"{value:.12g}") if math.isfinite(value) else str(value)
    return stats_label(value)  # Decimal, dates and the like, as text


def table_checksum(*, source: Any, database: str, table: str, columns: list[str]) -> tuple[str, int]:
    """SHA-256 of a table's content, computed with one aggregate query; returns it and the row count.

    A table has no file to hash, so the checksum is that of a canonical JSON description:
    the source (database name and table, never the URL), the row count, and for each planned
    column its kind, its count of non-missing values, its minimum and maximum (types other
    than numbers and text are compared as text), and for numbers its sum (booleans: the count
    of true values). Floating-point aggregates are rounded to 12 significant digits so that the
    same data gives the same checksum on every run. Any row added, removed or changed in a way
    that moves one of these aggregates changes the checksum; it does not hash every value (that
    would need engine-specific hashing of every row). The task takes it again when it runs, so
    the stored checksum describes the data that was analysed.
    """
    kinds = source.columns()
    parts = ["COUNT(*)"]
    layout: list[tuple[str, list[str]]] = []
    for name in columns:
        q = _quote(name)
        kind = kinds[name].kind
        if kind in ("integer", "float", "decimal"):
            stats_sql = {"count": f"COUNT({q})", "min": f"MIN({q})", "max": f"MAX({q})", "sum": f"SUM({q})"}
        elif kind == "boolean":
            stats_sql = {"count": f"COUNT({q})", "true": f"SUM(CASE WHEN {q} THEN 1 ELSE 0 END)"}
        elif kind == "text":
            stats_sql = {"count": f"COUNT({q})", "min": f"MIN({q})", "max": f"MAX({q})"}
        else:  # dates, UUIDs…: compared as text, which every engine can order
            as_text = f"CAST({q} AS VARCHAR)"
            stats_sql = {"count": f"COUNT({q})", "min": f"MIN({as_text})", "max": f"MAX({as_text})"}
        layout.append((name, list(stats_sql)))
        parts.extend(stats_sql.values())
    row = source.fetch(f"SELECT {', '.join(parts)} FROM {source.relation}")[0]
    rows = int(row[0])
    values = iter(row[1:])
    described = {
        name: {"kind": kinds[name].kind, **{key: _canonical_value(next(values)) for key in keys}}
        for name, keys in layout
    }
    document = {"source": {"database": database, "table": table}, "rows": rows, "columns": described}
    return plan_module.sha256_hex(plan_module.canonical_bytes(document)), rows


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


# --- analysis ---------------------------------------------------------------------------


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


# --- publication ------------------------------------------------------------------------


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
    return model_create(
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


def experiment_files_remove(*, experiment: Experiment) -> None:
    """Remove an experiment's private files (used by the demo loader when it rebuilds)."""
    shutil.rmtree(private_root() / str(experiment.pk), ignore_errors=True)
