"""Cleaning engines: the same core (:mod:`impact.clean.core`) run in different ways.

Every engine cleans a raw folder into the same processed-data contract — tables, quarantine,
lineage and audit, equal row for row (``tests/clean/test_engine_dask.py`` checks it):

- ``pandas`` (:mod:`~impact.clean.engines.pandas`): in memory, one process; ``clean(raw_dir, …)``
  returns :class:`~impact.contract.CleanData`.
- ``dask`` (:mod:`~impact.clean.engines.dask`): partitioned on a Dask cluster, for data beyond
  memory; ``clean_to(raw_dir, out_dir, client=…, …)`` writes the processed folder and returns
  the audit.

Engines import the core, never the front door (:mod:`impact.clean.api`), which picks one.
"""

from __future__ import annotations

__all__ = ["ENGINES"]

#: the engines :func:`impact.clean.api.clean` and :func:`impact.clean.api.clean_to` accept
ENGINES = ("pandas", "dask")
