"""The notebooks here are fixtures of tests/batch/test_batch.py, executed by the batch, not by
nbval."""

collect_ignore_glob = ["*.ipynb"]
