"""The board pack: one self-contained page of the month's figures (`activity-metrics
report`). HTML with every chart inline as SVG and its style in the page (no script,
stylesheet, font or image from anywhere else: it opens from an email attachment), or
Markdown for pasting into a document. Every figure is read from the published marts
through the API; nothing is recomputed here.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass

from . import api
from .warehouse import Settings, WarehouseError

# one footnote per figure (the dbt docs site holds the full definitions)
DEFINITIONS = {
    "DAU": "users with counted activity (docs/CONTRACT.md section 2) on the day, in the "
    "reporting zone.",
    "WAU": "users with counted activity in the 7 days ending on the day (a rolling window, "
    "not a calendar week).",
    "MAU": "users with counted activity in the 30 days ending on the day (rolling, not a "
    "calendar month).",
    "Stickiness": "DAU / MAU of the day.",
    "Growth accounting": "of the month's active users, new (first active ever), retained "
    "(active the month before too) and resurrected (active before, not the month before); "
    "churned: active the month before, not this month.",
    "Quick ratio": "(new + resurrected) / churned: above 1, the base grows.",
    "Retention": "of the users first active in a cohort month, the share active in each "
    "later calendar month.",
    "Revision": "a later build changed a figure already published (late rows, users "
    "flagged afterwards): first reported and now, from fct_active_users_daily_revisions.",
}


@dataclass(frozen=True)
class Pack:
    """Everything the page shows, read once."""

    month: dt.date  # its first day
    as_of: dt.date
    is_complete: bool
    headline: dict  # fct_active_users_daily on the month's last day (or the as-of date)
    previous: dict | None  # the same a month earlier
    series: list[dict]  # the 12 months ending with the month, one row per day
    growth: dict | None  # fct_growth_accounting, the month
    cohorts: list[dict]  # fct_retention_cohorts, the 12 cohorts ending with the month
    coverage: list[dict]  # mon_tracking_coverage_checks
    anomalies: list[dict]  # flagged days under test
    revisions: list[dict]  # mon_restatements published since the previous pack
    growth_revisions: list[dict]  # closed growth periods restated since then

    @property
    def last_day(self) -> dt.date:
        return min(api.month_end(self.month), self.as_of)


def add_months(month: dt.date, months: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def default_month(as_of: dt.date) -> dt.date:
    """The last complete month: the as-of date's month when it is its last day."""
    month = as_of.replace(day=1)
    return month if api.month_end(month) == as_of else add_months(month, -1)


def read_pack(settings: Settings, month: dt.date | None) -> Pack:
    as_of = api.current_as_of(settings)
    month = month or default_month(as_of)
    first, _ = api.data_range(settings)
    if month > as_of.replace(day=1):
        raise WarehouseError(f"{month:%Y-%m} is after the warehouse's as-of date ({as_of})")
    if first is None or api.month_end(month) < first:
        raise WarehouseError(f"{month:%Y-%m} is before the data (first day {first})")
    last_day = min(api.month_end(month), as_of)
    series = api.get_series(max(add_months(month, -11), first), last_day, target=settings)
    by_day = {row["date_day"]: row for row in series}
    previous_day = min(api.month_end(add_months(month, -1)), as_of)
    growth = [
        row for row in api.get_growth_accounting("month", target=settings)
        if row["period_start"] == month
    ]  # fmt: skip
    cohorts = [
        row
        for row in api.get_retention_cohorts(target=settings)
        if add_months(month, -11) <= row["cohort_month"] <= month and row["activity_month"] <= month
    ]
    since = month  # the previous pack: drawn up once its month had ended
    return Pack(
        month=month,
        as_of=as_of,
        is_complete=api.month_end(month) <= as_of,
        headline=by_day[last_day],
        previous=by_day.get(previous_day),
        series=series,
        growth=growth[0] if growth else None,
        cohorts=cohorts,
        coverage=api.read_relation(settings, "mon_tracking_coverage_checks", "order by 1"),
        anomalies=api.get_anomalies(True, settings),
        revisions=api.get_revisions(since, settings),
        growth_revisions=api.get_growth_revisions(since, settings),
    )


# --- shared pieces -------------------------------------------------------------------

FIGURES = (("dau", "DAU"), ("wau", "WAU"), ("mau", "MAU"), ("total_users", "Total users"))


def _count(value) -> str:
    return "n/a" if value is None else f"{int(value):,}"


def _pct(value, digits: int = 1) -> str:
    return "n/a" if value is None else f"{float(value) * 100:.{digits}f}%"


def _change(now, before) -> str:
    if now is None or before in (None, 0):
        return "n/a"
    return f"{(float(now) - float(before)) / float(before) * 100:+.1f}%"


def _title(pack: Pack) -> str:
    state = "" if pack.is_complete else f" (incomplete: through {pack.as_of})"
    return f"Activity: board pack, {pack.month:%B %Y}{state}"


def headline_rows(pack: Pack) -> list[tuple[str, str, str, str]]:
    """(figure, on the month's last day, a month earlier, change)."""
    before = pack.previous or {}
    rows = [
        (label, _count(pack.headline[key]), _count(before.get(key)),
         _change(pack.headline[key], before.get(key)))
        for key, label in FIGURES
    ]  # fmt: skip
    stickiness = pack.headline["stickiness"]
    rows.append(
        ("Stickiness", _pct(stickiness), _pct(before.get("stickiness")),
         _change(stickiness, before.get("stickiness")))
    )  # fmt: skip
    return rows


