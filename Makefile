# Two commands do all the set-up on a fresh machine:
#   make run   — create the virtualenv, install, ingest data/raw/ into data/processed/
#   make test  — the same set-up, then lint, format check, the layer contracts and the test suite
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup system-deps run extract test lint format bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
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

bench: setup system-deps
	$(PY) benchmarks/bench_extract.py
	$(PY) benchmarks/bench_pdf.py
	$(PY) benchmarks/bench_ocr.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
