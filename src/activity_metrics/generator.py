"""Seeded synthetic data for the raw schema of docs/CONTRACT.md.

Vectorised with numpy; loaded in bulk (DuckDB from Arrow, PostgreSQL with COPY).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from .warehouse import identifier

US_PER_DAY = 86_400_000_000
# 1900-01-01 and 9999-12-30 in microseconds since the epoch (implausible dirty rows)
IMPLAUSIBLE_US = (
    (dt.date(1900, 1, 1) - dt.date(1970, 1, 1)).days * US_PER_DAY,
    (dt.date(9999, 12, 30) - dt.date(1970, 1, 1)).days * US_PER_DAY,
)
COOLDOWN_US = 5 * 60 * 1_000_000

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
# (table, actor column, timestamp column) of the transactional activity sources
ACTIVITY_TABLES = {
    "accounts": ("user_id", "created_at"),
    "send_transactions": ("sender_user_id", "created_at"),
    "payment_transactions": ("payer_user_id", "created_at"),
    "conversions": ("user_id", "created_at"),
    "p2p_trades": ("buyer_user_id", "created_at"),
    "p2p_messages": ("sender_user_id", "created_at"),
    "p2p_confirmations": ("user_id", "created_at"),
    "user_achievements": ("user_id", "earned_at"),
    "business_operations": ("operator_user_id", "created_at"),
    "activity_touches": ("user_id", "touched_at"),
}
# DuckDB keeps some timestamps naive (meaning UTC) and some timestamptz, as the contract
# allows: staging must handle both.
DUCKDB_TZ_COLUMNS = {("activity_touches", "touched_at"), ("users", "last_activity_at")}
# share of each transactional source among a day's actions
SOURCE_MIX = {
    "send_transactions": 0.32,
    "payment_transactions": 0.2,
    "conversions": 0.1,
    "p2p_trades": 0.06,
    "p2p_messages": 0.12,
    "p2p_confirmations": 0.06,
    "user_achievements": 0.04,
    "business_operations": 0.1,
}
UNKNOWN_EVENT_TYPES = np.array(["biometric_unlock", "webhook_callback"])


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


Table = dict[str, tuple[np.ndarray, np.ndarray | None]]  # column -> (values, null mask)


def _day_us(day: dt.date) -> int:
    return (day - dt.date(1970, 1, 1)).days * US_PER_DAY


def _time_of_day_us(rng: np.random.Generator, n: int) -> np.ndarray:
    # diurnal: most activity in the (UTC) afternoon/evening, some near midnight
    hours = np.clip(rng.normal(16.0, 5.0, n), 0, 23.999999)
    return (hours * 3_600_000_000).astype(np.int64)


def generate(config: GeneratorConfig) -> dict[str, Table]:
    rng = np.random.default_rng(config.seed)
    n_users, n_days = config.users, config.days
    end_day = config.resolved_end_date()
    start_us = _day_us(end_day - dt.timedelta(days=n_days - 1))
    end_us = _day_us(end_day) + US_PER_DAY  # exclusive

    # users: 15% existed before the period; the rest sign up with growth
    user_ids = np.arange(1, n_users + 1, dtype=np.int64)
    pre = rng.random(n_users) < 0.15
    signup_day = np.where(
        pre,
        -rng.integers(1, 365, n_users),
        (rng.beta(1.6, 1.0, n_users) * n_days).astype(np.int64),
    )
    created = start_us + signup_day * US_PER_DAY + _time_of_day_us(rng, n_users)
    is_staff = rng.random(n_users) < 0.003
    is_test = rng.random(n_users) < 0.007
    deleted_mask = rng.random(n_users) < 0.02
    deleted = created + (rng.exponential(90, n_users) * US_PER_DAY).astype(np.int64)
    deleted_null = ~deleted_mask | (deleted >= end_us)

    # activity: heavy-tailed propensity, churn and resurrection
    propensity = np.clip(np.exp(rng.normal(-2.2, 1.1, n_users)), 0.003, 0.9)
    life_start = np.maximum(signup_day, 0)
    life_len = np.maximum(1, rng.exponential(150, n_users).astype(np.int64))
    resurrect = rng.random(n_users) < 0.15
    back_start = life_start + life_len + rng.exponential(60, n_users).astype(np.int64)
    back_len = np.where(resurrect, rng.exponential(60, n_users).astype(np.int64) + 1, 0)
    period_user = np.concatenate([np.arange(n_users), np.arange(n_users)])
    period_start = np.concatenate([life_start, back_start])
    period_len = np.clip(
        np.concatenate([life_len, back_len]), 0, np.maximum(0, n_days - period_start)
    )
    k = rng.binomial(period_len, propensity[period_user])
    ud_user = np.repeat(period_user, k)
    ud_day = np.repeat(period_start, k) + (rng.random(k.sum()) * np.repeat(period_len, k)).astype(
        np.int64
    )
    weekday = (np.datetime64(end_day) - (n_days - 1 - ud_day)).astype("datetime64[D]")
    dow = (weekday.astype(np.int64) + 3) % 7  # 0 = Monday
    keep = rng.random(ud_day.size) < np.array([1, 1, 1, 1, 0.95, 0.75, 0.65])[dow]
    key = np.unique(ud_user[keep] * (n_days + 1) + ud_day[keep])
    ud_user, ud_day = key // (n_days + 1), key % (n_days + 1)

    # actions per active day: 1 + geometric, sources from SOURCE_MIX
    n_actions = rng.geometric(0.45, ud_user.size)
    act_user = np.repeat(ud_user, n_actions)
    act_ts = (
        start_us + np.repeat(ud_day, n_actions) * US_PER_DAY + _time_of_day_us(rng, act_user.size)
    )
    names = list(SOURCE_MIX)
    act_source = rng.choice(len(names), act_user.size, p=np.array(list(SOURCE_MIX.values())))

    tables: dict[str, Table] = {}
    # every transactional action, per source: each one is an authenticated mutation
    # that the app's middleware touches (the touch log is derived from these)
    mutations: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def ids(n: int) -> np.ndarray:
        return np.arange(1, n + 1, dtype=np.int64)

    def pick(values: list[str], n: int) -> np.ndarray:
        return np.array(values)[rng.integers(0, len(values), n)]

    def none(n: int) -> np.ndarray:
        return np.zeros(n, dtype=bool)

    # accounts: a personal account at signup; 5% also open a business account
    biz = rng.random(n_users) < 0.05
    acc_user = np.concatenate([user_ids, user_ids[biz]])
    acc_ts = np.concatenate(
        [created, created[biz] + (rng.exponential(30, biz.sum()) * US_PER_DAY).astype(np.int64)]
    )
    acc_type = np.array(["personal"] * n_users + ["business"] * int(biz.sum()))
    in_range = acc_ts < end_us
    acc_user, acc_ts, acc_type = acc_user[in_range], acc_ts[in_range], acc_type[in_range]
    acc_ids = ids(acc_user.size)
    mutations["accounts"] = (acc_user, acc_ts)
    tables["accounts"] = {
        "id": (acc_ids, None),
        "user_id": (acc_user, None),
        "account_type": (acc_type, None),
        "created_at": (acc_ts, None),
    }
    business_accounts = acc_ids[acc_type == "business"]
    business_owner = acc_user[acc_type == "business"]
    merchants = business_accounts if business_accounts.size else acc_ids[:1]

    def actions(source: str) -> tuple[np.ndarray, np.ndarray]:
        sel = act_source == names.index(source)
        mutations[source] = (act_user[sel], act_ts[sel])
        return mutations[source]

    u, t = actions("send_transactions")
    tables["send_transactions"] = {
        "id": (ids(u.size), None),
        "sender_user_id": (u, None),
        "recipient_user_id": (rng.integers(1, n_users + 1, u.size), rng.random(u.size) < 0.3),
        "amount": (np.round(rng.lognormal(3, 1.2, u.size), 2), None),
        "currency": (pick(["USD", "EUR", "COP", "USDT"], u.size), None),
        "status": (pick(["completed"] * 8 + ["failed", "pending"], u.size), None),
        "created_at": (t, None),
    }
    u, t = actions("payment_transactions")
    tables["payment_transactions"] = {
        "id": (ids(u.size), None),
        "payer_user_id": (u, None),
        "merchant_account_id": (merchants[rng.integers(0, merchants.size, u.size)], None),
        "amount": (np.round(rng.lognormal(2.5, 1, u.size), 2), None),
        "currency": (pick(["USD", "COP"], u.size), None),
        "status": (pick(["completed"] * 9 + ["failed"], u.size), None),
        "created_at": (t, None),
    }
    u, t = actions("conversions")
    tables["conversions"] = {
        "id": (ids(u.size), None),
        "user_id": (u, None),
        "from_currency": (pick(["USD", "COP"], u.size), None),
        "to_currency": (pick(["USDT", "EUR"], u.size), None),
        "amount": (np.round(rng.lognormal(3, 1, u.size), 2), None),
        "status": (pick(["completed"] * 9 + ["failed"], u.size), None),
        "created_at": (t, None),
    }
    u, t = actions("p2p_trades")
    n_trades = max(u.size, 1)
    tables["p2p_trades"] = {
        "id": (ids(u.size), None),
        "buyer_user_id": (u, None),
        "seller_user_id": (rng.integers(1, n_users + 1, u.size), None),
        "status": (pick(["open", "completed", "cancelled"], u.size), None),
        "created_at": (t, None),
    }
    u, t = actions("p2p_messages")
    tables["p2p_messages"] = {
        "id": (ids(u.size), None),
        "trade_id": (rng.integers(1, n_trades + 1, u.size), None),
        "sender_user_id": (u, None),
        "created_at": (t, None),
    }
    u, t = actions("p2p_confirmations")
    tables["p2p_confirmations"] = {
        "id": (ids(u.size), None),
        "trade_id": (rng.integers(1, n_trades + 1, u.size), None),
        "user_id": (u, None),
        "confirmation_type": (pick(["payment_sent", "payment_received", "released"], u.size), None),
        "created_at": (t, None),
    }
    u, t = actions("user_achievements")
    tables["user_achievements"] = {
        "id": (ids(u.size), None),
        "user_id": (u, None),
        "achievement_slug": (pick(["first_send", "streak_7", "kyc_done", "p2p_pro"], u.size), None),
        "earned_at": (t, None),
    }
    u, t = actions("business_operations")
    # business accounts' operators act: mostly the owner, sometimes a teammate
    if business_accounts.size:
        which = rng.integers(0, business_accounts.size, u.size)
        owner_acts = rng.random(u.size) < 0.8
        u = np.where(owner_acts, business_owner[which], u)
        biz_acc = business_accounts[which]
    else:
        biz_acc = np.ones(u.size, dtype=np.int64)
    mutations["business_operations"] = (u, t)
    tables["business_operations"] = {
        "id": (ids(u.size), None),
        "business_account_id": (biz_acc, None),
        "operator_user_id": (u, None),
        "operation_type": (pick(["payroll", "invoice", "bulk_send", "settings"], u.size), None),
        "created_at": (t, None),
    }

    # touch log: starts part-way through the period (the middleware shipped later);
    # a login or session recovery on most active days, a mutation touch per action,
    # kept only outside the 5-minute cooldown unless forced; plus non-counting reads.
    touch_start = start_us + int(config.touch_log_start_fraction * n_days) * US_PER_DAY
    login = rng.random(ud_user.size) < 0.85
    login_ts = start_us + ud_day[login] * US_PER_DAY + _time_of_day_us(rng, int(login.sum()))
    tracked = [
        (src, mu, mt)
        for src, (mu, mt) in mutations.items()
        if src != config.middleware_missed_source
    ]
    t_user = np.concatenate([ud_user[login], *(mu for _, mu, _ in tracked)])
    t_ts = np.concatenate([login_ts, *(mt for _, _, mt in tracked)])
    t_type = np.concatenate(
        [
            np.where(rng.random(int(login.sum())) < 0.8, "login", "session_recovery"),
            np.full(t_user.size - int(login.sum()), "mutation"),
        ]
    )
    in_period = (t_ts >= touch_start) & (t_ts < end_us)
    t_user, t_ts, t_type = t_user[in_period], t_ts[in_period], t_type[in_period]
    order = np.lexsort((t_ts, t_user))
    t_user, t_ts, t_type = t_user[order], t_ts[order], t_type[order]
    forced = rng.random(t_user.size) < 0.02
    kept = np.zeros(t_user.size, dtype=bool)
    last_user, last_ts = -1, 0
    for i, (usr, ts, force) in enumerate(
        zip(t_user.tolist(), t_ts.tolist(), forced.tolist(), strict=True)
    ):
        if force or usr != last_user or ts - last_ts >= COOLDOWN_US:
            kept[i] = True
            last_user, last_ts = usr, ts
    t_user, t_ts, t_type = t_user[kept], t_ts[kept], t_type[kept]
    # users.last_activity_at: touch_last_activity moves it to each written touch; the
    # backfill at deploy time set it from the transactional history before the touch log
    app_last = np.full(n_users, np.iinfo(np.int64).min)
    np.maximum.at(app_last, t_user - 1, t_ts)
    if not config.backfill_never_ran:
        hist_u = np.concatenate([mu for mu, _ in mutations.values()])
        hist_t = np.concatenate([mt for _, mt in mutations.values()])
        before = hist_t < touch_start
        np.maximum.at(app_last, hist_u[before] - 1, hist_t[before])
    # a touch-log outage loses the log rows (the field's UPDATE still ran)
    outage = np.isin((t_ts - start_us) // US_PER_DAY, np.array(config.touch_outage_days, int))
    t_user, t_ts, t_type = t_user[~outage], t_ts[~outage], t_type[~outage]
    reads = rng.random(t_user.size) < 0.1
    t_user = np.concatenate([t_user, t_user[reads]])
    t_ts = np.concatenate([t_ts, t_ts[reads] + 1_000_000])
    t_type = np.concatenate([t_type, pick(["query", "page_view"], int(reads.sum()))])
    op = np.where(
        t_type == "mutation",
        pick(["sendMoney", "payMerchant", "convert", "createTrade", "sendMessage"], t_type.size),
        "",
    )
    tables["activity_touches"] = {
        "id": (ids(t_user.size), None),
        "user_id": (t_user + 0, None),
        "touched_at": (t_ts, None),
        "event_type": (t_type, None),
        "operation_name": (op, t_type != "mutation"),
    }

    _add_dirty_rows(rng, tables, config.dirty_rate, n_users, end_us)

    # the app's own last_activity_at, mostly in sync: some stale, some missing
    has_activity = app_last > np.iinfo(np.int64).min
    stale = rng.random(n_users) < config.stale_share
    last = np.where(
        stale, app_last - (rng.exponential(10, n_users) * US_PER_DAY).astype(np.int64), app_last
    )
    missing = ~has_activity | (rng.random(n_users) < config.missing_share)
    tables["users"] = {
        "id": (user_ids, None),
        "created_at": (created, None),
        "is_staff": (is_staff, None),
        "is_test": (is_test, None),
        "deleted_at": (deleted, deleted_null),
        "last_activity_at": (last, missing),
    }
    return number_by_arrival({name: tables[name] for name in SCHEMA})


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
            types = table["event_type"][0].astype(object)
            unknown_type = rng.random(n) < rate
            types[unknown_type] = UNKNOWN_EVENT_TYPES[
                rng.integers(0, UNKNOWN_EVENT_TYPES.size, int(unknown_type.sum()))
            ]
            table["event_type"] = (types.astype(str), None)


def to_arrow(name: str, table: Table, tz_columns: set[tuple[str, str]] | None = None) -> pa.Table:
    arrays, fields = [], []
    for column, kind in SCHEMA[name]:
        values, mask = table[column]
        if kind == "ts":
            tz = "UTC" if tz_columns is None or (name, column) in tz_columns else None
            typ = pa.timestamp("us", tz=tz)
        else:
            typ = {"id": pa.int64(), "bool": pa.bool_(), "str": pa.string(), "num": pa.float64()}[
                kind
            ]
        arrays.append(pa.array(values, type=typ, mask=mask))
        fields.append(pa.field(column, typ))
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


PG_TYPES = {
    "id": "bigint",
    "ts": "timestamptz",
    "bool": "boolean",
    "str": "text",
    "num": "numeric(18, 2)",
}


def ddl(name: str, schema: str, engine: str) -> str:
    cols = []
    for column, kind in SCHEMA[name]:
        typ = PG_TYPES[kind]
        if engine == "duckdb" and kind == "ts" and (name, column) not in DUCKDB_TZ_COLUMNS:
            typ = "timestamp"
        if engine == "postgres" and column == "id":
            typ += " primary key"  # as Django creates it; the nightly reads rely on it
        cols.append(f"{column} {typ}")
    return f"create table {schema}.{name} ({', '.join(cols)})"


def app_indexes(name: str, schema: str) -> list[str]:
    """The indexes a Django app's table has besides its primary key: one per foreign
    key to users (the actor column). No index on the activity timestamp: an app rarely
    has one, and the project's nightly reads do not need it (they follow the id)."""
    if name not in ACTIVITY_TABLES:
        return []
    actor = ACTIVITY_TABLES[name][0]
    return [f"create index if not exists {name}_{actor}_idx on {schema}.{name} ({actor})"]


