# kaohe — GNU make entry points. `make demo` works on a fresh clone (needs python3 ≥ 3.11).
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV    := .venv
PYTHON  := $(VENV)/bin/python
KAOHE   := $(VENV)/bin/kaohe
STAMP   := $(VENV)/.kaohe-installed
PG_URL  := postgresql://kaohe@127.0.0.1:5432/kaohe
PORT    ?= 8000

.PHONY: help install demo serve test test-sqlite test-postgresql lint bench

help:
	@echo "make demo    build the demo county, then serve it at http://127.0.0.1:$(PORT)"
	@echo "make test    ruff, then pytest on SQLite and on PostgreSQL (required when CI=true)"
	@echo "make lint    ruff check"
	@echo "make bench   benchmarks (never part of make test)"

$(PYTHON):
	python3 -m venv $(VENV)

# Reinstall only when the project's metadata changed (the stamp is older than pyproject.toml).
$(STAMP): pyproject.toml | $(PYTHON)
	$(PYTHON) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(KAOHE) demo
	$(KAOHE) serve --port $(PORT)

serve: install
	$(KAOHE) serve --port $(PORT)

lint: install
	$(VENV)/bin/ruff check .

test: lint test-sqlite test-postgresql

test-sqlite: install
	env -u DATABASE_URL $(VENV)/bin/pytest

# pg_setup.py exits 3 when PostgreSQL is unreachable: skipped locally, a failure with CI=true.
test-postgresql: install
	@status=0; $(PYTHON) scripts/pg_setup.py || status=$$?; \
	if [ $$status -eq 0 ]; then \
		echo "DATABASE_URL=$(PG_URL) pytest"; \
		DATABASE_URL=$(PG_URL) $(VENV)/bin/pytest; \
	elif [ $$status -eq 3 ] && [ "$${CI:-}" != "true" ]; then \
		echo "SKIPPED: PostgreSQL is not reachable at 127.0.0.1:5432, so the PostgreSQL run did not happen (with CI=true it is required)."; \
	else \
		echo "FAILED: PostgreSQL is required (CI=true) but could not be set up at 127.0.0.1:5432." >&2; \
		exit 1; \
	fi

bench: install
	$(PYTHON) bench/run.py
