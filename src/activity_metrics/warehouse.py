"""Connections to the warehouse, from the same environment variables as the dbt profile."""

from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass

# the repository the package was installed from (an editable install), by default
_DEFAULT_PROJECT_DIR = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))


def project_dir() -> str:
    """The dbt project: `--project-dir` (which sets $ACTIVITY_PROJECT_DIR), else
    $ACTIVITY_PROJECT_DIR, else the repository the package was installed from."""
    return os.path.abspath(os.environ.get("ACTIVITY_PROJECT_DIR") or _DEFAULT_PROJECT_DIR)


def checked_project_dir() -> str:
    """project_dir(), or a clear error when it holds no dbt project."""
    path = project_dir()
    if not os.path.isfile(os.path.join(path, "dbt_project.yml")):
        raise WarehouseError(
            f"no dbt project at {path} (no dbt_project.yml): pass --project-dir or set "
            "ACTIVITY_PROJECT_DIR to the activity-metrics repository"
        )
    return path


# kept for the callers that read it once (tests, scripts); the CLI calls project_dir()
PROJECT_DIR = project_dir()


class WarehouseError(Exception):
    """A problem the user can fix: shown as one clear message, never a stack trace."""


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")


def identifier(name: str, value: str) -> str:
    """A schema (or table) name that goes into SQL text: a plain identifier, or an
    error that names where it came from. Values never reach SQL unchecked."""
    if not isinstance(value, str) or not _IDENTIFIER.fullmatch(value):
        raise WarehouseError(
            f"{name}={value!r} is not a plain SQL identifier "
            "(letters, digits and underscores, not starting with a digit, at most 63)"
        )
    return value


def env_identifier(variable: str, default: str) -> str:
    return identifier(variable, os.environ.get(variable, default))


def source_schema() -> str:
    """The schema of the app's raw tables ($ACTIVITY_SOURCE_SCHEMA, default app)."""
    return env_identifier("ACTIVITY_SOURCE_SCHEMA", "app")


TARGETS = ("duckdb", "postgres", "spark")


@dataclass
class Settings:
    target: str

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

    def connect_postgres(self):
        import psycopg2

        dsn = self.postgres_dsn()
        try:
            return psycopg2.connect(**dsn)
        except psycopg2.OperationalError as exc:
            raise WarehouseError(
                f"cannot reach PostgreSQL at {dsn['host']}:{dsn['port']} "
                f"(database {dsn['dbname']}): {str(exc).strip().splitlines()[0]}"
            ) from exc

    def query(self, sql: str, params: tuple = ()) -> tuple[list[str], list[tuple]]:
        """Run one read query; returns (column names, rows)."""
        if self.target == "spark":
            from .spark import query_spark

            return query_spark(sql, params)
        if self.target == "duckdb":
            import duckdb

            if not os.path.exists(self.duckdb_path):
                raise WarehouseError(
                    f"no warehouse at {self.duckdb_path}: run `make demo` or "
                    "`activity-metrics generate` then `activity-metrics build`"
                )
            try:
                with duckdb.connect(self.duckdb_path, read_only=True) as con:
                    cur = con.execute(sql.replace("%s", "?"), params)
                    return [d[0] for d in cur.description], cur.fetchall()
            except duckdb.CatalogException as exc:
                raise WarehouseError(_not_built(exc)) from exc
            except duckdb.BinderException as exc:  # built by an older version
                raise WarehouseError(_built_by_another_version(exc)) from exc
            except duckdb.IOException as exc:  # a build holds the file for writing
                raise WarehouseError(
                    f"cannot open {self.duckdb_path} ({str(exc).splitlines()[0][:160]}): "
                    "a build is probably writing it; try again when it has finished"
                ) from exc
        import psycopg2

        conn = self.connect_postgres()
        try:
            with conn.cursor() as cur:
                cur.execute(sql, params)
                return [d[0] for d in cur.description], cur.fetchall()
        except psycopg2.errors.UndefinedTable as exc:
            raise WarehouseError(_not_built(exc)) from exc
        except psycopg2.errors.UndefinedColumn as exc:
            raise WarehouseError(_built_by_another_version(exc)) from exc
        finally:
            conn.close()


