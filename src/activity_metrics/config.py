"""Where things are and what is wrong: the project directory, the identifiers that may
reach SQL, the targets, the errors a user can fix. The package's leaf: it imports nothing
of the package, so every other module may import it."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import functools
import os
import re

# the repository the package was installed from (an editable install), by default
_DEFAULT_PROJECT_DIR = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))


def project_dir() -> str:
    """The dbt project: `--project-dir` (which sets $ACTIVITY_PROJECT_DIR), else
    $ACTIVITY_PROJECT_DIR, else the repository the package was installed from."""
    return os.path.abspath(os.environ.get("ACTIVITY_PROJECT_DIR") or _DEFAULT_PROJECT_DIR)


def dbt_target_dir() -> str:
    """Where dbt writes its artifacts (manifest, run results, partial parse): as dbt
    reads it, $DBT_TARGET_PATH (relative to the project) when set, else target/."""
    return os.path.join(project_dir(), os.environ.get("DBT_TARGET_PATH") or "target")


def checked_project_dir() -> str:
    """project_dir(), or a clear error when it holds no dbt project."""
    path = project_dir()
    if not os.path.isfile(os.path.join(path, "dbt_project.yml")):
        raise WarehouseError(
            f"no dbt project at {path} (no dbt_project.yml): pass --project-dir or set "
            "ACTIVITY_PROJECT_DIR to the activity-metrics repository"
        )
    return path


class WarehouseError(Exception):
    """A problem the user can fix: shown as one clear message, never a stack trace."""


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")


def identifier(name: str, value: str) -> str:
    """A schema (or table) name that goes into SQL text: a plain identifier, or an
    error that names where it came from. Values never reach SQL unchecked."""
    if not isinstance(value, str) or not _IDENTIFIER.fullmatch(value):
        raise WarehouseError(
            f"{name}={value!r} is not a plain SQL identifier "
            "(letters, digits and underscores, not starting with a digit, at most 63)"
        )
    return value


def env_identifier(variable: str, default: str) -> str:
    return identifier(variable, os.environ.get(variable, default))


def source_schema() -> str:
    """The schema of the app's raw tables ($ACTIVITY_SOURCE_SCHEMA, default app)."""
    return env_identifier("ACTIVITY_SOURCE_SCHEMA", "app")


TARGETS = ("duckdb", "postgres", "spark")


class RunLocked(WarehouseError):
    """Another nightly run holds the warehouse (exit code 75, EX_TEMPFAIL: retry later)."""


def not_built(exc: Exception) -> str:
    first = str(exc).strip().splitlines()[0]
    return f"the warehouse is not built yet ({first}): run `activity-metrics build`"


def built_by_another_version(exc: Exception) -> str:
    return (
        f"the warehouse's tables lack what this version reads "
        f"({str(exc).splitlines()[0][:160]}): run `activity-metrics build` to rebuild them"
    )


@contextlib.contextmanager
def environment(env: dict[str, str]):
    """These environment variables set for the duration (the settings, the profile and the
    Spark session read them), the previous values back afterwards."""
    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def warehouse_env(target: str, raw_schema: str, schema: str, duckdb_path: str | None) -> dict:
    """The environment variables that point the profile, the CLI and the generator at one
    warehouse of its own: raw tables in `raw_schema`, models in `schema`."""
    env = {"ACTIVITY_SOURCE_SCHEMA": raw_schema, "ACTIVITY_TARGET": target}
    if target == "duckdb":
        env.update(ACTIVITY_DUCKDB_PATH=duckdb_path, ACTIVITY_DUCKDB_SCHEMA=schema)
    elif target == "spark":
        env.update(ACTIVITY_SPARK_SCHEMA=schema)
    else:
        env.update(ACTIVITY_POSTGRES_SCHEMA=schema)
    return env


@functools.cache
def _project_files(project: str) -> tuple[dict, tuple[str, ...]]:
    import yaml

    with open(os.path.join(project, "dbt_project.yml")) as fh:
        dbt_vars = yaml.safe_load(fh).get("vars") or {}
    with open(os.path.join(project, "seeds", "activity_event_types.csv"), newline="") as fh:
        counted = tuple(
            row["event_type"] for row in csv.DictReader(fh) if row["counts_as_activity"] == "true"
        )
    return dbt_vars, counted


def project_var(name: str):
    """A var's default as dbt_project.yml sets it: the Python side reads the project's
    definitions, never a copy of them."""
    return _project_files(checked_project_dir())[0][name]


def cooldown() -> dt.timedelta:
    """The touch log's cooldown (var activity__cooldown_minutes): a touch within it of the
    user's last one is not written."""
    return dt.timedelta(minutes=project_var("activity__cooldown_minutes"))


def counted_touch_types() -> tuple[str, ...]:
    """The touch-log event types that count as activity (seeds/activity_event_types.csv)."""
    return _project_files(checked_project_dir())[1]
