"""The benchmark runs end to end at the smoke size (no assertion on time anywhere)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import postgres_or_skip


@pytest.mark.postgres
def test_bench_smoke(tmp_path):
    postgres_or_skip()
    report = tmp_path / "BENCHMARKS.md"
    command = [sys.executable, "-m", "activity_metrics.cli", "bench", "--size", "XS"]
    result = subprocess.run(
        [*command, "--runs", "1", "--target", "both", "--output", str(report)],
        capture_output=True,
        text=True,
        check=False,
        env=os.environ,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    text = report.read_text()
    for engine in ("duckdb", "postgres"):
        assert f"### {engine}, size XS" in text
    for contender in (
        "full build",
        "floor",
        "sweep (ours)",
        "spine join",
        "nightly, 1y",
        "nightly, 4y",
        "naive MAU series",
        "growth models inside the full build",
        "growth accounting (ours)",
        "naive users x periods",
    ):
        assert text.count(contender) >= 2, contender
    # the contenders computed the same numbers (an exactness check, not a timing)
    assert text.count("Same numbers from both rolling methods: yes") == 2
    assert text.count("snapshot equals the union method: yes") == 2
    assert text.count("the naive MAU series equals the published MAU: yes") == 2
    assert text.count("naive growth accounting equals fct_growth_accounting: yes") == 2
    assert "nightly, 4y history, timestamp indexes" in text
