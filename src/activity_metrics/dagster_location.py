"""A Dagster code location for the nightly run (optional extra: `pip install
'activity-metrics[dagster]'`): every dbt model and seed of the project as an asset (from the
manifest), a nightly schedule that builds them as a plain `dbt build` would (the `nightly`
selector), the weekly validation as a job, and a freshness check on the published snapshot.

    dagster dev -m activity_metrics.dagster_location

The warehouse comes from the same environment variables as the CLI and the dbt profile
(`ACTIVITY_TARGET`, `ACTIVITY_DUCKDB_PATH`, `ACTIVITY_POSTGRES_*`); the schedules run in
`ACTIVITY_SCHEDULE_TIMEZONE` (default UTC). dbt's own run lock (on-run-start) keeps a
Dagster run and a CLI run from overlapping, as for any `dbt build`.
"""

import datetime as dt
import json
import os
import subprocess
import sys

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetSelection,
    Definitions,
    OpExecutionContext,
    ScheduleDefinition,
    build_last_update_freshness_checks,
    build_sensor_for_freshness_checks,
    define_asset_job,
    job,
    op,
)
from dagster_dbt import DbtCliResource, DbtProject, dbt_assets

from .config import dbt_target_dir, project_dir
from .dbt_runner import profiles_dir

TARGET = os.environ.get("ACTIVITY_TARGET", "duckdb")
# a fixed as-of date (YYYY-MM-DD) instead of yesterday: a re-run of a past night; dbt
# reads the same variable itself when the run executes (its parsed project is kept)
AS_OF = os.environ.get("ACTIVITY_AS_OF_DATE") or None
SCHEDULE_TIMEZONE = os.environ.get("ACTIVITY_SCHEDULE_TIMEZONE", "UTC")
# the snapshot is rebuilt every night: older than a day and a few hours means a missed night
SNAPSHOT_MAX_AGE = dt.timedelta(hours=int(os.environ.get("ACTIVITY_FRESHNESS_HOURS", "30")))

# the dbt of this environment, whether or not its bin directory is on PATH (the README's
# `.venv/bin/dagster dev ...` from a shell without the venv activated)
DBT_EXECUTABLE = os.path.join(os.path.dirname(sys.executable), "dbt")

# dbt's artifacts where dbt writes them ($DBT_TARGET_PATH, else target/)
project = DbtProject(
    project_dir=project_dir(),
    target_path=dbt_target_dir(),
    profiles_dir=profiles_dir(),
    target=TARGET,
)


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(
        project_dir=project,
        profiles_dir=profiles_dir(),
        target=TARGET,
        dbt_executable=DBT_EXECUTABLE,
    )


if os.getenv("DAGSTER_IS_DEV_CLI"):
    # what project.prepare_if_dev() does (`dagster dev` parses the project; deployments
    # ship the manifest), with this environment's dbt instead of the first one on PATH
    dbt_resource().cli(["parse", "--quiet"], target_path=project.target_path).wait()


@dbt_assets(manifest=project.manifest_path, selector="nightly")
def activity_dbt_assets(context: AssetExecutionContext, dbt: DbtCliResource):
    """The nightly path: every model and seed, with the tests that guard what a night
    writes (dbt tests become asset checks)."""
    yield from dbt.cli(["build"], context=context).stream()


@op
def run_weekly_validation(context: OpExecutionContext) -> None:
    """`activity-metrics validate`: every data test, the full-history reconciliations
    included, and the coverage checks; one verdict, the CLI's, so the job fails exactly when
    the command would exit 1."""
    command = [sys.executable, "-m", "activity_metrics.cli", "validate", "--json"]
    result = subprocess.run(
        [*command, *(["--as-of", AS_OF] if AS_OF else [])],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode not in (0, 1):
        raise RuntimeError(f"activity-metrics validate could not run: {result.stderr.strip()}")
    verdict = json.loads(result.stdout)
    for problem in verdict["problems"]:
        context.log.warning(f"{problem['status']} {problem['test']}: {problem['message']}")
    if not verdict["healthy"]:
        raise RuntimeError(
            "the weekly validation failed: run `activity-metrics validate` for the failing "
            "tests, the coverage checks and the backfill that repairs unread rows"
        )
    context.log.info(f"weekly validation passed ({verdict['tests']['passed']} tests)")


@job(description="The weekly validation: every consistency and coverage test.")
def weekly_validation():
    run_weekly_validation()


nightly_build = define_asset_job(
    "nightly_build",
    selection=AssetSelection.assets(activity_dbt_assets),
    description="The nightly dbt build of every model and seed (selector `nightly`).",
)
snapshot_freshness = build_last_update_freshness_checks(
    assets=[AssetKey(["activity_metrics_current"])], lower_bound_delta=SNAPSHOT_MAX_AGE
)

defs = Definitions(
    assets=[activity_dbt_assets],
    asset_checks=snapshot_freshness,
    jobs=[nightly_build, weekly_validation],
    schedules=[
        ScheduleDefinition(
            name="nightly_build_schedule",
            job=nightly_build,
            cron_schedule="0 3 * * *",
            execution_timezone=SCHEDULE_TIMEZONE,
        ),
        ScheduleDefinition(
            name="weekly_validation_schedule",
            job=weekly_validation,
            cron_schedule="0 6 * * 1",
            execution_timezone=SCHEDULE_TIMEZONE,
        ),
    ],
    sensors=[build_sensor_for_freshness_checks(freshness_checks=snapshot_freshness)],
    resources={"dbt": dbt_resource()},
)
