"""The committed notebooks stay templates (proforient/jupyter.py, jupyter_server_config.py):
JupyterLab saves them without outputs, nbval collects only them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_server.services.contents.filemanager import FileContentsManager
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from proforient import paths
from proforient.jupyter import CHECK_OUTPUT, clean_notebook, strip_on_save, tracked_notebooks
from proforient.paths import NOTEBOOKS_DIR, ROOT


def _notebook(checked_output: str, plain_output: str) -> nbformat.NotebookNode:
    nb = new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                               "language": "python"},
                                "language_info": {"name": "python"}})
    nb.cells = [
        new_markdown_cell("# Заголовок", id="md"),
        new_code_cell(f"{CHECK_OUTPUT}\nprint('итог')", id="checked", execution_count=2,
                      outputs=[new_output("stream", name="stdout", text=checked_output)]),
        new_code_cell("x = 1\nx", id="plain", execution_count=3,
                      outputs=[new_output("execute_result", data={"text/plain": plain_output},
                                          execution_count=3)]),
    ]
    return nb


def test_clean_keeps_the_committed_checked_output_and_strips_the_rest():
    saved = _notebook("итог на диске\n", "")
    saved.cells[2].outputs, saved.cells[2].execution_count = [], None
    run = _notebook("итог нового запуска\n", "1")
    run.cells[1].execution_count = 17
    run.cells[2].metadata["execution"] = {"iopub.status.busy": "2026-12-04T15:00:00"}
    run.metadata["language_info"] = {"name": "python", "version": "3.11.9"}
    clean = clean_notebook(run, saved)
    assert clean["cells"][1]["outputs"][0]["text"] == "итог на диске\n"
    assert clean["cells"][1]["execution_count"] == 2
    assert clean["cells"][2]["outputs"] == [] and clean["cells"][2]["execution_count"] is None
    assert "execution" not in clean["cells"][2]["metadata"]
    assert clean["metadata"] == saved.metadata
    assert run.cells[2].outputs  # the model given is not changed


def test_a_changed_checked_cell_keeps_its_new_output():
    saved = _notebook("старый итог\n", "")
    run = _notebook("новый итог\n", "1")
    run.cells[1].source = f"{CHECK_OUTPUT}\nprint('другой итог')"
    clean = clean_notebook(run, saved)
    assert clean["cells"][1]["outputs"][0]["text"] == "новый итог\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    """A project folder outside git: every notebook of its notebooks/ is a template."""
    folder = tmp_path / "project" / "notebooks"
    folder.mkdir(parents=True)
    monkeypatch.setattr(paths, "NOTEBOOKS_DIR", folder)
    return folder.parent


def _save(root: Path, path: str, nb) -> None:
    manager = FileContentsManager(root_dir=str(root))
    manager.pre_save_hook = strip_on_save
    manager.save({"type": "notebook", "format": "json", "content": nb}, path)


def test_jupyter_saves_a_template_without_outputs(project: Path):
    template = _notebook("итог\n", "")
    template.cells[2].outputs, template.cells[2].execution_count = [], None
    nbformat.write(template, project / "notebooks" / "t.ipynb")
    committed = (project / "notebooks" / "t.ipynb").read_bytes()
    _save(project, "notebooks/t.ipynb", _notebook("итог\n", "1"))
    assert (project / "notebooks" / "t.ipynb").read_bytes() == committed


def test_jupyter_saves_other_notebooks_as_they_are(project: Path):
    (project / "work").mkdir()
    _save(project, "work/мой.ipynb", _notebook("итог\n", "1"))
    mine = nbformat.read(project / "work" / "мой.ipynb", as_version=4)
    assert mine.cells[2].outputs[0]["data"]["text/plain"] == "1"


def test_the_server_config_registers_the_hook():
    text = (ROOT / "jupyter_server_config.py").read_text(encoding="utf-8")
    assert 'c.ContentsManager.pre_save_hook = "proforient.jupyter.strip_on_save"' in text


def test_only_notebooks_git_tracks_are_templates(tmp_path: Path):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    for name in ("отчёт.ipynb", "копия.ipynb"):
        nbformat.write(new_notebook(), tmp_path / name)
    subprocess.run(["git", "add", "отчёт.ipynb"], cwd=tmp_path, check=True)
    assert tracked_notebooks(tmp_path) == {(tmp_path / "отчёт.ipynb").resolve()}
    committed = tracked_notebooks()
    assert {p.name for p in committed} >= {"explore.ipynb", "school.ipynb", "district.ipynb",
                                            "graduates.ipynb"}
    assert all(p.parent == NOTEBOOKS_DIR.resolve() for p in committed)


def test_nbval_does_not_collect_a_scratch_notebook(tmp_path: Path):
    scratch = NOTEBOOKS_DIR / f"scratch-{tmp_path.name}.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("1 / 0")]), scratch)
    try:
        done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q",
                               "notebooks"], cwd=ROOT, capture_output=True, text=True,
                              timeout=300)
    finally:
        scratch.unlink()
    assert "explore.ipynb" in done.stdout and scratch.name not in done.stdout


@pytest.mark.slow
def test_run_all_and_save_leaves_the_explore_notebook_as_committed(project: Path):
    import nbclient

    committed = (NOTEBOOKS_DIR / "explore.ipynb").read_bytes()
    (project / "notebooks" / "explore.ipynb").write_bytes(committed)
    nb = nbformat.reads(committed.decode("utf-8"), as_version=4)
    # the kernel's folder is notebooks/, as in JupyterLab: the relative data path must work
    nbclient.NotebookClient(nb, kernel_name="python3", timeout=600,
                            resources={"metadata": {"path": str(NOTEBOOKS_DIR)}}).execute()
    assert not [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    _save(project, "notebooks/explore.ipynb", nb)
    assert (project / "notebooks" / "explore.ipynb").read_bytes() == committed


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_a_real_jupyter_server_saves_the_template_clean_and_a_copy_as_it_is(tmp_path: Path):
    """JupyterLab's save, through a real Jupyter server started with the repository's config:
    Run All of explore.ipynb (kernel in notebooks/) and save leave the file as committed; a
    copy in notebooks/work/ keeps its outputs."""
    import json
    import time
    import urllib.request

    import nbclient

    template = NOTEBOOKS_DIR / "explore.ipynb"
    committed = template.read_bytes()
    nb = nbformat.reads(committed.decode("utf-8"), as_version=4)
    nbclient.NotebookClient(nb, kernel_name="python3", timeout=600,
                            resources={"metadata": {"path": str(NOTEBOOKS_DIR)}}).execute()
    port, token = _free_port(), "proforient-test"
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter_server", "--no-browser", f"--port={port}",
         "--allow-root", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={ROOT}",
         f"--config={ROOT / 'jupyter_server_config.py'}"],
        cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=(tmp_path / "server.log").open("w"))
    copy = NOTEBOOKS_DIR / "work" / f"test-{tmp_path.name}.ipynb"

    def put(path: str) -> None:
        body = json.dumps({"type": "notebook", "format": "json", "content": nb}).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/contents/{urllib.request.quote(path)}", data=body,
            method="PUT", headers={"Authorization": f"token {token}",
                                   "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            assert response.status in (200, 201)

    try:
        for _ in range(120):
            assert server.poll() is None, (tmp_path / "server.log").read_text()
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}",
                                       timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        put("notebooks/explore.ipynb")
        saved = template.read_bytes()
        copy.parent.mkdir(exist_ok=True)
        put(f"notebooks/work/{copy.name}")
        mine = nbformat.read(copy, as_version=4)
    finally:
        server.terminate()
        server.wait(timeout=30)
        template.write_bytes(committed)
        copy.unlink(missing_ok=True)
    assert saved == committed, (tmp_path / "server.log").read_text()
    assert sum(len(c.get("outputs", [])) for c in mine.cells) > 5
