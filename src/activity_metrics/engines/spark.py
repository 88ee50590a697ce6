"""Spark in local mode: the session of activity_metrics.spark (one per process, the
metastore an embedded Derby database), raw tables as Parquet files."""

from __future__ import annotations

import os
import shutil

from .. import spark as session
from ..config import identifier
from .base import Engine


class SparkEngine(Engine):
    target = "spark"

    def query(self, sql: str, params: tuple = ()) -> tuple[list[str], list[tuple]]:
        return session.query_spark(sql, params)

    def execute(self, sql: str) -> None:
        spark = session.spark_session()
        for statement in sql.split(";"):
            if statement.strip():
                spark.sql(statement).collect()

    def write_tables(self, tables: dict, schema: str, progress=None, append=False) -> int:
        import pyarrow.parquet as pq

        identifier("schema", schema)
        spark = session.spark_session()
        spark.sql(f"create database if not exists {schema}")
        rows = 0
        for name, arrow in tables.items():
            location = os.path.join(session.spark_dir(), "raw", schema, name)
            if not append:
                spark.sql(f"drop table if exists {schema}.{name}")
                shutil.rmtree(location, ignore_errors=True)
            os.makedirs(location, exist_ok=True)
            part = sum(1 for f in os.listdir(location) if f.endswith(".parquet"))
            pq.write_table(arrow, os.path.join(location, f"part-{part:05d}.parquet"))
            if not append or not spark.catalog.tableExists(f"{schema}.{name}"):
                spark.sql(f"create table {schema}.{name} using parquet location '{location}'")
            spark.sql(f"refresh table {schema}.{name}")
            rows += arrow.num_rows
            if progress:
                progress(name, arrow.num_rows)
        return rows

    def table_names(self, schema: str) -> set[str]:
        spark = session.spark_session()
        if not spark.catalog.databaseExists(schema):
            return set()
        return {table.name for table in spark.catalog.listTables(schema)}

    def drop_schemas(self, *schemas: str) -> None:
        spark = session.spark_session()
        for schema in schemas:
            spark.sql(f"drop database if exists {schema} cascade")

    def where(self) -> str:
        return "the local Spark metastore"

    def release(self) -> None:
        session.release_spark()

    def lock_path(self) -> str:
        os.makedirs(session.spark_dir(), exist_ok=True)
        return os.path.join(session.spark_dir(), "run.lock")
