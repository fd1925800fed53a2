# Two commands on a fresh machine (README): `make report` and `make test`.
# Both create the virtual environment .venv themselves from pyproject.toml.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# JupyterLab started from .venv reads its configuration here: the committed notebooks are saved
# without outputs (jupyter_server_config.py, proforient/jupyter.py).
JUPYTER_CONFIG := $(VENV)/etc/jupyter/jupyter_server_config.py

.PHONY: report indicators test test-fast lint demo bench clean lab

$(STAMP): pyproject.toml
	@echo "Установка окружения .venv (Python-пакеты проекта): обычно 1–3 минуты, дольше на медленной сети или занятой машине."
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)
	@echo "Окружение готово."

$(JUPYTER_CONFIG): jupyter_server_config.py $(STAMP)
	mkdir -p $(dir $@)
	cp jupyter_server_config.py $@

# ≈ 3 minutes on a busy 2-core machine (plus the installation the first time)
report: $(STAMP) $(JUPYTER_CONFIG)
	$(VENV)/bin/proforient report

# JupyterLab in the project's environment (notebooks/ is where the notebooks are)
lab: $(STAMP) $(JUPYTER_CONFIG)
	$(VENV)/bin/jupyter lab --notebook-dir=. $(if $(filter 0,$(shell id -u)),--allow-root)

# Everything: the unit tests, the batches with real kernels, the Dask cluster, and nbval over
# the committed notebooks/ (30–35 minutes on a busy 2-core machine: the attacker reads three
# years of every page of the demo and of a generated district).
test: $(STAMP) $(JUPYTER_CONFIG)
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
