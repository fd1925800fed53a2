"""``python -m proforient …``: the command line without the console script on the PATH.

JupyterLab's terminal and a notebook's ``!`` cell may not have ``.venv/bin`` on the PATH, but the
kernel's Python is the project's: ``!{sys.executable} -m proforient report ../data/demo`` or, in
a terminal, ``python -m proforient validate data/demo`` run the same :func:`proforient.cli.main`.
"""

import sys

from proforient.cli import main

if __name__ == "__main__":
    sys.exit(main())
