"""`activity-metrics show`."""

from __future__ import annotations

import datetime as dt
import json

from .. import api
from ..warehouse import Settings, WarehouseError
from .common import (
    METRICS,
    _command,
    _jsonable,
    _pct,
)


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


def register(sub, options) -> None:
    show = _command(
        sub,
        "show",
        "DAU, WAU and MAU as of the as-of date",
        "Rolling windows ending on the as-of date (7 and 30 days, not calendar weeks or\n"
        "months), with shares of all users, the change against 7 and 28 days earlier,\n"
        "stickiness, and a sparkline of the last 90 days. The default command.",
        ["show", "show --detailed", "show --json", "show --as-of 2026-06-30 --target postgres"],
        parents=options.reader,
    )
    show.add_argument("--json", action="store_true", help=options.json_help)
    show.add_argument(
        "--detailed",
        action="store_true",
        help="also by category, source, account type, new vs returning, recency",
    )
    show.add_argument(
        "--no-chart", action="store_true", help="leave out the sparkline of the last 90 days"
    )
    show.set_defaults(func=cmd_show)
