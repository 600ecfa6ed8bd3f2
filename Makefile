# The two commands: `make demo` builds the demo warehouse end to end, `make test` runs every test.
# `make test-fast`: ruff and the unit tests (tests/python/unit, no dbt build, not the `slow`
# statistical checks), in under a minute.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
CUSTOMERS ?= 5000
SEED ?= 42
export DBT_PROFILES_DIR := $(CURDIR)

# Older DuckDB readers the serving store must open (tests/python/warehouse/test_serving.py): the
# CLI of the oldest 1.x line PyPI still serves and of today's, and the Python package 1.1.3.
COMPAT := $(VENV)/compat
COMPAT_READERS := duckdb-cli-1.4.4 duckdb-cli-1.5.6 duckdb-1.1.3

.PHONY: demo test test-fast install compat-readers lint lint-python format benchmark docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# pip's own lines (Collecting, Downloading with a bar, Installing) are the progress: the first
# install takes a few minutes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	@echo "hvc: installing the package and its dependencies into $(VENV) (a few minutes the first time)"
	$(BIN)/python -m pip install --disable-pip-version-check --progress-bar on -e ".[dev]"
	touch $@

install: $(VENV)/.installed

$(COMPAT)/.installed: | $(BIN)/python
	for reader in $(COMPAT_READERS); do \
		$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps \
			--target $(COMPAT)/$$reader "$$(echo $$reader | sed 's/-\([0-9][0-9.]*\)$$/==\1/')" || exit 1; \
	done
	find $(COMPAT) -name duckdb -type f -exec chmod +x {} +
	touch $@

compat-readers: $(COMPAT)/.installed

demo: install
	$(BIN)/hvc demo --customers $(CUSTOMERS) --seed $(SEED)

lint-python: install
	$(BIN)/ruff check src tests/python scripts python_models
	$(BIN)/ruff format --check src tests/python scripts python_models

# sqlfluff compiles the models against an empty raw folder: with the demo's files present, the
# models that list each file compile to SQL too large for its parser. Two processes: 44 s
# instead of about 2 min here.
lint: lint-python
	HVC_DUCKDB_PATH=$$(mktemp -d)/lint.duckdb HVC_RAW_DIR=$$(mktemp -d) $(BIN)/sqlfluff lint models tests/dbt --processes 2

format: install
	$(BIN)/ruff format src tests/python scripts python_models
	$(BIN)/ruff check --fix src tests/python scripts python_models

# Two pytest processes, each taking whole test files (a module's fixtures are built in one
# process); the session's worlds and builds are built once for both (tests/python/helpers/once.py).
test: lint compat-readers
	$(BIN)/pytest -n 2 --dist loadfile

test-fast: lint-python
	$(BIN)/pytest tests/python/unit -m "not slow"

benchmark: install
	$(BIN)/python scripts/benchmark_generator.py

docs: install
	$(BIN)/dbt docs generate

clean:
	rm -rf target logs data warehouse/*.duckdb warehouse/*.wal
