"""The Python API: read the published relations (never recompute a metric), and a
reference writer of the app's touch log.

    from activity_metrics import get_activity_metrics, get_active_users, touch_last_activity
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from .config import cooldown, counted_touch_types
from .warehouse import Settings, WarehouseError, identifier

log = logging.getLogger(__name__)

METRIC_COLUMNS = (
    "as_of_date",
    "dau",
    "wau",
    "mau",
    "total_users",
    "dau_pct",
    "wau_pct",
    "mau_pct",
    "stickiness",
)


def _settings(target: str | Settings | None) -> Settings:
    return target if isinstance(target, Settings) else Settings.from_env(target)


def _relation(settings: Settings, name: str) -> str:
    return f"{settings.analytics_schema}.{name}"


def _row_dict(cols, row) -> dict:
    return {
        col: float(value) if col.endswith(("_pct", "stickiness")) and value is not None else value
        for col, value in zip(cols, row, strict=True)
    }


def get_activity_metrics(as_of: dt.date | None = None, target: str | Settings | None = None):
    """DAU, WAU, MAU, total users, percentages and stickiness as of `as_of` (default:
    the warehouse's as-of date, from activity_metrics_current)."""
    settings = _settings(target)
    columns = ", ".join(METRIC_COLUMNS[1:])
    if as_of is None:
        cols, rows = settings.query(
            f"select {', '.join(METRIC_COLUMNS)} "
            f"from {_relation(settings, 'activity_metrics_current')}"
        )
        if not rows or rows[0][1] is None:
            raise WarehouseError(
                "activity_metrics_current is empty (no counted activity through the as-of "
                "date): check the raw data and run `activity-metrics build`"
            )
    else:
        cols, rows = settings.query(
            f"select date_day as as_of_date, {columns} "
            f"from {_relation(settings, 'fct_active_users_daily')} where date_day = %s",
            (as_of,),
        )
        if not rows:
            first, last = data_range(settings)
            raise WarehouseError(
                f"{as_of} is outside the data of fct_active_users_daily ({first} to {last})"
            )
    return _row_dict(cols, rows[0])


def data_range(settings: Settings) -> tuple[dt.date | None, dt.date | None]:
    _, rows = settings.query(
        f"select min(date_day), max(date_day) from {_relation(settings, 'fct_active_users_daily')}"
    )
    return rows[0]


@dataclass(frozen=True)
class SeriesLag:
    """Whether the published series has taken in every activity event stored: a run
    that loaded new events but stopped before the series (killed, failed) leaves it
    behind, with figures that look healthy."""

    events_loaded_at: dt.datetime | None  # newest stored activity events (UTC)
    series_applied_through: dt.datetime | None  # newest events the series applied

    @property
    def is_behind(self) -> bool:
        return self.events_loaded_at is not None and (
            self.series_applied_through is None
            or self.events_loaded_at > self.series_applied_through
        )


def series_lag(settings: Settings) -> SeriesLag:
    _, rows = settings.query(
        f"select (select max(dbt_loaded_at) from "
        f"{_relation(settings, 'int_activity_events_classified')}), "
        f"(select max(events_loaded_through) from "
        f"{_relation(settings, 'fct_active_users_daily')})"
    )
    return SeriesLag(*rows[0])


@dataclass(frozen=True)
class MethodComparison:
    """The old method (transactional tables) vs the touch log vs the published series over
    a period, read from mon_method_comparison_daily, with the verdict: unhealthy when the
    published series is behind its events (frozen) or below a method on some day (stale,
    the mart's is_published_below_a_method)."""

    start: dt.date
    end: dt.date
    rows: list[dict]
    lag: SeriesLag
    stale_days: list[dt.date]
    only_one_source_user_days: dict[str, int]  # user-days that one source alone saw
    extra_vs_old_method: int  # user-days the published series has beyond the old method
    touch_log_missed: int  # since the touch log is live: user-days it alone misses ...
    touch_log_total: int  # ... of these
    is_touch_log_live: bool

    @property
    def latest(self) -> dict:
        return self.rows[-1]

    @property
    def is_healthy(self) -> bool:
        return not self.lag.is_behind and not self.stale_days


def first_of_days(end: dt.date, days: int) -> dt.date:
    """The first of the `days` days ending on `end` (never before the calendar's first)."""
    return end - dt.timedelta(days=min(days, (end - dt.date.min).days + 1) - 1)


def compare_methods(settings: Settings, as_of: dt.date, days: int) -> MethodComparison:
    """The comparison over the `days` days ending on `as_of`, or over fewer when the
    data starts later: `start` is the first day read, never a day before the data."""
    first, _ = data_range(settings)
    start = first_of_days(as_of, days)
    if first is not None and start < first:
        start = first
    rows = read_relation(
        settings,
        "mon_method_comparison_daily",
        "where date_day between %s and %s order by date_day",
        (start, as_of),
    )
    if not rows:
        first, last = data_range(settings)
        raise WarehouseError(f"no comparison for {start}..{as_of}: the data covers {first}..{last}")
    live = [row for row in rows if row["is_touch_log_live"]]
    return MethodComparison(
        start=start,
        end=as_of,
        rows=rows,
        lag=series_lag(settings),
        stale_days=[row["date_day"] for row in rows if row["is_published_below_a_method"]],
        only_one_source_user_days={
            key[5:-6]: sum(row[key] for row in rows)
            for key in rows[-1]
            if key.startswith("only_") and key.endswith("_users")
        },
        extra_vs_old_method=sum(row["combined_minus_transactional_dau"] for row in rows),
        touch_log_missed=sum(row["combined_minus_touch_log_dau"] for row in live),
        touch_log_total=sum(row["combined_dau"] for row in live),
        is_touch_log_live=bool(live),
    )


@dataclass(frozen=True)
class Validation:
    """The weekly validation (`dbt test --selector validation`: every data test, the
    full-history reconciliations included) and the coverage checks, with the verdict:
    healthy when no test failed and no coverage check warned."""

    passed: list[dict]  # dbt's node results (run_results.json)
    failed: list[dict]
    warned: list[dict]
    coverage_checks: list[dict]  # mon_tracking_coverage_checks, one row per check
    roles: dict[str, str] = field(default_factory=dict)  # unique_id -> the test's meta role

    def role(self, result: dict) -> str | None:
        return self.roles.get(result["unique_id"])

    @property
    def coverage_warnings(self) -> list[dict]:
        return [r for r in self.warned if self.role(r) == "coverage"]

    @property
    def notices(self) -> list[dict]:
        """Warnings that do not make the warehouse unhealthy (unclassified types, ...)."""
        return [r for r in self.warned if self.role(r) != "coverage"]

    @property
    def is_healthy(self) -> bool:
        return not self.failed and not self.coverage_warnings


def validate(
    settings: Settings, dbt_vars: dict | None = None, as_of: dt.date | None = None
) -> Validation:
    """Every data test (selector `validation`) and the coverage checks; `as_of` is passed
    as $ACTIVITY_AS_OF_DATE (dbt keeps its parsed project, as for a nightly)."""
    from .dbt_runner import as_of_environment, read_run_results, read_test_roles, run_dbt

    result = run_dbt(
        ["test", "--selector", "validation", "--no-use-colors"],
        settings.target,
        dbt_vars,
        env=as_of_environment(as_of),
        capture=True,
    )
    results = read_run_results()
    if not results:
        tail = "\n".join((result.stdout or "").splitlines()[-15:])
        raise WarehouseError(f"dbt test could not run:\n{tail}")
    return Validation(
        passed=[r for r in results if r["status"] == "pass"],
        failed=[r for r in results if r["status"] in ("fail", "error")],
        warned=[r for r in results if r["status"] == "warn"],
        coverage_checks=read_relation(
            settings, "mon_tracking_coverage_checks", "order by check_name"
        ),
        roles=read_test_roles(),
    )


def current_as_of(settings: Settings) -> dt.date:
    _, rows = settings.query(
        f"select as_of_date from {_relation(settings, 'activity_metrics_current')}"
    )
    return rows[0][0]


GROWTH_COLUMNS = (
    "period_type",
    "period_start",
    "period_end",
    "is_complete",
    "active_users",
    "new_users",
    "retained_users",
    "resurrected_users",
    "churned_users",
    "quick_ratio",
)
COHORT_COLUMNS = (
    "cohort_month",
    "months_since_first",
    "cohort_users",
    "active_users",
    "retention_pct",
)


def _checked_as_of(
    settings: Settings, as_of: dt.date | None, relation: str
) -> tuple[dt.date, dt.date]:
    """(the as-of date a reader asked for, or the warehouse's; the warehouse's): one after
    the warehouse's is refused (the marts hold nothing past the date they were built for)."""
    built = current_as_of(settings)
    if as_of is not None and as_of > built:
        raise WarehouseError(
            f"{relation} is built as of {built}: nothing after it; "
            f"rebuild with `activity-metrics build --as-of {as_of}` first"
        )
    return as_of or built, built


def get_growth_accounting(
    period: str = "week",
    last: int | None = None,
    target: str | Settings | None = None,
    as_of: dt.date | None = None,
) -> list[dict]:
    """Growth accounting rows of one period kind ('day', 'week' or 'month'), oldest
    first; `last` keeps the most recent N periods. Reads fct_growth_accounting.
    With `as_of` before the warehouse's as-of date: the periods that had ended by then
    (a closed period's figures depend on nothing after its end), without the periods
    that were in progress on that day (they hold later days: rebuild as of it)."""
    if period not in ("day", "week", "month"):
        raise WarehouseError(f"period must be day, week or month, not {period!r}")
    if last is not None and last < 1:
        raise WarehouseError(f"last must be at least 1, not {last}")
    settings = _settings(target)
    as_of, built = _checked_as_of(settings, as_of, "fct_growth_accounting")
    cols, rows = settings.query(
        f"select {', '.join(GROWTH_COLUMNS)} "
        f"from {_relation(settings, 'fct_growth_accounting')} "
        "where period_type = %s and (period_end <= %s or %s) order by period_start",
        (period, as_of, as_of == built),
    )
    found = _typed_rows(cols, rows, "quick_ratio")
    return found[-last:] if last else found


def get_revisions(since: dt.date | None = None, target: str | Settings | None = None) -> list[dict]:
    """Every restatement of a published day (CONTRACT section 7), oldest build first:
    the rows of mon_restatements (the figures before and after, as first reported, when,
    is_closed, is_restatement), those published on or after `since` when given."""
    settings = _settings(target)
    where, params = "", ()
    if since is not None:
        where, params = "where published_at >= %s", (dt.datetime.combine(since, dt.time()),)
    return read_relation(
        settings, "mon_restatements", f"{where} order by published_at, date_day", params
    )


def get_growth_revisions(
    since: dt.date | None = None, target: str | Settings | None = None
) -> list[dict]:
    """Every restatement of a closed growth-accounting period (fct_growth_accounting_revisions
    after its first revision), with the figures before and after, oldest build first; those
    published on or after `since` when given."""
    settings = _settings(target)
    ledger = _relation(settings, "fct_growth_accounting_revisions")
    figures = ("active_users", "new_users", "retained_users", "resurrected_users", "churned_users")
    where, params = "", ()
    if since is not None:
        where, params = "where later.published_at >= %s", (dt.datetime.combine(since, dt.time()),)
    cols, rows = settings.query(
        "select later.period_type, later.period_start, later.revision, "
        + ", ".join(f"earlier.{f} as {f}_before, later.{f} as {f}_after" for f in figures)
        + f", later.published_at, later.published_as_of_date from {ledger} as later "
        f"inner join {ledger} as earlier on earlier.period_type = later.period_type "
        "and earlier.period_start = later.period_start "
        f"and earlier.revision = later.revision - 1 {where} "
        "order by later.published_at, later.period_type, later.period_start",
        params,
    )
    return [dict(zip(cols, row, strict=True)) for row in rows]


def get_anomalies(under_test_only: bool = True, target: str | Settings | None = None) -> list[dict]:
    """The flagged days of mon_activity_anomalies (a monitored series outside its
    expected range), oldest first: only the days under test (the last
    activity__anomaly_detection_days, what the nightly's warn test judges) unless
    `under_test_only` is false (every flagged day of the history, as the monitoring
    dashboard marks them)."""
    settings = _settings(target)
    where = "where is_anomaly" + (" and is_under_test" if under_test_only else "")
    return read_relation(
        settings, "mon_activity_anomalies", f"{where} order by date_day, monitor_name, series_name"
    )


def get_engagement(as_of: dt.date | None = None, target: str | Settings | None = None) -> dict:
    """How many days people are active (CONTRACT section 6) on a day (default: the
    warehouse's as-of date): the power-user curve, {"curve": {7: [users active on
    k = 1..7 of the 7 days ending on the day], 30: [...]}}, and the stickiness of the ISO
    week and the calendar month that hold the day, {"stickiness": {"week": {period_start,
    period_end, is_complete, users: [k = 1..days in the period]}, "month": {...}}}."""
    settings = _settings(target)
    as_of, _ = _checked_as_of(settings, as_of, "fct_active_days_distribution_daily")
    _, rows = settings.query(
        "select window_days, active_days, users "
        f"from {_relation(settings, 'fct_active_days_distribution_daily')} "
        "where date_day = %s order by window_days, active_days",
        (as_of,),
    )
    if not rows:
        first, last = data_range(settings)
        raise WarehouseError(f"no power-user curve on {as_of}: the data covers {first}..{last}")
    curve: dict[int, list[int]] = {}
    for window_days, _, users in rows:
        curve.setdefault(int(window_days), []).append(int(users))
    _, rows = settings.query(
        "select period_type, period_start, period_end, is_complete, users "
        f"from {_relation(settings, 'fct_stickiness')} "
        "where period_start <= %s and period_end >= %s order by period_type, active_days",
        (as_of, as_of),
    )
    stickiness: dict[str, dict] = {}
    for period_type, start, end, is_complete, users in rows:
        period = stickiness.setdefault(
            period_type,
            {"period_start": start, "period_end": end, "is_complete": bool(is_complete)},
        )
        period.setdefault("users", []).append(int(users))
    return {"as_of_date": as_of, "curve": curve, "stickiness": stickiness}


def month_end(month_start: dt.date) -> dt.date:
    following = (month_start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def get_retention_cohorts(
    target: str | Settings | None = None, as_of: dt.date | None = None
) -> list[dict]:
    """Monthly retention cohorts (fct_retention_cohorts), by cohort and month since, each
    with its activity_month and `is_complete`: whether that month had ended by the as-of
    date. With `as_of` before the warehouse's: the months that had ended by then (the
    cells of later months, or of the month in progress then, hold later days)."""
    settings = _settings(target)
    as_of, built = _checked_as_of(settings, as_of, "fct_retention_cohorts")
    cols, rows = settings.query(
        f"select {', '.join(COHORT_COLUMNS)}, activity_month "
        f"from {_relation(settings, 'fct_retention_cohorts')} "
        "order by cohort_month, months_since_first"
    )
    found = []
    for row in _typed_rows(cols, rows, "retention_pct"):
        is_complete = month_end(row["activity_month"]) <= as_of
        if as_of < built and not is_complete:
            continue
        found.append({**row, "is_complete": is_complete})
    return found


def _typed_rows(cols, rows, ratio_column: str) -> list[dict]:
    """Rows as dicts, the ratio column as a float (PostgreSQL returns Decimal)."""
    return [
        {
            col: float(value) if col == ratio_column and value is not None else value
            for col, value in zip(cols, row, strict=True)
        }
        for row in rows
    ]


def get_active_users(
    days: int, as_of: dt.date | None = None, target: str | Settings | None = None
) -> list[int]:
    """Ids of the users whose last counted activity falls within the `days` days ending on
    the warehouse's as-of date: days=1 is DAU, 7 WAU, 30 MAU. user_last_activity holds the
    last activity as of that date only, so another `as_of` is refused (rebuild with it)."""
    if days < 1:
        raise WarehouseError(f"days must be at least 1, not {days}")
    settings = _settings(target)
    built_as_of = current_as_of(settings)
    if as_of is not None and as_of != built_as_of:
        raise WarehouseError(
            f"user_last_activity is as of {built_as_of}, not {as_of}: "
            f"run `activity-metrics build --as-of {as_of}` first"
        )
    as_of = built_as_of
    _, rows = settings.query(
        f"select user_id from {_relation(settings, 'user_last_activity')} "
        "where last_activity_date <= %s and last_activity_date > %s order by user_id",
        (as_of, as_of - dt.timedelta(days=days)),
    )
    return [row[0] for row in rows]


# the dimensions of fct_active_users_by_segment_daily besides `all` (CONTRACT section 5)
SEGMENT_DIMENSIONS = ("activity_category", "source_table", "account_type")


def get_series(
    start: dt.date | None = None,
    end: dt.date | None = None,
    by: str | None = None,
    target: str | Settings | None = None,
) -> list[dict]:
    """The published daily series from `start` to `end` (both inclusive; default: every
    day through the warehouse's as-of date), one dict per day (date_day, dau, wau, mau,
    total_users, the shares, stickiness); or, with `by` one of SEGMENT_DIMENSIONS, one
    dict per day and value of that dimension (date_day, segment_value, dau, wau, mau),
    ordered by day then value."""
    settings = _settings(target)
    if by is not None and by not in SEGMENT_DIMENSIONS:
        raise WarehouseError(
            f"--by {by}: not a segment dimension (one of {', '.join(SEGMENT_DIMENSIONS)})"
        )
    where, params = ["date_day <= %s"], [end or current_as_of(settings)]
    if start is not None:
        where.append("date_day >= %s")
        params.append(start)
    if by is None:
        name, order, columns = "fct_active_users_daily", "date_day", METRIC_COLUMNS[1:]
    else:
        where.append("segment_dimension = %s")
        params.append(by)
        name, order = "fct_active_users_by_segment_daily", "date_day, segment_value"
        columns = ("segment_value", "dau", "wau", "mau")
    rows = read_relation(
        settings, name, f"where {' and '.join(where)} order by {order}", tuple(params)
    )
    return [
        {
            column: float(row[column])
            if column.endswith(("_pct", "stickiness")) and row[column] is not None
            else row[column]
            for column in ("date_day", *columns)
        }
        for row in rows
    ]


def read_relation(settings: Settings, name: str, where: str = "", params: tuple = ()):
    """Rows of a published relation as dicts (the CLI's only way to the numbers)."""
    cols, rows = settings.query(f"select * from {_relation(settings, name)} {where}", params)
    return [dict(zip(cols, row, strict=True)) for row in rows]


# --- the app side: a reference writer of the touch log ------------------------------

_recent_touches: dict[tuple[str, int], dt.datetime] = {}


def prepare_touch_log(conn, schema: str = "app") -> None:
    """Once per database (at deploy time): the id sequence of activity_touches."""
    identifier("schema", schema)
    with conn.cursor() as cur:
        cur.execute(f"create sequence if not exists {schema}.activity_touches_id_seq")
        cur.execute(
            f"select setval('{schema}.activity_touches_id_seq', "
            f"greatest((select coalesce(max(id), 0) from {schema}.activity_touches), 1))"
        )
    conn.commit()


# a client clock a little ahead is normal; beyond this a timestamp is clamped to now
FUTURE_TOLERANCE = dt.timedelta(minutes=1)


def touch_last_activity(
    conn,
    user_id: int,
    ts: dt.datetime | None = None,
    force: bool = False,
    event_type: str = "mutation",
    operation_name: str | None = None,
    schema: str = "app",
) -> bool:
    """Record that `user_id` acted at `ts` (default now): append to activity_touches and
    move users.last_activity_at forward, in one conditional UPDATE. Within the 5-minute
    cooldown of the last touch nothing is written (unless `force`); an in-process cache
    answers before the database. Returns True when a touch was written.

    The caller's transaction is left alone: the touch joins it inside a savepoint and
    never commits it, so the touch is kept exactly when the caller's own work commits,
    and a failing touch rolls back only itself (on an autocommit connection the two
    statements run in a transaction of their own). Errors and bad arguments (a `ts` that
    is not a datetime, an id that is not an integer, an unknown event type, a schema that
    is not an identifier) are logged, never raised: tracking must not fail the caller. A
    `ts` more than a minute in the future (a wrong client clock) is clamped to now and
    logged, so it cannot hold the cooldown shut for later touches."""
    problem = _bad_touch_argument(user_id, ts, event_type, schema)
    if problem:
        log.error("touch_last_activity refused: %s", problem)
        return False
    ts = _touch_time(ts)
    key = (schema, user_id)
    cached = _recent_touches.get(key)
    if not force and cached is not None and cached <= ts < cached + cooldown():
        return False
    autocommit = getattr(conn, "autocommit", False)
    begin, keep, undo = (
        ("begin", "commit", "rollback")
        if autocommit
        else (
            "savepoint activity_touch",
            "release savepoint activity_touch",
            "rollback to savepoint activity_touch",
        )
    )
    try:
        with conn.cursor() as cur:
            cur.execute(begin)
            try:
                moved = _write_touch(cur, schema, user_id, ts, force, event_type, operation_name)
                cur.execute(keep)
            except Exception:
                cur.execute(undo)
                raise
    except Exception:  # tracking never fails the caller
        log.exception("touch_last_activity failed for user %s", user_id)
        return False
    if moved or force:
        _recent_touches[key] = ts
    return moved or force


def _touch_time(ts: dt.datetime | None) -> dt.datetime:
    """The touch's time in UTC: now when not given, naive meaning UTC, a time more than a
    minute in the future (a wrong client clock) clamped to now, with a warning."""
    now = dt.datetime.now(dt.UTC)
    ts = ts or now
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=dt.UTC)
    if ts > now + FUTURE_TOLERANCE:
        log.warning("touch_last_activity: ts %s is in the future; recorded at %s", ts, now)
        ts = now
    return ts


def _bad_touch_argument(user_id, ts, event_type, schema) -> str | None:
    if isinstance(user_id, bool) or not isinstance(user_id, int):
        return f"user_id {user_id!r} is not an integer"
    if ts is not None and not isinstance(ts, dt.datetime):
        return f"ts {ts!r} is not a datetime"
    if event_type not in counted_touch_types():
        return f"event_type {event_type!r} is not one of {', '.join(counted_touch_types())}"
    try:
        identifier("schema", schema)
    except WarehouseError as exc:
        return str(exc)
    return None


def _write_touch(cur, schema, user_id, ts, force, event_type, operation_name) -> bool:
    # the row lock of the UPDATE serialises concurrent writers for one user; the loser
    # re-reads the row and finds the cooldown active
    cur.execute(
        f"update {schema}.users set last_activity_at = %(ts)s "
        "where id = %(user_id)s and (last_activity_at is null "
        "or last_activity_at <= %(ts)s - (case when %(force)s "
        "then interval '0 seconds' else %(cooldown)s end)) returning id",
        {"ts": ts, "user_id": user_id, "force": force, "cooldown": cooldown()},
    )
    moved = cur.fetchone() is not None
    if moved or force:
        cur.execute(
            f"insert into {schema}.activity_touches "
            "(id, user_id, touched_at, event_type, operation_name) "
            f"values (nextval('{schema}.activity_touches_id_seq'), %s, %s, %s, %s)",
            (user_id, ts, event_type, operation_name),
        )
    return moved
