# PYTHON_ARGCOMPLETE_OK
"""`activity-metrics`: the numbers, comparisons, validation, builds and backfills of the
activity warehouse from a terminal.

It reads the published relations; it never recomputes a metric in Python.
Exit codes: 0 success (validate: healthy), 1 a check or dbt failed, 2 usage or
connection error, 75 another build holds the warehouse's run lock (try again later),
130 interrupted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from decimal import Decimal

from . import api
from .warehouse import TARGETS, BuildCopy, RunLock, RunLocked, Settings, WarehouseError, identifier

METRICS = (("dau", "DAU (1 day)"), ("wau", "WAU (7 days)"), ("mau", "MAU (30 days)"))
RUNBOOK = "see 'Troubleshooting' in docs/monitoring.md or the docs site"


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from exc


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from exc
    if number < 1:
        raise argparse.ArgumentTypeError(f"{number} must be at least 1")
    return number


def _pct(value) -> str:
    return "n/a" if value is None else f"{float(value) * 100:.2f}%"


def _jsonable(value):
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _floats(row: dict) -> dict:
    """A row with its decimals as floats (ratios stay ratios in JSON and CSV, even 1 or 0)."""
    return {k: float(v) if isinstance(v, Decimal) else v for k, v in row.items()}


# --- show -----------------------------------------------------------------------------


def cmd_show(args, settings: Settings) -> int:
    metrics = api.get_activity_metrics(args.as_of, settings)
    as_of = metrics["as_of_date"]
    # the changes are computed once, in fct_active_users_changes
    rows = api.read_relation(settings, "fct_active_users_changes", "where date_day = %s", (as_of,))
    changes = {
        key: (
            {row["metric_name"]: row[key] for row in rows}
            if rows and all(row[key] is not None for row in rows)
            else None
        )
        for key in ("change_7d", "change_28d")
    }
    segments = []
    if args.detailed:
        if args.as_of and args.as_of != api.current_as_of(settings):
            raise WarehouseError(
                "--detailed is built for the warehouse's as-of date "
                f"({api.current_as_of(settings)}); rebuild with --as-of {args.as_of} first"
            )
        segments = api.read_relation(
            settings, "fct_user_segments_current", "order by dimension, segment"
        )
    if args.json:
        out = {**metrics, **changes}
        if args.detailed:
            out["segments"] = [
                {k: v for k, v in row.items() if k != "as_of_date"} for row in segments
            ]
        print(json.dumps(_jsonable(out), indent=2))
        return 0
    print(f"Activity as of {as_of} (rolling windows ending on that day, {settings.target})")
    for metric, label in METRICS:
        deltas = [
            f"{changes[key][metric]:+,} vs {key[7:-1]}d ago"
            for key in ("change_7d", "change_28d")
            if changes[key]
        ]
        print(
            f"  {label:<14} {metrics[metric]:>10,}  {_pct(metrics[metric + '_pct']):>8}"
            f" of users   {'; '.join(deltas)}"
        )
    print(f"  {'total users':<14} {metrics['total_users'] or 0:>10,}")
    print(f"  {'stickiness':<14} {_pct(metrics['stickiness']):>10}  (DAU / MAU)")
    if not args.no_chart:
        _print_sparklines(settings, as_of)
    if args.detailed:
        _print_segments(segments)
    return 0


SPARK_CHARS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[int | None], width: int = 45) -> str:
    """The values as at most `width` characters, from the lowest (▁) to the highest (█)
    of the line: consecutive values share a character (their mean) when there are more
    than `width`; a flat line is drawn at mid height, a missing value as a space."""
    step = max(1, -(-len(values) // width))
    chunks = [values[i : i + step] for i in range(0, len(values), step)]
    values = [
        None if any(v is None for v in chunk) else sum(chunk) / len(chunk) for chunk in chunks
    ]
    present = [v for v in values if v is not None]
    if not present:
        return ""
    low, high = min(present), max(present)
    top = len(SPARK_CHARS) - 1

    def char(value):
        if value is None:
            return " "
        if high == low:
            return SPARK_CHARS[top // 2]
        return SPARK_CHARS[round((value - low) / (high - low) * top)]

    return "".join(char(v) for v in values)


def _print_sparklines(settings: Settings, as_of: dt.date, days: int = 90) -> None:
    rows = api.get_series(as_of - dt.timedelta(days=days - 1), as_of, target=settings)
    if len(rows) < 2:
        return
    per = max(1, -(-len(rows) // 45))
    print(
        f"\n  last {len(rows)} days, {rows[0]['date_day']} to {rows[-1]['date_day']}"
        f"{f' (a character is {per} days)' if per > 1 else ''}:"
    )
    for metric, label in METRICS:
        values = [row[metric] for row in rows]
        print(f"  {label:<14} {sparkline(values)}  {min(values):,} to {max(values):,}")


def cmd_series(args, settings: Settings) -> int:
    end = args.to or args.as_of or api.current_as_of(settings)
    start = None if args.all else args.from_ or end - dt.timedelta(days=89)
    if start is not None and start > end:
        raise WarehouseError(f"--from {start} is after --to {end}")
    rows = api.get_series(start, end, args.by, settings)
    if not rows:
        first, last = api.data_range(settings)
        raise WarehouseError(
            f"no days of fct_active_users_daily in {start or 'the start'}..{end}: "
            f"the data covers {first}..{last}"
        )
    if args.json:
        print(json.dumps(_jsonable(rows), indent=2))
    elif args.csv:
        import csv

        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(_jsonable(rows))
    elif args.by:
        _print_segment_series(rows, args.by)
    else:
        print(
            f"{'date':<11} {'DAU':>9} {'WAU':>9} {'MAU':>9} {'total':>9}"
            f" {'DAU %':>7} {'WAU %':>7} {'MAU %':>7} {'sticky':>7}"
        )
        for row in rows:
            print(
                f"{row['date_day']!s:<11} {row['dau']:>9,} {row['wau']:>9,} {row['mau']:>9,}"
                f" {row['total_users'] or 0:>9,} {_pct(row['dau_pct']):>7}"
                f" {_pct(row['wau_pct']):>7} {_pct(row['mau_pct']):>7}"
                f" {_pct(row['stickiness']):>7}"
            )
    return 0


def _print_segment_series(rows: list[dict], by: str) -> None:
    """One line per day and value; a value's users can be counted in several values
    of the dimension, so the values of a day can add up to more than the total."""
    width = max(len(by), *(len(row["segment_value"]) for row in rows))
    print(f"{'date':<11} {by:<{width}} {'DAU':>9} {'WAU':>9} {'MAU':>9}")
    for row in rows:
        print(
            f"{row['date_day']!s:<11} {row['segment_value']:<{width}}"
            f" {row['dau']:>9,} {row['wau']:>9,} {row['mau']:>9,}"
        )
    if by != "account_type":
        print(
            f"\n  a user active in several values of {by} counts in each: the values of a"
            " day can add up to more than the total"
        )


def _print_segments(segments: list[dict]) -> None:
    def order(row):  # recency in the mart's bucket order, the rest by MAU
        if row["dimension"] != "recency":
            return (row["dimension"], 0, -(row["mau"] or 0))
        return (row["dimension"], row["segment_order"], 0)

    dimension = None
    for row in sorted(segments, key=order):
        if row["dimension"] in ("all",):
            continue
        if row["dimension"] != dimension:
            dimension = row["dimension"]
            # the header's labels end where the rows' numbers end (4 + 30 + 1 + 8, ...)
            title = f"by {dimension.replace('_', ' ')}"
            if dimension == "recency":
                print(f"\n  {title:<32} {'users':>8}")
            else:
                print(f"\n  {title:<32} {'DAU':>8} {'WAU':>10} {'MAU':>10}")
        if dimension == "recency":
            print(f"    {row['segment']:<30} {row['user_count']:>8,}")
        else:
            print(f"    {row['segment']:<30} {row['dau']:>8,} {row['wau']:>10,} {row['mau']:>10,}")


# --- compare-methods ------------------------------------------------------------------


def _stamp(value: dt.datetime | None) -> str:
    return "nothing" if value is None else f"{value:%Y-%m-%d %H:%M} UTC"


def _comparison_reading(comparison: api.MethodComparison) -> tuple[str, str]:
    """What the comparison means, in two sentences (the verdict itself is the API's)."""
    lag, stale_days = comparison.lag, comparison.stale_days
    if lag.is_behind:
        reading = (
            "the published series is FROZEN: activity events loaded at "
            f"{lag.events_loaded_at:%Y-%m-%d %H:%M} UTC are not in it (it applied events "
            f"through {_stamp(lag.series_applied_through)}); the last build stopped before "
            "the series: run `activity-metrics build`"
        )
    elif not stale_days and comparison.extra_vs_old_method > 0:
        reading = (
            "combined >= the old method every day: good, the touch log catches activity "
            f"the transactional tables miss ({comparison.extra_vs_old_method:,} user-days over "
            "the period)"
        )
    elif not stale_days:
        reading = "combined equals the old method: the touch log adds nothing (is it live?)"
    else:
        reading = (
            f"combined is BELOW a method on {len(stale_days)} day(s) (first {stale_days[0]}): "
            "the published series is stale; run `activity-metrics backfill` for that period"
        )
    if comparison.is_touch_log_live:
        missed, total = comparison.touch_log_missed, comparison.touch_log_total
        touch_note = (
            f"the touch log alone misses {missed:,} of {total:,} active user-days "
            f"({_pct(missed / total if total else None)}) since it went live"
        )
    else:
        touch_note = "the touch log has no data in this period"
    return reading, touch_note


def cmd_compare_methods(args, settings: Settings) -> int:
    comparison = api.compare_methods(settings, args.as_of or api.current_as_of(settings), args.days)
    reading, touch_note = _comparison_reading(comparison)
    # exit 1 when the published series is behind its events or below a method
    verdict = 0 if comparison.is_healthy else 1
    last_row = comparison.latest
    if args.json:
        print(
            json.dumps(
                _jsonable(
                    {
                        "period_start": comparison.start,
                        "period_end": comparison.end,
                        "as_of": last_row,
                        "stale_days": comparison.stale_days,
                        "is_series_behind_events": comparison.lag.is_behind,
                        "only_one_source_user_days": comparison.only_one_source_user_days,
                        "reading": reading,
                        "touch_log": touch_note,
                    }
                ),
                indent=2,
            )
        )
        return verdict
    span = (comparison.end - comparison.start).days + 1
    clipped = f"; --days {args.days:,} asked: the data starts then" if span < args.days else ""
    print(
        f"Old method vs touch log vs published, {comparison.start} to {comparison.end} "
        f"({len(comparison.rows)} days{clipped})"
    )
    print(f"\n  on {last_row['date_day']}{'':<8}published  old method  touch log")
    for metric, label in METRICS:
        print(
            f"  {label:<16} {last_row[f'combined_{metric}']:>10,} "
            f"{last_row[f'transactional_{metric}']:>11,} {last_row[f'touch_log_{metric}']:>10,}"
        )
    print("\n  user-days seen by one source only, over the period:")
    for source, count in sorted(comparison.only_one_source_user_days.items(), key=lambda i: -i[1]):
        print(f"    {source:<24} {count:>8,}")
    print(f"\n  reading: {reading}")
    print(f"  {touch_note}")
    return verdict


# --- validate -------------------------------------------------------------------------


def cmd_validate(args, settings: Settings) -> int:
    if not args.json:
        print("running the consistency and coverage tests (dbt test) ...")
    validation = api.validate(settings, as_of=args.as_of)
    failed, warned, passed = validation.failed, validation.warned, validation.passed
    notices, checks, healthy = validation.notices, validation.coverage_checks, validation.is_healthy
    if args.json:
        descriptions = _test_descriptions()
        print(
            json.dumps(
                _jsonable(
                    {
                        "healthy": healthy,
                        "tests": {
                            "passed": len(passed),
                            "failed": len(failed),
                            "warned": len(warned),
                        },
                        "problems": [
                            {
                                "test": r["unique_id"].split(".")[2],
                                "status": r["status"],
                                "message": r.get("message"),
                                "what_it_checks": " ".join(
                                    descriptions.get(r["unique_id"], "").split()
                                ),
                            }
                            for r in [*failed, *warned]
                        ],
                        "coverage": [_floats(check) for check in checks],
                        "unclassified_event_types": _unclassified_event_types(settings),
                        "anomalies": [_floats(row) for row in api.get_anomalies(True, settings)],
                    }
                ),
                indent=2,
            )
        )
        return 0 if healthy else 1
    print(f"\n  coverage (threshold {_pct(checks[0]['coverage_threshold']) if checks else 'n/a'}):")
    for check in checks:
        verdict = "ok  " if check["is_passing"] else "FAIL"
        worst = f" worst day {check['worst_date']}" if check["worst_date"] else ""
        print(
            f"    {verdict} {check['check_name']:<30} {_pct(check['coverage']):>8}"
            f"  ({check['covered_users']:,} of {check['eligible_users']:,}){worst}"
        )
    print(f"\n  {len(passed)} tests passed, {len(failed)} failed, {len(warned)} warned")
    for r in failed:
        print(f"    FAIL {r['unique_id'].split('.')[2]}: {r.get('message') or ''}")
    for r in notices:
        print(f"    note {r['unique_id'].split('.')[2]}: {r.get('message') or ''}")
        if validation.role(r) == "unclassified_types":
            _print_unclassified(settings, indent="         ")
        if validation.role(r) == "restatement":
            _print_restatements(settings, indent="         ")
        if validation.role(r) == "anomaly":
            _print_anomalies(settings, indent="         ")
    for r in failed:
        if validation.role(r) == "reconciliation":
            _print_unseen_rows(settings, r.get("compiled_code") or "")
    if not healthy:
        print(
            f"validation FAILED: {len(failed)} consistency test(s), "
            f"{sum(not c['is_passing'] for c in checks)} coverage check(s); {RUNBOOK}",
            file=sys.stderr,
        )
        return 1
    print("validation passed: every consistency and coverage check holds")
    return 0


def _print_unseen_rows(settings: Settings, compiled_sql: str) -> None:
    """The days on which the raw tables hold rows the nightly runs never read (old ids
    below the high-water mark), and the backfill that repairs them."""
    if not compiled_sql.strip():
        return
    _, rows = settings.query(f"select * from ({compiled_sql}) as unseen order by 2, 1")
    days = sorted({row[1] for row in rows})
    print("\n  raw rows the nightly runs did not read (old ids: a restored or reloaded table):")
    for source_name, day, raw_rows, stored_rows in rows[:15]:
        print(f"    {day}  {source_name:<22} raw {raw_rows:,}  stored {stored_rows:,}")
    if len(rows) > 15:
        print(f"    ... and {len(rows) - 15} more")
    print(f"  repair: activity-metrics backfill --start {days[0]} --end {days[-1]}")


# --- build and backfill ---------------------------------------------------------------


def _run_build(args, settings: Settings, extra_vars: dict | None = None, full_refresh=False):
    from .dbt_runner import as_of_environment, run_dbt_with_progress

    dbt_vars = extra_vars or {}
    # a day that has not begun anywhere yet (UTC+14 is the earliest zone); dbt's
    # on-run-start refuses the rest of the future in the reporting zone
    earliest_today = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=14)).date()
    if args.as_of and args.as_of > earliest_today:
        raise WarehouseError(
            f"--as-of {args.as_of} is in the future: its days have no data yet "
            "(nothing was built; the published marts are left as they were)"
        )
    _check_raw_tables(settings)
    started = time.monotonic()
    results: list[dict] = []
    if settings.target == "spark":
        from .spark import check_java, check_pyspark, release_spark

        check_pyspark()
        check_java()
        release_spark()  # dbt's JVM opens the metastore: this process lets go of it
    # one nightly run at a time per warehouse; on DuckDB into a copy, swapped in at the end
    with RunLock(settings) as lock, BuildCopy(settings) as copy:
        # `nightly` is dbt's default selector too (selectors.yml): plain `dbt build` runs it,
        # the seed included (one dbt process: its start alone costs seconds)
        command = ["build", "--selector", "nightly", *(["--full-refresh"] if full_refresh else [])]
        code, results = run_dbt_with_progress(
            command,
            settings.target,
            dbt_vars,
            "build",
            env={**lock.env, **copy.env, **as_of_environment(args.as_of)},
        )
        if code != 0:
            copy.publish()  # what dbt wrote, as a plain `dbt build` would leave it
            if results:
                _summarise(results, time.monotonic() - started, settings)
            print(f"error: dbt build failed (exit {code}); {RUNBOOK}", file=sys.stderr)
            return 1
        copy.publish()
    _summarise(results, time.monotonic() - started, settings)
    return 0


