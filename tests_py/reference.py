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
    out = []
    for i in range(table["id"][0].size):
        row = {}
        for col in columns:
            values, mask = table[col]
            row[col] = None if mask is not None and mask[i] else values[i].item()
        out.append(row)
    return out


def reference_metrics(tables, as_of: dt.date, timezone: str, wau_days=7, mau_days=30):
    series, last_activity, _ = reference_activity(tables, as_of, timezone, wau_days, mau_days)
    return series, last_activity


# activity__plausible_from_date / _until_date: activity dated outside is a rejected row
PLAUSIBLE = (dt.date(2000, 1, 1), dt.date(2099, 12, 31))


def reference_activity(tables, as_of: dt.date, timezone: str, wau_days=7, mau_days=30):
    """The series, the last activity per user, and the users active on each day."""
    zone = ZoneInfo(timezone)

    def local_date(us):
        return (EPOCH + dt.timedelta(microseconds=us)).astimezone(zone).date()

    users = {}
    for row in _rows(tables["users"], ["id", "created_at", "is_staff", "is_test", "deleted_at"]):
        users[row["id"]] = row
    included = {uid for uid, u in users.items() if not (u["is_staff"] or u["is_test"])}

    active_days: dict[dt.date, set[int]] = {}
    last: dict[int, tuple[int, str]] = {}
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
                seen = set()
                for k in range(days):
                    seen |= active_days.get(end - dt.timedelta(days=k), set())
                return len(seen)

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
