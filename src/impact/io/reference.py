"""Reference data files: regional minimum wages (UMK) and the consumer price index.

The bundled files ship inside the package (``impact/data/reference``, read through
:mod:`importlib.resources`, so an installed wheel has them); a programme can point to a folder
of its own. The frames are returned as read: :mod:`impact.measure.reference` turns them into
lookups (which month's CPI, which district's wage).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd

from impact.errors import InputError

__all__ = ["ReferenceFiles", "bundled_reference_dir", "read_reference"]


@dataclass(frozen=True)
class ReferenceFiles:
    """The reference tables as read: minimum wages, CPI anchor points and (optional) an official
    monthly CPI series; ``folder`` says where they came from."""

    min_wage: pd.DataFrame
    cpi_anchors: pd.DataFrame | None
    cpi_monthly: pd.DataFrame | None
    folder: str


def bundled_reference_dir() -> Path:
    """The folder of the reference files bundled with the package."""
    return Path(str(resources.files("impact") / "data" / "reference"))


def read_reference(reference_dir: str | Path | None = None) -> ReferenceFiles:
    """Read ``min_wage.csv`` and the CPI (``cpi_monthly.csv`` when present, else ``cpi_anchors.csv``)
    from ``reference_dir``, or the bundled files.

    A missing folder or file is an :class:`~impact.errors.InputError` that names it.
    """
    d = Path(reference_dir) if reference_dir is not None else bundled_reference_dir()
    if not (d / "min_wage.csv").is_file():
        raise InputError(f"{d / 'min_wage.csv'}: reference file not found (pass --reference-dir)")
    if not (d / "cpi_anchors.csv").is_file() and not (d / "cpi_monthly.csv").is_file():
        raise InputError(f"{d / 'cpi_anchors.csv'}: reference file not found (pass --reference-dir)")
    wages = pd.read_csv(d / "min_wage.csv", dtype={"district": "string", "source": "string"})
    official = (
        pd.read_csv(d / "cpi_monthly.csv", dtype={"month": str})
        if (d / "cpi_monthly.csv").is_file()
        else None
    )
    anchors = (
        pd.read_csv(d / "cpi_anchors.csv", dtype={"month": str})
        if (d / "cpi_anchors.csv").is_file()
        else None
    )
    return ReferenceFiles(wages, anchors, official, str(d))
