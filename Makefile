# PartyCloud developer tasks. `make run` starts everything on this machine;
# `make test` is what CI runs. Servers come from scripts/devservices.py.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PY ?= $(shell command -v python3.11 >/dev/null 2>&1 && echo python3.11 || echo python3)
UV_VERSION := 0.13.9
VENV := .venv
BIN := $(VENV)/bin
PYTHON := $(BIN)/python
DEVSERVICES := $(PYTHON) scripts/devservices.py
# pytest takes its settings module from pyproject.toml; everything else runs with this one.
DJANGO_SETTINGS_MODULE ?= partycloud.settings
DJANGO := DJANGO_SETTINGS_MODULE=$(DJANGO_SETTINGS_MODULE)
PYTEST_ARGS ?=

export PYTHONPATH := .:platform

.PHONY: help venv frontend frontend-check api-types run lint test bench clean stop messages totp

help:
	@echo "make run       start PartyCloud with its own PostgreSQL and Redis (http://localhost:8000)"
	@echo "make test      lint, then the test suite (PYTEST_ARGS=... to pass options)"
	@echo "make lint      ruff, import-linter (floors), mypy, makemigrations --check, pip-audit + npm audit"
	@echo "make bench     run bench/*.py"
	@echo "make stop      stop the servers kept under var/"
	@echo "make clean     remove the test servers' data and the caches"
	@echo "make messages  extract and compile translations (needs gettext)"
	@echo "make totp PHONE=13900000101  the current two-factor code of a demo staff account"
	@echo "make api-types regenerate the front end's API types after an API change"

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.lock pyproject.toml
	test -x $(PYTHON) || $(PY) -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip install --python $(PYTHON) -r requirements.lock
	touch $@

# The front end is built only when it exists, and again only when its sources change.
ifneq ($(wildcard frontend/package.json),)
FRONTEND_SOURCES := $(shell find frontend \( -name node_modules -o -name dist \) -prune -o -type f -print)

frontend: frontend/node_modules/.built

frontend/node_modules/.installed: frontend/package.json $(wildcard frontend/package-lock.json)
	cd frontend && if [ -f package-lock.json ]; then npm ci; else npm install; fi
	mkdir -p $(@D) && touch $@

frontend/node_modules/.built: frontend/node_modules/.installed $(FRONTEND_SOURCES)
	cd frontend && npm run build
	touch $@
else
frontend:
	@:
endif

run: venv frontend
	exec $(DEVSERVICES) run --for run -- $(PYTHON) scripts/run.py

# The demo staff sign in with a code too (docs/platform.md): print it from make run's database.
totp: venv
	@test -n "$${PHONE:-}" || { echo "usage: make totp PHONE=13900000101"; exit 2; }
	env $$($(DEVSERVICES) env --for run | grep -E '^(DATABASE_URL|REDIS_URL)=') $(DJANGO) \
		$(PYTHON) manage.py totp_code "$(PHONE)"

# lint-imports checks the floors of docs/architecture.md: no upward import, no cycle between two apps.
lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(DEVSERVICES) run --for test -- env $(DJANGO) $(PYTHON) manage.py makemigrations --check --dry-run
	$(PYTHON) scripts/audit.py

test: lint frontend frontend-check
	$(DEVSERVICES) run --for test -- env -u DJANGO_SETTINGS_MODULE $(BIN)/pytest $(PYTEST_ARGS)

# The typed API client must match the API: dump the schema (both hosts) and compare.
SCHEMA_DUMP := $(DJANGO) $(PYTHON) manage.py spectacular --urlconf partycloud.urls_schema --validate --fail-on-warn

frontend-check: venv frontend
ifneq ($(wildcard frontend/package.json),)
	mkdir -p var && $(SCHEMA_DUMP) --file var/openapi.yaml
	OPENAPI_SCHEMA=var/openapi.yaml npm --prefix frontend run check:api
	npm --prefix frontend run lint
	npm --prefix frontend run test:unit
endif

# After an API change: refresh frontend/openapi.yaml and the generated types.
api-types: venv
	test -d frontend/node_modules || (cd frontend && npm ci)
	$(SCHEMA_DUMP) --file frontend/openapi.yaml
	npm --prefix frontend run gen:api

bench: venv
	$(DEVSERVICES) run --for test -- env $(DJANGO) $(SHELL) -euc \
		'shopt -s nullglob; for bench in bench/bench_*.py; do echo "== $$bench"; $(PYTHON) "$$bench"; done'

messages: venv
	$(DJANGO) $(PYTHON) manage.py makemessages -l zh_Hans -l en --no-location \
		--ignore=.venv --ignore=frontend --ignore=var --ignore=tests --ignore=bench --ignore=scripts
	$(DJANGO) $(PYTHON) manage.py compilemessages --ignore=.venv

stop:
	$(DEVSERVICES) stop

clean:
	if [ -x $(PYTHON) ]; then $(DEVSERVICES) stop --for test; fi
	rm -rf var/pg-test var/redis-test .pytest_cache .mypy_cache .ruff_cache
	find . \( -path ./$(VENV) -o -name node_modules \) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
