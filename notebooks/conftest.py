"""nbval collects only the project's own notebooks: those git tracks in this folder.

An analyst's copy or scratch notebook saved here (``explore-Copy1.ipynb``, ``мой.ipynb``) is
not a template and is not run by ``make test``.
"""

from pathlib import Path

from proforient.jupyter import tracked_notebooks

_TRACKED = tracked_notebooks(Path(__file__).parent)


def pytest_ignore_collect(collection_path: Path, config) -> bool | None:
    if collection_path.suffix == ".ipynb" and collection_path.resolve() not in _TRACKED:
        return True
    return None
