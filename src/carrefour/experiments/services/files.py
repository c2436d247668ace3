"""Private storage of experiment files: streamed copies, checks of their columns and IDs."""

from __future__ import annotations

import datetime
import hashlib
import shutil
import time
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from carrefour.core.exceptions import ApplicationError
from carrefour.core.numbers import format_number
from carrefour.experiments.models import Dataset, Experiment, Randomization
from carrefour.experiments.uploads import engine_message
from carrefour.stats.labels import label as stats_label

CHUNK = 8 * 1024 * 1024
DATA_SUFFIXES = {".csv", ".parquet", ".pq"}


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
        "limit": format_number(limit / 1024 / 1024)  # the reader's separators (2 048 in French)
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
    # The engine's own line may name the server path: people read the translated sentence.
    return ApplicationError(engine_message(exc), field="file")


def _check_columns(source: Any, required: list[str], *, field: str = "file") -> list[str]:
    """Every required column exists; `field` is "file" (an upload) or "table" (a database table)."""
    return _check_column_names(list(source.columns()), required, field=field)


def _check_column_names(columns: list[str], required: list[str], *, field: str = "file") -> list[str]:
    """Every required column is among `columns` (a header read from the file's first bytes)."""
    missing = [c for c in required if c and c not in columns]
    if missing:
        if field == "table":
            message = _("The table has no column named %(missing)s (its columns are: %(columns)s).")
        else:
            message = _("The file has no column named %(missing)s (its columns are: %(columns)s).")
        params = {"missing": ", ".join(f"“{c}”" for c in missing), "columns": ", ".join(columns)}
        raise ApplicationError(
            message % params, field=field,
            extra={"code": "table_columns_missing" if field == "table" else "columns_missing", "params": params},
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
        params = {"column": column, "examples": examples}
        raise ApplicationError(
            _("Unit IDs in column “%(column)s” must be unique; duplicated: %(examples)s.") % params,
            field=field, extra={"code": "ids_duplicated", "params": params},
        )
    nulls = source.fetch(f"SELECT COUNT(*) FROM {source.relation} WHERE {_quote(column)} IS NULL")[0][0]
    if nulls:
        params = {"count": int(nulls), "column": column}
        raise ApplicationError(
            _("%(count)s rows have no unit ID in column “%(column)s”.") % params,
            field=field, extra={"code": "ids_missing", "params": params},
        )


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def experiment_files_remove(*, experiment: Experiment) -> None:
    """Remove an experiment's private files (used by the demo loader when it rebuilds)."""
    shutil.rmtree(private_root() / str(experiment.pk), ignore_errors=True)
