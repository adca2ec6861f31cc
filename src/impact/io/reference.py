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
from impact.programme import ReferenceSpec

__all__ = ["MIN_WAGE_COLUMNS", "ReferenceFiles", "bundled_reference_dir", "read_reference"]


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


def read_reference(
    reference_dir: str | Path | None = None, *, spec: ReferenceSpec | None = None
) -> ReferenceFiles:
    """Read ``min_wage.csv`` and the CPI (``cpi_monthly.csv`` when present, else ``cpi_anchors.csv``)
    from ``reference_dir``, or the bundled files; a programme's own files (``spec``, from its
    ``[reference]`` table) replace the corresponding ones.

    A missing folder or file is an :class:`~impact.errors.InputError` that names it; a file
    without the columns it needs too.
    """
    if spec is not None and (spec.min_wage or spec.cpi or spec.cpi_monthly):
        return _from_spec(spec, reference_dir)
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
    _require(wages, MIN_WAGE_COLUMNS, d / "min_wage.csv")
    return ReferenceFiles(wages, anchors, official, str(d))


#: columns a minimum-wage file needs (source and source_date say where each figure comes from)
MIN_WAGE_COLUMNS = ("district", "year", "min_wage_monthly_idr", "source", "source_date")


def _require(frame: pd.DataFrame, columns: tuple[str, ...], path: Path) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(f"{path}: missing column(s) {', '.join(missing)} (expected {', '.join(columns)})")


def _from_spec(spec: ReferenceSpec, reference_dir: str | Path | None) -> ReferenceFiles:
    """The bundled (or ``reference_dir``) files with the programme's own in their place."""
    base = read_reference(reference_dir)
    wages = base.min_wage
    if spec.min_wage:
        wages = pd.read_csv(spec.min_wage, dtype={"district": "string", "source": "string"})
        _require(wages, MIN_WAGE_COLUMNS, Path(spec.min_wage))
    anchors, official = base.cpi_anchors, base.cpi_monthly
    if spec.cpi:
        anchors, official = pd.read_csv(spec.cpi, dtype={"month": str}), None
    if spec.cpi_monthly:
        official = pd.read_csv(spec.cpi_monthly, dtype={"month": str})
    where = ", ".join(str(v) for v in (spec.min_wage, spec.cpi, spec.cpi_monthly) if v)
    return ReferenceFiles(wages, anchors, official, where)
