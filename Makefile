# Two commands set everything up on a fresh machine:
#   make demo   creates .venv, installs the project, plans the example team
#   make test   creates .venv if needed and runs the test suite
# On a slow machine: make demo TIME_LIMIT=20 (seconds of search; default: the config's plan.time_limit_seconds).
# make lint checks the style we wrote down; make docs builds the site in docs/ into out/site.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

DOCS_STAMP := $(VENV)/.installed-docs
TIME_LIMIT ?=
WORKERS ?=
DEMO_FLAGS := $(if $(TIME_LIMIT),--time-limit $(TIME_LIMIT)) $(if $(WORKERS),--workers $(WORKERS))

.PHONY: demo test test-all lint docs docs-serve bench notebooks venv clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/covplan check configs/example.yaml
	$(BIN)/covplan plan configs/example.yaml --out out/example --force $(DEMO_FLAGS)
	$(BIN)/covplan verify configs/example.yaml out/example/roster.csv

test: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow"

# ruff (lint rules and import order), the format check, and mypy on the package; .ci/run and pre-commit run the same.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# The site (docs/, mkdocs.yml) built with --strict into out/site: any broken link, missing page or config key
# without a description fails the build. `make docs-serve` previews it at http://127.0.0.1:8000.
$(DOCS_STAMP): $(STAMP) pyproject.toml
	$(BIN)/pip install --quiet -e '.[docs]'
	touch $(DOCS_STAMP)

docs: $(DOCS_STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir out/site

docs-serve: $(DOCS_STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve

# The slow tests, and the forecast tests of MSTL and AutoETS (the [forecast] extra: statsforecast, pandas, statsmodels).
test-all: $(STAMP)
	$(BIN)/pip install --quiet -e '.[forecast]'
	$(BIN)/python -m pytest -q

# Benchmarks (about 90 min on 2 cores): Erlang requirements against pyworkforce, Curtois & Qu instances 1-12 against
# their published optima and two peer models, the example team, a 200-agent team, and synthetic teams of 25-1000
# agents; writes benchmarks/RESULTS.md.
bench: $(STAMP)
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/run.py --fresh

# Executed copies of the notebooks, outputs included, in out/notebooks/ (the ones in notebooks/ stay clean).
notebooks: $(STAMP)
	mkdir -p out/notebooks
	cd notebooks && for nb in *.ipynb; do \
		../$(BIN)/python -c "import sys, nbformat; from nbclient import NotebookClient; nb = nbformat.read(sys.argv[1], 4); NotebookClient(nb, timeout=600, kernel_name='python3').execute(); nbformat.write(nb, sys.argv[2])" $$nb ../out/notebooks/$$nb || exit 1; \
	done

clean:
	rm -rf out .pytest_cache
