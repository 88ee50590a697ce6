"""The Superset dashboards, kept as code, in a real browser: the bundle imports twice
without duplicates; every chart of every dashboard renders without an error; each filter
bar has its filters; the headline numbers equal activity_metrics_current and show the
as-of date; the segment chart shows the default dimension's segments; the series' first
day is the date range's (the default, then a narrower one given in the URL); no table cell
shows a raw float; the growth page draws the rows of fct_growth_accounting and
fct_retention_cohorts (read from the chart data the browser received). Screenshots in
target/screenshots/, for review."""

from __future__ import annotations

import calendar
import datetime as dt
import os
import re
import socket
import sqlite3
import sys
import time
import urllib.parse

import pytest
from conftest import small_dataset
from test_docs import chromium_path

from activity_metrics.config import project_dir

PROJECT_DIR = project_dir()  # the project under test (make test sets $ACTIVITY_PROJECT_DIR)
sys.path.insert(0, os.path.join(PROJECT_DIR, "dashboards", "superset"))
import manage  # noqa: E402 (found through the path above)

pytestmark = pytest.mark.postgres
# the date range filters are relative to today (the last 90 days by default): data through
# yesterday, as a nightly build has it
TODAY = dt.datetime.now(dt.UTC).date()  # Superset's "today" (the server runs in UTC)
END = TODAY - dt.timedelta(days=1)
DASHBOARDS = (
    "activity-headline",
    "activity-series",
    "activity-monitoring",
    "activity-growth",
    "activity-breakdowns",
    "activity-engagement",
)
FILTERS = {
    "activity-headline": ["Date range", "Segment dimension"],
    "activity-series": ["Date range"],
    "activity-monitoring": ["Date range", "Source", "Row status"],
    "activity-growth": ["Date range"],
    "activity-breakdowns": ["Date range", "Segment dimension"],
    "activity-engagement": ["Date range"],
}
# the first day the default date range draws (Superset's range is [start, end))
RANGE_START = TODAY - dt.timedelta(days=90)
# a number with more decimals than any formatted cell shows (0.949999988079071, -0.05006)
RAW_FLOAT = re.compile(r"\d\.\d{5,}")
SCREENSHOTS = os.path.join(PROJECT_DIR, "target", "screenshots")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def metadata_counts(home):
    with sqlite3.connect(os.path.join(home, "superset.db")) as con:
        return {
            table: con.execute(f"select count(*) from {table}").fetchone()[0]
            for table in ("dbs", "tables", "slices", "dashboards")
        }


def wait_for_charts(page, timeout=90):
    """Every chart holder shows a chart (canvas, table or big number), none an error."""
    deadline = time.monotonic() + timeout
    while True:
        holders = page.locator(".dashboard-component-chart-holder")
        states, texts = [], []
        for i in range(holders.count()):
            holder = holders.nth(i)
            text = holder.inner_text()
            drawn = holder.locator("canvas, table, .header-line").count() > 0
            states.append(drawn and "Waiting on" not in text and "Loading" not in text)
            texts.append(text[:300])
        if holders.count() and all(states):
            return holders
        if time.monotonic() > deadline:
            undrawn = [text for text, state in zip(texts, states, strict=True) if not state]
            raise AssertionError(f"charts not rendered after {timeout} s: {states} {undrawn}")
        time.sleep(1)


