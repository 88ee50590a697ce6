"""Nightly incremental runs against a full rebuild of the same data (the Snowplow way).

One history, replayed night by night on a real warehouse: rows arriving up to three
weeks late (with the new ids an app database gives them), users flagged test or staff,
unflagged, soft-deleted with a deletion dated in the past, a nightly run killed with
SIGKILL in the middle of the nightly path, and an as-of date that moves back and
forth. After every night the warehouse must equal a full rebuild figure by figure,
with no backfill. Then rows that arrive late with old ids (a replica restored from a
backup), which no high-water mark can see: the weekly validation names them and a
backfill repairs them. And a lost high-water mark (the events table dropped) falls
back to a full rebuild.
"""

from __future__ import annotations

import datetime as dt
import itertools
import time

import numpy as np
import pytest
from conftest import dbt_child, read_until, run_results, small_dataset
from reference import reference_activity
from test_metrics_exact import assert_matches_reference

from activity_metrics.config import project_dir
from activity_metrics.dbt_runner import dbt_command
from activity_metrics.generator import (
    ACTIVITY_TABLES,
    US_PER_DAY,
    arrived_by,
    number_by_arrival,
)

PROJECT_DIR = project_dir()  # the project under test (make test sets $ACTIVITY_PROJECT_DIR)

EPOCH = dt.date(1970, 1, 1)
# the published columns of each model (bookkeeping columns such as dbt_loaded_at
# differ between runs by design)
MODELS = {
    "fct_user_days": (
        "user_id, activity_date",
        "user_id, activity_date, activity_count, session_count, mutation_count, "
        "transaction_count, transactional_count, touch_log_count, activity_touches_count, "
        "first_activity_at, last_activity_at, last_activity_source",
    ),
    "fct_active_users_daily": (
        "date_day",
        "date_day, dau, wau, mau, total_users, dau_pct, wau_pct, mau_pct, stickiness",
    ),
    "user_last_activity": (
        "user_id",
        "user_id, first_activity_at, last_activity_at, last_activity_source, "
        "first_activity_date, last_activity_date, active_days, app_last_activity_at, "
        "created_at, deleted_at",
    ),
    "activity_metrics_current": ("as_of_date", "*"),
    "fct_active_users_by_segment_daily": (
        "segment_dimension, segment_value, date_day",
        "segment_dimension, segment_value, date_day, dau, wau, mau",
    ),
    "fct_active_days_distribution_daily": (
        "date_day, window_days, active_days",
        "date_day, window_days, active_days, users",
    ),
    "fct_stickiness": (
        "period_type, period_start, active_days",
        "period_type, period_start, period_end, is_complete, active_days, users",
    ),
    "int_rolling_actives_daily": (
        "segment_dimension, segment_value, date_day",
        "segment_dimension, segment_value, date_day, dau, wau, mau",
    ),
    "mon_method_comparison_daily": (
        "date_day",
        ", ".join(
            ["date_day", "is_touch_log_live"]
            + [
                f"{prefix}{method}_{metric}"
                for prefix in ("", "combined_minus_")
                for method in ("transactional", "touch_log")
                for metric in ("dau", "wau", "mau")
            ]
            + [f"combined_{metric}" for metric in ("dau", "wau", "mau")]
            + [f"only_{name}_users" for name in ACTIVITY_TABLES]
        ),
    ),
    "mon_raw_rows_by_status": ("source_name, row_status", "*"),
    "fct_growth_accounting": (
        "period_type, period_start",
        "period_type, period_start, period_end, is_complete, active_users, new_users, "
        "retained_users, resurrected_users, churned_users, quick_ratio",
    ),
    "fct_retention_cohorts": (
        "cohort_month, months_since_first",
        "cohort_month, months_since_first, cohort_users, active_users, retention_pct",
    ),
}
# the nightly path, in build order: a run is killed as each of these starts
NIGHTLY_PATH = [
    "int_users_tracked",
    "int_activity_events_classified",
    "fct_user_days",
    "int_rolling_actives_daily",
    "user_last_activity",
]
# small enough that the test's late rows with old ids fall outside it
ID_MARGIN = {"activity__id_margin": 3}


def snapshot(warehouse):
    return {
        model: warehouse.query(f"select {columns} from {warehouse.schema}.{model} order by {order}")
        for model, (order, columns) in MODELS.items()
    }


