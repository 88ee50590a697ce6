"""Shared fixtures: warehouses built for real with dbt, on DuckDB and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid

import pytest

from activity_metrics.dbt_runner import run_dbt
from activity_metrics.generator import GeneratorConfig, generate, write_duckdb, write_postgres
from activity_metrics.warehouse import (
    PROJECT_DIR,
    Settings,
    WarehouseError,
    environment,
    warehouse_env,
)


def postgres_or_skip() -> Settings:
    """PostgreSQL settings; skips when unreachable, except in CI where that fails."""
    settings = Settings.from_env("postgres")
    try:
        settings.connect_postgres().close()
    except WarehouseError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and PostgreSQL is unreachable: {exc}")
        pytest.skip(f"PostgreSQL unreachable, skipping its tests: {exc}")
    return settings


class Warehouse:
    """One warehouse: a DuckDB file or a PostgreSQL schema pair of its own."""

    def __init__(self, target: str, tmp_path, name: str):
        self.target = target
        suffix = f"{name}_{uuid.uuid4().hex[:8]}"
        self.raw_schema = f"raw_{suffix}"
        self.schema = f"analytics_{suffix}"
        self.path = str(tmp_path / f"{suffix}.duckdb")
        self.env = warehouse_env(target, self.raw_schema, self.schema, self.path)
        self.settings = Settings(target)

    def load(self, tables):
        if self.target == "duckdb":
            write_duckdb(tables, self.path, self.raw_schema)
        elif self.target == "spark":
            from activity_metrics.spark import write_spark

            write_spark(tables, self.raw_schema)
        else:
            conn = self.settings.connect_postgres()
            try:
                write_postgres(tables, conn, self.raw_schema)
            finally:
                conn.close()

    def dbt(self, args, dbt_vars, expect_success=True):
        if self.target == "spark":
            result = run_dbt_in_process(args, self.target, dbt_vars, self.env)
        else:
            result = run_dbt(args, self.target, dbt_vars, env=self.env, capture=True)
        if expect_success and result.returncode != 0:
            lines = result.stdout.splitlines()
            start = next(
                (i for i, line in enumerate(lines) if "Completed with" in line), len(lines) - 40
            )
            tail = "\n".join(lines[start : start + 60])
            raise AssertionError(f"dbt {' '.join(args)} failed:\n{tail}")
        return result

    def build(self, as_of: dt.date, timezone="UTC", extra_vars=None, full_refresh=False):
        dbt_vars = {
            "activity__as_of_date": as_of.isoformat(),
            "activity__timezone": timezone,
            **(extra_vars or {}),
        }
        return self.dbt(["build", *(["--full-refresh"] if full_refresh else [])], dbt_vars)

    def query(self, sql):
        if self.target == "spark":
            from activity_metrics.spark import spark_session

            return [tuple(row) for row in spark_session().sql(sql).collect()]
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

    def execute(self, sql):
        if self.target == "duckdb":
            import duckdb

            with duckdb.connect(self.path) as con:
                for statement in sql.split(";"):
                    if statement.strip():
                        con.execute(statement)
        else:
            self.query(sql)

    def drop(self):
        if self.target == "spark":
            from activity_metrics.spark import spark_session

            for schema in (self.schema, self.raw_schema):
                spark_session().sql(f"drop database if exists {schema} cascade")
        if self.target == "postgres":
            self.query(
                f"drop schema if exists {self.schema} cascade; "
                f"drop schema if exists {self.raw_schema} cascade"
            )


def run_dbt_in_process(args, target, dbt_vars, env):
    """dbt in this process (dbt's Python API), for Spark: the local metastore is an
    embedded Derby database that one JVM at a time may open, so the tests' own
    SparkSession and dbt-spark's session method share this process's JVM."""
    import contextlib
    import io
    import json as _json
    import subprocess

    from dbt.cli.main import dbtRunner

    from activity_metrics.dbt_runner import profiles_dir

    command = [*args, "--project-dir", PROJECT_DIR, "--profiles-dir", profiles_dir()]
    command += ["--target", target, "--no-use-colors"]
    if dbt_vars:
        command += ["--vars", _json.dumps(dbt_vars)]
    output = io.StringIO()
    with environment(env), contextlib.redirect_stdout(output):
        result = dbtRunner().invoke(command)
    text = output.getvalue()
    if result.exception is not None:
        text += f"\n{result.exception}"
    return subprocess.CompletedProcess(command, 0 if result.success else 1, text, "")


@pytest.fixture
def make_warehouse(tmp_path):
    created = []

    def factory(target: str, name: str = "t") -> Warehouse:
        if target == "postgres":
            postgres_or_skip()
        warehouse = Warehouse(target, tmp_path, name)
        created.append(warehouse)
        return warehouse

    yield factory
    for warehouse in created:
        warehouse.drop()


def small_dataset(seed: int, users: int, days: int, end: dt.date, dirty_rate=0.02):
    return generate(
        GeneratorConfig(
            users=users,
            days=days,
            seed=seed,
            end_date=end,
            dirty_rate=dirty_rate,
            touch_log_start_fraction=0.2,
        )
    )


def run_results(path=None):
    with open(path or os.path.join(PROJECT_DIR, "target", "run_results.json")) as fh:
        return json.load(fh)["results"]
