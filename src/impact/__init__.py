"""impact — income-recovery analytics for programme cohorts.

From raw KoboToolbox survey exports and reseller platform order exports to clean,
pseudonymised tables, indicators and donor-ready reports.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("impact")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]

from impact.pipeline import CleanData, clean, clean_to, load, write_processed

__all__ += ["CleanData", "clean", "clean_to", "load", "write_processed"]
