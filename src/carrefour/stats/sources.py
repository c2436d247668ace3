"""Where the data lives: a CSV or Parquet file, a DuckDB file, PostgreSQL or Spark.

A source answers two questions only: which columns it has (with their kind), and the
rows of an aggregate query written in its SQL dialect. The engine never asks for raw rows.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Self

import duckdb

from .errors import StatsError
from .sql import block_sql, quote

if TYPE_CHECKING:
    import pyarrow as pa

ColumnKind = Literal["integer", "float", "decimal", "boolean", "text", "other"]

NUMERIC_KINDS: frozenset[str] = frozenset({"integer", "float", "decimal", "boolean"})
CSV_NULLS = ["", "NA", "N/A", "NULL", "null", "None"]


@dataclass(frozen=True)
class Column:
    """A column of a source: its name, its kind and the engine's own type name."""

    name: str
    kind: ColumnKind
    type_name: str


def _one_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def _table_sql(table: str) -> str:
    """Quote a possibly schema-qualified table name (``schema.table``)."""
    return ".".join(quote(part) for part in table.split("."))


def _duckdb_kind(type_name: str) -> ColumnKind:
    name = type_name.upper()
    if name in {"FLOAT", "DOUBLE", "REAL", "FLOAT4", "FLOAT8"}:
        return "float"
    if name.startswith("DECIMAL") or name.startswith("NUMERIC"):
        return "decimal"
    if re.fullmatch(r"U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)|UHUGEINT", name):
        return "integer"
    if name == "BOOLEAN":
        return "boolean"
    if name == "VARCHAR":
        return "text"
    return "other"


