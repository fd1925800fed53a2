"""Where a data folder the user names is looked for (proforient/paths.py, find_data_dir), and
``python -m proforient``: the analyst in JupyterLab works from notebooks/, not the project."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from proforient.dataset import check_dataset
from proforient.explore import open_district
from proforient.paths import DEMO_DATA_DIR, NOTEBOOKS_DIR, ROOT, find_data_dir
from proforient.problems import InputError
from tests.conftest import PARAMS, RULES


def test_relative_data_path_from_notebooks_falls_back_to_the_project(monkeypatch):
    monkeypatch.chdir(NOTEBOOKS_DIR)
    assert find_data_dir("data/demo") == (DEMO_DATA_DIR, None)
    assert find_data_dir("../data/demo") == (Path("../data/demo"), None)  # found where we are
    district = open_district("data/demo", PARAMS)
    assert district.dataset.path == DEMO_DATA_DIR and district.synthetic


def test_the_working_folder_comes_before_the_project(tmp_path, monkeypatch, tiny):
    (tmp_path / "data" / "demo").mkdir(parents=True)  # shadows the project's data/demo
    monkeypatch.chdir(tmp_path)
    folder, problem = find_data_dir("data/demo")
    assert problem is None and folder == Path("data/demo")
    # and it is this (empty) folder that is read, not the project's demo
    dataset, problems = check_dataset("data/demo", RULES)
    assert dataset is None and any("organizations" in p.file for p in problems)


def test_a_missing_folder_names_every_full_path_tried(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    dataset, problems = check_dataset("data/район", RULES)
    assert dataset is None
    message = problems[0].message
    assert "папка с данными не найдена" in message
    assert f"«{tmp_path / 'data' / 'район'}»" in message
    assert f"«{ROOT / 'data' / 'район'}»" in message
    with pytest.raises(InputError, match="папка с данными не найдена"):
        open_district("data/район", PARAMS)
    absolute = tmp_path / "нет"
    assert find_data_dir(absolute) == (None, f"папка с данными не найдена по пути: «{absolute}»")


def test_a_file_given_as_the_data_folder_is_called_a_file(tiny, monkeypatch):
    monkeypatch.chdir(tiny)
    folder, problem = find_data_dir("organizations.csv")
    assert folder is None
    assert problem.startswith(f"«{tiny / 'organizations.csv'}» — файл, а нужна папка с данными")
    with pytest.raises(InputError, match="файл, а нужна папка"):
        open_district(tiny / "organizations.csv", PARAMS)


def test_python_dash_m_proforient_runs_the_cli_from_notebooks():
    env = {k: v for k, v in os.environ.items() if k != "PROFORIENT_PARAMETERS"}
    done = subprocess.run([sys.executable, "-m", "proforient", "validate", "data/demo"],
                          cwd=NOTEBOOKS_DIR, capture_output=True, text=True, env=env,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert "Данные в порядке" in done.stdout
    done = subprocess.run([sys.executable, "-m", "proforient", "validate", "нет/такой"],
                          cwd=NOTEBOOKS_DIR, capture_output=True, text=True, env=env,
                          timeout=300)
    assert done.returncode == 1 and "папка с данными не найдена" in done.stderr
    assert str(NOTEBOOKS_DIR / "нет" / "такой") in done.stderr
