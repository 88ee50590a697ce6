"""`activity-metrics validate`."""

from __future__ import annotations

import json
import re
import sys

from .. import api
from ..warehouse import Settings
from .common import (
    RUNBOOK,
    _command,
    _floats,
    _jsonable,
    _pct,
)
from .readings import (
    _print_anomalies,
    _print_restatements,
    _print_unclassified,
    _test_descriptions,
    _unclassified_event_types,
)


def _validation_json(validation, settings: Settings) -> dict:
    """What `validate --json` prints: the verdict, test counts, each problem with what
    it checks, the coverage checks, unclassified touch types and flagged days."""
    descriptions = _test_descriptions()
    return {
        "healthy": validation.is_healthy,
        "tests": {
            "passed": len(validation.passed),
            "failed": len(validation.failed),
            "warned": len(validation.warned),
        },
        "problems": [
            {
                "test": r["unique_id"].split(".")[2],
                "status": r["status"],
                "message": r.get("message"),
                "what_it_checks": " ".join(descriptions.get(r["unique_id"], "").split()),
            }
            for r in [*validation.failed, *validation.warned]
        ],
        "coverage": [_floats(check) for check in validation.coverage_checks],
        "unclassified_event_types": _unclassified_event_types(settings),
        "anomalies": [_floats(row) for row in api.get_anomalies(True, settings)],
    }


def cmd_validate(args, settings: Settings) -> int:
    if not args.json:
        print("running the consistency and coverage tests (dbt test) ...")
    validation = api.validate(settings, as_of=args.as_of)
    failed, warned, passed = validation.failed, validation.warned, validation.passed
    notices, checks, healthy = validation.notices, validation.coverage_checks, validation.is_healthy
    if args.json:
        print(json.dumps(_jsonable(_validation_json(validation, settings)), indent=2))
        return 0 if healthy else 1
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
        if validation.role(r) == "unclassified_types":
            _print_unclassified(settings, indent="         ")
        if validation.role(r) == "restatement":
            _print_restatements(settings, indent="         ")
        if validation.role(r) == "anomaly":
            _print_anomalies(settings, indent="         ")
    for r in failed:
        if validation.role(r) == "reconciliation":
            _print_unseen_rows(settings, r.get("relation_name") or "")
    if not healthy:
        print(
            f"validation FAILED: {len(failed)} consistency test(s), "
            f"{sum(not c['is_passing'] for c in checks)} coverage check(s); {RUNBOOK}",
            file=sys.stderr,
        )
        return 1
    print("validation passed: every consistency and coverage check holds")
    return 0


# a relation name as dbt renders it: two or three quoted or plain identifiers
_RELATION_NAME = re.compile(r'^(?:(?:"[^"]+"|`[^`]+`|\w+)\.){1,2}(?:"[^"]+"|`[^`]+`|\w+)$')


def _print_unseen_rows(settings: Settings, relation_name: str) -> None:
    """The days on which the raw tables hold rows the nightly runs never read (old ids
    below the high-water mark), and the backfill that repairs them: read from the failing
    rows dbt kept for the reconciliation test (its store_failures view, named in dbt's
    run results), never the test's SQL run again."""
    if not _RELATION_NAME.match(relation_name):
        return
    _, rows = settings.query(f"select * from {relation_name} order by 2, 1")
    days = sorted({row[1] for row in rows})
    print("\n  raw rows the nightly runs did not read (old ids: a restored or reloaded table):")
    for source_name, day, raw_rows, stored_rows in rows[:15]:
        print(f"    {day}  {source_name:<22} raw {raw_rows:,}  stored {stored_rows:,}")
    if len(rows) > 15:
        print(f"    ... and {len(rows) - 15} more")
    print(f"  repair: activity-metrics backfill --start {days[0]} --end {days[-1]}")


def register(sub, options) -> None:
    validate = _command(
        sub,
        "validate",
        "coverage and consistency checks; exit 0 healthy, 1 failing, 2 usage error",
        "Runs every data test, the full-history reconciliations included (the weekly\n"
        "validation), and prints the app's tracking coverage, failures with what they\n"
        "check, unclassified touch types, and the backfill that repairs unread rows.",
        ["validate", "validate --json | jq .healthy"],
        parents=[
            options.common,
            options.as_of("the day the checks judge (default: yesterday in the reporting zone)"),
        ],
    )
    validate.add_argument("--json", action="store_true", help=options.json_help)
    validate.set_defaults(func=cmd_validate)
