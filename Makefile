# Two entry points on a fresh machine (see README.md): `make scan-example` and `make test`.
# Each first creates .venv and installs sdcscan with its test extra (only when pyproject.toml changed).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: install scan-example test lint clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

# Exit status 1 means "findings" (the example has some on purpose); only 2 (an error) fails the target.
scan-example: $(VENV)/.installed
	$(BIN)/sdcscan scan examples/export-request; status=$$?; test $$status -le 1

test: $(VENV)/.installed
	$(BIN)/python -m pytest

lint: $(VENV)/.installed
	$(BIN)/ruff check scanner kernels tests scripts

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