def _check_raw_tables(settings: Settings) -> None:
    """Before dbt creates anything: the raw tables are where the user pointed, or one
    line names what they set (dbt would create the schemas first and then fail at
    length, naming a var they never set). On Spark dbt's own check answers (a second
    JVM here would hold the metastore)."""
    from .generator import SCHEMA
    from .warehouse import source_schema

    if settings.target == "spark":
        return
    schema = source_schema()
    missing = [name for name in SCHEMA if name not in _existing_raw_tables(settings, schema)]
    if not missing:
        return
    named = (
        f"ACTIVITY_SOURCE_SCHEMA={schema}"
        if "ACTIVITY_SOURCE_SCHEMA" in os.environ
        else f"the default raw schema '{schema}' (set ACTIVITY_SOURCE_SCHEMA to change it)"
    )
    where = settings.duckdb_path if settings.target == "duckdb" else "the PostgreSQL database"
    which = "none of the raw tables" if len(missing) == len(SCHEMA) else ", ".join(missing)
    raise WarehouseError(
        f"{named}: {where} has {which} there; point ACTIVITY_SOURCE_SCHEMA at the app's "
        "schema, or create demo data with `activity-metrics generate` (nothing was built)"
    )


def _test_descriptions() -> dict[str, str]:
    """Each test's description (what it checks, what to do), from dbt's manifest."""
    from .warehouse import project_dir

    try:
        with open(os.path.join(project_dir(), "target", "manifest.json")) as fh:
            nodes = json.load(fh)["nodes"]
    except (OSError, ValueError, KeyError):
        return {}
    return {
        uid: node.get("description") or _generic_test_reading(node) for uid, node in nodes.items()
    }