def test_dashboards_render_the_published_numbers(make_warehouse, monkeypatch, tmp_path):
    warehouse = make_warehouse("postgres", "superset")
    warehouse.load(small_dataset(8, 300, 60, END))
    warehouse.build(END)
    # a user flagged as a test account afterwards: the next build revises the days they
    # were active on (the series dashboard lists them, first reported and now)
    ((flagged_user,),) = warehouse.query(
        f"select min(user_id) from {warehouse.schema}.fct_user_days "
        f"where activity_date = date '{END - dt.timedelta(days=5)}'"
    )
    warehouse.execute(
        f"update {warehouse.raw_schema}.users set is_test = true where id = {flagged_user}"
    )
    warehouse.build(END)
    monkeypatch.setenv("ACTIVITY_POSTGRES_SCHEMA", warehouse.schema)
    home = str(tmp_path / "superset_home")

    manage.install()
    admin_login = manage.bootstrap(home)
    assert len(admin_login or "") >= 16  # generated (16 random characters), never a fixed one
    key_file = os.path.join(home, "secret_key")
    assert os.stat(key_file).st_mode & 0o777 == 0o600  # readable by its owner only
    manage.import_bundle(home, "postgres")
    first = metadata_counts(home)
    manage.import_bundle(home, "postgres")  # idempotent: no duplicates
    assert metadata_counts(home) == first == {"dbs": 1, "tables": 15, "slices": 32, "dashboards": 6}
    # what `make dashboard` prints: every dashboard of the bundle, the ones visited here
    assert {slug for slug, _ in manage.dashboards()} == set(DASHBOARDS)

    (current,) = warehouse.query(
        f"select dau, wau, mau, total_users, stickiness, dau_pct, wau_pct, mau_pct, as_of_date "
        f"from {warehouse.schema}.activity_metrics_current"
    )
    dau, wau, mau, total_users, stickiness, dau_pct, wau_pct, mau_pct, as_of = current
    assert as_of == END
    ((first_day,),) = warehouse.query(
        f"select min(date_day) from {warehouse.schema}.fct_active_users_daily"
    )
    assert first_day > TODAY - dt.timedelta(days=90)  # all inside the default range
    expected_headline = {
        "DAU": f"{dau:,}",
        "WAU": f"{wau:,}",
        "MAU": f"{mau:,}",
        "Total users": f"{total_users:,}",
        "Stickiness": f"{stickiness * 100:.2f}%",
        "DAU share of users": f"{dau_pct * 100:.2f}%",
        "WAU share of users": f"{wau_pct * 100:.2f}%",
        "MAU share of users": f"{mau_pct * 100:.2f}%",
    }
    trendlines = {"DAU", "WAU", "MAU", "Stickiness", "Total users"}

    from playwright.sync_api import sync_playwright

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = manage.serve(home, port, background=True)
    os.makedirs(SCREENSHOTS, exist_ok=True)
    blocked = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium_path(),
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            context = browser.new_context(viewport={"width": 1600, "height": 1200})

            def only_local(route):  # the telemetry pixel and anything else outside
                if route.request.url.startswith(base):
                    route.continue_()
                else:
                    blocked.append(route.request.url)
                    route.abort()

            context.route("**/*", only_local)
            page = context.new_page()
            drawn = []  # (the chart's form data, the rows it received) for every chart query

            def chart_data(response):
                if "/api/v1/chart/data" in response.url and response.ok:
                    form_data = (response.request.post_data_json or {}).get("form_data", {})
                    for result in response.json().get("result", []):
                        drawn.append((form_data, result.get("data", [])))

            page.on("response", chart_data)
            page.goto(f"{base}/login/")
            page.fill("#username", manage.ADMIN)
            page.fill("#password", admin_login)
            page.keyboard.press("Enter")
            # generous: a loaded 2-core machine takes long for the first page
            page.wait_for_url(re.compile(r".*/superset/welcome/.*"), timeout=180_000)
            for slug in DASHBOARDS:
                drawn.clear()
                holders = open_dashboard(page, f"{base}/superset/dashboard/{slug}/")
                filters = page.locator('[data-test="filter-control-name"]').all_inner_texts()
                assert [name.strip() for name in filters] == FILTERS[slug], slug
                cells = page.locator(".dashboard-component-chart-holder td").all_inner_texts()
                assert not [cell for cell in cells if RAW_FLOAT.search(cell)], (slug, cells)
                shown, stamps = {}, {}
                for i in range(holders.count()):
                    holder = holders.nth(i)
                    title = holder.inner_text().split("\n", 1)[0].strip()
                    numbers = holder.locator(".header-line").all_inner_texts()
                    if numbers:
                        shown[title] = numbers[0].strip()
                    if title in trendlines:
                        stamps[title] = holder.inner_text()
                if slug == "activity-headline":
                    assert shown == expected_headline
                    # the trendlines end on the as-of date, and say so
                    assert set(stamps) == trendlines
                    assert all(str(END) in text for text in stamps.values()), stamps
                    # the segment chart shows the default dimension's segments, no other
                    assert segments_drawn(drawn) == {
                        segment: (dau, wau, mau)
                        for segment, dau, wau, mau in warehouse.query(
                            f"select segment, dau, wau, mau from {warehouse.schema}."
                            "fct_user_segments_current where dimension = 'category'"
                        )
                    }
                if slug == "activity-series":
                    assert series_first_day(drawn) == first_day
                    assert_revisions_drawn(warehouse, drawn)
                if slug == "activity-monitoring":
                    assert_anomalies_drawn(warehouse, drawn)
                if slug == "activity-growth":
                    assert_growth_drawn(warehouse, drawn)
                if slug == "activity-breakdowns":
                    assert_breakdowns_drawn(warehouse, drawn, "activity_category")
                if slug == "activity-engagement":
                    assert_engagement_drawn(warehouse, drawn)
                time.sleep(2)  # let the line charts finish animating for the screenshot
                page.screenshot(
                    path=os.path.join(SCREENSHOTS, f"superset_{slug}.png"), full_page=True
                )
            # a narrower date range (as a shared link carries it) moves the first day
            drawn.clear()
            since = 30
            open_dashboard(page, series_url(base, since))
            assert series_first_day(drawn) == TODAY - dt.timedelta(days=since)
            # another segment dimension (as a shared link carries it) redraws the breakdowns
            drawn.clear()
            open_dashboard(page, breakdowns_url(base, "source_table"))
            assert_breakdowns_drawn(warehouse, drawn, "source_table")
            page.screenshot(
                path=os.path.join(SCREENSHOTS, "superset_activity-breakdowns_source_table.png"),
                full_page=True,
            )
            browser.close()
    finally:
        manage.stop(server)
    assert all("scarf" in url for url in blocked), blocked


