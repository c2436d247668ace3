"""Power, sample size and MDE agree with ``statsmodels.stats.power``."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.power import NormalIndPower, TTestIndPower
from statsmodels.stats.proportion import proportion_effectsize

from carrefour.stats import StatsError, power

RTOL = 1e-8
ratios = st.sampled_from([0.5, 1.0, 1.5, 2.0, 3.0])
alphas = st.sampled_from([0.01, 0.05, 0.1])


@settings(max_examples=40, deadline=None)
@given(
    baseline=st.floats(0.05, 0.9),
    mde=st.floats(0.02, 0.08),
    n=st.integers(20, 5000),
    ratio=ratios,
    alpha=alphas,
)
def test_binary_power_given_n(
    baseline: float, mde: float, n: int, ratio: float, alpha: float
) -> None:
    result = power(outcome="binary", baseline=baseline, mde=mde, n=n, ratio=ratio, alpha=alpha)
    h = proportion_effectsize(baseline + mde, baseline)
    np.testing.assert_allclose(result.effect_size, abs(h), rtol=RTOL)
    expected = NormalIndPower().power(effect_size=h, nobs1=n, alpha=alpha, ratio=ratio)
    np.testing.assert_allclose(result.power, expected, rtol=RTOL)


@settings(max_examples=40, deadline=None)
@given(
    d=st.floats(0.05, 1.5),
    sd=st.floats(0.5, 20),
    n=st.integers(5, 3000),
    ratio=ratios,
    alpha=alphas,
)
def test_continuous_power_given_n(d: float, sd: float, n: int, ratio: float, alpha: float) -> None:
    result = power(
        outcome="continuous", baseline=3.0, sd=sd, mde=d * sd, n=n, ratio=ratio, alpha=alpha
    )
    expected = TTestIndPower().power(effect_size=d, nobs1=n, alpha=alpha, ratio=ratio)
    np.testing.assert_allclose(result.power, expected, rtol=RTOL)


@settings(max_examples=30, deadline=None)
@given(d=st.floats(0.05, 1.2), ratio=ratios, alpha=alphas, target=st.sampled_from([0.7, 0.8, 0.9]))
def test_sample_size_solves_the_statsmodels_power_equation(
    d: float, ratio: float, alpha: float, target: float
) -> None:
    """The solved n has exactly the target power under statsmodels' own power function.

    statsmodels' ``solve_power`` stops at an absolute tolerance of 1e-5 in n, so against
    it we compare to 1e-6; the power equation itself is checked to 1e-10.
    """
    result = power(
        outcome="continuous", baseline=0.0, mde=d, sd=1.0, power=target, ratio=ratio, alpha=alpha
    )
    achieved = TTestIndPower().power(
        effect_size=d, nobs1=result.nobs_control, alpha=alpha, ratio=ratio
    )
    assert abs(achieved - target) < 1e-10
    solved = TTestIndPower().solve_power(effect_size=d, alpha=alpha, power=target, ratio=ratio)
    np.testing.assert_allclose(result.nobs_control, solved, rtol=1e-6)
    assert result.n_control == math.ceil(solved)
    assert result.n_treatment == math.ceil(result.n_control * ratio)


def test_binary_sample_size_and_cluster_design_effect() -> None:
    result = power(outcome="binary", baseline=0.34, mde=0.05, icc=0.02, cluster_size=30, arms=3)
    h = proportion_effectsize(0.39, 0.34)
    solved = NormalIndPower().solve_power(effect_size=h, alpha=0.05, power=0.8, ratio=1.0)
    achieved = NormalIndPower().power(effect_size=h, nobs1=result.nobs_control, alpha=0.05)
    assert abs(achieved - 0.8) < 1e-10
    np.testing.assert_allclose(result.nobs_control, solved, rtol=1e-6)
    deff = 1 + 29 * 0.02
    assert result.design_effect == pytest.approx(deff, rel=1e-12)
    assert result.n_control == math.ceil(result.nobs_control * deff)
    assert result.n_total == 3 * result.n_control
    assert result.clusters_control == math.ceil(result.n_control / 30)


def test_power_with_clusters_uses_effective_n() -> None:
    result = power(
        outcome="continuous", baseline=0, sd=2.0, mde=0.5, n=400, icc=0.05, cluster_size=20
    )
    expected = TTestIndPower().power(
        effect_size=0.25, nobs1=400 / (1 + 19 * 0.05), alpha=0.05, ratio=1.0
    )
    np.testing.assert_allclose(result.power, expected, rtol=RTOL)


@pytest.mark.parametrize("outcome", ["binary", "continuous"])
def test_mde_given_n_has_target_power(outcome: str) -> None:
    result = power(outcome=outcome, baseline=0.34, sd=1.0, n=800, ratio=1.5, power=0.9)
    assert result.solve_for == "mde"
    if outcome == "binary":
        h = proportion_effectsize(0.34 + result.mde, 0.34)
        achieved = NormalIndPower().power(effect_size=h, nobs1=800, alpha=0.05, ratio=1.5)
        solved = NormalIndPower().solve_power(nobs1=800, alpha=0.05, power=0.9, ratio=1.5)
    else:
        achieved = TTestIndPower().power(effect_size=result.mde, nobs1=800, alpha=0.05, ratio=1.5)
        solved = TTestIndPower().solve_power(nobs1=800, alpha=0.05, power=0.9, ratio=1.5)
    assert abs(achieved - 0.9) < 1e-10
    np.testing.assert_allclose(result.effect_size, solved, rtol=1e-5)  # statsmodels stops early


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"outcome": "binary", "baseline": 1.2, "mde": 0.1}, "baseline"),
        ({"outcome": "binary", "baseline": 0.95, "mde": 0.1}, "between 0 and 1"),
        ({"outcome": "continuous", "baseline": 0, "mde": 0.1, "sd": 0}, "--sd"),
        ({"outcome": "continuous", "baseline": 0}, "--mde"),
        (
            {"outcome": "continuous", "baseline": 0, "mde": 1, "icc": 0.1},
            "--icc and --cluster-size",
        ),
        ({"outcome": "continuous", "baseline": 0, "mde": 1, "alpha": 1.5}, "--alpha"),
    ],
)
def test_bad_design_inputs(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(StatsError, match=message):
        power(**kwargs)  # type: ignore[arg-type]
