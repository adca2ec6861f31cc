"""Cleaning: raw survey and sales exports → clean, linked, pseudonymised tables, with every raw row
accounted for.

- :mod:`~impact.clean.parse`: parsers by value type (numbers, times, ids, labels);
- :mod:`~impact.clean.survey`, :mod:`~impact.clean.sales`: cleaning steps of each source;
- :mod:`~impact.clean.link`, :mod:`~impact.clean.pseudonymise`: linkage and keyed pseudonyms;
- :mod:`~impact.clean.audit`: quarantine, duplicates, corrections and the reconciliation;
- :mod:`~impact.clean.schema`: the processed tables' pandera contract;
- :mod:`~impact.clean.core`: what both engines share; :mod:`~impact.clean.engines`: the engines;
- :mod:`~impact.clean.api`: the front door, :func:`clean` and :func:`clean_to`.
"""

from __future__ import annotations

import sys
import types

from impact.clean.api import check, clean, clean_to

__all__ = ["check", "clean", "clean_to"]


class _CleanPackage(types.ModuleType):
    """``impact.clean`` is both this stage's package and the function :func:`clean`: calling the
    package calls the function, so ``impact.clean("data/sample/raw")`` works however it was
    imported."""

    def __call__(self, *args, **kwargs):
        return clean(*args, **kwargs)


sys.modules[__name__].__class__ = _CleanPackage
