"""The batch behind ``proforient report``: notebooks executed, rendered, checked and published.

- :mod:`~proforient.batch.run` — :func:`run_report`, the whole run;
- :mod:`~proforient.batch.jobs` — what is run and what comes back;
- :mod:`~proforient.batch.executors` — where the notebooks run (threads here; Dask in
  :mod:`~proforient.batch.dask_cluster`);
- :mod:`~proforient.batch.kernel` — one notebook in a fresh kernel;
- :mod:`~proforient.batch.render` — the executed notebook as a page;
- :mod:`~proforient.batch.safety` — what a page must not contain to be published;
- :mod:`~proforient.batch.outputs` — the output folder: staging and swapping;
- :mod:`~proforient.batch.index` — the index page.
"""
