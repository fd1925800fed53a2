"""The examples in the package's docstrings are true."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import proforient

MODULES = sorted(m.name for m in pkgutil.walk_packages(proforient.__path__, "proforient.")
                 if not m.name.endswith(("__main__", "dask_cluster")))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
