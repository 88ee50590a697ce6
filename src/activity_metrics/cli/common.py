"""What every command shares: argument types, output helpers, the options every
command takes (built once, passed to each command's `register`)."""

from __future__ import annotations

import argparse
import datetime as dt
from decimal import Decimal

METRICS = (("dau", "DAU (1 day)"), ("wau", "WAU (7 days)"), ("mau", "MAU (30 days)"))


RUNBOOK = "see 'Troubleshooting' in docs/monitoring.md or the docs site"


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from exc


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from exc
    if number < 1:
        raise argparse.ArgumentTypeError(f"{number} must be at least 1")
    return number


def _month(text: str) -> dt.date:
    try:
        return dt.datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a month (YYYY-MM): {text!r}") from None


def _pct(value) -> str:
    return "n/a" if value is None else f"{float(value) * 100:.2f}%"


def _jsonable(value):
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _floats(row: dict) -> dict:
    """A row with its decimals as floats (ratios stay ratios in JSON and CSV, even 1 or 0)."""
    return {k: float(v) if isinstance(v, Decimal) else v for k, v in row.items()}


def _command(sub, name: str, summary: str, description: str, examples: list[str], **kw):
    """A subcommand with a one-line summary (in `activity-metrics --help`), a description
    and examples (in `activity-metrics <command> --help`)."""
    return sub.add_parser(
        name,
        help=summary,
        description=f"{summary[0].upper()}{summary[1:]}.\n\n{description}",
        epilog="examples:\n" + "\n".join(f"  activity-metrics {e}" for e in examples),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        **kw,
    )


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("activity-metrics")
    except PackageNotFoundError:
        return "unknown (not installed)"
