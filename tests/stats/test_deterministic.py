"""The same file gives the same document, to the last digit, whatever the threads."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from carrefour.stats import analyze
from carrefour.stats.cli import main

from .conftest import assert_effect_matches, expected_effect, make_experiment, reference_fit

ROWS = 300_000


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, Path, Path]]:
    df = make_experiment(5, n=ROWS, n_covariates=2, n_strata=3, n_clusters=40)
    folder = tmp_path_factory.mktemp("large")
    csv, parquet = folder / "experiment.csv", folder / "experiment.parquet"
    df.to_csv(csv, index=False)
    # Small, unequal row groups: the blocks follow them, many run in parallel.
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(df, preserve_index=False)
    with pq.ParquetWriter(parquet, table.schema) as writer:
        start = 0
        for size in [50_000, 70_001, 30_000, 90_000, 59_999]:
            writer.write_table(table.slice(start, size), row_group_size=size)
            start += size
    assert start == ROWS
    yield df, csv, parquet


def _with_threads(monkeypatch: pytest.MonkeyPatch, threads: int) -> None:
    connect = duckdb.connect

    def connect_with_threads(*args: object, **kwargs: object) -> duckdb.DuckDBPyConnection:
        con = connect(*args, **kwargs)  # type: ignore[arg-type]
        con.execute(f"SET threads = {threads}")
        return con

    monkeypatch.setattr(duckdb, "connect", connect_with_threads)


ARGS = {
    "hc2": ["--covariates", "x0,x1", "--strata", "stratum", "--subgroup", "subgroup"],
    "cr1": ["--covariates", "x0", "--cluster", "cluster"],
}


@pytest.mark.parametrize("kind", ["csv", "parquet"])
@pytest.mark.parametrize("errors", ["hc2", "cr1"])
def test_same_file_same_document_for_any_threads(
    large: tuple[object, Path, Path],
    kind: str,
    errors: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, csv, parquet = large
    path = csv if kind == "csv" else parquet
    documents = []
    for threads in [4, 1, 2, 4, 3, 4]:
        with monkeypatch.context() as patch:
            _with_threads(patch, threads)
            argv = ["analyze", str(path), "--treatment", "arm", "--outcome", "y"]
            assert main([*argv, "--outcome", "yb", *ARGS[errors], "--json"]) == 0
        documents.append(capsys.readouterr().out)
    assert len(documents[0]) > 100
    assert documents == [documents[0]] * len(documents)


def test_large_file_agrees_with_statsmodels(large: tuple[object, Path, Path]) -> None:
    df, csv, _ = large
    result = analyze(
        str(csv), treatment="arm", outcomes=["y"], covariates=["x0", "x1"], strata=["stratum"]
    ).to_dict()
    fit = reference_fit(df, "y", ["control", "treatment"], ["x0", "x1"], "stratum")  # type: ignore[arg-type]
    effect = result["results"][0]["effects"][0]
    assert_effect_matches(effect, expected_effect(fit, "treatment"))


def test_temporary_copy_of_a_csv_is_removed(large: tuple[object, Path, Path]) -> None:
    from carrefour.stats.sources import DuckDBSource

    _, csv, _ = large
    source = DuckDBSource.from_file(csv)
    assert source.deterministic() is not None
    scratch = Path(source._scratch.name)  # type: ignore[union-attr]
    assert list(scratch.iterdir())
    source.close()
    assert not scratch.exists()
