"""Sample size, power and minimum detectable effect for a two-arm comparison.

Continuous outcomes use the two-sample t test (statsmodels ``TTestIndPower``: noncentral t
with n₁ + n₂ − 2 degrees of freedom), since the analysis uses t as well. Binary outcomes
use the normal test on Cohen's arcsine effect size h = 2·asin√p₂ − 2·asin√p₁
(statsmodels ``NormalIndPower`` with ``proportion_effectsize``), whose variance does not
depend on the unknown proportion. Both are two-sided. With more than two arms every
treatment arm is compared with the control at the given alpha (pass a Bonferroni alpha
to protect the family). Cluster designs multiply the sample size by the design effect
1 + (m − 1)·ICC (Donner & Klar 2000).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from scipy import special

from . import dist
from .errors import StatsError


@dataclass(frozen=True)
class PowerResult:
    """A solved design: the sample sizes, the power and the detectable effect."""

    outcome: str
    solve_for: str
    alpha: float
    power: float
    mde: float
    effect_size: float
    baseline: float
    sd: float | None
    ratio: float
    arms: int
    design_effect: float
    nobs_control: float
    n_control: int
    n_treatment: int
    n_total: int
    cluster_size: int | None
    icc: float | None
    clusters_control: int | None
    clusters_treatment: int | None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form (``carrefour power --json``)."""
        return dict(self.__dict__)


def _t_power(d: float, nobs1: float, alpha: float, ratio: float) -> float:
    nobs2 = nobs1 * ratio
    df = nobs1 + nobs2 - 2.0
    nc = d * math.sqrt(1.0 / (1.0 / nobs1 + 1.0 / nobs2))
    upper = dist.t_isf(alpha / 2.0, df)
    lower = dist.t_ppf(alpha / 2.0, df)
    return float(1.0 - special.nctdtr(df, nc, upper) + special.nctdtr(df, nc, lower))


def _normal_power(d: float, nobs1: float, alpha: float, ratio: float) -> float:
    nobs = 1.0 / (1.0 / nobs1 + 1.0 / (nobs1 * ratio))
    crit = dist.norm_isf(alpha / 2.0)
    shift = d * math.sqrt(nobs)
    return dist.norm_sf(crit - shift) + dist.norm_cdf(-crit - shift)


def power_of(outcome: str, effect_size: float, nobs1: float, alpha: float, ratio: float) -> float:
    """Return the power of the two-sided test for a standardized effect and control size."""
    if outcome == "continuous":
        return _t_power(effect_size, nobs1, alpha, ratio)
    return _normal_power(effect_size, nobs1, alpha, ratio)


def _brentq(function: Any, low: float, high: float, **options: Any) -> float:
    from scipy import optimize  # imported on use: it is slow to import

    return float(optimize.brentq(function, low, high, maxiter=500, **options))


def _solve(function: Any, low: float, high: float) -> float:
    # Expand the bracket by doubling so the solver never evaluates far from the root,
    # where the noncentral t distribution function loses accuracy.
    while function(high) < 0:
        low, high = high, high * 2.0
        if high > 1e12:
            raise StatsError("no sample size reaches that power; the effect is too small", "design")
    return _brentq(function, low, high, xtol=1e-14, rtol=1e-15)


def effect_size_of(outcome: str, baseline: float, mde: float, sd: float) -> float:
    """Return Cohen's d (continuous: mde/sd) or h (binary: arcsine difference)."""
    if outcome == "continuous":
        return mde / sd
    return 2.0 * math.asin(math.sqrt(baseline + mde)) - 2.0 * math.asin(math.sqrt(baseline))


