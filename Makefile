# Pilote — the two commands: `make run` (install + demo + serve) and `make test` (install + every test).
SHELL := /bin/bash
PYTHON ?= python3
PORT ?= 8000
DEMO ?= 1
UV_VERSION := 0.13.8
PG_URL ?= postgres://postgres@127.0.0.1:5432/pilote
# Test workers (pytest-xdist): one per core; each worker has its own test database. Tests of one file stay
# on one worker, so module-scoped data (the demo) is built once per file.
TEST_WORKERS ?= auto
PYTEST_PAR = -n $(TEST_WORKERS) --dist loadfile
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv
# Bytecode is compiled at install (uv --compile-bytecode) and written for the project's own modules: with
# PYTHONDONTWRITEBYTECODE set, every pytest process (and every xdist worker) recompiled ~1,400 modules.
unexport PYTHONDONTWRITEBYTECODE

VENV := .venv/bin
UV := .tools/bin/uv

.PHONY: install run test test-unit test-pg test-browser test-future lint bench bench-10m bench-load lock clean cluster cluster-stop

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

.venv/.installed: .tools/bin/uv pyproject.toml uv.lock
	$(UV) sync --frozen --compile-bytecode --python $(PYTHON) --quiet
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

pilote/static/vendor/.built: node_modules/.installed
	mkdir -p pilote/static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js pilote/static/vendor/
	touch $@

install: .venv/.installed pilote/static/vendor/.built

run: install
	$(VENV)/python manage.py migrate --noinput -v0
	@if [ "$(DEMO)" = "1" ]; then $(VENV)/python manage.py load_demo --if-empty; fi
	@echo "Pilote : http://127.0.0.1:$(PORT)"
	@# The background worker (imports, backups…: core/jobs.py) and the scheduler (nightly backup and ledger
	@# verification: core/schedule.py) run beside the server and stop with it.
	trap 'kill 0' EXIT; $(VENV)/python manage.py db_worker --interval 1 & $(VENV)/python manage.py run_schedules --loop & \
	DJANGO_DEBUG=1 $(VENV)/python manage.py runserver 127.0.0.1:$(PORT)

# Two gunicorn servers behind HAProxy, two workers and a scheduler on PostgreSQL (bench/cluster.sh; README).
cluster: install
	bench/cluster.sh start

cluster-stop:
	bench/cluster.sh stop

lint: install
	$(VENV)/ruff check pilote bench
	$(VENV)/ruff format --check pilote bench
	$(VENV)/python manage.py makemigrations --check --dry-run -v1

test-unit: install
	@echo "== Suite sur SQLite =="
	$(VENV)/pytest -q $(PYTEST_PAR) pilote

# The same suite on PostgreSQL when one answers; in CI (CI=true) a missing server is a failure.
test-pg: install
	@echo "== Suite sur PostgreSQL =="
	@if $(VENV)/python -c "import psycopg; psycopg.connect('$(PG_URL:/pilote=/postgres)', connect_timeout=3).close()" 2>/dev/null; then \
		DATABASE_URL=$(PG_URL) $(VENV)/pytest -q $(PYTEST_PAR) pilote; \
	elif [ "$$CI" = "true" ]; then echo "PostgreSQL injoignable sur 127.0.0.1:5432 : requis en CI." >&2; exit 1; \
	else echo "PostgreSQL injoignable : suite PostgreSQL sautée (elle est obligatoire en CI)."; fi

# Browser tests drive Debian's Chromium; in CI a missing browser is a failure.
test-browser: install
	@echo "== Tests navigateur (Chromium) =="
	@if [ -x /usr/bin/chromium ]; then $(VENV)/pytest -q -m browser pilote; \
	elif [ "$$CI" = "true" ]; then echo "/usr/bin/chromium absent : requis en CI." >&2; exit 1; \
	else echo "Chromium absent (apt-get install chromium) : tests navigateur sautés (obligatoires en CI)."; fi

test: lint test-unit test-pg test-browser

# The SQLite suite with the clock on 15 January of next year (FUTURE_DAY), through faketime (Debian's `faketime`
# package): a test or a piece of code tied to the current calendar year fails here before it fails on 1 January.
# Not part of `make test`; run it in December, or whenever dates are touched. --exclude-monotonic: a faked
# monotonic clock makes threading.Event.wait(timeout) never time out (the jobs' heartbeat thread stops beating).
FUTURE_DAY ?= $(shell echo $$(( $$(date +%Y) + 1 )))-01-15 10:00:00
test-future: install
	@command -v faketime >/dev/null || { echo "faketime absent (apt-get install faketime)." >&2; exit 1; }
	@echo "== Suite sur SQLite, horloge au $(FUTURE_DAY) =="
	faketime --exclude-monotonic '$(FUTURE_DAY)' $(VENV)/pytest -q $(PYTEST_PAR) pilote

bench: install
	$(VENV)/python bench/run.py
	$(MAKE) bench-load

# Load and faults on `make cluster` (bench/load_test.py; needs HAProxy): results under "load" in bench/results.json.
bench-load: install
	$(UV) sync --frozen --inexact --group bench --quiet
	$(VENV)/python bench/load_test.py

# The ledger at ten million lines (hours): results under "ledger_10m" in bench/results.json.
bench-10m: install
	$(VENV)/python bench/run.py --bench ledger_10m --no-tools

lock: .tools/bin/uv
	$(UV) lock --python $(PYTHON)
	npm install --package-lock-only --no-audit --no-fund

clean:
	rm -rf .venv .tools node_modules pilote/static/vendor staticfiles
