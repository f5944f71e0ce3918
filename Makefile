# The two commands a newcomer runs: `make demo` and `make test` (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help

PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
# Django 6.1 needs Python 3.12 or newer: take the first one found.
SYSTEM_PYTHON ?= $(shell for p in python3.13 python3.12 $$HOME/.pyenv/versions/3.13*/bin/python3 $$HOME/.pyenv/versions/3.12*/bin/python3 python3; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { command -v $$p; break; }; done)
CHROMIUM := /usr/bin/chromium
# Debian packages: WeasyPrint's libraries (PDF tickets and invoices) for running, plus Chromium
# for the browser tests.
RUNTIME_PACKAGES := fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 libglib2.0-0
SYSTEM_PACKAGES := $(RUNTIME_PACKAGES) chromium sqlite3

.PHONY: help demo test lint typecheck pytest bench messages system-packages runtime-packages node-deps clean

help:
	@echo "make demo   - install, migrate an SQLite database under var/, load the demo, serve on http://127.0.0.1:$(PORT)"
	@echo "make test   - install the dev dependencies and run lint, type checks and the whole test suite"
	@echo "make bench  - run the benchmarks under bench/"

$(VENV)/.installed: pyproject.toml
	@test -n "$(SYSTEM_PYTHON)" || { echo "Python 3.12 or newer is required (Django 6.1)." >&2; exit 1; }
	test -x $(PY) || $(SYSTEM_PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

demo: export DJANGO_DEBUG = 1
demo: $(VENV)/.installed runtime-packages
	mkdir -p var
	$(PY) manage.py migrate --no-input -v 0
	EMAIL_URL=dummy:// $(PY) manage.py load_demo
	@echo ""
	@echo "  Programme:  http://127.0.0.1:$(PORT)/"
	@echo "  Admin:      http://127.0.0.1:$(PORT)/admin/   (admin/admin, door/door, exhibitor/exhibitor)"
	@echo "  API docs:   http://127.0.0.1:$(PORT)/api/docs/"
	@echo ""
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# Debian's Chromium (Playwright never downloads a browser) and WeasyPrint's libraries.
system-packages runtime-packages: PACKAGES = $(if $(filter runtime-packages,$@),$(RUNTIME_PACKAGES),$(SYSTEM_PACKAGES))
system-packages runtime-packages:
	@missing=$$(for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages: $$missing"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
	@test "$@" = runtime-packages || test -x $(CHROMIUM) || { echo "$(CHROMIUM) is missing: the browser tests cannot run." >&2; exit 1; }

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

node-deps: node_modules/.installed

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(VENV)/.installed
	$(VENV)/bin/mypy .

pytest: $(VENV)/.installed system-packages node-deps
	$(VENV)/bin/pytest -n 2 --dist loadfile

test: lint typecheck pytest

# Programme pages and API, order creation, door scans, ticket PDFs and, on PostgreSQL, the scale-out run
# (sale rush and double scans across two app servers); results go to docs/performance.md.
# Set DATABASE_URL to a PostgreSQL server to measure there (a throwaway database is used).
bench: $(VENV)/.installed runtime-packages
	$(PY) bench/run.py
	$(PY) bench/orders.py
	$(PY) bench/checkin.py
	$(PY) bench/pdf.py
	@if [[ "$$DATABASE_URL" == postgres* ]]; then $(PY) bench/scaleout.py; \
	else echo "bench/scaleout.py (two app servers, a worker, PostgreSQL and Redis) needs DATABASE_URL=postgres://..."; fi

messages: $(VENV)/.installed
	$(PY) manage.py makemessages -l de -l en --ignore=.venv --ignore=node_modules --ignore=var
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) node_modules var/static
