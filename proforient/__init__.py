"""proforient — an analytical workbook for a school district's career-guidance roadmap."""


def __getattr__(name: str) -> str:
    """``proforient.__version__``, looked up when first asked for: :mod:`importlib.metadata`
    costs a command 0.15 s of imports that only ``--version`` and the reports' footer need."""
    if name != "__version__":
        raise AttributeError(f"module 'proforient' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("proforient")
    except PackageNotFoundError:  # running from a source tree that is not installed
        found = "0+unknown"
    globals()["__version__"] = found
    return found
