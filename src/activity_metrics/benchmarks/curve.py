"""The cost curve from XS to L: each bench run keeps its medians (full build, nightly)
per engine and size in curve.json, and the curve is drawn again from every kept point
as an SVG image (log-log: raw rows against seconds). Written by hand, no plotting
library: a few lines and labels."""

from __future__ import annotations

import json
import math
import os
from html import escape

# what the curve shows, of the contenders the bench times
SERIES = {"full build": "full build", "nightly, 1y history": "nightly after one day"}
COLOURS = {"duckdb": "#1f6fb4", "postgres": "#c8532a", "spark": "#2e8b57"}
WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 860, 440, 70, 250, 40, 50


def record(outcomes: list[dict], directory: str, when: str) -> dict:
    """Keep each outcome's medians in directory/curve.json (a run replaces the point of
    its engine and size) and return every kept point."""
    path = os.path.join(directory, "curve.json")
    points = {}
    if os.path.exists(path):
        with open(path) as fh:
            points = json.load(fh)
    for outcome in outcomes:
        medians = {
            name: outcome["results"][name].median
            for name in SERIES
            if name in outcome["results"] and math.isfinite(outcome["results"][name].median)
        }
        points[f"{outcome['target']} {outcome['size']}"] = {
            "target": outcome["target"],
            "size": outcome["size"],
            "raw_rows": outcome["raw_rows"],
            "seconds": medians,
            "measured": when,
        }
    os.makedirs(directory, exist_ok=True)
    with open(path, "w") as fh:
        json.dump(dict(sorted(points.items())), fh, indent=1)
        fh.write("\n")
    return points


def draw(points: dict, path: str) -> None:
    """The SVG: one line per engine and series through its sizes, by raw rows."""
    lines = _lines(points)
    values = [(rows, s) for line in lines.values() for rows, s, _ in line]
    if not values:
        return
    x_range = _decades([rows for rows, _ in values])
    y_range = _decades([s for _, s in values])
    svg = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'font-family="sans-serif" font-size="12">',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
        f'<text x="{LEFT}" y="22" font-size="14">activity-metrics bench: cost by data size '
        "(medians, log scales)</text>",
        *_axes(x_range, y_range),
    ]
    for index, ((target, series), line) in enumerate(sorted(lines.items())):
        colour = COLOURS.get(target, "#555")
        dash = ' stroke-dasharray="6 4"' if series != "full build" else ""
        xy = [(_x(rows, x_range), _y(s, y_range), size) for rows, s, size in line]
        svg.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2"{dash} points="'
            + " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in xy)
            + '"/>'
        )
        for x, y, size in xy:
            svg.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>')
            svg.append(f'<text x="{x + 5:.1f}" y="{y - 5:.1f}">{escape(size)}</text>')
        legend_y = TOP + 16 * index
        svg.append(
            f'<line x1="{WIDTH - RIGHT + 15}" y1="{legend_y}" x2="{WIDTH - RIGHT + 40}" '
            f'y2="{legend_y}" stroke="{colour}" stroke-width="2"{dash}/>'
        )
        svg.append(
            f'<text x="{WIDTH - RIGHT + 45}" y="{legend_y + 4}">'
            f"{escape(target)}: {escape(SERIES[series])}</text>"
        )
    svg.append("</svg>")
    with open(path, "w") as fh:
        fh.write("\n".join(svg) + "\n")


def _lines(points: dict) -> dict[tuple[str, str], list[tuple[int, float, str]]]:
    lines: dict[tuple[str, str], list[tuple[int, float, str]]] = {}
    for point in points.values():
        for series, seconds in point["seconds"].items():
            if series in SERIES and seconds > 0:
                lines.setdefault((point["target"], series), []).append(
                    (point["raw_rows"], seconds, point["size"])
                )
    return {key: sorted(line) for key, line in lines.items()}


def _decades(values: list[float]) -> tuple[int, int]:
    low = math.floor(math.log10(min(values)))
    return low, max(low + 1, math.ceil(math.log10(max(values))))


def _x(value: float, decades: tuple[int, int]) -> float:
    low, high = decades
    return LEFT + (math.log10(value) - low) / (high - low) * (WIDTH - LEFT - RIGHT)


def _y(value: float, decades: tuple[int, int]) -> float:
    low, high = decades
    return HEIGHT - BOTTOM - (math.log10(value) - low) / (high - low) * (HEIGHT - TOP - BOTTOM)


def _axes(x_range: tuple[int, int], y_range: tuple[int, int]) -> list[str]:
    out = []
    for power in range(x_range[0], x_range[1] + 1):
        x = _x(10**power, x_range)
        out.append(
            f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{HEIGHT - BOTTOM}" stroke="#ddd"/>'
        )
        out.append(
            f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">'
            f"{_round_label(10**power)}</text>"
        )
    for power in range(y_range[0], y_range[1] + 1):
        y = _y(10**power, y_range)
        out.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#ddd"/>'
        )
        out.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{_round_label(10**power)} s</text>"
        )
    out.append(
        f'<text x="{(LEFT + WIDTH - RIGHT) / 2}" y="{HEIGHT - 12}" text-anchor="middle">'
        "raw rows</text>"
    )
    return out


def _round_label(value: float) -> str:
    for unit, name in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if value >= unit:
            return f"{value / unit:g}{name}"
    return f"{value:g}"
