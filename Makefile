# Takt: two commands from a fresh clone.
#   make run    set up, migrate, seed demo data when empty, serve the app (production build) in demo mode
#               (TAKT_DEMO=1: the demo's published passwords may write; without it they must be changed first)
#   make test   set up and run the whole test suite
#   make lint   ruff and mypy, as CI runs them before the tests
# DATABASE_URL=postgresql+psycopg://user@host/db switches both from the embedded SQLite file.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 3000
HOST ?= 0.0.0.0
PYTEST_ARGS ?=
SIMULATE ?= 1
SIMULATE_ARGS ?=

export PATH := $(CURDIR)/.tools/node_modules/.bin:$(PATH)
export REFLEX_USE_SYSTEM_BUN := 1
export REFLEX_HOT_RELOAD_EXCLUDE_PATHS := data:tests:bench:test-results
export REFLEX_TELEMETRY_ENABLED := false
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test test-fast test-e2e setup db bun chromium lint clean help

help:
	@echo "make run   - start Takt with demo data on http://localhost:$(PORT)"
	@echo "make test  - run the whole test suite (set TEST_DATABASE_URL to add PostgreSQL)"
	@echo "make lint  - ruff on the whole tree, mypy on models/ and services/ (pyproject.toml)"

$(BIN)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install -q --disable-pip-version-check -e ".[test]"
	@touch $@

bun:
	@./.ci/ensure-bun

chromium:
	@if [ -z "$$TAKT_SKIP_E2E" ]; then ./.ci/ensure-chromium; fi

setup: $(BIN)/.installed bun

db: setup
	@$(BIN)/takt migrate
	@TAKT_DEMO=1 $(BIN)/takt seed-demo --quiet

# The shop-floor simulator (takt simulate) drives the demo plant once the backend answers; SIMULATE=0
# leaves it off, SIMULATE_ARGS adds options (e.g. --all-hours outside shift times). It ends with reflex.
run: export TAKT_DEMO := 1
run: db
	@$(BIN)/takt demo-logins --url "http://localhost:$(PORT)"
	@if [ "$(SIMULATE)" != "0" ]; then \
	  $(BIN)/takt simulate --url "http://127.0.0.1:$(PORT)" --wait 1800 --with-parent $(SIMULATE_ARGS) & \
	fi; \
	exec $(BIN)/reflex run --env prod --frontend-port $(PORT) --backend-port $(PORT) --backend-host $(HOST)

# Services, REST API and page state on every core (each worker with its own databases), then the
# browser tests, which share one production build of the app. TAKT_TEST_BACKENDS=sqlite (or
# postgresql) runs the first part on one backend only.
WORKERS ?= $(shell nproc 2>/dev/null || echo 2)

test: test-fast test-e2e

TEST_PATHS ?= tests/unit tests/api tests/ui

test-fast: setup
	$(BIN)/python -m pytest -q -n $(WORKERS) --dist loadfile $(TEST_PATHS) $(PYTEST_ARGS)

test-e2e: setup chromium
	@if [ -z "$$TAKT_SKIP_E2E" ]; then $(BIN)/python -m pytest -q tests/e2e $(PYTEST_ARGS); fi

# ruff on the whole tree; mypy on the packages listed in [tool.mypy] files (pyproject.toml).
lint: setup
	$(BIN)/ruff check .
	$(BIN)/mypy

clean:
	rm -rf .web .states build *.egg-info test-results .pytest_cache .hypothesis
