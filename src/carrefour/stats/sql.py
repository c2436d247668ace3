"""The aggregate queries, written once (DuckDB dialect) and transpiled by SQLGlot.

Two queries do all the work on the data:

* :func:`moments_sql` — per cell (arm × stratum × subgroup) and per reason a row is
  unusable: the count, the means and the population covariances of the covariates and
  outcomes (``COVAR_POP`` is computed with a numerically stable one-pass update in DuckDB,
  PostgreSQL and Spark alike).
* :func:`residuals_sql` — after the coefficients are known, a second pass that joins a
  small table of per-cell coefficients and sums, per cell (and per cluster), the
  HC2-weighted squared residuals ``e²/(1 − h)`` (with ``h`` the leverage) or the residual
  scores used by cluster-robust errors.

A parallel engine adds up partial sums in whatever order its threads finish, so the last
digits of a sum can change from run to run. When the source names a *block* for each row
(:func:`block_sql`: the Parquet row group, which one thread reads from start to end), both
queries also group by block and the blocks are combined in block order — in Python for the
moments (compensated, :func:`math.fsum`), with ordered compensated sums for the residuals —
so the same file gives the same numbers to the last bit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .sources import Column

NAN = "CAST('NaN' AS DOUBLE)"


def quote(name: str) -> str:
    """Quote an identifier in the canonical (DuckDB) dialect."""
    return '"' + name.replace('"', '""') + '"'


def transpile(sql: str, dialect: str) -> str:
    """Translate canonical DuckDB SQL to ``dialect`` (``duckdb``, ``postgres``, ``spark``)."""
    if dialect == "duckdb":
        return sql
    import sqlglot  # imported on use: DuckDB, the default engine, reads the canonical SQL

    return str(sqlglot.transpile(sql, read="duckdb", write=dialect)[0])


def column_ref(column: Column, alias: str = "t") -> str:
    """Return the reference to a column of the source table."""
    return f"{alias}.{quote(column.name)}"


def number(column: Column, alias: str = "t") -> str:
    """Return the column as a DOUBLE (booleans as 0/1)."""
    ref = column_ref(column, alias)
    if column.kind == "boolean":
        return f"(CASE WHEN {ref} THEN 1.0 WHEN NOT {ref} THEN 0.0 END)"
    return f"CAST({ref} AS DOUBLE)"


def key(column: Column, alias: str = "t") -> str:
    """Return the column as a grouping key (text for kinds a VALUES literal cannot hold)."""
    ref = column_ref(column, alias)
    if column.kind in {"integer", "float", "decimal", "text", "boolean"}:
        return ref
    return f"CAST({ref} AS VARCHAR)"


def missing(column: Column, alias: str = "t") -> str:
    """Return the condition that a cell is missing: NULL, blank, or NaN."""
    ref = column_ref(column, alias)
    if column.kind == "float":
        return f"({ref} IS NULL OR {ref} = {NAN})"
    return f"{ref} IS NULL"


def literal(value: object) -> str:
    """Return a SQL literal equal to a key value returned by a query."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return double(value)
    if isinstance(value, Decimal):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def double(value: float) -> str:
    """Return a DOUBLE literal that round-trips exactly."""
    if not math.isfinite(value):
        raise ValueError(f"non-finite coefficient {value!r}")
    return f"CAST({value!r} AS DOUBLE)"


def block_sql(sizes: Sequence[int], alias: str = "t") -> str:
    """Number each row by its Parquet row group, from the row groups' sizes in file order.

    Equal row groups (but the last) give an integer division; others a balanced search
    on ``file_row_number`` (a depth of log₂ of the number of row groups).
    """
    row = f"{alias}.file_row_number"
    if len(sizes) <= 1:
        return "0"
    first = sizes[0]
    if all(size == first for size in sizes[:-1]) and sizes[-1] <= first:
        return f"CAST({row} // {first} AS INTEGER)"
    starts = [0]
    for size in sizes[:-1]:
        starts.append(starts[-1] + size)

    def search(low: int, high: int) -> str:
        if high - low == 1:
            return str(low)
        middle = (low + high) // 2
        return (
            f"(CASE WHEN {row} < {starts[middle]} THEN {search(low, middle)} "
            f"ELSE {search(middle, high)} END)"
        )

    return search(0, len(sizes))


