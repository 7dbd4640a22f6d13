# Two commands do all the set-up on a fresh machine:
#   make run   — create the virtualenv, install, ingest data/raw/ into data/processed/
#   make test  — the same set-up, then lint, format check, the layer contracts and the test suite
SHELL := /bin/bash
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup system-deps run extract test lint format bench clean

setup: $(STAMP)

# tesserocr is compiled against the system's Tesseract (system-deps installs its headers): a wheel
# would bring another Tesseract release, which reads some diacritics differently.
$(STAMP): pyproject.toml | system-deps
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --no-binary tesserocr -e '.[dev,ocr]'
	touch $(STAMP)

# Debian packages the OCR path and old formats need (Tesseract with its Vietnamese model, LibreOffice
# Writer for .doc/.rtf/.odt). Installs only what is
# missing, and only where it can (root or passwordless sudo).
system-deps:
	@bash scripts/install-system-deps.sh

run: setup system-deps
	$(VENV)/bin/nhiemvu ingest data/raw --out data/processed

test: setup system-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/pytest -q

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Every benchmark that prints `ratio` lines; add one line per script. The summary repeats those lines.
BENCH_LOG := $(VENV)/bench.log
bench: setup system-deps
	@: > $(BENCH_LOG)
	set -o pipefail; $(PY) benchmarks/bench_extract.py | tee -a $(BENCH_LOG)
	set -o pipefail; $(PY) benchmarks/bench_pdf.py | tee -a $(BENCH_LOG)
	set -o pipefail; $(PY) benchmarks/bench_ocr.py | tee -a $(BENCH_LOG)
	set -o pipefail; $(PY) benchmarks/bench_ingest.py | tee -a $(BENCH_LOG)
	@echo "== summary: every ratio and its target =="
	@grep '^ratio' $(BENCH_LOG) || echo "(no ratio lines)"

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