def _generic_test_reading(node: dict) -> str:
    """What a generic test without a description checks, from its own metadata
    (`not_null` on fct_x.col, with its arguments)."""
    metadata = node.get("test_metadata") or {}
    if not metadata.get("name"):
        return ""
    relation = (node.get("attached_node") or "").split(".")[-1]
    column = node.get("column_name")
    where = f"{relation}.{column}" if column else relation
    arguments = {
        key: value
        for key, value in (metadata.get("kwargs") or {}).items()
        if key not in ("model", "column_name")
    }
    detail = f" ({', '.join(f'{key}: {value}' for key, value in arguments.items())})"
    return f"{metadata['name']} on {where or 'its relation'}{detail if arguments else ''}"


def _unclassified_event_types(settings: Settings) -> list[dict]:
    try:
        return api.read_relation(
            settings, "mon_unclassified_event_types", "order by row_count desc", ()
        )
    except WarehouseError:
        return []


def _print_unclassified(settings: Settings, indent: str) -> None:
    """The touch-log event types no row of the seed classifies, with their counts, and
    the file to edit (build and validate print the same)."""
    for row in _unclassified_event_types(settings)[:10]:
        print(
            f"{indent}{row['event_type']!s}: {row['row_count']:,} rows, {row['user_count']:,} users"
        )
    print(
        f"{indent}classify them in seeds/activity_event_types.csv, then "
        "`activity-metrics backfill` over the days they appeared"
    )


