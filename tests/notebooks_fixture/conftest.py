"""The notebooks here are fixtures of tests/test_batch.py, executed by the batch, not by nbval."""

collect_ignore_glob = ["*.ipynb"]
