# Fokus: `make run` and `make test` set up everything they need on a fresh machine.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# The first of python3.12 / python3.11 that really runs (pyenv shims may exist but fail).
PYTHON ?= $(shell for py in python3.12 python3.11; do \
	if $$py -c 'import sys; sys.exit(sys.version_info[:2] not in ((3, 11), (3, 12)))' 2>/dev/null; \
	then echo $$py; break; fi; done)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
# The suite runs in parallel, one worker per core, each with its own test database; tests
# marked xdist_group (the permission matrix) stay together on one worker.
PYTEST_ARGS ?= -n auto --dist loadgroup

.PHONY: help install run stop test lint messages system-deps bench

help:
	@echo "make run    set up, migrate, load demo data, serve http://127.0.0.1:8000 with one background worker"
	@echo "make test   set up and run the whole test suite and checks"
	@echo "make stop   stop the embedded PostgreSQL"
	@echo "make messages  update and compile the Swedish catalogue"

$(VENV)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Fokus needs python3.12 or python3.11 on PATH." >&2; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

# Chromium drives the browser tests, poppler-utils reads PDFs back, gettext compiles messages.
system-deps:
	@missing=""; \
	test -x /usr/bin/chromium || missing="$$missing chromium"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing$$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else \
			echo "Please install:$$missing (e.g. sudo apt-get install$$missing)" >&2; exit 1; \
		fi; \
	fi

run: export DEBUG ?= 1
# The demo's users log in with the password alone unless they set up an app (required in
# production; `FOKUS_TWO_FACTOR=required make run` tries that here).
run: export FOKUS_TWO_FACTOR ?= optional
run: install
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	@echo "Fokus runs on http://127.0.0.1:8000 - Ctrl-C stops the server, the background worker and the embedded database."
	@# The worker runs in a session of its own (setsid, where there is one), so Ctrl-C reaches
	@# the web server only; on the way out the worker is asked to stop (it finishes the job in
	@# hand, up to 30 s), then the database is stopped.
	@trap 'if [ -n "$$worker" ]; then \
	    kill -TERM -- -$$worker 2>/dev/null || kill -TERM $$worker 2>/dev/null; \
	    for _ in $$(seq 150); do kill -0 -- -$$worker 2>/dev/null || kill -0 $$worker 2>/dev/null || break; sleep 0.2; done; \
	    kill -KILL -- -$$worker 2>/dev/null || kill -KILL $$worker 2>/dev/null; \
	  fi; $(PY) -m fokus.embedded_db stop' EXIT; \
	$$(command -v setsid) $(MANAGE) run_worker & worker=$$!; \
	$(MANAGE) runserver 127.0.0.1:8000

stop: install
	$(PY) -m fokus.embedded_db stop

# The suite gets its own data folder (embedded cluster, uploads), stopped again at the end,
# so it never touches the data of a running `make run`.
test: export DEBUG = 1
test: export FOKUS_DATA_DIR = $(CURDIR)/var/test
test: export DJANGO_ALLOW_ASYNC_UNSAFE = true
test: install system-deps
	@status=0; \
	$(VENV)/bin/ruff format --check . || status=1; \
	$(VENV)/bin/ruff check . || status=1; \
	$(VENV)/bin/lint-imports --no-cache || status=1; \
	$(MANAGE) check_catalogue || status=1; \
	$(MANAGE) makemigrations --check --dry-run >/dev/null || { echo "Missing migrations: run makemigrations." >&2; status=1; }; \
	$(PY) -m fokus.embedded_db start >/dev/null; \
	$(VENV)/bin/pytest $(PYTEST_ARGS) || status=1; \
	$(PY) -m fokus.embedded_db stop; \
	exit $$status

lint: install
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .

messages: export DEBUG = 1
messages: install
	$(MANAGE) makemessages --locale sv --no-obsolete --add-location file --ignore '.venv/*' --ignore 'var/*'
	$(MANAGE) compilemessages --locale sv --ignore '.venv/*'

bench: export DEBUG = 1
bench: export FOKUS_DATA_DIR = $(CURDIR)/var/test
bench: install
	$(PY) bench/pages.py
	$(PY) bench/reports.py
	$(PY) bench/imports.py
	$(PY) -m fokus.embedded_db stop
