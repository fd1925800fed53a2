"""proforient — an analytical workbook for a school district's career-guidance roadmap."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("proforient")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"
