"""The demo data generator, one step at a time (no database): each step's promise, and
the whole dataset's shape (the series spans the days asked for; nobody acts before they
exist)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from activity_metrics.config import cooldown
from activity_metrics.generator import (
    ACTIVITY_TABLES,
    IMPLAUSIBLE_US,
    SCHEMA,
    SOURCES,
    US_PER_DAY,
    GeneratorConfig,
    Period,
    _outside_cooldown,
    accounts_table,
    cooldown_one_by_one,
    draw_actions,
    draw_user_days,
    draw_users,
    generate,
    source_tables,
)

END = dt.date(2026, 3, 31)  # a Tuesday
PERIOD = Period(END, 120)


def test_period_days_and_weekdays():
    assert PERIOD.start_us == (dt.date(2025, 12, 2) - dt.date(1970, 1, 1)).days * US_PER_DAY
    assert PERIOD.end_us - PERIOD.start_us == 120 * US_PER_DAY
    last, first = PERIOD.weekday(np.array([119, 0]))
    assert (last, first) == (END.weekday(), dt.date(2025, 12, 2).weekday()) == (1, 1)


def test_cooldown_keeps_a_users_first_touch_the_forced_ones_and_those_five_minutes_on():
    minute = 60_000_000
    user = np.array([1, 1, 1, 1, 2])
    ts = np.array([0, 1 * minute, 4 * minute, 6 * minute, 2 * minute])
    forced = np.array([False, False, True, False, False])
    kept = _outside_cooldown(user, ts, forced)
    # 1 min: inside the cooldown; 4 min: forced (and restarts it); 6 min: 2 min after
    # the forced one, so inside; user 2's first touch: kept
    assert kept.tolist() == [True, False, True, False, True]
    assert 5 * minute == cooldown() // dt.timedelta(microseconds=1)  # the var's default


@pytest.mark.parametrize("seed", range(6))
def test_the_vectorised_cooldown_equals_the_apps_sequential_rule(seed):
    # dense bursts (gaps of 0-7 minutes, long chains inside the cooldown), ties, a few
    # users, forced touches: the cases where "the last written touch" is not the last one
    rng = np.random.default_rng(seed)
    minute = 60_000_000
    n = 3000
    user = np.sort(rng.integers(1, 6 + seed * 5, n))
    gaps = rng.choice([0, 1, 2, 3, 4, 5, 6, 7], n) * minute + rng.integers(0, minute, n)
    ts = np.cumsum(gaps)
    forced = rng.random(n) < 0.02
    kept = _outside_cooldown(user, ts, forced)
    assert kept.tolist() == cooldown_one_by_one(user, ts, forced).tolist()
    assert 0 < kept.sum() < n  # some written, some dropped: the cases occur
    assert _outside_cooldown(user[:0], ts[:0], forced[:0]).size == 0


def test_users_and_their_days_stay_inside_the_period():
    rng = np.random.default_rng(1)
    users = draw_users(rng, 2000, PERIOD)
    assert users.ids.tolist() == list(range(1, 2001))
    assert users.signup_day.min() >= 0 and users.signup_day.max() < PERIOD.days
    assert (users.created_us >= PERIOD.start_us).all() and (users.created_us < PERIOD.end_us).all()
    # growth: more sign-ups in the second half than in the first
    assert (users.signup_day >= 60).sum() > 1.5 * (users.signup_day < 60).sum()
    user, day = draw_user_days(rng, users, PERIOD)
    assert np.unique(user * 1000 + day).size == user.size  # (user, day) pairs are unique
    assert (day >= users.signup_day[user - 1]).all()  # nobody acts before signing up
    assert day.max() < PERIOD.days
    weekday = PERIOD.weekday(day)
    assert (weekday == 6).sum() < (weekday == 2).sum()  # fewer actives on Sundays


def test_every_source_table_has_its_schema_and_its_actions():
    rng = np.random.default_rng(2)
    users = draw_users(rng, 500, PERIOD)
    actions = draw_actions(rng, draw_user_days(rng, users, PERIOD), PERIOD)
    accounts = accounts_table(rng, users, PERIOD)
    tables, mutations = source_tables(rng, actions, accounts, 500)
    assert list(tables) == [spec.table for spec in SOURCES]
    assert sum(t["id"][0].size for t in tables.values()) == actions.user.size
    assert 0 < actions.session_only.mean() < 0.05  # a few session-only days
    for spec in SOURCES:
        table = tables[spec.table]
        assert list(table) == [name for name, _ in SCHEMA[spec.table]]
        assert (table[spec.actor][0] == mutations[spec.table][0]).all()
        assert (table[spec.timestamp][0] == mutations[spec.table][1]).all()
    # an operator acts for their own business account when they have one
    business = accounts["account_type"][0] == "business"
    owner_of = dict(zip(accounts["id"][0][business], accounts["user_id"][0][business], strict=True))
    ops = tables["business_operations"]
    owners = {owner for owner in owner_of.values()}
    for account, operator in zip(
        ops["business_account_id"][0], ops["operator_user_id"][0], strict=True
    ):
        assert account in owner_of
        if operator in owners:
            assert owner_of[account] == operator


def test_the_series_spans_the_days_asked_for():
    config = GeneratorConfig(users=1500, days=90, seed=5, end_date=END, dirty_rate=0.01)
    tables = generate(config)
    start, end = Period(END, 90).start_us, Period(END, 90).end_us
    created = dict(zip(tables["users"]["id"][0], tables["users"]["created_at"][0], strict=True))
    first_day = []
    for name, (actor, ts_column) in ACTIVITY_TABLES.items():
        ts, ts_null = tables[name][ts_column]
        actors, actor_null = tables[name][actor]
        clean = np.ones(ts.size, dtype=bool)
        for mask in (ts_null, actor_null):
            if mask is not None:
                clean &= ~mask
        clean &= (ts > IMPLAUSIBLE_US[0] + US_PER_DAY) & (ts < end)  # not the dirty kinds
        clean &= actors <= config.users
        assert (ts[clean] >= start).all(), name
        # nobody acts before their account exists (to the day: times of day are drawn)
        signed_up = np.array([created[a] for a in actors[clean]])
        assert (ts[clean] // US_PER_DAY >= signed_up // US_PER_DAY).all(), name
        first_day.append(ts[clean].min() // US_PER_DAY)
    assert min(first_day) == start // US_PER_DAY
