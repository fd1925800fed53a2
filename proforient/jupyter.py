"""The project's notebooks stay templates: outputs are stripped when JupyterLab saves them.

The notebooks committed in ``notebooks/`` are templates (the reports' notebooks and the
analyst's ``explore.ipynb``). Run All and autosave would write outputs, execution counts and the
kernel's metadata into them, and ``git status`` would show every notebook changed. The
repository's ``jupyter_server_config.py`` (installed into ``.venv/etc/jupyter`` by ``make``)
registers :func:`strip_on_save` as the contents manager's pre-save hook: a template is saved with
its cells as edited, but without outputs and execution counts — except the cells marked
``# NBVAL_CHECK_OUTPUT``, whose committed output (what nbval compares) is kept as it is on disk
while their code is unchanged — and with the notebook's metadata as it was.

An analyst's own notebooks (copies, scratch notebooks: any notebook git does not track, or any
notebook outside ``notebooks/``) are saved as they are, outputs included; nbval does not collect
them (:func:`tracked_notebooks`, used by ``notebooks/conftest.py``).
"""

from __future__ import annotations

import copy
import subprocess
from pathlib import Path
from typing import Any

import nbformat

from proforient import paths

__all__ = ["CHECK_OUTPUT", "clean_notebook", "is_template", "strip_on_save",
           "tracked_notebooks"]

#: The first line of a cell whose output nbval compares (and the template keeps).
CHECK_OUTPUT = "# NBVAL_CHECK_OUTPUT"

#: Cell metadata that running or viewing a notebook adds, not the author.
_VOLATILE_CELL_METADATA = ("execution", "scrolled", "collapsed")


def tracked_notebooks(folder: Path | None = None) -> set[Path]:
    """The notebooks of ``folder`` (default the project's ``notebooks/``) that git tracks.

    Outside a git checkout (an unpacked archive) every notebook directly in the folder counts.
    """
    folder = Path(folder or paths.NOTEBOOKS_DIR).resolve()
    try:
        done = subprocess.run(["git", "ls-files", "-z", "--", "*.ipynb"], cwd=folder,
                              capture_output=True, text=True, timeout=30, check=True)
    except (OSError, subprocess.SubprocessError):
        return {p.resolve() for p in folder.glob("*.ipynb")}
    names = [n for n in done.stdout.split("\0") if n and "/" not in n]
    return {(folder / n).resolve() for n in names}


def is_template(path: str | Path) -> bool:
    """Whether ``path`` is one of the project's committed notebooks (``notebooks/*.ipynb``
    that git tracks)."""
    path = Path(path).resolve()
    folder = Path(paths.NOTEBOOKS_DIR).resolve()
    return path.parent == folder and path in tracked_notebooks(folder)


def clean_notebook(notebook: dict[str, Any], saved: dict[str, Any] | None = None
                   ) -> dict[str, Any]:
    """A notebook as a template is committed: no outputs, no execution counts.

    Parameters
    ----------
    notebook : dict
        The notebook as JupyterLab would save it (nbformat 4 JSON as a dict or NotebookNode).
    saved : dict, optional
        The notebook as it is on disk (the committed template): the checked cells' outputs
        and the notebook's metadata are taken from it.

    Returns
    -------
    dict
        A new notebook: every code cell without outputs and execution count, except a cell
        starting with :data:`CHECK_OUTPUT` whose source is the same as on disk (it keeps the
        outputs and count on disk; a changed checked cell, or one without an output on disk,
        keeps its new ones); cell metadata
        without what running adds (``execution``, ``scrolled``, ``collapsed``); the
        notebook's metadata as on disk.
    """
    out = copy.deepcopy(notebook)
    before = {}
    if saved is not None:
        before = {_key(c): c for c in saved.get("cells", []) if c.get("cell_type") == "code"}
        out["metadata"] = copy.deepcopy(saved.get("metadata", out.get("metadata", {})))
    for cell in out.get("cells", []):
        for key in _VOLATILE_CELL_METADATA:
            cell.get("metadata", {}).pop(key, None)
        if cell.get("cell_type") != "code":
            continue
        source = _source(cell)
        old = before.get(_key(cell))
        if source.startswith(CHECK_OUTPUT):
            if old is not None and _source(old) == source and old.get("outputs"):
                cell["outputs"] = copy.deepcopy(old.get("outputs", []))
                cell["execution_count"] = old.get("execution_count")
            continue
        cell["outputs"] = []
        cell["execution_count"] = None
    return out


def strip_on_save(model: dict[str, Any], path: str, contents_manager: Any = None,
                  **_kwargs: Any) -> None:
    """Jupyter server pre-save hook: a template notebook is saved clean (:func:`clean_notebook`).

    Registered by the repository's ``jupyter_server_config.py``::

        c.ContentsManager.pre_save_hook = "proforient.jupyter.strip_on_save"

    ``model["content"]`` is changed in place; any other file or notebook is left alone.
    """
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    root = getattr(contents_manager, "root_dir", None) or "."
    file = Path(root) / path.lstrip("/")
    if not is_template(file):
        return
    saved = None
    if file.exists():
        try:
            saved = nbformat.read(file, as_version=4)
        except Exception:  # noqa: BLE001 - a broken file on disk: strip without it
            saved = None
    cleaned = clean_notebook(model["content"], saved)
    model["content"].clear()
    model["content"].update(cleaned)


def _source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _key(cell: dict[str, Any]) -> str:
    """A code cell's identity between the saved and the new notebook: its id, else source."""
    return cell.get("id") or _source(cell)
