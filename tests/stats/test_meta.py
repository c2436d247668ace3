"""Meta-analysis and multiple testing agree with statsmodels."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps
from statsmodels.stats.meta_analysis import combine_effects
from statsmodels.stats.multitest import multipletests

from carrefour.stats import StatsError, adjust_p_values, meta_analysis

RTOL = 1e-8


# statsmodels also computes the Hartung-Knapp variant, whose square root is NaN when the
# studies agree exactly; we compare only the DerSimonian-Laird figures.
@pytest.mark.filterwarnings("ignore:invalid value encountered in sqrt:RuntimeWarning")
@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 100_000), k=st.integers(2, 15), spread=st.floats(0.0, 2.0))
def test_meta_analysis_matches_combine_effects(seed: int, k: int, spread: float) -> None:
    rng = np.random.default_rng(seed)
    se = rng.uniform(0.05, 0.5, k)
    effects = rng.normal(0.2, spread, k) + rng.normal(0, se)
    ours = meta_analysis(effects, se)
    theirs = combine_effects(effects, se**2, method_re="dl")
    df = k - 1
    np.testing.assert_allclose(ours.q, theirs.q, rtol=RTOL)
    np.testing.assert_allclose(ours.q_p_value, sps.chi2.sf(theirs.q, df), rtol=RTOL)
    np.testing.assert_allclose(ours.fixed.estimate, theirs.mean_effect_fe, rtol=RTOL)
    np.testing.assert_allclose(ours.fixed.std_error, theirs.sd_eff_w_fe, rtol=RTOL)
    ci_fe, ci_re, _, _ = theirs.conf_int(use_t=False)
    np.testing.assert_allclose([ours.fixed.ci_low, ours.fixed.ci_high], ci_fe, rtol=RTOL)
    if theirs.q > df:  # statsmodels does not truncate τ² at 0; DerSimonian–Laird does
        np.testing.assert_allclose(ours.tau2, theirs.tau2, rtol=RTOL)
        np.testing.assert_allclose(ours.i2, theirs.i2, rtol=RTOL)
        np.testing.assert_allclose(ours.random.estimate, theirs.mean_effect_re, rtol=RTOL)
        np.testing.assert_allclose(ours.random.std_error, theirs.sd_eff_w_re, rtol=RTOL)
        np.testing.assert_allclose([ours.random.ci_low, ours.random.ci_high], ci_re, rtol=RTOL)
        np.testing.assert_allclose(ours.weights_random, theirs.weights_rel_re, rtol=RTOL)
    else:
        assert ours.tau2 == 0.0 and ours.i2 == 0.0
        np.testing.assert_allclose(ours.random.estimate, theirs.mean_effect_fe, rtol=RTOL)
    np.testing.assert_allclose(ours.weights_fixed, theirs.weights_rel_fe, rtol=RTOL)
    z = ours.random.estimate / ours.random.std_error
    np.testing.assert_allclose(ours.random.p_value, 2 * sps.norm.sf(abs(z)), rtol=RTOL)


def test_meta_analysis_rejects_bad_input() -> None:
    with pytest.raises(StatsError, match="at least 2"):
        meta_analysis([0.1], [0.2])
    with pytest.raises(StatsError, match="positive"):
        meta_analysis([0.1, 0.2], [0.2, 0.0])
    with pytest.raises(StatsError, match="same length"):
        meta_analysis([0.1, 0.2], [0.2])


@settings(max_examples=15, deadline=None)  # multipletests takes ~0.1 s per call
@given(p=st.lists(st.one_of(st.just(0.0), st.floats(1e-300, 1.0)), min_size=1, max_size=30))
def test_adjustments_match_multipletests(p: list[float]) -> None:
    for ours, theirs in (("holm", "holm"), ("bh", "fdr_bh")):
        np.testing.assert_allclose(
            adjust_p_values(p, ours), multipletests(p, method=theirs)[1], rtol=RTOL, atol=0
        )
    assert adjust_p_values(p, "none") == p
