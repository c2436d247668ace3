"""Every error a program may show carries a code and its parameters, beside the CLI's line."""

from __future__ import annotations

from pathlib import Path

import pytest

from carrefour.stats import StatsError, analyze, power
from carrefour.stats.sources import MAX_COLUMNS, DuckDBSource, sniff_csv

HEADER = "id,arm,y,x,label"


def _rows(n: int) -> list[str]:
    return [
        f"{i},{'control' if i % 2 else 'treatment'},{i % 7},{i % 5},w{i % 3}"
        for i in range(1, n + 1)
    ]


def _file(tmp_path: Path, lines: list[str], name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    return path


def _error(call) -> StatsError:  # type: ignore[no-untyped-def]
    with pytest.raises(StatsError) as caught:
        call()
    return caught.value


def test_an_unclosed_quote_names_its_line(tmp_path: Path) -> None:
    path = _file(tmp_path, [HEADER, *_rows(4), '5,"control,1,2,w1', *_rows(2)])
    error = _error(lambda: DuckDBSource.from_file(path))
    assert (error.code, error.params) == ("unclosed_quote", {"line": 6})
    assert str(error) == "line 6 has a quote that is never closed"


def test_a_record_wider_than_the_header_names_its_line(tmp_path: Path) -> None:
    path = _file(tmp_path, [HEADER, *_rows(2), "3,control,1,2,w1,extra", *_rows(2)])
    error = _error(lambda: DuckDBSource.from_file(path))
    assert (error.code, error.params) == (
        "wrong_field_count",
        {"line": 4, "found": 6, "expected": 5},
    )


def test_too_many_columns_and_too_long_a_header_are_found_in_the_first_bytes(
    tmp_path: Path,
) -> None:
    wide = _file(
        tmp_path, [",".join(f"c{i}" for i in range(MAX_COLUMNS + 1)), "1" + ",1" * MAX_COLUMNS]
    )
    error = _error(lambda: sniff_csv(wide))
    assert (error.code, error.params) == (
        "too_many_columns",
        {"columns": MAX_COLUMNS + 1, "limit": MAX_COLUMNS},
    )
    long = _file(tmp_path, ["a" * 100 + ",b", "1,2"], "long.csv")
    error = _error(lambda: sniff_csv(long, max_line_bytes=50))
    assert (error.code, error.params) == ("line_too_long", {"line": 1, "limit": 50})


def test_a_line_too_long_deep_in_the_file_is_named_by_duckdb(tmp_path: Path) -> None:
    lines = [HEADER, *_rows(50_000), "0,control,1,2," + "w" * (1024 * 1024 + 10), *_rows(3)]
    path = _file(tmp_path, lines)
    assert path.stat().st_size > 1024 * 1024 * 2
    with DuckDBSource.from_file(path) as source:
        error = _error(lambda: source.fetch("SELECT COUNT(*) FROM src"))
    assert error.code == "line_too_long"
    assert error.params["line"] == 50_002


def test_a_text_outcome_and_a_missing_column_are_coded(tmp_path: Path) -> None:
    path = _file(tmp_path, [HEADER, *_rows(40)])
    error = _error(lambda: analyze(path, treatment="arm", outcomes=["label"]))
    assert (error.code, error.params) == ("not_numeric", {"column": "label"})
    assert "VARCHAR" in str(error)
    error = _error(lambda: analyze(path, treatment="arm", outcomes=["days_early"]))
    assert (error.code, error.params) == ("column_missing", {"column": "days_early"})


def test_one_arm_and_a_constant_covariate_are_coded(tmp_path: Path) -> None:
    one = _file(tmp_path, [HEADER, *(f"{i},control,{i % 3},1,w" for i in range(1, 20))], "one.csv")
    error = _error(lambda: analyze(one, treatment="arm", outcomes=["y"]))
    assert (error.code, error.params) == ("one_arm", {"column": "arm", "arm": "control"})
    constant = _file(
        tmp_path, [HEADER, *(f"{i},{'ab'[i % 2]},{i % 3},1,w" for i in range(1, 20))], "c.csv"
    )
    error = _error(lambda: analyze(constant, treatment="arm", outcomes=["y"], covariates=["x"]))
    assert (error.code, error.params) == ("constant_covariate", {"column": "x"})


def test_the_command_line_keeps_its_flags_the_code_names_the_fault() -> None:
    error = _error(lambda: power(outcome="binary", baseline=1.5, mde=0.05))
    assert error.code == "proportion"
    assert str(error).startswith("--baseline must be a proportion")
