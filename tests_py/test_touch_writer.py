"""touch_last_activity, the reference writer of the app's touch log, against the real
PostgreSQL: cooldown, force, never backwards, errors swallowed, concurrent writers."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import uuid

import pytest
from conftest import postgres_or_skip

from activity_metrics import api
from activity_metrics.generator import ddl

pytestmark = pytest.mark.postgres
T0 = dt.datetime(2024, 3, 10, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def app_db():
    settings = postgres_or_skip()
    schema = f"app_touch_{uuid.uuid4().hex[:8]}"
    conn = settings.connect_postgres()
    with conn.cursor() as cur:
        cur.execute(f"create schema {schema}")
        cur.execute(ddl("users", schema, "postgres"))
        cur.execute(ddl("activity_touches", schema, "postgres"))
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
