"""Connections to the warehouse, from the same environment variables as the dbt profile:
the settings (built once, by the CLI's main), the engine they name, the run lock and the
DuckDB build copy."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from .config import (  # noqa: F401 (the names the package has always imported from here)
    TARGETS,
    RunLocked,
    WarehouseError,
    checked_project_dir,
    dbt_target_dir,
    env_identifier,
    environment,
    identifier,
    project_dir,
    source_schema,
    warehouse_env,
)
from .engines import DuckDBEngine, Engine, PostgresEngine, SparkEngine


@dataclass
class Settings:
    target: str
    _engine: Engine | None = field(default=None, repr=False, compare=False)

    @classmethod
    def from_env(cls, target: str | None = None) -> Settings:
        target = target or os.environ.get("ACTIVITY_TARGET", "duckdb")
        if target not in TARGETS:
            raise WarehouseError(f"unknown target {target!r}: use duckdb, postgres or spark")
        return cls(target)

    @property
    def duckdb_path(self) -> str:
        path = os.environ.get("ACTIVITY_DUCKDB_PATH", "activity_metrics.duckdb")
        return path if os.path.isabs(path) else os.path.join(project_dir(), path)

    @property
    def analytics_schema(self) -> str:
        if self.target == "duckdb":
            return env_identifier("ACTIVITY_DUCKDB_SCHEMA", "analytics")
        if self.target == "spark":
            return env_identifier("ACTIVITY_SPARK_SCHEMA", "analytics")
        return env_identifier("ACTIVITY_POSTGRES_SCHEMA", "analytics")

    def postgres_dsn(self) -> dict:
        port = os.environ.get("ACTIVITY_POSTGRES_PORT", "5432")
        if not port.isdigit() or not 0 < int(port) < 65536:
            raise WarehouseError(f"ACTIVITY_POSTGRES_PORT={port!r} is not a port number")
        return {
            "host": os.environ.get("ACTIVITY_POSTGRES_HOST", "127.0.0.1"),
            "port": int(port),
            "user": os.environ.get("ACTIVITY_POSTGRES_USER", "postgres"),
            "password": os.environ.get("DBT_ENV_SECRET_POSTGRES_PASSWORD", ""),
            "dbname": os.environ.get("ACTIVITY_POSTGRES_DATABASE", "postgres"),
            "connect_timeout": 5,
        }

    @property
    def engine(self) -> Engine:
        """The engine of the target, made once (from the environment as it is then)."""
        if self._engine is None:
            if self.target == "duckdb":
                self._engine = DuckDBEngine(self.duckdb_path)
            elif self.target == "spark":
                self._engine = SparkEngine()
            else:
                self._engine = PostgresEngine(self.postgres_dsn())
        return self._engine

    def connect_postgres(self):
        return PostgresEngine(self.postgres_dsn()).connect()

    def query(self, sql: str, params: tuple = ()) -> tuple[list[str], list[tuple]]:
        """Run one read query; returns (column names, rows)."""
        return self.engine.query(sql, params)


class BuildCopy:
    """DuckDB readers during a build: `activity-metrics build` writes a copy of the
    warehouse file and swaps it in (an atomic rename) when dbt has finished, so the
    dashboards and `show` keep reading the published file, never a locked or half-built
    one. `env` points dbt at the copy. Interrupted, the copy is dropped and the published
    file stays as it was (the next run starts again from it). Other engines: a no-op."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.env: dict[str, str] = {}
        self.building: str | None = None

    def __enter__(self) -> BuildCopy:
        import shutil

        if self.settings.target != "duckdb":
            return self
        published = self.settings.duckdb_path
        self.building = published + ".building"
        self._drop_copy()
        if os.path.exists(published):
            shutil.copyfile(published, self.building)
            if os.path.exists(published + ".wal"):  # not yet checkpointed: part of the data
                shutil.copyfile(published + ".wal", self.building + ".wal")
        self.env = {"ACTIVITY_DUCKDB_PATH": self.building}
        return self

    def publish(self) -> None:
        """The copy becomes the warehouse (readers that have it open keep the old one)."""
        import duckdb

        if self.building is None or not os.path.exists(self.building):
            return
        with duckdb.connect(self.building) as con:  # no write-ahead log left behind
            con.execute("checkpoint")
        published = self.settings.duckdb_path
        if os.path.exists(published + ".wal"):  # merged into the copy above
            os.remove(published + ".wal")
        os.replace(self.building, published)
        self.building = None

    def _drop_copy(self) -> None:
        for path in (self.building, f"{self.building}.wal"):
            if path and os.path.exists(path):
                os.remove(path)

    def __exit__(self, *exc) -> None:
        if self.building is not None:
            self._drop_copy()


class RunLock:
    """One nightly run at a time per warehouse, held for the whole `activity-metrics
    build` or `backfill`: the engine's lock (a PostgreSQL advisory lock on a connection
    of its own, an flock on a file beside the DuckDB warehouse or in Spark's directory;
    either goes when the process dies, however it dies). `env` is what the dbt child
    needs to know it runs under this lock (the models' on-run-start checks for other
    holders)."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.env: dict[str, str] = {}
        self._handle = None

    def __enter__(self) -> RunLock:
        self._handle = self.settings.engine.run_lock(self.settings.analytics_schema)
        self.env = self._handle.env
        return self

    def __exit__(self, *exc) -> None:
        if self._handle is not None:
            self._handle.close()
