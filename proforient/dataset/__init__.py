"""Loading and validation of a dataset folder (the data contract: ``docs/data-contract.md``).

:func:`load_dataset` reads and checks a folder and returns a :class:`Dataset`;
:func:`check_dataset` returns every problem found, for ``proforient validate``.
"""

from proforient.dataset.load import check_dataset, load_dataset
from proforient.dataset.model import Dataset

__all__ = ["Dataset", "check_dataset", "load_dataset"]
