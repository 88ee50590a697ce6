"""The board pack as one HTML page: inline SVG charts, the style in the page, nothing
fetched from anywhere (no script at all). Each figure cell carries `data-figure` so a
test can read what the page says."""

from __future__ import annotations

import datetime as dt
import math

from .report import (
    DEFINITIONS,
    GROWTH_REVISION_HEADER,
    REVISION_HEADER,
    Pack,
    _count,
    _pct,
    _title,
    cohort_grid,
    escape,
    growth_revision_rows,
    growth_rows,
    headline_rows,
    revision_rows,
    status_lines,
)

STYLE = """
body { font-family: -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; color: #1f2933;
  max-width: 1000px; margin: 24px auto; padding: 0 16px; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 16px; margin: 28px 0 8px; }
.status { color: #52606d; font-size: 13px; margin: 2px 0; }
table { border-collapse: collapse; font-size: 13px; }
th, td { padding: 4px 10px; border-bottom: 1px solid #e4e7eb; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.grid { display: flex; gap: 24px; flex-wrap: wrap; }
.note { font-size: 12px; color: #52606d; }
.incomplete { color: #b44d12; font-weight: 600; }
sup { font-size: 10px; }
"""
COLORS = {"dau": "#2f6fde", "wau": "#1b998b", "mau": "#7b5ea7", "stickiness": "#d1495b"}


def _ticks(top: float) -> list[float]:
    """Round steps (1, 2 or 5 times a power of ten) from 0 to at least `top`, about four."""
    if top <= 0:
        return [0.0, 1.0]
    magnitude = 10 ** math.floor(math.log10(top / 4))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= top / 4)
    return [step * i for i in range(math.ceil(top / step) + 1)]


def line_chart(days: list[dt.date], lines: dict[str, list[float]], label, height=220) -> str:
    """An SVG line chart: one polyline per series, y from 0, a tick per month."""
    width, left, bottom, top_pad = 920, 64, 28, 10
    ticks = _ticks(max((max(v) for v in lines.values() if v), default=1))
    span, n = ticks[-1] or 1, max(len(days) - 1, 1)

    def x(i: int) -> float:
        return left + (width - left - 10) * i / n

    def y(value: float) -> float:
        return top_pad + (height - bottom - top_pad) * (1 - value / span)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img">']  # fmt: skip
    for tick in ticks:
        parts.append(
            f'<line x1="{left}" x2="{width - 10}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            f'stroke="#e4e7eb"/><text x="{left - 6}" y="{y(tick) + 4:.1f}" font-size="11" '
            f'text-anchor="end" fill="#52606d">{escape(label(tick))}</text>'
        )
    for i, day in enumerate(days):
        if day.day == 1 or (i == 0 and day.day < 20):
            parts.append(
                f'<text x="{x(i):.1f}" y="{height - 8}" font-size="11" fill="#52606d">'
                f"{day:%b %y}</text>"
            )
    for name, values in lines.items():
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
        parts.append(
            f'<polyline fill="none" stroke="{COLORS.get(name, "#333")}" stroke-width="1.6" '
            f'points="{points}"><title>{escape(name.upper())}</title></polyline>'
        )
    parts.append("</svg>")
    return "".join(parts)


def legend(names: list[str]) -> str:
    return " ".join(
        f'<span style="color:{COLORS[n]}">&#9632;</span> {escape(n.upper())}' for n in names
    )


def table(header: tuple, rows: list[tuple], figures: tuple | None = None) -> str:
    """An HTML table; with `figures`, each cell of column i > 0 gets data-figure
    '<figures[row]>:<header[i]>' (what the tests read)."""
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = []
    for r, row in enumerate(rows):
        cells = [f"<td>{escape(row[0])}</td>"]
        for i, cell in enumerate(row[1:], start=1):
            tag = f' data-figure="{escape(figures[r])}:{escape(header[i])}"' if figures else ""
            cells.append(f"<td{tag}>{escape(cell)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def charts(pack: Pack) -> str:
    days = [row["date_day"] for row in pack.series]
    counts = {m: [float(row[m]) for row in pack.series] for m in ("dau", "wau", "mau")}
    stick = {"stickiness": [float(row["stickiness"] or 0) for row in pack.series]}
    return (
        f"<h2>DAU, WAU and MAU, {days[0]} to {days[-1]}<sup>1-3</sup></h2>"
        f"<div class='note'>{legend(['dau', 'wau', 'mau'])}</div>"
        + line_chart(days, counts, lambda v: f"{v:,.0f}")
        + "<h2>Stickiness (DAU / MAU)<sup>4</sup></h2>"
        + line_chart(days, stick, lambda v: f"{v * 100:.0f}%", height=160)
    )


def retention(pack: Pack) -> str:
    cohorts, width, cells = cohort_grid(pack)
    header = ("cohort", "users", *[f"+{m}" for m in range(width + 1)])
    rows = []
    for c in cohorts:
        cols = [f"<td>{c:%Y-%m}</td>", f"<td>{_count(cells[(c, 0)]['cohort_users'])}</td>"]
        for m in range(width + 1):
            row = cells.get((c, m))
            if row is None:
                cols.append("<td></td>")
                continue
            share = float(row["retention_pct"] or 0)
            cols.append(
                f'<td data-figure="retention:{c:%Y-%m}:+{m}" '
                f'style="background: rgba(47,111,222,{0.08 + 0.6 * share:.2f})">'
                f"{_pct(row['retention_pct'], 0)}</td>"
            )
        rows.append("<tr>" + "".join(cols) + "</tr>")
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


def render_html(pack: Pack) -> str:
    headline = headline_rows(pack)
    revisions = revision_rows(pack)
    state = "" if pack.is_complete else "<p class='incomplete'>This month is incomplete.</p>"
    body = [
        f"<h1>{escape(_title(pack))}</h1>",
        state,
        *[f"<p class='status'>{escape(line)}</p>" for line in status_lines(pack)],
        f"<h2>Headline on {pack.last_day}</h2>",
        table(("figure", "now", "a month earlier", "change"), headline,
              tuple(row[0] for row in headline)),
        charts(pack),
        f"<div class='grid'><div><h2>Growth accounting, {pack.month:%B %Y}<sup>5-6</sup></h2>",
        table(("", "users"), growth_rows(pack), tuple(r[0] for r in growth_rows(pack))),
        "</div><div><h2>Retention by cohort month<sup>7</sup></h2>",
        retention(pack),
        "</div></div>",
        f"<h2>Revisions since the previous pack ({len(revisions)})<sup>8</sup></h2>",
        table(REVISION_HEADER, revisions, tuple(f"revision:{r[0]}:{r[5]}" for r in revisions))
        if revisions else "<p class='note'>No published figure changed.</p>",
        f"<h2>Growth accounting restated since the previous pack "
        f"({len(pack.growth_revisions)})<sup>5</sup></h2>",
        table(GROWTH_REVISION_HEADER, growth_revision_rows(pack),
              tuple(f"growth_revision:{r[0]}:{r[1]}" for r in growth_revision_rows(pack)))
        if pack.growth_revisions else "<p class='note'>No closed period changed.</p>",
        "<h2>Definitions</h2><ol class='note'>",
        *[f"<li><b>{escape(k)}</b>: {escape(v)}</li>" for k, v in DEFINITIONS.items()],
        "</ol>",
    ]  # fmt: skip
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{escape(_title(pack))}</title><style>{STYLE}</style></head>"
        f"<body>{''.join(body)}</body></html>\n"
    )
