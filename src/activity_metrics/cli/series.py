"""`activity-metrics series`."""

from __future__ import annotations

import datetime as dt
import json
import sys

from .. import api
from ..warehouse import Settings, WarehouseError
from .common import (
    _command,
    _date,
    _jsonable,
    _pct,
)


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


def register(sub, options) -> None:
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
        parents=options.reader,
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
    output.add_argument("--json", action="store_true", help=options.json_help)
    series.set_defaults(func=cmd_series)