# ledger -> (the published relation, its key, the figures recorded, which rows)
LEDGERS = {
    "fct_active_users_daily_revisions": (
        "fct_active_users_daily",
        "date_day",
        "dau, wau, mau, total_users",
        "",
    ),
    "fct_growth_accounting_revisions": (
        "fct_growth_accounting",
        "period_type, period_start",
        "active_users, new_users, retained_users, resurrected_users, churned_users",
        "where is_complete",
    ),
}


def published_figures(warehouse) -> dict:
    """ledger -> {key: figures} of what its published relation holds now."""
    out = {}
    for ledger, (relation, key, figures, where) in LEDGERS.items():
        width = len(key.split(","))
        out[ledger] = {
            tuple(row[:width]): tuple(int(v) for v in row[width:])
            for row in warehouse.query(
                f"select {key}, {figures} from {warehouse.schema}.{relation} {where}"
            )
        }
    return out


def revisions_ledger(warehouse, ledger="fct_active_users_daily_revisions") -> dict:
    """key -> [(revision, figures, as-of date of the build)] of a ledger."""
    _, key, figures, _ = LEDGERS[ledger]
    width = len(key.split(","))
    out = {}
    for row in warehouse.query(
        f"select {key}, revision, published_as_of_date, {figures} "
        f"from {warehouse.schema}.{ledger} order by {key}, revision"
    ):
        key_value = row[0] if width == 1 else tuple(row[:width])
        revision, as_of, values = row[width], row[width + 1], row[width + 2 :]
        out.setdefault(key_value, []).append((int(revision), tuple(int(v) for v in values), as_of))
    return out


def expected_ledger(published_nights, ledger="fct_active_users_daily_revisions") -> dict:
    """What a ledger must hold after these nights (each: its as-of date and what it
    published): per key, a revision each time a night published figures other than the
    key's last recorded ones (a key absent from a night's relation adds nothing)."""
    width = len(LEDGERS[ledger][1].split(","))
    out = {}
    for as_of, published in published_nights:
        for key, figures in published[ledger].items():
            revisions = out.setdefault(key[0] if width == 1 else key, [])
            if not revisions or revisions[-1][1] != figures:
                revisions.append((len(revisions), figures, as_of))
    return out


def cutoff(day: dt.date) -> int:
    """The end of a day, in microseconds since the epoch: what has arrived by then."""
    return ((day - EPOCH).days + 1) * US_PER_DAY


def late_arrivals(tables, rng):
    """Per table, how late each row arrives: 10% one to three days, 4% five days to
    three weeks; and which rows come from a restored backup (arrive at the very end,
    numbered as if they had arrived on time)."""
    delay, backup = {}, {}
    for name in ACTIVITY_TABLES:
        draw = rng.random(tables[name]["id"][0].size)
        days = np.where(draw < 0.10, rng.integers(1, 4, draw.size), 0)
        days = np.where((draw >= 0.10) & (draw < 0.14), rng.integers(5, 22, draw.size), days)
        delay[name] = days * US_PER_DAY
        backup[name] = np.where(draw > 0.99, 10_000 * US_PER_DAY, 0)
    return delay, backup


