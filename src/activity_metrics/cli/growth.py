"""`activity-metrics growth / cohorts`."""

from __future__ import annotations

import json

from .. import api
from ..warehouse import Settings, WarehouseError
from .common import (
    _command,
    _jsonable,
    _positive,
)


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


def register(sub, options) -> None:
    growth = _command(
        sub,
        "growth",
        "new, retained, resurrected and churned users per period (fct_growth_accounting)",
        "Growth accounting per day, ISO week or calendar month: new is first activity\n"
        "ever (never signup), with the quick ratio (new + resurrected) / churned.",
        ["growth", "growth --period month --last 6", "growth --period day --json"],
        parents=options.reader,
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
    growth.add_argument("--json", action="store_true", help=options.json_help)
    growth.set_defaults(func=cmd_growth)
    cohorts = _command(
        sub,
        "cohorts",
        "monthly retention triangle (fct_retention_cohorts)",
        "Share of each cohort (users by the month of their first activity) active k\nmonths later.",
        ["cohorts", "cohorts --json"],
        parents=options.reader,
    )
    cohorts.add_argument("--json", action="store_true", help=options.json_help)
    cohorts.set_defaults(func=cmd_cohorts)
