"""The SQL of the contenders: the floor, the naive MAU, the old union, the app's one-line
snapshot, the naive growth accounting, the spine joins (by hand and as MetricFlow writes
it), and the project's own compiled models."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys

from ..config import counted_touch_types
from ..dbt_runner import dbt_command
from ..generator import ACTIVITY_TABLES
from ..warehouse import project_dir
from .runner import BenchWarehouse


def counted_types_sql() -> str:
    """The counted touch types as a SQL list, from the seed (never a copy)."""
    return ", ".join(f"'{event_type}'" for event_type in counted_touch_types())


def COUNTED_TYPES() -> str:
    """The counted touch types as a SQL list, from the seed."""
    return ", ".join(f"'{event_type}'" for event_type in counted_touch_types())


def counted_raw_rows_sql(raw: str, since: dt.date | None = None) -> str:
    """Every counted raw activity row (actor, UTC timestamp), read straight from the raw
    tables: the union of sources that every naive method starts from."""
    branches = " union all ".join(
        f"select {actor} as user_id, {ts} as occurred_at from {raw}.{table} "
        f"where {ts} is not null"
        + (f" and {ts} >= timestamp '{since}'" if since else "")
        + (f" and event_type in ({counted_types_sql()})" if table == "activity_touches" else "")
        for table, (actor, ts) in ACTIVITY_TABLES.items()
    )
    return (
        f"select activity.user_id, cast(activity.occurred_at as date) as activity_date "
        f"from ({branches}) as activity inner join {raw}.users on activity.user_id = users.id "
        "where not coalesce(users.is_staff, false) and not coalesce(users.is_test, false)"
    )


def floor_sql(raw: str, as_of: dt.date) -> str:
    """The least any exact method must do: read every raw row once and count the
    distinct user-days (UTC) through the as-of date."""
    return (
        "select count(*) from (select distinct user_id, activity_date "
        f"from ({counted_raw_rows_sql(raw)}) as counted "
        f"where activity_date <= date '{as_of}') as user_days"
    )


def naive_mau_sql(raw: str, first: dt.date, as_of: dt.date) -> str:
    """The naive MAU series: the union of the raw tables joined to a date spine, and a
    count(distinct) per day (what a dashboard without this project runs)."""
    n_days = (as_of - first).days + 1
    spine = " union all ".join(
        f"select date '{first + dt.timedelta(days=i)}' as date_day" for i in range(n_days)
    )
    return (
        f"select spine.date_day, count(distinct counted.user_id) as mau from ({spine}) as spine "
        f"inner join ({counted_raw_rows_sql(raw)}) as counted "
        "on counted.activity_date <= spine.date_day "
        "and counted.activity_date > spine.date_day - 30 "
        "group by spine.date_day"
    )


def snapshot_sql(schema: str, as_of: dt.date) -> str:
    return (
        "select "
        + ", ".join(
            f"sum(case when last_activity_date > date '{as_of - dt.timedelta(days=n)}' "
            f"then 1 else 0 end) as active_{n}d"
            for n in (1, 7, 30)
        )
        + f" from {schema}.user_last_activity where last_activity_date <= date '{as_of}'"
    )


def union_sql(raw: str, as_of: dt.date) -> str:
    """The app's old method: a distinct union of every activity table, per window."""
    start = as_of - dt.timedelta(days=29)
    end = as_of + dt.timedelta(days=1)
    branches = " union all ".join(
        f"select {actor} as user_id, {ts} as occurred_at from {raw}.{table} "
        f"where {ts} >= timestamp '{start}' and {ts} < timestamp '{end}'"
        + (f" and event_type in ({counted_types_sql()})" if table == "activity_touches" else "")
        for table, (actor, ts) in ACTIVITY_TABLES.items()
    )
    windows = ", ".join(
        f"count(distinct case when occurred_at >= timestamp '{as_of - dt.timedelta(days=n - 1)}' "
        f"then activity.user_id end) as active_{n}d"
        for n in (1, 7, 30)
    )
    return (
        f"select {windows} from ({branches}) as activity inner join {raw}.users "
        "on activity.user_id = users.id "
        "where not coalesce(users.is_staff, false) and not coalesce(users.is_test, false)"
    )


def compiled_model_sql(warehouse: BenchWarehouse, model_path: str, as_of: dt.date) -> str:
    """The compiled select of a model (its full-refresh branch), by its path under
    models/, e.g. marts/growth/fct_growth_accounting."""
    model = model_path.rsplit("/", 1)[-1]
    warehouse.dbt(["compile", "--select", model, "--full-refresh"], as_of)
    path = os.path.join(warehouse.target_path, f"compiled/activity_metrics/models/{model_path}.sql")
    with open(path) as fh:
        return fh.read()


GROWTH_MODELS = ("fct_growth_accounting", "fct_retention_cohorts")
# the breakdowns' and engagement's own nodes: their marts and their identities tests (the
# segment partitions of the one sweep are inside int_rolling_actives_daily, not counted)
ENGAGEMENT_NODES = (
    "fct_active_users_by_segment_daily",
    "fct_active_days_distribution_daily",
    "fct_stickiness",
    "assert_breakdown_identities",
    "assert_engagement_identities",
)


def seconds_in_last_build(warehouse: BenchWarehouse, names=GROWTH_MODELS) -> float:
    """Execution time of the named models and tests in the warehouse's last dbt run."""
    with open(os.path.join(warehouse.target_path, "run_results.json")) as fh:
        results = json.load(fh)["results"]
    return sum(
        r["execution_time"]
        for r in results
        if r["unique_id"].split(".")[0] in ("model", "test")
        and r["unique_id"].split(".")[2] in names
    )


