# minutes: the two commands (see README.md)
#   make demo    set everything up, then process a generated 3-speaker meeting end to end
#   make test    set everything up, then lint, type-check and run the whole test suite
# FILE=path make process   processes your own recording instead.

VENV := .venv
BIN := $(VENV)/bin
export MINUTES_THREADS ?= 2

.PHONY: setup demo process test lint types unit bench clean

setup:
	@bash scripts/setup.sh

demo: setup
	$(BIN)/minutes demo

process: setup
	@test -n "$(FILE)" || (echo "usage: make process FILE=recording.m4a" >&2; exit 2)
	$(BIN)/minutes process "$(FILE)"

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports

types: setup
	$(BIN)/mypy

unit: setup
	$(BIN)/python -m pytest tests -m "not models" -q

test: setup lint types
	$(BIN)/python -m pytest tests -q

bench: setup
	$(BIN)/python bench/pipeline.py
	$(BIN)/python bench/minutes_qmsum.py

clean:
	rm -rf .mypy_cache .ruff_cache .pytest_cache
