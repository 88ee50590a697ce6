# PYTHON_ARGCOMPLETE_OK
"""`activity-metrics`: the numbers, comparisons, validation, builds and backfills of the
activity warehouse from a terminal.

It reads the published relations; it never recomputes a metric in Python.
Exit codes: 0 success (validate: healthy), 1 a check or dbt failed, 2 usage or
connection error, 75 another build holds the warehouse's run lock (try again later),
130 interrupted.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import NamedTuple

from ..warehouse import TARGETS, RunLocked, Settings, WarehouseError
from . import (
    bench,
    build,
    compare,
    engagement,
    generate,
    growth,
    report,
    revisions,
    series,
    show,
    validate,
)
from .common import _date, _version
from .growth import cmd_cohorts
from .show import _print_segments, sparkline

__all__ = ["_print_segments", "build_parser", "cmd_cohorts", "main", "sparkline"]

# every command's module, in the order `activity-metrics --help` lists them
COMMANDS = (
    show,
    series,
    compare,
    validate,
    growth,
    engagement,
    revisions,
    report,
    build,
    bench,
    generate,
)


class Options(NamedTuple):
    """The options the commands share, built once and passed to each command's
    `register`: the warehouse and project (every command), with the as-of date as a
    reader or a builder takes it, a factory for another as-of meaning, the --json help."""

    common: argparse.ArgumentParser
    reader: list
    builder: list
    as_of: object
    json_help: str


def shared_options() -> Options:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--target",
        choices=list(TARGETS),
        default=None,
        help="warehouse (default: $ACTIVITY_TARGET or duckdb)",
    )
    common.add_argument(
        "--project-dir",
        default=None,
        metavar="DIR",
        help="the dbt project (default: $ACTIVITY_PROJECT_DIR, else the repository the "
        "package was installed from)",
    )

    def as_of(default: str) -> argparse.ArgumentParser:
        """--as-of with what it defaults to for the command (a reader reads the
        warehouse's as-of date; a build counts through yesterday)."""
        parent = argparse.ArgumentParser(add_help=False)
        parent.add_argument("--as-of", type=_date, default=None, metavar="YYYY-MM-DD", help=default)
        return parent

    reader = [common, as_of("as-of date (default: the warehouse's, from its last build)")]
    builder = [
        common,
        as_of(
            "last day counted (default: yesterday in the reporting zone, "
            "var activity__timezone; a day in the future is refused)"
        ),
    ]
    return Options(common, reader, builder, as_of, "machine-readable output (JSON on stdout)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="activity-metrics",
        description=__doc__,
        epilog="`activity-metrics <command> --help` describes a command, with examples.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="<command>")
    options = shared_options()
    for module in COMMANDS:
        module.register(sub, options)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version")):
        argv = ["show", *argv]
    try:  # shell completion: eval "$(register-python-argcomplete activity-metrics)"
        import argcomplete

        argcomplete.autocomplete(parser)
    except ImportError:
        pass
    args = parser.parse_args(argv)
    if getattr(args, "project_dir", None):
        os.environ["ACTIVITY_PROJECT_DIR"] = os.path.abspath(args.project_dir)
    try:
        if getattr(args, "project_dir", None):  # a directory given is checked first
            from ..warehouse import checked_project_dir

            checked_project_dir()
        settings = Settings.from_env(getattr(args, "target", None))
        return args.func(args, settings)
    except RunLocked as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 75  # EX_TEMPFAIL: a scheduler may retry later
    except WarehouseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `activity-metrics cohorts | head`: the reader left, not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
