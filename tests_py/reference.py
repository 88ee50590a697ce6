"""An independent reference implementation of docs/CONTRACT.md section 2, in plain Python.

Sets of user ids per day; no SQL, nothing shared with the dbt project.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from activity_metrics.generator import ACTIVITY_TABLES

COUNTING_TOUCHES = {"login", "session_recovery", "mutation"}
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _rows(table, columns):
    """The rows as dicts of Python values (None where masked)."""
    as_lists = {
        col: (values.tolist(), None if mask is None else mask.tolist())
        for col, (values, mask) in ((col, table[col]) for col in columns)
    }
    out = []
    for i in range(table["id"][0].size):
        row = {}
        for col, (values, mask) in as_lists.items():
            row[col] = None if mask is not None and mask[i] else values[i]
        out.append(row)
    return out


def reference_metrics(tables, as_of: dt.date, timezone: str, wau_days=7, mau_days=30):
    series, last_activity, _ = reference_activity(tables, as_of, timezone, wau_days, mau_days)
    return series, last_activity


# activity__plausible_from_date / _until_date: activity dated outside is a rejected row
PLAUSIBLE = (dt.date(2000, 1, 1), dt.date(2099, 12, 31))


def _users(tables):
    users = {}
    for row in _rows(tables["users"], ["id", "created_at", "is_staff", "is_test", "deleted_at"]):
        users[row["id"]] = row
    included = {uid for uid, u in users.items() if not (u["is_staff"] or u["is_test"])}
    return users, included


def _counted_rows(tables, as_of, local_date, included):
    """(source, user id, timestamp, local day, event type) of every counted raw row."""
    for source, (actor, ts_col) in ACTIVITY_TABLES.items():
        cols = [actor, ts_col] + (["event_type"] if source == "activity_touches" else [])
        for row in _rows(tables[source], cols):
            uid, ts = row[actor], row[ts_col]
            if uid is None or uid not in included or ts is None:
                continue
            if source == "activity_touches" and row["event_type"] not in COUNTING_TOUCHES:
                continue
            day = local_date(ts)
            if day > as_of or not PLAUSIBLE[0] <= day <= PLAUSIBLE[1]:
                continue
            yield source, uid, ts, day, row.get("event_type")


def _local_date_in(timezone):
    zone = ZoneInfo(timezone)

    def local_date(us):
        return (EPOCH + dt.timedelta(microseconds=us)).astimezone(zone).date()

    return local_date


def reference_activity(tables, as_of: dt.date, timezone: str, wau_days=7, mau_days=30):
    """The series, the last activity per user, and the users active on each day."""
    local_date = _local_date_in(timezone)
    users, included = _users(tables)
    active_days: dict[dt.date, set[int]] = {}
    last: dict[int, tuple[int, str]] = {}
    for source, uid, ts, day, _ in _counted_rows(tables, as_of, local_date, included):
        active_days.setdefault(day, set()).add(uid)
        best = last.get(uid)
        # latest timestamp; ties go to the alphabetically first source
        if best is None or ts > best[0] or (ts == best[0] and source < best[1]):
            last[uid] = (ts, source)

    series = {}
    if active_days:
        day = min(active_days)
        while day <= as_of:

            def window(days, end=day):
                return len(_window_users(active_days, end, days))

            total = sum(
                1
                for uid in included
                if users[uid]["created_at"] is not None
                and local_date(users[uid]["created_at"]) <= day
                and (users[uid]["deleted_at"] is None or local_date(users[uid]["deleted_at"]) > day)
            )
            series[day] = (len(active_days.get(day, ())), window(wau_days), window(mau_days), total)
            day += dt.timedelta(days=1)
    last_activity = {uid: last.get(uid) for uid in included}
    return series, last_activity, active_days


def _window_users(active_days, end, days):
    seen = set()
    for k in range(days):
        seen |= active_days.get(end - dt.timedelta(days=k), set())
    return seen


# --- breakdowns by segment (CONTRACT section 5) ----------------------------------------

SOURCE_CATEGORY = {
    "accounts": "account",
    "send_transactions": "transaction",
    "payment_transactions": "transaction",
    "conversions": "transaction",
    "p2p_trades": "p2p",
    "p2p_messages": "p2p",
    "p2p_confirmations": "p2p",
    "user_achievements": "achievement",
    "business_operations": "business",
}
TOUCH_CATEGORY = {"login": "session", "session_recovery": "session", "mutation": "mutation"}


def reference_segments(tables, as_of: dt.date, timezone: str):
    """{(dimension, value, day): (dau, wau, mau)} straight from the definitions: the
    sets of users active with each value on each day, every day of the series, for
    every value that occurs (and `all`)."""
    local_date = _local_date_in(timezone)
    _, included = _users(tables)
    # dimension -> value -> day -> users
    active: dict[str, dict[str, dict[dt.date, set[int]]]] = {}

    def add(dimension, value, day, uid):
        active.setdefault(dimension, {}).setdefault(value, {}).setdefault(day, set()).add(uid)

    user_days = set()
    for source, uid, _, day, event_type in _counted_rows(tables, as_of, local_date, included):
        category = TOUCH_CATEGORY[event_type] if source == "activity_touches" else None
        add("activity_category", category or SOURCE_CATEGORY[source], day, uid)
        add("source_table", source, day, uid)
        add("all", "all", day, uid)
        user_days.add((uid, day))
    # account holdings: every account row with a known creation time
    first_account, first_business = {}, {}
    for row in _rows(tables["accounts"], ["user_id", "account_type", "created_at"]):
        uid, ts = row["user_id"], row["created_at"]
        if uid is None or ts is None:
            continue
        day = local_date(ts)
        first_account[uid] = min(day, first_account.get(uid, day))
        if row["account_type"] == "business":
            first_business[uid] = min(day, first_business.get(uid, day))
    for uid, day in user_days:
        if first_business.get(uid, dt.date.max) <= day:
            value = "business"
        elif first_account.get(uid, dt.date.max) <= day:
            value = "personal"
        else:
            value = "none"
        add("account_type", value, day, uid)
    expected = {}
    if not user_days:
        return expected
    days = [min(day for _, day in user_days)]
    while days[-1] < as_of:
        days.append(days[-1] + dt.timedelta(days=1))
    for dimension, values in active.items():
        for value, by_day in values.items():
            for day in days:
                expected[(dimension, value, day)] = (
                    len(by_day.get(day, ())),
                    len(_window_users(by_day, day, 7)),
                    len(_window_users(by_day, day, 30)),
                )
    return expected


# --- engagement depth (CONTRACT section 6) ---------------------------------------------


def reference_engagement(active_days: dict[dt.date, set[int]], as_of: dt.date):
    """The power-user curve {(day, N, k): users} for N = 7 and 30, and stickiness
    {(period kind, period start, k): (is_complete, users)} for weeks and months,
    straight from the definitions: each user's active days counted per window/period."""
    curve, stickiness = {}, {}
    if not active_days:
        return curve, stickiness
    first = min(active_days)
    day = first
    while day <= as_of:
        for window in (7, 30):
            counts: dict[int, int] = {}
            for k in range(window):
                for uid in active_days.get(day - dt.timedelta(days=k), ()):
                    counts[uid] = counts.get(uid, 0) + 1
            for k in range(1, window + 1):
                curve[(day, window, k)] = sum(1 for c in counts.values() if c == k)
        day += dt.timedelta(days=1)
    for kind in ("week", "month"):
        period = period_start(first, kind)
        while period <= as_of:
            end = next_period(period, kind) - dt.timedelta(days=1)
            counts = {}
            day = period
            while day <= min(end, as_of):
                for uid in active_days.get(day, ()):
                    counts[uid] = counts.get(uid, 0) + 1
                day += dt.timedelta(days=1)
            for k in range(1, (end - period).days + 2):
                stickiness[(kind, period, k)] = (
                    end <= as_of,
                    sum(1 for c in counts.values() if c == k),
                )
            period = next_period(period, kind)
    return curve, stickiness


