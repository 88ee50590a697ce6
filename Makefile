# Two commands on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DBT_PROFILES_DIR := $(CURDIR)/.profiles
export ACTIVITY_PROJECT_DIR := $(CURDIR)

.PHONY: install install-spark demo test lint dbt-both pytest docs browser bench dashboard dashboard-reset clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found (Python 3.11 is required)"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip 2>/dev/null || true
	$(BIN)/pip install --quiet -e '.[dev,dagster]'
	mkdir -p .profiles && cp profiles.yml.example .profiles/profiles.yml
	touch $(STAMP)

install: $(STAMP)
	@mkdir -p .profiles && cp profiles.yml.example .profiles/profiles.yml

# The spark extra (dbt-spark, pyspark: ~500 MB), for the Spark tests and `--target spark`;
# Java 17 must be on PATH or in JAVA_HOME.
SPARK_STAMP := $(VENV)/.installed-spark
$(SPARK_STAMP): $(STAMP) pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev,dagster,spark]'
	touch $(SPARK_STAMP)

install-spark: $(SPARK_STAMP)

demo: install
	$(BIN)/activity-metrics generate --target duckdb --users 20000 --days 365 --replace
	@# fresh raw data replaces history: rebuild the incremental models from scratch
	$(BIN)/activity-metrics build --target duckdb --full-refresh
	@echo
	$(BIN)/activity-metrics show --target duckdb
	@echo
	@echo "Next: '$(BIN)/activity-metrics show --detailed', '$(BIN)/activity-metrics compare-methods',"
	@echo "'$(BIN)/activity-metrics validate', '$(BIN)/activity-metrics show --json',"
	@echo "or open the warehouse: $(BIN)/python -c \"import duckdb; duckdb.connect('activity_metrics.duckdb').sql('from analytics.fct_active_users_daily order by date_day desc limit 10').show()\""

# Every pre-commit hook on every file (ruff, ruff format, sqlfluff serially against a
# scratch database, yaml, whitespace): what a commit checks, on the whole tree.
lint: install
	$(BIN)/pre-commit run --all-files --show-diff-on-failure

# dbt build on both engines, visibly, on a small dataset in scratch schemas of this run
# (not part of `make test`: pytest builds both engines and checks the results).
RUN_ID := $(shell date +%s)_$$$$
dbt-both: install
	@echo "== dbt build on DuckDB =="
	ACTIVITY_DUCKDB_PATH=$(CURDIR)/target/make_test.duckdb $(BIN)/activity-metrics generate --target duckdb --users 3000 --days 120 --seed 1 --replace
	ACTIVITY_DUCKDB_PATH=$(CURDIR)/target/make_test.duckdb $(BIN)/activity-metrics build --target duckdb --full-refresh
	@# the nightly selector leaves the dbt unit tests (code, not data) out: run them here
	ACTIVITY_DUCKDB_PATH=$(CURDIR)/target/make_test.duckdb $(BIN)/dbt test --target duckdb --select "test_type:unit"
	@echo "== dbt build on PostgreSQL =="
	@if $(BIN)/python -c "from activity_metrics.warehouse import Settings; Settings('postgres').connect_postgres().close()" 2>/dev/null; then \
	  export ACTIVITY_SOURCE_SCHEMA=raw_make_$(RUN_ID) ACTIVITY_POSTGRES_SCHEMA=analytics_make_$(RUN_ID); \
	  $(BIN)/activity-metrics generate --target postgres --users 3000 --days 120 --seed 1 \
	  && $(BIN)/activity-metrics build --target postgres; status=$$?; \
	  psql_drop="drop schema if exists $$ACTIVITY_SOURCE_SCHEMA cascade; drop schema if exists $$ACTIVITY_POSTGRES_SCHEMA cascade"; \
	  $(BIN)/python -c "from activity_metrics.warehouse import Settings; c = Settings('postgres').connect_postgres(); c.cursor().execute('''$$psql_drop'''); c.commit()"; \
	  exit $$status; \
	elif [ "$$CI" = "true" ]; then \
	  echo "error: CI=true and PostgreSQL is unreachable at $${ACTIVITY_POSTGRES_HOST:-127.0.0.1}:$${ACTIVITY_POSTGRES_PORT:-5432}"; exit 1; \
	else \
	  echo "PostgreSQL unreachable at $${ACTIVITY_POSTGRES_HOST:-127.0.0.1}:$${ACTIVITY_POSTGRES_PORT:-5432}: skipping its dbt build (set CI=true to make this fail)"; \
	fi

# a worker per core (PYTEST_WORKERS=1 for one process), whole modules to each, the
# longest first (tests_py/conftest.py)
PYTEST_WORKERS ?= auto
pytest: install install-spark browser
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder

# The docs site (metric definitions, lineage, exposures) as one static page, built against
# the demo warehouse when it exists (column types come from it).
docs: install
	$(BIN)/dbt docs generate --static --target duckdb
	@echo "docs site: $(CURDIR)/target/static_index.html (open it in a browser; no server needed)"

# Benchmarks side by side (medians, ratios, peak memory) into BENCHMARKS.md.
# SIZE=S (10k users x 365 days, minutes) or SIZE=M (200k x 730 days: the targets; about an
# hour on 2 cores); TARGET=duckdb|postgres|both.
SIZE ?= S
TARGET ?= both
bench: install
	$(BIN)/activity-metrics bench --size $(SIZE) --target $(TARGET) --runs 3

# Superset over the warehouse (PostgreSQL by default; ACTIVITY_TARGET=duckdb for the demo
# file): installs it into .superset-venv from the lock file (once), bootstraps .superset/,
# imports dashboards/superset/bundle, serves on 127.0.0.1:8088 (user admin; its secret is
# generated at the first bootstrap and printed once, or taken from the environment).
dashboard: install
	$(BIN)/python dashboards/superset/manage.py all

dashboard-reset:
	rm -rf .superset

# Debian's chromium for the browser tests (never `playwright install`).
browser:
	@command -v chromium >/dev/null || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get install -y -q chromium >/dev/null \
	  || { $$SUDO apt-get update -q >/dev/null && $$SUDO apt-get install -y -q chromium >/dev/null; }; }

# (the dbt builds of both engines run inside pytest, with checks; `make dbt-both` shows one)
test: install browser lint pytest

clean:
	rm -rf $(VENV) target logs .profiles activity_metrics.duckdb derby.log
