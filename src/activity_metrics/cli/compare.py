"""`activity-metrics compare-methods`."""

from __future__ import annotations

import datetime as dt
import json

from .. import api
from ..warehouse import Settings
from .common import (
    METRICS,
    _command,
    _jsonable,
    _pct,
    _positive,
)


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


def register(sub, options) -> None:
    compare = _command(
        sub,
        "compare-methods",
        "old method vs touch log vs published",
        "DAU/WAU/MAU of the transactional tables alone (the old method), of the touch log\n"
        "alone, and published (every source), with users seen by one source only and a\n"
        "reading. Exit 1 when the published series is frozen (events it has not taken\n"
        "in) or stale on a day (below a method).",
        ["compare-methods", "compare-methods --days 90 --json"],
        parents=options.reader,
    )
    compare.add_argument(
        "--days", type=_positive, default=30, help="period length in days (default 30)"
    )
    compare.add_argument("--json", action="store_true", help=options.json_help)
    compare.set_defaults(func=cmd_compare_methods)