def open_dashboard(page, url):
    """Open a dashboard and wait for its charts; no chart may show an error."""
    page.goto(url)
    page.wait_for_selector(".dashboard-component-chart-holder", timeout=60_000)
    holders = wait_for_charts(page)
    errors = page.locator("[role=alert]").all_inner_texts()
    assert not errors, (url, errors)
    return holders


def series_url(base: str, since_days: int) -> str:
    """The series dashboard with its date range set to the last `since_days` days, in
    Superset's rison URL parameter for native filters."""
    key = "NATIVE_FILTER-activity-series-date-range"
    value = f'DATEADD(DATETIME("today"), -{since_days}, day) : today'
    rison = (
        f"({key}:(extraFormData:(time_range:'{value}'),filterState:(value:'{value}'),"
        f"id:{key},ownState:()))"
    )
    return f"{base}/superset/dashboard/activity-series/?" + urllib.parse.urlencode(
        {"native_filters": rison}
    )


def breakdowns_url(base: str, dimension: str) -> str:
    """The breakdowns dashboard with its segment dimension filter set to `dimension`."""
    key = "NATIVE_FILTER-activity-breakdowns-dimension"
    rison = (
        f"({key}:(extraFormData:(filters:!((col:segment_dimension,op:IN,val:!({dimension})))),"
        f"filterState:(value:!({dimension})),id:{key},ownState:()))"
    )
    return f"{base}/superset/dashboard/activity-breakdowns/?" + urllib.parse.urlencode(
        {"native_filters": rison}
    )


def pivoted(rows, index, prefix="") -> dict:
    """{(index value, series name): value} of a pivoted chart's rows (a series per column;
    Superset names a column by the group, or by "metric, group")."""
    return {
        (row[index], str(name).removeprefix(prefix)): value
        for row in rows
        for name, value in row.items()
        if name != index
    }


def assert_breakdowns_drawn(warehouse, drawn, dimension):
    """Each breakdown chart received the mart's DAU, WAU or MAU of every value of the
    filtered dimension, every day of the date range, and nothing of another dimension."""
    rows = warehouse.query(
        "select date_day, segment_value, dau, wau, mau "
        f"from {warehouse.schema}.fct_active_users_by_segment_daily "
        f"where segment_dimension = '{dimension}' and date_day >= '{RANGE_START}'"
    )
    assert len({value for _, value, *_ in rows}) >= 2, rows[:5]
    for position, metric in enumerate(("dau", "wau", "mau")):
        (received,) = [
            rows_
            for form_data, rows_ in drawn
            if form_data.get("groupby") == ["segment_value"]
            and form_data.get("metrics") == [metric]
        ]
        shown = {
            (epoch_ms_day(day), value): count
            for (day, value), count in pivoted(received, "date_day", f"{metric}, ").items()
        }
        expected = {(day, value): counts[position] for day, value, *counts in rows}
        assert shown == expected, (dimension, metric)


