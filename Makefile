# Two entry points on a fresh machine (see README.md): `make scan-example` and `make test`.
# Each first creates .venv and installs sdcscan with its test extra (only when pyproject.toml changed), then
# compiles the kernels into the Numba cache (`sdcscan warmup`), so no scan pays for compiling later.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: install scan-example test test-nojit bench-smoke bench lint clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	# bytecode once, as pip does for a regular install: without it (PYTHONDONTWRITEBYTECODE=1) every command
	# compiles the whole package from source again (0.1 s of a 0.33 s scan of a small file)
	$(BIN)/python -m compileall -q scanner kernels
	$(BIN)/sdcscan warmup  # compile every kernel into the Numba cache once (kernels/_jit.py)
	touch $@

install: $(VENV)/.installed

# Exit status 1 means "findings" (the example has some on purpose); only 2 (an error) fails the target.
scan-example: $(VENV)/.installed
	$(BIN)/sdcscan scan examples/export-request; status=$$?; test $$status -le 1

test: $(VENV)/.installed
	$(BIN)/python -m pytest

# The kernel tests again with the JIT off: the kernels' Python source must be right on its own
# (STYLE.md section 4), coverage tools can see it, and it is what a short scan runs before Numba is loaded
# (kernels/_jit.py).
test-nojit: $(VENV)/.installed
	NUMBA_DISABLE_JIT=1 $(BIN)/python -m pytest tests/test_kernels_pid.py tests/test_kernels_cells.py tests/test_kernels_numbers.py -m "not slow" -q
	NUMBA_DISABLE_JIT=1 $(BIN)/python -m pytest tests/test_logs.py -k "kernel or scan_buffer" -m "not slow" -q

# The benchmark suite as a smoke test (small corpus, nothing timed) and for real (see benchmarks/README.md).
bench-smoke: $(VENV)/.installed
	$(BIN)/python -m pytest benchmarks --benchmark-disable -q
	$(BIN)/sdcscan bench --quick

bench: $(VENV)/.installed
	$(BIN)/python -m pytest benchmarks --benchmark-only

lint: $(VENV)/.installed
	$(BIN)/ruff check scanner kernels tests scripts benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
