"""`activity-metrics`: numbers, builds and data generation from a terminal.

It reads the published relations; it never recomputes a metric in Python.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys

from .warehouse import Settings, WarehouseError


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from exc


def _fmt_pct(value) -> str:
    return "n/a" if value is None else f"{float(value) * 100:.2f}%"


def cmd_generate(args, settings: Settings) -> int:
    from rich.progress import Progress

    from .generator import GeneratorConfig, generate, write_duckdb, write_postgres

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


def cmd_build(args, settings: Settings) -> int:
    from .dbt_runner import run_dbt

    dbt_vars = {"activity__as_of_date": args.as_of.isoformat()} if args.as_of else {}
    for command in (["seed"], ["build"]):
        result = run_dbt(command, settings.target, dbt_vars)
        if result.returncode != 0:
            print(
                f"error: dbt {command[0]} failed (exit {result.returncode}); see above",
                file=sys.stderr,
            )
            return 1
    return 0


def _relation(settings: Settings, name: str) -> str:
    return f"{settings.analytics_schema}.{name}"


def cmd_show(args, settings: Settings) -> int:
    if args.as_of:
        cols, rows = settings.query(
            f"select date_day as as_of_date, dau, wau, mau, total_users, dau_pct, wau_pct, "
            f"mau_pct, stickiness from {_relation(settings, 'fct_active_users_daily')} "
            "where date_day = %s",
            (args.as_of,),
        )
        if not rows:
            raise WarehouseError(f"{args.as_of} is outside the data of fct_active_users_daily")
    else:
        cols, rows = settings.query(
            "select as_of_date, dau, wau, mau, total_users, dau_pct, wau_pct, mau_pct, "
            f"stickiness from {_relation(settings, 'activity_metrics_current')}"
        )
    metrics = dict(zip(cols, rows[0], strict=True))
    as_of = metrics["as_of_date"]
    _, earlier = settings.query(
        f"select date_day, dau, wau, mau from {_relation(settings, 'fct_active_users_daily')} "
        "where date_day in (%s, %s)",
        (as_of - dt.timedelta(days=7), as_of - dt.timedelta(days=28)),
    )
    by_day = {row[0]: row[1:] for row in earlier}
    if args.json:
        out = {
            k: (
                v.isoformat() if isinstance(v, dt.date) else float(v) if isinstance(v, float) else v
            )
            for k, v in metrics.items()
        }
        for days in (7, 28):
            prev = by_day.get(as_of - dt.timedelta(days=days))
            out[f"change_{days}d"] = (
                None
                if prev is None
                else {m: metrics[m] - p for m, p in zip(("dau", "wau", "mau"), prev, strict=True)}
            )
        print(json.dumps(out, indent=2))
        return 0
    print(f"Activity as of {as_of} (rolling windows ending on that day)")
    for metric, label in (
        ("dau", "DAU (1 day)"),
        ("wau", "WAU (7 days)"),
        ("mau", "MAU (30 days)"),
    ):
        index = ("dau", "wau", "mau").index(metric)
        changes = [
            f"{metrics[metric] - by_day[as_of - dt.timedelta(days=days)][index]:+,} vs {days}d ago"
            for days in (7, 28)
            if as_of - dt.timedelta(days=days) in by_day
        ]
        print(
            f"  {label:<14} {metrics[metric]:>10,}  {_fmt_pct(metrics[metric + '_pct']):>8}"
            f" of users   {'; '.join(changes)}"
        )
    print(f"  {'total users':<14} {metrics['total_users'] or 0:>10,}")
    print(f"  {'stickiness':<14} {_fmt_pct(metrics['stickiness']):>10}  (DAU / MAU)")
    return 0


def cmd_validate(args, settings: Settings) -> int:
    from .dbt_runner import run_dbt

    dbt_vars = {"activity__as_of_date": args.as_of.isoformat()} if args.as_of else {}
    result = run_dbt(["test", "--warn-error"], settings.target, dbt_vars)
    if result.returncode != 0:
        print(
            "validation FAILED: see the failing tests above; the README's troubleshooting "
            "section says what each one means",
            file=sys.stderr,
        )
        return 1
    print("validation passed: every consistency and coverage check holds")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="activity-metrics", description=__doc__)
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
    show.set_defaults(func=cmd_show)

    gen = sub.add_parser("generate", parents=[common], help="write synthetic raw data")
    gen.add_argument("--users", type=int, default=20_000)
    gen.add_argument("--days", type=int, default=365)
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

    build = sub.add_parser("build", parents=[common], help="the nightly dbt seed + build")
    build.set_defaults(func=cmd_build)

    validate = sub.add_parser(
        "validate",
        parents=[common],
        help="run every check; exit 0 healthy, 1 failing, 2 usage error",
    )
    validate.set_defaults(func=cmd_validate)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help")):
        argv = ["show", *argv]
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env(args.target)
        return args.func(args, settings)
    except WarehouseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
