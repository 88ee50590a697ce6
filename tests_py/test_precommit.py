"""The pre-commit hooks (what `make lint` runs on every file) fail on a real violation of
each kind and pass on clean files, in a clone of the repository: a Python lint error, an
unformatted file, a SQL style error, broken YAML, trailing whitespace."""

from __future__ import annotations

import os
import subprocess

from activity_metrics.config import project_dir

PROJECT_DIR = project_dir()  # the project under test (make test sets $ACTIVITY_PROJECT_DIR)

VIOLATIONS = {
    "tests_py/hook_probe.py": ("import os\n", "ruff check"),
    "src/hook_probe_format.py": ("x = {  'a':1 }\n", "ruff format"),
    "models/staging/app/stg_hook_probe.sql": ("SELECT 1 AS Probe\n", "sqlfluff lint"),
    "hook_probe.yml": ("models: [\n", "check yaml"),
    "docs/hook_probe.md": ("a line with a trailing space \n", "no trailing whitespace"),
}
CLEAN = {
    "tests_py/hook_probe.py": "PROBE = 1\n",
    "src/hook_probe_format.py": 'X = {"a": 1}\n',
    "models/staging/app/stg_hook_probe.sql": "select 1 as probe\n",
    "hook_probe.yml": "version: 2\n",
    "docs/hook_probe.md": "a clean line\n",
}


def run_hooks(clone, files: dict[str, str]) -> subprocess.CompletedProcess:
    for path, text in files.items():
        with open(os.path.join(clone, path), "w") as fh:
            fh.write(text)
    subprocess.run(["git", "add", *files], cwd=clone, check=True)
    return subprocess.run(
        [os.path.join(PROJECT_DIR, ".venv", "bin", "pre-commit"), "run", "--files", *files],
        cwd=clone,
        env={**os.environ, "PRE_COMMIT_HOME": os.path.join(clone, ".pre-commit-cache")},
        capture_output=True,
        text=True,
        check=False,
    )


def test_each_hook_fails_on_a_violation_and_passes_when_clean(tmp_path):
    clone = str(tmp_path / "clone")
    subprocess.run(["git", "clone", "-q", PROJECT_DIR, clone], check=True)
    for shared in (".venv", ".profiles"):
        os.symlink(os.path.join(PROJECT_DIR, shared), os.path.join(clone, shared))

    failed = run_hooks(clone, {path: text for path, (text, _) in VIOLATIONS.items()})
    assert failed.returncode == 1, failed.stdout[-3000:]
    for _, hook in VIOLATIONS.values():
        assert any(
            line.startswith(hook) and line.endswith("Failed") for line in failed.stdout.splitlines()
        ), (hook, failed.stdout[-3000:])
    assert "CP01" in failed.stdout  # sqlfluff found the upper-case keyword
    assert "Traceback" not in failed.stdout

    passed = run_hooks(clone, CLEAN)
    assert passed.returncode == 0, passed.stdout[-3000:]
    assert "Failed" not in passed.stdout