def power(
    *,
    outcome: str,
    baseline: float,
    mde: float | None = None,
    sd: float = 1.0,
    alpha: float = 0.05,
    power: float = 0.8,
    ratio: float = 1.0,
    arms: int = 2,
    icc: float | None = None,
    cluster_size: int | None = None,
    n: int | None = None,
) -> PowerResult:
    """Solve a design: sample size per arm, or (given ``n``) the power or the MDE.

    ``outcome`` is ``binary`` (``baseline`` is the control proportion) or ``continuous``
    (``baseline`` the control mean, ``sd`` the outcome's standard deviation). ``ratio`` is
    the size of each treatment arm relative to the control arm; ``n`` the control arm's
    size. Without ``n``: the sample size for ``mde`` at ``power``. With ``n`` and ``mde``:
    the power. With ``n`` only: the smallest effect detectable at ``power``.
    """
    _validate(outcome, baseline, mde, sd, alpha, power, ratio, arms, icc, cluster_size, n)
    deff = 1.0 + (cluster_size - 1) * icc if (icc is not None and cluster_size is not None) else 1.0
    solve_for = "n" if n is None else ("power" if mde is not None else "mde")
    if solve_for == "mde":
        assert n is not None
        nobs1 = n / deff
        target = power

        def gap_effect(d: float) -> float:
            return power_of(outcome, d, nobs1, alpha, ratio) - target

        ceiling = _max_effect(outcome, baseline, sd)
        low, high = 1e-12, min(0.05, ceiling)
        while gap_effect(high) < 0:
            if high >= ceiling:
                raise StatsError(
                    "no effect within the outcome's range reaches that power with that n",
                    "design",
                )
            low, high = high, min(2.0 * high, ceiling)
        d = float(_brentq(gap_effect, low, high, xtol=1e-15, rtol=1e-15))
        if outcome == "continuous":
            mde = d * sd
        else:
            mde = math.sin(math.asin(math.sqrt(baseline)) + d / 2.0) ** 2 - baseline
        effect = d
        achieved = power
    else:
        assert mde is not None
        effect = abs(effect_size_of(outcome, baseline, mde, sd))
        if solve_for == "power":
            assert n is not None
            nobs1 = n / deff
            achieved = power_of(outcome, effect, nobs1, alpha, ratio)
        else:
            target = power

            def gap_n(x: float) -> float:
                return power_of(outcome, effect, x, alpha, ratio) - target

            low = 2.0 / min(1.0, ratio) + 1e-9 if outcome == "continuous" else 1e-6
            nobs1 = _solve(gap_n, low, max(4.0, 2.0 * low))
            achieved = power
    n_control = n if n is not None else math.ceil(nobs1 * deff - 1e-9)
    n_treatment = math.ceil(n_control * ratio - 1e-9)
    clusters_control = clusters_treatment = None
    if cluster_size is not None and icc is not None:
        clusters_control = math.ceil(n_control / cluster_size - 1e-9)
        clusters_treatment = math.ceil(n_treatment / cluster_size - 1e-9)
    return PowerResult(
        outcome=outcome,
        solve_for=solve_for,
        alpha=alpha,
        power=achieved,
        mde=mde,
        effect_size=effect,
        baseline=baseline,
        sd=sd if outcome == "continuous" else None,
        ratio=ratio,
        arms=arms,
        design_effect=deff,
        nobs_control=nobs1,
        n_control=n_control,
        n_treatment=n_treatment,
        n_total=n_control + (arms - 1) * n_treatment,
        cluster_size=cluster_size,
        icc=icc,
        clusters_control=clusters_control,
        clusters_treatment=clusters_treatment,
    )


def _max_effect(outcome: str, baseline: float, sd: float) -> float:
    if outcome == "continuous":
        return 1e3
    return math.pi - 2.0 * math.asin(math.sqrt(baseline)) - 1e-12


def _validate(
    outcome: str,
    baseline: float,
    mde: float | None,
    sd: float,
    alpha: float,
    power: float,
    ratio: float,
    arms: int,
    icc: float | None,
    cluster_size: int | None,
    n: int | None,
) -> None:
    if outcome not in {"binary", "continuous"}:
        raise StatsError(f"--outcome must be binary or continuous, not '{outcome}'", "design")
    if not 0 < alpha < 1:
        raise StatsError(f"--alpha must be between 0 and 1, got {alpha}", "design")
    if not 0 < power < 1:
        raise StatsError(f"--power must be between 0 and 1, got {power}", "design")
    if not (math.isfinite(ratio) and ratio > 0):
        raise StatsError(f"--ratio must be positive, got {ratio}", "design")
    if arms < 2:
        raise StatsError(f"--arms must be at least 2, got {arms}", "design")
    if (icc is None) != (cluster_size is None):
        raise StatsError("--icc and --cluster-size go together", "design")
    if icc is not None and not 0 <= icc <= 1:
        raise StatsError(f"--icc must be between 0 and 1, got {icc}", "design")
    if cluster_size is not None and cluster_size < 1:
        raise StatsError(f"--cluster-size must be at least 1, got {cluster_size}", "design")
    if n is None and mde is None:
        raise StatsError(
            "give --mde (to solve for the sample size) or --n (to solve for the MDE)", "design"
        )
    if n is not None and n < 2:
        raise StatsError(f"--n must be at least 2, got {n}", "design")
    if mde is not None and (not math.isfinite(mde) or mde == 0):
        raise StatsError("--mde must be a non-zero number", "design")
    if outcome == "binary":
        if not 0 < baseline < 1:
            raise StatsError(
                f"--baseline must be a proportion strictly between 0 and 1, got {baseline}",
                "proportion",
            )
        if mde is not None and not 0 < baseline + mde < 1:
            raise StatsError(
                f"--baseline + --mde must stay between 0 and 1, got {baseline + mde}", "proportion"
            )
    elif not (math.isfinite(sd) and sd > 0):
        raise StatsError(f"--sd must be positive, got {sd}", "design")
