"""The same project on Apache Spark in local mode (dbt-spark's session method): the
plain-Python reference comparison in UTC and in a far zone, a nightly run with late rows
on top of an earlier night (incremental equals the reference, that is a full rebuild),
and dbt's invariant tests inside every build. One small dataset: a Spark build costs
about a minute here, whatever the size.

dbt runs in this process (dbt's Python API): the local metastore is an embedded Derby
database that one JVM at a time may open, and the tests read the marts through the
same SparkSession."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import numpy as np
import pytest
from conftest import dbt_child, read_until, small_dataset
from test_incremental import cutoff, late_arrivals
from test_metrics_exact import assert_matches_reference

from activity_metrics.config import project_dir
from activity_metrics.generator import ACTIVITY_TABLES, arrived_by, number_by_arrival
from activity_metrics.warehouse import WarehouseError, environment

PROJECT_DIR = project_dir()  # the project under test (make test sets $ACTIVITY_PROJECT_DIR)

pytestmark = pytest.mark.spark
# dbt's tests cost about a second each on Spark: the last build runs them (the invariants),
# the two before it only build
BUILD_WITHOUT_TESTS = (
    "build",
    "--exclude-resource-type",
    "test",
    "--exclude-resource-type",
    "unit_test",
)


@pytest.fixture(scope="module")
def spark_dir(tmp_path_factory):
    """The spark extra and Java, or a skip (a failure in CI); one metastore for the
    module (one SparkSession per process)."""
    from activity_metrics import spark

    try:
        spark.check_pyspark()
        spark.check_java()
    except WarehouseError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and Spark cannot run: {exc}")
        pytest.skip(str(exc))
    path = str(tmp_path_factory.mktemp("spark"))
    saved = os.environ.get("ACTIVITY_SPARK_DIR")
    os.environ["ACTIVITY_SPARK_DIR"] = path
    yield path
    spark.release_spark()
    if saved is None:
        os.environ.pop("ACTIVITY_SPARK_DIR", None)
    else:
        os.environ["ACTIVITY_SPARK_DIR"] = saved


def test_spark_matches_reference_in_far_zone_and_nightly(make_warehouse, spark_dir, capsys):
    end = dt.date(2024, 11, 10)  # the November daylight-saving change is inside
    generated = small_dataset(31, 200, 120, end, 0.03)
    rng = np.random.default_rng(8)
    delay, _ = late_arrivals(generated, rng)
    for name in ACTIVITY_TABLES:
        generated[name] = {**generated[name], "_delay": (delay[name], None)}
    tables = number_by_arrival(generated, delay)
    delay = {name: tables[name]["_delay"][0] for name in ACTIVITY_TABLES}

    zone = "Pacific/Kiritimati"
    far = make_warehouse("spark", "zone")
    far.load(tables)
    far.dbt(
        [*BUILD_WITHOUT_TESTS],
        {"activity__as_of_date": end.isoformat(), "activity__timezone": zone},
    )
    assert_matches_reference(far, tables, end, zone)

    # a night, then a later night on top of it: rows up to three weeks late, with the
    # ids of their arrival (below the first night's high-water marks for some tables)
    nightly = make_warehouse("spark", "nightly")
    first = end - dt.timedelta(days=12)
    nightly.load(arrived_by(tables, cutoff(first), delay))
    nightly.dbt([*BUILD_WITHOUT_TESTS], {"activity__as_of_date": first.isoformat()})
    state = arrived_by(tables, cutoff(end), delay)
    nightly.load(state)
    files_before = files_by_month(nightly, "fct_user_days")
    result = nightly.build(end)  # with dbt's tests: the invariants on Spark
    assert "incremental model" in result.stdout  # the second night ran incrementally
    assert "PASS=" in result.stdout and " test " in result.stdout
    assert_matches_reference(nightly, state, end, "UTC")
    # the user-day fact is partitioned by month on Spark, and the night rewrote only the
    # months it wrote rows into: every other month's files are the ones it had before
    files_after = files_by_month(nightly, "fct_user_days")
    ((stamp,),) = nightly.query(f"select max(dbt_loaded_at) from {nightly.schema}.fct_user_days")
    written = {
        month
        for (month,) in nightly.query(
            f"select distinct cast(activity_month as string) from {nightly.schema}."
            f"fct_user_days where dbt_loaded_at = timestamp'{stamp}'"
        )
    }
    untouched = set(files_before) - written
    assert untouched and written, (sorted(files_before), sorted(written))
    assert {m: files_after[m] for m in untouched} == {m: files_before[m] for m in untouched}
    assert any(files_after.get(m) != files_before[m] for m in written & set(files_before))
    ((late,),) = nightly.query(
        f"select count(*) from {nightly.schema}.int_activity_events_classified "
        f"where activity_date <= date'{first.isoformat()}' "
        f"and dbt_loaded_at > (select min(dbt_loaded_at) "
        f"from {nightly.schema}.int_activity_events_classified)"
    )
    assert late > 0, "the second night saw no late row of an earlier day"

    # a month emptied upstream: every user active in the first month is flagged test, so
    # that month's partition loses every row. A dynamic partition overwrite leaves a
    # partition it writes no row into as it was: the rewrite drops it instead
    first_month = min(files_after)
    flagged_users = {
        user_id
        for (user_id,) in nightly.query(
            f"select distinct user_id from {nightly.schema}.fct_user_days "
            f"where activity_month = date'{first_month}'"
        )
    }
    users = dict(state["users"])
    is_test, null = users["is_test"]
    users["is_test"] = (is_test | np.isin(users["id"][0], list(flagged_users)), null)
    flagged = {**state, "users": users}
    nightly.load({"users": users})
    # that night is killed (SIGKILL) right after the fact's partition rewrite, before it
    # appends the rewritten user-days; the next night finishes it
    killed_after_the_rewrite(nightly, end, "fct_user_days")
    nightly.dbt([*BUILD_WITHOUT_TESTS], {"activity__as_of_date": end.isoformat()})
    assert first_month not in files_by_month(nightly, "fct_user_days")
    partitions = nightly.query(f"show partitions {nightly.schema}.fct_user_days")
    assert not any(first_month in row[0] for row in partitions), partitions
    assert_matches_reference(nightly, flagged, end, "UTC")

    # the CLI reads the marts on Spark like on the other engines
    from activity_metrics import cli

    with environment(nightly.env):
        assert cli.main(["show", "--target", "spark", "--json"]) == 0
    shown = capsys.readouterr().out
    ((dau,),) = nightly.query(
        f"select dau from {nightly.schema}.fct_active_users_daily "
        f"where date_day = date'{end.isoformat()}'"
    )
    assert f'"dau": {dau}' in shown, shown[-800:]


def killed_after_the_rewrite(warehouse, as_of: dt.date, model: str) -> None:
    """A nightly in a dbt child process (this process's JVM let go first: one process at
    a time opens the metastore), killed with SIGKILL as soon as `model`'s delete has
    rewritten its month partitions (the line the rewrite logs), before its insert."""
    from activity_metrics import spark
    from activity_metrics.dbt_runner import dbt_command

    spark.release_spark()
    # the nodes a nightly runs before `model` (its ancestors): the state the kill leaves
    command = dbt_command(
        [*BUILD_WITHOUT_TESTS, "--select", f"+{model}", "--no-use-colors"],
        "spark",
        {"activity__as_of_date": as_of.isoformat()},
    )
    with dbt_child(command, warehouse.env) as proc:
        seen = read_until(proc, lambda line: f"activity_metrics: {model}: rewrote" in line)
    assert seen and f"activity_metrics: {model}: rewrote" in seen[-1], "".join(seen[-30:])


def files_by_month(warehouse, table: str) -> dict[str, set[str]]:
    """The Parquet files of each month partition of a table."""
    found: dict[str, set[str]] = {}
    for month, path in warehouse.query(
        f"select distinct cast(activity_month as string), input_file_name() "
        f"from {warehouse.schema}.{table}"
    ):
        found.setdefault(month, set()).add(path)
    return found


def test_spark_without_java_is_one_line(tmp_path):
    """No Java: `build --target spark` stops with one line naming what is missing."""
    env = {**os.environ, "PATH": str(tmp_path), "JAVA_HOME": str(tmp_path / "nojava")}
    result = subprocess.run(
        [sys.executable, "-m", "activity_metrics.cli", "build", "--target", "spark"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Java 17" in lines[0], result.stderr
