"""Analyse an experiment where its data lives: the ``analyze`` entry point."""

from __future__ import annotations

import math
import os
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from . import dist
from . import estimate as est
from .errors import StatsError
from .labels import label, normalize_user_label, sort_labels
from .multitest import METHODS, adjust_p_values
from .sources import NUMERIC_KINDS, Column, Source, check_columns, open_source
from .sql import merge_blocks, moments_sql, order_key, residuals_sql, transpile


@dataclass(frozen=True)
class SRM:
    """Sample-ratio mismatch: chi-square goodness of fit of arm counts to the allocation."""

    p_value: float
    observed: dict[str, int]
    expected: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return {"p_value": self.p_value, "observed": self.observed, "expected": self.expected}


@dataclass(frozen=True)
class SubgroupResult:
    """The effects within one level of the subgroup column."""

    subgroup: str
    n: dict[str, int]
    control_mean: float
    effects: list[est.Effect]

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return {
            "subgroup": self.subgroup,
            "n": self.n,
            "control_mean": self.control_mean,
            "effects": [e.to_dict() for e in self.effects],
        }


@dataclass(frozen=True)
class OutcomeResult:
    """Every arm's effect on one outcome, with subgroups when asked."""

    outcome: str
    estimator: str
    control_mean: float
    effects: list[est.Effect]
    subgroups: list[SubgroupResult]
    interaction_p_value: float | None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return {
            "outcome": self.outcome,
            "estimator": self.estimator,
            "control_mean": self.control_mean,
            "effects": [e.to_dict() for e in self.effects],
            "subgroups": [s.to_dict() for s in self.subgroups],
            "interaction_p_value": self.interaction_p_value,
        }


