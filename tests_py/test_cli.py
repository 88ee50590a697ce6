"""The command line against real warehouses, including its error paths and exit codes."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

from conftest import small_dataset

CLI = [sys.executable, "-m", "activity_metrics.cli"]


def run_cli(args, env):
    return subprocess.run(
        [*CLI, *args], env={**os.environ, **env}, capture_output=True, text=True, check=False
    )


def test_show_reads_the_marts_and_validate_passes(make_warehouse):
    end = dt.date(2024, 5, 31)
    warehouse = make_warehouse("duckdb", "cli")
    warehouse.load(small_dataset(21, 150, 60, end))
    warehouse.build(end)
    result = run_cli(["show", "--json", "--target", "duckdb"], warehouse.env)
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    (current,) = warehouse.query(
        f"select as_of_date, dau, wau, mau, total_users from {warehouse.schema}."
        "activity_metrics_current"
    )
    assert (shown["as_of_date"], shown["dau"], shown["wau"], shown["mau"]) == (
        current[0].isoformat(),
        current[1],
        current[2],
        current[3],
    )
    assert shown["total_users"] == current[4]
    (week_ago,) = warehouse.query(
        f"select dau from {warehouse.schema}.fct_active_users_daily "
        f"where date_day = date '{(end - dt.timedelta(days=7)).isoformat()}'"
    )
    assert shown["change_7d"]["dau"] == current[1] - week_ago[0]

    text = run_cli(["--target", "duckdb"], warehouse.env)
    assert text.returncode == 0 and "DAU (1 day)" in text.stdout

    outside = run_cli(["show", "--as-of", "1999-01-01"], warehouse.env)
    assert outside.returncode == 2 and "outside the data" in outside.stderr

    validate = run_cli(
        ["validate", "--target", "duckdb", "--as-of", end.isoformat()], warehouse.env
    )
    assert validate.returncode == 0, validate.stdout[-2000:]

    warehouse.execute(f"update {warehouse.schema}.activity_metrics_current set dau = dau + 1")
    broken = run_cli(["validate", "--target", "duckdb", "--as-of", end.isoformat()], warehouse.env)
    assert broken.returncode == 1 and "validation FAILED" in broken.stderr


def test_missing_warehouse_is_a_clear_error(tmp_path):
    result = run_cli(["show"], {"ACTIVITY_DUCKDB_PATH": str(tmp_path / "none.duckdb")})
    assert result.returncode == 2
    assert "no warehouse" in result.stderr and "Traceback" not in result.stderr


def test_database_down_is_a_clear_error():
    result = run_cli(["show", "--target", "postgres"], {"ACTIVITY_POSTGRES_PORT": "1"})
    assert result.returncode == 2
    assert "cannot reach PostgreSQL" in result.stderr and "Traceback" not in result.stderr


def test_bad_date_is_a_usage_error():
    result = run_cli(["show", "--as-of", "2024-13-01"], {})
    assert result.returncode == 2 and "not a date" in result.stderr


def test_bad_var_stops_dbt_with_a_clear_message(make_warehouse):
    warehouse = make_warehouse("duckdb", "badvar")
    warehouse.load(small_dataset(1, 20, 10, dt.date(2024, 1, 10)))
    result = warehouse.dbt(["build"], {"activity__timezone": "Mars/Olympus"}, expect_success=False)
    assert result.returncode != 0 and "is not an IANA time zone" in result.stdout
