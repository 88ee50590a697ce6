# Two commands on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DBT_PROFILES_DIR := $(CURDIR)/.profiles
export ACTIVITY_PROJECT_DIR := $(CURDIR)

.PHONY: install demo test lint dbt-duckdb dbt-postgres pytest clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found (Python 3.11 is required)"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip 2>/dev/null || true
	$(BIN)/pip install --quiet -e '.[dev]'
	mkdir -p .profiles && cp profiles.yml.example .profiles/profiles.yml
	touch $(STAMP)

install: $(STAMP)
	@mkdir -p .profiles && cp profiles.yml.example .profiles/profiles.yml

demo: install
	$(BIN)/activity-metrics generate --target duckdb --users 20000 --days 365
	$(BIN)/activity-metrics build --target duckdb
	@echo
	$(BIN)/activity-metrics show --target duckdb
	@echo
	@echo "Next: '$(BIN)/activity-metrics show --json', '$(BIN)/activity-metrics validate',"
	@echo "or open the warehouse: $(BIN)/python -c \"import duckdb; duckdb.connect('activity_metrics.duckdb').sql('from analytics.fct_active_users_daily order by date_day desc limit 10').show()\""

lint: install
	$(BIN)/ruff check src tests_py
	$(BIN)/ruff format --check src tests_py
	$(BIN)/sqlfluff lint models macros tests analyses

pytest: install
	$(BIN)/pytest

test: install lint pytest

clean:
	rm -rf $(VENV) target logs .profiles activity_metrics.duckdb
