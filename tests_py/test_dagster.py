"""The Dagster code location, in process on a small DuckDB warehouse: the nightly job
materialises every dbt model and seed as assets (dbt tests as asset checks), the snapshot's
freshness check passes after it, and the weekly validation job passes, then fails once an
invariant is broken."""

from __future__ import annotations

import datetime as dt
import importlib

from activity_metrics.generator import GeneratorConfig, generate

END = dt.date(2024, 5, 31)


def test_dagster_location(make_warehouse, monkeypatch):
    from dagster import AssetCheckSeverity, AssetKey, DagsterInstance

    warehouse = make_warehouse("duckdb", "dagster")
    # the dataset of the CLI test, known healthy as of END
    warehouse.load(generate(GeneratorConfig(users=300, days=90, seed=21, end_date=END)))
    for name, value in {**warehouse.env, "ACTIVITY_AS_OF_DATE": END.isoformat()}.items():
        monkeypatch.setenv(name, value)
    warehouse.dbt(["parse"], {})  # the manifest the assets come from
    location = importlib.reload(importlib.import_module("activity_metrics.dagster_location"))
    defs = location.defs
    instance = DagsterInstance.ephemeral()

    nightly = defs.resolve_job_def("nightly_build").execute_in_process(instance=instance)
    assert nightly.success
    materialized = {event.asset_key for event in nightly.get_asset_materialization_events()}
    for model in ("activity_metrics_current", "fct_active_users_daily", "user_last_activity"):
        assert AssetKey([model]) in materialized, model
    checks = nightly.get_asset_check_evaluations()
    assert len(checks) > 30
    # dbt's warnings are warnings here too (the generator writes unclassified touch types)
    not_passed = {check.check_name: check.severity for check in checks if not check.passed}
    assert not_passed == {"no_unclassified_event_types": AssetCheckSeverity.WARN}
    ((as_of, dau),) = warehouse.query(
        f"select as_of_date, dau from {warehouse.schema}.activity_metrics_current"
    )
    assert as_of == END and dau > 0

    # the snapshot was just built: its freshness check passes
    freshness = (
        defs.resolve_implicit_global_asset_job_def()
        .get_subset(asset_check_selection=set(location.snapshot_freshness[0].check_keys))
        .execute_in_process(instance=instance)
    )
    assert freshness.success
    (evaluation,) = freshness.get_asset_check_evaluations()
    assert evaluation.passed

    assert defs.resolve_job_def("weekly_validation").execute_in_process().success
    warehouse.execute(f"update {warehouse.schema}.activity_metrics_current set dau = dau + 1")
    broken = defs.resolve_job_def("weekly_validation").execute_in_process(raise_on_error=False)
    assert not broken.success
    assert {schedule.name for schedule in defs.schedules} == {
        "nightly_build_schedule",
        "weekly_validation_schedule",
    }


def test_dagster_dev_loads_from_a_plain_shell(tmp_path):
    """The README's `.venv/bin/dagster dev -m ...` from a shell without the venv on PATH:
    the code location parses the project with the venv's dbt (under `dagster dev`, where
    DAGSTER_IS_DEV_CLI is set) and loads."""
    import os
    import subprocess
    import sys

    bin_dir = os.path.dirname(sys.executable)
    env = {key: value for key, value in os.environ.items() if key not in ("VIRTUAL_ENV", "PATH")}
    env.update(PATH="/usr/bin:/bin", DAGSTER_IS_DEV_CLI="1", DAGSTER_HOME=str(tmp_path))
    result = subprocess.run(
        [
            os.path.join(bin_dir, "dagster"),
            "definitions",
            "validate",
            "-m",
            "activity_metrics.dagster_location",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert "was not found on PATH" not in output