def write_duckdb(
    tables: dict[str, Table], path: str, schema: str, progress=None, append=False
) -> int:
    """Write the raw tables (append: add the rows to the existing tables, as an app's
    inserts would)."""
    import duckdb

    identifier("schema", schema)
    rows = 0
    with duckdb.connect(path) as con:
        con.execute(f"create schema if not exists {schema}")
        for name, table in tables.items():
            if not append:
                con.execute(f"drop table if exists {schema}.{name}")
                con.execute(ddl(name, schema, "duckdb"))
            arrow = to_arrow(name, table, DUCKDB_TZ_COLUMNS)
            con.execute(f"insert into {schema}.{name} select * from arrow")
            rows += arrow.num_rows
            if progress:
                progress(name, arrow.num_rows)
    return rows


def write_postgres(tables: dict[str, Table], conn, schema: str, progress=None, append=False) -> int:
    """Write the raw tables (append: add the rows, keeping what is there)."""
    identifier("schema", schema)
    rows = 0
    with conn.cursor() as cur:
        cur.execute("set time zone 'UTC'")
        cur.execute(f"create schema if not exists {schema}")
        for name, table in tables.items():
            # keep the table (dbt's views depend on it): create once, then truncate
            cur.execute(
                ddl(name, schema, "postgres").replace(
                    "create table", "create table if not exists", 1
                )
            )
            if not append:
                cur.execute(f"truncate table {schema}.{name}")
            arrow = to_arrow(name, table)
            buffer = io.BytesIO()
            pacsv.write_csv(arrow, buffer, pacsv.WriteOptions(include_header=False))
            buffer.seek(0)
            cur.copy_expert(f"copy {schema}.{name} from stdin with (format csv)", buffer)
            for statement in app_indexes(name, schema):
                cur.execute(statement)
            rows += arrow.num_rows
            if progress:
                progress(name, arrow.num_rows)
    conn.commit()
    return rows
