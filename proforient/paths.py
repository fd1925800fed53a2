"""Locations resolved from the package, never from the current directory; where a data folder
the user named is; and whether a location the user gave can take our files.

The project is installed in editable mode (see README), so the repository's ``parameters/``,
``data/`` and ``outputs/`` folders sit next to the package. ``PROFORIENT_PARAMETERS`` overrides
the parameters folder for a district that keeps its settings elsewhere.

A data folder the user names is looked for where the user is, then in the project
(:func:`find_data_dir`): ``data/demo`` works from the project's folder and from ``notebooks/``
(JupyterLab's working folder for a notebook), and ``../data/demo`` works from ``notebooks/``.

``outputs/`` is the project's folder, whichever folder a command is run from: ``make report``,
a run from a terminal opened elsewhere and a run from JupyterLab all put their reports in one
place, where the next run finds them (``--schools`` keeps the other schools' reports from
there). ``--out`` chooses another folder.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT = PACKAGE_DIR.parent
PACKAGE_DATA_DIR = PACKAGE_DIR / "data"
DEMO_DATA_DIR = ROOT / "data" / "demo"
NOTEBOOKS_DIR = ROOT / "notebooks"
OUTPUTS_DIR = ROOT / "outputs"

#: Folders of the operating system's own virtual file systems: no file of ours belongs there.
SYSTEM_DIRS = ("/proc", "/sys", "/dev")


def parameters_dir() -> Path:
    """Return the folder of the district's parameters (``parameters/`` unless overridden)."""
    return Path(os.environ.get("PROFORIENT_PARAMETERS", ROOT / "parameters"))


def data_dir_candidates(path: str | Path) -> list[Path]:
    """The folders a data path may mean, in the order they are tried.

    An absolute path means itself. A relative one means the folder under the current working
    folder, then the one under the project's folder (:data:`ROOT`), both made absolute so that
    a message can name them in full.

    >>> data_dir_candidates("/srv/район")
    [PosixPath('/srv/район')]
    """
    path = Path(path).expanduser()
    if path.is_absolute():
        return [path]
    here = Path(os.path.abspath(path))
    project = Path(os.path.abspath(ROOT / path))
    return [here] if here == project else [here, project]


def find_data_dir(path: str | Path) -> tuple[Path | None, str | None]:
    """Find the data folder ``path`` names: under the working folder, then the project's.

    Parameters
    ----------
    path : str or Path
        The folder as the user wrote it (``data/demo``, ``../data/район``, an absolute path).

    Returns
    -------
    folder : Path or None
        ``path`` itself when it is a folder from where the user is (so a relative path stays
        relative), else the project's folder of that name; ``None`` when neither is a folder.
    problem : str or None
        Why not (Russian), naming every full path tried, or that a file was given where a
        folder is expected; ``None`` when found.
    """
    candidates = data_dir_candidates(path)
    for i, candidate in enumerate(candidates):
        if candidate.is_dir():
            return (Path(path).expanduser() if i == 0 else candidate), None
    for candidate in candidates:
        if candidate.exists():
            return None, (f"«{candidate}» — файл, а нужна папка с данными (та, в которой "
                          f"лежат organizations.csv, measures.csv…): укажите папку")
    tried = "; ".join(f"«{c}»" for c in candidates)
    where = "ни по одному из путей" if len(candidates) > 1 else "по пути"
    return None, f"папка с данными не найдена {where}: {tried}"


def output_problem(path: str | Path, *, folder: bool) -> str | None:
    """Why ``path`` cannot be written (Russian, naming the folder at fault), or ``None``.

    Checked before the work starts, so that a run does not end with a traceback after minutes
    of work. ``folder``: the path is a folder to create or fill, else a file to write. Catches
    a path under a file, under a system folder (:data:`SYSTEM_DIRS`), in a folder without
    write permission, and an existing folder or file that is write-protected; a disk that
    fills up is only found out while writing.

    >>> output_problem("/proc/reports", folder=True)
    'системная папка /proc: в ней нельзя хранить файлы, укажите другую папку'
    """
    path = Path(os.path.abspath(path))
    system = next((d for d in SYSTEM_DIRS if _is_under(path, d)), None)
    if system is not None and os.name == "posix":
        return f"системная папка {system}: в ней нельзя хранить файлы, укажите другую папку"
    what = "папку" if folder else "файл"
    if path == Path(path.anchor):  # «/», «C:\\»: no parent to check, and not a place to fill
        return (f"«{path}» — корень диска: укажите {what} внутри него, например "
                f"«{path / ('proforient' if folder else 'proforient.csv')}»")
    if path.exists():
        if folder != path.is_dir():
            return "это файл, а нужна папка" if folder else "это папка, а нужен файл"
        if not os.access(path, os.W_OK | (os.X_OK if folder else 0)):
            return ("папка защищена от записи: снимите защиту или укажите другую папку"
                    if folder else "файл защищён от записи")
    ancestor = next((p for p in path.parents if p.exists()), None)
    if ancestor is None:
        return f"нет диска или папки «{path.anchor}»"
    if not ancestor.is_dir():
        return f"«{ancestor}» — файл, а не папка: в нём нельзя создать {what}"
    if not os.access(ancestor, os.W_OK | os.X_OK):
        return f"нет прав на запись в папку «{ancestor}»: укажите другую папку"
    return None


def _is_under(path: Path, folder: str) -> bool:
    resolved = path.resolve()
    return any(p == Path(folder) for p in (resolved, *resolved.parents))
