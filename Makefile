# Two commands on a fresh machine (README): `make report` and `make test`.
# Both create the virtual environment .venv themselves from pyproject.toml.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: report indicators test test-fast lint demo bench clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

report: $(STAMP)
	$(VENV)/bin/proforient report

# Everything: the unit tests, the batches with real kernels, the Dask cluster, and nbval over
# notebooks/ (several minutes).
test: $(STAMP)
	$(PY) -m pytest

# While working: the tests under tests/ not marked slow (no notebook batch, no Dask cluster, no
# nbval); a couple of minutes at most.
test-fast: $(STAMP)
	$(PY) -m pytest -m "not slow" tests

lint: $(STAMP)
	$(VENV)/bin/ruff check proforient tests benchmarks

bench: $(STAMP)
	$(PY) -m pip install --quiet -e '.[bench]'
	$(PY) benchmarks/bench_report.py

demo: $(STAMP)
	$(VENV)/bin/proforient demo

clean:
	rm -rf $(VENV) outputs/*/ .pytest_cache
