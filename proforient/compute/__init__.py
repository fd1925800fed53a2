"""Calculations: pure functions from the dataset and the district's parameters to tables.

- :mod:`~proforient.compute.indicators` — every roadmap indicator per organisation and district;
- :mod:`~proforient.compute.specialties` — typed specialty names → ОКСО codes;
- :mod:`~proforient.compute.alignment` — graduates against their profile, ЕГЭ and demand;
- :mod:`~proforient.compute.stats` — intervals, funnel limits, tests, peer groups.

None of them reads a file: :mod:`proforient.pipeline` loads the inputs and calls them.
"""