def _summarise(results: list[dict], seconds: float, settings: Settings | None = None) -> None:
    by_kind: dict[str, dict[str, int]] = {}
    for r in results:
        kind = r["unique_id"].split(".")[0]
        by_kind.setdefault(kind, {}).setdefault(r["status"], 0)
        by_kind[kind][r["status"]] += 1
    parts = [
        f"{kind}s: " + ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
        for kind, counts in sorted(by_kind.items())
    ]
    print(f"summary ({seconds:.1f} s): " + "; ".join(parts))
    from .dbt_runner import read_test_roles

    descriptions = None
    roles = read_test_roles()
    for r in results:
        if r["status"] not in ("fail", "error", "warn"):
            continue
        name = r["unique_id"].split(".")[2]
        print(f"  {r['status'].upper()} {name}: {r.get('message')}")
        if roles.get(r["unique_id"]) == "unclassified_types" and settings is not None:
            _print_unclassified(settings, indent="    ")
        elif roles.get(r["unique_id"]) == "restatement" and settings is not None:
            _print_restatements(settings, indent="    ")
            print("    see them all: activity-metrics revisions")
        elif roles.get(r["unique_id"]) == "anomaly" and settings is not None:
            _print_anomalies(settings, indent="    ")
        elif r["unique_id"].startswith("test."):
            descriptions = descriptions if descriptions is not None else _test_descriptions()
            what = " ".join(descriptions.get(r["unique_id"], "").split())
            if what:
                print(f"    what it checks: {what[:300]}")
            print(f"    what to do: {RUNBOOK}")


def cmd_build(args, settings: Settings) -> int:
    return _run_build(args, settings, full_refresh=args.full_refresh)


def cmd_backfill(args, settings: Settings) -> int:
    if (args.start is None) != (args.end is None):
        raise WarehouseError("give both --start and --end, or --days")
    if args.start:
        start, end = args.start, args.end
        if start > end:
            raise WarehouseError(f"--start {start} is after --end {end}")
    else:
        end = args.as_of or api.current_as_of(settings)
        start = api.first_of_days(end, args.days)
    first, last = api.data_range(settings)
    if first is None or end < first or start > last:
        raise WarehouseError(
            f"{start} to {end} is outside the published days ({first} to {last}): "
            "nothing to backfill (raw rows dated before the first published day are read "
            "by `activity-metrics build --full-refresh`)"
        )
    where = ("where date_day between %s and %s order by date_day", (start, end))
    before = {
        r["date_day"]: r for r in api.read_relation(settings, "fct_active_users_daily", *where)
    }
    print(f"backfill {start} to {end}: rebuilding the user-day fact and the series ...")
    code = _run_build(
        args,
        settings,
        {
            "activity__backfill_start_date": start.isoformat(),
            "activity__backfill_end_date": end.isoformat(),
        },
    )
    after = {
        r["date_day"]: r for r in api.read_relation(settings, "fct_active_users_daily", *where)
    }
    changed = [
        day
        for day in sorted(after)
        if day not in before or any(before[day][m] != after[day][m] for m, _ in METRICS)
    ]
    print(f"{len(after)} days in range, {len(changed)} changed")
    for day in changed[:10]:
        old = before.get(day)
        print(
            f"  {day}: "
            + ", ".join(f"{m} {old[m] if old else '-'} -> {after[day][m]}" for m, _ in METRICS)
        )
    if len(changed) > 10:
        print(f"  ... and {len(changed) - 10} more")
    return code


# --- generate -------------------------------------------------------------------------


