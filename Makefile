# autonomy-warehouse. Quick start: `make run` (full refresh), `make test` (the test suite).
# Both bootstrap themselves from a clean clone: a Python 3.11, 3.12 or 3.13 that can create a venv
# is all they need (Debian, Ubuntu: python3 and python3-venv). `PYTHON=/usr/bin/python3.12 make run`
# builds .venv/ for that interpreter instead of the `python3` on PATH.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
# uv: the one on PATH, else uv $(UV_VERSION) in a venv of its own inside the checkout, made by
# $(PYTHON) the first time. Nothing is installed into the system Python or ~/.local: Debian 12/13
# and Ubuntu 24.04 mark their Python as externally managed (PEP 668), and pip refuses it.
UV_VERSION := 0.13.9
UV_BOOTSTRAP := $(CURDIR)/.cache/uv-bootstrap
ifndef UV
UV := $(or $(shell command -v uv 2>/dev/null),$(UV_BOOTSTRAP)/bin/uv)
endif
# The interpreter .venv/ is built for (its path and version): rewritten when PYTHON names another one.
PYTHON_STAMP := $(CURDIR)/.cache/setup-python

# This machine sets PYTHONDONTWRITEBYTECODE=1, so no process ever kept its bytecode: every
# dagster/dbt/GX process recompiled what it imports (dagster + GX + dagster-dbt: 20-24 s to
# import instead of 10-11 s). Write it, but into a cache outside the source tree.
export PYTHONPYCACHEPREFIX := $(CURDIR)/.cache/pycache
export PYTHONDONTWRITEBYTECODE :=
export DAGSTER_HOME := $(CURDIR)/.dagster
export UV_PROJECT_ENVIRONMENT := $(VENV)
# The UI listens on localhost only unless told otherwise.
AUTONOMY_UI_HOST ?= 127.0.0.1
AUTONOMY_UI_PORT ?= 3000
# `make opendata` copies the official files from a local mirror when one sits beside the
# checkout (no download); a value the user gives wins.
AUTONOMY_OPENDATA_MIRROR ?= $(abspath $(wildcard $(CURDIR)/../shared/opendata))
export AUTONOMY_OPENDATA_MIRROR

.PHONY: FORCE help setup run test lint format bench-refresh ui docs prepare clean whatif annex docs-build check-reports fap-sample bench serve rollback opendata bench-opendata

help:
	@echo "make run    refresh what changed: ingest -> dbt build -> checks -> publish (warehouse/autonomy.duckdb, reports/); nothing new: says so in seconds (autonomy refresh --full rebuilds everything)"
	@echo "make test   the test suite"
	@echo "make test-fast   the inner loop: all but the tests that run refreshes of their own (marked slow)"
	@echo "make lint   ruff (check, format) and sqlfluff (dbt models); make format fixes what they can"
	@echo "make ui     Dagster UI on http://127.0.0.1:3000, in the foreground, Ctrl-C stops it (full refresh: Jobs > refresh > Materialize all; AUTONOMY_UI_PORT=3100 to change)"
	@echo "make serve  production services in the foreground: Dagster webserver + daemon (nightly schedule, alerts); Ctrl-C stops both"
	@echo "make rollback [TO=YYYY-MM-DD]  put back a previous night's published warehouse (warehouse/history/)"
	@echo "make check-reports  open every report of reports/ in headless Chromium; chart layout checked; screenshots in reports/screenshots/ and docs/screenshots/"
	@echo "make docs   dbt documentation (writes dbt/target/index.html and serves it on 127.0.0.1:8080)"
	@echo "make docs-build  dbt documentation written to dbt/target/ (index.html, static_index.html), not served"
	@echo "make whatif AMOUNT=912000 [YEAR=2026]  split a new envelope between SAD: reports/whatif_<year>_<amount>.csv (data) and _imprime.csv (as printed)"
	@echo "make annex YEAR=2026 AMOUNT=912000  the SAD envelope annex of the next deliberation: reports/annexes/annexe_sad_<year>_<amount>.docx, .txt, .pdf (LibreOffice)"
	@echo "make opendata  the official INSEE/DREES/IGN files of raw/opendata/manifest.yml into raw/opendata/files/ (mirror, else download)"
	@echo "make fap-sample  the synthetic 2024 FAP exports in raw/fap/, unless it already holds monthly exports"
	@echo "make bench  FAP ingestion benchmark (10 M and 50 M lines; several GB in benchmarks/data/, ~1 h)"
	@echo "make bench-opendata  loading every official file, 5 runs against a bare fastexcel read (target <= 10 s)"
	@echo "make bench-refresh  nothing new, one FAP month, one official file, full: 5 rounds into temporary paths, medians and ratios to the full rebuild -> benchmarks/RESULTS.md"

