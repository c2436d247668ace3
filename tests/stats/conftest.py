"""Shared helpers: synthetic experiments and the statsmodels reference fits."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats as sps

RTOL = 1e-8


def make_experiment(
    seed: int,
    n: int = 400,
    arms: Sequence[str] = ("control", "treatment"),
    n_covariates: int = 2,
    n_strata: int = 3,
    n_clusters: int = 0,
    n_subgroups: int = 2,
) -> pd.DataFrame:
    """Draw a heteroskedastic experiment with covariates, strata, clusters and subgroups."""
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"arm": rng.choice(list(arms), n)})
    for j in range(n_covariates):
        df[f"x{j}"] = rng.normal(loc=j * 3.0, scale=1.0 + j, size=n)
    df["stratum"] = rng.choice([f"s{i}" for i in range(max(n_strata, 1))], n)
    if n_clusters:
        df["cluster"] = rng.integers(0, n_clusters, n)
    df["subgroup"] = rng.choice([f"g{i}" for i in range(max(n_subgroups, 1))], n)
    effect = {a: 0.2 * i for i, a in enumerate(arms)}
    noise = rng.normal(size=n) * (1.0 + 0.5 * (df["arm"] != arms[0]))
    signal = sum(
        (0.5 * df[f"x{j}"] for j in range(n_covariates)), start=pd.Series(0.0, index=df.index)
    )
    df["y"] = 10.0 + signal + df["arm"].map(effect) + noise
    df["yb"] = (rng.random(n) < 0.3 + 0.05 * df["arm"].map(effect)).astype(int)
    return df


def reference_exog(
    df: pd.DataFrame,
    arms: Sequence[str],
    covariates: Sequence[str] = (),
    strata: str | None = None,
) -> pd.DataFrame:
    """The documented design: arm dummies, centred stratum dummies, Lin covariates."""
    cols: dict[str, object] = {"const": np.ones(len(df))}
    for a in arms[1:]:
        cols[f"arm[{a}]"] = (df["arm"] == a).astype(float).to_numpy()
    if strata is not None:
        levels = sorted(df[strata].unique())
        for s in levels[1:]:
            d = (df[strata] == s).astype(float).to_numpy()
            cols[f"stratum[{s}]"] = d - d.mean()
    for z in covariates:
        centred = (df[z] - df[z].mean()).to_numpy()
        cols[z] = centred
        for a in arms[1:]:
            cols[f"arm[{a}]:{z}"] = (df["arm"] == a).to_numpy() * centred
    return pd.DataFrame(cols, index=df.index)


def reference_fit(
    df: pd.DataFrame,
    outcome: str,
    arms: Sequence[str],
    covariates: Sequence[str] = (),
    strata: str | None = None,
    cluster: str | None = None,
):  # type: ignore[no-untyped-def]
    """statsmodels OLS with HC2 (or CR1 clustered) errors and t inference."""
    exog = reference_exog(df, arms, covariates, strata)
    model = sm.OLS(df[outcome].astype(float), exog)
    if cluster is not None:
        return model.fit(
            cov_type="cluster", cov_kwds={"groups": df[cluster].to_numpy()}, use_t=True
        )
    return model.fit(cov_type="HC2", use_t=True)


def expected_effect(fit, arm: str, alpha: float = 0.05) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """The effect fields computed from a statsmodels fit (delta method for the ratio)."""
    name = f"arm[{arm}]"
    est = float(fit.params[name])
    se = float(fit.bse[name])
    low, high = (float(v) for v in fit.conf_int(alpha=alpha).loc[name])
    cov = fit.cov_params()
    mu = float(fit.params["const"])
    rel = est / mu
    var = cov.loc[name, name] / mu**2 + est**2 * cov.loc["const", "const"] / mu**4
    var -= 2 * est * cov.loc[name, "const"] / mu**3
    df = float(fit.df_resid_inference if hasattr(fit, "df_resid_inference") else fit.df_resid)
    crit = sps.t.isf(alpha / 2, df)
    return {
        "estimate": est,
        "std_error": se,
        "df": df,
        "ci_low": low,
        "ci_high": high,
        "p_value": float(fit.pvalues[name]),
        "relative_estimate": rel,
        "relative_ci_low": rel - crit * np.sqrt(var),
        "relative_ci_high": rel + crit * np.sqrt(var),
    }


def assert_effect_matches(actual: dict[str, object], expected: dict[str, float]) -> None:
    """Compare every numeric field to 1e-8 relative (absolute 1e-12 near zero)."""
    for key, value in expected.items():
        got = actual[key]
        assert got is not None, key
        np.testing.assert_allclose(float(got), value, rtol=RTOL, atol=1e-12, err_msg=key)  # type: ignore[arg-type]


@pytest.fixture
def write_csv(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write a DataFrame to a CSV file in the test's directory and return its path."""

    def write(df: pd.DataFrame, name: str = "data.csv") -> str:
        path = tmp_path / name
        if name.endswith(".parquet"):
            df.to_parquet(path, index=False)
        else:
            df.to_csv(path, index=False)
        return str(path)

    return write
