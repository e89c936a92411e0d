# Quick start: `make demo` runs the national sample end to end; `make test` runs every check.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Test processes side by side (pytest-xdist; a file stays in one process, so its module
# fixtures are built once).
PYTEST_WORKERS ?= 2
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: demo serve guide-images test lint typecheck pytest bench bench-full clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/tkm-assign demo --force

serve: $(STAMP)
	$(BIN)/tkm-assign serve

guide-images: $(STAMP)
	CI=1 $(BIN)/python -m pytest tests/web/test_browser.py
	$(BIN)/python -m tests.web.test_guide

test: $(STAMP) lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check tkm_assign tests benchmarks setup.py
	$(BIN)/ruff format --check tkm_assign tests benchmarks setup.py

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile

bench: $(STAMP)
	$(BIN)/python -m benchmarks

bench-full: $(STAMP)
	$(BIN)/python -m benchmarks --full

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache outputs .cache
