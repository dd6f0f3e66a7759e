# Two commands on a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: run test bench lint format clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Stamp files re-run pip only when a requirements file changes.
# The package itself is installed editable (no dependencies of its own), so
# `python -m kadash` and the `kadash` command work from any folder.
$(VENV)/.runtime-installed: requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@ $(VENV)/.runtime-installed

## run: start the app on the bundled sample (http://localhost:$(PORT))
run: $(VENV)/.runtime-installed
	$(BIN)/python -m streamlit run app.py --server.port $(PORT)

## test: unit, property, page and browser tests
test: $(VENV)/.dev-installed
	$(BIN)/python -m pytest

## bench: benchmarks (outside the test suite); tables on stdout, progress on stderr
## e.g. make bench BENCH_ARGS="--size 10m" BROWSER_BENCH_ARGS="--runs 5"
BENCH_ARGS ?=
BROWSER_BENCH_ARGS ?=
bench: $(VENV)/.dev-installed
	@$(BIN)/python bench/bench_pipeline.py $(BENCH_ARGS)
	@echo
	@$(BIN)/python bench/bench_browser.py $(BROWSER_BENCH_ARGS)
	@echo
	@$(BIN)/python bench/bench_workbook.py
	@echo
	@$(BIN)/python bench/bench_clusters.py
	@echo
	@$(BIN)/python bench/bench_workshop.py

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev-installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
