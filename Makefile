# The README names these targets. Everything runs inside .venv, created on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000

BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres

.PHONY: demo test lint format bench bench-import bench-exports install

# DEBUG is off unless set (production is the default): the demo, the lint's migrations check and
# the benchmarks, development tools, turn it on. The tests turn it on themselves
# (tests/settings.py). Production runs bin/serve (docs/deployment.md).
demo lint bench bench-import bench-exports: export DEBUG = true

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

## Run the app with the 6th edition as demo data, on SQLite, at http://127.0.0.1:8000/
demo: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py runserver $(HOST)

## Run the tests (SQLite by default; set DATABASE_URL for PostgreSQL), one process per core
test: install
	$(BIN)/pytest --numprocesses auto --dist worksteal

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Time an import of 50,000 generated rows (see the README)
bench-import: install
	$(BIN)/python manage.py migrate --no-input
	DEV_TOOLS=true $(BIN)/python manage.py bench_import

## Time the results pipeline (one change, cold and warm pages, gunicorn + wrk) on generated
## histories of 5,000 to 1,000,000 pieces of work, each in a PostgreSQL database of its own
## (bench_w<size>, kept for the next run); needs wrk: apt-get install wrk
bench: install
	DATABASE_URL=$(BENCH_DATABASE_URL) DEV_TOOLS=true $(BIN)/python manage.py bench_pipeline --load $(BENCH_ARGS)

## Time the exports on 20,000 certificates (a PostgreSQL database of its own)
BENCH_EXPORTS_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/bench_exports
bench-exports: install
	psql "$(dir $(BENCH_EXPORTS_DATABASE_URL))postgres" -qc "CREATE DATABASE bench_exports" 2>/dev/null || true
	DATABASE_URL=$(BENCH_EXPORTS_DATABASE_URL) $(BIN)/python manage.py migrate --no-input
	DATABASE_URL=$(BENCH_EXPORTS_DATABASE_URL) DEV_TOOLS=true $(BIN)/python manage.py bench_exports