# --- growth accounting and retention (CONTRACT section 4) -----------------------------


def period_start(day: dt.date, kind: str) -> dt.date:
    if kind == "week":
        return day - dt.timedelta(days=day.weekday())  # ISO: Monday
    if kind == "month":
        return day.replace(day=1)
    return day


def next_period(start: dt.date, kind: str) -> dt.date:
    if kind == "week":
        return start + dt.timedelta(days=7)
    if kind == "month":
        return (start + dt.timedelta(days=32)).replace(day=1)
    return start + dt.timedelta(days=1)


def reference_growth(active_days: dict[dt.date, set[int]], as_of: dt.date):
    """Growth accounting per (period kind, period start) and retention per (cohort
    month, months since), straight from the definitions: sets of users per period."""
    growth, cohorts = {}, {}
    if not active_days:
        return growth, cohorts
    first_day = {}
    for day in sorted(active_days):
        for uid in active_days[day]:
            first_day.setdefault(uid, day)
    for kind in ("day", "week", "month"):
        active: dict[dt.date, set[int]] = {}
        for day, uids in active_days.items():
            active.setdefault(period_start(day, kind), set()).update(uids)
        period = period_start(min(active_days), kind)
        previous: set[int] = set()
        while period <= as_of:
            now = active.get(period, set())
            new = {u for u in now if period_start(first_day[u], kind) == period}
            retained = now & previous
            resurrected = now - new - retained
            churned = previous - now
            end = next_period(period, kind) - dt.timedelta(days=1)
            growth[(kind, period)] = (
                end,
                end <= as_of,
                len(now),
                len(new),
                len(retained),
                len(resurrected),
                len(churned),
            )
            previous = now
            period = next_period(period, kind)
    months: dict[dt.date, set[int]] = {}
    for day, uids in active_days.items():
        months.setdefault(period_start(day, "month"), set()).update(uids)
    cohort_of = {uid: period_start(day, "month") for uid, day in first_day.items()}
    last_month = period_start(as_of, "month")
    for cohort in sorted(set(cohort_of.values())):
        members = {u for u, c in cohort_of.items() if c == cohort}
        month, since = cohort, 0
        while month <= last_month:
            cohorts[(cohort, since)] = (len(members), len(members & months.get(month, set())))
            month, since = next_period(month, "month"), since + 1
    return growth, cohorts
