"""One module per engine behind one small interface (`Engine`): query, execute, write
Arrow tables, list a schema's tables, drop schemas, hold the run lock, say where it is.
Everything that differs between DuckDB, PostgreSQL and Spark on the Python side lives
here; the rest of the package asks an engine."""

from __future__ import annotations

from .base import Engine, raw_table_ddl
from .duckdb import DuckDBEngine
from .postgres import PostgresEngine
from .spark import SparkEngine

__all__ = ["DuckDBEngine", "Engine", "PostgresEngine", "SparkEngine", "raw_table_ddl"]
