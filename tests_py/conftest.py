"""Shared fixtures: warehouses built for real with dbt, on DuckDB and PostgreSQL."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import signal
import subprocess
import uuid

import pytest

from activity_metrics.dbt_runner import as_of_environment, run_dbt
from activity_metrics.generator import GeneratorConfig, generate
from activity_metrics.scratch import ScratchWarehouse
from activity_metrics.warehouse import (
    Settings,
    WarehouseError,
    dbt_target_dir,
    environment,
    project_dir,
)


def pytest_configure(config):
    """Under pytest-xdist (`make test` runs a worker per core), each worker's dbt writes
    its artifacts (manifest, run results, partial parse) and logs apart: dbt runs in
    the same project at once would overwrite one another's."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        os.environ["DBT_TARGET_PATH"] = os.path.join(project_dir(), "target", f"pytest_{worker}")
        os.environ["DBT_LOG_PATH"] = os.path.join(project_dir(), "logs", f"pytest_{worker}")


# The modules that cost the most, first: `make test` hands whole modules to its workers
# (--dist loadfile, in this order), so the long ones start at once and the short ones
# fill in behind them (durations: `pytest --durations`, docs/tests.md)
LONGEST_FIRST = (
    "test_spark.py",
    "test_incremental.py",
    "test_cli.py",
    "test_dashboard.py",
    "test_monitors.py",
    "test_faults.py",
    "test_metrics_exact.py",
    "test_docs.py",
    "test_anomalies.py",
    "test_dagster.py",
    "test_bench.py",
)


def pytest_collection_modifyitems(config, items):
    def rank(item):
        name = item.path.name
        return LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)  # stable: each module's tests keep their order


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


class Warehouse(ScratchWarehouse):
    """One warehouse of the test's own (a DuckDB file or a PostgreSQL schema pair under a
    unique name), with dbt runs that fail the test when dbt fails."""

    def __init__(self, target: str, tmp_path, name: str):
        suffix = f"{name}_{uuid.uuid4().hex[:8]}"
        super().__init__(
            target, f"raw_{suffix}", f"analytics_{suffix}", str(tmp_path / f"{suffix}.duckdb")
        )

    def dbt(self, args, dbt_vars, expect_success=True, env=None):
        env = {**self.env, **(env or {})}
        if self.target == "spark":
            result = run_dbt_in_process(args, self.target, dbt_vars, env)
        else:
            result = run_dbt(args, self.target, dbt_vars, env=env, capture=True)
        if expect_success and result.returncode != 0:
            lines = result.stdout.splitlines()
            start = next(
                (i for i, line in enumerate(lines) if "Completed with" in line), len(lines) - 40
            )
            tail = "\n".join(lines[start : start + 60])
            raise AssertionError(f"dbt {' '.join(args)} failed:\n{tail}")
        return result

    def build(self, as_of: dt.date, timezone="UTC", extra_vars=None, full_refresh=False):
        """`dbt build` as of a day, given as a scheduler gives it ($ACTIVITY_AS_OF_DATE)."""
        dbt_vars = {"activity__timezone": timezone, **(extra_vars or {})}
        return self.dbt(
            ["build", *(["--full-refresh"] if full_refresh else [])],
            dbt_vars,
            env=as_of_environment(as_of),
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

    command = [*args, "--project-dir", project_dir(), "--profiles-dir", profiles_dir()]
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
    with open(path or os.path.join(dbt_target_dir(), "run_results.json")) as fh:
        return json.load(fh)["results"]


@contextlib.contextmanager
def dbt_child(command, env):
    """A dbt run in a child process leading a session of its own, its output read line
    by line (`read_until`); SIGKILLed with its whole process group on leaving the block
    when still running: what a killed scheduler or an OOM kill leaves behind."""
    proc = subprocess.Popen(
        command,
        cwd=project_dir(),
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def read_until(proc, marker) -> list[str]:
    """The child's output lines up to and including the first for which `marker` holds."""
    seen = []
    for line in proc.stdout:
        seen.append(line)
        if marker(line):
            break
    return seen
