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
FEATURE_FLAGS = {"DASHBOARD_RBAC": False}
# the warehouse is trusted and local: allow DuckDB files too
PREVENT_UNSAFE_DB_CONNECTIONS = False
WTF_CSRF_ENABLED = True
SUPERSET_WEBSERVER_TIMEOUT = 120