setup: $(VENV)/.synced $(DAGSTER_HOME)/dagster.yaml

# uv makes .venv/ again when the interpreter changed (uv sync --python), else only syncs it.
$(VENV)/.synced: uv.lock pyproject.toml $(PYTHON_STAMP) | $(filter $(UV_BOOTSTRAP)/bin/uv,$(UV))
	@py=$$(head -n 1 $(PYTHON_STAMP)); echo "$(UV) sync --frozen --python $$py"; $(UV) sync --frozen --quiet --python "$$py"
	@touch $@

$(PYTHON_STAMP): FORCE
	@mkdir -p $(@D)
	@id=$$($(PYTHON) -c 'import sys; print(sys.executable); print(sys.version)') || { echo "setup: PYTHON=$(PYTHON) does not run: give a Python 3.11, 3.12 or 3.13 (e.g. PYTHON=/usr/bin/python3)" >&2; exit 1; }; \
	  [ "$$id" = "$$(cat $@ 2>/dev/null)" ] || echo "$$id" > $@

# pip runs only inside the new venv, never in the system Python (Debian: the venv needs python3-venv).
$(UV_BOOTSTRAP)/bin/uv:
	@echo "setup: uv $(UV_VERSION) into $(UV_BOOTSTRAP) (a venv of its own, made by $(PYTHON))"
	@rm -rf $(UV_BOOTSTRAP)
	@$(PYTHON) -m venv $(UV_BOOTSTRAP) || { rm -rf $(UV_BOOTSTRAP); echo "setup: $(PYTHON) cannot create a venv. Debian, Ubuntu: apt install python3-venv (python3.X-venv for PYTHON=python3.X); or put uv on PATH" >&2; exit 1; }
	@$(UV_BOOTSTRAP)/bin/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

FORCE:

# The checkout's Dagster instance (telemetry off, pooled event log): updated when the template changes.
$(DAGSTER_HOME)/dagster.yaml: deploy/dagster.dev.yaml
	@mkdir -p $(DAGSTER_HOME)
	@cp $< $@

prepare: setup
	@$(BIN)/autonomy prepare

run: prepare fap-sample opendata
	$(BIN)/autonomy refresh

opendata: setup
	$(BIN)/autonomy opendata fetch

fap-sample: setup
	@$(BIN)/autonomy fap generate --if-no-exports

bench: prepare
	$(BIN)/python benchmarks/fap_ingest.py

bench-opendata: setup opendata
	$(BIN)/python benchmarks/opendata_load.py --runs $(or $(BENCH_RUNS),5)

BENCH_RUNS ?= 5
bench-refresh: prepare
	$(BIN)/python benchmarks/refresh.py --runs $(BENCH_RUNS) --write --label "$(or $(LABEL),current)"

# Two workers (2 cores): each builds the session's shared refresh once; see benchmarks/RESULTS.md ("Test suite").
PYTEST_WORKERS ?= 2
test: prepare lint
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup

# The inner loop: everything but the tests that run refreshes of their own (marked slow).
test-fast: prepare lint
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup -m "not slow"

