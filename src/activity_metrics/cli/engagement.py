"""`activity-metrics engagement`."""

from __future__ import annotations

import json

from .. import api
from ..warehouse import Settings
from .common import (
    _command,
    _jsonable,
)


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


def _print_histogram(users: list[int], width: int = 40) -> None:
    """One line per k: a bar scaled to the largest bin, and the count."""
    top = max(users) or 1
    for k, count in enumerate(users, start=1):
        bar = "█" * round(count / top * width)
        print(f"  {k:>3} {bar:<{width}} {count:>9,}")


def register(sub, options) -> None:
    engagement = _command(
        sub,
        "engagement",
        "the power-user curve and this week's and month's stickiness",
        "Users by how many days they were active: in the 7 and 30 days ending on the\n"
        "as-of date (fct_active_days_distribution_daily), and in the ISO week and the\n"
        "calendar month that hold it (fct_stickiness), as terminal histograms.",
        ["engagement", "engagement --as-of 2026-06-30 --json"],
        parents=options.reader,
    )
    engagement.add_argument("--json", action="store_true", help=options.json_help)
    engagement.set_defaults(func=cmd_engagement)
