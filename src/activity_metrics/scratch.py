"""A warehouse of its own for one dataset: a DuckDB file, a pair of PostgreSQL schemas, or a
pair of Spark databases. The test suite and the benchmarks both build on it (the test
suite adds dbt runs with checks; the benchmarks add timed child processes)."""

from __future__ import annotations

import contextlib
import os

from .generator import Table, write_duckdb, write_postgres
from .warehouse import Settings, environment, warehouse_env


class ScratchWarehouse:
    """Raw tables in `raw_schema`, models in `schema` (on DuckDB, in the file at `path`).
    `env` points dbt, the CLI and the generator at it. On Spark, `release_spark` lets go
    of this process's JVM after each use (when dbt runs in another process, which opens
    the same embedded metastore); without it the session stays for dbt in this process."""

    def __init__(
        self,
        target: str,
        raw_schema: str,
        schema: str,
        path: str,
        extra_env: dict[str, str] | None = None,
        release_spark: bool = False,
    ):
        self.target = target
        self.raw_schema = raw_schema
        self.schema = schema
        self.path = path
        self.env = {**warehouse_env(target, raw_schema, schema, path), **(extra_env or {})}
        self.settings = Settings(target)
        self.release_spark = release_spark

    @contextlib.contextmanager
    def spark(self):
        """The spark helpers (activity_metrics.spark) on this warehouse's metastore."""
        from . import spark

        with environment(self.env):
            try:
                yield spark
            finally:
                if self.release_spark:
                    spark.release_spark()

    def load(self, tables: dict[str, Table], append: bool = False) -> None:
        """Write the raw tables (append: add the rows, as an app's inserts would)."""
        if self.target == "spark":
            with self.spark() as spark:
                spark.write_spark(tables, self.raw_schema, append=append)
        elif self.target == "duckdb":
            write_duckdb(tables, self.path, self.raw_schema, append=append)
        else:
            conn = self.settings.connect_postgres()
            try:
                write_postgres(tables, conn, self.raw_schema, append=append)
            finally:
                conn.close()

    def query(self, sql: str) -> list[tuple]:
        """The rows of one statement (none for a statement that returns none)."""
        if self.target == "spark":
            with self.spark() as spark:
                return [tuple(row) for row in spark.spark_session().sql(sql).collect()]
        if self.target == "duckdb":
            import duckdb

            with duckdb.connect(self.path, read_only=True) as con:
                return con.execute(sql).fetchall()
        conn = self.settings.connect_postgres()
        try:
            with conn.cursor() as cur:
                cur.execute(sql)
                return cur.fetchall() if cur.description else []
        finally:
            conn.commit()
            conn.close()

    def execute(self, sql: str) -> None:
        """Statements separated by `;`, committed."""
        if self.target == "duckdb":
            import duckdb

            with duckdb.connect(self.path) as con:
                for statement in sql.split(";"):
                    if statement.strip():
                        con.execute(statement)
        elif self.target == "spark":
            for statement in sql.split(";"):
                if statement.strip():
                    self.query(statement)
        else:
            self.query(sql)

    def drop(self) -> None:
        """Drop its schemas (on DuckDB, its file)."""
        if self.target == "spark":
            with self.spark() as spark:
                for schema in (self.schema, self.raw_schema):
                    spark.spark_session().sql(f"drop database if exists {schema} cascade")
        elif self.target == "postgres":
            self.query(
                f"drop schema if exists {self.schema} cascade; "
                f"drop schema if exists {self.raw_schema} cascade"
            )
        elif os.path.exists(self.path):
            os.remove(self.path)
