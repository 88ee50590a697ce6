"""`activity-metrics`: the numbers, comparisons, validation, builds and backfills of the
activity warehouse from a terminal.

It reads the published relations; it never recomputes a metric in Python.
Exit codes: 0 success (validate: healthy), 1 a check or dbt failed, 2 usage or
connection error.
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
from .warehouse import RunLock, RunLocked, Settings, WarehouseError, identifier

METRICS = (("dau", "DAU (1 day)"), ("wau", "WAU (7 days)"), ("mau", "MAU (30 days)"))
RUNBOOK = "see 'Troubleshooting' in the README or the docs site"


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


def _dbt_vars(args) -> dict:
    return {"activity__as_of_date": args.as_of.isoformat()} if args.as_of else {}


# --- show -----------------------------------------------------------------------------


def cmd_show(args, settings: Settings) -> int:
    metrics = api.get_activity_metrics(args.as_of, settings)
    as_of = metrics["as_of_date"]
    earlier = {
        days: api.read_relation(
            settings,
            "fct_active_users_daily",
            "where date_day = %s",
            (as_of - dt.timedelta(days=days),),
        )
        for days in (7, 28)
    }
    changes = {
        f"change_{days}d": ({m: metrics[m] - rows[0][m] for m, _ in METRICS} if rows else None)
        for days, rows in earlier.items()
    }
    segments = []
    if args.detailed:
        if args.as_of and args.as_of != api.current_as_of(settings):
            raise WarehouseError(
                "--detailed is built for the warehouse's as-of date "
                f"({api.current_as_of(settings)}); rebuild with --as-of {args.as_of} first"
            )
        segments = api.read_relation(
            settings, "activity_segments_current", "order by dimension, segment"
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
    if args.detailed:
        _print_segments(segments)
    return 0


RECENCY_ORDER = ("0 days", "1-6", "7-29", "30-89", "90+", "never")


def _print_segments(segments: list[dict]) -> None:
    def order(row):
        if row["dimension"] != "recency":
            return (row["dimension"], 0, -(row["mau"] or 0))
        rank = [row["segment"].startswith(p) for p in RECENCY_ORDER].index(True)
        return (row["dimension"], rank, 0)

    dimension = None
    for row in sorted(segments, key=order):
        if row["dimension"] in ("all",):
            continue
        if row["dimension"] != dimension:
            dimension = row["dimension"]
            header = "users" if dimension == "recency" else "      DAU        WAU        MAU"
            print(f"\n  by {dimension.replace('_', ' ')}{'':<22}{header}")
        if dimension == "recency":
            print(f"    {row['segment']:<30} {row['user_count']:>8,}")
        else:
            print(f"    {row['segment']:<30} {row['dau']:>8,} {row['wau']:>10,} {row['mau']:>10,}")


# --- compare-methods ------------------------------------------------------------------


def _stamp(value: dt.datetime | None) -> str:
    return "nothing" if value is None else f"{value:%Y-%m-%d %H:%M} UTC"


def cmd_compare_methods(args, settings: Settings) -> int:
    as_of = args.as_of or api.current_as_of(settings)
    start = as_of - dt.timedelta(days=args.days - 1)
    rows = api.read_relation(
        settings,
        "activity_method_comparison",
        "where date_day between %s and %s order by date_day",
        (start, as_of),
    )
    if not rows:
        first, last = api.data_range(settings)
        raise WarehouseError(f"no comparison for {start}..{as_of}: the data covers {first}..{last}")
    last_row = rows[-1]
    stale_days = [row["date_day"] for row in rows if row["is_published_below_a_method"]]
    lag = api.series_lag(settings)
    touch_live = [row for row in rows if row["is_touch_log_live"]]
    only = {
        key[5:-6]: sum(row[key] for row in rows)
        for key in last_row
        if key.startswith("only_") and key.endswith("_users")
    }
    extra_vs_old = sum(row["combined_dau"] - row["transactional_dau"] for row in rows)
    # exit 1 when the published series is behind its events or below a method
    verdict = 1 if lag.is_behind or stale_days else 0
    if lag.is_behind:
        reading = (
            "the published series is FROZEN: activity events loaded at "
            f"{lag.events_loaded_at:%Y-%m-%d %H:%M} UTC are not in it (it applied events "
            f"through {_stamp(lag.series_applied_through)}); the last build stopped before "
            "the series: run `activity-metrics build`"
        )
    elif not stale_days and extra_vs_old > 0:
        reading = (
            "combined >= the old method every day: good, the touch log catches activity "
            f"the transactional tables miss ({extra_vs_old:,} user-days over the period)"
        )
    elif not stale_days:
        reading = "combined equals the old method: the touch log adds nothing (is it live?)"
    else:
        reading = (
            f"combined is BELOW a method on {len(stale_days)} day(s) (first {stale_days[0]}): "
            "the published series is stale; run `activity-metrics backfill` for that period"
        )
    if touch_live:
        missed = sum(row["combined_dau"] - row["touch_log_dau"] for row in touch_live)
        total = sum(row["combined_dau"] for row in touch_live)
        touch_note = (
            f"the touch log alone misses {missed:,} of {total:,} active user-days "
            f"({_pct(missed / total if total else None)}) since it went live"
        )
    else:
        touch_note = "the touch log has no data in this period"
    if args.json:
        print(
            json.dumps(
                _jsonable(
                    {
                        "period_start": start,
                        "period_end": as_of,
                        "as_of": last_row,
                        "stale_days": stale_days,
                        "is_series_behind_events": lag.is_behind,
                        "only_one_source_user_days": only,
                        "reading": reading,
                        "touch_log": touch_note,
                    }
                ),
                indent=2,
            )
        )
        return verdict
    print(f"Old method vs touch log vs published, {start} to {as_of} ({len(rows)} days)")
    print(f"\n  on {last_row['date_day']}{'':<8}published  old method  touch log")
    for metric, label in METRICS:
        print(
            f"  {label:<16} {last_row[f'combined_{metric}']:>10,} "
            f"{last_row[f'transactional_{metric}']:>11,} {last_row[f'touch_log_{metric}']:>10,}"
        )
    print("\n  user-days seen by one source only, over the period:")
    for source, count in sorted(only.items(), key=lambda item: -item[1]):
        print(f"    {source:<24} {count:>8,}")
    print(f"\n  reading: {reading}")
    print(f"  {touch_note}")
    return verdict


# --- validate -------------------------------------------------------------------------


def cmd_validate(args, settings: Settings) -> int:
    from .dbt_runner import read_run_results, run_dbt

    print("running the consistency and coverage tests (dbt test) ...")
    # the weekly selection: every data test, the full-history reconciliations included
    result = run_dbt(
        ["test", "--selector", "validation", "--no-use-colors"],
        settings.target,
        _dbt_vars(args),
        capture=True,
    )
    results = read_run_results()
    if not results:
        tail = "\n".join((result.stdout or "").splitlines()[-15:])
        raise WarehouseError(f"dbt test could not run:\n{tail}")
    failed = [r for r in results if r["status"] in ("fail", "error")]
    warned = [r for r in results if r["status"] == "warn"]
    coverage_warnings = [r for r in warned if "tracking_coverage" in r["unique_id"]]
    notices = [r for r in warned if r not in coverage_warnings]
    passed = [r for r in results if r["status"] == "pass"]
    checks = api.read_relation(settings, "activity_tracking_coverage", "order by check_name")
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
        if "unclassified" in r["unique_id"]:
            print(
                "         classify them in seeds/activity_event_types.csv "
                "(see the model activity_unclassified_event_types)"
            )
    for r in failed:
        if r["unique_id"].split(".")[2] == "assert_activity_events_match_raw_tables":
            _print_unseen_rows(settings, r.get("compiled_code") or "")
    if failed or coverage_warnings:
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
    from .dbt_runner import run_dbt_with_progress

    dbt_vars = {**_dbt_vars(args), **(extra_vars or {})}
    started = time.monotonic()
    results: list[dict] = []
    with RunLock(settings) as lock:  # one nightly run at a time per warehouse
        # `nightly` is dbt's default selector too (selectors.yml): plain `dbt build` runs it
        for command, label in ((["seed"], "seeds"), (["build", "--selector", "nightly"], "build")):
            if full_refresh:
                command = [*command, "--full-refresh"]
            code, results = run_dbt_with_progress(
                command, settings.target, dbt_vars, label, env=lock.env
            )
            if code != 0:
                if results:
                    _summarise(results, time.monotonic() - started, settings)
                print(f"error: dbt {command[0]} failed (exit {code}); {RUNBOOK}", file=sys.stderr)
                return 1
    _summarise(results, time.monotonic() - started, settings)
    return 0


def _test_descriptions() -> dict[str, str]:
    """Each test's description (what it checks, what to do), from dbt's manifest."""
    from .warehouse import PROJECT_DIR

    try:
        with open(os.path.join(PROJECT_DIR, "target", "manifest.json")) as fh:
            nodes = json.load(fh)["nodes"]
    except (OSError, ValueError, KeyError):
        return {}
    return {uid: node.get("description") or "" for uid, node in nodes.items()}


def _unclassified_event_types(settings: Settings) -> list[dict]:
    try:
        return api.read_relation(
            settings, "activity_unclassified_event_types", "order by row_count desc", ()
        )
    except WarehouseError:
        return []


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
    descriptions = None
    for r in results:
        if r["status"] not in ("fail", "error", "warn"):
            continue
        name = r["unique_id"].split(".")[2]
        print(f"  {r['status'].upper()} {name}: {r.get('message')}")
        if name == "no_unclassified_event_types" and settings is not None:
            for row in _unclassified_event_types(settings)[:10]:
                print(
                    f"    {row['event_type']!s}: {row['row_count']:,} rows, "
                    f"{row['user_count']:,} users"
                )
            print(
                "    classify them in seeds/activity_event_types.csv, then "
                "`activity-metrics backfill` over the days they appeared"
            )
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
        start = end - dt.timedelta(days=args.days - 1)
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
    config = GeneratorConfig(
        users=args.users,
        days=args.days,
        seed=args.seed,
        end_date=args.end_date,
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
        else:
            conn = settings.connect_postgres()
            try:
                rows = write_postgres(tables, conn, args.schema, step)
            finally:
                conn.close()
    print(
        f"wrote {rows:,} raw rows for {args.users:,} users x {args.days} days "
        f"(seed {args.seed}, through {config.resolved_end_date()}) "
        f"into {settings.target} schema {args.schema}"
    )
    return 0


# --- growth accounting and retention ---------------------------------------------------


def cmd_growth(args, settings: Settings) -> int:
    rows = api.get_growth_accounting(args.period, args.last, settings)
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


def cmd_cohorts(args, settings: Settings) -> int:
    rows = api.get_retention_cohorts(settings)
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
    for cohort, (size, by_month) in cohorts.items():
        cells = " ".join(
            f"{by_month[k] * 100:>4.0f}%" if k in by_month else " " * 5 for k in range(shown)
        )
        print(f"  {cohort.strftime('%Y-%m'):<8} {size:>7,} {cells}")
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="activity-metrics",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--target",
        choices=["duckdb", "postgres"],
        default=None,
        help="warehouse (default: $ACTIVITY_TARGET or duckdb)",
    )
    common.add_argument("--as-of", type=_date, default=None, help="as-of date (YYYY-MM-DD)")
    sub = parser.add_subparsers(dest="command")

    show = sub.add_parser("show", parents=[common], help="DAU/WAU/MAU as of the as-of date")
    show.add_argument("--json", action="store_true", help="machine-readable output")
    show.add_argument(
        "--detailed",
        action="store_true",
        help="by category, source, account type, new vs returning, recency",
    )
    show.set_defaults(func=cmd_show)

    compare = sub.add_parser(
        "compare-methods", parents=[common], help="old method vs touch log vs published"
    )
    compare.add_argument("--days", type=_positive, default=30, help="period length (default 30)")
    compare.add_argument("--json", action="store_true", help="machine-readable output")
    compare.set_defaults(func=cmd_compare_methods)

    validate = sub.add_parser(
        "validate",
        parents=[common],
        help="coverage and consistency checks; exit 0 healthy, 1 failing, 2 usage error",
    )
    validate.set_defaults(func=cmd_validate)

    growth = sub.add_parser(
        "growth",
        parents=[common],
        help="new, retained, resurrected and churned users per period (fct_growth_accounting)",
    )
    growth.add_argument(
        "--period", choices=["day", "week", "month"], default="week", help="default: week"
    )
    growth.add_argument("--last", type=_positive, default=12, help="periods shown (default 12)")
    growth.add_argument("--json", action="store_true", help="machine-readable output")
    growth.set_defaults(func=cmd_growth)

    cohorts = sub.add_parser(
        "cohorts", parents=[common], help="monthly retention triangle (fct_retention_cohorts)"
    )
    cohorts.add_argument("--json", action="store_true", help="machine-readable output")
    cohorts.set_defaults(func=cmd_cohorts)

    build = sub.add_parser("build", parents=[common], help="the nightly dbt seed + build")
    build.add_argument(
        "--full-refresh", action="store_true", help="rebuild the incremental models from scratch"
    )
    build.set_defaults(func=cmd_build)

    backfill = sub.add_parser(
        "backfill", parents=[common], help="rebuild the incremental models for a period"
    )
    backfill.add_argument(
        "--days", type=_positive, default=365, help="the N days ending on the as-of date"
    )
    backfill.add_argument("--start", type=_date, default=None, help="first day (YYYY-MM-DD)")
    backfill.add_argument("--end", type=_date, default=None, help="last day (YYYY-MM-DD)")
    backfill.set_defaults(func=cmd_backfill)

    sub.add_parser(
        "bench",
        add_help=False,
        help="benchmarks side by side, medians; writes BENCHMARKS.md (bench --help)",
    )
    gen = sub.add_parser("generate", parents=[common], help="write synthetic raw data")
    gen.add_argument("--users", type=_positive, default=20_000)
    gen.add_argument("--days", type=_positive, default=365)
    gen.add_argument("--seed", type=int, default=42)
    gen.add_argument(
        "--end-date", type=_date, default=None, help="last day of data (default: yesterday, UTC)"
    )
    gen.add_argument("--dirty-rate", type=float, default=0.005)
    gen.add_argument(
        "--schema",
        default=os.environ.get("ACTIVITY_SOURCE_SCHEMA", "app"),
        help="raw schema (default $ACTIVITY_SOURCE_SCHEMA or app)",
    )
    gen.set_defaults(func=cmd_generate)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version")):
        argv = ["show", *argv]
    if argv[0] == "bench":  # its own options: `activity-metrics bench --help`
        from .bench import main as bench_main

        return bench_main(argv[1:])
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env(args.target)
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