def moments_sql(
    relation: str,
    *,
    keys: Sequence[Column],
    reasons: Sequence[Column],
    values: Sequence[Column],
    block: str | None = None,
) -> str:
    """Count, means and covariances of ``values`` per key combination and drop reason.

    ``reason`` is -1 for complete rows, else the index of the first column in ``reasons``
    that is missing, so each unusable row is counted once under its first reason. With a
    ``block`` expression, rows come back per block too, as ``(keys…, r, b, n, …)``, for
    :func:`merge_blocks`.
    """
    key_cols = [f"{key(c)} AS k{i}" for i, c in enumerate(keys)]
    cases = " ".join(f"WHEN {missing(c)} THEN {i}" for i, c in enumerate(reasons))
    reason = f"CASE {cases} ELSE -1 END AS r" if cases else "-1 AS r"
    value_cols = [f"{number(c)} AS v{i}" for i, c in enumerate(values)]
    block_cols = [] if block is None else [f"{block} AS b"]
    inner = ", ".join([*key_cols, reason, *block_cols, *value_cols])
    group = ", ".join([*(f"k{i}" for i in range(len(keys))), "r", *(["b"] if block else [])])
    aggregates = ["COUNT(*) AS n"]
    aggregates += [f"AVG(v{i})" for i in range(len(values))]
    aggregates += [
        f"COVAR_POP(v{i}, v{j})" for i in range(len(values)) for j in range(i, len(values))
    ]
    return (
        f"SELECT {group}, {', '.join(aggregates)} "
        f"FROM (SELECT {inner} FROM {relation} AS t) AS q GROUP BY {group}"
    )


def merge_blocks(
    rows: Sequence[tuple[Any, ...]], n_keys: int, n_values: int
) -> list[tuple[Any, ...]]:
    """Combine per-block moments (keys…, r, b, n, means, covariances) in block order.

    Pooled mean ``Σ n_b m_b / n`` and co-moment ``Σ n_b (C_b + (m_b − m)(m_b − m)ᵀ)``, each
    sum compensated (:func:`math.fsum`), so the result depends on the blocks, not on the
    order the engine returned them in.
    """
    group_of: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    parts: dict[tuple[Any, ...], list[tuple[Any, ...]]] = {}
    for row in rows:
        ident = order_key(row[: n_keys + 1])
        if ident not in parts:
            parts[ident] = []
            group_of[ident] = row[: n_keys + 1]
        parts[ident].append(row)
    pairs = [(i, j) for i in range(n_values) for j in range(i, n_values)]
    merged: list[tuple[Any, ...]] = []
    for ident in sorted(parts):
        blocks = sorted(parts[ident], key=lambda r: int(r[n_keys + 1]))
        counts = [int(r[n_keys + 2]) for r in blocks]
        n = sum(counts)
        head = group_of[ident]
        if int(head[n_keys]) >= 0:  # unusable rows: only their count is read
            merged.append((*head, n, *([None] * (n_values + len(pairs)))))
            continue
        means = [[float(r[n_keys + 3 + i]) for r in blocks] for i in range(n_values)]
        pooled = [math.fsum(c * m for c, m in zip(counts, col, strict=True)) / n for col in means]
        covariances = []
        for position, (i, j) in enumerate(pairs):
            column = n_keys + 3 + n_values + position
            terms = [
                c * (float(r[column]) + (mi - pooled[i]) * (mj - pooled[j]))
                for c, r, mi, mj in zip(counts, blocks, means[i], means[j], strict=True)
            ]
            covariances.append(math.fsum(terms) / n)
        merged.append((*head, n, *pooled, *covariances))
    return merged


def order_key(values: Sequence[Any]) -> tuple[tuple[int, str, Any], ...]:
    """Order key values of one column type, NULL and NaN first (they compare equal here)."""
    result: list[tuple[int, str, Any]] = []
    for v in values:
        if v is None:
            result.append((0, "", 0))
        elif isinstance(v, float) and math.isnan(v):
            result.append((1, "", 0))
        else:
            result.append((2, type(v).__name__, v))
    return tuple(result)


@dataclass(frozen=True)
class CellCoefficients:
    """What the second pass needs to know about one cell to compute residuals and leverages.

    With ``d = z − z̄_cell`` the covariates centred at the cell means, the residual of outcome
    ``o`` is ``(y_o − ȳ_o) + r_o − b_o·d`` and the leverage is ``h0 + h1·d + dᵀ H2 d``.
    """

    keys: tuple[object, ...]
    zbar: tuple[float, ...]
    ybar: tuple[float, ...]
    r: tuple[float, ...]
    b: tuple[tuple[float, ...], ...]
    h0: float
    h1: tuple[float, ...]
    h2: tuple[tuple[float, ...], ...]


