"""The embedded default: one DuckDB file."""

from __future__ import annotations

import os

import pyarrow as pa

from ..config import WarehouseError, built_by_another_version, identifier, not_built
from .base import Engine, raw_table_ddl

# DuckDB keeps some timestamps naive (meaning UTC) and some timestamptz, as the contract
# allows: staging must handle both
TZ_COLUMNS = {("activity_touches", "touched_at"), ("users", "last_activity_at")}


def _naive_columns(name: str, table: pa.Table) -> list[str]:
    return [
        field.name
        for field in table.schema
        if pa.types.is_timestamp(field.type) and (name, field.name) not in TZ_COLUMNS
    ]


class DuckDBEngine(Engine):
    target = "duckdb"

    def __init__(self, path: str):
        self.path = path

    def query(self, sql: str, params: tuple = ()) -> tuple[list[str], list[tuple]]:
        import duckdb

        if not os.path.exists(self.path):
            raise WarehouseError(
                f"no warehouse at {self.path}: run `make demo` or "
                "`activity-metrics generate` then `activity-metrics build`"
            )
        try:
            with duckdb.connect(self.path, read_only=True) as con:
                cur = con.execute(sql.replace("%s", "?"), params)
                return [d[0] for d in cur.description], cur.fetchall()
        except duckdb.CatalogException as exc:
            raise WarehouseError(not_built(exc)) from exc
        except duckdb.BinderException as exc:  # built by an older version
            raise WarehouseError(built_by_another_version(exc)) from exc
        except duckdb.IOException as exc:  # a build holds the file for writing
            raise WarehouseError(
                f"cannot open {self.path} ({str(exc).splitlines()[0][:160]}): "
                "a build is probably writing it; try again when it has finished"
            ) from exc

    def execute(self, sql: str) -> None:
        import duckdb

        with duckdb.connect(self.path) as con:
            for statement in sql.split(";"):
                if statement.strip():
                    con.execute(statement)

    def write_tables(self, tables: dict, schema: str, progress=None, append=False) -> int:
        import duckdb

        identifier("schema", schema)
        rows = 0
        with duckdb.connect(self.path) as con:
            con.execute(f"create schema if not exists {schema}")
            for name, arrow in tables.items():
                naive = _naive_columns(name, arrow)
                if not append:
                    con.execute(f"drop table if exists {schema}.{name}")
                    con.execute(raw_table_ddl(name, schema, naive_timestamps=naive))
                for column in naive:  # the same instants, without a zone (meaning UTC)
                    index = arrow.schema.get_field_index(column)
                    arrow = arrow.set_column(index, column, arrow[column].cast(pa.timestamp("us")))
                con.execute(f"insert into {schema}.{name} select * from arrow")
                rows += arrow.num_rows
                if progress:
                    progress(name, arrow.num_rows)
        return rows

    def table_names(self, schema: str) -> set[str]:
        if not os.path.exists(self.path):
            return set()
        _, rows = self.query(
            "select table_name from information_schema.tables where table_schema = %s",
            (schema,),
        )
        return {row[0] for row in rows}

    def drop_schemas(self, *schemas: str) -> None:
        """The scratch warehouses own their file: it goes."""
        if os.path.exists(self.path):
            os.remove(self.path)

    def where(self) -> str:
        return self.path

    def lock_path(self) -> str:
        return self.path + ".lock"
