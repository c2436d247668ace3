"""``analyze`` agrees with statsmodels and scipy on random experiments, to 1e-8 relative."""

from __future__ import annotations

import numpy as np
import pandas as pd
import statsmodels.api as sm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats as sps
from statsmodels.stats.multitest import multipletests

from carrefour.stats import analyze

from .conftest import (
    RTOL,
    assert_effect_matches,
    expected_effect,
    make_experiment,
    reference_exog,
    reference_fit,
)

shapes = st.fixed_dictionaries(
    {
        "seed": st.integers(0, 10_000),
        "n": st.integers(60, 400),
        "n_arms": st.integers(2, 4),
        "n_covariates": st.integers(0, 2),
        "n_strata": st.sampled_from([0, 2, 4]),
        "n_clusters": st.sampled_from([0, 12, 30]),
    }
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(shape=shapes, parquet=st.booleans())
def test_effects_match_statsmodels(shape: dict[str, int], parquet: bool, write_csv) -> None:  # type: ignore[no-untyped-def]
    arms = ["control"] + [f"t{i}" for i in range(1, shape["n_arms"])]
    df = make_experiment(
        shape["seed"],
        n=shape["n"],
        arms=arms,
        n_covariates=shape["n_covariates"],
        n_strata=shape["n_strata"],
        n_clusters=shape["n_clusters"],
    )
    present = [a for a in arms if (df["arm"] == a).sum() >= 2]
    df = df[df["arm"].isin(present)].reset_index(drop=True)
    arms = present
    covariates = [f"x{j}" for j in range(shape["n_covariates"])]
    strata = "stratum" if shape["n_strata"] else None
    cluster = "cluster" if shape["n_clusters"] else None
    path = write_csv(df, "data.parquet" if parquet else "data.csv")
    result = analyze(
        path,
        treatment="arm",
        outcomes=["y", "yb"],
        control="control",
        covariates=covariates,
        strata=[strata] if strata else [],
        cluster=cluster,
    ).to_dict()

    assert result["n"] == {a: int((df["arm"] == a).sum()) for a in arms}
    for item, outcome in zip(result["results"], ["y", "yb"], strict=True):
        assert item["estimator"] == ("lin" if covariates else "difference_in_means")
        np.testing.assert_allclose(
            item["control_mean"], df.loc[df["arm"] == "control", outcome].mean(), rtol=RTOL
        )
        fit = reference_fit(df, outcome, arms, covariates, strata, cluster)
        assert [e["arm"] for e in item["effects"]] == arms[1:]
        for effect in item["effects"]:
            assert_effect_matches(effect, expected_effect(fit, effect["arm"]))
            assert effect["df"] == (
                df[cluster].nunique() - 1 if cluster else len(df) - fit.df_model - 1
            )


def test_multiple_testing_and_srm_match_statsmodels_and_scipy(write_csv) -> None:  # type: ignore[no-untyped-def]
    arms = ["control", "a", "b"]
    df = make_experiment(7, n=500, arms=arms, n_covariates=1)
    path = write_csv(df)
    allocation = {"control": 0.5, "a": 0.25, "b": 0.25}
    for adjust, method in (("holm", "holm"), ("bh", "fdr_bh"), ("none", None)):
        result = analyze(
            path, treatment="arm", outcomes=["y", "yb"], adjust=adjust, allocation=allocation
        )
        effects = [e for r in result.results for e in r.effects]
        raw = [e.p_value for e in effects]
        expected = raw if method is None else multipletests(raw, alpha=0.05, method=method)[1]
        np.testing.assert_allclose([e.p_value_adjusted for e in effects], expected, rtol=RTOL)
    counts = [int((df["arm"] == a).sum()) for a in arms]
    chi = sps.chisquare(counts, [len(df) * allocation[a] for a in arms])
    np.testing.assert_allclose(result.srm.p_value, chi.pvalue, rtol=RTOL)
    assert result.srm.observed == dict(zip(arms, counts, strict=True))
    np.testing.assert_allclose(
        list(result.srm.expected.values()), [len(df) * allocation[a] for a in arms], rtol=RTOL
    )


def _interaction_reference(df, arms, covariates, strata, cluster, outcome):  # type: ignore[no-untyped-def]
    """Fully interacted model (each subgroup its own design) and its Wald F test."""
    levels = sorted(df["subgroup"].unique())
    blocks = []
    arm_positions = []
    offset = 0
    for level in levels:
        mask = (df["subgroup"] == level).to_numpy()
        sub = df[mask]
        exog = reference_exog(sub, arms, covariates, strata).to_numpy()
        full = np.zeros((len(df), exog.shape[1]))
        full[mask] = exog
        blocks.append(full)
        arm_positions.append([offset + 1 + k for k in range(len(arms) - 1)])
        offset += exog.shape[1]
    X = np.hstack(blocks)
    model = sm.OLS(df[outcome].astype(float).to_numpy(), X)
    if cluster:
        fit = model.fit(cov_type="cluster", cov_kwds={"groups": df[cluster].to_numpy()}, use_t=True)
    else:
        fit = model.fit(cov_type="HC2", use_t=True)
    R = []
    for positions in arm_positions[1:]:
        for k, pos in enumerate(positions):
            row = np.zeros(X.shape[1])
            row[pos] = 1.0
            row[arm_positions[0][k]] = -1.0
            R.append(row)
    return float(fit.wald_test(np.array(R), use_f=True, scalar=True).pvalue)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seed=st.integers(0, 10_000),
    n_covariates=st.integers(0, 2),
    n_strata=st.sampled_from([0, 2]),
    n_clusters=st.sampled_from([0, 25]),
    n_subgroups=st.integers(2, 3),
    n_arms=st.integers(2, 3),
)
def test_subgroups_and_interaction_match_statsmodels(
    seed: int,
    n_covariates: int,
    n_strata: int,
    n_clusters: int,
    n_subgroups: int,
    n_arms: int,
    write_csv,
) -> None:  # type: ignore[no-untyped-def]
    arms = ["control"] + [f"t{i}" for i in range(1, n_arms)]
    df = make_experiment(
        seed,
        n=600,
        arms=arms,
        n_covariates=n_covariates,
        n_strata=n_strata,
        n_clusters=n_clusters,
        n_subgroups=n_subgroups,
    )
    covariates = [f"x{j}" for j in range(n_covariates)]
    strata = "stratum" if n_strata else None
    cluster = "cluster" if n_clusters else None
    result = analyze(
        write_csv(df),
        treatment="arm",
        outcomes=["y"],
        covariates=covariates,
        strata=[strata] if strata else [],
        cluster=cluster,
        subgroup="subgroup",
    )
    item = result.results[0]
    levels = sorted(df["subgroup"].unique())
    assert [s.subgroup for s in item.subgroups] == levels
    for s, level in zip(item.subgroups, levels, strict=True):
        sub = df[df["subgroup"] == level]
        fit = reference_fit(sub, "y", arms, covariates, strata, cluster)
        for effect in s.effects:
            assert_effect_matches(effect.to_dict(), expected_effect(fit, effect.arm))
        assert s.n == {a: int((sub["arm"] == a).sum()) for a in arms}
    expected = _interaction_reference(df, arms, covariates, strata, cluster, "y")
    assert item.interaction_p_value is not None
    np.testing.assert_allclose(item.interaction_p_value, expected, rtol=RTOL)


