"""`activity-metrics generate`."""

from __future__ import annotations

import datetime as dt
import os

from ..warehouse import Settings, WarehouseError, identifier
from .common import _command, _date, _positive


def cmd_generate(args, settings: Settings) -> int:
    from rich.progress import Progress

    from ..generator import ArrowOneByOne, GeneratorConfig, generate

    identifier("--schema (or $ACTIVITY_SOURCE_SCHEMA)", args.schema)
    for option, value, low, high in (
        ("--users", args.users, 1, 10_000_000),
        ("--days", args.days, 1, 36_500),
        ("--dirty-rate", args.dirty_rate, 0.0, 1.0),
    ):
        if not low <= value <= high:
            raise WarehouseError(f"{option} {value} is out of range ({low} to {high:,})")
    where = _checked_destination(settings, args.schema, args.replace)
    config = GeneratorConfig(
        users=args.users,
        days=args.days,
        seed=args.seed,
        end_date=_end_date(args),
        dirty_rate=args.dirty_rate,
    )
    with Progress(transient=True) as progress:
        task = progress.add_task("generating", total=12)
        tables = ArrowOneByOne(generate(config))  # the only reference: freed as written
        progress.advance(task)

        def step(name, rows):
            progress.update(task, advance=1, description=f"loaded {name} ({rows:,} rows)")

        rows = settings.engine.write_tables(tables, args.schema, step)
    print(
        f"wrote {rows:,} raw rows for {args.users:,} users x {args.days} days "
        f"(seed {args.seed}, through {config.resolved_end_date()}) "
        f"into {where}"
    )
    return 0


def _checked_destination(settings: Settings, schema: str, replace: bool) -> str:
    """Where generate writes, said in words; refused when the schema has tables it
    would replace, unless `replace` (then it says which)."""
    existing = _existing_raw_tables(settings, schema)
    where = f"schema {schema} of {settings.engine.where()}"
    if existing and not replace:
        raise WarehouseError(
            f"{where} already has {len(existing)} of the tables generate writes "
            f"({', '.join(existing)}): it would delete their rows; add --replace to do so"
        )
    if existing:
        print(f"replacing {len(existing)} tables of {where}: {', '.join(existing)}")
    return where


def _end_date(args) -> dt.date | None:
    """generate's last day: --end-date, or --as-of (the same day by another name)."""
    if args.as_of and args.end_date and args.as_of != args.end_date:
        raise WarehouseError(
            f"--as-of {args.as_of} and --end-date {args.end_date} disagree: give one"
        )
    return args.end_date or args.as_of


def _existing_raw_tables(settings: Settings, schema: str) -> list[str]:
    """The tables of `schema` that generate would replace (before it writes anything)."""
    from ..generator import SCHEMA

    present = settings.engine.table_names(schema)
    return [name for name in SCHEMA if name in present]


def register(sub, options) -> None:
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
            options.common,
            options.as_of("the same as --end-date (the last day of data)"),
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
