"""Run dbt for this project, with the profile that ships in the repository."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time

from .warehouse import checked_project_dir, dbt_target_dir, project_dir


def profiles_dir() -> str:
    """A profiles.yml copied from profiles.yml.example (no copying by hand)."""
    target_dir = os.path.join(checked_project_dir(), ".profiles")
    os.makedirs(target_dir, exist_ok=True)
    shutil.copyfile(
        os.path.join(project_dir(), "profiles.yml.example"),
        os.path.join(target_dir, "profiles.yml"),
    )
    return target_dir


def dbt_command(args: list[str], target: str, dbt_vars: dict | None) -> list[str]:
    command = [
        os.path.join(os.path.dirname(sys.executable), "dbt"),
        *args,
        "--project-dir",
        project_dir(),
        "--profiles-dir",
        profiles_dir(),
        "--target",
        target,
    ]
    if dbt_vars:
        command += ["--vars", json.dumps(dbt_vars)]
    return command


def as_of_environment(as_of) -> dict[str, str]:
    """How a run is given its as-of date: $ACTIVITY_AS_OF_DATE, which the project reads
    when the run executes (macro as_of_date), never a --vars value, which changes every
    night and makes dbt parse the whole project again. Empty: yesterday (or what the
    environment already says)."""
    return {"ACTIVITY_AS_OF_DATE": as_of.isoformat()} if as_of else {}


def run_dbt(
    args: list[str],
    target: str,
    dbt_vars: dict | None = None,
    env: dict | None = None,
    capture: bool = False,
) -> subprocess.CompletedProcess:
    return subprocess.run(
        dbt_command(args, target, dbt_vars),
        cwd=project_dir(),
        env={**os.environ, **(env or {})},
        capture_output=capture,
        text=True,
        check=False,
    )


# the JVM's start-up banners of dbt-spark's session (not dbt's events, not errors): kept
# out of the progress and the summary
JVM_BANNER = re.compile(
    r"^(WARNING: Using incubator modules: |Setting default log level to |"
    r"To adjust logging level use sc\.setLogLevel)"
)


def dbt_event(line: str) -> dict | None:
    """One of dbt's structured events (`--log-format json`: a JSON object per line), or
    None for a line that is not one (the JVM's, a library's print)."""
    if not line.startswith("{"):
        return None
    try:
        event = json.loads(line)
    except ValueError:
        return None
    return event if isinstance(event, dict) and "info" in event else None


def event_text(event: dict) -> str:
    """The event as dbt's text log shows it: its time and its message."""
    info = event["info"]
    return f"{str(info.get('ts', ''))[11:19]}  {info.get('msg', '')}\n"


def node_progress(event: dict) -> tuple[int, int, str] | None:
    """(index, total, what) of a node's start or result event (a model, test, seed,
    snapshot: dbt numbers them "3 of 99"); None for any other event (hooks included)."""
    name, data = event["info"].get("name", ""), event.get("data") or {}
    total = data.get("total") or data.get("num_models")
    if name.startswith("LogHook") or "index" not in data or not total:
        return None
    what = (
        data.get("description")
        or data.get("name")
        or (data.get("node_info") or {}).get("node_name", "")
    )
    return int(data["index"]), int(total), str(what)


def run_dbt_with_progress(
    args: list[str],
    target: str,
    dbt_vars: dict | None = None,
    label: str = "dbt",
    env: dict | None = None,
) -> tuple[int, list[dict]]:
    """Run dbt, showing a progress bar on a terminal (dbt's own lines otherwise), read
    from dbt's structured events (`--log-format json`), never from its text; returns the
    exit code and the node results this run wrote to run_results.json (none when dbt
    stopped before writing it: never an older run's)."""
    command = [*args, "--no-use-colors", "--log-format", "json"]
    started = time.time()
    with subprocess.Popen(
        dbt_command(command, target, dbt_vars),
        cwd=project_dir(),
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as proc:
        if sys.stdout.isatty():
            _show_progress(proc, label)
        else:
            for line in proc.stdout:
                event = dbt_event(line)
                if event is not None:
                    sys.stdout.write(event_text(event))
                elif not JVM_BANNER.match(line):
                    sys.stdout.write(line)
    return proc.returncode, read_run_results(since=started)


def _show_progress(proc: subprocess.Popen, label: str) -> None:
    """A progress bar of dbt's nodes; dbt's last lines when it fails."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    tail: list[str] = []
    columns = (BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress("[progress.description]{task.description}", *columns, transient=True) as bar:
        task = bar.add_task(label, total=None)
        for line in proc.stdout:
            event = dbt_event(line)
            if event is None:
                if not JVM_BANNER.match(line):
                    tail = [*tail, line][-60:]
                continue
            tail = [*tail, event_text(event)][-60:]
            progress = node_progress(event)
            if progress:
                index, total, what = progress
                bar.update(task, completed=index, total=total, description=f"{label}: {what[:50]}")
    if proc.wait() != 0:
        sys.stdout.write("".join(tail))


def read_run_results(since: float | None = None) -> list[dict]:
    """The node results of the last dbt run; with `since` (a time.time()), only when
    that run wrote them after it."""
    path = os.path.join(dbt_target_dir(), "run_results.json")
    try:
        if since is not None and os.path.getmtime(path) < since:
            return []
        with open(path) as fh:
            return json.load(fh)["results"]
    except (OSError, ValueError, KeyError):
        return []


# The roles a test declares in its `meta` (`config: {meta: {role: ...}}`), which the
# verdicts read (never a test's name): coverage (a coverage check: warns in the nightly,
# fails validate), unclassified_types (touch types nobody classified yet: a notice),
# reconciliation (raw rows vs stored events: names the days a backfill repairs),
# restatement (closed days whose published figures moved: a notice naming the days).
TEST_ROLES = ("coverage", "unclassified_types", "reconciliation", "restatement", "anomaly")


def read_test_roles(manifest_path: str | None = None) -> dict[str, str]:
    """unique_id -> the role declared in the test's meta, from the last parse's manifest
    (default: the manifest in dbt's target directory)."""
    path = manifest_path or os.path.join(dbt_target_dir(), "manifest.json")
    try:
        with open(path) as fh:
            nodes = json.load(fh)["nodes"]
    except (OSError, ValueError, KeyError):
        return {}
    roles = {}
    for uid, node in nodes.items():
        role = ((node.get("config") or {}).get("meta") or {}).get("role") or (
            node.get("meta") or {}
        ).get("role")
        if uid.startswith("test.") and role:
            roles[uid] = role
    return roles