def cmd_generate(args, settings: Settings) -> int:
    from rich.progress import Progress

    from .generator import GeneratorConfig, generate, write_duckdb, write_postgres

    identifier("--schema (or $ACTIVITY_SOURCE_SCHEMA)", args.schema)
    for option, value, low, high in (
        ("--users", args.users, 1, 10_000_000),
        ("--days", args.days, 1, 36_500),
        ("--dirty-rate", args.dirty_rate, 0.0, 1.0),
    ):
        if not low <= value <= high:
            raise WarehouseError(f"{option} {value} is out of range ({low} to {high:,})")
    existing = _existing_raw_tables(settings, args.schema)
    where = (
        f"schema {args.schema} of "
        + {
            "duckdb": settings.duckdb_path,
            "postgres": "the PostgreSQL database",
            "spark": "the local Spark metastore",
        }[settings.target]
    )
    if existing and not args.replace:
        raise WarehouseError(
            f"{where} already has {len(existing)} of the tables generate writes "
            f"({', '.join(existing)}): it would delete their rows; add --replace to do so"
        )
    if existing:
        print(f"replacing {len(existing)} tables of {where}: {', '.join(existing)}")
    config = GeneratorConfig(
        users=args.users,
        days=args.days,
        seed=args.seed,
        end_date=_end_date(args),
        dirty_rate=args.dirty_rate,
    )
    with Progress(transient=True) as progress:
        task = progress.add_task("generating", total=12)
        tables = generate(config)
        progress.advance(task)

        def step(name, rows):
            progress.update(task, advance=1, description=f"loaded {name} ({rows:,} rows)")

        if settings.target == "duckdb":
            rows = write_duckdb(tables, settings.duckdb_path, args.schema, step)
        elif settings.target == "spark":
            from .spark import write_spark

            rows = write_spark(tables, args.schema, step)
        else:
            conn = settings.connect_postgres()
            try:
                rows = write_postgres(tables, conn, args.schema, step)
            finally:
                conn.close()
    print(
        f"wrote {rows:,} raw rows for {args.users:,} users x {args.days} days "
        f"(seed {args.seed}, through {config.resolved_end_date()}) "
        f"into {where}"
    )
    return 0


def _end_date(args) -> dt.date | None:
    """generate's last day: --end-date, or --as-of (the same day by another name)."""
    if args.as_of and args.end_date and args.as_of != args.end_date:
        raise WarehouseError(
            f"--as-of {args.as_of} and --end-date {args.end_date} disagree: give one"
        )
    return args.end_date or args.as_of


def _existing_raw_tables(settings: Settings, schema: str) -> list[str]:
    """The tables of `schema` that generate would replace (before it writes anything)."""
    from .generator import SCHEMA

    if settings.target == "duckdb" and not os.path.exists(settings.duckdb_path):
        return []
    if settings.target == "spark":
        from .spark import spark_session

        spark = spark_session()
        if not spark.catalog.databaseExists(schema):
            return []
        present = {table.name for table in spark.catalog.listTables(schema)}
        return [name for name in SCHEMA if name in present]
    _, rows = settings.query(
        "select table_name from information_schema.tables where table_schema = %s",
        (schema,),
    )
    present = {row[0] for row in rows}
    return [name for name in SCHEMA if name in present]


# --- growth accounting and retention ---------------------------------------------------


def cmd_growth(args, settings: Settings) -> int:
    rows = api.get_growth_accounting(args.period, args.last, settings, as_of=args.as_of)
    if not rows:
        raise WarehouseError("fct_growth_accounting is empty: run `activity-metrics build` first")
    if args.json:
        print(json.dumps([{k: _jsonable(v) for k, v in r.items()} for r in rows], indent=2))
        return 0
    label = {"day": "day", "week": "ISO week (Mon-Sun)", "month": "calendar month"}[args.period]
    active = {"day": "DAU", "week": "wk actives", "month": "mo actives"}[args.period]
    print(f"Growth accounting per {label}: new is first activity ever, never signup")
    if args.period != "day":
        rolling = "WAU (7 days)" if args.period == "week" else "MAU (30 days)"
        print(f"  {active}: active on any day of the calendar {args.period},", end=" ")
        print(f"not the rolling {rolling}")
    print(
        f"  {'period':<12} {active:>10} {'new':>8} {'retained':>9} {'resurrected':>12}"
        f" {'churned':>9} {'quick ratio':>12}"
    )
    for r in rows:
        ratio = "-" if r["quick_ratio"] is None else f"{r['quick_ratio']:.2f}"
        mark = "" if r["is_complete"] else "  (in progress)"
        print(
            f"  {r['period_start']!s:<12} {r['active_users']:>10,} {r['new_users']:>8,}"
            f" {r['retained_users']:>9,} {r['resurrected_users']:>12,}"
            f" {r['churned_users']:>9,} {ratio:>12}{mark}"
        )
    return 0


def cmd_engagement(args, settings: Settings) -> int:
    engagement = api.get_engagement(args.as_of, settings)
    if args.json:
        print(json.dumps(_jsonable(engagement), indent=2))
        return 0
    print(f"How many days people are active, as of {engagement['as_of_date']}")
    for window_days, users in engagement["curve"].items():
        print(f"\n  active days in the {window_days} days ending on it ({sum(users):,} users):")
        _print_histogram(users)
    for period_type, period in engagement["stickiness"].items():
        state = "complete" if period["is_complete"] else "in progress, counted so far"
        print(
            f"\n  active days in the {'ISO week' if period_type == 'week' else 'month'} "
            f"{period['period_start']} to {period['period_end']} ({state}, "
            f"{sum(period['users']):,} users):"
        )
        _print_histogram(period["users"])
    return 0


def cmd_revisions(args, settings: Settings) -> int:
    rows = api.get_revisions(args.since, settings)
    if args.json:
        print(json.dumps([{k: _jsonable(v) for k, v in r.items()} for r in rows], indent=2))
        return 0
    since = f" by the builds since {args.since}" if args.since else ""
    if not rows:
        print(f"No published day was revised{since}: every figure is as first reported.")
        return 0
    restated = sum(r["is_restatement"] for r in rows)
    print(
        f"Revisions of published days{since}: {len(rows)} ({restated} restatements of closed "
        "days, marked *)"
    )
    print(f"  {'day':<12} rev  {'as of':<11} {'DAU':>17} {'WAU':>17} {'MAU':>17}  first reported")
    for r in rows:
        moves = [f"{r[f'{m}_before']:>7,} → {r[f'{m}_after']:<7,}" for m in ("dau", "wau", "mau")]
        mark = "*" if r["is_restatement"] else " "
        print(
            f"{mark} {r['date_day']!s:<12} {r['revision']:>3}  {r['published_as_of_date']!s:<11} "
            f"{' '.join(moves)}  DAU {r['first_reported_dau']:,}, now {r['dau_after']:,}"
        )
    return 0


