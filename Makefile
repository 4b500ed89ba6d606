# Each target sets up what it needs: a virtual environment in .venv with the project installed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_STAMP := $(VENV)/.installed-demo
STAMP := $(VENV)/.installed-test
LINT_STAMP := $(VENV)/.installed-lint
BENCH_STAMP := $(VENV)/.installed-bench
DEMO_ENV := DIGEST_HOME=.demo-home DIGEST_TIMEZONE=Asia/Shanghai DIGEST_NOW=2026-04-26T08:00:00+08:00

.PHONY: demo test lint bench clean

# The demo needs digest alone; tests and lint add their tools on top.
$(DEMO_STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(STAMP): $(DEMO_STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

$(LINT_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,lint]'
	touch $@

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $@

## demo: load the bundled samples (examples/) into a fresh store and print their digest, then the
## Chinese morning edition of examples/kaifeng-editions.toml (masthead, window, sections)
demo: $(DEMO_STAMP)
	rm -rf .demo-home
	$(DEMO_ENV) $(BIN)/digest load examples/
	$(DEMO_ENV) $(BIN)/digest today --date 2026-04-25
	cp examples/kaifeng-editions.toml .demo-home/config.toml
	$(DEMO_ENV) $(BIN)/digest today --edition morning --no-fetch

## test: the whole test suite, slow tests included, one worker process per core
test: $(STAMP)
	$(BIN)/pytest -n auto

## lint: ruff and mypy --strict
lint: $(LINT_STAMP)
	$(BIN)/ruff check digest tests bench
	$(BIN)/ruff format --check digest tests bench
	$(BIN)/mypy

## bench: benchmarks and quality evaluations (read ../shared/data when present)
bench: $(BENCH_STAMP)
	$(BIN)/python bench/startup_today.py
	$(BIN)/python bench/speed.py
	$(BIN)/python bench/summarize.py
	$(BIN)/python bench/cluster.py

clean:
	rm -rf $(VENV) .demo-home .pytest_cache .mypy_cache .ruff_cache
