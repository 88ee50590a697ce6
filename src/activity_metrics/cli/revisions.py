"""`activity-metrics revisions`."""

from __future__ import annotations

import json

from .. import api
from ..warehouse import Settings
from .common import (
    _command,
    _date,
    _jsonable,
)


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


def register(sub, options) -> None:
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
        parents=options.reader,
    )
    revisions.add_argument(
        "--since", type=_date, metavar="YYYY-MM-DD", help="only revisions published since then"
    )
    revisions.add_argument("--json", action="store_true", help=options.json_help)
    revisions.set_defaults(func=cmd_revisions)