def _print_restatements(settings: Settings, indent: str) -> None:
    rows = [r for r in api.get_revisions(None, settings) if r["is_restatement"]]
    for r in rows[:10]:
        print(
            f"{indent}{r['date_day']}: DAU {r['dau_before']:,} -> {r['dau_after']:,}, WAU "
            f"{r['wau_before']:,} -> {r['wau_after']:,}, MAU {r['mau_before']:,} -> "
            f"{r['mau_after']:,} (build as of {r['published_as_of_date']})"
        )
    if len(rows) > 10:
        print(f"{indent}... and {len(rows) - 10} more: activity-metrics revisions")


MONITORS = {
    "source_counted_rows": "counted rows of",
    "source_loaded_rows": "loaded rows of",
    "dau": "DAU of",
    "dau_by_activity_category": "DAU of category",
}


def _print_anomalies(settings: Settings, indent: str) -> None:
    """The flagged days under test, one line per series: its days, and each day's
    value against its expected range."""
    by_series: dict[tuple[str, str], list[dict]] = {}
    for row in api.get_anomalies(True, settings):
        by_series.setdefault((row["monitor_name"], row["series_name"]), []).append(row)
    for (monitor, series), rows in by_series.items():
        days = ", ".join(
            f"{r['date_day']} {r['observed']:,} (expected {r['expected']:,.0f}, range "
            f"{r['lower_bound']:,.0f} to {r['upper_bound']:,.0f})"
            for r in rows
        )
        name = "all users" if monitor == "dau" else series
        print(f"{indent}{MONITORS.get(monitor, monitor)} {name}: {days}")


def _print_histogram(users: list[int], width: int = 40) -> None:
    """One line per k: a bar scaled to the largest bin, and the count."""
    top = max(users) or 1
    for k, count in enumerate(users, start=1):
        bar = "█" * round(count / top * width)
        print(f"  {k:>3} {bar:<{width}} {count:>9,}")


def _month(text: str) -> dt.date:
    try:
        return dt.datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a month (YYYY-MM): {text!r}") from None


def cmd_report(args, settings: Settings) -> int:
    from .report import read_pack, render_markdown
    from .report_html import render_html

    pack = read_pack(settings, args.month)
    page = render_html(pack) if args.format == "html" else render_markdown(pack)
    path = args.output or f"board-pack-{pack.month:%Y-%m}.{args.format}"
    if path == "-":
        sys.stdout.write(page)
        return 0
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(page)
    state = "complete" if pack.is_complete else f"incomplete, through {pack.as_of}"
    print(
        f"wrote {path}: {pack.month:%B %Y} ({state}), {len(pack.revisions)} revisions since "
        f"the previous pack, {len(pack.anomalies)} anomalies under test"
    )
    return 0


def cmd_cohorts(args, settings: Settings) -> int:
    rows = api.get_retention_cohorts(settings, as_of=args.as_of)
    if not rows:
        raise WarehouseError("fct_retention_cohorts is empty: run `activity-metrics build` first")
    if args.json:
        print(json.dumps([{k: _jsonable(v) for k, v in r.items()} for r in rows], indent=2))
        return 0
    cohorts: dict = {}
    for r in rows:
        cohorts.setdefault(r["cohort_month"], (r["cohort_users"], {}))[1][
            r["months_since_first"]
        ] = r["retention_pct"]
    width = max(len(by_month) for _, by_month in cohorts.values())
    shown = min(width, 12)
    print("Monthly retention: share of each cohort (first active month) active k months later")
    print(f"  {'cohort':<8} {'users':>7} " + " ".join(f"{f'+{k}':>5}" for k in range(shown)))
    in_progress = {
        (r["cohort_month"], r["months_since_first"]) for r in rows if not r["is_complete"]
    }

    def cell(cohort, k, by_month):
        if k not in by_month:
            return " " * 5
        return f"{by_month[k] * 100:>3.0f}%" + ("*" if (cohort, k) in in_progress else " ")

    for cohort, (size, by_month) in cohorts.items():
        cells = " ".join(cell(cohort, k, by_month) for k in range(shown))
        print(f"  {cohort.strftime('%Y-%m'):<8} {size:>7,} {cells}")
    if in_progress:
        print("  * the month is in progress (its share can still grow)")
    if width > shown:
        print(f"  (first {shown} months shown; --json has all {width})")
    return 0


# --- parser ---------------------------------------------------------------------------


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("activity-metrics")
    except PackageNotFoundError:
        return "unknown (not installed)"


def cmd_bench(args, settings: Settings) -> int:
    from .benchmarks import run
    from .warehouse import checked_project_dir

    checked_project_dir()
    return run(args)