def residuals_sql(
    relation: str,
    *,
    keys: Sequence[Column],
    complete: Sequence[Column],
    covariates: Sequence[Column],
    outcomes: Sequence[Column],
    cells: Sequence[CellCoefficients],
    cluster: Column | None,
    leverage: bool,
    block: str | None = None,
) -> str:
    """Sum HC2 weights (``leverage``) or cluster scores per cell, from per-row residuals.

    Rows come back as ``(cid, [cluster,] sums…)`` where ``cid`` indexes ``cells``.

    HC2 (no cluster): ``SUM(w)``, ``SUM(w·d_j)``, ``SUM(w·d_j·d_k)`` with ``w = e²/(1−h)``.
    Cluster: per cluster and cell, ``SUM(e)`` and ``SUM(e·d_j)``.
    With a ``block`` expression the sums are taken per block, then added in block order.
    """
    n_keys, n_z, n_y = len(keys), len(covariates), len(outcomes)
    names = ["cid"] + [f"c{i}" for i in range(n_keys)]
    names += [f"zb{j}" for j in range(n_z)] + [f"yb{o}" for o in range(n_y)]
    names += [f"rr{o}" for o in range(n_y)]
    names += [f"b{o}_{j}" for o in range(n_y) for j in range(n_z)]
    if leverage:
        names += ["h0"] + [f"h1_{j}" for j in range(n_z)]
        names += [f"h2_{j}_{k}" for j in range(n_z) for k in range(j, n_z)]
    rows = []
    for cid, cell in enumerate(cells):
        values = [str(cid)] + [literal(v) for v in cell.keys]
        values += [double(v) for v in (*cell.zbar, *cell.ybar, *cell.r)]
        values += [double(v) for row in cell.b for v in row]
        if leverage:
            values += [double(cell.h0)] + [double(v) for v in cell.h1]
            values += [double(cell.h2[j][k]) for j in range(n_z) for k in range(j, n_z)]
        rows.append("(" + ", ".join(values) + ")")
    table = f"(VALUES {', '.join(rows)}) AS c({', '.join(names)})"
    join = " AND ".join(f"{key(col)} = c.c{i}" for i, col in enumerate(keys))
    where = " AND ".join(f"NOT {missing(col)}" for col in complete) or "TRUE"

    level1 = ["c.cid AS cid"]
    if cluster is not None:
        level1.append(f"{key(cluster)} AS g")
    if block is not None:
        level1.append(f"{block} AS b")
    level1 += [f"{number(z)} - c.zb{j} AS d{j}" for j, z in enumerate(covariates)]
    level1 += [f"{number(y)} - c.yb{o} AS u{o}" for o, y in enumerate(outcomes)]
    level1 += [f"c.rr{o} AS rr{o}" for o in range(n_y)]
    level1 += [f"c.b{o}_{j} AS b{o}_{j}" for o in range(n_y) for j in range(n_z)]
    if leverage:
        level1 += ["c.h0 AS h0"] + [f"c.h1_{j} AS h1_{j}" for j in range(n_z)]
        level1 += [f"c.h2_{j}_{k} AS h2_{j}_{k}" for j in range(n_z) for k in range(j, n_z)]

    # Group by the integer cell id, not the (often text) keys: cheaper to hash.
    carry = ["cid"] + (["g"] if cluster is not None else [])
    carry += ["b"] if block is not None else []
    level2 = [*carry, *(f"d{j}" for j in range(n_z))]
    for o in range(n_y):
        fitted = "".join(f" - b{o}_{j} * d{j}" for j in range(n_z))
        level2.append(f"u{o} + rr{o}{fitted} AS e{o}")
    if leverage:
        terms = ["h0"] + [f"h1_{j} * d{j}" for j in range(n_z)]
        terms += [f"h2_{j}_{k} * d{j} * d{k}" for j in range(n_z) for k in range(j, n_z)]
        level2.append(f"{' + '.join(terms)} AS h")

    # Level 3 computes each HC2 weight once per row; the sums then only multiply.
    level3 = [*carry, *(f"d{j}" for j in range(n_z))]
    if leverage:
        level3 += [f"e{o} * e{o} / (1.0 - h) AS w{o}" for o in range(n_y)] + ["h"]
    else:
        level3 += [f"e{o}" for o in range(n_y)]
    aggregates: list[str] = []
    for o in range(n_y):
        if leverage:
            aggregates.append(f"SUM(w{o})")
            aggregates += [f"SUM(w{o} * d{j})" for j in range(n_z)]
            aggregates += [f"SUM(w{o} * d{j} * d{k})" for j in range(n_z) for k in range(j, n_z)]
        else:
            aggregates.append(f"SUM(e{o})")
            aggregates += [f"SUM(e{o} * d{j})" for j in range(n_z)]
    if leverage:
        aggregates.append("MAX(h)")
    group = ", ".join(carry)
    selected = aggregates if block is None else [f"{a} AS s{i}" for i, a in enumerate(aggregates)]
    query = (
        f"SELECT {group}, {', '.join(selected)} FROM ("
        f"SELECT {', '.join(level3)} FROM ("
        f"SELECT {', '.join(level2)} FROM ("
        f"SELECT {', '.join(level1)} FROM {relation} AS t JOIN {table} ON {join} "
        f"WHERE {where}) AS q1) AS q2) AS q3 GROUP BY {group}"
    )
    if block is None:
        return query
    outer_group = ", ".join(carry[:-1])
    sums = len(aggregates) - int(leverage)
    combined = [f"fsum(s{i} ORDER BY b)" for i in range(sums)]
    combined += [f"MAX(s{sums})"] if leverage else []
    return (
        f"SELECT {outer_group}, {', '.join(combined)} FROM ({query}) AS blocks "
        f"GROUP BY {outer_group}"
    )
