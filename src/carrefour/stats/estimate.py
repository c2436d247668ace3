"""Treatment effects from per-cell aggregates: OLS, HC2 and cluster-robust (CR1) errors.

Every row ``i`` of the regression belongs to a *cell* ``g`` (arm × stratum × subgroup) and
its regressors are affine in its covariates: ``x_i = m_g + P_g d_i`` where ``d_i`` are the
covariates centred at the cell means. So ``X'X`` and ``X'y`` follow exactly from each
cell's count, means and centred cross-products (first SQL pass), and the sandwich "meat"
from per-cell sums of ``e_i²/(1 − h_ii)`` against ``1, d, d d'`` (second SQL pass, HC2) or
per-cluster sums of ``e_i`` and ``e_i d_i`` (CR1). Only p × p algebra happens in Python.

Models (Lin 2013; Imbens & Rubin 2015, ch. 7 and 9):

* difference in means: ``y ~ 1 + arm dummies``;
* Lin: ``y ~ 1 + arm dummies + z̃ + arm dummies × z̃`` with ``z̃`` the covariates centred
  at their sample means;
* strata: additive stratum fixed effects, coded as *centred* stratum indicators so that the
  intercept stays the (adjusted) control mean used for relative effects.

Standard errors are HC2 (MacKinnon & White 1985) with t on n − k degrees of freedom, or
CR1 (Liang–Zeger with the small-sample factor G/(G−1)·(n−1)/(n−k)) on G − 1, as in
statsmodels ``OLS.fit(cov_type="HC2"|"cluster", use_t=True)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from . import dist
from .errors import StatsError
from .sql import CellCoefficients

Array = NDArray[np.float64]

# A cell with h_ii this close to 1 makes HC2 undefined (a unit alone in its arm/stratum).
LEVERAGE_LIMIT = 1.0 - 1e-10


@dataclass
class Cell:
    """Aggregates of the complete rows of one arm × stratum × subgroup combination."""

    raw: tuple[Any, ...]
    arm: str
    stratum: tuple[str, ...]
    subgroup: str | None
    n: int
    mean: Array
    m2: Array  # sum over rows of (v − mean)(v − mean)ᵀ, v = (covariates, outcomes)


def merge_cells(cells: Sequence[Cell], raw: tuple[Any, ...], subgroup: str | None) -> Cell:
    """Pool cells with the parallel formula of Chan, Golub & LeVeque (1979)."""
    n = sum(c.n for c in cells)
    mean = sum((c.n * c.mean for c in cells), start=np.zeros_like(cells[0].mean)) / n
    m2 = np.zeros_like(cells[0].m2)
    for c in cells:
        delta = c.mean - mean
        m2 += c.m2 + c.n * np.outer(delta, delta)
    first = cells[0]
    return Cell(raw, first.arm, first.stratum, subgroup, n, mean, m2)


@dataclass
class Design:
    """The regressors of one model, cell by cell: ``x = m_g + P_g d``."""

    names: list[str]
    cells: list[Cell]
    m: list[Array]
    P: list[Array]
    arm_columns: dict[str, int]

    @property
    def p(self) -> int:
        return len(self.names)

    @property
    def n(self) -> int:
        return sum(c.n for c in self.cells)


def build_design(cells: Sequence[Cell], arms: Sequence[str], covariates: Sequence[str]) -> Design:
    """Build the regressors for ``cells``: arm dummies, centred strata, Lin covariates."""
    n_z = len(covariates)
    total = sum(c.n for c in cells)
    zbar = sum((c.n * c.mean[:n_z] for c in cells), start=np.zeros(n_z)) / total
    strata = sorted({c.stratum for c in cells})
    share = {s: sum(c.n for c in cells if c.stratum == s) / total for s in strata}
    names = ["(intercept)"] + [f"arm[{a}]" for a in arms[1:]]
    names += [f"stratum[{'/'.join(s)}]" for s in strata[1:]]
    names += list(covariates)
    names += [f"arm[{a}]:{z}" for a in arms[1:] for z in covariates]
    p = len(names)
    arm_index = {a: i for i, a in enumerate(arms)}
    s_off = len(arms)
    z_off = s_off + len(strata) - 1
    i_off = z_off + n_z
    ms: list[Array] = []
    Ps: list[Array] = []
    for c in cells:
        a = arm_index[c.arm]
        m = np.zeros(p)
        P = np.zeros((p, n_z))
        m[0] = 1.0
        if a > 0:
            m[a] = 1.0
        for t, s in enumerate(strata[1:]):
            m[s_off + t] = (1.0 if c.stratum == s else 0.0) - share[s]
        centred = c.mean[:n_z] - zbar
        m[z_off : z_off + n_z] = centred
        P[z_off : z_off + n_z, :] = np.eye(n_z)
        if a > 0:
            start = i_off + (a - 1) * n_z
            m[start : start + n_z] = centred
            P[start : start + n_z, :] = np.eye(n_z)
        ms.append(m)
        Ps.append(P)
    return Design(names, list(cells), ms, Ps, {a: arm_index[a] for a in arms[1:]})


@dataclass
class Fit:
    """OLS coefficients of every outcome on one design, and their covariance."""

    design: Design
    beta: Array  # p × O
    inverse: Array  # (X'X)⁻¹
    r: list[Array] = field(default_factory=list)  # per cell: mean residual, per outcome
    b: list[Array] = field(default_factory=list)  # per cell: O × C slopes on d
    cov: list[Array] = field(default_factory=list)  # per outcome: p × p
    df: int = 0
    meat: list[Array] = field(default_factory=list)  # per outcome, before bread/scaling
    n_clusters: int = 0


def fit_ols(design: Design, n_z: int, what: str) -> Fit:
    """Solve the normal equations for every outcome at once, failing on collinearity."""
    p = design.p
    xtx = np.zeros((p, p))
    n_y = design.cells[0].mean.shape[0] - n_z
    xty = np.zeros((p, n_y))
    for c, m, P in zip(design.cells, design.m, design.P, strict=True):
        xtx += c.n * np.outer(m, m) + P @ c.m2[:n_z, :n_z] @ P.T
        xty += c.n * np.outer(m, c.mean[n_z:]) + P @ c.m2[:n_z, n_z:]
    scale = np.sqrt(np.diag(xtx))
    if np.any(scale == 0):
        column = design.names[int(np.argmin(scale))]
        raise StatsError(f"{what}: regressor '{column}' is zero for every row", "singular")
    normalized = xtx / np.outer(scale, scale)
    eigenvalues = np.linalg.eigvalsh(normalized)
    if eigenvalues[0] < 1e-11 * eigenvalues[-1]:
        raise StatsError(
            f"{what}: the covariates are collinear with each other or with the arm or"
            " strata indicators; remove the redundant covariate",
            "singular",
        )
    inverse = np.linalg.inv(xtx)
    inverse = (inverse + inverse.T) / 2
    beta: Array = np.asarray(np.linalg.solve(xtx, xty), dtype=np.float64)
    fit = Fit(design, beta, inverse)
    for c, m, P in zip(design.cells, design.m, design.P, strict=True):
        fit.r.append(c.mean[n_z:] - m @ beta)
        fit.b.append((P.T @ beta).T)
    fit.df = design.n - p
    if fit.df < 1:
        raise StatsError(f"{what}: {design.n} rows are too few for {p} parameters", "singular")
    return fit


def hc2_without_covariates(fit: Fit, n_z: int, what: str) -> None:
    """HC2 when regressors are constant within cells: h_ii = m_gᵀ(X'X)⁻¹m_g, exactly."""
    design = fit.design
    n_y = fit.beta.shape[1]
    fit.meat = [np.zeros((design.p, design.p)) for _ in range(n_y)]
    for c, m, r in zip(design.cells, design.m, fit.r, strict=True):
        h = float(m @ fit.inverse @ m)
        if h > LEVERAGE_LIMIT:
            raise StatsError(
                f"{what}: the observation of {_cell_name(c)} is alone in its cell (leverage 1), so HC2 is undefined; merge small strata",
                "singular",
            )
        for o in range(n_y):
            ssr = c.m2[n_z + o, n_z + o] + c.n * r[o] ** 2
            fit.meat[o] += ssr / (1.0 - h) * np.outer(m, m)
    _sandwich(fit, 1.0)


def coefficients(fit: Fit, n_z: int) -> list[CellCoefficients]:
    """The per-cell numbers the second pass needs (residual and leverage polynomials)."""
    rows = []
    A = fit.inverse
    for c, m, P, r, b in zip(
        fit.design.cells, fit.design.m, fit.design.P, fit.r, fit.b, strict=True
    ):
        h2 = P.T @ A @ P
        rows.append(
            CellCoefficients(
                keys=c.raw,
                zbar=tuple(float(v) for v in c.mean[:n_z]),
                ybar=tuple(float(v) for v in c.mean[n_z:]),
                r=tuple(float(v) for v in r),
                b=tuple(tuple(float(v) for v in row) for row in b),
                h0=float(m @ A @ m),
                h1=tuple(float(v) for v in 2.0 * (P.T @ A @ m)),
                h2=tuple(
                    tuple(float(h2[j, k] if j == k else 2.0 * h2[j, k]) for k in range(n_z))
                    for j in range(n_z)
                ),
            )
        )
    return rows


def hc2_from_sums(fit: Fit, n_z: int, sums: dict[tuple[Any, ...], list[float]], what: str) -> None:
    """HC2 from the second pass: per cell, per outcome Σw, Σw·d, Σw·d·dᵀ (w = e²/(1−h))."""
    design = fit.design
    n_y = fit.beta.shape[1]
    per_outcome = 1 + n_z + n_z * (n_z + 1) // 2
    fit.meat = [np.zeros((design.p, design.p)) for _ in range(n_y)]
    for c, m, P in zip(design.cells, design.m, design.P, strict=True):
        values = sums[c.raw]
        if values[-1] is None or not np.isfinite(values[-1]) or values[-1] > LEVERAGE_LIMIT:
            raise StatsError(
                f"{what}: an observation in {_cell_name(c)} has leverage 1, so HC2 is undefined",
                "singular",
            )
        for o in range(n_y):
            chunk = values[o * per_outcome : (o + 1) * per_outcome]
            sw = chunk[0]
            swd = np.asarray(chunk[1 : 1 + n_z], dtype=float)
            swdd = np.zeros((n_z, n_z))
            pos = 1 + n_z
            for j in range(n_z):
                for k in range(j, n_z):
                    swdd[j, k] = swdd[k, j] = chunk[pos]
                    pos += 1
            v = P @ swd
            fit.meat[o] += sw * np.outer(m, m) + np.outer(m, v) + np.outer(v, m) + P @ swdd @ P.T
    _sandwich(fit, 1.0)


def cluster_scores(
    fit: Fit, n_z: int, sums: dict[tuple[Any, ...], list[tuple[Any, list[float]]]]
) -> dict[Any, list[Array]]:
    """Per cluster and outcome, the score Σ x_i e_i from per (cluster, cell) sums."""
    design = fit.design
    n_y = fit.beta.shape[1]
    scores: dict[Any, list[Array]] = {}
    for c, m, P in zip(design.cells, design.m, design.P, strict=True):
        for cluster, values in sums.get(c.raw, []):
            acc = scores.setdefault(cluster, [np.zeros(design.p) for _ in range(n_y)])
            for o in range(n_y):
                chunk = values[o * (1 + n_z) : (o + 1) * (1 + n_z)]
                acc[o] += m * chunk[0] + P @ np.asarray(chunk[1:], dtype=float)
    return scores


def cr1(fit: Fit, scores: dict[Any, list[Array]], what: str) -> None:
    """CR1 = G/(G−1)·(n−1)/(n−k)·A (Σ_c s_c s_cᵀ) A, with G − 1 degrees of freedom."""
    design = fit.design
    n_y = fit.beta.shape[1]
    g = len(scores)
    if g < 2:
        raise StatsError(
            f"{what}: cluster-robust errors need at least 2 clusters, found {g}",
            "too_few_clusters",
            clusters=g,
        )
    fit.meat = [np.zeros((design.p, design.p)) for _ in range(n_y)]
    for values in scores.values():
        for o in range(n_y):
            fit.meat[o] += np.outer(values[o], values[o])
    n, k = design.n, design.p
    _sandwich(fit, g / (g - 1.0) * (n - 1.0) / (n - k))
    fit.df = g - 1
    fit.n_clusters = g


def _sandwich(fit: Fit, factor: float) -> None:
    A = fit.inverse
    fit.cov = [factor * (A @ meat @ A) for meat in fit.meat]


def _cell_name(cell: Cell) -> str:
    parts = [f"arm '{cell.arm}'"]
    if cell.stratum:
        parts.append(f"stratum '{'/'.join(cell.stratum)}'")
    if cell.subgroup is not None:
        parts.append(f"subgroup '{cell.subgroup}'")
    return " in ".join(parts)


@dataclass(frozen=True)
class Effect:
    """One arm against the control, on one outcome."""

    arm: str
    estimate: float
    std_error: float
    df: int
    ci_low: float
    ci_high: float
    p_value: float
    p_value_adjusted: float | None
    relative_estimate: float | None
    relative_ci_low: float | None
    relative_ci_high: float | None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form (the CLI's ``effects`` items)."""
        return {
            "arm": self.arm,
            "estimate": self.estimate,
            "std_error": self.std_error,
            "df": self.df,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "p_value": self.p_value,
            "p_value_adjusted": self.p_value_adjusted,
            "relative_estimate": self.relative_estimate,
            "relative_ci_low": self.relative_ci_low,
            "relative_ci_high": self.relative_ci_high,
        }


def effects(fit: Fit, outcome: int, alpha: float) -> list[Effect]:
    """Effects of every arm on one outcome, absolute and relative (delta method)."""
    beta = fit.beta[:, outcome]
    cov = fit.cov[outcome]
    crit = dist.t_isf(alpha / 2.0, fit.df)
    result = []
    mu = float(beta[0])
    for arm, j in fit.design.arm_columns.items():
        est = float(beta[j])
        se = float(np.sqrt(cov[j, j]))
        t = est / se if se > 0 else np.inf * np.sign(est)
        p = 2.0 * dist.t_sf(abs(t), fit.df) if se > 0 else (0.0 if est != 0 else 1.0)
        rel = rel_low = rel_high = None
        if mu != 0.0:
            rel = est / mu
            grad = np.array([1.0 / mu, -est / mu**2])
            sub = np.array([[cov[j, j], cov[j, 0]], [cov[0, j], cov[0, 0]]])
            rel_se = float(np.sqrt(max(grad @ sub @ grad, 0.0)))
            rel_low, rel_high = rel - crit * rel_se, rel + crit * rel_se
        result.append(
            Effect(
                arm=arm,
                estimate=est,
                std_error=se,
                df=fit.df,
                ci_low=est - crit * se,
                ci_high=est + crit * se,
                p_value=p,
                p_value_adjusted=None,
                relative_estimate=rel,
                relative_ci_low=rel_low,
                relative_ci_high=rel_high,
            )
        )
    return result


def interaction_test(fits: Sequence[Fit], outcome: int, cov: Array, df: int) -> float | None:
    """F test that every arm's effect is the same in all subgroups (Wald, q restrictions).

    ``cov`` is the covariance of the stacked coefficients of the fully interacted model
    (block diagonal for HC2); this equals statsmodels ``wald_test(R, use_f=True)``.
    """
    offsets = np.cumsum([0] + [f.design.p for f in fits])
    beta = np.concatenate([f.beta[:, outcome] for f in fits])
    rows = []
    first = fits[0]
    for level in range(1, len(fits)):
        for arm, j in first.design.arm_columns.items():
            r = np.zeros(offsets[-1])
            r[offsets[level] + fits[level].design.arm_columns[arm]] = 1.0
            r[offsets[0] + j] = -1.0
            rows.append(r)
    if not rows:
        return None
    R = np.array(rows)
    diff = R @ beta
    middle = R @ cov @ R.T
    try:
        stat = float(diff @ np.linalg.solve(middle, diff)) / len(rows)
    except np.linalg.LinAlgError:
        return None
    return dist.f_sf(stat, len(rows), df)


def block_diagonal(blocks: Sequence[Array]) -> Array:
    """Stack square matrices on a diagonal."""
    size = sum(b.shape[0] for b in blocks)
    out = np.zeros((size, size))
    pos = 0
    for b in blocks:
        k = b.shape[0]
        out[pos : pos + k, pos : pos + k] = b
        pos += k
    return out


def combined_cluster_cov(
    fits: Sequence[Fit], scores: Sequence[dict[Any, list[Array]]], outcome: int
) -> tuple[Array, int]:
    """CR1 covariance of the fully interacted subgroup model (clusters may span subgroups)."""
    sizes = [f.design.p for f in fits]
    total = sum(sizes)
    clusters: set[Any] = set()
    for s in scores:
        clusters.update(s)
    meat = np.zeros((total, total))
    for cluster in clusters:
        vector = np.concatenate(
            [
                s[cluster][outcome] if cluster in s else np.zeros(k)
                for s, k in zip(scores, sizes, strict=True)
            ]
        )
        meat += np.outer(vector, vector)
    A = block_diagonal([f.inverse for f in fits])
    n = sum(f.design.n for f in fits)
    g = len(clusters)
    factor = g / (g - 1.0) * (n - 1.0) / (n - total)
    return factor * (A @ meat @ A), g - 1
