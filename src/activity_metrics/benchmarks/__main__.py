"""The child process of one timed query: `python -m activity_metrics.benchmarks
--sql-worker SQL` (the bench starts it; run `activity-metrics bench` yourself)."""

import sys

from .runner import sql_worker

if __name__ == "__main__":
    if sys.argv[1:2] != ["--sql-worker"] or len(sys.argv) != 3:
        print("usage: activity-metrics bench (this module is its query worker)", file=sys.stderr)
        sys.exit(2)
    sql_worker(sys.argv[2])
