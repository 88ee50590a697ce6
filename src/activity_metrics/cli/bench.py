"""`activity-metrics bench`."""

from __future__ import annotations

from ..warehouse import Settings
from .common import (
    _command,
)


def cmd_bench(args, settings: Settings) -> int:
    from ..benchmarks import run
    from ..warehouse import checked_project_dir

    checked_project_dir()
    return run(args)


def register(sub, options) -> None:
    bench = _command(
        sub,
        "bench",
        "benchmarks side by side, medians; writes BENCHMARKS.md",
        "Times the project's models against their contenders (the floor, the naive MAU,\n"
        "MetricFlow's spine join, the old union, naive growth accounting), alternating\n"
        "them, on generated datasets of a size; prints ratios measured in the same run.\n"
        "Needs the dbt project (--project-dir): it reads the models' compiled SQL.",
        ["bench --size S", "bench --size XS --target duckdb --parts full,rolling"],
    )
    bench.add_argument(
        "--project-dir",
        default=None,
        metavar="DIR",
        help="the dbt project (default: $ACTIVITY_PROJECT_DIR, else the repository the "
        "package was installed from)",
    )
    from ..benchmarks import add_arguments as add_bench_arguments

    add_bench_arguments(bench)
    bench.set_defaults(func=cmd_bench)
