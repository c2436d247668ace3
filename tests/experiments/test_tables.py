"""Analysing a table of a configured database (DuckDB file, PostgreSQL) instead of an upload."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import duckdb
import pytest
from django.utils import translation

import carrefour.stats as stats
from carrefour.config.env import env_pairs
from carrefour.core.exceptions import ApplicationError
from carrefour.experiments import services
from carrefour.experiments.models import Analysis
from tests.experiments.factories import make_experiment, upload_checked

PG_URL = "postgresql://postgres@127.0.0.1:5432/test"

# The same synthetic outcomes as the upload tests' shape, generated in SQL (deterministic).
ROWS_SQL = """
SELECT i AS unit_id,
       CASE WHEN i % 2 = 0 THEN 'control' ELSE 'treatment' END AS arm,
       CASE WHEN ((i * 7919 + 13) % 100) < (CASE WHEN i % 2 = 0 THEN 45 ELSE 57 END) + (i % 7) THEN 1 ELSE 0 END AS paid,
       18 + ((i * 37) % 62) AS age,
       CASE WHEN i % 3 = 0 THEN 'north' ELSE 'south' END AS region
FROM {series}
"""
DUCKDB_SERIES = "range(1, 401) AS t(i)"
PG_SERIES = "generate_series(1, 400) AS i"


@pytest.fixture(autouse=True)
def _english():
    """Service messages are checked in English (a French page visited earlier leaves French active)."""
    with translation.override("en"):
        yield


@pytest.fixture
def warehouse(tmp_path, settings) -> Path:
    """A DuckDB file with good and bad tables, configured as the database “local”."""
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        rows = ROWS_SQL.format(series=DUCKDB_SERIES)
        con.execute("CREATE SCHEMA analytics")
        con.execute(f"CREATE TABLE analytics.outcomes AS {rows}")
        con.execute(f"CREATE TABLE no_paid AS SELECT unit_id, arm, age, region FROM ({rows})")
        con.execute(f"CREATE TABLE bad_arms AS SELECT * REPLACE (CASE WHEN arm = 'treatment' THEN 'letter' ELSE arm END AS arm) FROM ({rows})")
        con.execute(f"CREATE TABLE duplicated AS SELECT * REPLACE (CASE WHEN unit_id = 2 THEN 1 ELSE unit_id END AS unit_id) FROM ({rows})")
        con.execute(f"COPY analytics.outcomes TO '{tmp_path / 'outcomes.parquet'}' (FORMAT parquet)")
    settings.ANALYSIS_DATABASES = {"local": f"duckdb://{path}", "other": "postgresql://secret-user:hunter2@db.invalid:5432/dw"}
    return path


def _result(analysis: Analysis) -> dict:
    return {k: v for k, v in analysis.result.items() if k != "meta"}


def _same(a, b) -> None:
    """Equal structures; floats equal up to summation order (DuckDB reads a table and a file differently)."""
    if isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys()
        for key in a:
            _same(a[key], b[key])
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            _same(x, y)
    elif isinstance(a, float) and isinstance(b, float):
        assert a == pytest.approx(b, rel=1e-9, abs=1e-12)
    else:
        assert a == b


def test_env_pairs_reads_named_urls(monkeypatch):
    monkeypatch.setenv("ANALYSIS_DATABASES", " warehouse=postgresql://u@h:5432/dw?sslmode=require ; local=duckdb:///x.duckdb;")
    assert env_pairs("ANALYSIS_DATABASES") == {
        "warehouse": "postgresql://u@h:5432/dw?sslmode=require",
        "local": "duckdb:///x.duckdb",
    }
    monkeypatch.setenv("ANALYSIS_DATABASES", "postgresql://u:hunter2@h/dw")
    with pytest.raises(ValueError, match="item 1 is not a name=value pair") as info:
        env_pairs("ANALYSIS_DATABASES")
    assert "hunter2" not in str(info.value)
    monkeypatch.delenv("ANALYSIS_DATABASES")
    assert env_pairs("ANALYSIS_DATABASES") == {}


def test_table_analysed_end_to_end_equals_the_parquet_upload(
    owner, team, warehouse, client, django_capture_on_commit_callbacks
):
    experiment = make_experiment(owner, team=team, register=True, subgroup_column="region")
    client.force_login(owner)
    page = client.get(f"/en/experiments/{experiment.pk}/data/").content.decode()
    assert "Analyse a table in a configured database" in page
    assert '<option value="local"' in page and '<option value="other"' in page
    assert "hunter2" not in page and "secret-user" not in page and str(warehouse) not in page
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            f"/en/experiments/{experiment.pk}/data/table/", {"database": "local", "table": "analytics.outcomes"}
        )
    assert response.status_code == 302 and len(callbacks) == 1
    analysis = Analysis.objects.get(experiment=experiment)
    assert analysis.status == Analysis.Status.DONE, analysis.error
    assert (analysis.dataset, analysis.source_database, analysis.source_table, analysis.source_rows) == (
        None, "local", "analytics.outcomes", 400
    )
    assert len(analysis.input_sha256) == 64 and analysis.engine_version == stats.__version__
    stored = json.dumps({f.name: getattr(analysis, f.attname) for f in Analysis._meta.concrete_fields}, default=str)
    assert str(warehouse) not in stored and "duckdb" not in stored

    # The same rows uploaded as a Parquet file give the same results.
    parquet = warehouse.parent / "outcomes.parquet"
    with parquet.open("rb") as f:
        dataset = upload_checked(experiment=experiment, actor=owner, file=f, name="outcomes.parquet")
    uploaded = services.analysis_run(
        analysis_id=services.analysis_request(experiment=experiment, actor=owner, dataset=dataset, enqueue=False).pk
    )
    assert uploaded.status == Analysis.Status.DONE, uploaded.error
    _same(_result(analysis), _result(uploaded))
    assert analysis.result["meta"] == uploaded.result["meta"]

    page = client.get(response["Location"]).content.decode()
    assert "local: analytics.outcomes" in page and "Effects on Paid against the control" in page
    data_page = client.get(f"/en/experiments/{experiment.pk}/data/").content.decode()
    assert "local: analytics.outcomes" in data_page

    # The checksum is stable for the same data, and changes with the data.
    with services._open_table("local", "analytics.outcomes") as source:
        again, rows = services.table_checksum(
            source=source, database="local", table="analytics.outcomes", columns=services.planned_columns(experiment)
        )
    assert (again, rows) == (analysis.input_sha256, 400)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("UPDATE analytics.outcomes SET paid = 1 - paid WHERE unit_id = 7")
    with services._open_table("local", "analytics.outcomes") as source:
        changed, _rows = services.table_checksum(
            source=source, database="local", table="analytics.outcomes", columns=services.planned_columns(experiment)
        )
    assert changed != analysis.input_sha256


@pytest.mark.parametrize(
    ("post", "message"),
    [
        ({"database": "local", "table": "outcomes; DROP TABLE no_paid"}, "is not a table name"),
        ({"database": "local", "table": 'analytics."outcomes"'}, "is not a table name"),
        ({"database": "local", "table": "a.b.c"}, "is not a table name"),
        ({"database": "nowhere", "table": "no_paid"}, "Select a valid choice"),
        ({"database": "local", "table": "no_paid"}, "The table has no column named “paid”"),
        ({"database": "local", "table": "bad_arms"}, "arm labels that are not in the plan: “letter”"),
        ({"database": "local", "table": "duplicated"}, "must be unique; duplicated: “1” (2×)"),
        ({"database": "local", "table": "missing_table"}, "The database “local” has no table “missing_table”"),
        ({"database": "other", "table": "outcomes"}, "The database “other” cannot be reached"),
    ],
)
def test_bad_table_requests_are_refused_with_the_problem_named(owner, team, warehouse, client, post, message):
    experiment = make_experiment(owner, team=team, register=True)
    client.force_login(owner)
    response = client.post(f"/en/experiments/{experiment.pk}/data/table/", post)
    html = response.content.decode()
    assert response.status_code == 200
    assert message.replace("“", "&ldquo;").replace("”", "&rdquo;") in html or message in html
    assert "hunter2" not in html and "db.invalid" not in html and str(warehouse) not in html
    assert not Analysis.objects.filter(experiment=experiment).exists()


def test_service_refuses_unknown_database_and_bad_names(owner, team, warehouse):
    experiment = make_experiment(owner, team=team, register=True)
    with pytest.raises(ApplicationError, match="No database named “nowhere” is configured"):
        services.analysis_request_from_table(experiment=experiment, actor=owner, database="nowhere", table="outcomes")
    with pytest.raises(ApplicationError, match="is not a table name"):
        services.analysis_request_from_table(experiment=experiment, actor=owner, database="local", table="x--y")
    draft = make_experiment(owner, team=team)
    with pytest.raises(ApplicationError, match="Register the plan"):
        services.analysis_request_from_table(experiment=draft, actor=owner, database="local", table="analytics.outcomes")
    assert not Analysis.objects.exists()


def test_only_the_team_can_analyse_a_table(owner, team, moderator, outsider, warehouse, client):
    experiment = make_experiment(owner, team=team, register=True)
    for user in (moderator, outsider):
        with pytest.raises(ApplicationError, match="Only the experiment's team"):
            services.analysis_request_from_table(
                experiment=experiment, actor=user, database="local", table="analytics.outcomes"
            )
        client.force_login(user)
        response = client.post(
            f"/en/experiments/{experiment.pk}/data/table/", {"database": "local", "table": "analytics.outcomes"}
        )
        assert response.status_code in (403, 404)
    client.logout()
    response = client.post(f"/en/experiments/{experiment.pk}/data/table/", {"database": "local", "table": "analytics.outcomes"})
    assert response.status_code == 302 and "/accounts/" in response["Location"]
    assert not Analysis.objects.exists()


def test_without_configured_databases_the_form_is_replaced_by_a_hint(owner, team, client, settings):
    settings.ANALYSIS_DATABASES = {}
    experiment = make_experiment(owner, team=team, register=True)
    client.force_login(owner)
    page = client.get(f"/en/experiments/{experiment.pk}/data/").content.decode()
    assert "No database is configured for analysis" in page
    assert "/data/table/" not in page
    assert client.post(f"/en/experiments/{experiment.pk}/data/table/", {"database": "x", "table": "t"}).status_code == 404
    french = client.get(f"/fr/experiments/{experiment.pk}/data/").content.decode()
    assert "Aucune base de données" in french


def test_a_table_removed_before_the_task_runs_fails_visibly_and_retries(
    owner, team, warehouse, django_capture_on_commit_callbacks
):
    experiment = make_experiment(owner, team=team, register=True)
    analysis = services.analysis_request_from_table(
        experiment=experiment, actor=owner, database="local", table="analytics.outcomes", enqueue=False
    )
    with duckdb.connect(str(warehouse)) as con:
        con.execute("ALTER TABLE analytics.outcomes RENAME TO outcomes_away")
    analysis = services.analysis_run(analysis_id=analysis.pk)
    assert analysis.status == Analysis.Status.FAILED
    assert "has no table “analytics.outcomes”" in analysis.error and str(warehouse) not in analysis.error
    with duckdb.connect(str(warehouse)) as con:
        con.execute("ALTER TABLE analytics.outcomes_away RENAME TO outcomes")
    with django_capture_on_commit_callbacks(execute=True):
        services.analysis_retry(analysis=analysis, actor=owner)
    analysis.refresh_from_db()
    assert analysis.status == Analysis.Status.DONE and analysis.attempts == 2


@pytest.fixture
def pg_table(settings):
    """A uniquely named PostgreSQL table with the synthetic rows; dropped afterwards."""
    psycopg = pytest.importorskip("psycopg")
    try:
        con = psycopg.connect(PG_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL is not reachable at {PG_URL}: {exc}")
    name = f"cf_outcomes_{uuid.uuid4().hex[:12]}"
    try:
        con.execute(f"CREATE TABLE public.{name} AS {ROWS_SQL.format(series=PG_SERIES)}")
        settings.ANALYSIS_DATABASES = {"warehouse": PG_URL}
        yield f"public.{name}"
    finally:
        con.execute(f"DROP TABLE IF EXISTS public.{name}")
        con.close()


def test_postgresql_table_is_analysed_like_the_same_rows_in_duckdb(
    owner, team, pg_table, tmp_path, django_capture_on_commit_callbacks
):
    experiment = make_experiment(owner, team=team, register=True, subgroup_column="region")
    with django_capture_on_commit_callbacks(execute=True):
        analysis = services.analysis_request_from_table(
            experiment=experiment, actor=owner, database="warehouse", table=pg_table
        )
    analysis.refresh_from_db()
    assert analysis.status == Analysis.Status.DONE, analysis.error
    assert (analysis.source_database, analysis.source_table, analysis.source_rows) == ("warehouse", pg_table, 400)
    parquet = tmp_path / "same.parquet"
    duckdb.sql(ROWS_SQL.format(series=DUCKDB_SERIES)).write_parquet(str(parquet))
    expected = stats.analyze(parquet, **analysis.options).to_dict()
    _same(_result(analysis), json.loads(json.dumps(services.plan_module.finite(expected))))

    # The same checks as for uploads, in PostgreSQL's SQL.
    spent = make_experiment(owner, team=team, register=True, outcomes=[
        {"column": "spent", "label_en": "Spent", "label_fr": "Dépensé", "kind": "continuous", "primary": True}])
    with pytest.raises(ApplicationError, match="The table has no column named “spent”"):
        services.analysis_request_from_table(experiment=spent, actor=owner, database="warehouse", table=pg_table)
    letter = make_experiment(owner, team=team, register=True, arms=[
        {"label": "control", "name_en": "Control", "name_fr": "Témoin", "allocation": 1},
        {"label": "letter", "name_en": "Letter", "name_fr": "Lettre", "allocation": 1}])
    with pytest.raises(ApplicationError, match="arm labels that are not in the plan: “treatment”"):
        services.analysis_request_from_table(experiment=letter, actor=owner, database="warehouse", table=pg_table)
    with pytest.raises(ApplicationError, match="The database “warehouse” has no table “public.nope”"):
        services.analysis_request_from_table(experiment=letter, actor=owner, database="warehouse", table="public.nope")
    assert Analysis.objects.count() == 1

    # Types without MIN/MAX in PostgreSQL (uuid) or of their own kind (date) are summarised as text.
    import psycopg

    with psycopg.connect(PG_URL, autocommit=True) as con:
        con.execute(f"ALTER TABLE {pg_table} ADD COLUMN uid uuid DEFAULT gen_random_uuid(), ADD COLUMN day date DEFAULT '2026-01-31'")
    with services._open_table("warehouse", pg_table) as source:
        first, rows = services.table_checksum(source=source, database="warehouse", table=pg_table, columns=["uid", "day"])
        second, _rows = services.table_checksum(source=source, database="warehouse", table=pg_table, columns=["uid", "day"])
    assert rows == 400 and first == second
