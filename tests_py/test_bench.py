"""The benchmark runs end to end at the smoke size (no assertion on time anywhere): every
part but the nightly runs, on DuckDB. The engines share the bench's code but for the
connection; `make bench` runs every part on both engines (PostgreSQL's nightly runs with
timestamp indexes too)."""

from __future__ import annotations

import json
import os
import subprocess
import sys


def bench(report, *args):
    command = [sys.executable, "-m", "activity_metrics.cli", "bench", "--size", "XS"]
    result = subprocess.run(
        [*command, "--runs", "1", *args, "--output", str(report), "--curve", str(report.parent)],
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
    # the run's point joined the cost curve, drawn from its medians
    with open(tmp_path / "curve.json") as fh:
        point = json.load(fh)["duckdb XS"]
    assert point["raw_rows"] > 0 and point["seconds"]["full build"] > 0, point
    svg = (tmp_path / "curve.svg").read_text()
    assert svg.count("<polyline") == 1 and "duckdb: full build" in svg, svg[:2000]


def test_the_cost_curve_is_drawn_on_log_scales(tmp_path):
    """Three sizes of one engine: one line per series, the points left to right by raw
    rows and higher up the costlier (SVG's y grows downwards), each labelled."""
    import re

    from activity_metrics.benchmarks import curve

    points = {
        f"duckdb {size}": {
            "target": "duckdb",
            "size": size,
            "raw_rows": rows,
            "seconds": {"full build": full, "nightly, 1y history": nightly},
        }
        for size, rows, full, nightly in (
            ("L", 90_000_000, 600.0, 30.0),
            ("XS", 40_000, 20.0, 19.0),
            ("S", 600_000, 30.0, 20.0),
        )
    }
    curve.draw(points, str(tmp_path / "curve.svg"))
    svg = (tmp_path / "curve.svg").read_text()
    lines = re.findall(r'<polyline[^>]*points="([^"]+)"', svg)
    assert len(lines) == 2, svg
    for line in lines:
        xy = [tuple(map(float, pair.split(","))) for pair in line.split()]
        assert [x for x, _ in xy] == sorted(x for x, _ in xy) and len(xy) == 3, xy
        assert xy[0][1] > xy[2][1], xy  # L costs more than XS: drawn higher
    assert all(f">{size}</text>" in svg for size in ("XS", "S", "L")), svg
