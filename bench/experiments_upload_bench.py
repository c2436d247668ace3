"""Time a 10M-row outcome upload and its analysis as a background task (not part of the test suite).

    .venv/bin/python bench/experiments_upload_bench.py [--rows 10000000] [--keep]

1. DuckDB writes a synthetic Parquet file (unit_id, arm, region, age, prior_late, paid, amount).
2. The file goes through `services.dataset_upload` exactly as an upload does: copied chunk
   by chunk into private storage with its SHA-256, then checked against the registered plan
   (columns, arm labels, duplicate unit IDs) by DuckDB.
3. `services.analysis_request` queues the task on the django-tasks *database* backend (the
   demo's), and a separate `manage.py db_worker --batch` process runs it, as in `make demo`.

By default it uses its own SQLite database and media folder under a temporary directory, so
the demo's data is untouched. Prints rows, file size, seconds per step and peak memory.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 1024 / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--format", choices=["parquet", "csv"], default="parquet")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="carrefour-bench-"))
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "DJANGO_SETTINGS_MODULE": "carrefour.config.settings",
        "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{work / 'bench.sqlite3'}"),
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    }
    os.environ.update(env)
    sys.path.insert(0, str(ROOT / "src"))

    import django
    from django.conf import settings

    django.setup()
    settings.MEDIA_ROOT = work / "media"
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    import duckdb
    from django.core.files import File

    from carrefour.directory import demo as directory_demo
    from carrefour.directory.models import Jurisdiction, User
    from carrefour.experiments import services
    from carrefour.experiments.models import Analysis

    directory_demo.load()
    owner = User.objects.get(email="amelie.tremblay@canada.ca")
    experiment = services.experiment_create(
        actor=owner,
        data={
            "title_en": "Benchmark: reminder letters at national scale",
            "title_fr": "Banc d'essai : lettres de rappel à l'échelle nationale",
            "intervention_type": "reminder",
            "outcome_domain": "tax_compliance",
            "jurisdiction": Jurisdiction.objects.get(code="ca"),
            "visibility": "private",
            "arms": [
                {"label": "control", "name_en": "Control", "name_fr": "Témoin", "allocation": 1},
                {"label": "treatment", "name_en": "Letter", "name_fr": "Lettre", "allocation": 1},
            ],
            "outcomes": [
                {"column": "paid", "label_en": "Paid", "label_fr": "Payé", "kind": "binary", "primary": True},
                {"column": "amount", "label_en": "Amount", "label_fr": "Montant", "kind": "continuous", "primary": False},
            ],
            "covariates": ["age", "prior_late"],
            "strata": ["region"],
        },
    )
    services.experiment_register(experiment=experiment, actor=owner, public_fields=services.plan_module.SWITCHABLE)
    experiment.refresh_from_db()

    data = work / f"outcomes.{args.format}"
    out_format = "parquet, ROW_GROUP_SIZE 1000000" if args.format == "parquet" else "csv, HEADER"
    t0 = time.monotonic()
    con = duckdb.connect()
    con.execute("SELECT setseed(0.42)")
    con.execute(
        f"""
        COPY (
          SELECT i AS unit_id,
                 CASE WHEN random() < 0.5 THEN 'treatment' ELSE 'control' END AS arm,
                 'r' || CAST(i % 10 AS VARCHAR) AS region,
                 18 + CAST(floor(random() * 70) AS INTEGER) AS age,
                 CAST(random() < 0.35 AS INTEGER) AS prior_late
          FROM range(1, {args.rows} + 1) t(i)
        ) TO '{work / "base.parquet"}' (FORMAT parquet)
        """
    )
    con.execute(
        f"""
        COPY (
          SELECT *, CAST(random() < 0.55 + CASE WHEN arm = 'treatment' THEN 0.03 ELSE 0 END
                                  - 0.05 * prior_late + 0.001 * (age - 50) AS INTEGER) AS paid,
                 round(100 + 5 * (arm = 'treatment')::INTEGER + 0.5 * age + 30 * random(), 2) AS amount
          FROM read_parquet('{work / "base.parquet"}')
        ) TO '{data}' (FORMAT {out_format})
        """
    )
    con.close()
    (work / "base.parquet").unlink()
    generate_s = time.monotonic() - t0
    size_mb = data.stat().st_size / 1024 / 1024

    rss_before = _rss_mb()
    t1 = time.monotonic()
    with data.open("rb") as f:
        dataset = services.dataset_upload(experiment=experiment, actor=owner, file=File(f, name=data.name))
    upload_s = time.monotonic() - t1
    rss_after_upload = _rss_mb()

    analysis = services.analysis_request(experiment=experiment, actor=owner, dataset=dataset)
    t2 = time.monotonic()
    worker = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "db_worker", "--batch", "--no-startup-delay", "--no-reload", "-v", "0"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    worker_s = time.monotonic() - t2
    analysis.refresh_from_db()
    if analysis.status != Analysis.Status.DONE:
        print("analysis did not finish:", analysis.status, analysis.error, worker.stderr[-2000:])
        return 1
    effect = analysis.result["results"][0]["effects"][0]
    print(f"rows                     {dataset.rows:>12,}")
    print(f"file ({args.format:<7})           {size_mb:>12,.1f} MB")
    print(f"generate with DuckDB     {generate_s:>12.1f} s")
    print(f"upload + checks          {upload_s:>12.1f} s   (RSS {rss_before:,.0f} → {rss_after_upload:,.0f} MB)")
    print(f"analysis task            {analysis.seconds:>12.1f} s   (engine {analysis.engine_version}, Lin + strata FE, 2 outcomes)")
    print(f"worker process, wall     {worker_s:>12.1f} s   (includes Django start-up)")
    print(f"effect on paid           {effect['estimate']:>12.5f} ± {effect['std_error']:.5f}")
    print(f"input SHA-256            {analysis.input_sha256}")
    if not args.keep:
        import shutil

        shutil.rmtree(work, ignore_errors=True)
    else:
        print("kept", work)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
