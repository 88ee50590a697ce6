"""The monitoring models fire on the failure modes the app's design summary names, and
stay quiet on healthy data: each check shown failing and passing, on both engines."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
from conftest import run_results

from activity_metrics.generator import GeneratorConfig, generate

DAYS = 90
OUTAGE_DAY = DAYS - 6  # offset from the first day: inside the 30-day validation window

ALL_CHECKS = {
    "app_last_activity_all_users",
    "app_last_activity_window",
    "touch_log_window",
    "touch_log_worst_day",
}
# fixture name -> (generator settings, checks that must fail, checks that must pass)
FIXTURES = {
    "healthy": ({}, set(), ALL_CHECKS),
    # a new mutation type the middleware misses: sends leave no touch and do not move
    # last_activity_at (logins still reach the touch log, so the app-side check catches it)
    "missed_mutation": (
        {"middleware_missed_source": "send_transactions"},
        {"app_last_activity_all_users"},
        set(),
    ),
    # the backfill never ran: last_activity_at is null for users idle since before the log
    "backfill_never_ran": (
        {"backfill_never_ran": True},
        {"app_last_activity_all_users"},
        ALL_CHECKS - {"app_last_activity_all_users"},
    ),
    # the touch log stopped writing for a day (the field's UPDATE still ran)
    "touch_outage": (
        {"touch_outage_days": (OUTAGE_DAY,)},
        {"touch_log_worst_day"},
        {"app_last_activity_all_users", "app_last_activity_window"},
    ),
}


def coverage_checks(warehouse):
    rows = warehouse.query(
        "select check_name, is_passing, worst_date, covered_users, eligible_users "
        f"from {warehouse.schema}.mon_tracking_coverage_checks"
    )
    return {row[0]: row[1:] for row in rows}


def dbt_test_statuses(names):
    status = {r["unique_id"].split(".")[2]: r["status"] for r in run_results()}
    return {name: status[name] for name in names}


@pytest.mark.parametrize("target", ["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_monitors_fire_on_each_failure_mode(make_warehouse, target):
    end = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)
    for name, (faults, must_fail, must_pass) in FIXTURES.items():
        if target == "postgres" and name not in ("healthy", "touch_outage"):
            continue  # the monitors' SQL is shared; these two cover its engine-specific dates
        healthy = name == "healthy"
        config = GeneratorConfig(
            users=1500,
            days=DAYS,
            seed=7,
            end_date=end,
            dirty_rate=0.0 if healthy else 0.01,
            stale_share=0.0,
            missing_share=0.0,
            touch_log_start_fraction=0.5,
            **faults,
        )
        warehouse = make_warehouse(target, name)
        warehouse.load(generate(config))
        warehouse.build(end)  # warnings do not fail the nightly build
        status = dbt_test_statuses(
            [
                "tracking_coverage_meets_threshold",
                "no_unclassified_event_types",
                "combined_at_least_each_method",
            ]
        )
        checks = coverage_checks(warehouse)
        assert checks.keys() == ALL_CHECKS
        failing = {check for check, row in checks.items() if not row[0]}
        assert must_fail <= failing, (name, checks)
        assert not (must_pass & failing), (name, checks)
        expected = "pass" if healthy else "warn"
        assert status == {
            "tracking_coverage_meets_threshold": expected,
            "no_unclassified_event_types": expected,  # dirty rows carry unknown event types
            "combined_at_least_each_method": "pass",
        }, name
        if name == "touch_outage":
            _, worst_date, covered, eligible = checks["touch_log_worst_day"]
            assert worst_date == end - dt.timedelta(days=DAYS - 1 - OUTAGE_DAY)
            assert covered == 0 and eligible > 0
        if name == "healthy":
            # data through yesterday passes source freshness
            assert warehouse.dbt(["source", "freshness"], {}).returncode == 0
        if name == "backfill_never_ran" and target == "duckdb":
            # the nightly build only warned; the validation command fails on it
            validate = subprocess.run(
                [sys.executable, "-m", "activity_metrics.cli", "validate", "--as-of", str(end)],
                env={**os.environ, **warehouse.env, "ACTIVITY_TARGET": target},
                capture_output=True,
                text=True,
                check=False,
            )
            assert validate.returncode == 1, validate.stdout[-2000:]
            assert "FAIL app_last_activity_all_users" in validate.stdout
            assert "validation FAILED" in validate.stderr
        warehouse.drop()


def test_stale_sources_fail_freshness(make_warehouse):
    warehouse = make_warehouse("duckdb", "stale")
    end = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=5)
    warehouse.load(generate(GeneratorConfig(users=200, days=30, seed=3, end_date=end)))
    result = warehouse.dbt(["source", "freshness"], {}, expect_success=False)
    assert result.returncode != 0
    assert "ERROR STALE" in result.stdout
