"""Superset for the activity dashboards: install (cached), bootstrap a local metadata store,
import the dashboards-as-code bundle against the warehouse, serve on 127.0.0.1.

    python dashboards/superset/manage.py all        # what `make dashboard` runs
    python dashboards/superset/manage.py import     # re-import the bundle (idempotent)

Superset lives in a virtual environment of its own (.superset-venv, from requirements.lock:
the published package's dependency list is loose and its pins clash with dbt's). The warehouse
connection comes from the same environment variables as the dbt profile; the password
(DBT_ENV_SECRET_POSTGRES_PASSWORD) is put into the bundle only when it is zipped, in a temporary
file, never into the repository.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
VENV = os.environ.get("SUPERSET_VENV", os.path.join(ROOT, ".superset-venv"))
LOCK = os.path.join(HERE, "requirements.lock")
BUNDLE = os.path.join(HERE, "bundle")
ADMIN = os.environ.get("SUPERSET_ADMIN_USER", "admin")
# the admin's login secret is never in code: SUPERSET_ADMIN_PASSWORD, or generated at
# bootstrap and printed once
ADMIN_PASSWORD = os.environ.get("SUPERSET_ADMIN_PASSWORD")


class DashboardError(Exception):
    pass


def read(path: str) -> str:
    with open(path) as fh:
        return fh.read()


def superset_bin() -> str:
    return os.path.join(VENV, "bin", "superset")


def install() -> None:
    """The Superset venv, rebuilt only when the lock file changes."""
    with open(LOCK, "rb") as fh:
        digest = hashlib.sha256(fh.read()).hexdigest()
    stamp = os.path.join(VENV, ".lock-sha256")
    if os.path.exists(stamp) and read(stamp) == digest:
        return
    print("installing Superset into", VENV, "(from requirements.lock, once)", flush=True)
    shutil.rmtree(VENV, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    pip = os.path.join(VENV, "bin", "pip")
    result = subprocess.run(
        [pip, "install", "--quiet", "--no-deps", "-r", LOCK], capture_output=True, text=True
    )
    if result.returncode != 0:
        raise DashboardError("installing Superset failed:\n" + result.stderr[-2000:])
    with open(stamp, "w") as fh:
        fh.write(digest)


def environment(home: str) -> dict:
    os.makedirs(home, exist_ok=True)
    key_file = os.path.join(home, "secret_key")
    if not os.path.exists(key_file):
        # created readable by its owner only (never world-readable, even for an instant)
        with os.fdopen(os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as fh:
            fh.write(secrets.token_urlsafe(42))
    os.chmod(key_file, 0o600)
    return {
        **os.environ,
        "SUPERSET_HOME": home,
        "SUPERSET_CONFIG_PATH": os.path.join(HERE, "superset_config.py"),
        "SUPERSET_SECRET_KEY": os.environ.get("SUPERSET_SECRET_KEY") or read(key_file),
        # the one DuckDB file a connection may open (superset_config.DB_CONNECTION_MUTATOR)
        "ACTIVITY_SUPERSET_DUCKDB_FILE": duckdb_path(),
        "FLASK_APP": "superset",
        "PYTHONWARNINGS": "ignore",
    }


def superset(args: list[str], home: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [superset_bin(), *args], env=environment(home), capture_output=True, text=True
    )
    if check and result.returncode != 0:
        raise DashboardError(
            f"superset {' '.join(args[:2])} failed:\n{(result.stdout + result.stderr)[-3000:]}"
        )
    return result


def bootstrap(home: str) -> str | None:
    """The metadata store (SQLite in `home`), an admin user, roles and permissions.
    Returns the admin password (SUPERSET_ADMIN_PASSWORD, or generated and printed once);
    None when the home was bootstrapped before."""
    if os.path.exists(os.path.join(home, ".bootstrapped")):
        return None
    print("bootstrapping the Superset metadata store in", home, flush=True)
    admin_login = ADMIN_PASSWORD or secrets.token_urlsafe(12)
    superset(["db", "upgrade"], home)
    superset(
        [
            *("fab", "create-admin", "--username", ADMIN, "--password", admin_login),
            *("--firstname", "Activity", "--lastname", "Admin", "--email", "admin@localhost"),
        ],
        home,
    )
    superset(["init"], home)
    with open(os.path.join(home, ".bootstrapped"), "w"):
        pass
    if not ADMIN_PASSWORD:
        print(f"Superset admin login: {ADMIN} / {admin_login}  (shown once; not stored)")
    return admin_login


def warehouse_uri(target: str) -> str:
    if target == "postgres":
        user = os.environ.get("ACTIVITY_POSTGRES_USER", "postgres")
        from_env = os.environ.get("DBT_ENV_SECRET_POSTGRES_PASSWORD", "")
        auth = urllib.parse.quote(user) + (":" + urllib.parse.quote(from_env) if from_env else "")
        host = os.environ.get("ACTIVITY_POSTGRES_HOST", "127.0.0.1")
        port = os.environ.get("ACTIVITY_POSTGRES_PORT", "5432")
        database = os.environ.get("ACTIVITY_POSTGRES_DATABASE", "postgres")
        return f"postgresql+psycopg2://{auth}@{host}:{port}/{database}"
    return f"duckdb:///{duckdb_path()}?access_mode=read_only"


def duckdb_path() -> str:
    path = os.environ.get("ACTIVITY_DUCKDB_PATH", "activity_metrics.duckdb")
    return os.path.realpath(path if os.path.isabs(path) else os.path.join(ROOT, path))


def analytics_schema(target: str) -> str:
    variable = "ACTIVITY_POSTGRES_SCHEMA" if target == "postgres" else "ACTIVITY_DUCKDB_SCHEMA"
    return os.environ.get(variable, "analytics")


def zip_bundle(target: str, datasets_only: bool = False) -> bytes:
    """The bundle as Superset's import zip, with the connection and schema filled in.
    datasets_only: just databases/ and datasets/, typed for `import-datasources`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for folder, _, files in os.walk(BUNDLE):
            for name in sorted(files):
                path = os.path.join(folder, name)
                relative = os.path.relpath(path, BUNDLE)
                text = read(path)
                if datasets_only:
                    if relative == "metadata.yaml":
                        text = text.replace("type: Dashboard", "type: SqlaTable")
                    elif not relative.startswith(("databases", "datasets")):
                        continue
                text = text.replace("__WAREHOUSE_URI__", warehouse_uri(target))
                text = text.replace("__ANALYTICS_SCHEMA__", analytics_schema(target))
                archive.writestr(os.path.join("bundle", relative), text)
    return buffer.getvalue()


