# Two commands set everything up on a fresh machine:
#   make demo   creates .venv, installs the project, plans the example team
#   make test   creates .venv if needed and runs the test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-all bench notebooks venv clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/covplan check configs/example.yaml
	$(BIN)/covplan plan configs/example.yaml --out out/example --force
	$(BIN)/covplan verify configs/example.yaml out/example/roster.csv

test: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow"

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