def _built_by_another_version(exc: Exception) -> str:
    return (
        f"the warehouse's tables lack what this version reads "
        f"({str(exc).splitlines()[0][:160]}): run `activity-metrics build` to rebuild them"
    )


@contextlib.contextmanager
def environment(env: dict[str, str]):
    """These environment variables set for the duration (the settings, the profile and the
    Spark session read them), the previous values back afterwards."""
    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def warehouse_env(target: str, raw_schema: str, schema: str, duckdb_path: str | None) -> dict:
    """The environment variables that point the profile, the CLI and the generator at one
    warehouse of its own: raw tables in `raw_schema`, models in `schema`."""
    env = {"ACTIVITY_SOURCE_SCHEMA": raw_schema, "ACTIVITY_TARGET": target}
    if target == "duckdb":
        env.update(ACTIVITY_DUCKDB_PATH=duckdb_path, ACTIVITY_DUCKDB_SCHEMA=schema)
    elif target == "spark":
        env.update(ACTIVITY_SPARK_SCHEMA=schema)
    else:
        env.update(ACTIVITY_POSTGRES_SCHEMA=schema)
    return env


def _not_built(exc: Exception) -> str:
    first = str(exc).strip().splitlines()[0]
    return f"the warehouse is not built yet ({first}): run `activity-metrics build`"


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


class RunLocked(WarehouseError):
    """Another nightly run holds the warehouse (exit code 75, EX_TEMPFAIL: retry later)."""


class RunLock:
    """One nightly run at a time per warehouse, held for the whole `activity-metrics
    build` or `backfill`: a PostgreSQL advisory lock on a connection of its own (the
    server drops it when the process dies, however it dies), or an flock on a file
    beside the DuckDB warehouse. `env` is what the dbt child needs to know it runs under
    this lock (the models' on-run-start checks for other holders). Spark in local mode:
    an flock on a file in its directory."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.env: dict[str, str] = {}
        self._conn = None
        self._file = None

    def __enter__(self) -> RunLock:
        if self.settings.target == "postgres":
            self._lock_postgres()
        else:
            self._lock_file()
        return self

    def __exit__(self, *exc) -> None:
        if self._conn is not None:
            self._conn.close()  # the advisory lock goes with the session
        if self._file is not None:
            self._file.close()

    def _lock_postgres(self) -> None:
        schema = self.settings.analytics_schema
        # the same key as macros/run_lock.sql (non-negative: classid 0 in pg_locks)
        key = "(hashtext('activity_metrics:' || current_database() || ':' || %s) & 2147483647)"
        conn = self.settings.connect_postgres()
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(f"select pg_try_advisory_lock({key}), pg_backend_pid()", (schema,))
            acquired, pid = cur.fetchone()
            if not acquired:
                cur.execute(
                    "select activity.pid, activity.backend_start from pg_locks as locks "
                    "inner join pg_stat_activity as activity on locks.pid = activity.pid "
                    "where locks.locktype = 'advisory' and locks.granted and locks.classid = 0 "
                    f"and locks.objid = ({key})::oid",
                    (schema,),
                )
                holder = cur.fetchone() or ("?", "?")
                conn.close()
                raise RunLocked(
                    f"another run holds the lock on {schema} since {holder[1]} "
                    f"(PostgreSQL pid {holder[0]}): wait for it to finish"
                )
        self._conn = conn
        self.env = {"ACTIVITY_RUN_LOCK_PID": str(pid)}

    def _lock_file(self) -> None:
        import datetime as dt
        import fcntl

        path = self.settings.duckdb_path + ".lock"
        if self.settings.target == "spark":
            from .spark import spark_dir

            os.makedirs(spark_dir(), exist_ok=True)
            path = os.path.join(spark_dir(), "run.lock")
        handle = open(path, "a+")  # noqa: SIM115 (held until __exit__)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "an unknown time"
            handle.close()
            raise RunLocked(
                f"another run holds the lock on {self.settings.duckdb_path} since {holder}: "
                "wait for it to finish"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M:%S} UTC (pid {os.getpid()})\n")
        handle.flush()
        self._file = handle
