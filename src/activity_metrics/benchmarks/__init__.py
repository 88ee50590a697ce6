"""`activity-metrics bench`: speed measured side by side in one run, medians, written to
BENCHMARKS.md; never a timed unit test. It needs the dbt project (it times the project's
own models and reads their compiled SQL under `target/`): `--project-dir` or
$ACTIVITY_PROJECT_DIR, as every command.

- `suite`: the datasets, the parts (full build, rolling sweep, growth, nightly, snapshot),
  the report;
- `contenders`: the SQL each part measures the models against;
- `runner`: the timed child processes and the bench's scratch warehouses.
"""

from .suite import add_arguments, run

__all__ = ["add_arguments", "run"]