def assert_engagement_drawn(warehouse, drawn):
    """The curves received the mart's bins of the as-of date; the curve over time and the
    stickiness bars received the mart's rows of the date range, bucketed as the dataset's
    metrics say."""
    schema = warehouse.schema
    ((as_of,),) = warehouse.query(f"select as_of_date from {schema}.activity_metrics_current")
    buckets = {
        "one_day": range(1, 2),
        "two_to_four_days": range(2, 5),
        "five_to_nine_days": range(5, 10),
        "ten_to_nineteen_days": range(10, 20),
        "twenty_days_or_more": range(20, 32),
    }
    curve = {
        (window, day, k): users
        for day, window, k, users in warehouse.query(
            "select date_day, window_days, active_days, users "
            f"from {schema}.fct_active_days_distribution_daily"
        )
    }
    bars = {}
    for form_data, rows in drawn:
        windows = [f.get("comparator") for f in form_data.get("adhoc_filters", [])]
        if form_data.get("x_axis") == "active_days":
            bars[windows[0]] = {int(row["active_days"]): row["users"] for row in rows}
    assert set(bars) == {7, 30}, [f.get("slice_id") for f, _ in drawn]
    for window, shown in bars.items():
        expected = {k: curve[(window, as_of, k)] for k in range(1, window + 1)}
        assert shown == expected, window
        assert sum(shown.values()) > 0, window
    (moved,) = [
        rows
        for form_data, rows in drawn
        if form_data.get("x_axis") == "date_day" and "one_day" in form_data.get("metrics", [])
    ]
    shown = {(epoch_ms_day(row["date_day"]), name): row[name] for row in moved for name in buckets}
    expected = {
        (day, name): sum(curve.get((30, day, k), 0) for k in ks)
        for day in {d for (w, d, _) in curve if w == 30 and d >= RANGE_START}
        for name, ks in buckets.items()
    }
    assert shown == expected
    stickiness = warehouse.query(
        "select period_type, period_start, active_days, users "
        f"from {schema}.fct_stickiness where period_start >= '{RANGE_START}'"
    )
    (weeks,) = [
        rows
        for form_data, rows in drawn
        if form_data.get("groupby") == ["active_days"] and form_data.get("x_axis") == "period_start"
    ]
    shown = {
        (epoch_ms_day(start), int(k)): users
        for (start, k), users in pivoted(weeks, "period_start", "users, ").items()
    }
    assert shown == {(start, k): users for kind, start, k, users in stickiness if kind == "week"}
    (months,) = [
        rows
        for form_data, rows in drawn
        if form_data.get("x_axis") == "period_start" and "one_day" in form_data.get("metrics", [])
    ]
    shown = {
        (epoch_ms_day(row["period_start"]), name): row[name] for row in months for name in buckets
    }
    expected = {
        (start, name): sum(users for kind, s, k, users in stickiness if s == start and k in ks)
        for start in {s for kind, s, _, _ in stickiness if kind == "month"}
        for name, ks in buckets.items()
    }
    assert shown == expected


def as_day(value) -> dt.date:
    return (
        epoch_ms_day(value) if isinstance(value, int | float) else dt.date.fromisoformat(value[:10])
    )


def assert_revisions_drawn(warehouse, drawn):
    """The revised-days table received every revision of mon_restatements, each with
    "first reported N, now M"."""
    (rows,) = [rows for f, rows in drawn if "revision_note" in f.get("all_columns", [])]
    expected = {
        (day, revision): f"first reported {first:,}, now {now:,}"
        for day, revision, first, now in warehouse.query(
            "select date_day, revision, first_reported_dau, dau_after "
            f"from {warehouse.schema}.mon_restatements"
        )
    }
    assert expected  # the flagged user's days were revised
    assert {(as_day(r["date_day"]), r["revision"]): r["revision_note"] for r in rows} == expected


