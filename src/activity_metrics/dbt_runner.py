"""Run dbt for this project, with the profile that ships in the repository."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from .warehouse import PROJECT_DIR


def profiles_dir() -> str:
    """A profiles.yml copied from profiles.yml.example (no copying by hand)."""
    target_dir = os.path.join(PROJECT_DIR, ".profiles")
    os.makedirs(target_dir, exist_ok=True)
    shutil.copyfile(
        os.path.join(PROJECT_DIR, "profiles.yml.example"),
        os.path.join(target_dir, "profiles.yml"),
    )
    return target_dir


def run_dbt(
    args: list[str],
    target: str,
    dbt_vars: dict | None = None,
    env: dict | None = None,
    capture: bool = False,
) -> subprocess.CompletedProcess:
    command = [
        os.path.join(os.path.dirname(sys.executable), "dbt"),
        *args,
        "--project-dir",
        PROJECT_DIR,
        "--profiles-dir",
        profiles_dir(),
        "--target",
        target,
    ]
    if dbt_vars:
        command += ["--vars", json.dumps(dbt_vars)]
    return subprocess.run(
        command,
        cwd=PROJECT_DIR,
        env={**os.environ, **(env or {})},
        capture_output=capture,
        text=True,
        check=False,
    )