# Style: ruff (Python: lint and format) and sqlfluff (dbt models, dbt templater, DuckDB dialect).
# sqlfluff's dbt templater opens the profile's database: give it a scratch file, never the work one.
# Its parse goes into the scratch folder too (DBT_TARGET_PATH): written into dbt/target, it replaced
# the project's saved parse that every new work directory starts from (autonomy-dbt) by one made
# for the scratch file's path, and each test tree parsed the whole project again.
LINT_DB := $(CURDIR)/.cache/sqlfluff/lint.duckdb
# sqlfluff's processes: it lints file by file on one core otherwise (make lint: 143 s -> 86 s on 2 cores).
LINT_PROCESSES ?= 2
LINT_TARGET := $(dir $(LINT_DB))target
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@mkdir -p $(dir $(LINT_DB))
	@# the reconciliation models read their rule seeds while compiling: load them into the scratch file
	@cd dbt && AUTONOMY_WORK_DB=$(LINT_DB) $(BIN)/dbt seed --quiet --profiles-dir . --target-path $(LINT_TARGET) --select reconciliation_rules reconciliation_suites check_kinds
	AUTONOMY_WORK_DB=$(LINT_DB) DBT_TARGET_PATH=$(LINT_TARGET) $(BIN)/sqlfluff lint --processes $(LINT_PROCESSES) dbt/models dbt/macros dbt/tests

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	@mkdir -p $(dir $(LINT_DB))
	@cd dbt && AUTONOMY_WORK_DB=$(LINT_DB) $(BIN)/dbt seed --quiet --profiles-dir . --target-path $(LINT_TARGET) --select reconciliation_rules reconciliation_suites check_kinds
	AUTONOMY_WORK_DB=$(LINT_DB) DBT_TARGET_PATH=$(LINT_TARGET) $(BIN)/sqlfluff fix --processes $(LINT_PROCESSES) dbt/models dbt/macros dbt/tests

# In the foreground; Ctrl-C (or SIGTERM) stops dagster dev and all its processes (dagster_project/ui.py).
ui: prepare
	$(BIN)/python -m dagster_project.ui --host $(AUTONOMY_UI_HOST) --port $(AUTONOMY_UI_PORT)

# Production shape (not `dagster dev`): dagster-webserver and dagster-daemon as two processes,
# supervised by `autonomy serve` (deploy/ has the systemd units that run each on its own).
serve: prepare
	$(BIN)/autonomy serve --host $(AUTONOMY_UI_HOST) --port $(AUTONOMY_UI_PORT)

rollback: setup
	$(BIN)/autonomy rollback $(if $(TO),--to "$(TO)")

check-reports: setup
	$(BIN)/python -m dagster_project.reports.browser reports docs/screenshots

# dbt docs generate parses the project and saves its parse in dbt/target: through autonomy-dbt
# (the work database named by its file name), so that the parse it saves is still the one every
# new work directory starts from. The catalog is read from the settings' work database (that of
# AUTONOMY_WORK_DIR / AUTONOMY_WAREHOUSE when set).
docs: prepare
	cd dbt && $(BIN)/autonomy-dbt docs generate && $(BIN)/dbt docs serve --profiles-dir . --host 127.0.0.1 --port 8080

docs-build: prepare
	cd dbt && $(BIN)/autonomy-dbt docs generate --static

whatif: prepare
	@test -n "$(AMOUNT)" || { echo "usage: make whatif AMOUNT=912000 [YEAR=2026] [OUT=path.csv]"; exit 2; }
	$(BIN)/autonomy whatif --amount "$(AMOUNT)" $(if $(YEAR),--year $(YEAR)) $(if $(OUT),--out "$(OUT)")

annex: prepare
	@test -n "$(YEAR)" -a -n "$(AMOUNT)" || { echo "usage: make annex YEAR=2026 AMOUNT=912000 [NUMBER=1] [OUT=folder]"; exit 2; }
	$(BIN)/autonomy annex --year "$(YEAR)" --amount "$(AMOUNT)" $(if $(OUT),--out-dir "$(OUT)") $(if $(NUMBER),--number "$(NUMBER)")

# Keeps .venv/ and what builds it (.cache/uv-bootstrap/, .cache/setup-python).
clean:
	rm -rf warehouse dbt/target dbt/logs $(filter-out %/uv-bootstrap %/setup-python,$(wildcard $(CURDIR)/.cache/*))
