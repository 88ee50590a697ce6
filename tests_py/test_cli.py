"""The command line and the Python API against real warehouses (DuckDB and PostgreSQL),
including the error paths and exit codes."""

from __future__ import annotations

import argparse
import calendar
import csv
import datetime as dt
import io
import json
import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import small_dataset

from activity_metrics import api
from activity_metrics import cli as cli_module
from activity_metrics.warehouse import Settings, WarehouseError

CLI = [sys.executable, "-m", "activity_metrics.cli"]
END = dt.date(2024, 5, 31)


def run_cli(args, env):
    return subprocess.run(
        [*CLI, *args], env={**os.environ, **env}, capture_output=True, text=True, check=False
    )


def build_while_reading(env, path):
    """`build` in the background; once it has started writing, the build is paused
    (SIGSTOP to its process group: it holds its copy of the warehouse open, mid-build,
    however loaded the machine) while `show --json` runs in the foreground, then
    resumed. Returns the build, the show, and whether the build was still running
    when the show finished."""
    build = subprocess.Popen(
        [*CLI, "build", "--as-of", str(END)],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while not os.path.exists(path + ".building") and build.poll() is None:
        assert time.monotonic() < deadline, "the build never started writing"
        time.sleep(0.05)  # polling for the file, nothing assumed of the time
    os.killpg(build.pid, signal.SIGSTOP)
    try:
        during = run_cli(["show", "--json"], env)
        still_running = build.poll() is None and os.path.exists(path + ".building")
    finally:
        os.killpg(build.pid, signal.SIGCONT)
    output, _ = build.communicate(timeout=600)
    return (
        subprocess.CompletedProcess(build.args, build.returncode, output, ""),
        during,
        still_running,
    )


def one_row(warehouse, sql):
    (row,) = warehouse.query(sql.format(s=warehouse.schema))
    return row


@pytest.mark.parametrize("target", ["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_cli_session(make_warehouse, target, monkeypatch):
    warehouse = make_warehouse(target, "cli")
    env = {**warehouse.env, "ACTIVITY_TARGET": target}
    late_day = END - dt.timedelta(days=20)

    # generate and build through the CLI
    gen = run_cli(
        ["generate", "--users", "300", "--days", "90", "--seed", "21", "--end-date", str(END)],
        {**env, "ACTIVITY_SOURCE_SCHEMA": warehouse.raw_schema},
    )
    assert gen.returncode == 0, gen.stderr
    assert "raw rows for 300 users x 90 days" in gen.stdout
    build = run_cli(["build", "--as-of", str(END)], env)
    assert build.returncode == 0, build.stdout[-3000:]
    assert "summary (" in build.stdout and "tests:" in build.stdout
    # the warning names what it found and what to edit
    unclassified = warehouse.query(
        f"select event_type, row_count from {warehouse.schema}.mon_unclassified_event_types"
    )
    assert unclassified
    for event_type, rows in unclassified:
        assert f"{event_type}: {rows:,} rows" in build.stdout
    assert "seeds/activity_event_types.csv" in build.stdout

    if target == "postgres":  # descriptions reach the BI tool as comments (persist_docs)
        table = f"{warehouse.schema}.fct_active_users_daily"
        (table_comment, column_comment) = one_row(
            warehouse,
            f"select obj_description('{table}'::regclass), col_description('{table}'::regclass, 2)",
        )
        assert "One row per day" in table_comment and column_comment

    # show: the published numbers, with changes against 7 and 28 days before
    current = one_row(
        warehouse, "select as_of_date, dau, wau, mau, total_users from {s}.activity_metrics_current"
    )
    shown = json.loads(run_cli(["show", "--json", "--detailed"], env).stdout)
    assert (shown["as_of_date"], shown["dau"], shown["wau"], shown["mau"]) == (
        current[0].isoformat(),
        *current[1:4],
    )
    assert shown["total_users"] == current[4]
    (week_ago,) = one_row(
        warehouse,
        "select dau from {s}.fct_active_users_daily where date_day = "
        f"date '{(END - dt.timedelta(days=7)).isoformat()}'",
    )
    assert shown["change_7d"]["dau"] == current[1] - week_ago
    segments = {(row["dimension"], row["segment"]): row for row in shown["segments"]}
    assert segments[("all", "all active users")]["mau"] == current[3]
    # the detailed breakdown is the published breakdown on the as-of date: one figure
    account_types = warehouse.query(
        f"select segment_value, mau from {warehouse.schema}.fct_active_users_by_segment_daily "
        f"where segment_dimension = 'account_type' and mau > 0 "
        f"and date_day = date '{current[0].isoformat()}'"
    )
    assert account_types and {
        s: r["mau"] for (d, s), r in segments.items() if d == "account_type"
    } == {value: int(mau) for value, mau in account_types}
    assert {s for d, s in segments if d == "lifecycle"} == {"new", "returning"}
    assert sum(r["user_count"] for (d, _), r in segments.items() if d == "recency") == current[4]
    text = run_cli(["--detailed"], env)
    assert text.returncode == 0 and "DAU (1 day)" in text.stdout and "by source" in text.stdout
    # the sparklines draw the series' last 90 days (sparkline itself: tested below)
    wau_90 = [
        row[0]
        for row in warehouse.query(
            f"select wau from {warehouse.schema}.fct_active_users_daily "
            f"where date_day > date '{END - dt.timedelta(days=90)}' order by date_day"
        )
    ]
    spark_lines = [line for line in text.stdout.splitlines() if "WAU (7 days)" in line]
    assert len(spark_lines) == 2
    assert f"{cli_module.sparkline(wau_90)}  {min(wau_90):,} to {max(wau_90):,}" in spark_lines[1]

    # series: the mart's rows, as CSV or JSON, over the period asked
    start = END - dt.timedelta(days=13)
    mart = warehouse.query(
        f"select date_day, dau, wau, mau, total_users from {warehouse.schema}."
        f"fct_active_users_daily where date_day between '{start}' and '{END}' order by 1"
    )
    as_csv = run_cli(["series", "--from", str(start), "--to", str(END), "--csv"], env)
    assert as_csv.returncode == 0, as_csv.stderr
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert [
        (dt.date.fromisoformat(r["date_day"]), *(int(r[m]) for m in ("dau", "wau", "mau")))
        for r in rows
    ] == [row[:4] for row in mart]
    as_json = json.loads(run_cli(["series", "--json"], env).stdout)
    assert len(as_json) == 90 and as_json[-1]["date_day"] == END.isoformat()
    assert as_json[-1]["total_users"] == current[4]
    assert run_cli(["series", "--from", str(END), "--to", str(start)], env).returncode == 2
    # broken down by a segment dimension: the breakdown mart's rows, in the three formats
    by_category = json.loads(
        run_cli(["series", "--by", "activity_category", "--from", str(start), "--json"], env).stdout
    )
    breakdown = warehouse.query(
        "select date_day, segment_value, dau, wau, mau from "
        f"{warehouse.schema}.fct_active_users_by_segment_daily "
        f"where segment_dimension = 'activity_category' and date_day >= '{start}' "
        "order by date_day, segment_value"
    )
    assert len(breakdown) > 90
    assert [
        (dt.date.fromisoformat(r["date_day"]), r["segment_value"], r["dau"], r["wau"], r["mau"])
        for r in by_category
    ] == [(r[0], r[1], *(int(v) for v in r[2:])) for r in breakdown]
    as_table = run_cli(["series", "--by", "account_type", "--from", str(END)], env)
    assert as_table.returncode == 0 and "account_type" in as_table.stdout.splitlines()[0]
    assert "personal" in as_table.stdout
    as_csv = run_cli(["series", "--by", "source_table", "--from", str(END), "--csv"], env)
    assert as_csv.stdout.splitlines()[0] == "date_day,segment_value,dau,wau,mau"
    bad_by = run_cli(["series", "--by", "country"], env)
    assert bad_by.returncode == 2 and "activity_category" in bad_by.stderr

    # engagement: the power-user curve and the week's and month's stickiness of the marts
    engagement = json.loads(run_cli(["engagement", "--json"], env).stdout)
    assert engagement["as_of_date"] == END.isoformat()
    for window_days in (7, 30):
        curve = warehouse.query(
            f"select users from {warehouse.schema}.fct_active_days_distribution_daily "
            f"where date_day = '{END}' and window_days = {window_days} order by active_days"
        )
        assert engagement["curve"][str(window_days)] == [int(r[0]) for r in curve]
    assert sum(engagement["curve"]["7"]) == current[2]
    assert sum(engagement["curve"]["30"]) == current[3]
    (month_users,) = one_row(
        warehouse,
        "select sum(users) from {s}.fct_stickiness where period_type = 'month' "
        f"and period_start <= '{END}' and period_end >= '{END}'",
    )
    assert sum(engagement["stickiness"]["month"]["users"]) == month_users
    as_text = run_cli(["engagement"], env)
    assert as_text.returncode == 0 and "█" in as_text.stdout and "ISO week" in as_text.stdout
    future = run_cli(["engagement", "--as-of", str(END + dt.timedelta(days=1))], env)
    assert future.returncode == 2 and "Traceback" not in future.stderr

    # generate refuses to overwrite the raw tables it finds, and names them
    again = run_cli(
        ["generate", "--users", "10", "--days", "3"],
        {**env, "ACTIVITY_SOURCE_SCHEMA": warehouse.raw_schema},
    )
    assert again.returncode == 2 and "--replace" in again.stderr
    assert "send_transactions" in again.stderr and "Traceback" not in again.stderr

    # an earlier as-of date reads the series
    past = END - dt.timedelta(days=10)
    (past_dau,) = one_row(
        warehouse, f"select dau from {{s}}.fct_active_users_daily where date_day = '{past}'"
    )
    assert json.loads(run_cli(["show", "--json", "--as-of", str(past)], env).stdout)["dau"] == (
        past_dau
    )

    # the Python API reads the same relations
    for name, value in warehouse.env.items():
        monkeypatch.setenv(name, value)
    metrics = api.get_activity_metrics(target=target)
    assert (metrics["dau"], metrics["wau"], metrics["mau"]) == tuple(current[1:4])
    for days, expected in ((1, current[1]), (7, current[2]), (30, current[3])):
        assert len(api.get_active_users(days, target=target)) == expected
    with pytest.raises(WarehouseError, match="outside the data"):
        api.get_activity_metrics(dt.date(1999, 1, 1), target=target)
    with pytest.raises(WarehouseError, match="is as of"):
        api.get_active_users(7, as_of=past, target=target)

    # compare-methods: published >= each method, with the runbook's reading
    compared = run_cli(["compare-methods", "--days", "14", "--json"], env)
    assert compared.returncode == 0, compared.stderr
    comparison = json.loads(compared.stdout)
    assert comparison["stale_days"] == []
    assert comparison["as_of"]["combined_dau"] == current[1]
    assert "touch log catches" in comparison["reading"]
    assert "old method" in run_cli(["compare-methods"], env).stdout

    # growth accounting and cohorts read the marts
    growth = run_cli(["growth", "--period", "month", "--last", "3", "--json"], env)
    assert growth.returncode == 0, growth.stderr
    expected = warehouse.query(
        f"select period_start, active_users, new_users, churned_users from {warehouse.schema}."
        "fct_growth_accounting where period_type = 'month' order by period_start desc limit 3"
    )
    assert [
        (g["period_start"], g["active_users"], g["new_users"], g["churned_users"])
        for g in json.loads(growth.stdout)
    ] == [(r[0].isoformat(), *r[1:]) for r in reversed(expected)]
    assert "quick ratio" in run_cli(["growth"], env).stdout
    cohorts = run_cli(["cohorts"], env)
    assert cohorts.returncode == 0 and "Monthly retention" in cohorts.stdout
    (first_cohort_size,) = one_row(
        warehouse,
        "select cohort_users from {s}.fct_retention_cohorts "
        "where cohort_month = (select min(cohort_month) from {s}.fct_retention_cohorts) "
        "and months_since_first = 0",
    )
    assert json.loads(run_cli(["cohorts", "--json"], env).stdout)[0]["cohort_users"] == (
        first_cohort_size
    )
    assert run_cli(["growth", "--period", "year"], env).returncode == 2

    # --as-of on growth and cohorts: the periods that had ended by that day
    month_before = (END.replace(day=1) - dt.timedelta(days=1)).replace(day=15)
    past_growth = json.loads(
        run_cli(["growth", "--period", "month", "--as-of", str(month_before), "--json"], env).stdout
    )
    assert past_growth and all(
        dt.date.fromisoformat(g["period_end"]) <= month_before for g in past_growth
    )
    assert len(past_growth) < len(
        json.loads(run_cli(["growth", "--period", "month", "--json"], env).stdout)
    )
    past_cohorts = json.loads(
        run_cli(["cohorts", "--as-of", str(month_before), "--json"], env).stdout
    )
    # exactly the mart's cells whose month had ended by then (the calendar's month ends)
    ended = {
        (str(cohort), months)
        for cohort, months, month in warehouse.query(
            "select cohort_month, months_since_first, activity_month "
            f"from {warehouse.schema}.fct_retention_cohorts"
        )
        if month.replace(day=calendar.monthrange(month.year, month.month)[1]) <= month_before
    }
    assert ended and {(c["cohort_month"], c["months_since_first"]) for c in past_cohorts} == ended
    assert all(c["is_complete"] for c in past_cohorts)
    # END is the last day of its month: every month is complete, none marked
    assert all(c["is_complete"] for c in json.loads(run_cli(["cohorts", "--json"], env).stdout))
    assert "in progress" not in run_cli(["cohorts"], env).stdout
    # dates the data cannot answer are refused, in one line, exit 2
    future = dt.date.today() + dt.timedelta(days=400)
    for command in (
        ["growth", "--as-of", str(END + dt.timedelta(days=1))],
        ["cohorts", "--as-of", str(END + dt.timedelta(days=1))],
        ["build", "--as-of", str(future)],
        ["backfill", "--start", "1990-01-01", "--end", "1990-01-05"],
    ):
        refused = run_cli(command, env)
        lines = [line for line in refused.stderr.splitlines() if line.strip()]
        assert refused.returncode == 2 and len(lines) == 1, (command, refused.stderr)
    # a period longer than the data is the data's, and says so
    whole = run_cli(["compare-methods", "--days", "100000"], env)
    assert whole.returncode == 0, whole.stderr
    (first_day,) = one_row(warehouse, "select min(date_day) from {s}.fct_active_users_daily")
    assert f"{first_day} to {END}" in whole.stdout and "--days 100,000 asked" in whole.stdout

    # validate: healthy, then a broken invariant makes it exit 1
    validate = run_cli(["validate", "--as-of", str(END), "--json"], env)
    assert validate.returncode == 0, validate.stdout[-2000:] + validate.stderr
    healthy = json.loads(validate.stdout)
    assert healthy["healthy"] is True and healthy["tests"]["failed"] == 0
    assert healthy["tests"]["passed"] > 50
    assert {c["check_name"] for c in healthy["coverage"]} >= {"app_last_activity_all_users"}
    assert all(c["is_passing"] for c in healthy["coverage"])

    # rows arriving three weeks late, with the new ids the app gives them: the nightly
    # build lands them on their day, no backfill
    dau_sql = "select dau from {s}.fct_active_users_daily where date_day = '%s'"
    (dau_before,) = one_row(warehouse, dau_sql % late_day)
    # each send is an authenticated mutation: the middleware touched it too (a touch row,
    # and users.last_activity_at moved forward)
    insert = (
        "insert into {r}.send_transactions (id, sender_user_id, amount, currency, status, "
        "created_at) select {offset} + id, id, 1, 'USD', 'completed', "
        "timestamp '{day} 12:00:00' from {r}.users where id <= 40; "
        "insert into {r}.activity_touches (id, user_id, touched_at, event_type, "
        "operation_name) select {offset} + id, id, timestamp '{day} 12:00:00', 'mutation', "
        "'sendMoney' from {r}.users where id <= 40; "
        "update {r}.users set last_activity_at = timestamp '{day} 12:00:00' where id <= 40 "
        "and (last_activity_at is null or last_activity_at < timestamp '{day} 12:00:00')"
    )
    warehouse.execute(insert.format(r=warehouse.raw_schema, offset=900000, day=late_day))
    if target == "duckdb":  # a reader during the build reads the published file
        nightly, during, read_while_building = build_while_reading(env, warehouse.path)
        assert during.returncode == 0, during.stderr
        assert json.loads(during.stdout)["dau"] == current[1]
        assert read_while_building, "the build ended before the read: nothing was shown"
        assert not os.path.exists(warehouse.path + ".building")
    else:
        nightly = run_cli(["build", "--as-of", str(END)], env)
    assert nightly.returncode == 0, nightly.stdout[-3000:]
    (dau_late,) = one_row(warehouse, dau_sql % late_day)
    assert dau_late > dau_before
    # the restatement is recorded, listed and warned about: a closed day (20 days back)
    # first reported with dau_before, now dau_late
    assert "WARN warn_closed_days_restated" in nightly.stdout, nightly.stdout[-3000:]
    revisions = json.loads(run_cli(["revisions", "--json"], env).stdout)
    late = [r for r in revisions if r["date_day"] == late_day.isoformat()][-1]
    assert (late["dau_before"], late["dau_after"]) == (dau_before, dau_late)
    assert late["is_closed"] and late["is_restatement"]
    listed = run_cli(["revisions"], env)
    assert listed.returncode == 0
    assert f"DAU {late['first_reported_dau']:,}, now {dau_late:,}" in listed.stdout
    tomorrow = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).date()
    later = run_cli(["revisions", "--since", str(tomorrow)], env)
    assert "No published day was revised" in later.stdout, later.stdout

    # rows arriving with old ids (a restored backup) are below every high-water mark:
    # the nightly build cannot see them; validate names their day and the repair
    old_day = END - dt.timedelta(days=30)
    (dau_old_before,) = one_row(warehouse, dau_sql % old_day)
    warehouse.execute(insert.format(r=warehouse.raw_schema, offset=-100000, day=old_day))
    assert run_cli(["build", "--as-of", str(END)], env).returncode == 0
    unseen = run_cli(["validate", "--as-of", str(END)], env)
    assert unseen.returncode == 1, unseen.stdout[-2000:]
    assert "assert_activity_events_match_raw_tables" in unseen.stdout
    assert f"repair: activity-metrics backfill --start {old_day} --end {old_day}" in unseen.stdout
    backfill = run_cli(
        ["backfill", "--start", str(old_day), "--end", str(old_day), "--as-of", str(END)], env
    )
    assert backfill.returncode == 0, backfill.stdout[-3000:]
    assert f"  {old_day}: dau {dau_old_before} ->" in backfill.stdout
    (dau_after,) = one_row(warehouse, dau_sql % old_day)
    assert dau_after > dau_old_before and f"-> {dau_after}" in backfill.stdout
    healthy = run_cli(["validate", "--as-of", str(END)], env)
    assert healthy.returncode == 0, healthy.stdout[-2000:]

    warehouse.execute(f"update {warehouse.schema}.activity_metrics_current set dau = dau + 1")
    broken = run_cli(["validate", "--as-of", str(END)], env)
    assert broken.returncode == 1
    assert "validation FAILED" in broken.stderr and "assert_snapshot_equals_series" in broken.stdout


def test_cohorts_mark_the_month_in_progress(monkeypatch, capsys):
    rows = [
        {
            "cohort_month": dt.date(2026, 10, 1),
            "months_since_first": k,
            "cohort_users": 10,
            "active_users": 5,
            "retention_pct": share,
            "is_complete": complete,
        }
        for k, share, complete in ((0, 1.0, True), (1, 0.5, False))
    ]
    monkeypatch.setattr(api, "get_retention_cohorts", lambda settings, as_of=None: rows)
    args = argparse.Namespace(as_of=None, json=False)
    assert cli_module.cmd_cohorts(args, settings=None) == 0
    out = capsys.readouterr().out
    assert " 50%*" in out and "100% " in out and "* the month is in progress" in out


def test_detailed_headers_sit_over_their_numbers(capsys):
    rows = [
        {
            "dimension": dimension,
            "segment": segment,
            "dau": 7,
            "wau": 1_234,
            "mau": 98_765,
            "user_count": 42,
            "segment_order": 1,
        }
        for dimension, segment in (("account_type", "business"), ("recency", "1-6 days"))
    ]
    cli_module._print_segments(rows)
    lines = [line for line in capsys.readouterr().out.splitlines() if line.strip()]
    header, row, recency_header, recency_row = lines
    for label, number in (("DAU", "7"), ("WAU", "1,234"), ("MAU", "98,765")):
        assert header.index(label) + len(label) == row.index(number) + len(number), label
    assert recency_header.index("users") + 5 == recency_row.index("42") + 2


def test_sparkline_maps_low_to_high():
    assert cli_module.sparkline([0, 2, 14]) == "▁▂█"
    assert cli_module.sparkline([5, 5]) == "▄▄"  # a flat line at mid height
    assert cli_module.sparkline([1, None, 3]) == "▁ █"
    assert len(cli_module.sparkline(list(range(90)), width=45)) == 45


def test_every_command_explains_itself():
    parser = cli_module.build_parser()
    commands = next(
        action for action in parser._actions if isinstance(action, argparse._SubParsersAction)
    )
    for name, command in commands.choices.items():
        if name == "bench":  # its own parser: `activity-metrics bench --help`
            continue
        assert command.description and "examples:" in (command.epilog or ""), name
        for action in command._actions:
            assert action.help, (name, action.option_strings)
    for name in commands.choices:
        shown = run_cli([name, "--help"], {})
        assert shown.returncode == 0 and "usage: activity-metrics" in shown.stdout, name


def test_version():
    result = run_cli(["--version"], {})
    assert result.returncode == 0
    assert result.stdout.startswith("activity-metrics ") and result.stdout.split()[1][0].isdigit()


def test_missing_warehouse_is_a_clear_error(tmp_path):
    result = run_cli(["show"], {"ACTIVITY_DUCKDB_PATH": str(tmp_path / "none.duckdb")})
    assert result.returncode == 2
    assert "no warehouse" in result.stderr and "Traceback" not in result.stderr


def test_missing_project_is_a_clear_error(tmp_path):
    """The package finds the dbt project by flag, variable or install location; a
    directory without one is named in one line."""
    for command, env in (
        (["build", "--project-dir", str(tmp_path)], {}),
        (["show", "--project-dir", str(tmp_path)], {}),
        (["validate"], {"ACTIVITY_PROJECT_DIR": str(tmp_path)}),
    ):
        result = run_cli(command, env)
        assert result.returncode == 2, command
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and f"no dbt project at {tmp_path}" in lines[0], result.stderr


def test_unbuilt_warehouse_names_the_command(tmp_path):
    import duckdb

    path = tmp_path / "empty.duckdb"
    duckdb.connect(str(path)).close()
    for command in (["show"], ["compare-methods"], ["backfill", "--days", "3"]):
        result = run_cli(command, {"ACTIVITY_DUCKDB_PATH": str(path)})
        assert result.returncode == 2, command
        assert "activity-metrics build" in result.stderr and "Traceback" not in result.stderr


def test_database_down_is_a_clear_error():
    for command in (["show"], ["compare-methods"], ["validate"]):
        result = run_cli([*command, "--target", "postgres"], {"ACTIVITY_POSTGRES_PORT": "1"})
        assert result.returncode == 2, (command, result.stderr)
        assert "PostgreSQL" in result.stderr and "Traceback" not in result.stderr


def test_usage_errors_exit_2():
    for args, message in (
        (["show", "--as-of", "2024-13-01"], "not a date"),
        (["compare-methods", "--days", "0"], "at least 1"),
        (["backfill", "--start", "2024-01-01"], "both --start and --end"),
        (["show", "--target", "oracle"], "invalid choice"),
    ):
        result = run_cli(args, {})
        assert result.returncode == 2, args
        assert message in result.stderr, (args, result.stderr)


def test_bad_var_stops_dbt_with_a_clear_message(make_warehouse):
    warehouse = make_warehouse("duckdb", "badvar")
    warehouse.load(small_dataset(1, 20, 10, dt.date(2024, 1, 10)))
    result = warehouse.dbt(["build"], {"activity__timezone": "Mars/Olympus"}, expect_success=False)
    assert result.returncode != 0 and "is not an IANA time zone" in result.stdout
    # a warehouse built in one zone refuses a nightly run in another (its stored local
    # days would mix two zones) until a full refresh
    warehouse.build(dt.date(2024, 1, 10))
    bogota = {"activity__timezone": "America/Bogota", "activity__as_of_date": "2024-01-10"}
    result = warehouse.dbt(["build"], bogota, expect_success=False)
    assert result.returncode != 0
    assert "but the warehouse was built in 'UTC'" in result.stdout
    warehouse.dbt(["build", "--full-refresh"], bogota)


def test_settings_reject_unknown_target():
    with pytest.raises(WarehouseError):
        Settings.from_env("oracle")


def test_jvm_banners_stay_out_of_the_build_output():
    from activity_metrics.dbt_runner import JVM_BANNER

    for banner in (
        "WARNING: Using incubator modules: jdk.incubator.vector",
        'Setting default log level to "WARN".',
        "To adjust logging level use sc.setLogLevel(newLevel). For SparkR, use setLogLevel.",
    ):
        assert JVM_BANNER.match(banner), banner
    for kept in (
        "18:58:36  1 of 30 ERROR creating sql table model analytics.fct_user_days",
        "WARNING: something else the JVM says",
        "Compilation Error in operation activity_metrics-on-run-start-0",
    ):
        assert not JVM_BANNER.match(kept), kept


def test_a_nightly_given_its_date_by_the_environment_keeps_the_parsed_project(make_warehouse):
    """Two nights as a scheduler runs them (`dbt build`, no --vars, the date in
    $ACTIVITY_AS_OF_DATE): the second reuses dbt's parsed project and publishes its own
    date; a date that is not one is refused before anything runs."""
    from activity_metrics.dbt_runner import run_dbt

    warehouse = make_warehouse("duckdb", "env_date")
    warehouse.load(small_dataset(4, 200, 40, END))
    outputs = []
    for as_of in (END - dt.timedelta(days=1), END):
        result = run_dbt(
            ["build"],
            "duckdb",
            None,
            env={**warehouse.env, "ACTIVITY_AS_OF_DATE": str(as_of)},
            capture=True,
        )
        assert result.returncode == 0, result.stdout[-3000:]
        outputs.append(result.stdout)
        (published,) = one_row(warehouse, "select as_of_date from {s}.activity_metrics_current")
        assert published == as_of
    assert "Unable to do partial parsing" not in outputs[1], outputs[1][:2000]
    # ... and no parsed file is tied to the variable (dbt re-parses the files whose
    # environment variables changed): it is read only when the run executes
    import msgpack

    from activity_metrics.warehouse import dbt_target_dir

    with open(os.path.join(dbt_target_dir(), "partial_parse.msgpack"), "rb") as fh:
        state = msgpack.unpackb(fh.read(), raw=False, strict_map_key=False)
    assert "ACTIVITY_AS_OF_DATE" not in state["env_vars"], state["env_vars"]
    bad = run_dbt(
        ["build"],
        "duckdb",
        None,
        env={**warehouse.env, "ACTIVITY_AS_OF_DATE": "2024-02-30"},
        capture=True,
    )
    assert bad.returncode != 0
    assert 'ACTIVITY_AS_OF_DATE="2024-02-30" is not a date' in bad.stdout, bad.stdout[-2000:]
