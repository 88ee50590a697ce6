"""touch_last_activity, the reference writer of the app's touch log, against the real
PostgreSQL: cooldown, force, never backwards, errors swallowed, concurrent writers, the
caller's transaction left alone, future timestamps clamped, bad arguments logged."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import uuid

import pytest
from conftest import postgres_or_skip

from activity_metrics import api
from activity_metrics.engines import raw_table_ddl

pytestmark = pytest.mark.postgres
T0 = dt.datetime(2024, 3, 10, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def app_db():
    settings = postgres_or_skip()
    schema = f"app_touch_{uuid.uuid4().hex[:8]}"
    conn = settings.connect_postgres()
    with conn.cursor() as cur:
        cur.execute(f"create schema {schema}")
        cur.execute(raw_table_ddl("users", schema, primary_key=True))
        cur.execute(raw_table_ddl("activity_touches", schema, primary_key=True))
        cur.execute(
            f"insert into {schema}.users (id, created_at, is_staff, is_test) "
            "select g, timestamptz '2024-01-01', false, false from generate_series(1, 5) as g"
        )
    conn.commit()
    api.prepare_touch_log(conn, schema)
    api._recent_touches.clear()
    yield settings, conn, schema
    api._recent_touches.clear()
    conn.rollback()
    with conn.cursor() as cur:
        cur.execute(f"drop schema {schema} cascade")
    conn.commit()
    conn.close()


def state(conn, schema, user_id):
    with conn.cursor() as cur:
        cur.execute(f"select last_activity_at from {schema}.users where id = %s", (user_id,))
        (last,) = cur.fetchone()
        cur.execute(
            f"select touched_at, event_type from {schema}.activity_touches "
            "where user_id = %s order by touched_at, id",
            (user_id,),
        )
        touches = cur.fetchall()
    conn.commit()
    return last, touches


def test_cooldown_force_and_forward_only(app_db):
    _, conn, schema = app_db
    touch = api.touch_last_activity
    assert touch(conn, 1, T0, event_type="login", schema=schema)
    assert state(conn, schema, 1) == (T0, [(T0, "login")])
    # inside the cooldown: answered by the cache, then by the database itself
    assert not touch(conn, 1, T0 + dt.timedelta(minutes=1), schema=schema)
    api._recent_touches.clear()
    assert not touch(conn, 1, T0 + dt.timedelta(minutes=4, seconds=59), schema=schema)
    assert state(conn, schema, 1)[0] == T0
    # after the cooldown, and forced inside it
    t1 = T0 + dt.timedelta(minutes=5)
    assert touch(conn, 1, t1, operation_name="sendMoney", schema=schema)
    t2 = t1 + dt.timedelta(seconds=30)
    assert touch(conn, 1, t2, force=True, schema=schema)
    last, touches = state(conn, schema, 1)
    assert last == t2 and [t for t, _ in touches] == [T0, t1, t2]
    # an older timestamp never moves the field backwards
    api._recent_touches.clear()
    assert not touch(conn, 1, T0 - dt.timedelta(hours=1), schema=schema)
    assert state(conn, schema, 1)[0] == t2
    # the timestamp defaults to now
    assert touch(conn, 2, schema=schema)
    last, _ = state(conn, schema, 2)
    assert abs(dt.datetime.now(dt.UTC) - last) < dt.timedelta(minutes=1)


def test_errors_are_logged_not_raised(app_db, caplog):
    _, conn, schema = app_db
    with caplog.at_level(logging.ERROR, logger="activity_metrics.api"):
        assert not api.touch_last_activity(conn, 1, T0, schema="no_such_schema")
    assert "touch_last_activity failed" in caplog.text
    # the connection is still usable afterwards
    assert api.touch_last_activity(conn, 1, T0, schema=schema)


@pytest.mark.parametrize("force", [False, True])
def test_concurrent_writers_for_one_user(app_db, force):
    settings, conn, schema = app_db
    writers = 8
    barrier = threading.Barrier(writers)
    outcomes = []

    def writer(i):
        own = settings.connect_postgres()
        try:
            barrier.wait()
            ts = T0 + dt.timedelta(seconds=i)  # all inside one cooldown window
            outcomes.append(api.touch_last_activity(own, 3, ts, force=force, schema=schema))
            own.commit()  # the caller's transaction carries the touch
        finally:
            own.close()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    last, touches = state(conn, schema, 3)
    if force:
        assert sum(outcomes) == writers and len(touches) == writers
        assert last == T0 + dt.timedelta(seconds=writers - 1)
    else:
        # exactly one writer wins the cooldown window, whatever the interleaving
        assert sum(outcomes) == 1 and len(touches) == 1
        assert last == touches[0][0]
    with conn.cursor() as cur:
        cur.execute(f"select count(*), count(distinct id) from {schema}.activity_touches")
        total, distinct = cur.fetchone()
    conn.commit()
    assert total == distinct


def user_rows(conn, schema):
    with conn.cursor() as cur:
        cur.execute(f"select count(*) from {schema}.users")
        return cur.fetchone()[0]


def test_the_callers_transaction_is_left_alone(app_db, caplog):
    settings, conn, schema = app_db
    other = settings.connect_postgres()  # sees only what is committed
    try:

        def insert_user(user_id):
            with conn.cursor() as cur:
                cur.execute(
                    f"insert into {schema}.users (id, created_at, is_staff, is_test) "
                    "values (%s, now(), false, false)",
                    (user_id,),
                )

        # a successful touch commits nothing: rolled back with the caller's work
        insert_user(10)
        assert api.touch_last_activity(conn, 10, T0, schema=schema)
        assert user_rows(other, schema) == 5
        conn.rollback()
        assert user_rows(conn, schema) == 5 and state(conn, schema, 1) == (None, [])
        with conn.cursor() as cur:
            cur.execute(f"select count(*) from {schema}.activity_touches")
            assert cur.fetchone() == (0,)
        # ... and kept with it
        insert_user(11)
        assert api.touch_last_activity(conn, 11, T0, schema=schema)
        conn.commit()
        assert state(other, schema, 11) == (T0, [(T0, "mutation")])
        # a failing touch rolls back only itself: the caller's insert survives
        insert_user(12)
        with caplog.at_level(logging.ERROR, logger="activity_metrics.api"):
            assert not api.touch_last_activity(conn, 12, T0, schema="no_such_schema")
        conn.commit()
        assert user_rows(other, schema) == 7
        # an autocommit connection gets a transaction of its own per touch
        other.commit()
        other.autocommit = True
        assert api.touch_last_activity(other, 4, T0, schema=schema)
        assert state(conn, schema, 4) == (T0, [(T0, "mutation")])
    finally:
        other.close()


def test_future_timestamps_are_clamped(app_db, caplog):
    _, conn, schema = app_db
    tomorrow = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    with caplog.at_level(logging.WARNING, logger="activity_metrics.api"):
        assert api.touch_last_activity(conn, 1, tomorrow, schema=schema)
    assert "in the future" in caplog.text
    last, touches = state(conn, schema, 1)
    assert last < dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
    assert touches == [(last, "mutation")]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"ts": "2024-03-10 12:00"}, "is not a datetime"),
        ({"ts": dt.date(2024, 3, 10)}, "is not a datetime"),
        ({"user_id": "1"}, "is not an integer"),
        ({"event_type": "purchase"}, "is not one of"),
        ({"schema": "app'; drop table users; --"}, "not a plain SQL identifier"),
    ],
)
def test_bad_arguments_are_logged_not_raised(app_db, caplog, kwargs, message):
    _, conn, schema = app_db
    with conn.cursor() as cur:  # the caller's own uncommitted work
        cur.execute(f"update {schema}.users set is_staff = true where id = 5")
    arguments = {"user_id": 1, "ts": T0, "schema": schema, **kwargs}
    user_id = arguments.pop("user_id")
    with caplog.at_level(logging.ERROR, logger="activity_metrics.api"):
        assert api.touch_last_activity(conn, user_id, **arguments) is False
    assert message in caplog.text
    conn.commit()
    assert state(conn, schema, 1) == (None, [])
    with conn.cursor() as cur:
        cur.execute(f"select is_staff from {schema}.users where id = 5")
        assert cur.fetchone() == (True,)