def hold_back_first_weeks(tables, delay, backup, first_night: dt.date, end: dt.date, users=5):
    """The backfill case of growth accounting, made certain: a few users who start
    during the nights get every row of their first active week delivered on the last
    night only, after later weeks had counted them new."""
    day_us = {name: tables[name][ts][0] // US_PER_DAY for name, (_, ts) in ACTIVITY_TABLES.items()}
    days_of: dict[int, list[int]] = {}
    for name, (actor, ts_col) in ACTIVITY_TABLES.items():
        ids, ids_null = tables[name][actor]
        usable = ~generator_mask(tables[name][ts_col]) & ~generator_mask((ids, ids_null))
        for user, day in zip(ids[usable], day_us[name][usable], strict=True):
            days_of.setdefault(int(user), []).append(int(day))
    first_ok = ((first_night - EPOCH).days + 1, (end - EPOCH).days - 16)
    chosen = 0
    for user, days in sorted(days_of.items()):
        first = min(days)
        later_week = first - (EPOCH + dt.timedelta(days=first)).weekday() + 7
        if not first_ok[0] <= first <= first_ok[1]:
            continue
        if not any(later_week <= d <= (end - EPOCH).days - 2 for d in days):
            continue
        for name, (actor, _) in ACTIVITY_TABLES.items():
            rows = (tables[name][actor][0] == user) & (day_us[name] < later_week)
            delay[name][rows] = ((end - EPOCH).days - day_us[name][rows]) * US_PER_DAY
            backup[name][rows] = 0
        chosen += 1
        if chosen == users:
            return
    raise AssertionError("no user starts during the nights")


def generator_mask(column):
    values, mask = column
    return np.zeros(values.size, dtype=bool) if mask is None else mask


def with_users(tables, users):
    return {**tables, "users": users}


def flag_users(users, rng, deleted_on: dt.date):
    """Users flagged test or staff, unflagged, and soft-deleted (dated in the past)."""
    ids = users["id"][0]
    is_test, is_staff = users["is_test"][0].copy(), users["is_staff"][0].copy()
    deleted, deleted_mask = users["deleted_at"][0].copy(), users["deleted_at"][1].copy()
    pick = rng.choice(ids.size, 30, replace=False)
    is_test[pick[:8]] = True
    is_staff[pick[8:14]] = True
    was_test = np.flatnonzero(users["is_test"][0])
    is_test[was_test[:3]] = False  # unflagged: their history counts again
    deleted[pick[14:30]] = (deleted_on - EPOCH).days * US_PER_DAY + 3_600_000_000
    deleted_mask[pick[14:30]] = False
    return {
        **users,
        "is_test": (is_test, None),
        "is_staff": (is_staff, None),
        "deleted_at": (deleted, deleted_mask),
    }


def first_active_weeks(state, as_of: dt.date) -> dict[int, dt.date]:
    """Each user's first active ISO week (its Monday) in the rows a night could see."""
    _, _, active_days = reference_activity(state, as_of, "UTC")
    first: dict[int, dt.date] = {}
    for day in sorted(active_days, reverse=True):
        for user in active_days[day]:
            first[user] = day - dt.timedelta(days=day.weekday())
    return first


def killed_build(warehouse, as_of: dt.date, model: str, terminate_backend=False) -> None:
    """`dbt build` as of a day, killed with SIGKILL as `model` starts to run; or, with
    terminate_backend, its PostgreSQL sessions terminated by the server instead
    (pg_terminate_backend: what an administrator or a failover does) while `model`
    is inside its transaction, writing.

    The PostgreSQL cut does not depend on timing: before dbt starts, this test holds a
    SHARE lock on the model's table (reads go on, writes wait), so the model's first
    write (its pre-hook delete) waits in the server until the test sees that session
    waiting, terminates the run's sessions, and only then lets go of the lock."""
    command = dbt_command(
        ["build", "--no-use-colors"],
        warehouse.target,
        {"activity__as_of_date": as_of.isoformat(), **ID_MARGIN},
    )
    holder = None
    if terminate_backend:
        holder = warehouse.settings.connect_postgres()
        with holder.cursor() as cur:  # psycopg2 opens the transaction; held until rollback
            cur.execute(f"lock table {warehouse.schema}.{model} in share mode")
    with dbt_child(command, warehouse.env) as proc:
        try:
            seen = read_until(proc, lambda line: "START" in line and f".{model} " in line)
            if terminate_backend:
                terminated = terminate_waiting_run(warehouse, model, proc, seen)
                seen.extend(proc.stdout)  # dbt goes on without them, failing what they ran
                proc.wait()
                assert terminated > 0, "".join(seen[-20:])
        finally:
            if holder is not None:
                holder.rollback()
                holder.close()
    assert any(f".{model} " in line for line in seen), "".join(seen[-20:])


def terminate_waiting_run(warehouse, model: str, proc, seen, timeout_s: float = 300) -> int:
    """Wait (bounded) until one of the run's sessions waits for the lock on `model`'s
    table, then terminate every session of the run on this schema; the number
    terminated."""
    waiting = (
        "select count(*) from pg_stat_activity as activity "
        "join pg_locks as locks on locks.pid = activity.pid and not locks.granted "
        f"where locks.relation = '{warehouse.schema}.{model}'::regclass "
        "and activity.application_name = 'dbt'"
    )
    deadline = time.monotonic() + timeout_s
    while warehouse.query(waiting)[0][0] == 0:
        assert proc.poll() is None, "dbt ended before writing " + model + "".join(seen[-20:])
        assert time.monotonic() < deadline, f"no session of the run waited on {model}"
        time.sleep(0.1)  # polling the server, not waiting for something to have happened
    ((terminated,),) = warehouse.query(
        "select count(pg_terminate_backend(pid)) from pg_stat_activity "
        "where application_name = 'dbt' and pid <> pg_backend_pid() "
        f"and datname = current_database() and query like '%{warehouse.schema}%'"
    )
    return terminated


@pytest.mark.parametrize("target", ["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_nightly_runs_equal_full_rebuild(make_warehouse, target):
    end = dt.date(2024, 11, 10)
    rng = np.random.default_rng(5)
    generated = small_dataset(11, 400, 150, end, 0.03)
    delay, backup = late_arrivals(generated, rng)
    hold_back_first_weeks(generated, delay, backup, end - dt.timedelta(days=28), end)
    for name in ACTIVITY_TABLES:  # carried along when rows are reordered (never loaded)
        generated[name] = {
            **generated[name],
            "_delay": (delay[name], None),
            "_backup": (backup[name], None),
        }
    # ids in arrival order, as the app's sequences assign them; backup rows keep
    # the ids of their on-time arrival
    tables = number_by_arrival(generated, delay)
    delay = {name: tables[name]["_delay"][0] for name in ACTIVITY_TABLES}
    everything = {name: delay[name] + tables[name]["_backup"][0] for name in ACTIVITY_TABLES}
    users_before = tables["users"]
    users_after = flag_users(users_before, rng, end - dt.timedelta(days=60))

    incremental = make_warehouse(target, "inc")
    rebuilt = make_warehouse(target, "full")

    arrived = [EPOCH]

    def night(as_of, users, kill_at=None):
        # raw rows never disappear: an as-of date moved back keeps what has arrived
        arrived[0] = max(arrived[0], as_of)
        state = with_users(arrived_by(tables, cutoff(arrived[0]), everything), users)
        incremental.load(state)
        if kill_at:
            # on PostgreSQL the series' run ends by the server terminating its sessions
            terminate = target == "postgres" and kill_at == NIGHTLY_PATH[3]
            killed_build(incremental, as_of, kill_at, terminate_backend=terminate)
        incremental.build(as_of, extra_vars=ID_MARGIN)
        return state

    first = end - dt.timedelta(days=28)
    night(first, users_before)
    published_nights = [(first, published_figures(incremental))]
    # an incremental run's first build is a full one; the nights after are nightly runs
    nights = [
        (first + dt.timedelta(days=2), users_before, NIGHTLY_PATH[2]),
        (first + dt.timedelta(days=9), users_after, None),  # flags changed, 9 days at once
        (first + dt.timedelta(days=5), users_after, None),  # as-of date moved back
        (first + dt.timedelta(days=12), users_after, NIGHTLY_PATH[1]),
        (first + dt.timedelta(days=20), users_before, NIGHTLY_PATH[0]),  # flags undone
        (end - dt.timedelta(days=1), users_after, NIGHTLY_PATH[3]),
        (end, users_after, NIGHTLY_PATH[4]),
    ]
    if target == "postgres":  # on the second engine (the nights' logic is the same SQL):
        # a kill in the fact's rewrite, users reclassified, the server terminating the
        # sessions of the series' rewrite, and the last night (the late first weeks)
        nights = [
            (d, u, k if k in NIGHTLY_PATH[2:4] else None)
            for i, (d, u, k) in enumerate(nights)
            if i in (0, 1, 5, 6)
        ]
    first_weeks_seen = []
    for as_of, users, kill_at in nights:
        state = night(as_of, users, kill_at)
        first_weeks_seen.append(first_active_weeks(state, as_of))
        published_nights.append((as_of, published_figures(incremental)))
    # the revisions ledger holds every figure each night published, and only those
    for name in LEDGERS:
        recorded = revisions_ledger(incremental, name)
        assert recorded == expected_ledger(published_nights, name), name
        assert any(len(revisions) > 1 for revisions in recorded.values()), name
    ledger = revisions_ledger(incremental)
    # restatements: closed days (7 days before the revising build's as-of date, the
    # default) whose DAU, WAU or MAU moved by more than 0.5% (the default), and only those
    expected_restatements = {
        (day, revision)
        for day, revisions in ledger.items()
        for (_, before, _), (revision, after, as_of) in itertools.pairwise(revisions)
        if day <= as_of - dt.timedelta(days=7)
        and any(abs(a - b) * 100 > 0.5 * b for a, b in zip(after[:3], before[:3], strict=True))
    }
    assert expected_restatements, "the fixture restates no closed day"
    assert {
        (day, int(revision))
        for day, revision in incremental.query(
            f"select date_day, revision from {incremental.schema}.mon_restatements "
            "where is_restatement"
        )
    } == expected_restatements
    restated = [
        r["status"]
        for r in run_results()
        if r["unique_id"].split(".")[2] == "warn_closed_days_restated"
    ]
    assert restated == ["warn"], restated

    # what has arrived by the end: the reference and a full rebuild see the same rows
    assert_matches_reference(incremental, state, end, "UTC")
    # ... and the history holds the backfill case of growth accounting: users whose
    # first activity arrived after a night had counted them new in a later week (the
    # incremental growth accounting equals the reference, so they are new in the week
    # of their first activity and no longer in the later one)
    final_first_weeks = first_active_weeks(state, end)
    assert any(
        week > final_first_weeks[user]
        for seen in first_weeks_seen
        for user, week in seen.items()
        if user in final_first_weeks
    ), "no late first activity in the fixture"
    rebuilt.load(state)
    rebuilt.build(end, full_refresh=True)
    assert snapshot(incremental) == snapshot(rebuilt)
    if target == "postgres":
        return  # what follows is the same SQL on both engines (and test_cli's backfill)

    # a replica restored from a backup: rows arrive with old ids, below every
    # high-water mark. The nightly run cannot see them; the weekly validation
    # (selector `full`) finds them, per source and day, and a backfill repairs them
    restored = with_users(arrived_by(tables, cutoff(end), delay), users_after)
    missing_days = set()
    for name, (_, ts_col) in ACTIVITY_TABLES.items():
        ts, ts_null = restored[name][ts_col]
        keep = restored[name]["_backup"][0] > 0
        if ts_null is not None:
            keep &= ~ts_null
        missing_days |= {EPOCH + dt.timedelta(days=int(t // US_PER_DAY)) for t in ts[keep]}
    missing_days = sorted(missing_days)
    assert missing_days, "the fixture has no restored rows"
    incremental.load(restored)
    incremental.build(end, extra_vars=ID_MARGIN)
    end_vars = {"activity__as_of_date": end.isoformat(), **ID_MARGIN}
    result = incremental.dbt(["test", "--selector", "full"], end_vars, expect_success=False)
    assert result.returncode != 0, "restored rows with old ids went unnoticed"
    status = {r["unique_id"].split(".")[2]: r for r in run_results()}
    assert status["assert_activity_events_match_raw_tables"]["status"] == "fail"

    incremental.build(
        end,
        extra_vars={
            **ID_MARGIN,
            "activity__backfill_start_date": missing_days[0].isoformat(),
            "activity__backfill_end_date": end.isoformat(),
        },
    )
    rebuilt.load(restored)
    rebuilt.build(end, full_refresh=True)
    assert snapshot(incremental) == snapshot(rebuilt)

    # the high-water marks lost: the events table dropped. The next run reads every
    # raw row again, says so, and ends equal to the full rebuild
    incremental.execute(f"drop table {incremental.schema}.int_activity_events_classified")
    result = incremental.build(end, extra_vars=ID_MARGIN)
    assert "rebuilding every activity event" in result.stdout
    assert snapshot(incremental) == snapshot(rebuilt)

    # a full refresh of everything keeps the ledger: the same figures add no revision,
    # and nothing of what was reported before is lost
    before = {name: revisions_ledger(incremental, name) for name in LEDGERS}
    assert any(
        len(revisions) > len(ledger.get(day, []))
        for day, revisions in before["fct_active_users_daily_revisions"].items()
    )
    incremental.build(end, full_refresh=True)
    assert {name: revisions_ledger(incremental, name) for name in LEDGERS} == before
    assert snapshot(incremental) == snapshot(rebuilt)  # and rebuilds every day
