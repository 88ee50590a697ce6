"""`activity-metrics bench`: speed measured side by side, in one run, alternating the
contenders, medians of several runs; writes BENCHMARKS.md. Never a timed unit test.

Contenders (each on the same warehouse and data):
1. the full `dbt build --full-refresh` vs the floor, one pass counting distinct
   (user, local day) over the unioned counted activity;
2. the rolling DAU/WAU/MAU sweep (the compiled SQL of int_rolling_actives_daily) vs the SQL
   that MetricFlow generates for cumulative metrics (`mf query --explain`), both on the
   same user-day table, results checked equal;
3. the nightly `dbt build` (models and the tests of the default selector) after the
   app appended one day of rows, with 1, 2 and 4 years of history that end in the same
   days (slices of one dataset: the same daily volume), against the full build and
   against the naive MAU query alone (the union of the raw tables joined to a date
   spine with count(distinct), the MAU of every day);
4. the current snapshot, the app's one-line `last_activity_date >= as_of - N` on
   user_last_activity, vs the old union of all activity tables;
6. the breakdowns: the same sweep read for the segment dimensions vs DuckDB's native
   count(distinct) over (partition by dimension, value order by day range ...) and vs the
   SQL MetricFlow generates for the same grouped cumulative metric, results checked equal;
5. growth accounting: the time of fct_growth_accounting and fct_retention_cohorts inside
   the full build (from dbt's run results) against the rest of it, and the compiled
   query of fct_growth_accounting against a naive version that crosses every user with
   every week and month, results checked equal.

`--parts` runs some of them (the full build always runs: the others read its tables).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import time

from ..generator import ACTIVITY_TABLES, US_PER_DAY, GeneratorConfig, arrival_times, generate
from ..warehouse import Settings, WarehouseError, project_dir
from . import curve
from .contenders import (
    ENGAGEMENT_NODES,
    SEGMENT_DIMENSIONS,
    compiled_model_sql,
    dbt_run_breakdown,
    floor_sql,
    metricflow_spine_sql,
    naive_growth_sql,
    naive_mau_sql,
    native_segments_sql,
    seconds_in_last_build,
    snapshot_sql,
    spine_join_sql,
    union_sql,
)
from .runner import BenchWarehouse, Timing, result_rows

# users x days of the longest history; the shorter ones are its last half and quarter,
# labelled 4y, 2y and 1y as they are at sizes M and L (at S and XS they are shorter).
# XS is the CI smoke size: it proves the benchmark runs, its timings mean nothing.
SIZES = {"XS": (1_000, 60), "S": (10_000, 365), "M": (200_000, 1460), "L": (1_000_000, 1095)}
HISTORY_LABELS = ("1y", "2y", "4y")


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
        # the tables are in arrival order: a history up to a day is most often a first
        # part of each, taken as a view (no copy: at size L a copy does not fit)
        kept = int(keep.sum())
        part = slice(0, kept) if keep[:kept].all() else keep
        out[name] = {
            col: (vals[part], None if m is None else m[part])
            for col, (vals, m) in tables[name].items()
        }
    return out


PARTS = ("full", "rolling", "segments", "growth", "nightly", "snapshot")
NOT_RUN = "not run"


def bench_engine(target: str, size: str, runs: int, seed: int, timeout: float, parts=PARTS) -> dict:
    return EngineBench(target, size, runs, seed, timeout, parts).run()


class EngineBench:
    """One engine at one size: the dataset and its histories loaded once, then each part
    of `parts` in turn (a method each), the timings in `results`."""

    def __init__(self, target: str, size: str, runs: int, seed: int, timeout: float, parts):
        self.target, self.size, self.runs, self.seed = target, size, runs, seed
        self.timeout, self.parts = timeout, parts
        self.users, self.days = SIZES[size]
        self.end = dt.date(2026, 6, 30)
        self.results: dict[str, Timing] = {}
        self.notes: list[str] = []  # what the tables cannot say (a contender that failed)

    def timed(self, name: str, step) -> None:
        seconds, peak = step()
        timing = self.results.setdefault(name, Timing())
        timing.seconds.append(seconds)
        timing.peak_mb.append(peak)
        print(f"  [{self.target} {self.size}] {name}: {seconds:.3f} s", flush=True)

    def record(self, name: str, seconds: float) -> None:
        self.timed(name, lambda: (seconds, float("nan")))

    def timed_out(self, name: str) -> bool:
        """A contender that timed out once: a lower bound, not worth repeating."""
        return self.results.get(name, Timing([0.0])).seconds[-1] == float("inf")

    def load_histories(self) -> None:
        """One dataset, the longest history; the shorter histories are its last days, so
        every history has the same daily volume at its end. The last `runs` days are held
        back: each nightly run appends one of them, as the app would."""
        started = time.perf_counter()
        self.tables = generate(
            GeneratorConfig(users=self.users, days=self.days, seed=self.seed, end_date=self.end)
        )
        # PostgreSQL also measures the nightly run with an index on every activity
        # timestamp (an app rarely has one; the nightly reads follow the primary key)
        nightly = "nightly" in self.parts
        self.held_back = self.runs * (2 if self.target == "postgres" else 1) if nightly else 0
        self.first_new_day = self.end - dt.timedelta(days=self.held_back - 1)
        self.as_of = self.first_new_day - dt.timedelta(days=1)
        self.histories = {}
        lengths = (self.days // 4, self.days // 2, self.days)
        for label, history_days in zip(HISTORY_LABELS, lengths, strict=True):
            if label != HISTORY_LABELS[-1] and not nightly:
                continue  # only the nightly part compares histories
            if self.size == "XS" and label not in (HISTORY_LABELS[0], HISTORY_LABELS[-1]):
                continue  # the smoke size needs the two ends of the ratio only
            if self.size == "L" and label != HISTORY_LABELS[-1]:
                continue  # size L: the nightly on its whole history (the ratio is size M's)
            warehouse = BenchWarehouse(self.target, f"{self.size.lower()}_{label}")
            first_day = self.end - dt.timedelta(days=history_days - 1)
            sliced = history_slice(self.tables, first_day, before_day=self.first_new_day)
            rows = sum(t["id"][0].size for t in sliced.values())
            warehouse.load(sliced)
            print(
                f"[{self.target} {self.size}] {label} ({history_days} days): {rows:,} raw rows "
                f"loaded in {time.perf_counter() - started:.1f} s",
                flush=True,
            )
            warehouse.dbt(["seed"], self.as_of)
            self.histories[label] = (warehouse, rows, first_day)
        self.big, self.big_rows, self.big_first = self.histories[HISTORY_LABELS[-1]]

    def full_builds(self) -> None:
        """1. The full build vs the floor, alternating; the growth models' and the
        breakdown marts' shares of that same build."""
        big, results = self.big, self.results
        for _ in range(self.runs):
            self.timed("full build", lambda: big.dbt(["build", "--full-refresh"], self.as_of))
            if "growth" in self.parts:
                growth = seconds_in_last_build(big)
                self.record("growth models inside the full build", growth)
                self.record(
                    "full build without the growth models",
                    results["full build"].seconds[-1] - growth,
                )
            if "segments" in self.parts:
                engagement = seconds_in_last_build(big, ENGAGEMENT_NODES)
                self.record("breakdown and engagement marts inside the full build", engagement)
                self.record(
                    "full build without the breakdown and engagement marts",
                    results["full build"].seconds[-1] - engagement,
                )
            self.timed("floor", lambda: big.sql(floor_sql(big.raw_schema, self.as_of)))

    def rolling(self):
        """2. The sweep vs MetricFlow's spine join on the same user-day table (on Spark,
        which MetricFlow lacks, the same spine join written by hand)."""
        big, as_of = self.big, self.as_of
        (first_day,) = big.one_row(f"select min(date_day) from {big.schema}.fct_active_users_daily")
        # the one sweep (every partition: the total, the methods, the segments) as the
        # nightly's full build runs it, read for the total
        sweep = compiled_model_sql(big, "intermediate/activity/int_rolling_actives_daily", as_of)
        by_hand = self.target == "spark"
        spine = (
            spine_join_sql(big.schema, first_day, as_of)
            if by_hand
            else metricflow_spine_sql(big, first_day, as_of)
        )
        sweep_q = (
            f"select date_day, wau, mau from ({sweep}) as sweep where segment_dimension = 'all'"
        )
        spine_q = f"select metric_time__day, wau_cumulative, mau_cumulative from ({spine}) as spine"
        spine_rows = None
        spine_name = f"rolling: {'spine join (by hand)' if by_hand else 'MetricFlow spine join'}"
        for _ in range(self.runs):
            self.timed("rolling: sweep (ours)", lambda: big.sql(sweep_q))
            sweep_rows = result_rows(big.last_output)
            if self.timed_out(spine_name):
                continue
            self.timed(spine_name, lambda: big.sql(spine_q, self.timeout))
            if big.last_output:
                spine_rows = result_rows(big.last_output)

        def normalise(rows):
            # the spine join has no row (or a null) for a day whose window holds nobody
            by_day = {str(r[0])[:10]: (int(r[1] or 0), int(r[2] or 0)) for r in rows}
            return {day: counts for day, counts in by_day.items() if counts != (0, 0)}

        return None if spine_rows is None else normalise(sweep_rows) == normalise(spine_rows)

    def growth(self):
        """5. Growth accounting: the model's query vs every user crossed with every period."""
        big = self.big
        growth_sql = compiled_model_sql(big, "marts/growth/fct_growth_accounting", self.as_of)
        growth_q = (
            "select period_type, period_start, active_users, new_users, retained_users, "
            f"resurrected_users, churned_users from ({growth_sql}) as growth"
        )
        naive_growth_q = naive_growth_sql(big.schema, self.as_of)
        naive_rows = None
        naive_name = "growth accounting: naive users x periods"
        for _ in range(self.runs):
            self.timed("growth accounting (ours)", lambda: big.sql(growth_q))
            growth_rows = result_rows(big.last_output)
            if self.timed_out(naive_name):
                continue
            self.timed(naive_name, lambda: big.sql(naive_growth_q, self.timeout))
            if big.last_output:
                naive_rows = result_rows(big.last_output)
        if naive_rows is None:
            return None
        naive = {(r[0], str(r[1])[:10]): tuple(int(v) for v in r[2:]) for r in naive_rows}
        ours = {
            (r[0], str(r[1])[:10]): tuple(int(v) for v in r[2:]) for r in growth_rows if int(r[2])
        }
        return naive == ours

    def nightly_run(self, run: int) -> None:
        """One night: append the day's rows to every history and `dbt build` (the default
        selector), alternating the histories; where the time went; then the same night
        with nothing new (a re-run), and with the date as --vars (a full parse)."""
        big = self.big
        new_day = self.first_new_day + dt.timedelta(days=run)
        appended = history_slice(self.tables, new_day, on_day=new_day)
        for label, (warehouse, _, _) in self.histories.items():
            warehouse.load(appended, append=True)
            name = f"nightly, {label} history"
            self.timed(name, lambda w=warehouse, d=new_day: w.dbt(["build"], d))
            if warehouse is big:
                wall = self.results[name].seconds[-1]
                for part, seconds in dbt_run_breakdown(big, wall).items():
                    self.record(f"{name}: {part}", seconds)
                engagement = seconds_in_last_build(big, ENGAGEMENT_NODES)
                self.record("breakdown and engagement marts inside the nightly", engagement)
                self.record("nightly without the breakdown and engagement marts", wall - engagement)
        self.timed("nightly, nothing new", lambda: big.dbt(["build"], new_day))
        self.timed(
            "nightly, nothing new, date as --vars",
            lambda: big.dbt_with_vars(["build"], new_day, run),
        )

    def nightly(self):
        """3. The nightly run after each appended day, beside the naive MAU series on the
        same data (checked equal to the published MAU); on PostgreSQL, more nights with
        an index on every activity timestamp."""
        big = self.big
        for warehouse, _, _ in self.histories.values():
            if warehouse is not big:
                warehouse.dbt(["build", "--full-refresh"], self.as_of)
        naive_q = naive_mau_sql(big.raw_schema, self.big_first, self.as_of)
        naive_rows = None
        for run in range(self.runs):
            self.nightly_run(run)
            if not self.timed_out("naive MAU series"):
                self.timed("naive MAU series", lambda: big.sql(naive_q, self.timeout))
                if big.last_output:
                    naive_rows = result_rows(big.last_output)
        if self.target == "postgres":
            self.nightly_with_indexes()
        if naive_rows is None:
            return None
        published = big.query(
            f"select date_day, mau from {big.schema}.fct_active_users_daily "
            f"where date_day <= date '{self.as_of}'"
        )
        return {str(d)[:10]: int(m) for d, m in published if m} == {
            str(d)[:10]: int(m) for d, m in naive_rows if m
        }

    def nightly_with_indexes(self) -> None:
        big = self.big
        big.execute(
            ";".join(
                f"create index if not exists {name}_{ts}_idx on {big.raw_schema}.{name} ({ts})"
                for name, (_, ts) in ACTIVITY_TABLES.items()
            )
        )
        for run in range(self.runs, self.held_back):
            new_day = self.first_new_day + dt.timedelta(days=run)
            big.load(history_slice(self.tables, new_day, on_day=new_day), append=True)
            self.timed(
                "nightly, 4y history, timestamp indexes", lambda d=new_day: big.dbt(["build"], d)
            )

    def snapshot(self, last_day: dt.date) -> bool:
        """4. The snapshot vs the union of every table (the app's old method)."""
        big = self.big
        for _ in range(self.runs):
            self.timed(
                "snapshot: one line on user_last_activity",
                lambda: big.sql(snapshot_sql(big.schema, last_day)),
            )
            snapshot_rows = result_rows(big.last_output)
            self.timed(
                "snapshot: union of all tables",
                lambda: big.sql(union_sql(big.raw_schema, last_day)),
            )
            union_rows = result_rows(big.last_output)
        return [tuple(int(v) for v in r) for r in snapshot_rows] == [
            tuple(int(v) for v in r) for r in union_rows
        ]

    def run(self) -> dict:
        # None: not compared (a contender timed out); NOT_RUN: the part was not asked for
        self.load_histories()
        self.full_builds()
        (user_days,) = self.big.one_row(f"select count(*) from {self.big.schema}.fct_user_days")
        equal = dict.fromkeys(("rolling", "growth", "mau", "snapshot", "segments"), NOT_RUN)
        if "rolling" in self.parts:
            equal["rolling"] = self.rolling()
        if "segments" in self.parts:
            equal["segments"] = bench_segments(
                self.big, self.target, self.as_of, self.runs, self.timeout, self.timed,
                self.results, self.notes,
            )  # fmt: skip
        if "growth" in self.parts:
            equal["growth"] = self.growth()
        if "nightly" in self.parts:
            equal["mau"] = self.nightly()
        del self.tables
        if "snapshot" in self.parts:
            equal["snapshot"] = self.snapshot(
                self.first_new_day + dt.timedelta(days=self.held_back - 1)
            )
        return {
            "target": self.target,
            "size": self.size,
            "users": self.users,
            "days": self.days,
            "raw_rows": self.big_rows,
            "user_days": user_days,
            "results": self.results,
            **{f"{part}_equal": value for part, value in equal.items()},
            "notes": self.notes,
            "timeout": self.timeout,
        }