def import_bundle(home: str, target: str) -> None:
    """Import the dashboards (charts, datasets and the connection come with them; existing
    ones are kept, so importing twice creates no duplicates), then the datasets again with
    overwrite, so changed dataset definitions apply. The connection itself is kept once
    created: to point at another warehouse, start from a new home (`make dashboard-reset`)."""
    path = os.path.join(home, "bundle.zip")
    try:
        for command, datasets_only in (("import-dashboards", False), ("import-datasources", True)):
            with open(path, "wb") as fh:
                fh.write(zip_bundle(target, datasets_only))
            os.chmod(path, 0o600)
            superset([command, "-p", path, "-u", ADMIN], home)
    finally:
        if os.path.exists(path):
            os.remove(path)  # it holds the password


def dashboards() -> list[tuple[str, str]]:
    """(slug, title) of every dashboard of the bundle, from its files (no list to keep)."""
    found = []
    folder = os.path.join(BUNDLE, "dashboards")
    for name in sorted(os.listdir(folder)):
        fields = dict(
            line.split(": ", 1)
            for line in read(os.path.join(folder, name)).splitlines()
            if line.startswith(("slug: ", "dashboard_title: "))
        )
        found.append((fields["slug"].strip(), fields["dashboard_title"].strip().strip("'")))
    return found


def stop(proc: subprocess.Popen, grace_seconds: float = 30) -> None:
    """Stop the server: SIGTERM, then SIGKILL if it has not exited within the grace
    period (its worker threads can hold it on a busy machine)."""
    proc.terminate()
    try:
        proc.wait(timeout=grace_seconds)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def serve(home: str, port: int, background: bool = False):
    command = [superset_bin(), "run", "-h", "127.0.0.1", "-p", str(port), "--with-threads"]
    log_path = os.path.join(home, "server.log")
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            command, env=environment(home), stdout=log, stderr=subprocess.STDOUT
        )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise DashboardError(f"Superset exited; see {log_path}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            time.sleep(1)
    else:
        stop(proc)
        raise DashboardError(f"Superset did not answer on port {port} within 120 s")
    if background:
        return proc
    print(f"Superset: http://127.0.0.1:{port}/dashboard/list/  (login {ADMIN})")
    print("dashboards:")
    for slug, title in dashboards():
        print(f"  {title:<32} http://127.0.0.1:{port}/superset/dashboard/{slug}/")
    try:
        proc.wait()
    except KeyboardInterrupt:
        stop(proc)
    return proc


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=["install", "bootstrap", "import", "serve", "all"])
    parser.add_argument("--home", default=os.path.join(ROOT, ".superset"))
    parser.add_argument("--target", default=os.environ.get("ACTIVITY_TARGET", "postgres"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("SUPERSET_PORT", "8088")))
    args = parser.parse_args(argv)
    try:
        if args.step in ("install", "all"):
            install()
        if args.step in ("bootstrap", "all"):
            bootstrap(args.home)
        if args.step in ("import", "all"):
            import_bundle(args.home, args.target)
            print(f"imported the bundle against the {args.target} warehouse")
        if args.step in ("serve", "all"):
            serve(args.home, args.port)
    except (DashboardError, subprocess.CalledProcessError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
