"""Apache Spark in local mode: the session the generator and the CLI use, configured
like the profile's `spark` target (dbt-spark's session method), and the Java check."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

from .config import WarehouseError, project_dir

JAVA_MAJOR = 17
LOG4J = os.path.join(os.path.dirname(__file__), "spark-log4j2.properties")


def spark_dir() -> str:
    """Where the metastore, the warehouse directory and the raw Parquet files live
    ($ACTIVITY_SPARK_DIR, default target/spark under the project)."""
    path = os.environ.get("ACTIVITY_SPARK_DIR", "target/spark")
    return path if os.path.isabs(path) else os.path.join(project_dir(), path)


def check_java() -> None:
    """Spark needs Java 17 (or newer): one line naming what is missing, not a JVM trace."""
    home = os.environ.get("JAVA_HOME")
    java = os.path.join(home, "bin", "java") if home else shutil.which("java")
    if not java or not os.path.exists(java):
        raise WarehouseError(
            f"the spark target needs Java {JAVA_MAJOR} and no `java` was found "
            "(install a JDK 17, e.g. `apt-get install openjdk-17-jdk-headless`, or set JAVA_HOME)"
        )
    try:
        out = subprocess.run(
            [java, "-version"], capture_output=True, text=True, timeout=30, check=False
        ).stderr
    except OSError as exc:
        raise WarehouseError(f"the spark target needs Java {JAVA_MAJOR}: {java}: {exc}") from exc
    found = re.search(r'version "(\d+)(?:\.(\d+))?', out)
    major = int(found.group(1)) if found else 0
    if major == 1 and found.group(2):  # "1.8" is Java 8
        major = int(found.group(2))
    if major < JAVA_MAJOR:
        shown = found.group(0).split('"')[1] if found else "unknown"
        raise WarehouseError(
            f"the spark target needs Java {JAVA_MAJOR} or newer, and {java} is Java {shown} "
            "(set JAVA_HOME to a JDK 17)"
        )


def check_pyspark() -> None:
    try:
        import dbt.adapters.spark  # noqa: F401
        import pyspark  # noqa: F401
    except ImportError as exc:
        raise WarehouseError(
            "the spark target needs the spark extra: pip install -e '.[spark]' "
            "(or `make install-spark`)"
        ) from exc


def session_config() -> dict[str, str]:
    """The SparkSession settings, the same as the profile's `spark` target."""
    base = spark_dir()
    return {
        "spark.master": f"local[{os.environ.get('ACTIVITY_SPARK_CORES', '2')}]",
        "spark.app.name": "activity_metrics",
        "spark.driver.memory": os.environ.get("ACTIVITY_SPARK_DRIVER_MEMORY", "2g"),
        "spark.sql.warehouse.dir": f"{base}/warehouse",
        "spark.hadoop.javax.jdo.option.ConnectionURL": (
            f"jdbc:derby:;databaseName={base}/metastore_db;create=true"
        ),
        "spark.driver.extraJavaOptions": (
            f"-Dderby.system.home={base} -Dlog4j2.configurationFile={LOG4J}"
        ),
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.shuffle.partitions": "4",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
    }


_SESSION = None


def spark_session():
    """The process's SparkSession (started once; the metastore is an embedded Derby
    database, so one process at a time: a build and a `show` take turns)."""
    global _SESSION
    if _SESSION is None:
        check_pyspark()
        check_java()
        from pyspark.sql import SparkSession

        os.makedirs(spark_dir(), exist_ok=True)
        builder = SparkSession.builder.enableHiveSupport()
        for key, value in session_config().items():
            builder = builder.config(key, value)
        # the JVM starts here and inherits stderr: its start-up banners go to a log
        # file of the Spark directory instead of the command's output
        sys.stderr.flush()
        saved = os.dup(2)
        with open(os.path.join(spark_dir(), "jvm.log"), "a") as log:
            os.dup2(log.fileno(), 2)
            try:
                _SESSION = builder.getOrCreate()
            finally:
                os.dup2(saved, 2)
                os.close(saved)
        _SESSION.sparkContext.setLogLevel("ERROR")
    return _SESSION


def release_spark() -> None:
    """Stop this process's SparkSession and its JVM, so that another process (dbt)
    can open the embedded metastore."""
    global _SESSION
    if _SESSION is None:
        return
    from pyspark import SparkContext

    _SESSION.stop()
    _SESSION = None
    gateway = SparkContext._gateway
    if gateway is not None:
        gateway.shutdown()
        proc = getattr(gateway, "proc", None)
        if proc is not None:  # the JVM: SIGTERM, and SIGKILL when it hangs on to it
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    SparkContext._gateway = None
    SparkContext._jvm = None


def query_spark(sql: str, params: tuple = ()) -> tuple[list[str], list[tuple]]:
    """Run one read query on the local Spark warehouse: (column names, rows)."""
    from pyspark.errors import AnalysisException

    for value in params:  # the CLI's parameters are dates and numbers, never free text
        sql = sql.replace("%s", _literal(value), 1)
    try:
        frame = spark_session().sql(sql)
        return list(frame.columns), [tuple(row) for row in frame.collect()]
    except AnalysisException as exc:
        first = str(exc).strip().splitlines()[0][:200]
        raise WarehouseError(
            f"the Spark warehouse under {spark_dir()} is not built or is missing a table "
            f"({first}): run `activity-metrics build --target spark`"
        ) from exc


def _literal(value) -> str:
    import datetime as dt

    if isinstance(value, (dt.date, dt.datetime)):
        return f"date'{value.isoformat()[:10]}'"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise WarehouseError(f"unsupported query parameter {value!r}")
    return repr(value)