def _command(sub, name: str, summary: str, description: str, examples: list[str], **kw):
    """A subcommand with a one-line summary (in `activity-metrics --help`), a description
    and examples (in `activity-metrics <command> --help`)."""
    return sub.add_parser(
        name,
        help=summary,
        description=f"{summary[0].upper()}{summary[1:]}.\n\n{description}",
        epilog="examples:\n" + "\n".join(f"  activity-metrics {e}" for e in examples),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        **kw,
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="activity-metrics",
        description=__doc__,
        epilog="`activity-metrics <command> --help` describes a command, with examples.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--target",
        choices=list(TARGETS),
        default=None,
        help="warehouse (default: $ACTIVITY_TARGET or duckdb)",
    )
    common.add_argument(
        "--project-dir",
        default=None,
        metavar="DIR",
        help="the dbt project (default: $ACTIVITY_PROJECT_DIR, else the repository the "
        "package was installed from)",
    )

    def as_of(default: str) -> argparse.ArgumentParser:
        """--as-of with what it defaults to for the command (a reader reads the
        warehouse's as-of date; a build counts through yesterday)."""
        parent = argparse.ArgumentParser(add_help=False)
        parent.add_argument("--as-of", type=_date, default=None, metavar="YYYY-MM-DD", help=default)
        return parent

    reader = [common, as_of("as-of date (default: the warehouse's, from its last build)")]
    builder = [
        common,
        as_of(
            "last day counted (default: yesterday in the reporting zone, "
            "var activity__timezone; a day in the future is refused)"
        ),
    ]
    json_help = "machine-readable output (JSON on stdout)"
    sub = parser.add_subparsers(dest="command", metavar="<command>")

    show = _command(
        sub,
        "show",
        "DAU, WAU and MAU as of the as-of date",
        "Rolling windows ending on the as-of date (7 and 30 days, not calendar weeks or\n"
        "months), with shares of all users, the change against 7 and 28 days earlier,\n"
        "stickiness, and a sparkline of the last 90 days. The default command.",
        ["show", "show --detailed", "show --json", "show --as-of 2026-06-30 --target postgres"],
        parents=reader,
    )
    show.add_argument("--json", action="store_true", help=json_help)
    show.add_argument(
        "--detailed",
        action="store_true",
        help="also by category, source, account type, new vs returning, recency",
    )
    show.add_argument(
        "--no-chart", action="store_true", help="leave out the sparkline of the last 90 days"
    )
    show.set_defaults(func=cmd_show)

    series = _command(
        sub,
        "series",
        "the daily series (DAU, WAU, MAU, total users, shares, stickiness) over a period",
        "Rows of fct_active_users_daily, one per day: a table in the terminal, or CSV or\n"
        "JSON for a spreadsheet or a script. Default: the 90 days ending on the as-of date.",
        [
            "series",
            "series --from 2026-01-01 --to 2026-03-31 --csv > q1.csv",
            "series --all --json",
            "series --by activity_category --from 2026-01-01 --csv",
        ],
        parents=reader,
    )
    series.add_argument(
        "--by",
        choices=api.SEGMENT_DIMENSIONS,
        help="DAU, WAU and MAU per value of a segment dimension (the breakdown mart)",
    )
    series.add_argument(
        "--from",
        dest="from_",
        type=_date,
        metavar="YYYY-MM-DD",
        help="first day (default: 89 days before --to)",
    )
    series.add_argument(
        "--to", type=_date, metavar="YYYY-MM-DD", help="last day (default: the as-of date)"
    )
    series.add_argument("--all", action="store_true", help="every day from the first")
    output = series.add_mutually_exclusive_group()
    output.add_argument("--csv", action="store_true", help="CSV on stdout, with a header")
    output.add_argument("--json", action="store_true", help=json_help)
    series.set_defaults(func=cmd_series)

    compare = _command(
        sub,
        "compare-methods",
        "old method vs touch log vs published",
        "DAU/WAU/MAU of the transactional tables alone (the old method), of the touch log\n"
        "alone, and published (every source), with users seen by one source only and a\n"
        "reading. Exit 1 when the published series is frozen (events it has not taken\n"
        "in) or stale on a day (below a method).",
        ["compare-methods", "compare-methods --days 90 --json"],
        parents=reader,
    )
    compare.add_argument(
        "--days", type=_positive, default=30, help="period length in days (default 30)"
    )
    compare.add_argument("--json", action="store_true", help=json_help)
    compare.set_defaults(func=cmd_compare_methods)

    validate = _command(
        sub,
        "validate",
        "coverage and consistency checks; exit 0 healthy, 1 failing, 2 usage error",
        "Runs every data test, the full-history reconciliations included (the weekly\n"
        "validation), and prints the app's tracking coverage, failures with what they\n"
        "check, unclassified touch types, and the backfill that repairs unread rows.",
        ["validate", "validate --json | jq .healthy"],
        parents=[
            common,
            as_of("the day the checks judge (default: yesterday in the reporting zone)"),
        ],
    )
    validate.add_argument("--json", action="store_true", help=json_help)
    validate.set_defaults(func=cmd_validate)

    growth = _command(
        sub,
        "growth",
        "new, retained, resurrected and churned users per period (fct_growth_accounting)",
        "Growth accounting per day, ISO week or calendar month: new is first activity\n"
        "ever (never signup), with the quick ratio (new + resurrected) / churned.",
        ["growth", "growth --period month --last 6", "growth --period day --json"],
        parents=reader,
    )
    growth.add_argument(
        "--period",
        choices=["day", "week", "month"],
        default="week",
        help="period kind (default: week)",
    )
    growth.add_argument(
        "--last", type=_positive, default=12, help="how many periods, latest last (default 12)"
    )
    growth.add_argument("--json", action="store_true", help=json_help)
    growth.set_defaults(func=cmd_growth)

    engagement = _command(
        sub,
        "engagement",
        "the power-user curve and this week's and month's stickiness",
        "Users by how many days they were active: in the 7 and 30 days ending on the\n"
        "as-of date (fct_active_days_distribution_daily), and in the ISO week and the\n"
        "calendar month that hold it (fct_stickiness), as terminal histograms.",
        ["engagement", "engagement --as-of 2026-06-30 --json"],
        parents=reader,
    )
    engagement.add_argument("--json", action="store_true", help=json_help)
    engagement.set_defaults(func=cmd_engagement)

    revisions = _command(
        sub,
        "revisions",
        "what changed in published figures, by how much, when",
        "Every revision of a published day after its first (the revisions ledger,\n"
        "fct_active_users_daily_revisions, read through mon_restatements): DAU, WAU and\n"
        "MAU before and after, as first reported, and the as-of date of the build that\n"
        "revised it; restatements of closed days (activity__closed_after_days) above\n"
        "activity__restatement_threshold_pct are marked *.",
        ["revisions", "revisions --since 2026-11-01 --json"],
        parents=reader,
    )
    revisions.add_argument(
        "--since", type=_date, metavar="YYYY-MM-DD", help="only revisions published since then"
    )
    revisions.add_argument("--json", action="store_true", help=json_help)
    revisions.set_defaults(func=cmd_revisions)

    cohorts = _command(
        sub,
        "cohorts",
        "monthly retention triangle (fct_retention_cohorts)",
        "Share of each cohort (users by the month of their first activity) active k\nmonths later.",
        ["cohorts", "cohorts --json"],
        parents=reader,
    )
    cohorts.add_argument("--json", action="store_true", help=json_help)
    cohorts.set_defaults(func=cmd_cohorts)

    report = _command(
        sub,
        "report",
        "the board pack: one self-contained page of a month's figures",
        "DAU, WAU, MAU and stickiness over 12 months, the month's growth accounting and\n"
        "quick ratio, the retention triangle, coverage and anomaly status, every revision\n"
        "since the previous pack, a footnote per definition. HTML with its charts inline\n"
        "(no script, style or font from elsewhere: it opens from an email attachment), or\n"
        "Markdown. Default month: the last complete one; the current month is marked\n"
        "incomplete.",
        ["report", "report --month 2026-10 --output october.html", "report --format md --output -"],
        parents=[common],
    )
    report.add_argument(
        "--month", type=_month, default=None, metavar="YYYY-MM", help="default: the last complete"
    )
    report.add_argument(
        "--output",
        default=None,
        metavar="FILE",
        help="default: board-pack-YYYY-MM.<format>; - for stdout",
    )
    report.add_argument("--format", choices=("html", "md"), default="html")
    report.set_defaults(func=cmd_report)

    build = _command(
        sub,
        "build",
        "the nightly dbt build (seed included)",
        "What a plain `dbt build` runs (the default selector, nightly), with a progress\n"
        "bar, one run at a time per warehouse (exit 75 when another holds it), and a\n"
        "summary that names what failed or warned.",
        ["build", "build --target postgres", "build --full-refresh"],
        parents=builder,
    )
    build.add_argument(
        "--full-refresh",
        action="store_true",
        help="rebuild the incremental models from scratch (after replacing the raw data)",
    )
    build.set_defaults(func=cmd_build)

    backfill = _command(
        sub,
        "backfill",
        "rebuild the incremental models for a period",
        "Reads every raw row of the period again (rows a nightly could not see: old ids\n"
        "from a restored replica, a newly classified touch type) and prints the days whose\n"
        "figures changed.",
        ["backfill --days 5", "backfill --start 2026-01-01 --end 2026-03-31"],
        parents=builder,
    )
    backfill.add_argument(
        "--days", type=_positive, default=365, help="the N days ending on the as-of date"
    )
    backfill.add_argument(
        "--start", type=_date, default=None, metavar="YYYY-MM-DD", help="first day"
    )
    backfill.add_argument("--end", type=_date, default=None, metavar="YYYY-MM-DD", help="last day")
    backfill.set_defaults(func=cmd_backfill)

    bench = _command(
        sub,
        "bench",
        "benchmarks side by side, medians; writes BENCHMARKS.md",
        "Times the project's models against their contenders (the floor, the naive MAU,\n"
        "MetricFlow's spine join, the old union, naive growth accounting), alternating\n"
        "them, on generated datasets of a size; prints ratios measured in the same run.\n"
        "Needs the dbt project (--project-dir): it reads the models' compiled SQL.",
        ["bench --size S", "bench --size XS --target duckdb --parts full,rolling"],
    )
    bench.add_argument(
        "--project-dir",
        default=None,
        metavar="DIR",
        help="the dbt project (default: $ACTIVITY_PROJECT_DIR, else the repository the "
        "package was installed from)",
    )
    from .benchmarks import add_arguments as add_bench_arguments

    add_bench_arguments(bench)
    bench.set_defaults(func=cmd_bench)
    gen = _command(
        sub,
        "generate",
        "write synthetic raw data (the app's tables and touch log)",
        "Seeded demo data with dirty rows of every kind the contract names. Refuses to\n"
        "overwrite tables that exist in the schema unless --replace is given.",
        [
            "generate --users 20000 --days 365",
            "generate --target postgres --schema app_demo --replace",
        ],
        parents=[
            common,
            as_of("the same as --end-date (the last day of data)"),
        ],
    )
    gen.add_argument("--users", type=_positive, default=20_000, help="users (default 20,000)")
    gen.add_argument("--days", type=_positive, default=365, help="days of history (default 365)")
    gen.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    gen.add_argument(
        "--end-date",
        type=_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="last day of data (default: yesterday, UTC)",
    )
    gen.add_argument(
        "--dirty-rate",
        type=float,
        default=0.005,
        help="share of dirty rows per table, 0 to 1 (default 0.005)",
    )
    gen.add_argument(
        "--schema",
        default=os.environ.get("ACTIVITY_SOURCE_SCHEMA", "app"),
        help="raw schema (default $ACTIVITY_SOURCE_SCHEMA or app)",
    )
    gen.add_argument(
        "--replace",
        action="store_true",
        help="replace the tables the schema already has (their rows are deleted)",
    )
    gen.set_defaults(func=cmd_generate)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version")):
        argv = ["show", *argv]
    try:  # shell completion: eval "$(register-python-argcomplete activity-metrics)"
        import argcomplete

        argcomplete.autocomplete(parser)
    except ImportError:
        pass
    args = parser.parse_args(argv)
    if getattr(args, "project_dir", None):
        os.environ["ACTIVITY_PROJECT_DIR"] = os.path.abspath(args.project_dir)
    try:
        if getattr(args, "project_dir", None):  # a directory given is checked first
            from .warehouse import checked_project_dir

            checked_project_dir()
        settings = Settings.from_env(getattr(args, "target", None))
        return args.func(args, settings)
    except RunLocked as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 75  # EX_TEMPFAIL: a scheduler may retry later
    except WarehouseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `activity-metrics cohorts | head`: the reader left, not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
