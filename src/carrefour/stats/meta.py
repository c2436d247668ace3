"""Meta-analysis of experiments that share an intervention type and an outcome."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import dist
from .errors import StatsError


@dataclass(frozen=True)
class Pooled:
    """A pooled effect: estimate, standard error, normal interval and two-sided p-value."""

    estimate: float
    std_error: float
    ci_low: float
    ci_high: float
    p_value: float

    def to_dict(self) -> dict[str, float]:
        """Return the JSON form."""
        return {
            "estimate": self.estimate,
            "std_error": self.std_error,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "p_value": self.p_value,
        }


@dataclass(frozen=True)
class MetaResult:
    """Fixed-effect and DerSimonian–Laird random-effects pooling, with heterogeneity."""

    k: int
    fixed: Pooled
    random: Pooled
    tau2: float
    i2: float
    q: float
    q_df: int
    q_p_value: float
    weights_fixed: tuple[float, ...]
    weights_random: tuple[float, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form (weights are relative, summing to 1, for a forest plot)."""
        return {
            "k": self.k,
            "fixed": self.fixed.to_dict(),
            "random": self.random.to_dict(),
            "tau2": self.tau2,
            "i2": self.i2,
            "q": self.q,
            "q_df": self.q_df,
            "q_p_value": self.q_p_value,
            "weights_fixed": list(self.weights_fixed),
            "weights_random": list(self.weights_random),
        }


def _pooled(estimate: float, se: float, alpha: float) -> Pooled:
    crit = dist.norm_isf(alpha / 2)
    p = 2 * dist.norm_sf(abs(estimate / se))
    return Pooled(estimate, se, estimate - crit * se, estimate + crit * se, p)


def meta_analysis(
    estimates: Sequence[float], std_errors: Sequence[float], *, alpha: float = 0.05
) -> MetaResult:
    """Pool (estimate, standard error) pairs with inverse-variance weights.

    Fixed effect: weights 1/se². Random effects: DerSimonian & Laird (1986) moment
    estimator τ² = (Q − (k − 1)) / (Σw − Σw²/Σw), truncated at 0, weights 1/(se² + τ²).
    I² = (Q − (k − 1))/Q, truncated at 0 (Higgins & Thompson 2002). Intervals are normal.
    When Q > k − 1 every number equals statsmodels ``combine_effects(..., method_re="dl")``;
    statsmodels does not truncate, so when Q ≤ k − 1 it reports a negative τ² where this
    function reports 0 (and the random-effects result equals the fixed-effect one).
    """
    y = np.asarray(estimates, dtype=float)
    se = np.asarray(std_errors, dtype=float)
    if y.shape != se.shape or y.ndim != 1:
        raise StatsError("estimates and standard errors must be two lists of the same length")
    k = y.size
    if k < 2:
        raise StatsError(f"a meta-analysis needs at least 2 estimates, got {k}")
    if not (np.all(np.isfinite(y)) and np.all(np.isfinite(se))):
        raise StatsError("estimates and standard errors must be finite numbers")
    if np.any(se <= 0):
        raise StatsError("every standard error must be positive")
    if not 0 < alpha < 1:
        raise StatsError(f"alpha must be between 0 and 1, got {alpha}")
    variance = se**2
    w = 1.0 / variance
    w_total = w.sum()
    fixed = float((w * y).sum() / w_total)
    q = float((w * (y - fixed) ** 2).sum())
    df = k - 1
    c = w_total - (w**2).sum() / w_total
    tau2 = max(0.0, (q - df) / c)
    w_re = 1.0 / (variance + tau2)
    random = float((w_re * y).sum() / w_re.sum())
    i2 = max(0.0, (q - df) / q) if q > 0 else 0.0
    return MetaResult(
        k=k,
        fixed=_pooled(fixed, float(np.sqrt(1.0 / w_total)), alpha),
        random=_pooled(random, float(np.sqrt(1.0 / w_re.sum())), alpha),
        tau2=tau2,
        i2=i2,
        q=q,
        q_df=df,
        q_p_value=dist.chi2_sf(q, df),
        weights_fixed=tuple(float(v) for v in w / w_total),
        weights_random=tuple(float(v) for v in w_re / w_re.sum()),
    )
