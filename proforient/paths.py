"""Locations resolved from the package, never from the current directory.

The project is installed in editable mode (see README), so the repository's ``parameters/`` and
``data/`` folders sit next to the package. ``PROFORIENT_PARAMETERS`` overrides the parameters
folder for a district that keeps its settings elsewhere.
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


def parameters_dir() -> Path:
    """Return the folder of the district's parameters (``parameters/`` unless overridden)."""
    return Path(os.environ.get("PROFORIENT_PARAMETERS", ROOT / "parameters"))
