"""The ``carrefour`` command line: the JSON contract, readable tables, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from carrefour.stats import analyze
from carrefour.stats.cli import main

from .conftest import make_experiment


@pytest.fixture
def experiment(tmp_path: Path) -> Path:
    df = make_experiment(2, n=300, arms=("control", "treatment"), n_covariates=2, n_strata=2)
    df["label"] = np.where(df["arm"] == "treatment", "high", "low")
    df["constant"] = 1.0
    df["double_x0"] = 2.0 * df["x0"]
    path = tmp_path / "experiment.csv"
    df.to_csv(path, index=False)
    return path


def test_analyze_json_document(experiment: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = [
        "analyze",
        str(experiment),
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
        "--allocation",
        "control=0.5,treatment=0.5",
        "--adjust",
        "bh",
        "--json",
    ]
    assert main(argv) == 0
    document = json.loads(capsys.readouterr().out)
    assert set(document) == {"n", "dropped", "srm", "results"}
    assert set(document["srm"]) == {"p_value", "observed", "expected"}
    first = document["results"][0]
    assert set(first) == {
        "outcome",
        "estimator",
        "control_mean",
        "effects",
        "subgroups",
        "interaction_p_value",
    }
    assert first["estimator"] == "lin"
    assert set(first["effects"][0]) == {
        "arm",
        "estimate",
        "std_error",
        "df",
        "ci_low",
        "ci_high",
        "p_value",
        "p_value_adjusted",
        "relative_estimate",
        "relative_ci_low",
        "relative_ci_high",
    }
    assert [s["subgroup"] for s in first["subgroups"]] == ["g0", "g1"]
    direct = analyze(
        str(experiment),
        treatment="arm",
        outcomes=["y", "yb"],
        covariates=["x0", "x1"],
        strata=["stratum"],
        subgroup="subgroup",
        adjust="bh",
    ).to_dict()
    assert document == json.loads(json.dumps(direct))


def test_analyze_tables(experiment: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "analyze",
                str(experiment),
                "--treatment",
                "arm",
                "--outcome",
                "y",
                "--cluster",
                "stratum",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "Sample-ratio mismatch" in out
    assert "difference in means, CR1 cluster-robust" in out
    assert "treatment" in out


def test_power_and_randomize_commands(
    tmp_path: Path, experiment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["power", "--outcome", "binary", "--baseline", "0.34", "--mde", "0.05", "--json"]) == 0
    )
    document = json.loads(capsys.readouterr().out)
    assert document["solve_for"] == "n" and document["n_control"] == 1454
    assert (
        main(["power", "--outcome", "continuous", "--baseline", "10", "--sd", "2", "--n", "200"])
        == 0
    )
    assert "Power: 0.8000" in capsys.readouterr().out
    people = tmp_path / "people.csv"
    pd.DataFrame({"id": range(50), "region": ["a", "b"] * 25}).to_csv(people, index=False)
    out = tmp_path / "assigned.csv"
    argv = [
        "randomize",
        str(people),
        "--arms",
        "control,treatment",
        "--strata",
        "region",
        "--seed",
        "9",
        "--out",
        str(out),
        "--json",
    ]
    assert main(argv) == 0
    document = json.loads(capsys.readouterr().out)
    assert sum(document["n"].values()) == 50  # two strata of 25: each remainder unit at random
    assert set(document["n"]) == {"control", "treatment"} and min(document["n"].values()) >= 24
    assert pd.read_csv(out)["arm"].notna().all()


def _bad(tmp_path: Path, name: str, content: str | bytes) -> str:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return str(path)


BAD_INPUT = [
    ("missing column", ["--outcome", "nope"], "column 'nope' not found"),
    ("misspelled column", ["--outcome", "yy"], "did you mean 'y'"),
    (
        "misspelled treatment",
        ["--treatment", "armm"],
        "column 'armm' not found; did you mean 'arm'",
    ),
    ("non-numeric outcome", ["--outcome", "label"], "outcome 'label' is not numeric"),
    ("one arm only", ["--treatment", "one_arm"], "has only one arm"),
    ("empty arm", ["--outcome", "y_missing_for_treatment"], "arm 'treatment' has no complete rows"),
    ("absent control", ["--control", "placebo"], "control value 'placebo' is not an arm"),
    ("constant covariate", ["--covariates", "x0,constant"], "covariate 'constant' is constant"),
    (
        "collinear covariates",
        ["--covariates", "x0,double_x0"],
        "covariate 'double_x0' is collinear with 'x0'",
    ),
    ("collinear with strata", ["--covariates", "stratum_code", "--strata", "stratum"], "collinear"),
    (
        "allocation for unknown arm",
        ["--allocation", "control=0.5,placebo=0.5"],
        "arm 'placebo' in --allocation",
    ),
    ("bad allocation", ["--allocation", "control:0.5"], "--allocation must look like"),
    ("lone observation in a stratum", ["--strata", "lonely"], "leverage 1"),
    ("a single cluster", ["--cluster", "one_arm"], "at least 2 clusters"),
    ("bad alpha", ["--alpha", "1.5"], "--alpha must be between 0 and 1"),
    ("bad adjust", ["--adjust", "bonferroni"], "invalid choice"),
    ("unknown option", ["--frobnicate"], "unrecognized arguments"),
]


@pytest.mark.parametrize(("case", "extra", "message"), BAD_INPUT, ids=[c[0] for c in BAD_INPUT])
def test_bad_input_is_one_line_and_exit_2(
    case: str, extra: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    df = make_experiment(4, n=200, n_covariates=1, n_strata=2)
    df["label"] = np.where(df["arm"] == "treatment", "high", "low")
    df["constant"] = 3.0
    df["double_x0"] = 2.0 * df["x0"] + 0.0
    df["one_arm"] = "control"
    df["y_missing_for_treatment"] = np.where(df["arm"] == "treatment", np.nan, df["y"])
    df["stratum_code"] = (df["stratum"] == "s1").astype(float) * 3.0
    df["lonely"] = np.where(df.index == 0, "alone", "crowd")
    data = tmp_path / "data.csv"
    df.to_csv(data, index=False)
    argv = ["analyze", str(data), "--treatment", "arm", "--outcome", "y"]
    for option in ("--treatment", "--outcome"):
        if option in extra:
            i = argv.index(option)
            del argv[i : i + 2]
    assert main([*argv, *extra]) == 2, case
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    assert message in err, err


FILE_CASES = [
    ("not csv or parquet", "data.txt", "arm,y\na,1\n", "is not CSV or Parquet"),
    ("empty file", "data.csv", "", "is empty"),
    ("header only", "data.csv", "arm,y\n", "has no rows"),
    ("parquet that is not", "data.parquet", b"not a parquet file at all", "cannot read"),
    ("missing file", None, "", "does not exist"),
]


@pytest.mark.parametrize(
    ("case", "name", "content", "message"), FILE_CASES, ids=[c[0] for c in FILE_CASES]
)
def test_bad_files_are_one_line_and_exit_2(
    case: str,
    name: str | None,
    content: str | bytes,
    message: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = _bad(tmp_path, name, content) if name else str(tmp_path / "absent.csv")
    assert main(["analyze", path, "--treatment", "arm", "--outcome", "y"]) == 2, case
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert message in err, err


def test_other_commands_report_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["power", "--outcome", "binary", "--baseline", "0.34"]) == 2
    assert "give --mde" in capsys.readouterr().err
    data = _bad(tmp_path, "p.csv", "id,region\n1,a\n2,b\n")
    assert (
        main(
            [
                "randomize",
                data,
                "--arms",
                "control",
                "--seed",
                "1",
                "--out",
                str(tmp_path / "o.csv"),
            ]
        )
        == 2
    )
    assert "at least two arm names" in capsys.readouterr().err
    assert (
        main(
            [
                "randomize",
                data,
                "--arms",
                "c,t",
                "--strata",
                "regio",
                "--seed",
                "1",
                "--out",
                str(tmp_path / "o.csv"),
            ]
        )
        == 2
    )
    assert "did you mean 'region'" in capsys.readouterr().err
    assert main(["analyze", "--treatment", "arm", "--outcome", "y"]) == 2
    assert "no data" in capsys.readouterr().err
