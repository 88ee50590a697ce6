"""`activity-metrics build / backfill`."""

from __future__ import annotations

import datetime as dt
import os
import sys
import time

from .. import api
from ..warehouse import BuildCopy, RunLock, Settings, WarehouseError
from .common import (
    METRICS,
    RUNBOOK,
    _command,
    _date,
    _positive,
)
from .generate import _existing_raw_tables
from .readings import (
    _print_anomalies,
    _print_restatements,
    _print_unclassified,
    _test_descriptions,
)


def _run_build(args, settings: Settings, extra_vars: dict | None = None, full_refresh=False):
    from ..dbt_runner import as_of_environment, run_dbt_with_progress

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
        from ..spark import check_java, check_pyspark, release_spark

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
    from ..generator import SCHEMA
    from ..warehouse import source_schema

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
    where = settings.engine.where()
    which = "none of the raw tables" if len(missing) == len(SCHEMA) else ", ".join(missing)
    raise WarehouseError(
        f"{named}: {where} has {which} there; point ACTIVITY_SOURCE_SCHEMA at the app's "
        "schema, or create demo data with `activity-metrics generate` (nothing was built)"
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
    from ..dbt_runner import read_test_roles

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


def register(sub, options) -> None:
    build = _command(
        sub,
        "build",
        "the nightly dbt build (seed included)",
        "What a plain `dbt build` runs (the default selector, nightly), with a progress\n"
        "bar, one run at a time per warehouse (exit 75 when another holds it), and a\n"
        "summary that names what failed or warned.",
        ["build", "build --target postgres", "build --full-refresh"],
        parents=options.builder,
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
        parents=options.builder,
    )
    backfill.add_argument(
        "--days", type=_positive, default=365, help="the N days ending on the as-of date"
    )
    backfill.add_argument(
        "--start", type=_date, default=None, metavar="YYYY-MM-DD", help="first day"
    )
    backfill.add_argument("--end", type=_date, default=None, metavar="YYYY-MM-DD", help="last day")
    backfill.set_defaults(func=cmd_backfill)
