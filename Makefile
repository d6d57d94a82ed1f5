# Two commands: `make run` (install, index, web chat) and `make test` (install, lint, types, tests).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export GRADIO_ANALYTICS_ENABLED := False
export ANONYMIZED_TELEMETRY := False
export HF_HUB_OFFLINE := 1

.PHONY: run test install install-dev index lint eval bench noise train clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e '.[dev,st]'
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

index: install
	$(PY) -m assistant index

run: install
	$(PY) -m assistant index
	$(PY) app.py

lint: install-dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy assistant evals app.py tests

test: lint
	$(PY) -m pytest -q -ra
	$(PY) -m evals --gate --quiet

noise: install-dev
	$(PY) -m evals.noise --toml

train: install-dev
	$(PY) -m evals.train

eval: install
	$(PY) -m evals --compare

bench: install
	$(PY) -m assistant bench

clean:
	rm -rf $(VENV) index/chroma index/*.json index/*.npz index/bm25 evals/reports
