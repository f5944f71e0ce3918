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

.PHONY: help demo test lint typecheck pytest bench messages chromium node-deps clean

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
demo: $(VENV)/.installed
	mkdir -p var
	$(PY) manage.py migrate --no-input -v 0
	EMAIL_URL=dummy:// $(PY) manage.py load_demo
	@echo ""
	@echo "  Programme:  http://127.0.0.1:$(PORT)/"
	@echo "  Admin:      http://127.0.0.1:$(PORT)/admin/   (admin/admin, door/door, exhibitor/exhibitor)"
	@echo "  API docs:   http://127.0.0.1:$(PORT)/api/docs/"
	@echo ""
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# Debian's Chromium for the browser tests; Playwright never downloads a browser.
chromium:
	@test -x $(CHROMIUM) || { \
		echo "Installing Debian's chromium for the browser tests"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null; }
	@test -x $(CHROMIUM) || { echo "$(CHROMIUM) is missing: the browser tests cannot run." >&2; exit 1; }

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

node-deps: node_modules/.installed

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(VENV)/.installed
	$(VENV)/bin/mypy .

pytest: $(VENV)/.installed chromium node-deps
	$(VENV)/bin/pytest -n 2 --dist loadfile

test: lint typecheck pytest

bench: $(VENV)/.installed
	$(PY) bench/run.py

messages: $(VENV)/.installed
	$(PY) manage.py makemessages -l de -l en --ignore=.venv --ignore=node_modules --ignore=var
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) node_modules var/static