class Source:
    """A table the engine can query with aggregates (subclass per engine)."""

    dialect: str = "duckdb"
    relation: str = ""

    def columns(self) -> dict[str, Column]:
        """Return the columns of the table, by name."""
        raise NotImplementedError

    def fetch(self, sql: str) -> list[tuple[Any, ...]]:
        """Run one query written in this source's dialect and return its rows."""
        raise NotImplementedError

    def deterministic(self) -> str | None:
        """Make aggregates reproducible; return the SQL expression of each row's block.

        A block is read by one thread from start to end, so its partial sums are the same
        on every run and the caller combines blocks in order (see :mod:`.sql`). ``None``:
        the source's aggregates do not depend on thread timing (or the engine's own
        parallel plans decide, as PostgreSQL's and Spark's do).
        """
        return None

    def close(self) -> None:
        """Release the connection."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class DuckDBSource(Source):
    """A DuckDB connection holding the table (a view over a file, or a DuckDB database)."""

    dialect = "duckdb"

    #: More row groups than this and the per-block results grow too long: one thread reads.
    MAX_BLOCKS = 20_000

    def __init__(
        self,
        connection: duckdb.DuckDBPyConnection,
        relation: str,
        what: str,
        file: Path | None = None,
    ) -> None:
        # DuckDB draws a progress bar on stdout for long queries; stdout carries --json.
        connection.execute("SET enable_progress_bar = false")
        self._con = connection
        self.relation = relation
        self._what = what
        self._file = file
        self._columns: dict[str, Column] | None = None
        self._block: str | None = None
        self._prepared = False
        self._scratch: tempfile.TemporaryDirectory[str] | None = None

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> DuckDBSource:
        """Open a CSV or Parquet file (DuckDB reads it in place, in parallel)."""
        file = Path(path)
        if not file.exists():
            raise StatsError(f"data file '{file}' does not exist")
        if file.is_dir():
            raise StatsError(f"data file '{file}' is a directory, not a CSV or Parquet file")
        suffix = file.suffix.lower()
        if suffix not in {".csv", ".parquet", ".pq"}:
            raise StatsError(
                f"data file '{file}' is not CSV or Parquet (the name must end in .csv or .parquet)"
            )
        if file.stat().st_size == 0:
            raise StatsError(f"data file '{file}' is empty")
        literal = "'" + str(file).replace("'", "''") + "'"
        if suffix == ".csv":
            nulls = ", ".join("'" + x + "'" for x in CSV_NULLS)
            reader = f"read_csv({literal}, header = true, nullstr = [{nulls}])"
            kind = "CSV"
        else:
            reader = f"read_parquet({literal})"
            kind = "Parquet"
        con = duckdb.connect(":memory:")
        try:
            con.execute(f"CREATE VIEW src AS SELECT * FROM {reader}")
            source = cls(con, "src", f"{kind} file '{file}'", file)
            source.columns()
            empty = not con.execute("SELECT 1 FROM src LIMIT 1").fetchall()
        except duckdb.Error as error:
            con.close()
            raise StatsError(f"cannot read '{file}' as {kind}: {_one_line(error)}") from error
        if empty:
            con.close()
            raise StatsError(f"data file '{file}' has no rows")
        return source

    @classmethod
    def from_database(cls, path: str, table: str) -> DuckDBSource:
        """Open a table of a DuckDB database file, read-only."""
        if not Path(path).exists():
            raise StatsError(f"DuckDB database '{path}' does not exist")
        try:
            con = duckdb.connect(path, read_only=True)
        except duckdb.Error as error:
            raise StatsError(f"cannot open DuckDB database '{path}': {_one_line(error)}") from error
        source = cls(con, _table_sql(table), f"table '{table}'")
        try:
            source.columns()
        except duckdb.Error as error:
            con.close()
            raise StatsError(
                f"cannot read table '{table}' in '{path}': {_one_line(error)}"
            ) from error
        return source

    def columns(self) -> dict[str, Column]:
        if self._columns is None:
            rows = self._con.execute(f"DESCRIBE SELECT * FROM {self.relation}").fetchall()
            self._columns = {
                str(r[0]): Column(str(r[0]), _duckdb_kind(str(r[1])), str(r[1])) for r in rows
            }
        return self._columns

    def fetch(self, sql: str) -> list[tuple[Any, ...]]:
        try:
            return self._con.execute(sql).fetchall()
        except duckdb.Error as error:
            raise StatsError(f"query on {self._what} failed: {_one_line(error)}") from error

    def deterministic(self) -> str | None:
        """Number rows by Parquet row group; a CSV is first copied, in order, to Parquet.

        DuckDB reads a Parquet file one row group per thread task. A CSV has no row
        number, so it is written once, in file order, to a temporary Parquet file, which
        the passes then read in parallel instead of parsing the text each time. A DuckDB
        table, or a file of too many row groups, is read by one thread.
        """
        if self._prepared:
            return self._block
        self._prepared = True
        file = self._file
        try:
            if file is not None and file.suffix.lower() == ".csv":
                self._scratch = tempfile.TemporaryDirectory(prefix="carrefour-stats-")
                file = Path(self._scratch.name) / "data.parquet"
                # One thread writes it: row groups of a fixed size, whatever the machine,
                # so that the blocks (and the last digits) do not depend on the cores.
                threads = self._con.execute("SELECT current_setting('threads')").fetchall()
                self._con.execute("SET threads = 1")
                self._con.execute(
                    f"COPY (SELECT * FROM {self.relation}) TO {_literal(str(file))} "
                    "(FORMAT parquet)"
                )
                self._con.execute(f"SET threads = {int(threads[0][0])}")
            if file is not None:
                path = _literal(str(file))
                sizes = [
                    int(r[1])
                    for r in self._con.execute(
                        "SELECT row_group_id, ANY_VALUE(row_group_num_rows) "
                        f"FROM parquet_metadata({path}) GROUP BY ALL ORDER BY 1"
                    ).fetchall()
                ]
                if len(sizes) <= self.MAX_BLOCKS:
                    self.relation = f"read_parquet({path})"
                    self._block = block_sql(sizes)
                    return self._block
        except duckdb.Error as error:
            raise StatsError(f"cannot read {self._what}: {_one_line(error)}") from error
        self._con.execute("SET threads = 1")
        return None

    def arrow(self) -> pa.Table:
        """Return the whole table as Arrow (randomization assigns every row)."""
        try:
            return self._con.sql(f"SELECT * FROM {self.relation}").to_arrow_table()
        except duckdb.Error as error:
            raise StatsError(f"cannot read {self._what}: {_one_line(error)}") from error

    def close(self) -> None:
        self._con.close()
        if self._scratch is not None:
            self._scratch.cleanup()
            self._scratch = None


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


_PG_KINDS: dict[int, ColumnKind] = {
    20: "integer",
    21: "integer",
    23: "integer",
    700: "float",
    701: "float",
    1700: "decimal",
    16: "boolean",
    25: "text",
    1043: "text",
    1042: "text",
}


class PostgresSource(Source):
    """A PostgreSQL table, queried through psycopg."""

    dialect = "postgres"

    def __init__(self, url: str, table: str) -> None:
        import psycopg

        self._psycopg = psycopg
        try:
            self._con = psycopg.connect(url, autocommit=True)
        except psycopg.Error as error:
            raise StatsError(f"cannot connect to PostgreSQL: {_one_line(error)}") from error
        self.relation = _table_sql(table)
        self._table = table
        self._columns: dict[str, Column] | None = None
        try:
            self.columns()
        except StatsError:
            self._con.close()
            raise

    def columns(self) -> dict[str, Column]:
        if self._columns is None:
            sql = f"SELECT * FROM {self.relation} LIMIT 0"
            try:
                with self._con.cursor() as cursor:
                    cursor.execute(sql.encode())
                    description = cursor.description or []
            except self._psycopg.Error as error:
                raise StatsError(
                    f"cannot read table '{self._table}': {_one_line(error)}"
                ) from error
            self._columns = {
                d.name: Column(d.name, _PG_KINDS.get(d.type_code, "other"), str(d.type_code))
                for d in description
            }
        return self._columns

    def fetch(self, sql: str) -> list[tuple[Any, ...]]:
        try:
            with self._con.cursor() as cursor:
                cursor.execute(sql.encode())
                return list(cursor.fetchall())
        except self._psycopg.Error as error:
            raise StatsError(
                f"query on table '{self._table}' failed: {_one_line(error)}"
            ) from error

    def close(self) -> None:
        self._con.close()


_SPARK_KINDS: dict[str, ColumnKind] = {
    "byte": "integer",
    "short": "integer",
    "integer": "integer",
    "long": "integer",
    "float": "float",
    "double": "float",
    "boolean": "boolean",
    "string": "text",
}


class SparkSource(Source):
    """A table or temporary view of a SparkSession (the same SQL, transpiled to Spark)."""

    dialect = "spark"

    def __init__(self, spark: Any, table: str) -> None:
        self._spark = spark
        self._table = table
        self.relation = _table_sql(table)  # canonical (DuckDB) quoting; transpiled later
        self._columns: dict[str, Column] | None = None

    def columns(self) -> dict[str, Column]:
        if self._columns is None:
            schema = self._spark.table(self._table).schema
            result: dict[str, Column] = {}
            for field in schema.fields:
                type_name = str(field.dataType.typeName())
                kind: ColumnKind = _SPARK_KINDS.get(type_name, "other")
                if type_name == "decimal":
                    kind = "decimal"
                result[str(field.name)] = Column(str(field.name), kind, type_name)
            self._columns = result
        return self._columns

    def fetch(self, sql: str) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self._spark.sql(sql).collect()]


def open_source(
    data: str | os.PathLike[str] | None = None,
    *,
    database: str | None = None,
    table: str | None = None,
) -> Source:
    """Open DATA (a CSV/Parquet path) or ``database`` + ``table`` (DuckDB file or PostgreSQL URL)."""
    if database is not None:
        if data is not None:
            raise StatsError("give either a DATA file or --database with --table, not both")
        if not table:
            raise StatsError("--database needs --table NAME")
        if re.match(r"postgres(ql)?(\+\w+)?://", database):
            return PostgresSource(
                re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql://", database), table
            )
        return DuckDBSource.from_database(re.sub(r"^duckdb:(//)?", "", database), table)
    if table is not None:
        raise StatsError("--table needs --database URL")
    if data is None:
        raise StatsError("no data: give a CSV or Parquet file, or --database URL --table NAME")
    return DuckDBSource.from_file(data)


def check_columns(source: Source, wanted: Sequence[str]) -> dict[str, Column]:
    """Return the wanted columns, or fail naming the first one that does not exist."""
    import difflib

    columns = source.columns()
    for name in wanted:
        if name not in columns:
            close = difflib.get_close_matches(name, list(columns), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            available = ", ".join(list(columns)[:12])
            raise StatsError(f"column '{name}' not found{hint} (columns: {available})")
    return columns