def assert_anomalies_drawn(warehouse, drawn):
    """The anomaly table received the mart's days under test, flagged first; the DAU
    chart received the mart's observed and expected DAU of the date range."""
    (rows,) = [rows for f, rows in drawn if "lower_bound" in f.get("all_columns", [])]
    expected = warehouse.query(
        "select monitor_name, series_name, date_day, observed, is_anomaly "
        f"from {warehouse.schema}.mon_activity_anomalies where is_under_test"
    )
    assert expected
    shown = {
        (r["monitor_name"], r["series_name"], as_day(r["date_day"])): (
            r["observed"],
            r["is_anomaly"],
        )
        for r in rows
    }
    assert shown == {(m, s, d): (o, a) for m, s, d, o, a in expected}
    assert [r["is_anomaly"] for r in rows] == sorted((r["is_anomaly"] for r in rows), reverse=True)
    line = {  # a mixed chart's two queries arrive as two results of one request
        as_day(r["date_day"]): r["observed"]
        for f, rows in drawn
        if "observed" in f.get("metrics", [])
        for r in rows
        if "observed" in r
    }
    dau = warehouse.query(
        "select date_day, observed from "
        f"{warehouse.schema}.mon_activity_anomalies where monitor_name = 'dau' "
        f"and date_day >= '{RANGE_START}'"
    )
    assert line == dict(dau)


def segments_drawn(drawn) -> dict:
    """segment -> (DAU, WAU, MAU) as the segment chart received them."""
    (rows,) = [rows for form_data, rows in drawn if form_data.get("x_axis") == "segment"]
    return {row["segment"]: (row["dau"], row["wau"], row["mau"]) for row in rows}


def series_first_day(drawn) -> dt.date:
    """The first day the DAU/WAU/MAU chart received."""
    days = [
        epoch_ms_day(row["date_day"])
        for form_data, rows in drawn
        if form_data.get("viz_type") == "echarts_timeseries_line"
        and "wau" in form_data.get("metrics", [])
        for row in rows
    ]
    assert days, [f.get("viz_type") for f, _ in drawn]
    return min(days)


def epoch_ms_day(value) -> dt.date:
    return (dt.datetime(1970, 1, 1) + dt.timedelta(milliseconds=value)).date()


def assert_growth_drawn(warehouse, drawn):
    """The growth page's bars and heatmap received exactly the rows of the marts: a
    complete period as new, retained, resurrected and churned; the period in progress
    apart, as its own series (active so far, not back yet), never as final churn; the
    heatmap's cells of months that had ended, labelled YYYY-MM, the month in progress
    left blank."""
    schema = warehouse.schema
    metrics = (
        "new_users",
        "retained_users",
        "resurrected_users",
        "churned_below_zero",
        "active_so_far",
        "churned_so_far_below_zero",
    )
    bars = {}
    for form_data, rows in drawn:
        kinds = [f.get("comparator") for f in form_data.get("adhoc_filters", [])]
        if "churned_below_zero" in form_data.get("metrics", []) and kinds[0] in ("week", "month"):
            bars[kinds[0]] = {
                epoch_ms_day(r["period_start"]): tuple(r[m] for m in metrics) for r in rows
            }
    assert set(bars) == {"week", "month"}, [f.get("slice_id") for f, _ in drawn]
    for kind, shown in bars.items():
        expected = {
            start: (new, retained, resurrected, -churned, None, None)
            if complete
            else (None, None, None, None, active, -churned)
            for start, complete, active, new, retained, resurrected, churned in warehouse.query(
                "select period_start, is_complete, active_users, new_users, retained_users, "
                "resurrected_users, churned_users "
                f"from {schema}.fct_growth_accounting where period_type = '{kind}'"
            )
        }
        assert shown == expected, kind
        assert any(values[3] and values[3] < 0 for values in shown.values()), "no churn drawn"
    (heatmap,) = [rows for f, rows in drawn if f.get("viz_type") == "heatmap_v2"]
    ((as_of,),) = warehouse.query(f"select as_of_date from {schema}.activity_metrics_current")
    expected_cells = {
        (int(months), cohort.strftime("%Y-%m")): (
            round(float(pct), 6)
            if activity_month.replace(
                day=calendar.monthrange(activity_month.year, activity_month.month)[1]
            )
            <= as_of
            else None
        )
        for cohort, months, activity_month, pct in warehouse.query(
            "select cohort_month, months_since_first, activity_month, retention_pct "
            f"from {schema}.fct_retention_cohorts"
        )
    }
    cells = {
        (int(r["months_since_first"]), r["cohort_label"]): (
            None if r["retention"] is None else round(r["retention"], 6)
        )
        for r in heatmap
    }
    assert cells == expected_cells
