# OpenSPBE: `make demo` runs the product with demo data; `make test` runs every check the CI runs.
SHELL := /bin/bash
.DEFAULT_GOAL := help
SPBE := .venv/bin/spbe
HOST ?= 127.0.0.1
PORT ?= 8000
export UV_PYTHON_DOWNLOADS := never

.PHONY: help setup demo serve worker test lint typecheck migrations-check test-sqlite test-postgres test-browser \
        bench messages pg-start pg-stop clean

help:
	@echo "make demo   - set up, migrate the embedded SQLite database, load regions + demo data, serve on :$(PORT)"
	@echo "make test   - install what tests need, start a private PostgreSQL, run lint, types, migrations check,"
	@echo "              the suite on SQLite and PostgreSQL, and the browser tests"
	@echo "make bench  - run the benchmarks and write BENCHMARKS.md"
	@echo "make pg-start / pg-stop - this checkout's private PostgreSQL (own free port; SPBE_PG_PORT overrides)"

setup:
	@scripts/bootstrap

demo: setup
	$(SPBE) migrate --no-input -v0
	$(SPBE) seed_demo
	$(SPBE) collectstatic --no-input -v0
	@scripts/serve-demo $(HOST) $(PORT)

serve: setup
	@scripts/serve-demo $(HOST) $(PORT)

worker: setup
	$(SPBE) db_worker

lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

typecheck: setup
	.venv/bin/mypy .

migrations-check: setup
	SPBE_VAR_DIR=$$(mktemp -d) $(SPBE) makemigrations --check --dry-run

messages: setup
	cd spbe && ../$(SPBE) makemessages -l en --no-obsolete --no-location && ../$(SPBE) compilemessages -l en

test-sqlite: setup
	.venv/bin/python -m pytest -q -m "not browser" -p xdist -n 2

# The private cluster is started for the run and stopped after it (left running if it already was).
test-postgres: setup
	scripts/pg run .venv/bin/python -m pytest -q -m "not browser and not scripts" -p xdist -n 2

test-browser: setup
	.venv/bin/python -m pytest -q -m browser

test: setup
	@scripts/system-deps
	@scripts/run-tests

bench: setup
	@scripts/system-deps --bench
	.venv/bin/python -m scripts.bench

pg-start:
	@scripts/pg start
pg-stop:
	@scripts/pg stop

clean:
	rm -rf var/test-* .pytest_cache .mypy_cache .ruff_cache
