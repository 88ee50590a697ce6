"""Superset configuration for the activity dashboards (local, single user).

Everything comes from the environment that `dashboards/superset/manage.py` sets:
SUPERSET_HOME (metadata store and secret key live there, outside git) and
SUPERSET_SECRET_KEY (generated once per home when not given).
"""

import os

_home = os.environ["SUPERSET_HOME"]
SQLALCHEMY_DATABASE_URI = f"sqlite:///{os.path.join(_home, 'superset.db')}"
SECRET_KEY = os.environ["SUPERSET_SECRET_KEY"]

# No telemetry: the front end asks for a tracking pixel from outside; the CSP below does not
# allow any image from outside this server, so the browser never requests it (the browser
# test also blocks every request that leaves 127.0.0.1).
TALISMAN_ENABLED = True
TALISMAN_CONFIG = {
    "content_security_policy": {
        "base-uri": ["'self'"],
        "default-src": ["'self'"],
        "img-src": ["'self'", "blob:", "data:"],
        "worker-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "object-src": "'none'",
        "style-src": ["'self'", "'unsafe-inline'"],
        "font-src": ["'self'", "data:"],
        "script-src": ["'self'", "'strict-dynamic'"],
    },
    "content_security_policy_nonce_in": ["script-src"],
    "force_https": False,
    "session_cookie_secure": False,
}
# ALLOW_ADHOC_SUBQUERY: the power-user curve charts filter to the as-of date with
# `date_day = (select max(date_day) ...)` on the mart itself (a single local admin; the
# bundle's charts are the only ones)
FEATURE_FLAGS = {"DASHBOARD_RBAC": False, "ALLOW_ADHOC_SUBQUERY": True}
# No connection to a local file (SQLite and the like), except the one DuckDB warehouse file
# that manage.py names: any other DuckDB path is refused when a connection is made.
PREVENT_UNSAFE_DB_CONNECTIONS = True


def DB_CONNECTION_MUTATOR(uri, params, username, security_manager, source):
    if uri.drivername.startswith("duckdb"):
        allowed = os.environ.get("ACTIVITY_SUPERSET_DUCKDB_FILE", "")
        asked = os.path.realpath(uri.database or "")
        if not allowed or asked != allowed:
            raise ValueError(f"DuckDB file {asked!r} is not the activity warehouse")
    return uri, params


WTF_CSRF_ENABLED = True
SUPERSET_WEBSERVER_TIMEOUT = 120
