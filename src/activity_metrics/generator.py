"""Seeded synthetic data for the raw schema of docs/CONTRACT.md: a product that launches on
the first generated day. One step per function (users, user-days, actions, each table), the
transactional tables driven by one spec (SOURCES).

Vectorised with numpy; returns the tables (`ArrowOneByOne` hands them to an engine as Arrow)
and writes nothing: an engine (activity_metrics.engines) loads them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from .config import cooldown

US_PER_DAY = 86_400_000_000
# text columns as NumPy's variable-width strings: 16 bytes a value (short ones inline),
# a quarter of a fixed-width "<U16", and Arrow reads them without a Python object each
STRING = np.dtypes.StringDType()
# 1900-01-01 and 9999-12-30 in microseconds since the epoch (implausible dirty rows)
IMPLAUSIBLE_US = (
    (dt.date(1900, 1, 1) - dt.date(1970, 1, 1)).days * US_PER_DAY,
    (dt.date(9999, 12, 30) - dt.date(1970, 1, 1)).days * US_PER_DAY,
)

# table -> [(column, kind)]; kind: id, ts, bool, str, num
SCHEMA: dict[str, list[tuple[str, str]]] = {
    "users": [
        ("id", "id"),
        ("created_at", "ts"),
        ("is_staff", "bool"),
        ("is_test", "bool"),
        ("deleted_at", "ts"),
        ("last_activity_at", "ts"),
    ],
    "accounts": [("id", "id"), ("user_id", "id"), ("account_type", "str"), ("created_at", "ts")],
    "send_transactions": [
        ("id", "id"),
        ("sender_user_id", "id"),
        ("recipient_user_id", "id"),
        ("amount", "num"),
        ("currency", "str"),
        ("status", "str"),
        ("created_at", "ts"),
    ],
    "payment_transactions": [
        ("id", "id"),
        ("payer_user_id", "id"),
        ("merchant_account_id", "id"),
        ("amount", "num"),
        ("currency", "str"),
        ("status", "str"),
        ("created_at", "ts"),
    ],
    "conversions": [
        ("id", "id"),
        ("user_id", "id"),
        ("from_currency", "str"),
        ("to_currency", "str"),
        ("amount", "num"),
        ("status", "str"),
        ("created_at", "ts"),
    ],
    "p2p_trades": [
        ("id", "id"),
        ("buyer_user_id", "id"),
        ("seller_user_id", "id"),
        ("status", "str"),
        ("created_at", "ts"),
    ],
    "p2p_messages": [
        ("id", "id"),
        ("trade_id", "id"),
        ("sender_user_id", "id"),
        ("created_at", "ts"),
    ],
    "p2p_confirmations": [
        ("id", "id"),
        ("trade_id", "id"),
        ("user_id", "id"),
        ("confirmation_type", "str"),
        ("created_at", "ts"),
    ],
    "user_achievements": [
        ("id", "id"),
        ("user_id", "id"),
        ("achievement_slug", "str"),
        ("earned_at", "ts"),
    ],
    "business_operations": [
        ("id", "id"),
        ("business_account_id", "id"),
        ("operator_user_id", "id"),
        ("operation_type", "str"),
        ("created_at", "ts"),
    ],
    "activity_touches": [
        ("id", "id"),
        ("user_id", "id"),
        ("touched_at", "ts"),
        ("event_type", "str"),
        ("operation_name", "str"),
    ],
}
UNKNOWN_EVENT_TYPES = np.array(["biometric_unlock", "webhook_callback"], dtype=STRING)

Column = tuple[np.ndarray, np.ndarray | None]  # values, null mask (None: no nulls)
Table = dict[str, Column]


@dataclass
class GeneratorConfig:
    users: int = 20_000
    days: int = 365
    seed: int = 42
    end_date: dt.date | None = None
    dirty_rate: float = 0.005
    stale_share: float = 0.01
    missing_share: float = 0.01
    touch_log_start_fraction: float = 0.25
    # failure modes of the app's tracking (the monitors must catch each one):
    # a mutation type the middleware misses (its actions get no touch and do not move
    # users.last_activity_at, from the touch log's first day on) ...
    middleware_missed_source: str | None = None
    # ... users.last_activity_at never backfilled for activity before the touch log ...
    backfill_never_ran: bool = False
    # ... and days (offsets from the first day) on which the touch log wrote nothing.
    touch_outage_days: tuple[int, ...] = ()

    def resolved_end_date(self) -> dt.date:
        return self.end_date or (dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1))


@dataclass(frozen=True)
class Period:
    """The generated days: day 0 is the product's launch, day `days - 1` the end date."""

    end_date: dt.date
    days: int

    @property
    def start_us(self) -> int:
        return _day_us(self.end_date - dt.timedelta(days=self.days - 1))

    @property
    def end_us(self) -> int:  # exclusive
        return _day_us(self.end_date) + US_PER_DAY

    def timestamps(self, rng: np.random.Generator, day: np.ndarray) -> np.ndarray:
        """A time of each given day (offsets from day 0), in microseconds since the epoch."""
        return self.start_us + day * US_PER_DAY + _time_of_day_us(rng, day.size)

    def weekday(self, day: np.ndarray) -> np.ndarray:
        """0 = Monday."""
        return (_day_us(self.end_date) // US_PER_DAY - (self.days - 1 - day) + 3) % 7


@dataclass(frozen=True)
class Users:
    ids: np.ndarray
    signup_day: np.ndarray  # offset from day 0
    created_us: np.ndarray


@dataclass(frozen=True)
class Actions:
    """Every transactional action: who, when, and the index of its source in SOURCES;
    and which user-days had none (a session only: a login, nothing written)."""

    user: np.ndarray
    ts: np.ndarray
    source: np.ndarray
    session_only: np.ndarray  # per user-day


class Draws:
    """The random values the source specs fill their other columns with."""

    def __init__(self, rng, n_users, business_accounts, business_owners, rows_per_source):
        self.rng = rng
        self.n_users = n_users
        self.business_accounts = business_accounts
        self.business_owners = business_owners
        self.rows_per_source = rows_per_source

    def pick(self, values: list[str], n: int) -> Column:
        return _pick(self.rng, values, n), None

    def amount(self, mean_log: float, sigma: float, n: int) -> Column:
        return np.round(self.rng.lognormal(mean_log, sigma, n), 2), None

    def user(self, n: int, null_share: float = 0.0) -> Column:
        mask = self.rng.random(n) < null_share if null_share else None
        return self.rng.integers(1, self.n_users + 1, n), mask

    def trade(self, n: int) -> Column:
        return self.rng.integers(1, max(self.rows_per_source["p2p_trades"], 1) + 1, n), None

    def merchant(self, n: int) -> Column:
        merchants = self.business_accounts if self.business_accounts.size else np.ones(1, int)
        return merchants[self.rng.integers(0, merchants.size, n)], None

    def business_account(self, operator: np.ndarray) -> Column:
        """The account an operator acts for: their own business account if they have
        one, else one they are a teammate on."""
        if not self.business_accounts.size:
            return np.ones(operator.size, dtype=np.int64), None
        own = np.zeros(self.n_users + 1, dtype=np.int64)
        own[self.business_owners] = self.business_accounts
        teammate = self.business_accounts[
            self.rng.integers(0, self.business_accounts.size, operator.size)
        ]
        return np.where(own[operator] > 0, own[operator], teammate), None


@dataclass(frozen=True)
class SourceSpec:
    """A transactional table of the contract: its actor and timestamp columns, its share of
    a day's actions, and how its other columns are drawn (a function of the draws and the
    actors)."""

    table: str
    actor: str
    timestamp: str
    share: float
    columns: Callable[[Draws, np.ndarray], dict[str, Column]]


def _business_operations(d: Draws, actor: np.ndarray) -> dict[str, Column]:
    return {
        "business_account_id": d.business_account(actor),
        "operation_type": d.pick(["payroll", "invoice", "bulk_send", "settings"], actor.size),
    }


SOURCES: tuple[SourceSpec, ...] = (
    SourceSpec(
        "send_transactions", "sender_user_id", "created_at", 0.32,
        lambda d, a: {
            "recipient_user_id": d.user(a.size, null_share=0.3),
            "amount": d.amount(3, 1.2, a.size),
            "currency": d.pick(["USD", "EUR", "COP", "USDT"], a.size),
            "status": d.pick(["completed"] * 8 + ["failed", "pending"], a.size),
        },
    ),
    SourceSpec(
        "payment_transactions", "payer_user_id", "created_at", 0.2,
        lambda d, a: {
            "merchant_account_id": d.merchant(a.size),
            "amount": d.amount(2.5, 1, a.size),
            "currency": d.pick(["USD", "COP"], a.size),
            "status": d.pick(["completed"] * 9 + ["failed"], a.size),
        },
    ),
    SourceSpec(
        "conversions", "user_id", "created_at", 0.1,
        lambda d, a: {
            "from_currency": d.pick(["USD", "COP"], a.size),
            "to_currency": d.pick(["USDT", "EUR"], a.size),
            "amount": d.amount(3, 1, a.size),
            "status": d.pick(["completed"] * 9 + ["failed"], a.size),
        },
    ),
    SourceSpec(
        "p2p_trades", "buyer_user_id", "created_at", 0.06,
        lambda d, a: {
            "seller_user_id": d.user(a.size),
            "status": d.pick(["open", "completed", "cancelled"], a.size),
        },
    ),
    SourceSpec(
        "p2p_messages", "sender_user_id", "created_at", 0.12,
        lambda d, a: {"trade_id": d.trade(a.size)},
    ),
    SourceSpec(
        "p2p_confirmations", "user_id", "created_at", 0.06,
        lambda d, a: {
            "trade_id": d.trade(a.size),
            "confirmation_type": d.pick(["payment_sent", "payment_received", "released"], a.size),
        },
    ),
    SourceSpec(
        "user_achievements", "user_id", "earned_at", 0.04,
        lambda d, a: {
            "achievement_slug": d.pick(["first_send", "streak_7", "kyc_done", "p2p_pro"], a.size)
        },
    ),
    SourceSpec(
        "business_operations", "operator_user_id", "created_at", 0.1, _business_operations
    ),
)  # fmt: skip
# (actor column, timestamp column) of every activity table of the contract
ACTIVITY_TABLES = {
    "accounts": ("user_id", "created_at"),
    **{spec.table: (spec.actor, spec.timestamp) for spec in SOURCES},
    "activity_touches": ("user_id", "touched_at"),
}


def _day_us(day: dt.date) -> int:
    return (day - dt.date(1970, 1, 1)).days * US_PER_DAY


def _time_of_day_us(rng: np.random.Generator, n: int) -> np.ndarray:
    # diurnal: most activity in the (UTC) afternoon/evening, some near midnight
    hours = np.clip(rng.normal(16.0, 5.0, n), 0, 23.999999)
    return (hours * 3_600_000_000).astype(np.int64)


def _pick(rng: np.random.Generator, values: list[str], n: int) -> np.ndarray:
    return np.array(values, dtype=STRING)[rng.integers(0, len(values), n)]


def _ids(n: int) -> np.ndarray:
    return np.arange(1, n + 1, dtype=np.int64)


def generate(config: GeneratorConfig) -> dict[str, Table]:
    """The raw tables of the contract, numbered in arrival order: the steps below, each
    a function of the previous ones' results."""
    rng = np.random.default_rng(config.seed)
    period = Period(config.resolved_end_date(), config.days)
    users = draw_users(rng, config.users, period)
    user_days = draw_user_days(rng, users, period)
    actions = draw_actions(rng, user_days, period)
    accounts = accounts_table(rng, users, period)
    tables, mutations = source_tables(rng, actions, accounts, config.users)
    mutations = {"accounts": (accounts["user_id"][0], accounts["created_at"][0]), **mutations}
    touch_start = period.start_us + int(config.touch_log_start_fraction * period.days) * US_PER_DAY
    touches, touched = touch_log(
        rng, config, period, user_days, actions.session_only, mutations, touch_start
    )
    app_last = app_last_activity(config, touched, mutations, touch_start)
    tables.update(accounts=accounts, activity_touches=touches)
    _add_dirty_rows(rng, tables, config.dirty_rate, config.users, period.end_us)
    tables["users"] = users_table(rng, config, users, period, app_last)
    return number_by_arrival({name: tables[name] for name in SCHEMA})


def draw_users(rng: np.random.Generator, n_users: int, period: Period) -> Users:
    """Sign-ups from the launch (day 0) on, more of them as the product grows: the
    density of the sign-up day rises over the period (a Beta(1.6, 1) shape); the first
    1% (the beta testers) sign up on launch day, so the series starts on day 0."""
    signup_day = (rng.beta(1.6, 1.0, n_users) * period.days).astype(np.int64)
    signup_day[: max(1, n_users // 100)] = 0
    return Users(_ids(n_users), signup_day, period.timestamps(rng, signup_day))


# share of active user-days with a session only (a login, no transactional action)
SESSION_ONLY_SHARE = 0.02
# share of a weekday's activity that still happens on each weekday (Monday first)
WEEKDAY_ACTIVITY = np.array([1, 1, 1, 1, 0.95, 0.75, 0.65])


def draw_user_days(
    rng: np.random.Generator, users: Users, period: Period
) -> tuple[np.ndarray, np.ndarray]:
    """(user, day) pairs with activity, unique: a heavy-tailed propensity per user, a
    first life from sign-up that ends in churn, a second one for the 15% who come back
    (resurrection), fewer actives at weekends."""
    n_users, n_days = users.ids.size, period.days
    propensity = np.clip(np.exp(rng.normal(-2.2, 1.1, n_users)), 0.003, 0.9)
    life_len = np.maximum(1, rng.exponential(150, n_users).astype(np.int64))
    resurrect = rng.random(n_users) < 0.15
    back_start = users.signup_day + life_len + rng.exponential(60, n_users).astype(np.int64)
    back_len = np.where(resurrect, rng.exponential(60, n_users).astype(np.int64) + 1, 0)
    period_user = np.concatenate([np.arange(n_users), np.arange(n_users)])
    period_start = np.concatenate([users.signup_day, back_start])
    period_len = np.clip(
        np.concatenate([life_len, back_len]), 0, np.maximum(0, n_days - period_start)
    )
    k = rng.binomial(period_len, propensity[period_user])
    ud_user = np.repeat(period_user, k)
    ud_day = np.repeat(period_start, k) + (rng.random(k.sum()) * np.repeat(period_len, k)).astype(
        np.int64
    )
    keep = rng.random(ud_day.size) < WEEKDAY_ACTIVITY[period.weekday(ud_day)]
    key = np.unique(ud_user[keep] * (n_days + 1) + ud_day[keep])
    return users.ids[key // (n_days + 1)], key % (n_days + 1)


def draw_actions(
    rng: np.random.Generator, user_days: tuple[np.ndarray, np.ndarray], period: Period
) -> Actions:
    """1 + a geometric number of actions per active day, each from a source drawn by
    its share (SOURCES); 2% of active days are a session only (no action): only the
    touch log sees those, once it is live."""
    ud_user, ud_day = user_days
    n_actions = rng.geometric(0.45, ud_user.size)
    session_only = rng.random(ud_user.size) < SESSION_ONLY_SHARE
    n_actions[session_only] = 0
    user = np.repeat(ud_user, n_actions)
    ts = period.timestamps(rng, np.repeat(ud_day, n_actions))
    shares = np.array([spec.share for spec in SOURCES])
    source = rng.choice(len(SOURCES), user.size, p=shares / shares.sum())
    return Actions(user, ts, source, session_only)


def accounts_table(rng: np.random.Generator, users: Users, period: Period) -> Table:
    """A personal account at sign-up; 5% also open a business account later."""
    n_users = users.ids.size
    biz = rng.random(n_users) < 0.05
    user = np.concatenate([users.ids, users.ids[biz]])
    later = (rng.exponential(30, int(biz.sum())) * US_PER_DAY).astype(np.int64)
    ts = np.concatenate([users.created_us, users.created_us[biz] + later])
    account_type = np.repeat(np.array(["personal", "business"], dtype=STRING), [n_users, biz.sum()])
    opened = ts < period.end_us
    return {
        "id": (_ids(int(opened.sum())), None),
        "user_id": (user[opened], None),
        "account_type": (account_type[opened], None),
        "created_at": (ts[opened], None),
    }


def source_tables(
    rng: np.random.Generator, actions: Actions, accounts: Table, n_users: int
) -> tuple[dict[str, Table], dict[str, tuple[np.ndarray, np.ndarray]]]:
    """Every transactional table of SOURCES, and each one's (actor, timestamp) pairs:
    each action is an authenticated mutation that the app's middleware touches."""
    business = accounts["account_type"][0] == "business"
    draws = Draws(
        rng,
        n_users,
        accounts["id"][0][business],
        accounts["user_id"][0][business],
        {spec.table: int((actions.source == i).sum()) for i, spec in enumerate(SOURCES)},
    )
    tables: dict[str, Table] = {}
    mutations = {}
    for i, spec in enumerate(SOURCES):
        chosen = actions.source == i
        actor, ts = actions.user[chosen], actions.ts[chosen]
        columns = {spec.actor: (actor, None), **spec.columns(draws, actor)}
        columns.update({"id": (_ids(actor.size), None), spec.timestamp: (ts, None)})
        tables[spec.table] = {name: columns[name] for name, _ in SCHEMA[spec.table]}
        mutations[spec.table] = (actor, ts)
    return tables, mutations


def touch_log(rng, config, period, user_days, session_only, mutations, touch_start):
    """The touch log and the touches the app wrote (before an outage lost rows): it
    starts part-way through the period (the middleware shipped later); a login or session
    recovery on most active days (on every session-only day), a mutation touch per
    action, kept only outside the 5-minute cooldown unless forced; plus reads, which do
    not count."""
    ud_user, ud_day = user_days
    login = (rng.random(ud_user.size) < 0.85) | session_only
    n_login = int(login.sum())
    login_ts = period.timestamps(rng, ud_day[login])
    tracked = [mt for src, mt in mutations.items() if src != config.middleware_missed_source]
    t_user = np.concatenate([ud_user[login], *(mu for mu, _ in tracked)])
    t_ts = np.concatenate([login_ts, *(mt for _, mt in tracked)])
    t_type = np.concatenate(
        [
            np.array(["login", "session_recovery"], dtype=STRING)[
                (rng.random(n_login) >= 0.8).astype(np.intp)
            ],
            np.full(t_user.size - n_login, "mutation", dtype=STRING),
        ]
    )
    in_period = (t_ts >= touch_start) & (t_ts < period.end_us)
    t_user, t_ts, t_type = t_user[in_period], t_ts[in_period], t_type[in_period]
    order = np.lexsort((t_ts, t_user))
    t_user, t_ts, t_type = t_user[order], t_ts[order], t_type[order]
    kept = _outside_cooldown(t_user, t_ts, rng.random(t_user.size) < 0.02)
    t_user, t_ts, t_type = t_user[kept], t_ts[kept], t_type[kept]
    touched = (t_user, t_ts)
    # a touch-log outage loses the log rows (the field's UPDATE still ran)
    day = (t_ts - period.start_us) // US_PER_DAY
    outage = np.isin(day, np.array(config.touch_outage_days, int))
    t_user, t_ts, t_type = t_user[~outage], t_ts[~outage], t_type[~outage]
    reads = rng.random(t_user.size) < 0.1
    t_user = np.concatenate([t_user, t_user[reads]])
    t_ts = np.concatenate([t_ts, t_ts[reads] + 1_000_000])
    t_type = np.concatenate([t_type, _pick(rng, ["query", "page_view"], int(reads.sum()))])
    operations = ["sendMoney", "payMerchant", "convert", "createTrade", "sendMessage"]
    op = np.where(t_type == "mutation", _pick(rng, operations, t_type.size), "").astype(STRING)
    table = {
        "id": (_ids(t_user.size), None),
        "user_id": (t_user, None),
        "touched_at": (t_ts, None),
        "event_type": (t_type, None),
        "operation_name": (op, t_type != "mutation"),
    }
    return table, touched


def _outside_cooldown(user: np.ndarray, ts: np.ndarray, forced: np.ndarray) -> np.ndarray:
    """Which touches (sorted by user, time) the app writes: the first of a user, any
    one the cooldown (var activity__cooldown_minutes) or more after the user's last
    written touch, and the forced ones.

    Vectorised, exactly the app's sequential rule: a touch the cooldown or more after
    the touch just before it, a user's first and a forced one are written whatever
    else is; a touch within the cooldown of a written one is dropped whatever else is
    (a later written one would only be nearer); and after each written touch, the
    first touch not yet decided is written. Each round decides at least one touch per
    run of close touches, so the rounds are as many as the longest such chain."""
    cooldown_us = cooldown() // dt.timedelta(microseconds=1)
    n = user.size
    kept = forced.copy()
    if n:
        kept[0] = True
        kept[1:] |= (user[1:] != user[:-1]) | (ts[1:] - ts[:-1] >= cooldown_us)
    decided = kept.copy()
    position = np.arange(n)
    while not decided.all():
        # the last written touch at or before each one (a user's first is written)
        last = np.maximum.accumulate(np.where(kept, position, 0))
        decided |= ts - ts[last] < cooldown_us
        open_ = np.flatnonzero(~decided)
        if not open_.size:
            break
        first_after = np.ones(open_.size, dtype=bool)
        first_after[1:] = last[open_[1:]] != last[open_[:-1]]
        kept[open_[first_after]] = True
        decided[open_[first_after]] = True
    return kept


def cooldown_one_by_one(user: np.ndarray, ts: np.ndarray, forced: np.ndarray) -> np.ndarray:
    """The same rule touch by touch, as the app applies it: the spec that
    _outside_cooldown is tested against (tests_py/test_generator.py) and timed beside
    (scripts/bench_generator.py); too slow for size L."""
    cooldown_us = cooldown() // dt.timedelta(microseconds=1)
    kept = np.zeros(user.size, dtype=bool)
    last_user, last_ts = None, 0
    for i, (usr, t, force) in enumerate(
        zip(user.tolist(), ts.tolist(), forced.tolist(), strict=True)
    ):
        if force or usr != last_user or t - last_ts >= cooldown_us:
            kept[i] = True
            last_user, last_ts = usr, t
    return kept


def app_last_activity(config, touched, mutations, touch_start) -> np.ndarray:
    """users.last_activity_at as the app keeps it (min int64: never set): moved to each
    written touch; set at deploy time from the transactional history before the touch
    log, unless that backfill never ran."""
    app_last = np.full(config.users, np.iinfo(np.int64).min)
    np.maximum.at(app_last, touched[0] - 1, touched[1])
    if not config.backfill_never_ran:
        hist_u = np.concatenate([mu for mu, _ in mutations.values()])
        hist_t = np.concatenate([mt for _, mt in mutations.values()])
        before = hist_t < touch_start
        np.maximum.at(app_last, hist_u[before] - 1, hist_t[before])
    return app_last


def users_table(rng, config, users: Users, period: Period, app_last: np.ndarray) -> Table:
    """The users: a few staff and test users, 2% deleted, and the app's own
    last_activity_at, mostly in sync (some stale, some missing)."""
    n = users.ids.size
    is_staff = rng.random(n) < 0.003
    is_test = rng.random(n) < 0.007
    deleted_mask = rng.random(n) < 0.02
    deleted = users.created_us + (rng.exponential(90, n) * US_PER_DAY).astype(np.int64)
    has_activity = app_last > np.iinfo(np.int64).min
    stale = rng.random(n) < config.stale_share
    lag = (rng.exponential(10, n) * US_PER_DAY).astype(np.int64)
    missing = ~has_activity | (rng.random(n) < config.missing_share)
    return {
        "id": (users.ids, None),
        "created_at": (users.created_us, None),
        "is_staff": (is_staff, None),
        "is_test": (is_test, None),
        "deleted_at": (deleted, ~deleted_mask | (deleted >= period.end_us)),
        "last_activity_at": (np.where(stale, app_last - lag, app_last), missing),
    }


def arrival_times(tables: dict[str, Table], delay_us=None) -> dict[str, np.ndarray]:
    """When each activity row reaches the warehouse: its timestamp (a row with a null
    timestamp at the epoch) plus its delay, per table (delay_us: table -> array)."""
    out = {}
    for name, (_, ts_col) in ACTIVITY_TABLES.items():
        ts, mask = tables[name][ts_col]
        arrival = np.where(mask if mask is not None else False, 0, ts)
        out[name] = arrival + (delay_us[name] if delay_us else 0)
    return out


def number_by_arrival(tables: dict[str, Table], delay_us=None) -> dict[str, Table]:
    """Rows in the order they arrive, with ids 1..n in that order, as an app database
    numbers them (a sequence assigns the id at insert). A row that arrives late (an
    offline client's queue, a delayed job) gets a new, high id whatever its timestamp."""
    arrivals = arrival_times(tables, delay_us)
    out = dict(tables)
    for name, arrival in arrivals.items():
        order = np.argsort(arrival, kind="stable")
        table = {
            col: (vals[order], None if m is None else m[order])
            for col, (vals, m) in tables[name].items()
        }
        table["id"] = (np.arange(1, order.size + 1, dtype=np.int64), None)
        out[name] = table
    return out


def arrived_by(tables: dict[str, Table], cutoff_us: int, delay_us=None) -> dict[str, Table]:
    """The raw tables as they stood at cutoff: a row arrives at its timestamp plus its
    delay. Number the rows by arrival first (number_by_arrival with the same delays)."""
    out = dict(tables)
    for name, arrival in arrival_times(tables, delay_us).items():
        keep = arrival < cutoff_us
        out[name] = {
            col: (vals[keep], None if m is None else m[keep])
            for col, (vals, m) in tables[name].items()
        }
    return out


FEED_FAULTS = ("stopped", "tripled", "delivered_twice")


def with_feed_fault(
    tables: dict[str, Table], table: str, fault: str, first_day: dt.date, days: int = 1
) -> dict[str, Table]:
    """The raw tables with one broken feed (what the anomaly alerts must name), on the
    UTC days first_day .. first_day + days - 1 of one activity table: `stopped` (the
    replica stalled: those days' rows never arrive), `tripled` (a spike: each of those
    days' rows twice more, with new ids) or `delivered_twice` (the replica applied those
    days again: every row a second time, with the same id)."""
    if fault not in FEED_FAULTS:
        raise ValueError(f"fault must be one of {', '.join(FEED_FAULTS)}, not {fault!r}")
    ts_col = ACTIVITY_TABLES[table][1]
    rows = tables[table]
    start = _day_us(first_day)
    hit = (rows[ts_col][0] >= start) & (rows[ts_col][0] < start + days * US_PER_DAY)
    if fault == "stopped":
        keep = ~hit
        out = {col: (v[keep], None if m is None else m[keep]) for col, (v, m) in rows.items()}
    else:
        copies = 2 if fault == "tripled" else 1
        index = np.concatenate([np.arange(hit.size), np.tile(np.flatnonzero(hit), copies)])
        out = {col: (v[index], None if m is None else m[index]) for col, (v, m) in rows.items()}
        if fault == "tripled":
            ids = out["id"][0].copy()
            ids[hit.size :] = rows["id"][0].max() + 1 + np.arange(ids.size - hit.size)
            out["id"] = (ids, None)
    return {**tables, table: out}


def _mask(column: tuple[np.ndarray, np.ndarray | None]) -> np.ndarray:
    values, mask = column
    return np.zeros(values.size, dtype=bool) if mask is None else mask


def _add_dirty_rows(rng, tables, rate, n_users, end_us):
    """Every dirty kind the contract names, in every activity table, at `rate`."""
    if rate <= 0:
        return
    for name, (actor, ts_col) in ACTIVITY_TABLES.items():
        table = tables[name]
        n = table["id"][0].size
        kind = rng.random(n)
        actor_vals, actor_mask = table[actor][0].copy(), _mask(table[actor]).copy()
        ts_vals, ts_mask = table[ts_col][0].copy(), _mask(table[ts_col]).copy()
        q = rate / 5
        actor_mask |= kind < q  # null actor
        unknown = (kind >= q) & (kind < 2 * q)
        actor_vals[unknown] = n_users + 1000 + rng.integers(0, 1000, int(unknown.sum()))
        ts_mask |= (kind >= 2 * q) & (kind < 3 * q)  # null timestamp
        # implausible: a clock reset to 1900, or a 9999 sentinel
        implausible = np.flatnonzero((kind >= 3 * q) & (kind < 4 * q))
        ts_vals[implausible] = np.where(
            rng.random(implausible.size) < 0.5, IMPLAUSIBLE_US[0], IMPLAUSIBLE_US[1]
        ) + rng.integers(0, US_PER_DAY, implausible.size)
        late = (kind >= 4 * q) & (kind < rate)  # after the as-of date
        ts_vals[late] = end_us + rng.integers(0, 3 * US_PER_DAY, int(late.sum()))
        table[actor] = (actor_vals, actor_mask)
        table[ts_col] = (ts_vals, ts_mask)
        if name == "activity_touches":
            types = table["event_type"][0].copy()
            unknown_type = rng.random(n) < rate
            types[unknown_type] = UNKNOWN_EVENT_TYPES[
                rng.integers(0, UNKNOWN_EVENT_TYPES.size, int(unknown_type.sum()))
            ]
            table["event_type"] = (types, None)


def to_arrow(name: str, table: Table) -> pa.Table:
    """One raw table as Arrow, in the contract's column order (timestamps in UTC)."""
    arrays, fields = [], []
    for column, kind in SCHEMA[name]:
        values, mask = table[column]
        typ = {
            "id": pa.int64(),
            "ts": pa.timestamp("us", tz="UTC"),
            "bool": pa.bool_(),
            "str": pa.string(),
            "num": pa.float64(),
        }[kind]
        arrays.append(pa.array(values, type=typ, mask=mask))
        fields.append(pa.field(column, typ))
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


class ArrowOneByOne:
    """The generated tables as Arrow for an engine's write_tables, converted one at a
    time as the engine reads them and each let go of once written (a caller that keeps
    no reference of its own to `tables` frees them as they go): at size L two whole
    copies of the raw data do not fit in memory."""

    def __init__(self, tables: dict[str, Table]):
        self._tables = dict(tables)

    def items(self):
        while self._tables:
            name = next(iter(self._tables))
            yield name, to_arrow(name, self._tables.pop(name))