def bench_segments(big, target, as_of, runs, timeout, timed, results, notes):
    """6. The segmented series: the sweep's segment partitions vs DuckDB's native windowed
    distinct count and MetricFlow's grouped cumulative metric (where the engine has them),
    alternated; True when every compared contender returned the sweep's numbers."""
    sweep = compiled_model_sql(big, "intermediate/activity/int_rolling_actives_daily", as_of)
    dimensions = ", ".join(f"'{d}'" for d in SEGMENT_DIMENSIONS)
    contenders = {}
    if target == "duckdb":
        contenders["segments: DuckDB count(distinct) over range"] = native_segments_sql(
            big.schema, 7, 30
        )
    if target != "spark":
        (first_day,) = big.one_row(f"select min(date_day) from {big.schema}.fct_active_users_daily")
        mf_sql = metricflow_spine_sql(
            big,
            first_day,
            as_of,
            "segment_wau_cumulative,segment_mau_cumulative",
            "metric_time__day,user_day_segment__segment_dimension,user_day_segment__segment_value",
        )
        contenders["segments: MetricFlow grouped cumulative"] = (
            "select metric_time__day, user_day_segment__segment_dimension, "
            "user_day_segment__segment_value, segment_wau_cumulative, segment_mau_cumulative "
            f"from ({mf_sql}) as mf where user_day_segment__segment_dimension in ({dimensions})"
        )
    sweep_q = (
        "select date_day, segment_dimension, segment_value, wau, mau "
        f"from ({sweep}) as sweep where segment_dimension in ({dimensions})"
    )

    def keyed(rows):
        by_key = {(str(r[0])[:10], r[1], r[2]): (int(r[3] or 0), int(r[4] or 0)) for r in rows}
        return {key: counts for key, counts in by_key.items() if counts != (0, 0)}

    ours, theirs = {}, {name: None for name in contenders}
    for _ in range(runs):
        timed("segments: sweep (ours)", lambda: big.sql(sweep_q))
        ours = keyed(result_rows(big.last_output))
        for name, query in list(contenders.items()):
            if results.get(name, Timing([0.0])).seconds[-1] == float("inf"):
                continue  # timed out once: a lower bound
            try:
                timed(name, lambda q=query: big.sql(q, timeout))
            except WarehouseError as error:  # e.g. killed for memory: said, not hidden
                reason = str(error).strip().splitlines()[-1][:200]
                notes.append(f"{name} did not finish (the worker failed: {reason})")
                print(f"  [{target}] {name}: failed ({reason})", flush=True)
                del contenders[name]
                continue
            if big.last_output:
                theirs[name] = keyed(result_rows(big.last_output))
    theirs = {name: rows for name, rows in theirs.items() if name in contenders}
    if not contenders or None in theirs.values():
        return None
    # the native window has rows only on the days a value has a user-day: compare those
    native = theirs.pop("segments: DuckDB count(distinct) over range", None)
    return all(rows == ours for rows in theirs.values()) and (
        native is None or (bool(native) and all(ours.get(k) == v for k, v in native.items()))
    )


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
    (
        "breakdown and engagement share of the build",
        "breakdown and engagement marts inside the full build",
        "full build without the breakdown and engagement marts",
        "<=",
        0.30,
        "the three marts add at most 30% to the full build",
    ),
    (
        "breakdown and engagement share of the nightly",
        "breakdown and engagement marts inside the nightly",
        "nightly without the breakdown and engagement marts",
        "<=",
        0.20,
        "the three marts add at most 20% to the nightly",
    ),
    (
        "segmented series vs DuckDB native",
        "segments: DuckDB count(distinct) over range",
        "segments: sweep (ours)",
        ">=",
        10.0,
        "sweep at least 10x faster",
    ),
    (
        "segmented series vs MetricFlow",
        "segments: MetricFlow grouped cumulative",
        "segments: sweep (ours)",
        ">=",
        10.0,
        "sweep at least 10x faster",
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
        "date as --vars vs from the environment",
        "nightly, nothing new, date as --vars",
        "nightly, nothing new",
        ">=",
        1.0,
        "the parse a --vars date costs every night",
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


def ratio_lines(outcome: dict) -> list[str]:
    """A row per target ratio whose two contenders ran: its value, bound and verdict."""
    results, lines = outcome["results"], []
    for label, num, den, op, bound, meaning in TARGETS:
        if num not in results or den not in results:
            continue  # a part not run (--parts)
        ratio = results[num].median / results[den].median
        if ratio == float("inf"):  # the slower contender timed out: a lower bound
            ratio_floor = outcome["timeout"] / results[den].median
            met = True if op == ">=" and ratio_floor >= bound else None
        else:
            met = ratio >= bound if op == ">=" else ratio <= bound
        value = f"{ratio:.2f}" if ratio != float("inf") else f"> {timeout_ratio(outcome, num, den)}"
        lines.append(
            f"| {label} ({num} / {den}) | {value} | {op} {bound:g} ({meaning}) | "
            f"{ {True: 'yes', False: '**no**', None: 'unknown (timed out)'}[met] } |"
        )
    return lines


def sameness_line(outcome: dict) -> str:
    """Whether each contender computed the project's numbers."""
    words = {
        True: "yes",
        False: "**NO**",
        None: "not compared (timed out)",
        NOT_RUN: "not run (--parts)",
    }
    same = {
        key: words[outcome[key]]
        for key in (
            "rolling_equal",
            "snapshot_equal",
            "mau_equal",
            "growth_equal",
            "segments_equal",
        )
    }
    return (
        f"Same numbers from both rolling methods: {same['rolling_equal']}; "
        f"snapshot equals the union method: {same['snapshot_equal']}; "
        f"the naive MAU series equals the published MAU: {same['mau_equal']}; "
        "naive growth accounting equals fct_growth_accounting: "
        f"{same['growth_equal']}; the segmented series equals DuckDB's native and "
        f"MetricFlow's: {same['segments_equal']}."
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
        lines += ratio_lines(outcome)
        lines += [
            "",
            sameness_line(outcome),
            "",
            *[f"Note: {n}." for n in outcome.get("notes", [])],
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


def _parts(value: str) -> set[str]:
    parts = {part.strip() for part in value.split(",")} | {"full"}
    if not parts <= set(PARTS):
        raise argparse.ArgumentTypeError(f"unknown part {', '.join(sorted(parts - set(PARTS)))}")
    return parts


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `activity-metrics bench` (the CLI's parser holds them)."""
    parser.add_argument(
        "--size", choices=sorted(SIZES), default="S", help="dataset size (default S)"
    )
    parser.add_argument(
        "--target",
        dest="engines",
        choices=["duckdb", "postgres", "spark", "both"],
        default="both",
        help="both (default): duckdb and postgres; spark: local mode, not a cluster",
    )
    parser.add_argument("--runs", type=int, default=3, help="runs per contender (default 3)")
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument(
        "--output", default=None, help="the report (default: BENCHMARKS.md of the project)"
    )
    parser.add_argument(
        "--curve",
        default=None,
        help="where the cost curve's points (curve.json) and image (curve.svg) are kept "
        "(default: docs/benchmarks of the project)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the benchmark warehouses")
    parser.add_argument(
        "--parts",
        type=_parts,
        default=set(PARTS),
        help=f"comma-separated parts to run, of {','.join(PARTS)} (full always runs)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=600,
        help="seconds after which the spine join is stopped and reported as a lower bound",
    )


def run(args: argparse.Namespace) -> int:
    """Run the parts on the engines, print the report and write it (BENCHMARKS.md)."""
    output = args.output or os.path.join(project_dir(), "BENCHMARKS.md")
    parts = args.parts
    if args.runs < 3:
        print("note: fewer than 3 runs; medians of 3 or more are what BENCHMARKS.md reports")
    targets = ["duckdb", "postgres"] if args.engines == "both" else [args.engines]
    outcomes = []
    try:
        for target in targets:
            if target == "postgres":
                Settings("postgres").connect_postgres().close()
            if target == "spark":
                from ..spark import check_java, check_pyspark

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
    if os.path.exists(output):
        with open(output) as fh:
            previous = fh.read()
        if READING_MARKER in previous:
            kept = "\n" + previous[previous.index(READING_MARKER) :]
    with open(output, "w") as fh:
        fh.write(header + report + kept)
    print(f"written to {output}")
    curve_dir = args.curve or os.path.join(project_dir(), "docs", "benchmarks")
    points = curve.record(outcomes, curve_dir, dt.date.today().isoformat())
    curve.draw(points, os.path.join(curve_dir, "curve.svg"))
    print(f"the cost curve ({len(points)} engine and size points): {curve_dir}/curve.svg")
    return 0
