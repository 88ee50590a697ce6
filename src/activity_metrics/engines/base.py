"""The interface every engine implements, and what they share: the raw tables' DDL and
a lock file for the engines without a server."""

from __future__ import annotations

import datetime as dt
import fcntl
import os
from abc import ABC, abstractmethod

from ..config import RunLocked
from ..generator import SCHEMA

# the contract's column kinds as SQL types (PostgreSQL's; DuckDB takes them too)
SQL_TYPES = {
    "id": "bigint",
    "ts": "timestamptz",
    "bool": "boolean",
    "str": "text",
    "num": "numeric(18, 2)",
}


def raw_table_ddl(name: str, schema: str, naive_timestamps=(), primary_key=False) -> str:
    """`create table` for a raw table of the contract: the timestamp columns in
    `naive_timestamps` without a time zone, the id a primary key when asked."""
    cols = []
    for column, kind in SCHEMA[name]:
        typ = SQL_TYPES[kind]
        if kind == "ts" and column in naive_timestamps:
            typ = "timestamp"
        if primary_key and column == "id":
            typ += " primary key"  # as Django creates it; the nightly reads rely on it
        cols.append(f"{column} {typ}")
    return f"create table {schema}.{name} ({', '.join(cols)})"


class Engine(ABC):
    """A warehouse engine as the package's Python side sees it."""

    target: str

    @abstractmethod
    def query(self, sql: str, params: tuple = ()) -> tuple[list[str], list[tuple]]:
        """One read statement: (column names, rows); a missing relation is a
        WarehouseError that names the command to run."""

    @abstractmethod
    def execute(self, sql: str) -> None:
        """Statements separated by `;`, committed."""

    @abstractmethod
    def write_tables(self, tables: dict, schema: str, progress=None, append=False) -> int:
        """Arrow tables (name -> pyarrow.Table, the contract's raw tables) into `schema`,
        replacing what is there unless `append`; returns the rows written."""

    @abstractmethod
    def table_names(self, schema: str) -> set[str]:
        """The tables `schema` holds (empty when it does not exist)."""

    @abstractmethod
    def drop_schemas(self, *schemas: str) -> None:
        """Drop the schemas and everything in them."""

    @abstractmethod
    def where(self) -> str:
        """Where the warehouse is, in words (for messages)."""

    def release(self) -> None:
        """Let go of what this process holds open (Spark's JVM); most engines hold none."""
        return None

    def run_lock(self, schema: str) -> RunLockHandle:
        """One nightly run at a time: held until the handle is closed."""
        return FileLock(self.lock_path(), self.where())

    def lock_path(self) -> str:
        raise NotImplementedError


class RunLockHandle(ABC):
    env: dict[str, str]

    @abstractmethod
    def close(self) -> None: ...


class FileLock(RunLockHandle):
    """An flock on a file (the engines without a server): the kernel drops it when the
    process dies, however it dies."""

    def __init__(self, path: str, where: str):
        self.env = {}
        handle = open(path, "a+")  # noqa: SIM115 (held until close)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "an unknown time"
            handle.close()
            raise RunLocked(
                f"another run holds the lock on {where} since {holder}: wait for it to finish"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M:%S} UTC (pid {os.getpid()})\n")
        handle.flush()
        self._file = handle

    def close(self) -> None:
        self._file.close()
