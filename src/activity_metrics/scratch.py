"""A warehouse of its own for one dataset: a DuckDB file, a pair of PostgreSQL schemas, or a
pair of Spark databases. The test suite and the benchmarks both build on it (the test
suite adds dbt runs with checks; the benchmarks add timed child processes)."""

from __future__ import annotations

import contextlib

from .generator import ArrowOneByOne, Table
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
        self.release_spark = release_spark
        with environment(self.env):  # the engine of this warehouse, not the default one
            self.settings = Settings(target)
            self.engine = self.settings.engine

    @contextlib.contextmanager
    def session(self):
        """This warehouse's environment around an engine call (Spark's session reads it),
        the JVM let go afterwards when asked."""
        with environment(self.env):
            try:
                yield self.engine
            finally:
                if self.release_spark:
                    self.engine.release()

    def load(self, tables: dict[str, Table], append: bool = False) -> None:
        """Write the raw tables (append: add the rows, as an app's inserts would)."""
        with self.session() as engine:
            engine.write_tables(ArrowOneByOne(tables), self.raw_schema, append=append)

    def query(self, sql: str) -> list[tuple]:
        """The rows of one statement (none for a statement that returns none)."""
        with self.session() as engine:
            return engine.query(sql)[1]

    def execute(self, sql: str) -> None:
        """Statements separated by `;`, committed."""
        with self.session() as engine:
            engine.execute(sql)

    def drop(self) -> None:
        """Drop its schemas (on DuckDB, its file), the one dbt keeps test failures in
        (store_failures) included."""
        with self.session() as engine:
            engine.drop_schemas(self.schema, f"{self.schema}_dbt_test__audit", self.raw_schema)
