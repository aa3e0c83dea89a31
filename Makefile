# Every target installs first when .venv is missing. Settings come from the environment
# (README.md, "Settings"); DAGSTER_HOME is the project's .dagster_home so runs are recorded
# and the UI sees them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home

.PHONY: setup demo run test ui sql export clean

$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=24"
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	touch $@

setup: $(VENV)/.installed

demo: setup
	$(PY) -m pipelines.run --summary

run: setup
	$(PY) -m pipelines.run

test: setup
	$(PY) -m pytest

ui: setup
	$(VENV)/bin/dagster dev -w workspace.yaml

sql: setup
	@$(PY) -m warehouse.shell

# make export (every contract table) or make export QUERY=warehouse/queries/top_actors.sql
export: setup
	$(PY) -m assets.exports $(if $(QUERY),--query $(QUERY))

clean:
	rm -rf $(VENV) .dagster_home/storage .dagster_home/history .dagster_home/schedules .dagster_home/logs
