"""PostgreSQL, production: a server reached from the environment's settings."""

from __future__ import annotations

import io

from ..config import RunLocked, WarehouseError, built_by_another_version, identifier, not_built
from ..generator import ACTIVITY_TABLES
from .base import Engine, RunLockHandle, raw_table_ddl


def app_indexes(name: str, schema: str) -> list[str]:
    """The indexes a Django app's table has besides its primary key: one per foreign
    key to users (the actor column). No index on the activity timestamp: an app rarely
    has one, and the project's nightly reads do not need it (they follow the id)."""
    if name not in ACTIVITY_TABLES:
        return []
    actor = ACTIVITY_TABLES[name][0]
    return [f"create index if not exists {name}_{actor}_idx on {schema}.{name} ({actor})"]


class PostgresEngine(Engine):
    target = "postgres"

    def __init__(self, dsn: dict):
        self.dsn = dsn

    def connect(self):
        import psycopg2

        try:
            return psycopg2.connect(**self.dsn)
        except psycopg2.OperationalError as exc:
            raise WarehouseError(
                f"cannot reach PostgreSQL at {self.dsn['host']}:{self.dsn['port']} "
                f"(database {self.dsn['dbname']}): {str(exc).strip().splitlines()[0]}"
            ) from exc

    def query(self, sql: str, params: tuple = ()) -> tuple[list[str], list[tuple]]:
        import psycopg2

        conn = self.connect()
        try:
            with conn.cursor() as cur:
                cur.execute(sql, params or None)  # no params: no % formatting
                if cur.description is None:
                    return [], []
                return [d[0] for d in cur.description], cur.fetchall()
        except psycopg2.errors.UndefinedTable as exc:
            raise WarehouseError(not_built(exc)) from exc
        except psycopg2.errors.UndefinedColumn as exc:
            raise WarehouseError(built_by_another_version(exc)) from exc
        finally:
            conn.commit()
            conn.close()

    def execute(self, sql: str) -> None:
        self.query(sql)

    def write_tables(self, tables: dict, schema: str, progress=None, append=False) -> int:
        import pyarrow.csv as pacsv

        identifier("schema", schema)
        rows = 0
        conn = self.connect()
        try:
            with conn.cursor() as cur:
                cur.execute("set time zone 'UTC'")
                cur.execute(f"create schema if not exists {schema}")
                for name, arrow in tables.items():
                    # keep the table (dbt's views depend on it): create once, then truncate
                    ddl = raw_table_ddl(name, schema, primary_key=True)
                    cur.execute(ddl.replace("create table", "create table if not exists", 1))
                    if not append:
                        cur.execute(f"truncate table {schema}.{name}")
                    buffer = io.BytesIO()
                    pacsv.write_csv(arrow, buffer, pacsv.WriteOptions(include_header=False))
                    buffer.seek(0)
                    cur.copy_expert(f"copy {schema}.{name} from stdin with (format csv)", buffer)
                    for statement in app_indexes(name, schema):
                        cur.execute(statement)
                    rows += arrow.num_rows
                    if progress:
                        progress(name, arrow.num_rows)
            conn.commit()
        finally:
            conn.close()
        return rows

    def table_names(self, schema: str) -> set[str]:
        _, rows = self.query(
            "select table_name from information_schema.tables where table_schema = %s",
            (schema,),
        )
        return {row[0] for row in rows}

    def drop_schemas(self, *schemas: str) -> None:
        self.execute("; ".join(f"drop schema if exists {s} cascade" for s in schemas))

    def where(self) -> str:
        return "the PostgreSQL database"

    def run_lock(self, schema: str) -> RunLockHandle:
        return AdvisoryLock(self, schema)


class AdvisoryLock(RunLockHandle):
    """A PostgreSQL advisory lock on a connection of its own: the server drops it when
    the process dies, however it dies. `env` tells the dbt child the holder's pid (the
    models' on-run-start checks for other holders)."""

    # the same key as macros/run_lock.sql (non-negative: classid 0 in pg_locks)
    KEY = "(hashtext('activity_metrics:' || current_database() || ':' || %s) & 2147483647)"

    def __init__(self, engine: PostgresEngine, schema: str):
        conn = engine.connect()
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(f"select pg_try_advisory_lock({self.KEY}), pg_backend_pid()", (schema,))
            acquired, pid = cur.fetchone()
            if not acquired:
                cur.execute(
                    "select activity.pid, activity.backend_start from pg_locks as locks "
                    "inner join pg_stat_activity as activity on locks.pid = activity.pid "
                    "where locks.locktype = 'advisory' and locks.granted and locks.classid = 0 "
                    f"and locks.objid = ({self.KEY})::oid",
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

    def close(self) -> None:
        self._conn.close()  # the advisory lock goes with the session
