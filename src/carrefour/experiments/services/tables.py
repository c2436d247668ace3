"""Tables of configured databases: names, connections by name (never by URL), checksums."""

from __future__ import annotations

import logging
import math
import re
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

import carrefour.stats as stats
from carrefour.core.exceptions import ApplicationError
from carrefour.experiments import plan as plan_module
from carrefour.experiments.services.files import _quote
from carrefour.stats.labels import label as stats_label

logger = logging.getLogger(__name__)


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
            extra={"code": "database_unknown", "params": {"name": (name or "")[:100]}},
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
                extra={"code": "database_unreachable", "params": {"database": database}},
            ) from exc
        raise ApplicationError(
            _("The database “%(database)s” has no table “%(table)s” that Carrefour can read.")
            % {"database": database, "table": table},
            field="table",
            extra={"code": "table_unreadable", "params": {"database": database, "table": table}},
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
