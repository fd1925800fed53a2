# JupyterLab for this project: the committed notebooks (notebooks/*.ipynb tracked by git) are
# templates, saved without outputs and execution counts, so that Run All and autosave leave
# `git status` clean (proforient/jupyter.py). Your own copies and scratch notebooks keep their
# outputs.
#
# `make` installs this file into .venv/etc/jupyter/, where `.venv/bin/jupyter lab` reads it
# from whichever folder it is started. Without make: `jupyter lab --config=jupyter_server_config.py`.
c = get_config()  # noqa: F821 - provided by Jupyter when it reads this file
c.ContentsManager.pre_save_hook = "proforient.jupyter.strip_on_save"
