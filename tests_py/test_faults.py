"""Faults and hostile input (reliability): no input reaches SQL unchecked, one nightly
run at a time, no build replaces good published figures with empty ones, bad raw
values are rejected rows with a reason, every CLI error is one line.

The other faults live beside what they break: kills at each model of the nightly path
(test_incremental.py), the touch writer's arguments and transactions
(test_touch_writer.py)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
from conftest import small_dataset

from activity_metrics.config import project_dir
from activity_metrics.warehouse import RunLock, Settings

PROJECT_DIR = project_dir()  # the project under test (make test sets $ACTIVITY_PROJECT_DIR)

END = dt.date(2024, 6, 30)


def cli(args, env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "activity_metrics.cli", *args],
        cwd=PROJECT_DIR,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )


BAD_KEY_SOURCES = {"send_transactions": "created_at", "activity_touches": "touched_at"}


def drop_primary_keys_and_add_bad_keys(con, raw, offset_seconds) -> dict:
    """As a loader that lost the primary keys would: in two activity tables, two more
    copies of the newest row (same id) and one copy without an id (moved by
    `offset_seconds`). Returns what the row accounting must gain."""
    for table, occurred_at in BAD_KEY_SOURCES.items():
        relation = f"{raw}.{table}"
        con.execute(f"create or replace table {relation}_copy as from {relation}")
        con.execute(f"drop table {relation}")
        con.execute(f"alter table {relation}_copy rename to {table}")
        newest = f"(from {relation} where id = (select max(id) from {relation}) limit 1)"
        con.execute(f"insert into {relation} from {newest} union all from {newest}")
        con.execute(
            f"insert into {relation} select * replace (null as id, "
            f"{occurred_at} + interval {int(offset_seconds)} second as {occurred_at}) "
            f"from {newest}"
        )
    return {
        (table, status): rows
        for table in BAD_KEY_SOURCES
        for status, rows in (("null_row_id", 1), ("duplicate_row_id", 2))
    }


def accounted_bad_keys(warehouse) -> dict:
    return {
        (source, status): rows
        for source, status, rows in warehouse.query(
            f"select source_name, row_status, row_count from {warehouse.schema}"
            ".mon_raw_rows_by_status where row_status in ('null_row_id', 'duplicate_row_id')"
        )
    }


def one_line_error(result, code=2) -> str:
    assert result.returncode == code, result.stdout[-2000:] + result.stderr[-2000:]
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def injections(canary: str) -> dict:
    """A var set to SQL that would drop the canary table if it reached SQL text."""
    drop = f"drop table {canary}"
    return {
        "activity__postgres_work_mem": f"256MB'; {drop}; --",
        "activity__coverage_threshold": f"0.9 as x; {drop}; --",
        "activity__cooldown_minutes": f"5); {drop}; --",
        "activity__source_schema": f"{canary.split('.')[0]}.users; {drop}; --",
        "activity__as_of_date": f"2024-06-30'; {drop}; --",
        "activity__plausible_from_date": f"2000-01-01'; {drop}; --",
        "activity__timezone": f"UTC'; {drop}; --",
        "activity__wau_days": f"7; {drop}",
        "activity__mau_days": f"30; {drop}",
        "activity__id_margin": f"0; {drop}",
        "activity__loaded_at_margin_hours": f"1; {drop}",
        "activity__validation_days": f"30; {drop}",
        "activity__freshness_warn_hours": f"36; {drop}",
        "activity__loaded_at_columns": {"send_transactions": f"created_at; {drop}"},
    }


@pytest.mark.postgres
def test_hostile_input_and_overlapping_runs_on_postgres(make_warehouse):
    warehouse = make_warehouse("postgres", "faults")
    warehouse.load(small_dataset(3, 200, 40, END))
    # a table without its primary key: the newest row twice, and a copy without an id
    sends = f"{warehouse.raw_schema}.send_transactions"
    newest = f"(select max(id) from {sends})"
    warehouse.execute(
        f"alter table {sends} drop constraint send_transactions_pkey; "
        f"alter table {sends} alter column id drop not null; "
        f"insert into {sends} select * from {sends} where id = {newest}; "
        f"update {sends} set id = null where ctid = "
        f"(select ctid from {sends} where id = {newest} limit 1); "
        f"insert into {sends} select * from {sends} where id = {newest}"
    )
    warehouse.build(END)
    assert accounted_bad_keys(warehouse) == {
        ("send_transactions", "null_row_id"): 1,
        ("send_transactions", "duplicate_row_id"): 1,
    }
    canary = f"{warehouse.raw_schema}.canary"
    warehouse.execute(f"create table {canary} (id integer)")

    def canary_alive() -> bool:
        ((found,),) = warehouse.query(
            "select count(*) from information_schema.tables "
            f"where table_schema = '{warehouse.raw_schema}' and table_name = 'canary'"
        )
        return found == 1

    published = warehouse.query(f"select * from {warehouse.schema}.activity_metrics_current")

    # every var hostile at once: the build stops before any SQL runs, with one message
    # that names each of them (so each is checked at on-run-start, none only later)
    hostile = injections(canary)
    result = warehouse.dbt(["build"], hostile, expect_success=False)
    assert result.returncode != 0
    assert f"{len(hostile)} vars are wrong (nothing ran)" in result.stdout, result.stdout[-3000:]
    for name in hostile:
        assert name in result.stdout, (name, result.stdout[-3000:])
    assert canary_alive()
    # a backfill range, both ends hostile
    bad = {
        "activity__backfill_start_date": f"2024-01-01'; drop table {canary}; --",
        "activity__backfill_end_date": "2024-01-02",
    }
    result = warehouse.dbt(["build"], bad, expect_success=False)
    assert result.returncode != 0 and "activity__backfill_start_date" in result.stdout
    assert canary_alive()

    # every environment variable that names a schema or a port
    hostile_schema = f"x.activity_metrics_current; drop table {canary}; --"
    for variable, command in (
        ("ACTIVITY_POSTGRES_SCHEMA", ["show", "--target", "postgres"]),
        ("ACTIVITY_SOURCE_SCHEMA", ["generate", "--target", "postgres", "--days", "3"]),
    ):
        env = {**warehouse.env, variable: hostile_schema}
        assert variable in one_line_error(cli(command, env))
        result = subprocess.run(
            [os.path.join(os.path.dirname(sys.executable), "dbt"), "build", "--target", "postgres"],
            cwd=PROJECT_DIR,
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode != 0, variable
        assert "plain SQL identifier" in result.stdout, result.stdout[-1500:]
        assert variable in result.stdout, result.stdout[-1500:]
        assert canary_alive(), variable
    # dbt creates the profile's schema (quoted, so harmless) before any hook runs
    hostile_quoted = hostile_schema.replace('"', '""')
    warehouse.execute(f'drop schema if exists "{hostile_quoted}" cascade')
    port = {**warehouse.env, "ACTIVITY_POSTGRES_PORT": "5432; drop"}
    assert "ACTIVITY_POSTGRES_PORT" in one_line_error(cli(["show", "--target", "postgres"], port))
    assert canary_alive()
    assert warehouse.query(f"select * from {warehouse.schema}.activity_metrics_current") == (
        published
    )

    # PostgreSQL down: one line, and no summary of some earlier run
    down = {**warehouse.env, "ACTIVITY_POSTGRES_PORT": "1"}
    result = cli(["build", "--target", "postgres"], down)
    assert "cannot reach PostgreSQL" in one_line_error(result)
    assert "summary" not in result.stdout

    # an as-of date before the data: the build stops and yesterday's marts stay
    result = warehouse.dbt(["build"], {"activity__as_of_date": "2001-01-01"}, expect_success=False)
    assert result.returncode != 0 and "before the first counted activity" in result.stdout
    assert warehouse.query(f"select * from {warehouse.schema}.activity_metrics_current") == (
        published
    )

    # two nightly runs at once: the second stops with who holds the lock, the first
    # finishes, and the figures equal a full rebuild (no user-day twice)
    blocker = warehouse.settings.connect_postgres()
    first = None
    try:
        with blocker.cursor() as cur:  # holds the first run inside the user-day fact
            cur.execute(
                f"lock table {warehouse.schema}.fct_active_users_daily in access exclusive mode"
            )
        first = subprocess.Popen(
            [os.path.join(os.path.dirname(sys.executable), "dbt"), "build", "--target", "postgres"],
            cwd=PROJECT_DIR,
            env={**os.environ, **warehouse.env},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for line in first.stdout:
            if "START" in line and "fct_active_users_daily" in line:
                break
        second = warehouse.dbt(["build"], {}, expect_success=False)
        assert second.returncode != 0
        assert "another run holds the lock" in second.stdout, second.stdout[-1500:]
    finally:
        blocker.rollback()
        blocker.close()
        if first is not None:
            first.communicate(timeout=300)
    assert first.returncode == 0
    ((duplicates,),) = warehouse.query(
        f"select count(*) - count(distinct user_id || '-' || activity_date) "
        f"from {warehouse.schema}.fct_user_days"
    )
    assert duplicates == 0
    # the CLI's own lock, held elsewhere, stops a plain dbt build and another CLI run
    # (exit code 75: retry later)
    os.environ.update(warehouse.env)
    try:
        with RunLock(Settings("postgres")):
            result = warehouse.dbt(["build"], {}, expect_success=False)
            again = cli(["build", "--target", "postgres"], warehouse.env)
    finally:
        for key in warehouse.env:
            os.environ.pop(key, None)
    assert result.returncode != 0 and "another run holds the lock" in result.stdout
    assert "another run holds the lock" in one_line_error(again, code=75)


def test_bad_values_and_errors_on_duckdb(make_warehouse, tmp_path):
    import duckdb

    warehouse = make_warehouse("duckdb", "faults")
    tables = small_dataset(4, 200, 40, END, dirty_rate=0.2)
    warehouse.load(tables)
    # an app that stores timestamps as text, one of them with an offset
    with duckdb.connect(warehouse.path) as con:
        raw = warehouse.raw_schema
        con.execute(
            f"alter table {raw}.conversions alter column created_at type varchar "
            "using strftime(created_at, '%Y-%m-%d %H:%M:%S')"
        )
        ((row_id,),) = con.execute(
            f"select min(id) from {raw}.conversions where created_at is not null"
        ).fetchall()
        con.execute(
            f"update {raw}.conversions set created_at = '2024-06-17 22:30:00-05' where id = ?",
            [row_id],
        )
        # a loader that lost the primary keys: rows without an id, copies of rows
        bad_keys = drop_primary_keys_and_add_bad_keys(con, raw, offset_seconds=1)
        # and a users table without its key: a copy of a user, a user without an id
        con.execute(f"create or replace table {raw}.users_copy as from {raw}.users")
        con.execute(f"drop table {raw}.users")
        con.execute(f"alter table {raw}.users_copy rename to users")
        first_user = f"(from {raw}.users order by id limit 1)"
        con.execute(
            f"insert into {raw}.users from {first_user} "
            f"union all select * replace (null as id) from {first_user}"
        )
    result = warehouse.build(END)
    s = warehouse.schema
    # bad keys are rejected rows, counted, warned about by name; the figures go on
    for warning in (
        "warn_raw_rows_without_a_unique_id",
        "unique_stg_app__users_user_id",
        "not_null_stg_app__users_user_id",
    ):
        assert f"Warning in test {warning}" in result.stdout, warning
    assert accounted_bad_keys(warehouse) == bad_keys
    ((key_duplicates,),) = warehouse.query(
        f"select count(*) - count(distinct source_name || '-' || source_row_id) "
        f"from {s}.int_activity_events_classified"
    )
    assert key_duplicates == 0
    # read as the instant it names (03:30 UTC the next day), not shifted by 5 hours
    ((occurred_at,),) = warehouse.query(
        f"select occurred_at from {s}.int_activity_events_classified "
        f"where source_name = 'conversions' and source_row_id = {row_id}"
    )
    assert occurred_at == dt.datetime(2024, 6, 18, 3, 30)
    # implausible dates (1900, 9999) are rejected rows, counted, never a day of the series
    implausible = dict(
        warehouse.query(
            f"select source_name, row_count from {s}.mon_raw_rows_by_status "
            "where row_status = 'implausible_timestamp'"
        )
    )
    assert sum(implausible.values()) > 0
    ((first_day,),) = warehouse.query(f"select min(date_day) from {s}.fct_active_users_daily")
    assert first_day > dt.date(2000, 1, 1)
    # a nightly that reads more of them (copies of the newest rows, inside the id margin)
    with duckdb.connect(warehouse.path) as con:
        more = drop_primary_keys_and_add_bad_keys(con, warehouse.raw_schema, offset_seconds=2)
    warehouse.build(END)
    assert accounted_bad_keys(warehouse) == {
        key: bad_keys.get(key, 0) + more.get(key, 0) for key in {*bad_keys, *more}
    }
    warehouse.dbt(
        [
            "test",
            "--select",
            "assert_nothing_lost assert_activity_events_match_raw_tables "
            "stg_app__users,test_type:generic",
        ],
        {"activity__as_of_date": str(END)},
    )

    env = warehouse.env
    # one line and exit code 2, never a stack trace
    for args, words in (
        (["generate", "--users", "10", "--days", "1000000"], "--days"),
        (["generate", "--users", "10", "--days", "3", "--schema", "a'b"], "--schema"),
        (["show", "--target", "duckdb"], "a build is probably writing it"),
        (["growth", "--period", "week"], "a build is probably writing it"),
    ):
        if args[0] == "generate":
            assert words in one_line_error(cli(args, env))
            continue
        with duckdb.connect(warehouse.path):  # a writer holds the file, as a build does
            assert words in one_line_error(cli(args, env))
    # one nightly at a time: the CLI's lock file beside the warehouse
    os.environ.update(env)
    try:
        with RunLock(Settings("duckdb")):
            result = cli(["build", "--target", "duckdb"], env)
    finally:
        for key in env:
            os.environ.pop(key, None)
    assert "another run holds the lock" in one_line_error(result, code=75)
    assert cli(["show", "--target", "duckdb"], env).returncode == 0
    # a raw column the contract names is gone: one message naming table and column,
    # not the database's binder error about a "candidate" column
    with duckdb.connect(warehouse.path) as con:
        con.execute(f"alter table {warehouse.raw_schema}.p2p_messages drop column sender_user_id")
    result = warehouse.dbt(["build"], {"activity__as_of_date": str(END)}, expect_success=False)
    assert result.returncode != 0
    assert "Raw columns missing" in result.stdout, result.stdout[-1500:]
    assert f"{warehouse.raw_schema}.p2p_messages lacks sender_user_id" in result.stdout
    assert "Binder Error" not in result.stdout
    # DuckDB's threads from the environment: a value that is no number of threads is
    # named, and nothing runs on it
    result = warehouse.dbt(
        ["run", "--select", "int_users_classified"],
        {"activity__as_of_date": str(END)},
        expect_success=False,
        env={"ACTIVITY_DUCKDB_THREADS": "two"},
    )
    assert result.returncode != 0
    assert "ACTIVITY_DUCKDB_THREADS=two is not a number of threads" in result.stdout


@pytest.mark.postgres
def test_build_without_raw_tables_names_the_schema_and_creates_nothing(make_warehouse):
    """`build` pointed at a raw schema that does not exist: one line naming the variable
    the user set, and no schema left behind (dbt would create its schemas and load the
    seed before its own check)."""
    warehouse = make_warehouse("postgres", "noraw")  # nothing loaded: neither schema exists
    result = cli(["build"], {**warehouse.env, "ACTIVITY_TARGET": "postgres"})
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 2 and len(lines) == 1, result.stdout[-2000:] + result.stderr
    assert f"ACTIVITY_SOURCE_SCHEMA={warehouse.raw_schema}" in lines[0]
    ((schemas,),) = warehouse.query(
        "select count(*) from information_schema.schemata "
        f"where schema_name in ('{warehouse.schema}', '{warehouse.raw_schema}')"
    )
    assert schemas == 0
