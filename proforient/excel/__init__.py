"""Excel: collection workbooks sent to the organisations and read back, and exported tables.

- :mod:`~proforient.excel.layout` — the workbook layout shared by writing and reading;
- :mod:`~proforient.excel.template` — prefilled workbooks, one per organisation;
- :mod:`~proforient.excel.workbook` — reading one filled workbook, cell by cell;
- :mod:`~proforient.excel.checks` — the dataset's rules applied to the collected rows;
- :mod:`~proforient.excel.merge` — the collected rows merged into the dataset's CSV files;
- :mod:`~proforient.excel.collect` — :func:`~proforient.excel.collect.collect`, the whole run;
- :mod:`~proforient.excel.export` — result tables written to CSV or XLSX without formulas.
"""
