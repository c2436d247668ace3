"""Where the data lives: a CSV or Parquet file, a DuckDB file, PostgreSQL or Spark.

A source answers two questions only: which columns it has (with their kind), and the
rows of an aggregate query written in its SQL dialect. The engine never asks for raw rows.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import tempfile
import threading
from collections.abc import Iterator, Sequence
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

#: A file wider than this is refused from its first line: DuckDB's reader needs minutes
#: and gigabytes for 200,000 columns.
MAX_COLUMNS = 1_000
#: The longest line of a CSV file, in bytes (DuckDB stops at the first longer one).
MAX_LINE_BYTES = 1024 * 1024
DELIMITERS = ",;\t|"


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


def sniff_csv(
    path: str | os.PathLike[str],
    *,
    max_columns: int = MAX_COLUMNS,
    max_line_bytes: int = MAX_LINE_BYTES,
) -> tuple[str, list[str]]:
    """Check a CSV file's first bytes cheaply; return its delimiter and header.

    Reads at most ``max_line_bytes`` bytes: the header must end within them and have at
    most ``max_columns`` fields, and every record read must have as many fields as the
    header, with every quote closed (checked to the end when the whole file was read).
    Raises :class:`StatsError` naming the line at fault.
    """
    with open(path, "rb") as handle:
        head = handle.read(max_line_bytes + 1)
        whole = len(head) <= max_line_bytes and not handle.read(1)
    end = head.find(b"\n")
    if end < 0 and not whole:
        raise StatsError(
            f"line 1 is longer than {max_line_bytes} bytes",
            "line_too_long",
            line=1,
            limit=max_line_bytes,
        )
    if not whole:
        head = head[: head.rfind(b"\n") + 1]
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as error:
        if whole or error.start < len(head) - 4:  # not a character cut at the end
            line = head[: error.start].count(b"\n") + 1
            raise StatsError(f"line {line} is not UTF-8 text", "not_utf8", line=line) from error
        text = head[: error.start].decode("utf-8")
    text = text.removeprefix("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = max(DELIMITERS, key=first.count) if any(d in first for d in DELIMITERS) else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header: list[str] | None = None
    start = 1
    try:
        for record in reader:
            if header is None:
                header = record
                if len(header) > max_columns:
                    raise StatsError(
                        f"the file has {len(header)} columns; at most {max_columns} are allowed",
                        "too_many_columns",
                        columns=len(header),
                        limit=max_columns,
                    )
            elif record and len(record) != len(header):
                raise StatsError(
                    f"line {start} has {len(record)} fields, the header has {len(header)}",
                    "wrong_field_count",
                    line=start,
                    found=len(record),
                    expected=len(header),
                )
            start = reader.line_num + 1
    except csv.Error as error:
        if whole or reader.line_num < text.count("\n"):
            raise StatsError(
                f"line {start} has a quote that is never closed",
                "unclosed_quote",
                line=start,
            ) from error
    return delimiter, header or []


def sniff_parquet(path: str | os.PathLike[str], *, max_columns: int = MAX_COLUMNS) -> list[str]:
    """Read a Parquet file's footer only (no row group); return its column names.

    Raises :class:`StatsError` when it has more than ``max_columns`` columns or is not Parquet.
    """
    literal = _literal(str(path))
    con = duckdb.connect(":memory:")
    try:
        width = int(con.execute(f"SELECT COUNT(*) - 1 FROM parquet_schema({literal})").fetchall()[0][0])
        if width > max_columns:
            raise StatsError(
                f"the file has {width} columns; at most {max_columns} are allowed",
                "too_many_columns",
                columns=width,
                limit=max_columns,
            )
        described = con.execute(f"DESCRIBE SELECT * FROM read_parquet({literal})").fetchall()
    except duckdb.Error as error:
        raise StatsError(f"cannot read '{path}' as Parquet: {error}", "unreadable") from error
    finally:
        con.close()
    return [str(row[0]) for row in described]


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
        #: Seconds any one query may take before it is interrupted (None: no limit).
        self.time_limit: float | None = None

    @contextlib.contextmanager
    def _watch(self) -> Iterator[None]:
        """Interrupt the connection's query if it runs past ``time_limit``."""
        if self.time_limit is None:
            yield
            return
        done = threading.Event()
        limit = self.time_limit

        def watch() -> None:
            # Past the limit, interrupt until the query stops: an interrupt that lands
            # before DuckDB has started the query is forgotten, so one is not enough.
            if done.wait(limit):
                return
            while not done.wait(0.01):
                self._con.interrupt()

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        try:
            yield
        finally:
            done.set()
            watcher.join()

    def _problem(self, error: duckdb.Error, what: str) -> StatsError:
        """Name a DuckDB failure: the time limit, or the line of the file at fault."""
        text = str(error).lower()
        if isinstance(error, duckdb.InterruptException):
            return StatsError(
                f"{what}: reading took longer than {self.time_limit} seconds",
                "time_limit",
                seconds=self.time_limit,
            )
        found = re.search(r"csv error on line: (\d+)", text)
        if found:
            line = int(found.group(1))
            if "maximum line size" in text:
                return StatsError(
                    f"line {line} is longer than {MAX_LINE_BYTES} bytes",
                    "line_too_long",
                    line=line,
                    limit=MAX_LINE_BYTES,
                )
            if "unterminated quote" in text:
                return StatsError(
                    f"line {line} has a quote that is never closed", "unclosed_quote", line=line
                )
            if "expected number of columns" in text:
                return StatsError(
                    f"line {line} does not have as many fields as the header",
                    "wrong_field_count",
                    line=line,
                )
            return StatsError(f"{what}: {_one_line(error)}", "malformed_line", line=line)
        return StatsError(f"{what}: {_one_line(error)}", "unreadable")

    @classmethod
    def from_file(
        cls, path: str | os.PathLike[str], *, time_limit: float | None = None
    ) -> DuckDBSource:
        """Open a CSV or Parquet file (DuckDB reads it in place, in parallel).

        A CSV's first bytes are checked first (:func:`sniff_csv`), a Parquet file's footer
        (:data:`MAX_COLUMNS`); ``time_limit`` (seconds) interrupts any one query that takes
        longer, this opening included.
        """
        file = Path(path)
        if not file.exists():
            raise StatsError(f"data file '{file}' does not exist", "file_missing")
        if file.is_dir():
            raise StatsError(
                f"data file '{file}' is a directory, not a CSV or Parquet file", "not_data_file"
            )
        suffix = file.suffix.lower()
        if suffix not in {".csv", ".parquet", ".pq"}:
            raise StatsError(
                f"data file '{file}' is not CSV or Parquet (the name must end in .csv or .parquet)",
                "not_data_file",
            )
        if file.stat().st_size == 0:
            raise StatsError(f"data file '{file}' is empty", "file_empty")
        literal = _literal(str(file))
        if suffix == ".csv":
            delimiter, _header = sniff_csv(file)
            nulls = ", ".join("'" + x + "'" for x in CSV_NULLS)
            reader = (
                f"read_csv({literal}, header = true, delim = {_literal(delimiter)}, "
                f"quote = '\"', escape = '\"', strict_mode = true, "
                f"max_line_size = {MAX_LINE_BYTES}, nullstr = [{nulls}])"
            )
            kind = "CSV"
        else:
            reader = f"read_parquet({literal})"
            kind = "Parquet"
        con = duckdb.connect(":memory:")
        source = cls(con, "src", f"{kind} file '{file}'", file)
        source.time_limit = time_limit
        try:
            with source._watch():
                if kind == "Parquet":
                    width = con.execute(
                        f"SELECT COUNT(*) - 1 FROM parquet_schema({literal})"
                    ).fetchall()[0][0]
                    if width > MAX_COLUMNS:
                        raise StatsError(
                            f"the file has {width} columns; at most {MAX_COLUMNS} are allowed",
                            "too_many_columns",
                            columns=int(width),
                            limit=MAX_COLUMNS,
                        )
                con.execute(f"CREATE VIEW src AS SELECT * FROM {reader}")
                source.columns()
                empty = not con.execute("SELECT 1 FROM src LIMIT 1").fetchall()
        except duckdb.Error as error:
            con.close()
            raise source._problem(error, f"cannot read '{file}' as {kind}") from error
        except StatsError:
            con.close()
            raise
        if empty:
            con.close()
            raise StatsError(f"data file '{file}' has no rows", "no_rows")
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
            with self._watch():
                return self._con.execute(sql).fetchall()
        except duckdb.Error as error:
            raise self._problem(error, f"query on {self._what} failed") from error

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
                with self._watch():
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
            raise self._problem(error, f"cannot read {self._what}") from error
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
            raise StatsError(
                f"column '{name}' not found{hint} (columns: {available})",
                "column_missing",
                column=name,
            )
    return columns
