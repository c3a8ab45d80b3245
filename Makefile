# Set-up, running and testing. `make run` and `make test` are the two commands a newcomer needs.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
POSTGRES_TEST_URL ?= postgres://postgres@127.0.0.1:5432/test
PYTEST_ARGS ?=

.PHONY: help install migrate-and-seed run test lint test-sqlite test-postgres check-migrations audit browser bench clean

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-16s %s\n", $$1, $$2}'

# --- Set-up -------------------------------------------------------------------------------------
$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip wheel

# torch goes in first and pinned: an unpinned torch would pull several GB of CUDA packages.
$(VENV)/.torch: | $(VENV)/bin/python
	$(PIP) install --quiet torch==2.13.0
	@touch $@

$(VENV)/.deps: requirements/base.txt requirements/dev.txt requirements/constraints.txt $(VENV)/.torch
	$(PIP) install --quiet -r requirements/dev.txt -c requirements/constraints.txt
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

static_build/css/app.css: node_modules/.installed $(wildcard frontend/scss/*.scss)
	npm run --silent build

browser: ## Install Debian's Chromium for the browser tests (needs root or sudo)
	@bin/install-chromium

install: $(VENV)/.deps static_build/css/app.css browser ## Install everything (Python, npm, Chromium)

# --- Running ------------------------------------------------------------------------------------
migrate-and-seed: install
	$(MANAGE) migrate --noinput
	$(MANAGE) load_reference_data
	$(MANAGE) load_demo_data

run: migrate-and-seed ## Install, migrate, load reference and demo data, serve with a task worker
	@bin/run-dev $(HOST) $(PORT)

# --- Tests --------------------------------------------------------------------------------------
lint: $(VENV)/.deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check-migrations: $(VENV)/.deps
	DJANGO_SETTINGS_MODULE=ehl.settings.test $(MANAGE) makemigrations --check --dry-run

test-sqlite: install
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# NLP, demo-voice and demo-plan tests touch no database, so the PostgreSQL pass leaves them to the
# SQLite pass; so do the browser tests of layout and of the full demo (they skip themselves there).
test-postgres: install
	@if bin/wait-for-postgres "$(POSTGRES_TEST_URL)"; then \
		DATABASE_URL="$(POSTGRES_TEST_URL)" $(VENV)/bin/pytest --ignore=tests/nlp --ignore=tests/site/test_demo_voices.py --ignore=tests/site/test_demo_programme.py $(PYTEST_ARGS); \
	elif [ -n "$$CI" ]; then echo "PostgreSQL is required in CI but is not reachable."; exit 1; \
	else echo "PostgreSQL not reachable at $(POSTGRES_TEST_URL): skipping the PostgreSQL pass."; fi

# pip-audit against the installed environment, with requirements/audit-exceptions.txt. Where its
# vulnerability service (PyPI's JSON API) cannot be reached it says so and does not fail.
audit: $(VENV)/.deps ## Audit installed Python packages for known vulnerabilities (pip-audit)
	$(PY) bin/audit-dependencies

test: install lint check-migrations audit test-sqlite test-postgres ## Run lint, migration check, dependency audit and the suite on SQLite and PostgreSQL

# Every benchmark script in tests/benchmarks (see its README); `make bench BENCH=nlp_quality`
# runs one. All of them take well over an hour and load the machine.
BENCH ?= demo_load redaction_speed report_speed load_focus_groups nlp_quality nlp_alternatives fuzz_parsers load_mix
bench: install ## Run the benchmark scripts (BENCH=name for one) and update docs/benchmarks.md
	@for name in $(BENCH); do \
		echo "== tests/benchmarks/$$name.py"; \
		$(VENV)/bin/python tests/benchmarks/$$name.py || exit 1; \
	done

clean: ## Remove installed environments and build output (keeps your database in var/)
	rm -rf $(VENV) node_modules static_build
