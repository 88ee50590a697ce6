"""The board pack (`activity-metrics report`): its figures equal the marts (the headline,
the month's growth accounting, every retention cell, every revision since the previous
pack); the page fetches nothing (no script, stylesheet, font or image from anywhere) and
draws its charts in headless Chromium (screenshot in target/screenshots/board_pack.png);
the Markdown says the same; the current month is marked incomplete; a bad month is one
line on stderr."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys

import numpy as np
import pytest
from test_docs import chromium_path

from activity_metrics.config import project_dir
from activity_metrics.generator import GeneratorConfig, generate, with_feed_fault
from activity_metrics.report import add_months, default_month

PROJECT_DIR = project_dir()  # the project under test (make test sets $ACTIVITY_PROJECT_DIR)

END = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)
LATE_DAY = END - dt.timedelta(days=12)
FIGURE = re.compile(r'data-figure="([^"]+)"[^>]*>([^<]*)<')


def late_rows(full, table: str, day: dt.date, base_id: int):
    """The rows of `day` of one table, arriving late: new ids above every existing one."""
    ts_col = "created_at"
    start = (day - dt.date(1970, 1, 1)).days * 86_400_000_000
    values = full[table][ts_col][0]
    hit = (values >= start) & (values < start + 86_400_000_000)
    rows = {col: (v[hit], None if m is None else m[hit]) for col, (v, m) in full[table].items()}
    rows["id"] = (base_id + 1 + np.arange(int(hit.sum()), dtype=np.int64), None)
    return {table: rows}


def cli(warehouse, *args):
    return subprocess.run(
        [sys.executable, "-m", "activity_metrics.cli", *args],
        env={**os.environ, **warehouse.env, "ACTIVITY_TARGET": "duckdb"},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def revised_warehouse(tmp_path_factory):
    """Four months from launch; a day's sends arrive 12 days late: the second build
    revises that day and the 29 after it."""
    from conftest import Warehouse

    # the touch log goes live after the late day: the late sends are its only record
    full = generate(
        GeneratorConfig(users=3000, days=130, seed=3, end_date=END, touch_log_start_fraction=0.95)
    )
    warehouse = Warehouse("duckdb", tmp_path_factory.mktemp("report"), "report")
    warehouse.load(with_feed_fault(full, "send_transactions", "stopped", LATE_DAY))
    warehouse.build(END)
    top = int(full["send_transactions"]["id"][0].max())
    warehouse.load(late_rows(full, "send_transactions", LATE_DAY, top), append=True)
    warehouse.build(END)
    yield warehouse
    warehouse.drop()


def test_the_pack_shows_the_marts_figures(revised_warehouse, tmp_path):
    warehouse, schema = revised_warehouse, revised_warehouse.schema
    month = default_month(END)
    out = tmp_path / "pack.html"
    result = cli(warehouse, "report", "--output", str(out))
    assert result.returncode == 0, result.stderr
    assert f"{month:%B %Y}" in result.stdout
    page = out.read_text()
    figures = dict(FIGURE.findall(page))
    month_end = add_months(month, 1) - dt.timedelta(days=1)
    ((dau, wau, mau, total),) = warehouse.query(
        f"select dau, wau, mau, total_users from {schema}.fct_active_users_daily "
        f"where date_day = date '{month_end}'"
    )
    assert [figures[f"{k}:now"] for k in ("DAU", "WAU", "MAU", "Total users")] == [
        f"{v:,}" for v in (dau, wau, mau, total)
    ]
    ((new, retained, resurrected, churned),) = warehouse.query(
        "select new_users, retained_users, resurrected_users, churned_users "
        f"from {schema}.fct_growth_accounting "
        f"where period_type = 'month' and period_start = date '{month}'"
    )
    assert [figures[f"{k}:users"] for k in ("new", "retained", "resurrected", "churned")] == [
        f"{v:,}" for v in (new, retained, resurrected, churned)
    ]
    cells = warehouse.query(
        "select cohort_month, months_since_first, retention_pct "
        f"from {schema}.fct_retention_cohorts where activity_month <= date '{month}'"
    )
    shown = {k: v for k, v in figures.items() if k.startswith("retention:")}
    assert shown == {
        f"retention:{c:%Y-%m}:+{m}": f"{float(share) * 100:.0f}%" for c, m, share in cells
    }
    revisions = warehouse.query(
        "select date_day, first_reported_dau, dau_after "
        f"from {schema}.mon_restatements where published_at >= timestamp '{month} 00:00:00'"
    )
    assert len(revisions) >= 1  # the late day and the days whose windows hold it
    listed = {k.split(":")[1]: v for k, v in figures.items() if k.startswith("revision:")}
    listed_now = {
        k.split(":")[1]: v
        for k, v in figures.items()
        if k.endswith(":DAU now") and k.startswith("revision:")
    }
    assert listed.keys() == {str(day) for day, _, _ in revisions}
    assert listed_now == {str(day): f"{now:,}" for day, _, now in revisions}
    assert str(LATE_DAY) in listed
    # the closed growth periods the late rows restated (the day itself at least)
    restated = warehouse.query(
        "select later.period_type, later.period_start, later.new_users "
        f"from {schema}.fct_growth_accounting_revisions as later "
        f"where later.revision > 0 and later.published_at >= timestamp '{month} 00:00:00'"
    )
    assert ("day", LATE_DAY) in {(kind, start) for kind, start, _ in restated}
    shown_growth = {tuple(k.split(":")[1:3]) for k in figures if k.startswith("growth_revision:")}
    assert shown_growth == {(kind, str(start)) for kind, start, _ in restated}

    # self-contained: nothing fetched, nothing run
    assert not re.search(r"<script|<link|<img|<iframe|src=|url\(|@import|@font-face", page)
    assert set(re.findall(r"https?://[^\"' )]+", page)) == {"http://www.w3.org/2000/svg"}
    draw_in_chromium(out)

    markdown = cli(warehouse, "report", "--format", "md", "--output", "-")
    assert markdown.returncode == 0, markdown.stderr
    assert f"| DAU | {dau:,} |" in markdown.stdout
    assert f"| new | {new:,} |" in markdown.stdout
    assert f"| {LATE_DAY} |" in markdown.stdout


def draw_in_chromium(path):
    from playwright.sync_api import sync_playwright

    fetched = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1100, "height": 1400})
        page.route("**/*", lambda route: (fetched.append(route.request.url), route.continue_()))
        page.goto(f"file://{path}")
        lines = page.locator("svg polyline")
        assert lines.count() == 4  # DAU, WAU, MAU; stickiness
        for i in range(lines.count()):
            box = lines.nth(i).bounding_box()
            assert box and box["width"] > 500, box  # drawn across the chart
        os.makedirs(os.path.join(PROJECT_DIR, "target", "screenshots"), exist_ok=True)
        page.screenshot(
            path=os.path.join(PROJECT_DIR, "target", "screenshots", "board_pack.png"),
            full_page=True,
        )
        browser.close()
    assert fetched == [f"file://{path}"]  # the page itself, nothing else


def test_the_current_month_is_marked_and_a_bad_month_refused(revised_warehouse):
    current = cli(revised_warehouse, "report", "--month", f"{END:%Y-%m}", "--output", "-")
    assert current.returncode == 0, current.stderr
    if add_months(END.replace(day=1), 1) - dt.timedelta(days=1) != END:
        assert "This month is incomplete." in current.stdout
        assert f"incomplete: through {END}" in current.stdout
    later = cli(revised_warehouse, "report", "--month", f"{add_months(END, 2):%Y-%m}")
    assert later.returncode == 2 and "after the warehouse's as-of date" in later.stderr
    assert "Traceback" not in later.stderr
    before = cli(revised_warehouse, "report", "--month", "2001-01")
    assert before.returncode == 2 and "before the data" in before.stderr
    garbled = cli(revised_warehouse, "report", "--month", "13-2026")
    assert garbled.returncode == 2 and "not a month" in garbled.stderr
