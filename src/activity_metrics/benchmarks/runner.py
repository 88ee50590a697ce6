"""How the benchmarks time things: each contender in a child process of its own (dbt, or
a query through `python -m activity_metrics.benchmarks --sql-worker`), its wall time, its
peak memory, the rows it returned."""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field

from ..dbt_runner import as_of_environment, dbt_command, profiles_dir
from ..scratch import ScratchWarehouse
from ..warehouse import Settings, WarehouseError, project_dir


@dataclass
class Timing:
    seconds: list[float] = field(default_factory=list)
    peak_mb: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def peak(self) -> float:
        return max(self.peak_mb) if self.peak_mb else float("nan")


class BenchWarehouse(ScratchWarehouse):
    """A scratch warehouse per dataset under target/bench (the same names every run, so
    `--keep` leaves them to inspect), whose commands run in timed child processes."""

    def __init__(self, target: str, name: str):
        bench_dir = os.path.join(project_dir(), "target", "bench")
        os.makedirs(bench_dir, exist_ok=True)
        super().__init__(
            target,
            f"raw_bench_{name}",
            f"analytics_bench_{name}",
            os.path.join(bench_dir, f"{name}.duckdb"),
            # a metastore of the bench's own; dbt runs in a child process, so this
            # process lets go of its JVM after each use
            {"ACTIVITY_SPARK_DIR": os.path.join(bench_dir, "spark")} if target == "spark" else {},
            release_spark=True,
        )
        # dbt's target directory of its own, as a scheduler's checkout has: its parsed
        # project (partial_parse.msgpack) is this warehouse's, not the last one's
        self.target_path = os.path.join(bench_dir, f"dbt_target_{name}")
        self.env["DBT_TARGET_PATH"] = self.target_path

    def load(self, tables, append=False):
        """A fresh warehouse with these raw tables (append: add the rows)."""
        if not append and self.target != "spark":
            self.drop()
        super().load(tables, append=append)

    def run(
        self, command: list[str], timeout: float | None = None, env: dict | None = None
    ) -> tuple[float, float]:
        """A command in a child process: (seconds, peak RSS of the child in MB). Past the
        timeout the child is killed and the result is (inf, nan): a lower bound."""
        started = time.perf_counter()
        proc = subprocess.Popen(
            command,
            cwd=project_dir(),
            env={**os.environ, **self.env, "DBT_PROFILES_DIR": profiles_dir(), **(env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            output, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            self.last_output = ""
            return float("inf"), float("nan")
        seconds = time.perf_counter() - started
        if proc.returncode != 0:
            tail = "\n".join(output.splitlines()[-25:])
            how = (
                f"killed by signal {-proc.returncode} (out of memory?)"
                if proc.returncode < 0
                else f"exit {proc.returncode}"
            )
            raise WarehouseError(
                f"benchmark step failed: {' '.join(command[:4])}\n{tail}\n{how}".replace(
                    "\n\n", "\n"
                )
            )
        self.last_output = output
        reported = dict(
            line.split(" ", 1)
            for line in output.splitlines()
            if line.startswith(("SECONDS ", "PEAK_MB "))
        )
        peak = float(reported.get("PEAK_MB", "nan"))
        if command[:1] == ["/usr/bin/time"]:
            peak = float(output.strip().splitlines()[-1]) / 1024  # %M: max RSS in KB
        return float(reported.get("SECONDS", seconds)), peak

    def dbt(self, args: list[str], as_of: dt.date) -> tuple[float, float]:
        """dbt as a scheduler runs it: no --vars, the date from the environment (the
        parsed project is kept from one night to the next)."""
        command = dbt_command(args, self.target, None)
        if os.path.exists("/usr/bin/time"):  # GNU time: the peak RSS of dbt itself
            command = ["/usr/bin/time", "-f", "%M", *command]
        return self.run(command, env=as_of_environment(as_of))

    def dbt_with_vars(self, args: list[str], as_of: dt.date, night: int) -> tuple[float, float]:
        """dbt given its date by --vars, as this project's nightly was run before: a value
        that changes every night, so dbt parses the whole project again (`night` stands
        for the change; in a target directory of its own, so that the other runs keep
        their parsed project)."""
        dbt_vars = {"activity__as_of_date": as_of.isoformat(), "bench_night": night}
        command = dbt_command(args, self.target, dbt_vars)
        if os.path.exists("/usr/bin/time"):
            command = ["/usr/bin/time", "-f", "%M", *command]
        return self.run(command, env={"DBT_TARGET_PATH": self.target_path + "_vars"})

    def one_row(self, sql: str) -> tuple:
        """The first row of a query (not timed)."""
        return self.query(sql)[0]

    def sql(self, sql: str, timeout: float | None = None) -> tuple[float, float]:
        self.env["BENCH_TIMEOUT_SECONDS"] = str(timeout or 0)
        return self.run(
            [sys.executable, "-m", "activity_metrics.benchmarks", "--sql-worker", sql], timeout
        )


def _own_peak_mb() -> float:
    """VmHWM of this process (ru_maxrss would include the parent's pages from before exec)."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def sql_worker(sql: str) -> None:
    """Child process: run one query against the warehouse of the environment, fetch all."""
    settings = Settings.from_env(os.environ.get("ACTIVITY_TARGET"))
    if settings.target == "postgres":
        conn = settings.connect_postgres()
        with conn.cursor() as cur:
            cur.execute("set time zone 'UTC'")
            cur.execute(f"set work_mem = '{os.environ.get('BENCH_WORK_MEM', '256MB')}'")
            # a killed client does not stop its query: let the server stop it too
            timeout_s = float(os.environ.get("BENCH_TIMEOUT_SECONDS", "0"))
            timeout_ms = int((timeout_s + 5) * 1000) if timeout_s else 0
            cur.execute(f"set statement_timeout = {timeout_ms}")
            started = time.perf_counter()
            cur.execute(sql)
            rows = cur.fetchall()
            seconds = time.perf_counter() - started
        conn.close()
    elif settings.target == "spark":
        from ..spark import spark_session

        session = spark_session()
        started = time.perf_counter()
        rows = [tuple(row) for row in session.sql(sql).collect()]
        seconds = time.perf_counter() - started
    else:
        import duckdb

        with duckdb.connect(settings.duckdb_path, read_only=True) as con:
            started = time.perf_counter()
            rows = con.execute(sql).fetchall()
            seconds = time.perf_counter() - started
    # the query's own time (connecting and starting Python are not the query's cost)
    print("SECONDS", seconds)
    print("PEAK_MB", _own_peak_mb())
    print("ROWS", json.dumps(sorted(rows, key=str), default=str))


def result_rows(output: str):
    line = next(line for line in output.splitlines() if line.startswith("ROWS "))
    return json.loads(line[5:])
