"""impact — income-recovery analytics for programme cohorts.

From raw KoboToolbox survey exports and reseller platform order exports to clean,
pseudonymised tables, indicators and donor-ready reports. The stages, each a subpackage,
import only the ones before them::

    config, vocab, contract, errors → io → clean → measure → publish → report, qa → cli

What a notebook needs is here (loaded on first use, so ``import impact`` stays light)::

    import impact
    data = impact.clean("data/sample/raw")        # or impact.load("data/sample/processed")
    r = impact.build(data, cohort="sukabumi-2023", audience="internal")
    impact.present(r.recovery(by=["gender"]))
    r.table(by="district", wave="m6")             # any participant column (public: protected)
    impact.compare(data, cohorts=["sukabumi-2023", "bekasi-2024"], wave="m3", as_of="2024-09-15")
    impact.export(r.table(by="gender"), "recovery.xlsx", audience="internal")   # safe, marked
    r.impact().did("recovery_ratio")              # against a comparison group, where there is one
    p = impact.programme_results(data)             # every cohort pooled by months since training
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from impact._version import __version__

if TYPE_CHECKING:  # for type checkers and editors; at run time the names load on first use
    from impact.clean import clean
    from impact.clean.api import clean_to
    from impact.config import CleaningParams, ReportParams
    from impact.contract import CleanData
    from impact.io.processed import load, write_processed
    from impact.publish.compare import compare
    from impact.publish.disclosure import legend
    from impact.publish.export import export
    from impact.publish.format import present
    from impact.publish.programme import ProgrammeResults, programme_results
    from impact.publish.results import CohortResults, build

#: public name → the module that defines it
_API = {
    "CleanData": "impact.contract",
    "CleaningParams": "impact.config",
    "CohortResults": "impact.publish.results",
    "ProgrammeResults": "impact.publish.programme",
    "ReportParams": "impact.config",
    "build": "impact.publish.results",
    "clean": "impact.clean",  # the package, callable as the function (see impact.clean)
    "clean_to": "impact.clean.api",
    "compare": "impact.publish.compare",
    "export": "impact.publish.export",
    "legend": "impact.publish.disclosure",
    "load": "impact.io.processed",
    "present": "impact.publish.format",
    "programme_results": "impact.publish.programme",
    "write_processed": "impact.io.processed",
}

__all__ = [
    "CleanData",
    "CleaningParams",
    "CohortResults",
    "ProgrammeResults",
    "ReportParams",
    "__version__",
    "build",
    "clean",
    "clean_to",
    "compare",
    "export",
    "legend",
    "load",
    "present",
    "programme_results",
    "write_processed",
]


def __getattr__(name: str) -> object:
    if name == "clean":
        value = importlib.import_module("impact.clean")
        globals()[name] = value
        return value
    if name in _API:
        value = getattr(importlib.import_module(_API[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'impact' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_API))