def test_numeric_arms_are_labels_and_missing_cells_are_dropped(write_csv) -> None:  # type: ignore[no-untyped-def]
    df = make_experiment(3, n=300, arms=("control", "treatment"), n_covariates=1)
    df["arm"] = (df["arm"] == "treatment").astype(float)  # 0.0 / 1.0 in the CSV
    df.loc[[0, 1, 2], "y"] = np.nan
    df.loc[[3], "x0"] = np.nan
    df.loc[[4, 5], "arm"] = np.nan
    df.loc[[0], "x0"] = np.nan  # counted under its first reason only (the outcome)
    result = analyze(
        write_csv(df), treatment="arm", outcomes=["y"], control="0", covariates=["x0"]
    ).to_dict()
    assert result["dropped"] == {"missing arm": 2, "missing y": 3, "missing x0": 1}
    kept = df.dropna(subset=["arm", "y", "x0"]).copy()
    kept["arm"] = np.where(kept["arm"] == 1.0, "1", "0")
    assert result["n"] == {
        "0": int((kept["arm"] == "0").sum()),
        "1": int((kept["arm"] == "1").sum()),
    }
    fit = reference_fit(kept, "y", ["0", "1"], ["x0"])
    assert_effect_matches(result["results"][0]["effects"][0], expected_effect(fit, "1"))


def test_nan_text_in_csv_counts_as_missing(tmp_path) -> None:  # type: ignore[no-untyped-def]
    rows = ["arm,y"] + [f"{'t' if i % 2 else 'c'},{i * 0.37 % 5}" for i in range(40)]
    rows[5] = "t,NaN"
    rows[6] = "c,"
    rows[7] = ",1.5"
    path = tmp_path / "nan.csv"
    path.write_text("\n".join(rows) + "\n")
    result = analyze(str(path), treatment="arm", outcomes=["y"], control="c")
    assert result.dropped == {"missing arm": 1, "missing y": 2}
    assert sum(result.n.values()) == 37


def test_large_offsets_keep_precision(write_csv) -> None:  # type: ignore[no-untyped-def]
    """Outcomes and covariates far from zero: per-cell centring keeps 1e-8 agreement.

    statsmodels itself loses digits on such data, so the reference is its fit on the same
    values shifted back exactly (x + 1e5 − 1e5 is exact in floating point).
    """
    df = make_experiment(11, n=500, n_covariates=2, n_strata=3)
    df["y"] = df["y"] + 1e6
    df["x1"] = df["x1"] + 1e5
    path = write_csv(df)
    df = pd.read_csv(path)
    result = analyze(
        path, treatment="arm", outcomes=["y"], covariates=["x0", "x1"], strata=["stratum"]
    )
    shifted = df.assign(y=df["y"] - 1e6, x1=df["x1"] - 1e5)
    fit = reference_fit(shifted, "y", ["control", "treatment"], ["x0", "x1"], "stratum")
    expected = expected_effect(fit, "treatment")
    for key in ("estimate", "std_error", "ci_low", "ci_high", "p_value"):
        np.testing.assert_allclose(
            getattr(result.results[0].effects[0], key), expected[key], rtol=RTOL
        )


def test_pandas_free_reference_for_difference_in_means(write_csv) -> None:  # type: ignore[no-untyped-def]
    """Two arms, no covariates: HC2 equals the Welch-type standard error sqrt(s1²/n1 + s0²/n0)."""
    df = make_experiment(5, n=250, n_covariates=0, n_strata=0)
    result = analyze(write_csv(df), treatment="arm", outcomes=["y"])
    effect = result.results[0].effects[0]
    t, c = df.loc[df["arm"] == "treatment", "y"], df.loc[df["arm"] == "control", "y"]
    np.testing.assert_allclose(effect.estimate, t.mean() - c.mean(), rtol=RTOL)
    np.testing.assert_allclose(
        effect.std_error, np.sqrt(t.var() / len(t) + c.var() / len(c)), rtol=RTOL
    )
    assert effect.df == len(df) - 2
    assert isinstance(pd.Series([effect.p_value]).iloc[0], float)
