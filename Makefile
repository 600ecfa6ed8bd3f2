# The two commands: `make demo` builds the demo warehouse end to end, `make test` runs every test.
# `make test-fast`: ruff and the unit tests (tests/python/unit, no dbt build), in under a minute.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
CUSTOMERS ?= 5000
SEED ?= 42
export DBT_PROFILES_DIR := $(CURDIR)

.PHONY: demo test test-fast install lint lint-python format benchmark docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $@

install: $(VENV)/.installed

demo: install
	$(BIN)/hvc demo --customers $(CUSTOMERS) --seed $(SEED)

lint-python: install
	$(BIN)/ruff check src tests/python scripts python_models
	$(BIN)/ruff format --check src tests/python scripts python_models

lint: lint-python
	HVC_DUCKDB_PATH=$$(mktemp -d)/lint.duckdb $(BIN)/sqlfluff lint models tests/dbt

format: install
	$(BIN)/ruff format src tests/python scripts python_models
	$(BIN)/ruff check --fix src tests/python scripts python_models

test: lint
	$(BIN)/pytest

test-fast: lint-python
	$(BIN)/pytest tests/python/unit

benchmark: install
	$(BIN)/python scripts/benchmark_generator.py

docs: install
	$(BIN)/dbt docs generate

clean:
	rm -rf target logs data warehouse/*.duckdb warehouse/*.wal
