# Two commands do everything on a fresh machine: `make run` (the app on SQLite) and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://root@127.0.0.1:5432/test
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test test-sqlite test-postgres lint install clean bench-web

$(BIN)/paperhaul: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# The CPU build of PyTorch first, so nothing below pulls a multi-GB CUDA build.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/paperhaul

# The browser tests drive Debian's chromium through Playwright (never `playwright install`).
$(CHROMIUM):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium

run: install
	$(BIN)/paperhaul serve

# The whole suite on SQLite, then on a throw-away PostgreSQL 16 with pgvector (pgserver, started
# and deleted by tests.pgserver_run), then the search tests on PG_URL (a server without pgvector:
# the vector-file fallback), then the linter.
test: install $(CHROMIUM)
	PAPERHAUL_REQUIRE_BROWSER=1 $(BIN)/python -m pytest -n 2
	$(BIN)/python -m tests.pgserver_run -- $(BIN)/python -m pytest -n 2
	DATABASE_URL=$(PG_URL) $(BIN)/python -m pytest -n 2 tests/search
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

test-sqlite: install $(CHROMIUM)
	PAPERHAUL_REQUIRE_BROWSER=1 $(BIN)/python -m pytest -n 2

test-postgres: install
	$(BIN)/python -m tests.pgserver_run -- $(BIN)/python -m pytest -n 2
	DATABASE_URL=$(PG_URL) $(BIN)/python -m pytest -n 2 tests/search

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

# The web load benchmark (docs/benchmarks.md); wrk makes the load with little CPU of its own.
WRK := /usr/bin/wrk
$(WRK):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq wrk

bench-web: install $(WRK)
	$(BIN)/python -m bench.web_load 100000 --library data/bench-web

clean:
	rm -rf $(VENV) build *.egg-info
