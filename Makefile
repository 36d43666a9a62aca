# clerk: two commands on a fresh machine, `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
CHAOS_ITEMS ?= 1000

.PHONY: demo test bench chaos docs install system-deps clean

install: $(STAMP) system-deps

# Re-install only when the project's dependencies change.
$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[tryton,test,bench,rpa]'
	@touch $(STAMP)

system-deps:
	@bash scripts/install-system-deps.sh

demo: install
	$(VENV)/bin/clerk demo

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

bench: install
	$(PY) benchmarks/run_all.py

# clerk's own fault suite against the real Tryton, SQLite and PostgreSQL stores;
# figures in benchmarks/results/chaos.json, non-zero exit on any integrity loss.
chaos: install
	CHAOS_ITEMS=$(CHAOS_ITEMS) $(PY) -m benchmarks.chaos

docs: install
	$(PY) scripts/make_docs.py

clean:
	rm -rf var output .pytest_cache
