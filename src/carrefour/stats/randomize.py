"""Complete, stratified (blocked) and cluster randomization, reproducible from a seed."""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from .errors import StatsError
from .labels import label
from .sources import DuckDBSource, check_columns

if TYPE_CHECKING:
    import pyarrow as pa


@dataclass(frozen=True)
class BalanceRow:
    """One numeric column: its mean in every arm and standardized differences to the first."""

    column: str
    means: dict[str, float | None]
    std_diff: dict[str, float | None]

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return {"column": self.column, "means": self.means, "std_diff": self.std_diff}


@dataclass(frozen=True)
class RandomizationResult:
    """The assignment (one arm label per row, in row order), counts and balance table."""

    arms: list[str]
    assignment: list[str]
    n: dict[str, int]
    strata: int
    clusters: int | None
    seed: int
    balance: list[BalanceRow]
    out: str | None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form (``carrefour randomize --json``), without the assignment."""
        return {
            "n": self.n,
            "strata": self.strata,
            "clusters": self.clusters,
            "seed": self.seed,
            "out": self.out,
            "balance": [b.to_dict() for b in self.balance],
        }


def complete_assignment(
    strata: Sequence[str], arms: Sequence[str], ratio: Sequence[int], seed: int
) -> list[str]:
    """Assign each unit an arm by complete randomization within its stratum.

    In a stratum of n units, arm k gets ⌊n·r_k/R⌋ units; the remaining units go to distinct
    arms drawn at random with probability proportional to the fractional parts, so every
    arm's expected count is exactly n·r_k/R. Strata are processed in sorted order and the
    units of a stratum in their given order, so the same seed and input give the same
    assignment.
    """
    _check_arms(arms, ratio)
    rng = np.random.default_rng(seed)
    codes = np.asarray(strata, dtype=object)
    result = np.empty(len(codes), dtype=np.int64)
    weights = np.asarray(ratio, dtype=float) / float(sum(ratio))
    for stratum in sorted(set(strata)):
        members = np.flatnonzero(codes == stratum)
        counts = _counts(len(members), weights, rng)
        block = np.repeat(np.arange(len(arms)), counts)
        rng.shuffle(block)
        result[members] = block
    return [arms[int(i)] for i in result]


def _counts(n: int, weights: NDArray[np.float64], rng: np.random.Generator) -> NDArray[np.int64]:
    exact = n * weights
    counts = np.floor(exact + 1e-9).astype(np.int64)
    remainder = n - int(counts.sum())
    if remainder > 0:
        fractions = np.clip(exact - counts, 0.0, None)
        extra = rng.choice(
            len(weights), size=remainder, replace=False, p=fractions / fractions.sum()
        )
        counts[extra] += 1
    return counts


def _check_arms(arms: Sequence[str], ratio: Sequence[int]) -> None:
    if len(arms) < 2:
        raise StatsError("--arms needs at least two arm names, e.g. control,treatment")
    if len(set(arms)) != len(arms) or any(not a for a in arms):
        raise StatsError("--arms names must be distinct and non-empty")
    if len(ratio) != len(arms):
        raise StatsError(f"--ratio has {len(ratio)} numbers for {len(arms)} arms")
    if any(r <= 0 for r in ratio):
        raise StatsError("--ratio numbers must be positive integers")


def randomize(
    source: str | os.PathLike[str],
    *,
    arms: Sequence[str],
    seed: int,
    ratio: Sequence[int] | None = None,
    strata: Sequence[str] = (),
    cluster: str | None = None,
    out: str | os.PathLike[str] | None = None,
    arm_column: str = "arm",
) -> RandomizationResult:
    """Randomize the rows of a CSV/Parquet file, optionally write it with an arm column.

    Rows (or, with ``cluster``, whole clusters) are assigned by :func:`complete_assignment`
    within the strata formed by ``strata`` columns (a missing stratum value is a stratum of
    its own). Every row of a cluster gets the cluster's arm; a cluster must lie in one
    stratum. The balance table gives each numeric column's mean by arm and the
    standardized difference (mean difference over the root mean of the two variances).
    """
    ratio = list(ratio) if ratio is not None else [1] * len(arms)
    _check_arms(arms, ratio)
    if seed < 0:
        raise StatsError(f"--seed must be a non-negative integer, got {seed}")
    with DuckDBSource.from_file(source) as src:
        check_columns(src, [*strata, *([cluster] if cluster else [])])
        if arm_column in src.columns():
            raise StatsError(f"the data already has a column named '{arm_column}'")
        table = src.arrow()
    import pyarrow as pa

    if table.num_rows == 0:
        raise StatsError("the data has no rows")
    stratum_of_row = _stratum_labels(table, strata)
    if cluster is None:
        assignment = complete_assignment(stratum_of_row, arms, ratio, seed)
        n_clusters = None
    else:
        values = table.column(cluster).to_pylist()
        if any(v is None for v in values):
            raise StatsError(f"cluster column '{cluster}' has missing values")
        keys = [label(v) for v in values]
        first: dict[str, int] = {}
        stratum_of_cluster: dict[str, str] = {}
        for i, k in enumerate(keys):
            first.setdefault(k, i)
            s = stratum_of_row[i]
            if stratum_of_cluster.setdefault(k, s) != s:
                raise StatsError(
                    f"cluster '{k}' spans more than one stratum; a cluster must lie in one stratum"
                )
        order = sorted(first, key=first.__getitem__)
        cluster_arms = complete_assignment(
            [stratum_of_cluster[k] for k in order], arms, ratio, seed
        )
        by_cluster = dict(zip(order, cluster_arms, strict=True))
        assignment = [by_cluster[k] for k in keys]
        n_clusters = len(order)
    n = dict.fromkeys(arms, 0)
    for a in assignment:
        n[a] += 1
    skip = {cluster} if cluster else set()
    balance = _balance(table, assignment, arms, skip)
    written = None
    if out is not None:
        written = _write(
            table.append_column(arm_column, pa.array(assignment, pa.string())), Path(out)
        )
    return RandomizationResult(
        arms=list(arms),
        assignment=assignment,
        n=n,
        strata=len(set(stratum_of_row)),
        clusters=n_clusters,
        seed=seed,
        balance=balance,
        out=written,
    )


def _stratum_labels(table: pa.Table, strata: Sequence[str]) -> list[str]:
    if not strata:
        return [""] * table.num_rows
    columns = [table.column(s).to_pylist() for s in strata]
    return [
        "\x1f".join("(missing)" if v is None else label(v) for v in values)
        for values in zip(*columns, strict=True)
    ]


def _balance(
    table: pa.Table, assignment: Sequence[str], arms: Sequence[str], skip: set[str]
) -> list[BalanceRow]:
    import pyarrow as pa
    import pyarrow.compute as pc

    codes = np.array([arms.index(a) for a in assignment])
    rows = []
    for field in table.schema:
        if field.name in skip:
            continue
        if not (
            pa.types.is_integer(field.type)
            or pa.types.is_floating(field.type)
            or pa.types.is_decimal(field.type)
        ):
            continue
        values = pc.cast(table.column(field.name), pa.float64()).to_numpy(zero_copy_only=False)
        values = np.where(np.isnan(values.astype(float)), np.nan, values).astype(float)
        means: dict[str, float | None] = {}
        variances: dict[str, float | None] = {}
        for k, a in enumerate(arms):
            x = values[codes == k]
            x = x[~np.isnan(x)]
            means[a] = float(x.mean()) if x.size else None
            variances[a] = float(x.var(ddof=1)) if x.size > 1 else None
        diffs: dict[str, float | None] = {}
        base_mean, base_var = means[arms[0]], variances[arms[0]]
        for a in arms[1:]:
            m, v = means[a], variances[a]
            if m is None or base_mean is None or v is None or base_var is None:
                diffs[a] = None
                continue
            pooled = math.sqrt((v + base_var) / 2.0)
            diffs[a] = (m - base_mean) / pooled if pooled > 0 else None
        rows.append(BalanceRow(field.name, means, diffs))
    return rows


def _write(table: pa.Table, path: Path) -> str:
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            pacsv.write_csv(table, str(path))
        elif suffix in {".parquet", ".pq"}:
            pq.write_table(table, str(path))
        else:
            raise StatsError(f"--out must end in .csv or .parquet, got '{path.name}'")
    except OSError as error:
        raise StatsError(f"cannot write '{path}': {error}") from error
    return str(path)
