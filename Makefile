# impact — the two commands a user needs: `make report` and `make test`.
# Both create .venv if missing and install the project into it first.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SAMPLE_RAW       := data/sample/raw
SAMPLE_PROCESSED := data/sample/processed

.PHONY: setup report test lab lint format sample clean-outputs

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	$(BIN)/python -m ipykernel install --sys-prefix --name impact --display-name "impact (project)" >/dev/null
	@touch $(STAMP)

setup: $(STAMP)

## report: set up, clean the bundled sample data, produce every report of notebooks/runs.toml,
## then check that no name, phone or NIK from the raw data reached any output, and that nothing
## a public report or annex hides can be worked out from what the release publishes
report: setup
	$(BIN)/impact clean $(SAMPLE_RAW) --out $(SAMPLE_PROCESSED)
	$(BIN)/impact report $(SAMPLE_PROCESSED) --manifest notebooks/runs.toml --out reports
	$(BIN)/impact audit-pii $(SAMPLE_RAW) $(SAMPLE_PROCESSED) reports
	$(BIN)/impact audit-disclosure reports

## test: set up, then run the whole test suite
test: setup
	$(BIN)/python -m pytest

## lab: JupyterLab on notebooks/ with the project's kernel (as root — containers, CI images —
## with --allow-root, which Jupyter requires there)
lab: setup
	$(BIN)/jupyter lab --notebook-dir=notebooks$(if $(filter 0,$(shell id -u)), --allow-root)

lint: setup
	$(BIN)/ruff check src tests benchmarks notebooks
	$(BIN)/ruff format --check src tests benchmarks notebooks

format: setup
	$(BIN)/ruff format src tests benchmarks notebooks
	$(BIN)/ruff check --fix src tests benchmarks notebooks

## sample: regenerate the committed sample data (deterministic)
sample: setup
	$(BIN)/impact sample --out data/sample

clean-outputs:
	rm -rf $(SAMPLE_PROCESSED) reports/*/ reports/index.html