@dataclass(frozen=True)
class AnalysisResult:
    """The whole analysis; ``to_dict()`` is exactly the CLI's ``--json`` document.

    Attributes beyond the document (``arms``, ``control``, ``alpha``, ``adjust``,
    ``covariance``, ``clusters``) describe how it was computed.
    """

    n: dict[str, int]
    dropped: dict[str, int]
    srm: SRM
    results: list[OutcomeResult]
    arms: list[str]
    control: str
    alpha: float
    adjust: str
    covariance: str
    clusters: int | None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON document of ``carrefour analyze --json``."""
        return {
            "n": self.n,
            "dropped": self.dropped,
            "srm": self.srm.to_dict(),
            "results": [r.to_dict() for r in self.results],
        }


def _unique(names: Sequence[str | None]) -> list[str]:
    seen: list[str] = []
    for name in names:
        if name is not None and name not in seen:
            seen.append(name)
    return seen


def analyze(
    source: str | os.PathLike[str] | Source,
    *,
    treatment: str,
    outcomes: Sequence[str],
    control: str | None = None,
    covariates: Sequence[str] = (),
    strata: Sequence[str] = (),
    cluster: str | None = None,
    subgroup: str | None = None,
    allocation: Mapping[str, float] | None = None,
    adjust: str = "holm",
    alpha: float = 0.05,
) -> AnalysisResult:
    """Estimate every arm's effect on every outcome against the control arm.

    ``source`` is a CSV/Parquet path or an open :class:`Source` (DuckDB, PostgreSQL, Spark).
    Arm labels are compared as text (a float ``1.0`` is the label ``"1"``). Without
    ``covariates`` the estimator is the difference in means, with them Lin's (2013)
    fully interacted regression; ``strata`` adds stratum fixed effects; ``cluster`` gives
    CR1 errors on G − 1 df, else HC2 on n − k. ``allocation`` maps arm → share for the
    sample-ratio-mismatch test (equal shares by default). ``adjust`` is ``holm``, ``bh`` or
    ``none`` across all arm × outcome tests. Rows with a missing value in any column used
    are dropped and counted by their first missing column. Raises :class:`StatsError`.
    """
    if isinstance(source, Source):
        return _analyze(
            source,
            treatment,
            outcomes,
            control,
            covariates,
            strata,
            cluster,
            subgroup,
            allocation,
            adjust,
            alpha,
        )
    with open_source(source) as opened:
        return _analyze(
            opened,
            treatment,
            outcomes,
            control,
            covariates,
            strata,
            cluster,
            subgroup,
            allocation,
            adjust,
            alpha,
        )


def _check_options(
    treatment: str,
    outcomes: Sequence[str],
    covariates: Sequence[str],
    strata: Sequence[str],
    cluster: str | None,
    subgroup: str | None,
    adjust: str,
    alpha: float,
) -> None:
    if not outcomes:
        raise StatsError("give at least one --outcome")
    if adjust not in METHODS:
        raise StatsError(f"--adjust must be one of {', '.join(METHODS)}, not '{adjust}'")
    if not (0.0 < alpha < 1.0):
        raise StatsError(f"--alpha must be between 0 and 1, got {alpha}")
    if len(set(outcomes)) != len(outcomes):
        raise StatsError("an outcome is listed twice")
    if len(set(covariates)) != len(covariates):
        raise StatsError("a covariate is listed twice")
    for name in [*outcomes, *covariates, *strata, cluster, subgroup]:
        if name == treatment:
            raise StatsError(
                f"the treatment column '{treatment}' cannot also be an outcome, covariate, stratum, cluster or subgroup"
            )
    for name in covariates:
        if name in outcomes:
            raise StatsError(f"column '{name}' cannot be both an outcome and a covariate")


def _analyze(
    source: Source,
    treatment: str,
    outcomes: Sequence[str],
    control: str | None,
    covariates: Sequence[str],
    strata: Sequence[str],
    cluster: str | None,
    subgroup: str | None,
    allocation: Mapping[str, float] | None,
    adjust: str,
    alpha: float,
) -> AnalysisResult:
    outcomes, covariates, strata = list(outcomes), list(covariates), list(strata)
    _check_options(treatment, outcomes, covariates, strata, cluster, subgroup, adjust, alpha)
    columns = check_columns(
        source, _unique([treatment, *outcomes, *covariates, *strata, cluster, subgroup])
    )
    for role, names in (("outcome", outcomes), ("covariate", covariates)):
        for name in names:
            if columns[name].kind not in NUMERIC_KINDS:
                raise StatsError(
                    f"{role} '{name}' is not numeric (its type is {columns[name].type_name})",
                    "not_numeric",
                    column=name,
                )
    key_cols = [columns[treatment], *(columns[s] for s in strata)]
    if subgroup is not None:
        key_cols.append(columns[subgroup])
    reasons = [
        columns[c] for c in _unique([treatment, *outcomes, *covariates, *strata, cluster, subgroup])
    ]
    z_cols = [columns[c] for c in covariates]
    y_cols = [columns[c] for c in outcomes]
    n_z, n_y = len(z_cols), len(y_cols)
    block = source.deterministic()
    sql = moments_sql(
        source.relation, keys=key_cols, reasons=reasons, values=[*z_cols, *y_cols], block=block
    )
    rows = source.fetch(transpile(sql, source.dialect))
    if block is not None:
        rows = merge_blocks(rows, len(key_cols), n_z + n_y)

    cells, dropped, raw_arms, total = _read_moments(
        rows, len(key_cols), n_z + n_y, reasons, len(strata), subgroup is not None
    )
    if total == 0:
        raise StatsError("the data has no rows", "no_rows")
    if not cells:
        raise StatsError(
            f"no complete rows: every row has a missing value ({_dropped_text(dropped)})",
            "no_complete_rows",
            dropped=dict(dropped),
        )
    arm_labels = sort_labels(sorted(raw_arms))
    if len(arm_labels) < 2:
        raise StatsError(
            f"the treatment column '{treatment}' has only one arm ('{arm_labels[0]}'); at least two are needed",
            "one_arm",
            column=treatment,
            arm=arm_labels[0],
        )
    counts: dict[str, int] = defaultdict(int)
    for c in cells:
        counts[c.arm] += c.n
    for a in arm_labels:
        if counts.get(a, 0) == 0:
            raise StatsError(
                f"arm '{a}' has no complete rows (every row of it has a missing value)",
                "arm_without_rows",
                arm=a,
            )
    control_label = _control(control, arm_labels, treatment)
    arms = [control_label] + [a for a in arm_labels if a != control_label]
    for a in arms:
        if counts[a] < 2:
            raise StatsError(
                f"arm '{a}' has only {counts[a]} complete row; at least 2 are needed",
                "arm_too_small",
                arm=a,
            )
    n = {a: counts[a] for a in arms}
    srm = _srm(n, allocation)
    if n_z:
        _check_covariates(cells, covariates)

    complete = reasons
    main_keys = key_cols[: 1 + len(strata)]
    if subgroup is not None:
        groups: dict[tuple[Any, ...], list[est.Cell]] = defaultdict(list)
        for c in cells:
            groups[c.raw[: 1 + len(strata)]].append(c)
        main_cells = [est.merge_cells(g, raw, None) for raw, g in groups.items()]
    else:
        main_cells = cells
    what = "analysis"
    design = est.build_design(main_cells, arms, covariates)
    fit = est.fit_ols(design, n_z, what)
    cluster_col = columns[cluster] if cluster is not None else None
    _standard_errors(source, [fit], main_keys, complete, z_cols, y_cols, cluster_col, what)

    subgroup_fits: list[est.Fit] = []
    levels: list[str] = []
    combined: list[tuple[np.ndarray[Any, Any], int]] = []
    if subgroup is not None:
        by_level: dict[str, list[est.Cell]] = defaultdict(list)
        for c in cells:
            by_level[c.subgroup or ""].append(c)
        levels = sort_labels(list(by_level))
        for level in levels:
            where = f"subgroup {subgroup} = '{level}'"
            present: dict[str, int] = defaultdict(int)
            for c in by_level[level]:
                present[c.arm] += c.n
            for a in arms:
                if present.get(a, 0) < 2:
                    raise StatsError(
                        f"{where}: arm '{a}' has {present.get(a, 0)} complete rows; at least 2 are needed",
                        "arm_too_small",
                        arm=a,
                        subgroup=level,
                    )
            d = est.build_design(by_level[level], arms, covariates)
            subgroup_fits.append(est.fit_ols(d, n_z, where))
        scores = _standard_errors(
            source,
            subgroup_fits,
            key_cols,
            complete,
            z_cols,
            y_cols,
            cluster_col,
            f"subgroups of {subgroup}",
        )
        for o in range(n_y):
            if cluster_col is not None:
                combined.append(est.combined_cluster_cov(subgroup_fits, scores, o))
            else:
                df = sum(f.design.n for f in subgroup_fits) - sum(f.design.p for f in subgroup_fits)
                combined.append((est.block_diagonal([f.cov[o] for f in subgroup_fits]), df))

    results: list[OutcomeResult] = []
    for o, name in enumerate(outcomes):
        control_mean = _control_mean(main_cells, control_label, n_z + o)
        subs = []
        for level, f in zip(levels, subgroup_fits, strict=True):
            sub_n = {a: sum(c.n for c in f.design.cells if c.arm == a) for a in arms}
            subs.append(
                SubgroupResult(
                    level,
                    sub_n,
                    _control_mean(f.design.cells, control_label, n_z + o),
                    est.effects(f, o, alpha),
                )
            )
        interaction = None
        if subgroup_fits:
            cov, df = combined[o]
            interaction = est.interaction_test(subgroup_fits, o, cov, df)
        results.append(
            OutcomeResult(
                outcome=name,
                estimator="lin" if n_z else "difference_in_means",
                control_mean=control_mean,
                effects=est.effects(fit, o, alpha),
                subgroups=subs,
                interaction_p_value=interaction,
            )
        )
    adjusted = adjust_p_values([e.p_value for r in results for e in r.effects], adjust)
    position = 0
    final = []
    for r in results:
        new_effects = []
        for e in r.effects:
            new_effects.append(replace(e, p_value_adjusted=adjusted[position]))
            position += 1
        final.append(
            OutcomeResult(
                r.outcome,
                r.estimator,
                r.control_mean,
                new_effects,
                r.subgroups,
                r.interaction_p_value,
            )
        )
    return AnalysisResult(
        n=n,
        dropped=dropped,
        srm=srm,
        results=final,
        arms=arms,
        control=control_label,
        alpha=alpha,
        adjust=adjust,
        covariance="CR1" if cluster is not None else "HC2",
        clusters=fit.n_clusters if cluster is not None else None,
    )


def _read_moments(
    rows: Sequence[tuple[Any, ...]],
    n_keys: int,
    n_values: int,
    reasons: Sequence[Column],
    n_strata: int,
    has_subgroup: bool,
) -> tuple[list[est.Cell], dict[str, int], set[str], int]:
    cells: list[est.Cell] = []
    dropped: dict[str, int] = {}
    raw_arms: set[str] = set()
    total = 0
    # A GROUP BY returns its rows in any order; every later sum runs over them in key order.
    for row in sorted(rows, key=lambda r: order_key(r[: n_keys + 1])):
        keys = tuple(row[:n_keys])
        reason = int(row[n_keys])
        count = int(row[n_keys + 1])
        total += count
        if reason != 0:
            raw_arms.add(label(keys[0]))
        if reason >= 0:
            name = f"missing {reasons[reason].name}"
            dropped[name] = dropped.get(name, 0) + count
            continue
        means = np.array([_float(v) for v in row[n_keys + 2 : n_keys + 2 + n_values]])
        m2 = np.zeros((n_values, n_values))
        pos = n_keys + 2 + n_values
        for i in range(n_values):
            for j in range(i, n_values):
                m2[i, j] = m2[j, i] = _float(row[pos]) * count
                pos += 1
        cells.append(
            est.Cell(
                raw=keys,
                arm=label(keys[0]),
                stratum=tuple(label(k) for k in keys[1 : 1 + n_strata]),
                subgroup=label(keys[-1]) if has_subgroup else None,
                n=count,
                mean=means,
                m2=m2,
            )
        )
    order = {r.name: i for i, r in enumerate(reasons)}
    dropped = dict(sorted(dropped.items(), key=lambda kv: order[kv[0][len("missing ") :]]))
    return cells, dropped, raw_arms, total


def _float(value: Any) -> float:
    return float("nan") if value is None else float(value)


def _dropped_text(dropped: Mapping[str, int]) -> str:
    return ", ".join(f"{k}: {v}" for k, v in dropped.items())


def _control(control: str | None, arms: Sequence[str], treatment: str) -> str:
    if control is None:
        return "control" if "control" in arms else arms[0]
    for candidate in (control, normalize_user_label(control)):
        if candidate in arms:
            return candidate
    listed = ", ".join(f"'{a}'" for a in arms)
    raise StatsError(
        f"control value '{control}' is not an arm of '{treatment}' (arms: {listed})",
        "control_unknown",
        control=control,
    )


def _srm(n: Mapping[str, int], allocation: Mapping[str, float] | None) -> SRM:
    arms = list(n)
    if allocation is None:
        shares = {a: 1.0 / len(arms) for a in arms}
    else:
        given = {
            normalize_user_label(str(k)) if str(k) not in n else str(k): float(v)
            for k, v in allocation.items()
        }
        for a in given:
            if a not in n:
                raise StatsError(f"arm '{a}' in --allocation has no rows in the data", "allocation")
        for a in arms:
            if a not in given:
                raise StatsError(f"--allocation gives no share for arm '{a}'", "allocation")
        if any(not math.isfinite(v) or v <= 0 for v in given.values()):
            raise StatsError("--allocation shares must be positive numbers", "allocation")
        total_share = sum(given.values())
        shares = {a: given[a] / total_share for a in arms}
    total = sum(n.values())
    observed = [n[a] for a in arms]
    expected = [total * shares[a] for a in arms]
    statistic = sum((o - e) ** 2 / e for o, e in zip(observed, expected, strict=True))
    p = dist.chi2_sf(statistic, len(arms) - 1)  # scipy.stats.chisquare
    return SRM(p, dict(n), dict(zip(arms, expected, strict=True)))


def _check_covariates(cells: Sequence[est.Cell], covariates: Sequence[str]) -> None:
    n_z = len(covariates)
    pooled = est.merge_cells(cells, (), None)
    cov = pooled.m2[:n_z, :n_z] / pooled.n
    for j, name in enumerate(covariates):
        scale = max(1.0, pooled.mean[j] ** 2)
        if cov[j, j] <= 1e-14 * scale:
            raise StatsError(
                f"covariate '{name}' is constant, so it cannot adjust anything; remove it",
                "constant_covariate",
                column=name,
            )
    sd = np.sqrt(np.diag(cov))
    corr = cov / np.outer(sd, sd)
    for j in range(1, n_z):
        sub = corr[:j, :j]
        v = corr[:j, j]
        residual = 1.0 - float(v @ np.linalg.solve(sub, v))
        if residual < 1e-10:
            involved = [covariates[i] for i in range(j) if abs(corr[i, j]) > 1e-12] or list(
                covariates[:j]
            )
            others = ", ".join(f"'{x}'" for x in involved)
            raise StatsError(
                f"covariate '{covariates[j]}' is collinear with {others}; remove one of them",
                "collinear_covariate",
                column=covariates[j],
            )


def _control_mean(cells: Sequence[est.Cell], control: str, index: int) -> float:
    chosen = [c for c in cells if c.arm == control]
    n = sum(c.n for c in chosen)
    return float(sum(c.n * c.mean[index] for c in chosen) / n)


def _standard_errors(
    source: Source,
    fits: Sequence[est.Fit],
    keys: Sequence[Column],
    complete: Sequence[Column],
    z_cols: Sequence[Column],
    y_cols: Sequence[Column],
    cluster: Column | None,
    what: str,
) -> list[dict[Any, list[np.ndarray[Any, Any]]]]:
    """Fill each fit's covariance (HC2 or CR1); return per-fit cluster scores."""
    n_z = len(z_cols)
    if cluster is None and n_z == 0:
        for f in fits:
            est.hc2_without_covariates(f, n_z, what)
        return []
    coefficient_rows = [row for f in fits for row in est.coefficients(f, n_z)]
    sql = residuals_sql(
        source.relation,
        keys=keys,
        complete=complete,
        covariates=z_cols,
        outcomes=y_cols,
        cells=coefficient_rows,
        cluster=cluster,
        leverage=cluster is None,
        block=source.deterministic(),
    )
    rows = sorted(source.fetch(transpile(sql, source.dialect)), key=lambda r: order_key(r[:2]))
    keys_of = [row.keys for row in coefficient_rows]
    if cluster is None:
        sums = {keys_of[int(r[0])]: [_float(v) for v in r[1:]] for r in rows}
        for f in fits:
            _require_cells(f, sums, what)
            est.hc2_from_sums(f, n_z, sums, what)
        return []
    by_cell: dict[tuple[Any, ...], list[tuple[Any, list[float]]]] = defaultdict(list)
    for r in rows:
        by_cell[keys_of[int(r[0])]].append((r[1], [_float(v) for v in r[2:]]))
    all_scores = []
    for f in fits:
        scores = est.cluster_scores(f, n_z, by_cell)
        est.cr1(f, scores, what)
        all_scores.append(scores)
    return all_scores


def _require_cells(fit: est.Fit, sums: Mapping[tuple[Any, ...], Any], what: str) -> None:
    for c in fit.design.cells:
        if c.raw not in sums:
            raise StatsError(
                f"{what}: the second pass found no rows for arm '{c.arm}' (the data changed during the analysis?)"
            )