def dbt_run_breakdown(warehouse: BenchWarehouse, wall_seconds: float) -> dict[str, float]:
    """Where the warehouse's last dbt run spent its wall time: before the run (dbt's
    start, the project's parse), the models' and the tests' own execution (run
    results), and the rest of the run (compilation with its planning queries, hooks,
    introspection)."""
    with open(os.path.join(warehouse.target_path, "run_results.json")) as fh:
        run_results = json.load(fh)
    results, elapsed = run_results["results"], run_results["elapsed_time"]

    def seconds(kind: str) -> float:
        return sum(r["execution_time"] for r in results if r["unique_id"].startswith(kind))

    models, tests = seconds("model."), seconds("test.")
    return {
        "dbt start and parse": wall_seconds - elapsed,
        "models' SQL": models,
        "tests' SQL": tests,
        "compilation, planning queries, hooks": elapsed - models - tests,
    }


def naive_growth_sql(schema: str, as_of: dt.date) -> str:
    """Growth accounting per day, ISO week and month (the same table as the model) the
    naive way: every user crossed with every period, each cell flagged active or not,
    then lag() per user over all of them (O(users x periods), what a quick dbt model or
    a notebook does)."""
    periods = " union all ".join(
        f"select distinct '{kind}' as period_type, user_id, "
        f"cast(date_trunc('{kind}', activity_date) as date) as period_start "
        f"from {schema}.fct_user_days where activity_date <= date '{as_of}'"
        for kind in ("day", "week", "month")
    )
    return f"""
with user_periods as ({periods}),
periods as (select distinct period_type, period_start from user_periods),
users as (select distinct user_id from user_periods),
grid as (
    select periods.period_type, periods.period_start, users.user_id,
        user_periods.user_id is not null as is_active
    from periods cross join users
    left join user_periods
        on user_periods.period_type = periods.period_type
        and user_periods.period_start = periods.period_start
        and user_periods.user_id = users.user_id
),
flagged as (
    select period_type, period_start, is_active,
        coalesce(lag(is_active) over (
            partition by period_type, user_id order by period_start), false) as was_active,
        coalesce(max(case when is_active then 1 else 0 end) over (
            partition by period_type, user_id order by period_start
            rows between unbounded preceding and 1 preceding), 0) as active_before
    from grid
)
select period_type, period_start,
    sum(case when is_active then 1 else 0 end) as active_users,
    sum(case when is_active and active_before = 0 then 1 else 0 end) as new_users,
    sum(case when is_active and was_active then 1 else 0 end) as retained_users,
    sum(case when is_active and not was_active and active_before = 1 then 1 else 0 end)
        as resurrected_users,
    sum(case when not is_active and was_active then 1 else 0 end) as churned_users
from flagged
group by period_type, period_start
"""


def spine_join_sql(schema: str, first: dt.date, as_of: dt.date) -> str:
    """What MetricFlow's cumulative metrics compile to (a day spine joined to every
    user-day of its window, then a distinct count per day), for an engine MetricFlow
    does not support (Spark); the same column names as its query."""
    return (
        "select spine.date_day as metric_time__day, "
        "count(distinct case when facts.activity_date > date_sub(spine.date_day, 7) "
        "then facts.user_id end) as wau_cumulative, "
        "count(distinct facts.user_id) as mau_cumulative "
        f"from (select explode(sequence(date '{first}', date '{as_of}')) as date_day) as spine "
        f"inner join {schema}.fct_user_days as facts "
        "on facts.activity_date <= spine.date_day "
        "and facts.activity_date > date_sub(spine.date_day, 30) "
        "group by spine.date_day"
    )


SEGMENT_DIMENSIONS = ("activity_category", "source_table", "account_type")


def native_segments_sql(schema: str, wau_days: int, mau_days: int) -> str:
    """The segmented WAU/MAU by DuckDB's exact windowed distinct count over the same
    user-day segments the sweep reads: one row per dimension, value and day that has a
    user-day of the value (the window function has no row for a day without one)."""
    window = (
        "partition by segment_dimension, segment_value order by activity_date "
        "range between interval {n} days preceding and current row"
    )
    dimensions = ", ".join(f"'{d}'" for d in SEGMENT_DIMENSIONS)
    return (
        "select distinct activity_date, segment_dimension, segment_value, "
        f"count(distinct user_id) over ({window.format(n=wau_days - 1)}) as wau, "
        f"count(distinct user_id) over ({window.format(n=mau_days - 1)}) as mau "
        f"from {schema}.int_user_day_segments where segment_dimension in ({dimensions})"
    )


def metricflow_spine_sql(
    warehouse: BenchWarehouse,
    first: dt.date,
    as_of: dt.date,
    metrics: str = "wau_cumulative,mau_cumulative",
    group_by: str = "metric_time__day",
) -> str:
    mf = os.path.join(os.path.dirname(sys.executable), "mf")
    # MetricFlow reads the semantic manifest of the project's own target directory (not
    # $DBT_TARGET_PATH, where the bench's dbt runs write): parse this warehouse's there
    project_target = {"DBT_TARGET_PATH": os.path.join(project_dir(), "target")}
    warehouse.run(dbt_command(["parse"], warehouse.target, None), env=project_target)
    warehouse.run(
        [
            mf,
            "query",
            "--metrics",
            metrics,
            "--group-by",
            group_by,
            "--start-time",
            first.isoformat(),
            "--end-time",
            as_of.isoformat(),
            "--explain",
        ],
        env=project_target,
    )
    text = warehouse.last_output
    start = text.index("\n", text.index("SQL (remove --explain")) + 1
    return text[start:].strip()
