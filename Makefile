# ShopSync — `make help` lists the targets.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BENCHMARKS := shoprenter_download catalog_download catalog_upload gateway order_processor console_shops nav_reporting

.DEFAULT_GOAL := help

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml constraints.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found: install Python 3.11 or set PYTHON=..."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP) ## create .venv and install ShopSync with the pinned versions

run: $(STAMP) ## run the whole pipeline on the embedded broker and SQLite
	exec $(BIN)/shopsync up --demo

test: $(STAMP) ## run the test suite (starts PostgreSQL, installs poppler-utils, chromium and promtool when missing)
	bash scripts/ensure-postgres.sh
	bash scripts/ensure-poppler.sh
	bash scripts/ensure-chromium.sh || true
	bash scripts/ensure-prometheus.sh || true
	$(BIN)/pytest -q tests --ignore=tests/scenarios

scenarios: $(STAMP) ## slow end-to-end scenarios: no order lost, one request budget, NAV reporting under faults, Prometheus alerts (~12 min)
	bash scripts/ensure-postgres.sh
	$(BIN)/pytest -q -s tests/scenarios

test-unit: $(STAMP) ## unit tests only (no sockets)
	$(BIN)/pytest -q tests/unit

lint: $(STAMP) ## ruff, ruff format --check, mypy (tests too), import-linter (the layers)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

faults: $(STAMP) ## the fault matrix: one fault per scenario under load, a table (~15 min)
	$(BIN)/python scripts/fault_matrix.py $(SCENARIOS)

bench: $(STAMP) ## run the benchmarks (installs wrk, starts PostgreSQL when it is down)
	bash scripts/ensure-postgres.sh
	bash scripts/ensure-wrk.sh || true
	PYTHONPATH=. sh -c 'status=0; for b in $(BENCHMARKS); do echo "== $$b"; $(BIN)/python benchmarks/$$b.py || status=1; done; exit $$status'

lock: $(STAMP) ## refresh constraints.txt from the current .venv
	$(BIN)/pip freeze --exclude-editable | grep -v '^shopsync' > constraints.txt

clean: ## remove .venv and var/
	rm -rf $(VENV) var

.PHONY: help install run test scenarios test-unit lint bench faults lock clean
