"""The ``carrefour`` command line: ``power``, ``randomize`` and ``analyze``.

Every problem with the input is one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from . import __version__
from .analysis import AnalysisResult, analyze
from .design import PowerResult, power
from .errors import StatsError
from .randomize import RandomizationResult, randomize
from .sources import open_source

EXIT_BAD_INPUT = 2


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _UsageError(f"{self.prog}: {message}")


def _names(text: str | None) -> list[str]:
    if text is None:
        return []
    names = [x.strip() for x in text.split(",")]
    if any(not x for x in names):
        raise StatsError(f"empty name in the list '{text}'")
    return names


def _allocation(text: str | None) -> dict[str, float] | None:
    if text is None:
        return None
    shares: dict[str, float] = {}
    for part in text.split(","):
        arm, sep, value = part.partition("=")
        if not sep or not arm.strip():
            raise StatsError(f"--allocation must look like control=0.5,treatment=0.5, got '{text}'")
        try:
            shares[arm.strip()] = float(value)
        except ValueError:
            raise StatsError(
                f"--allocation share for '{arm.strip()}' is not a number: '{value}'"
            ) from None
    return shares


def _ratio(text: str | None) -> list[int] | None:
    if text is None:
        return None
    try:
        return [int(x) for x in text.split(",")]
    except ValueError:
        raise StatsError(f"--ratio must be integers separated by commas, got '{text}'") from None


def _parser() -> _Parser:
    parser = _Parser(prog="carrefour", description="Carrefour's statistics engine.")
    parser.add_argument("--version", action="version", version=f"carrefour.stats {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = commands.add_parser("power", help="sample size, power or minimum detectable effect")
    p.add_argument("--outcome", required=True, choices=["binary", "continuous"])
    p.add_argument("--baseline", required=True, type=float, help="control proportion or mean")
    p.add_argument("--sd", type=float, default=1.0, help="outcome standard deviation (continuous)")
    p.add_argument("--mde", type=float, help="minimum detectable effect (absolute)")
    p.add_argument("--alpha", type=float, default=0.05)
    p.add_argument("--power", type=float, default=0.8)
    p.add_argument(
        "--ratio", type=float, default=1.0, help="each treatment arm's size over the control's"
    )
    p.add_argument("--arms", type=int, default=2)
    p.add_argument("--icc", type=float)
    p.add_argument("--cluster-size", type=int)
    p.add_argument("--n", type=int, help="control arm size: solve for power (with --mde) or MDE")
    p.add_argument("--json", action="store_true")

    r = commands.add_parser("randomize", help="assign rows or clusters to arms")
    r.add_argument("data", metavar="DATA")
    r.add_argument("--arms", required=True, help="arm names, e.g. control,treatment")
    r.add_argument("--ratio", help="integers, e.g. 1,1")
    r.add_argument("--strata", help="column(s) to block on, e.g. region,sex")
    r.add_argument("--cluster", help="column whose values are randomized as units")
    r.add_argument("--seed", required=True, type=int)
    r.add_argument(
        "--out", required=True, help="output .csv or .parquet (input plus an 'arm' column)"
    )
    r.add_argument("--arm-column", default="arm", help="name of the new column (default: arm)")
    r.add_argument("--json", action="store_true")

    a = commands.add_parser("analyze", help="estimate treatment effects")
    a.add_argument("data", metavar="DATA", nargs="?", help="CSV or Parquet file")
    a.add_argument("--database", help="DuckDB file or postgresql:// URL")
    a.add_argument("--table", help="table name in --database")
    a.add_argument("--treatment", required=True)
    a.add_argument("--outcome", required=True, action="append")
    a.add_argument("--control")
    a.add_argument("--covariates")
    a.add_argument("--strata")
    a.add_argument("--cluster")
    a.add_argument("--subgroup")
    a.add_argument("--allocation", help="e.g. control=0.5,treatment=0.5")
    a.add_argument("--adjust", default="holm", choices=["holm", "bh", "none"])
    a.add_argument("--alpha", type=float, default=0.05)
    a.add_argument("--json", action="store_true")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (0, or 2 for bad input)."""
    try:
        args = _parser().parse_args(list(argv) if argv is not None else None)
        if args.command == "power":
            return _power(args)
        if args.command == "randomize":
            return _randomize(args)
        return _analyze(args)
    except SystemExit as done:  # --help and --version
        return int(done.code or 0)
    except (_UsageError, StatsError) as error:
        print(f"carrefour: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("carrefour: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader stopped early (`carrefour analyze … --json | head`): not an error of ours.
        # Point stdout at devnull so the interpreter's final flush does not complain again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as error:  # noqa: BLE001 - one line, never a traceback
        if os.environ.get("CARREFOUR_DEBUG"):
            raise
        first = (str(error).strip().splitlines() or [""])[0]
        print(f"carrefour: error: {type(error).__name__}: {first}", file=sys.stderr)
        return 1


def _power(args: argparse.Namespace) -> int:
    result = power(
        outcome=args.outcome,
        baseline=args.baseline,
        mde=args.mde,
        sd=args.sd,
        alpha=args.alpha,
        power=args.power,
        ratio=args.ratio,
        arms=args.arms,
        icc=args.icc,
        cluster_size=args.cluster_size,
        n=args.n,
    )
    if args.json:
        _print_json(result.to_dict())
    else:
        print(_power_text(result))
    return 0


def _randomize(args: argparse.Namespace) -> int:
    result = randomize(
        args.data,
        arms=_names(args.arms),
        seed=args.seed,
        ratio=_ratio(args.ratio),
        strata=_names(args.strata),
        cluster=args.cluster,
        out=args.out,
        arm_column=args.arm_column,
    )
    if args.json:
        _print_json(result.to_dict())
    else:
        print(_randomize_text(result))
    return 0


def _analyze(args: argparse.Namespace) -> int:
    options: dict[str, Any] = {
        "treatment": args.treatment,
        "outcomes": args.outcome,
        "control": args.control,
        "covariates": _names(args.covariates),
        "strata": _names(args.strata),
        "cluster": args.cluster,
        "subgroup": args.subgroup,
        "allocation": _allocation(args.allocation),
        "adjust": args.adjust,
        "alpha": args.alpha,
    }
    with open_source(args.data, database=args.database, table=args.table) as source:
        result = analyze(source, **options)
    if args.json:
        _print_json(result.to_dict())
    else:
        print(_analysis_text(result, subgroup=args.subgroup))
    return 0


def _print_json(document: dict[str, Any]) -> None:
    print(json.dumps(_finite(document), indent=2, allow_nan=False))


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def _fmt(value: float | int | None, digits: int = 4) -> str:
    if value is None:
        return "–"
    if isinstance(value, int):
        return str(value)
    if value != 0 and (abs(value) < 1e-3 or abs(value) >= 1e6):
        return f"{value:.{digits - 1}e}"
    return f"{value:.{digits}f}"


def _p(value: float | None) -> str:
    if value is None:
        return "–"
    return "<0.0001" if value < 1e-4 else f"{value:.4f}"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)
    ]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append(
            "  ".join(
                c.rjust(w) if i else c.ljust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    return "\n".join(lines)


def _analysis_text(result: AnalysisResult, *, subgroup: str | None) -> str:
    level = int(round((1 - result.alpha) * 100))
    parts = [
        "Rows by arm: "
        + ", ".join(f"{a} {n}" for a, n in result.n.items())
        + (f" (control: {result.control})"),
        "Dropped: " + (", ".join(f"{k} {v}" for k, v in result.dropped.items()) or "none"),
        f"Sample-ratio mismatch: chi-square p = {_p(result.srm.p_value)} (expected "
        + ", ".join(f"{a} {e:.1f}" for a, e in result.srm.expected.items())
        + ")",
    ]
    errors = (
        "CR1 cluster-robust" + (f", {result.clusters} clusters" if result.clusters else "")
        if result.covariance == "CR1"
        else "HC2"
    )
    header = [
        "arm",
        "estimate",
        "std.err",
        "df",
        f"{level}% CI",
        "p",
        f"p ({result.adjust})",
        "relative",
        f"relative {level}% CI",
    ]
    for r in result.results:
        name = (
            "difference in means"
            if r.estimator == "difference_in_means"
            else "Lin covariate-adjusted"
        )
        parts.append("")
        parts.append(
            f"Outcome {r.outcome}: {name}, {errors} errors; control mean {_fmt(r.control_mean)}"
        )
        rows = [
            [
                e.arm,
                _fmt(e.estimate),
                _fmt(e.std_error),
                str(e.df),
                f"[{_fmt(e.ci_low)}, {_fmt(e.ci_high)}]",
                _p(e.p_value),
                _p(e.p_value_adjusted),
                _pct(e.relative_estimate),
                f"[{_pct(e.relative_ci_low)}, {_pct(e.relative_ci_high)}]",
            ]
            for e in r.effects
        ]
        parts.append(_table(header, rows))
        if r.subgroups:
            parts.append(
                f"Subgroups by {subgroup}: interaction F test p = {_p(r.interaction_p_value)}"
            )
            sub_rows = [
                [
                    s.subgroup,
                    e.arm,
                    str(sum(s.n.values())),
                    _fmt(e.estimate),
                    _fmt(e.std_error),
                    f"[{_fmt(e.ci_low)}, {_fmt(e.ci_high)}]",
                    _p(e.p_value),
                ]
                for s in r.subgroups
                for e in s.effects
            ]
            parts.append(
                _table(
                    ["subgroup", "arm", "n", "estimate", "std.err", f"{level}% CI", "p"], sub_rows
                )
            )
    return "\n".join(parts)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.2f}%"


def _power_text(result: PowerResult) -> str:
    lines = [
        f"Outcome: {result.outcome}; two-sided alpha {result.alpha}; "
        + (
            "t test"
            if result.outcome == "continuous"
            else "normal test on arcsine-transformed proportions"
        ),
        f"Effect: {_fmt(result.mde)} (standardized {_fmt(result.effect_size)}) at baseline {_fmt(result.baseline)}",
        f"Power: {_fmt(result.power)}",
    ]
    if result.design_effect != 1.0:
        lines.append(
            f"Design effect: {_fmt(result.design_effect)} (ICC {result.icc}, cluster size {result.cluster_size})"
        )
    lines.append(
        f"Sample size: control {result.n_control}, each treatment arm {result.n_treatment}, total {result.n_total} ({result.arms} arms)"
    )
    if result.clusters_control is not None:
        lines.append(
            f"Clusters: control {result.clusters_control}, each treatment arm {result.clusters_treatment}"
        )
    return "\n".join(lines)


def _randomize_text(result: RandomizationResult) -> str:
    lines = [
        "Assigned: "
        + ", ".join(f"{a} {n}" for a, n in result.n.items())
        + f" ({result.strata} strata"
        + (f", {result.clusters} clusters" if result.clusters else "")
        + f"; seed {result.seed})",
        f"Written to {result.out}",
    ]
    if result.balance:
        header = [
            "column",
            *(f"mean {a}" for a in result.arms),
            *(f"std.diff {a}" for a in result.arms[1:]),
        ]
        rows = [
            [
                b.column,
                *(_fmt(b.means[a]) for a in result.arms),
                *(_fmt(b.std_diff[a]) for a in result.arms[1:]),
            ]
            for b in result.balance
        ]
        lines += ["", _table(header, rows)]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
