# Entry points: `make run` (dashboard on the demo org) and `make test` (everything).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck pytest browser bench sim clean

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

## Start the dashboard; with no credentials configured it serves the demo org.
run: $(STAMP)
	$(BIN)/streamlit run app.py --server.port $(PORT)

## Every test and every linter, installing what they need first.
test: $(STAMP) browser lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest -n 2 --dist loadgroup

## Debian's Chromium drives the browser tests; install it when it is missing.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium; }

bench: $(STAMP)
	$(BIN)/python -m bench

sim: $(STAMP)
	$(BIN)/python -m genesys_sim serve --port 8765

clean:
	rm -rf $(VENV) artifacts .pytest_cache .mypy_cache .ruff_cache
