"""The benchmark runs end to end at the smoke size (no assertion on time anywhere): every
part but the nightly runs, on DuckDB. The engines share the bench's code but for the
connection; `make bench` runs every part on both engines (PostgreSQL's nightly runs with
timestamp indexes too)."""

from __future__ import annotations

import os
import subprocess
import sys


def bench(report, *args):
    command = [sys.executable, "-m", "activity_metrics.cli", "bench", "--size", "XS"]
    result = subprocess.run(
        [*command, "--runs", "1", *args, "--output", str(report)],
        capture_output=True,
        text=True,
        check=False,
        env=os.environ,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return report.read_text()


def test_bench_smoke(tmp_path):
    # every part but the nightly runs (test_incremental replays nights; the bench's nightly
    # part loads a second history, the costliest step at this size)
    text = bench(
        tmp_path / "duckdb.md",
        "--target",
        "duckdb",
        "--parts",
        "full,rolling,segments,growth,snapshot",
    )
    assert "### duckdb, size XS" in text
    for contender in (
        "full build",
        "floor",
        "sweep (ours)",
        "spine join",
        "growth models inside the full build",
        "growth accounting (ours)",
        "naive users x periods",
        "segments: sweep (ours)",
        "segments: DuckDB count(distinct) over range",
        "segments: MetricFlow grouped cumulative",
    ):
        assert contender in text, contender
    # the contenders computed the same numbers (an exactness check, not a timing)
    assert "Same numbers from both rolling methods: yes" in text
    assert "snapshot equals the union method: yes" in text
    assert "the naive MAU series equals the published MAU: not run" in text
    assert "naive growth accounting equals fct_growth_accounting: yes" in text
    assert "the segmented series equals DuckDB's native and MetricFlow's: yes" in text
