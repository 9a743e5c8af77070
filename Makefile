# CrowdOps — `make run` starts the app on a demo database; `make test` runs lint and the whole suite headless.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TSTAMP := $(VENV)/.installed-test

.PHONY: run test lint bench qt-deps clean

$(BIN)/python:
	@$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
	  echo "Could not create a virtualenv. On Debian/Ubuntu run: sudo apt-get install -y python3-venv" >&2; exit 1; }
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(TSTAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(STAMP)

qt-deps:
	@sh scripts/qt-deps.sh

run: $(STAMP) qt-deps
	@sh scripts/run.sh

lint: $(TSTAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

test: $(TSTAMP) qt-deps lint
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest -q

bench: $(TSTAMP) qt-deps
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .import_linter_cache build *.egg-info
