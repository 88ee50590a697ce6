"""What build, validate and the board pack print about a warning: the tests'
descriptions, the unclassified touch types, the restatements, the anomalies."""

from __future__ import annotations

import json
import os

from .. import api
from ..warehouse import Settings, WarehouseError


def _test_descriptions() -> dict[str, str]:
    """Each test's description (what it checks, what to do), from dbt's manifest."""
    from ..warehouse import dbt_target_dir

    try:
        with open(os.path.join(dbt_target_dir(), "manifest.json")) as fh:
            nodes = json.load(fh)["nodes"]
    except (OSError, ValueError, KeyError):
        return {}
    return {
        uid: node.get("description") or _generic_test_reading(node) for uid, node in nodes.items()
    }


def _generic_test_reading(node: dict) -> str:
    """What a generic test without a description checks, from its own metadata
    (`not_null` on fct_x.col, with its arguments)."""
    metadata = node.get("test_metadata") or {}
    if not metadata.get("name"):
        return ""
    relation = (node.get("attached_node") or "").split(".")[-1]
    column = node.get("column_name")
    where = f"{relation}.{column}" if column else relation
    arguments = {
        key: value
        for key, value in (metadata.get("kwargs") or {}).items()
        if key not in ("model", "column_name")
    }
    detail = f" ({', '.join(f'{key}: {value}' for key, value in arguments.items())})"
    return f"{metadata['name']} on {where or 'its relation'}{detail if arguments else ''}"


def _unclassified_event_types(settings: Settings) -> list[dict]:
    try:
        return api.read_relation(
            settings, "mon_unclassified_event_types", "order by row_count desc", ()
        )
    except WarehouseError:
        return []


def _print_unclassified(settings: Settings, indent: str) -> None:
    """The touch-log event types no row of the seed classifies, with their counts, and
    the file to edit (build and validate print the same)."""
    for row in _unclassified_event_types(settings)[:10]:
        print(
            f"{indent}{row['event_type']!s}: {row['row_count']:,} rows, {row['user_count']:,} users"
        )
    print(
        f"{indent}classify them in seeds/activity_event_types.csv, then "
        "`activity-metrics backfill` over the days they appeared"
    )


def _print_restatements(settings: Settings, indent: str) -> None:
    rows = [r for r in api.get_revisions(None, settings) if r["is_restatement"]]
    for r in rows[:10]:
        print(
            f"{indent}{r['date_day']}: DAU {r['dau_before']:,} -> {r['dau_after']:,}, WAU "
            f"{r['wau_before']:,} -> {r['wau_after']:,}, MAU {r['mau_before']:,} -> "
            f"{r['mau_after']:,} (build as of {r['published_as_of_date']})"
        )
    if len(rows) > 10:
        print(f"{indent}... and {len(rows) - 10} more: activity-metrics revisions")


MONITORS = {
    "source_counted_rows": "counted rows of",
    "source_loaded_rows": "loaded rows of",
    "dau": "DAU of",
    "dau_by_activity_category": "DAU of category",
}


def _print_anomalies(settings: Settings, indent: str) -> None:
    """The flagged days under test, one line per series: its days, and each day's
    value against its expected range."""
    by_series: dict[tuple[str, str], list[dict]] = {}
    for row in api.get_anomalies(True, settings):
        by_series.setdefault((row["monitor_name"], row["series_name"]), []).append(row)
    for (monitor, series), rows in by_series.items():
        days = ", ".join(
            f"{r['date_day']} {r['observed']:,} (expected {r['expected']:,.0f}, range "
            f"{r['lower_bound']:,.0f} to {r['upper_bound']:,.0f})"
            for r in rows
        )
        name = "all users" if monitor == "dau" else series
        print(f"{indent}{MONITORS.get(monitor, monitor)} {name}: {days}")