GROWTH = (
    ("active_users", "active"),
    ("new_users", "new"),
    ("retained_users", "retained"),
    ("resurrected_users", "resurrected"),
    ("churned_users", "churned"),
)


def growth_rows(pack: Pack) -> list[tuple[str, str]]:
    if pack.growth is None:
        return []
    rows = [(label, _count(pack.growth[key])) for key, label in GROWTH]
    ratio = pack.growth["quick_ratio"]
    rows.append(("quick ratio", "n/a" if ratio is None else f"{ratio:.2f}"))
    return rows


def cohort_grid(pack: Pack) -> tuple[list[dt.date], int, dict]:
    """(cohort months, the most months since first, {(cohort, months since): row})."""
    cells = {(row["cohort_month"], row["months_since_first"]): row for row in pack.cohorts}
    cohorts = sorted({cohort for cohort, _ in cells})
    width = max((since for _, since in cells), default=0)
    return cohorts, width, cells


def status_lines(pack: Pack) -> list[str]:
    failing = [c["check_name"] for c in pack.coverage if not c["is_passing"]]
    coverage = (
        f"Coverage: all {len(pack.coverage)} checks pass."
        if not failing
        else f"Coverage: {len(failing)} of {len(pack.coverage)} checks below threshold "
        f"({', '.join(failing)})."
    )
    if not pack.anomalies:
        anomalies = "Anomalies: none in the days under test."
    else:
        named = sorted({f"{a['monitor_name']} {a['series_name']}" for a in pack.anomalies})
        anomalies = f"Anomalies: {len(pack.anomalies)} flagged days ({'; '.join(named)})."
    return [f"As of {pack.as_of} (the last day counted).", coverage, anomalies]


REVISION_HEADER = ("day", "DAU first reported", "DAU now", "WAU", "MAU", "by the build as of")


def revision_rows(pack: Pack) -> list[tuple[str, ...]]:
    """(day, DAU as first reported, DAU now, WAU before -> after, MAU before -> after,
    revised by the build as of)."""

    def move(r: dict, metric: str) -> str:
        before, after = r[f"{metric}_before"], r[f"{metric}_after"]
        return _count(after) if before == after else f"{_count(before)} → {_count(after)}"

    return [
        (str(r["date_day"]), _count(r["first_reported_dau"]), _count(r["dau_after"]),
         move(r, "wau"), move(r, "mau"), str(r["published_as_of_date"]))
        for r in pack.revisions
    ]  # fmt: skip


GROWTH_REVISION_HEADER = ("period", "starts", *(label for _, label in GROWTH), "by the build as of")


def growth_revision_rows(pack: Pack) -> list[tuple[str, ...]]:
    """(period kind, its first day, each figure before -> after, revised by the build as of)."""

    def move(r: dict, key: str) -> str:
        before, after = r[f"{key}_before"], r[f"{key}_after"]
        return _count(after) if before == after else f"{_count(before)} → {_count(after)}"

    return [
        (r["period_type"], str(r["period_start"]), *(move(r, key) for key, _ in GROWTH),
         str(r["published_as_of_date"]))
        for r in pack.growth_revisions
    ]  # fmt: skip


# --- Markdown ------------------------------------------------------------------------


def _md_table(header: tuple[str, ...], rows: list[tuple]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]


def render_markdown(pack: Pack) -> str:
    out = [f"# {_title(pack)}", "", *status_lines(pack), ""]
    out += [f"## Headline on {pack.last_day}", ""]
    out += _md_table(
        ("figure", str(pack.last_day), "a month earlier", "change"), headline_rows(pack)
    )
    monthly = [row for row in pack.series if row["date_day"] == min(api.month_end(
        row["date_day"].replace(day=1)), pack.last_day)]  # fmt: skip
    out += ["", "## The last 12 months (each month's last day)", ""]
    out += _md_table(
        ("day", "DAU", "WAU", "MAU", "stickiness"),
        [(r["date_day"], _count(r["dau"]), _count(r["wau"]), _count(r["mau"]),
          _pct(r["stickiness"])) for r in monthly],
    )  # fmt: skip
    out += ["", f"## Growth accounting, {pack.month:%B %Y}", ""]
    out += _md_table(("", "users"), growth_rows(pack))
    cohorts, width, cells = cohort_grid(pack)
    out += ["", "## Retention by cohort (share of the cohort active, by months since)", ""]
    out += _md_table(
        ("cohort", "users", *[f"+{m}" for m in range(width + 1)]),
        [(f"{c:%Y-%m}", _count(cells[(c, 0)]["cohort_users"]),
          *[_pct(cells[(c, m)]["retention_pct"], 0) if (c, m) in cells else ""
            for m in range(width + 1)]) for c in cohorts],
    )  # fmt: skip
    out += ["", f"## Revisions since the previous pack ({len(pack.revisions)})", ""]
    out += (
        _md_table(REVISION_HEADER, revision_rows(pack))
        if pack.revisions else ["No published figure changed."]
    )  # fmt: skip
    out += [
        "",
        f"## Growth accounting restated since the previous pack ({len(pack.growth_revisions)})",
        "",
    ]
    out += (
        _md_table(GROWTH_REVISION_HEADER, growth_revision_rows(pack))
        if pack.growth_revisions else ["No closed period changed."]
    )  # fmt: skip
    out += ["", "## Definitions", ""]
    out += [f"- **{name}**: {text}" for name, text in DEFINITIONS.items()]
    return "\n".join(out) + "\n"


def escape(value) -> str:
    return html.escape(str(value), quote=True)
