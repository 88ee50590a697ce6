"""`activity-metrics bench`: speed measured side by side, in one run, alternating the
contenders, medians of several runs; writes BENCHMARKS.md. Never a timed unit test.

Contenders (each on the same warehouse and data):
1. the full `dbt build --full-refresh` vs the floor, one pass counting distinct
   (user, local day) over the unioned counted activity;
2. the rolling DAU/WAU/MAU sweep (the compiled SQL of fct_active_users_daily) vs the SQL
   that MetricFlow generates for cumulative metrics (`mf query --explain`), both on the
   same user-day table, results checked equal;
3. the nightly `dbt build` (models and the tests of the default selector) after the
   app appended one day of rows, with 1, 2 and 4 years of history that end in the same
   days (slices of one dataset: the same daily volume), against the full build and
   against the naive MAU query alone (the union of the raw tables joined to a date
   spine with count(distinct), the MAU of every day);
4. the current snapshot, the app's one-line `last_activity_date >= as_of - N` on
   user_last_activity, vs the old union of all activity tables;
5. growth accounting: the time of fct_growth_accounting and fct_retention_cohorts inside
   the full build (from dbt's run results) against the rest of it, and the compiled
   query of fct_growth_accounting against a naive version that crosses every user with
   every week and month, results checked equal.

`--parts` runs some of them (the full build always runs: the others read its tables).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field

from .dbt_runner import _command, profiles_dir
from .generator import (
    ACTIVITY_TABLES,
    US_PER_DAY,
    GeneratorConfig,
    arrival_times,
    generate,
    write_duckdb,
    write_postgres,
)
from .warehouse import PROJECT_DIR, Settings, WarehouseError, environment, warehouse_env

# users x days of the longest history; the shorter ones are its last half and quarter,
# labelled 4y, 2y and 1y as they are at sizes M and L (at S and XS they are shorter).
# XS is the CI smoke size: it proves the benchmark runs, its timings mean nothing.
SIZES = {"XS": (1_000, 60), "S": (10_000, 365), "M": (200_000, 1460), "L": (1_000_000, 1460)}
HISTORY_LABELS = ("1y", "2y", "4y")


@dataclass
class Timing:
    seconds: list[float] = field(default_factory=list)
    peak_mb: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def peak(self) -> float:
        return max(self.peak_mb) if self.peak_mb else float("nan")


class BenchWarehouse:
    """A warehouse of its own (DuckDB file or PostgreSQL schemas) for one dataset."""

    def __init__(self, target: str, name: str):
        self.target = target
        self.raw_schema = f"raw_bench_{name}"
        self.schema = f"analytics_bench_{name}"
        self.path = os.path.join(PROJECT_DIR, "target", "bench", f"{name}.duckdb")
        if target == "duckdb":
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
        self.env = warehouse_env(target, self.raw_schema, self.schema, self.path)
        if target == "spark":  # a metastore of the bench's own
            self.env["ACTIVITY_SPARK_DIR"] = os.path.join(PROJECT_DIR, "target", "bench", "spark")
        self.settings = Settings(target)

    def load(self, tables, append=False):
        if self.target == "spark":
            with self._spark() as spark:
                spark.write_spark(tables, self.raw_schema, append=append)
            return
        if self.target == "duckdb":
            if os.path.exists(self.path) and not append:
                os.remove(self.path)
            write_duckdb(tables, self.path, self.raw_schema, append=append)
        else:
            if not append:
                self.drop()
            conn = self.settings.connect_postgres()
            try:
                write_postgres(tables, conn, self.raw_schema, append=append)
            finally:
                conn.close()

    @contextlib.contextmanager
    def _spark(self):
        """This process's SparkSession on the bench's metastore, let go of afterwards
        (dbt's JVM opens the same embedded metastore)."""
        from . import spark

        with environment(self.env):
            try:
                yield spark
            finally:
                spark.release_spark()

    def drop(self):
        if self.target == "spark":
            with self._spark() as spark:
                for schema in (self.schema, self.raw_schema):
                    spark.spark_session().sql(f"drop database if exists {schema} cascade")
            return
        if self.target == "postgres":
            conn = self.settings.connect_postgres()
            with conn.cursor() as cur:
                cur.execute(f"drop schema if exists {self.schema} cascade")
                cur.execute(f"drop schema if exists {self.raw_schema} cascade")
            conn.commit()
            conn.close()
        elif os.path.exists(self.path):
            os.remove(self.path)

    def run(self, command: list[str], timeout: float | None = None) -> tuple[float, float]:
        """A command in a child process: (seconds, peak RSS of the child in MB). Past the
        timeout the child is killed and the result is (inf, nan): a lower bound."""
        started = time.perf_counter()
        proc = subprocess.Popen(
            command,
            cwd=PROJECT_DIR,
            env={**os.environ, **self.env, "DBT_PROFILES_DIR": profiles_dir()},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            output, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            self.last_output = ""
            return float("inf"), float("nan")
        seconds = time.perf_counter() - started
        if proc.returncode != 0:
            tail = "\n".join(output.splitlines()[-25:])
            raise WarehouseError(f"benchmark step failed: {' '.join(command[:4])}\n{tail}")
        self.last_output = output
        reported = dict(
            line.split(" ", 1)
            for line in output.splitlines()
            if line.startswith(("SECONDS ", "PEAK_MB "))
        )
        peak = float(reported.get("PEAK_MB", "nan"))
        if command[:1] == ["/usr/bin/time"]:
            peak = float(output.strip().splitlines()[-1]) / 1024  # %M: max RSS in KB
        return float(reported.get("SECONDS", seconds)), peak

    def dbt(self, args: list[str], as_of: dt.date) -> tuple[float, float]:
        command = _command(args, self.target, {"activity__as_of_date": as_of.isoformat()})
        if os.path.exists("/usr/bin/time"):  # GNU time: the peak RSS of dbt itself
            command = ["/usr/bin/time", "-f", "%M", *command]
        return self.run(command)

    def settings_query(self, sql: str):
        return self.settings_query_all(sql)[0]

    def settings_query_all(self, sql: str):
        with environment(self.env):
            try:
                return self.settings.query(sql)[1]
            finally:
                if self.target == "spark":
                    from .spark import release_spark

                    release_spark()

    def sql_statements(self, statements: list[str]) -> None:
        """Run statements on the warehouse (not timed)."""
        conn = self.settings.connect_postgres()
        try:
            with conn.cursor() as cur:
                for statement in statements:
                    cur.execute(statement)
            conn.commit()
        finally:
            conn.close()

    def sql(self, sql: str, timeout: float | None = None) -> tuple[float, float]:
        self.env["BENCH_TIMEOUT_SECONDS"] = str(timeout or 0)
        return self.run(
            [sys.executable, "-m", "activity_metrics.bench", "--sql-worker", sql], timeout
        )


def _own_peak_mb() -> float:
    """VmHWM of this process (ru_maxrss would include the parent's pages from before exec)."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def sql_worker(sql: str) -> None:
    """Child process: run one query against the warehouse of the environment, fetch all."""
    settings = Settings.from_env(os.environ.get("ACTIVITY_TARGET"))
    if settings.target == "postgres":
        conn = settings.connect_postgres()
        with conn.cursor() as cur:
            cur.execute("set time zone 'UTC'")
            cur.execute(f"set work_mem = '{os.environ.get('BENCH_WORK_MEM', '256MB')}'")
            # a killed client does not stop its query: let the server stop it too
            timeout_s = float(os.environ.get("BENCH_TIMEOUT_SECONDS", "0"))
            timeout_ms = int((timeout_s + 5) * 1000) if timeout_s else 0
            cur.execute(f"set statement_timeout = {timeout_ms}")
            started = time.perf_counter()
            cur.execute(sql)
            rows = cur.fetchall()
            seconds = time.perf_counter() - started
        conn.close()
    elif settings.target == "spark":
        from .spark import spark_session

        session = spark_session()
        started = time.perf_counter()
        rows = [tuple(row) for row in session.sql(sql).collect()]
        seconds = time.perf_counter() - started
    else:
        import duckdb

        with duckdb.connect(settings.duckdb_path, read_only=True) as con:
            started = time.perf_counter()
            rows = con.execute(sql).fetchall()
            seconds = time.perf_counter() - started
    # the query's own time (connecting and starting Python are not the query's cost)
    print("SECONDS", seconds)
    print("PEAK_MB", _own_peak_mb())
    print("ROWS", json.dumps(sorted(rows, key=str), default=str))


def counted_raw_rows_sql(raw: str, since: dt.date | None = None) -> str:
    """Every counted raw activity row (actor, UTC timestamp), read straight from the raw
    tables: the union of sources that every naive method starts from."""
    branches = " union all ".join(
        f"select {actor} as user_id, {ts} as occurred_at from {raw}.{table} "
        f"where {ts} is not null"
        + (f" and {ts} >= timestamp '{since}'" if since else "")
        + (
            " and event_type in ('login', 'session_recovery', 'mutation')"
            if table == "activity_touches"
            else ""
        )
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
        + (
            " and event_type in ('login', 'session_recovery', 'mutation')"
            if table == "activity_touches"
            else ""
        )
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


def _median_row(timing: Timing) -> str:
    return f"{timing.median:9.3f} s  (runs: {', '.join(f'{t:.3f}' for t in timing.seconds)})"


def _rows(output: str):
    line = next(line for line in output.splitlines() if line.startswith("ROWS "))
    return json.loads(line[5:])


def compiled_model_sql(warehouse: BenchWarehouse, model_path: str, as_of: dt.date) -> str:
    """The compiled select of a model (its full-refresh branch), e.g. activity/fct_x."""
    model = model_path.rsplit("/", 1)[-1]
    warehouse.dbt(["compile", "--select", model, "--full-refresh"], as_of)
    path = os.path.join(
        PROJECT_DIR, f"target/compiled/activity_metrics/models/marts/{model_path}.sql"
    )
    with open(path) as fh:
        return fh.read()


GROWTH_MODELS = ("fct_growth_accounting", "fct_retention_cohorts")


def growth_seconds_in_last_build() -> float:
    """Execution time of the growth-accounting models in the last dbt run (run results)."""
    with open(os.path.join(PROJECT_DIR, "target", "run_results.json")) as fh:
        results = json.load(fh)["results"]
    return sum(
        r["execution_time"]
        for r in results
        if r["unique_id"].startswith("model.") and r["unique_id"].split(".")[-1] in GROWTH_MODELS
    )


def naive_growth_sql(schema: str, as_of: dt.date) -> str:
    """Growth accounting per day, ISO week and month (the same table as the model) the
    naive way: every user crossed with every period, each cell flagged active or not,
    then lag() per user over all of them (O(users x periods), what a quick dbt model or
    a notebook does)."""
    periods = " union all ".join(
        f"select distinct '{kind}' as period_type, user_id, "
        f"cast(date_trunc('{kind}', activity_date) as date) as period_start "
        f"from {schema}.fct_user_activity_daily where activity_date <= date '{as_of}'"
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
        f"inner join {schema}.fct_user_activity_daily as facts "
        "on facts.activity_date <= spine.date_day "
        "and facts.activity_date > date_sub(spine.date_day, 30) "
        "group by spine.date_day"
    )


def metricflow_spine_sql(warehouse: BenchWarehouse, first: dt.date, as_of: dt.date) -> str:
    mf = os.path.join(os.path.dirname(sys.executable), "mf")
    warehouse.run(
        [
            mf,
            "query",
            "--metrics",
            "wau_cumulative,mau_cumulative",
            "--group-by",
            "metric_time__day",
            "--start-time",
            first.isoformat(),
            "--end-time",
            as_of.isoformat(),
            "--explain",
        ]
    )
    text = warehouse.last_output
    start = text.index("\n", text.index("SQL (remove --explain")) + 1
    return text[start:].strip()


def history_slice(tables, first_day: dt.date, before_day: dt.date | None = None, on_day=None):
    """The raw tables of one history: activity rows dated from first_day on (rows with a
    null timestamp belong to every slice) and arrived before before_day, or only the rows
    of on_day (what the app appends in a day). Users are the same in every slice."""
    epoch = dt.date(1970, 1, 1)
    start_us = (first_day - epoch).days * US_PER_DAY
    out = {"users": tables["users"]}
    for name, arrival in arrival_times(tables).items():
        _, null = tables[name][ACTIVITY_TABLES[name][1]]
        if on_day is not None:
            day_us = (on_day - epoch).days * US_PER_DAY
            keep = (arrival >= day_us) & (arrival < day_us + US_PER_DAY)
            out.pop("users", None)
        else:
            keep = (arrival >= start_us) | (null if null is not None else False)
            if before_day is not None:
                keep &= arrival < (before_day - epoch).days * US_PER_DAY
        out[name] = {
            col: (vals[keep], None if m is None else m[keep])
            for col, (vals, m) in tables[name].items()
        }
    return out


PARTS = ("full", "rolling", "growth", "nightly", "snapshot")
NOT_RUN = "not run"


def bench_engine(target: str, size: str, runs: int, seed: int, timeout: float, parts=PARTS) -> dict:
    users, days = SIZES[size]
    end = dt.date(2026, 6, 30)
    results: dict[str, Timing] = {}

    def timed(name: str, step):
        seconds, peak = step()
        timing = results.setdefault(name, Timing())
        timing.seconds.append(seconds)
        timing.peak_mb.append(peak)
        print(f"  [{target} {size}] {name}: {seconds:.3f} s", flush=True)

    def record(name: str, seconds: float):
        timed(name, lambda: (seconds, float("nan")))

    # one dataset, the longest history; the shorter histories are its last days, so
    # every history has the same daily volume at its end. The last `runs` days are
    # held back: each nightly run appends one of them, as the app would
    started = time.perf_counter()
    tables = generate(GeneratorConfig(users=users, days=days, seed=seed, end_date=end))
    # PostgreSQL also measures the nightly run with an index on every activity
    # timestamp (an app rarely has one; the nightly reads follow the primary key)
    held_back = runs * (2 if target == "postgres" else 1) if "nightly" in parts else 0
    first_new_day = end - dt.timedelta(days=held_back - 1)
    as_of = first_new_day - dt.timedelta(days=1)
    histories = {}
    for label, history_days in zip(HISTORY_LABELS, (days // 4, days // 2, days), strict=True):
        if label != HISTORY_LABELS[-1] and "nightly" not in parts:
            continue  # only the nightly part compares histories
        if size == "XS" and label not in (HISTORY_LABELS[0], HISTORY_LABELS[-1]):
            continue  # the smoke size needs the two ends of the ratio only
        warehouse = BenchWarehouse(target, f"{size.lower()}_{label}")
        first_day = end - dt.timedelta(days=history_days - 1)
        sliced = history_slice(tables, first_day, before_day=first_new_day)
        rows = sum(t["id"][0].size for t in sliced.values())
        warehouse.load(sliced)
        print(
            f"[{target} {size}] {label} ({history_days} days): {rows:,} raw rows loaded in "
            f"{time.perf_counter() - started:.1f} s",
            flush=True,
        )
        warehouse.dbt(["seed"], as_of)
        histories[label] = (warehouse, rows, first_day)
    big, big_rows, big_first = histories[HISTORY_LABELS[-1]]

    # 1. full build vs the floor, alternating
    for _ in range(runs):
        timed("full build", lambda: big.dbt(["build", "--full-refresh"], as_of))
        if "growth" in parts:  # the growth models' share of that same build
            growth = growth_seconds_in_last_build()
            record("growth models inside the full build", growth)
            record(
                "full build without the growth models", results["full build"].seconds[-1] - growth
            )
        timed("floor", lambda: big.sql(floor_sql(big.raw_schema, as_of)))
    (user_days,) = big.settings_query(f"select count(*) from {big.schema}.fct_user_activity_daily")

    # None: not compared (a contender timed out); NOT_RUN: the part was not asked for
    rolling_equal = growth_equal = mau_equal = snapshot_equal = NOT_RUN
    if "rolling" in parts:
        # 2. the sweep vs MetricFlow's spine join on the same user-day table
        (first_day,) = big.settings_query(
            f"select min(date_day) from {big.schema}.fct_active_users_daily"
        )
        sweep = compiled_model_sql(big, "activity/fct_active_users_daily", as_of)
        # MetricFlow has no Spark engine: there, the same spine join written by hand
        spine = (
            spine_join_sql(big.schema, first_day, as_of)
            if target == "spark"
            else metricflow_spine_sql(big, first_day, as_of)
        )
        sweep_q = f"select date_day, wau, mau from ({sweep}) as sweep"
        spine_q = f"select metric_time__day, wau_cumulative, mau_cumulative from ({spine}) as spine"
        spine_rows = None
        spine_name = (
            "rolling: spine join (by hand)"
            if target == "spark"
            else "rolling: MetricFlow spine join"
        )
        for _ in range(runs):
            timed("rolling: sweep (ours)", lambda: big.sql(sweep_q))
            sweep_rows = _rows(big.last_output)
            if results.get(spine_name, Timing([0.0])).seconds[-1] == float("inf"):
                continue  # timed out once: a lower bound, not worth repeating
            timed(spine_name, lambda: big.sql(spine_q, timeout))
            if big.last_output:
                spine_rows = _rows(big.last_output)

        def normalise(rows):
            # the spine join has no row (or a null) for a day whose window holds nobody
            by_day = {str(r[0])[:10]: (int(r[1] or 0), int(r[2] or 0)) for r in rows}
            return {day: counts for day, counts in by_day.items() if counts != (0, 0)}

        rolling_equal = (
            None if spine_rows is None else normalise(sweep_rows) == normalise(spine_rows)
        )

    # 5. growth accounting: the model's query vs every user crossed with every period
    if "growth" in parts:
        growth_sql = compiled_model_sql(big, "growth/fct_growth_accounting", as_of)
        growth_q = (
            "select period_type, period_start, active_users, new_users, retained_users, "
            f"resurrected_users, churned_users from ({growth_sql}) as growth"
        )
        naive_growth_q = naive_growth_sql(big.schema, as_of)
        naive_growth_rows = growth_equal = None
        for _ in range(runs):
            timed("growth accounting (ours)", lambda: big.sql(growth_q))
            growth_rows = _rows(big.last_output)
            naive_name = "growth accounting: naive users x periods"
            if results.get(naive_name, Timing([0.0])).seconds[-1] == float("inf"):
                continue
            timed(naive_name, lambda: big.sql(naive_growth_q, timeout))
            if big.last_output:
                naive_growth_rows = _rows(big.last_output)
        if naive_growth_rows is not None:
            naive = {
                (r[0], str(r[1])[:10]): tuple(int(v) for v in r[2:]) for r in naive_growth_rows
            }
            ours = {
                (r[0], str(r[1])[:10]): tuple(int(v) for v in r[2:])
                for r in growth_rows
                if int(r[2])
            }
            growth_equal = naive == ours

    if "nightly" in parts:
        # 3. the nightly run: append one day of rows, `dbt build` (the default selector),
        # alternating the histories; beside it, the naive MAU series on the same data
        for warehouse, _, _ in histories.values():
            if warehouse is not big:
                warehouse.dbt(["build", "--full-refresh"], as_of)
        naive_q = naive_mau_sql(big.raw_schema, big_first, as_of)
        naive_rows = mau_equal = None
        for run in range(runs):
            new_day = first_new_day + dt.timedelta(days=run)
            appended = history_slice(tables, new_day, on_day=new_day)
            for label, (warehouse, _, _) in histories.items():
                warehouse.load(appended, append=True)
                timed(
                    f"nightly, {label} history", lambda w=warehouse, d=new_day: w.dbt(["build"], d)
                )
            if results.get("naive MAU series", Timing([0.0])).seconds[-1] != float("inf"):
                timed("naive MAU series", lambda: big.sql(naive_q, timeout))
                if big.last_output:
                    naive_rows = _rows(big.last_output)
        if naive_rows is not None:
            published = big.settings_query_all(
                f"select date_day, mau from {big.schema}.fct_active_users_daily "
                f"where date_day <= date '{as_of}'"
            )
            mau_equal = {str(d)[:10]: int(m) for d, m in published if m} == {
                str(d)[:10]: int(m) for d, m in naive_rows if m
            }
        if target == "postgres":
            big.sql_statements(
                [
                    f"create index if not exists {name}_{ts}_idx on {big.raw_schema}.{name} ({ts})"
                    for name, (_, ts) in ACTIVITY_TABLES.items()
                ]
            )
            for run in range(runs, held_back):
                new_day = first_new_day + dt.timedelta(days=run)
                big.load(history_slice(tables, new_day, on_day=new_day), append=True)
                timed(
                    "nightly, 4y history, timestamp indexes",
                    lambda d=new_day: big.dbt(["build"], d),
                )
    del tables
    last_day = first_new_day + dt.timedelta(days=held_back - 1)
    if "snapshot" in parts:
        # 4. the snapshot vs the union of every table (the app's old method)
        for _ in range(runs):
            timed(
                "snapshot: one line on user_last_activity",
                lambda: big.sql(snapshot_sql(big.schema, last_day)),
            )
            snapshot_rows = _rows(big.last_output)
            timed(
                "snapshot: union of all tables",
                lambda: big.sql(union_sql(big.raw_schema, last_day)),
            )
            union_rows = _rows(big.last_output)
        snapshot_equal = [tuple(int(v) for v in r) for r in snapshot_rows] == [
            tuple(int(v) for v in r) for r in union_rows
        ]
    return {
        "target": target,
        "size": size,
        "users": users,
        "days": days,
        "raw_rows": big_rows,
        "user_days": user_days,
        "results": results,
        "rolling_equal": rolling_equal,
        "snapshot_equal": snapshot_equal,
        "mau_equal": mau_equal,
        "growth_equal": growth_equal,
        "timeout": timeout,
    }


TARGETS = (
    # (label, numerator, denominator, comparison, bound, what it means)
    (
        "rolling series vs spine join",
        "rolling: MetricFlow spine join",
        "rolling: sweep (ours)",
        ">=",
        30.0,
        "sweep at least 30x faster",
    ),
    (
        "rolling series vs spine join",
        "rolling: spine join (by hand)",
        "rolling: sweep (ours)",
        ">=",
        30.0,
        "sweep at least 30x faster",
    ),
    ("full build vs floor", "full build", "floor", "<=", 3.0, "full build within 3x of the floor"),
    (
        "nightly vs full build",
        "nightly, 4y history",
        "full build",
        "<=",
        0.10,
        "nightly at most 10% of the full build",
    ),
    (
        "nightly 4y vs 1y",
        "nightly, 4y history",
        "nightly, 1y history",
        "<=",
        1.2,
        "nightly cost follows new data, not history",
    ),
    (
        "naive MAU series vs nightly",
        "naive MAU series",
        "nightly, 4y history",
        ">=",
        10.0,
        "nightly at least 10x faster than the naive MAU query alone",
    ),
    (
        "growth accounting share of the build",
        "growth models inside the full build",
        "full build without the growth models",
        "<=",
        0.20,
        "growth accounting adds at most 20% to the full build",
    ),
    (
        "growth accounting vs naive",
        "growth accounting: naive users x periods",
        "growth accounting (ours)",
        ">=",
        10.0,
        "at least 10x faster than users x periods",
    ),
    (
        "snapshot vs union",
        "snapshot: union of all tables",
        "snapshot: one line on user_last_activity",
        ">=",
        100.0,
        "snapshot at least 100x faster",
    ),
)


def render(outcomes: list[dict], runs: int) -> str:
    lines = []
    for outcome in outcomes:
        results = outcome["results"]
        lines += [
            f"### {outcome['target']}, size {outcome['size']}: {outcome['users']:,} users x "
            f"{outcome['days']} days, {outcome['raw_rows']:,} raw rows, "
            f"{outcome['user_days']:,} user-days",
            "",
            f"Medians of {runs} runs, contenders alternated; peak RSS of the measuring process "
            "(dbt or the SQL client; PostgreSQL's server memory is not included).",
            "",
            "| contender | median (s) | runs (s) | peak RSS (MB) |",
            "|---|---:|---|---:|",
        ]
        for name, timing in results.items():
            shown = [f"{t:.2f}" if t != float("inf") else "timed out" for t in timing.seconds]
            median = f"{timing.median:.3f}" if timing.median != float("inf") else "> timeout"
            lines.append(f"| {name} | {median} | {', '.join(shown)} | {timing.peak:.0f} |")
        lines += ["", "| ratio | value | target | met |", "|---|---:|---|---|"]
        for label, num, den, op, bound, meaning in TARGETS:
            if num not in results or den not in results:
                continue  # a part not run (--parts)
            ratio = results[num].median / results[den].median
            if ratio == float("inf"):  # the slower contender timed out: a lower bound
                ratio_floor = outcome["timeout"] / results[den].median
                met = True if op == ">=" and ratio_floor >= bound else None
            else:
                met = ratio >= bound if op == ">=" else ratio <= bound
            value = (
                f"{ratio:.2f}" if ratio != float("inf") else f"> {timeout_ratio(outcome, num, den)}"
            )
            lines.append(
                f"| {label} ({num} / {den}) | {value} | {op} {bound:g} ({meaning}) | "
                f"{ {True: 'yes', False: '**no**', None: 'unknown (timed out)'}[met] } |"
            )
        same = {
            key: {
                True: "yes",
                False: "**NO**",
                None: "not compared (timed out)",
                NOT_RUN: "not run (--parts)",
            }[outcome[key]]
            for key in ("rolling_equal", "snapshot_equal", "mau_equal", "growth_equal")
        }
        lines += [
            "",
            f"Same numbers from both rolling methods: {same['rolling_equal']}; "
            f"snapshot equals the union method: {same['snapshot_equal']}; "
            f"the naive MAU series equals the published MAU: {same['mau_equal']}; "
            "naive growth accounting equals fct_growth_accounting: "
            f"{same['growth_equal']}.",
            "",
        ]
    return "\n".join(lines)


READING_MARKER = "<!-- reading: kept by activity-metrics bench -->"


def timeout_ratio(outcome: dict, num: str, den: str) -> str:
    return f"{outcome['timeout'] / outcome['results'][den].median:.0f}"


def machine() -> str:
    import duckdb

    mem_kb = 0
    try:
        with open("/proc/meminfo") as fh:
            mem_kb = int(fh.readline().split()[1])
    except OSError:
        pass
    pg = "unreachable"
    try:
        conn = Settings("postgres").connect_postgres()
        with conn.cursor() as cur:
            cur.execute("show server_version")
            pg = cur.fetchone()[0]
        conn.close()
    except WarehouseError:
        pass
    return (
        f"{platform.platform()}, {os.cpu_count()} cores, {mem_kb / 1024 / 1024:.0f} GiB RAM, "
        f"Python {platform.python_version()}, DuckDB {duckdb.__version__}, PostgreSQL {pg} "
        "(default settings; the models set work_mem=256MB)"
    )


def main(argv: list[str] | None = None) -> int:
    import argparse

    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--sql-worker"]:
        sql_worker(argv[1])
        return 0
    parser = argparse.ArgumentParser(prog="activity-metrics bench", description=__doc__)
    parser.add_argument("--size", choices=sorted(SIZES), default="S")
    parser.add_argument(
        "--target",
        choices=["duckdb", "postgres", "spark", "both"],
        default="both",
        help="both: duckdb and postgres; spark: local mode (2 cores here, not a cluster)",
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--output", default=os.path.join(PROJECT_DIR, "BENCHMARKS.md"))
    parser.add_argument("--keep", action="store_true", help="keep the benchmark warehouses")
    parser.add_argument(
        "--parts",
        default=",".join(PARTS),
        help=f"comma-separated parts to run, of {','.join(PARTS)} (full always runs)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=600,
        help="seconds after which the spine join is stopped and reported as a lower bound",
    )
    args = parser.parse_args(argv)
    parts = {part.strip() for part in args.parts.split(",")} | {"full"}
    if not parts <= set(PARTS):
        parser.error(f"--parts: unknown {', '.join(sorted(parts - set(PARTS)))}")
    if args.runs < 3:
        print("note: fewer than 3 runs; medians of 3 or more are what BENCHMARKS.md reports")
    targets = ["duckdb", "postgres"] if args.target == "both" else [args.target]
    outcomes = []
    try:
        for target in targets:
            if target == "postgres":
                Settings("postgres").connect_postgres().close()
            if target == "spark":
                from .spark import check_java, check_pyspark

                check_pyspark()
                check_java()
            outcomes.append(
                bench_engine(target, args.size, args.runs, args.seed, args.timeout, parts)
            )
            if not args.keep:
                for name in HISTORY_LABELS:
                    BenchWarehouse(target, f"{args.size.lower()}_{name}").drop()
    except WarehouseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    report = render(outcomes, args.runs)
    print()
    print(report)
    header = (
        "# Benchmarks\n\nMeasured by `activity-metrics bench` (`make bench`) on "
        f"{dt.date.today()}: {machine()}.\n\n"
    )
    # a hand-written reading below the marker survives a new run
    kept = ""
    if os.path.exists(args.output):
        with open(args.output) as fh:
            previous = fh.read()
        if READING_MARKER in previous:
            kept = "\n" + previous[previous.index(READING_MARKER) :]
    with open(args.output, "w") as fh:
        fh.write(header + report + kept)
    print(f"written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
