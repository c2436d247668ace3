"""The same aggregate SQL, transpiled by SQLGlot, gives the same numbers on local Spark."""

from __future__ import annotations

import logging
import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from carrefour.stats import SparkSource, analyze

from .conftest import RTOL, assert_effect_matches, expected_effect, make_experiment, reference_fit

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    if shutil.which("java") is None:
        pytest.skip("Spark test skipped: no 'java' on PATH (PySpark needs a JVM)")
    pyspark_sql = pytest.importorskip("pyspark.sql")
    session = (
        pyspark_sql.SparkSession.builder.master("local[2]")
        .appName("carrefour-stats-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    # py4j logs at INFO while the interpreter shuts down, after pytest closed the streams.
    logging.getLogger("py4j").setLevel(logging.WARNING)
    yield session
    session.stop()


def _float(value: object) -> object:
    return float(value) if isinstance(value, float | np.floating) else value


def test_spark_matches_duckdb_and_statsmodels(spark: Any, tmp_path: Path) -> None:
    df = make_experiment(
        8, n=400, arms=("control", "a", "b"), n_covariates=2, n_strata=3, n_clusters=24
    )
    df.loc[[0, 1], "x1"] = np.nan
    records = [tuple(_float(v) for v in row) for row in df.itertuples(index=False)]
    records = [
        tuple(None if isinstance(v, float) and np.isnan(v) else v for v in r) for r in records
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        spark.createDataFrame(records, schema=list(df.columns)).createOrReplaceTempView(
            "experiment"
        )
    path = tmp_path / "experiment.parquet"
    df.to_parquet(path, index=False)
    kept = df.dropna(subset=["x1"]).reset_index(drop=True)
    arms = ["control", "a", "b"]
    for options in (
        {"covariates": ["x0", "x1"], "strata": ["stratum"], "subgroup": "subgroup"},
        {"covariates": ["x0", "x1"], "cluster": "cluster"},
    ):
        on_spark = analyze(
            SparkSource(spark, "experiment"), treatment="arm", outcomes=["y", "yb"], **options
        )
        on_duckdb = analyze(str(path), treatment="arm", outcomes=["y", "yb"], **options)
        assert on_spark.n == on_duckdb.n and on_spark.dropped == on_duckdb.dropped == {
            "missing x1": 2
        }
        for a, b, outcome in zip(on_spark.results, on_duckdb.results, ["y", "yb"], strict=True):
            strata = "stratum" if "strata" in options else None
            fit = reference_fit(kept, outcome, arms, ["x0", "x1"], strata, options.get("cluster"))  # type: ignore[arg-type]
            for ea, eb in zip(a.effects, b.effects, strict=True):
                assert_effect_matches(ea.to_dict(), expected_effect(fit, ea.arm))
                for key, value in eb.to_dict().items():
                    if isinstance(value, float):
                        np.testing.assert_allclose(getattr(ea, key), value, rtol=RTOL)
            if a.interaction_p_value is not None:
                np.testing.assert_allclose(a.interaction_p_value, b.interaction_p_value, rtol=RTOL)
