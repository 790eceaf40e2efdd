# dong-welfare: `make run` starts the product on the embedded default; `make test` runs the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000
TEST_PROCESSES ?= 2
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/welfare_bench
# make bench BENCH_HOUSEHOLDS=1000000 BENCH_DATABASE_URL=…/welfare_bench_1m BENCH_ARGS="--scenario household_list,search"
BENCH_HOUSEHOLDS ?= 100000
BENCH_ARGS ?=
LOAD_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/welfare_load
LOAD_REDIS_URL ?= redis://127.0.0.1:6379/5
HOUSEHOLDS ?= 20000
LOAD_USERS ?= 50
LOAD_SECONDS ?= 60
SATURATION_SECONDS ?= 30

.PHONY: run test install lint bench load crawl browser-deps clean

# The settings default to production (DEBUG off, secrets required, HTTPS only); these targets are for
# development and tests, so they run with DEBUG=True (as CI does through `make test`).
run test lint bench load crawl: export DEBUG = True

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

## run: virtualenv, install, migrate, demo data if the database is empty, then the web server on
## http://$(HOST):$(PORT) with a Celery worker and embedded beat (no Redis needed unless REDIS_URL is set).
run: install
	$(PY) manage.py migrate --noinput
	@$(PY) manage.py shell -c "import sys; from households.models import Household; sys.exit(0 if Household.objects.exists() else 1)" \
		|| $(PY) manage.py seed_demo
	@echo "Starting the web server on http://$(HOST):$(PORT)/ and the background worker (Ctrl-C stops both)."
	@trap 'kill 0' INT TERM EXIT; \
		$(BIN)/celery -A welfare worker -B --concurrency 1 --loglevel INFO & \
		$(PY) manage.py runserver $(HOST):$(PORT)

## test: the whole suite (browser tests included: they need Debian's chromium at /usr/bin/chromium). The Celery
## reliability tests (tests/reliability: a real worker on Redis and PostgreSQL) run only when REDIS_URL is set.
test: install browser-deps
	@# Two processes for the bulk of the suite (pytest-xdist); the reliability tests, which start Celery
	@# workers and restart Redis, run afterwards on their own.
	@if [ -n "$$REDIS_URL" ]; then \
		$(PY) -m pytest -n $(TEST_PROCESSES) -m "not reliability" && $(PY) -m pytest -m reliability; \
	else \
		status=0; $(PY) -m pytest -n $(TEST_PROCESSES) -m "not reliability" || status=$$?; \
		echo ""; \
		echo "*** REDIS_URL is not set: the Celery reliability tests (tests/reliability) did not run; CI runs them. ***"; \
		exit $$status; \
	fi

browser-deps:
	@if [ ! -x /usr/bin/chromium ] || ! dpkg -s fonts-nanum >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing Debian's chromium for the browser tests..."; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-nanum >/dev/null; \
		else \
			echo "WARNING: /usr/bin/chromium is missing; the browser tests will fail. Install it: sudo apt-get install chromium"; \
		fi; \
	fi

## lint: ruff, the migrations check, and mypy (django-stubs) on the typed boundaries: the core and every
## app's services.
MYPY_TARGETS := welfare/errors.py welfare/permissions.py welfare/audit.py welfare/access_review/subjects.py welfare/common welfare/api \
	households/services discovery/services plans/services
lint: install
	$(BIN)/ruff check .
	$(PY) manage.py makemigrations --check --dry-run
	$(BIN)/mypy $(MYPY_TARGETS)

## bench: the figures the issues ask for, on PostgreSQL with the 100k-household demo.
bench: install
	@psql "$(BENCH_DATABASE_URL)" -c 'select 1' >/dev/null 2>&1 || createdb -h 127.0.0.1 -U postgres $(notdir $(BENCH_DATABASE_URL))
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py migrate --noinput -v 0
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py bench --households $(BENCH_HOUSEHOLDS) --volume $(BENCH_ARGS)

## crawl: on the database of `make run` (DATABASE_URL if set), every link of the demo followed as each demo account
## and every form sent again with odd values, all rolled back; lists 5xx answers and links that answer 403 or 404
## (exit 1 if any). CRAWL_ARGS: accounts and options (`manage.py crawl --help`).
CRAWL_ARGS ?=
crawl: install
	$(PY) manage.py migrate --noinput -v 0
	@$(PY) manage.py shell -c "import sys; from households.models import Household; sys.exit(0 if Household.objects.exists() else 1)" \
		|| $(PY) manage.py seed_demo
	$(PY) manage.py crawl $(CRAWL_ARGS)

## load: gunicorn (3 workers, production settings: the command gives the server DEBUG off and its secrets) on
## PostgreSQL (welfare_load, seeded with the bench's data up to HOUSEHOLDS) and Redis, driven by Locust on 127.0.0.1:
## LOAD_USERS officials with think time for LOAD_SECONDS, then the mix with none for SATURATION_SECONDS, then the
## household list alone and the trivial page alone, alternating (3 runs of 15 s each: --ratio-rounds, --ratio-seconds).
load: install
	@psql "$(LOAD_DATABASE_URL)" -c 'select 1' >/dev/null 2>&1 || createdb -h 127.0.0.1 -U postgres $(notdir $(LOAD_DATABASE_URL))
	DATABASE_URL=$(LOAD_DATABASE_URL) $(PY) manage.py migrate --noinput -v 0
	DATABASE_URL=$(LOAD_DATABASE_URL) $(PY) manage.py load --households $(HOUSEHOLDS) --users $(LOAD_USERS) \
		--seconds $(LOAD_SECONDS) --saturation-seconds $(SATURATION_SECONDS) --redis-url $(LOAD_REDIS_URL)

clean:
	rm -rf $(VENV) var
