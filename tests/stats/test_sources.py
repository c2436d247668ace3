"""The same analysis on a DuckDB database file and on PostgreSQL, through the CLI."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import duckdb
import numpy as np
import pytest

from carrefour.stats import analyze
from carrefour.stats.cli import main

from .conftest import RTOL, make_experiment

POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
OPTIONS = [
    "--treatment",
    "arm",
    "--outcome",
    "y",
    "--outcome",
    "yb",
    "--covariates",
    "x0,x1",
    "--strata",
    "stratum",
    "--subgroup",
    "subgroup",
    "--json",
]


def _assert_same(a: object, b: object) -> None:
    if isinstance(a, dict) and isinstance(b, dict):
        assert a.keys() == b.keys()
        for key in a:
            _assert_same(a[key], b[key])
    elif isinstance(a, list) and isinstance(b, list):
        assert len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            _assert_same(x, y)
    elif isinstance(a, float) and isinstance(b, float):
        np.testing.assert_allclose(a, b, rtol=RTOL, atol=1e-13)
    else:
        assert a == b


@pytest.fixture
def experiment(tmp_path: Path):  # type: ignore[no-untyped-def]
    df = make_experiment(21, n=400, arms=("control", "a", "b"), n_covariates=2, n_strata=3)
    df.loc[[0, 1], "y"] = np.nan
    path = tmp_path / "experiment.parquet"
    df.to_parquet(path, index=False)
    return df, path


def test_duckdb_database_file(
    experiment, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    df, parquet = experiment
    database = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute("CREATE SCHEMA lab")
        con.execute(f"CREATE TABLE lab.trial AS SELECT * FROM read_parquet('{parquet}')")
    assert main(["analyze", "--database", str(database), "--table", "lab.trial", *OPTIONS]) == 0
    from_database = json.loads(capsys.readouterr().out)
    assert main(["analyze", str(parquet), *OPTIONS]) == 0
    from_file = json.loads(capsys.readouterr().out)
    _assert_same(from_database, from_file)
    assert from_file["dropped"] == {"missing y": 2}
    assert main(["analyze", "--database", str(database), "--table", "lab.nope", *OPTIONS]) == 2
    assert "cannot read table 'lab.nope'" in capsys.readouterr().err


def test_postgresql(experiment, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    psycopg = pytest.importorskip("psycopg")
    try:
        con = psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=3)
    except psycopg.Error as error:
        pytest.skip(f"PostgreSQL is not reachable at {POSTGRES_URL}: {error}")
    df, parquet = experiment
    table = f"stats_test_{uuid.uuid4().hex[:12]}"
    try:
        con.execute(
            f'CREATE TABLE "{table}" (arm text, x0 double precision, x1 double precision, stratum text,'
            " subgroup text, y double precision, yb integer)"
        )
        with (
            con.cursor() as cursor,
            cursor.copy(
                f'COPY "{table}" (arm, x0, x1, stratum, subgroup, y, yb) FROM STDIN'
            ) as copy,
        ):
            for row in df[["arm", "x0", "x1", "stratum", "subgroup", "y", "yb"]].itertuples(
                index=False
            ):
                copy.write_row([None if isinstance(v, float) and np.isnan(v) else v for v in row])
        assert main(["analyze", "--database", POSTGRES_URL, "--table", table, *OPTIONS]) == 0
        from_postgres = json.loads(capsys.readouterr().out)
        assert main(["analyze", str(parquet), *OPTIONS]) == 0
        _assert_same(from_postgres, json.loads(capsys.readouterr().out))
        clustered = analyze(str(parquet), treatment="arm", outcomes=["y"], cluster="stratum")
        assert (
            main(
                [
                    "analyze",
                    "--database",
                    POSTGRES_URL,
                    "--table",
                    table,
                    "--treatment",
                    "arm",
                    "--outcome",
                    "y",
                    "--cluster",
                    "stratum",
                    "--json",
                ]
            )
            == 0
        )
        _assert_same(
            json.loads(capsys.readouterr().out), json.loads(json.dumps(clustered.to_dict()))
        )
    finally:
        con.execute(f'DROP TABLE IF EXISTS "{table}"')
        con.close()
