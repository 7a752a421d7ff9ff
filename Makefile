# The two set-up commands of the README: `make demo` and `make test`.
# Both create .venv (Python 3.11+) with kg installed editable and everything the tests need.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.kg-installed

.PHONY: install demo test lint typecheck bench clean train

install: $(STAMP)

$(STAMP): pyproject.toml tools/cypherlint/package-lock.json
	$(PYTHON) -c 'import sys; sys.exit("kg needs Python 3.11+, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	npm ci --prefix tools/cypherlint --no-audit --no-fund --loglevel=error
	touch $(STAMP)

demo: install
	$(BIN)/kg demo

test: install
	$(BIN)/python -m pytest

# Rebuild the shipped spaCy pipeline (kg/models/spacy_zh) from tests/gold/gold.jsonl (dev split).
train: install
	$(BIN)/kg train

lint: install
	$(BIN)/ruff check kg extractors tests bench
	$(BIN)/mypy
	$(BIN)/mypy extractors

typecheck: install
	$(BIN)/mypy
	$(BIN)/mypy extractors

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build dist *.egg-info kg-data
