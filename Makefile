# kaohe — GNU make entry points. `make demo` works on a fresh clone (needs python3 ≥ 3.11).
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV    := .venv
PYTHON  := $(VENV)/bin/python
KAOHE   := $(VENV)/bin/kaohe
STAMP   := $(VENV)/.kaohe-installed
PG_URL  := postgresql://kaohe@127.0.0.1:5432/kaohe
PORT    ?= 8000

.PHONY: help install demo serve test test-sqlite test-postgresql lint bench system-deps messages

help:
	@echo "make demo    build the demo county, then serve it at http://127.0.0.1:$(PORT)"
	@echo "make test    ruff, then pytest on SQLite and on PostgreSQL (required when CI=true)"
	@echo "make lint    ruff check"
	@echo "make bench   benchmarks (never part of make test)"
	@echo "make system-deps  Debian packages the project needs (chromium, CJK fonts, gettext)"
	@echo "make messages     compile the translation catalogues (.po -> .mo)"

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

# Debian packages: chromium (browser tests, screenshots), fonts-noto-cjk (Chinese glyphs in
# pages, charts and PDFs), gettext (msgfmt: `make messages` and the catalogue test), pango
# (WeasyPrint: the voting slips and feedback reports as PDF).
# apt-get runs only when one is missing, `apt-get update` only then; without root it says so.
SYSTEM_PACKAGES := chromium fonts-noto-cjk gettext libpango-1.0-0 libpangoft2-1.0-0

system-deps:
	@missing=""; for pkg in $(SYSTEM_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$pkg 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$pkg"; \
	done; \
	if [ -z "$$missing" ]; then \
		echo "system-deps: all present ($(SYSTEM_PACKAGES))"; \
	elif ! command -v apt-get >/dev/null; then \
		echo "system-deps: SKIPPED, no apt-get; install by hand:$$missing"; \
	elif [ "$$(id -u)" != "0" ]; then \
		echo "system-deps: SKIPPED, not root; run as root: apt-get install$$missing"; \
	else \
		echo "system-deps: installing$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# The .mo files are committed (a checkout runs without gettext); recompile after editing a .po.
messages: install
	cd src/kaohe/accounts && ../../../$(VENV)/bin/django-admin compilemessages
	cd src/kaohe/web && ../../../$(VENV)/bin/django-admin compilemessages
	cd src/kaohe/results && ../../../$(VENV)/bin/django-admin compilemessages
	cd src/kaohe/process && ../../../$(VENV)/bin/django-admin compilemessages
	cd src/kaohe/plans && ../../../$(VENV)/bin/django-admin compilemessages
	cd src/kaohe/entry && ../../../$(VENV)/bin/django-admin compilemessages
	cd src/kaohe/evaluation && ../../../$(VENV)/bin/django-admin compilemessages

test: system-deps lint test-sqlite test-postgresql

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
	$(PYTHON) bench/run.py --repeat 3
