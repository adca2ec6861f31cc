"""Reference data: regional minimum wages (UMK) and a monthly consumer price index.

Pure functions over the frames read by :func:`impact.io.read_reference`; see
``impact/data/reference/README.md`` for sources and how the monthly CPI is built.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from impact.errors import ReferenceDataError
from impact.io.reference import ReferenceFiles

__all__ = [
    "cpi_at",
    "min_wage_for",
    "missing_district_years",
    "monthly_cpi",
    "reference_tables",
    "unknown_districts",
]


def reference_tables(files: ReferenceFiles) -> tuple[pd.DataFrame, pd.Series]:
    """(minimum wages, monthly CPI indexed by month start) from the reference files as read."""
    return files.min_wage, monthly_cpi(files.cpi_anchors, official=files.cpi_monthly)


def monthly_cpi(anchors: pd.DataFrame, *, official: pd.DataFrame | None = None) -> pd.Series:
    """A monthly CPI (2022=100) indexed by month start, from anchor points.

    With ``official`` (columns ``month`` YYYY-MM, ``cpi``) that series is used as is.
    Otherwise: December index points are chained backwards with December year-on-year
    inflation (``kind == "yoy_inflation_pct"``), then months between known points are
    interpolated geometrically and months after the last point carry it forward.

    >>> a = pd.DataFrame({"month": ["2023-12", "2023-12"], "cpi_2022_100": [105.15, 2.61],
    ...                   "kind": ["index", "yoy_inflation_pct"]})
    >>> float(round(monthly_cpi(a)[pd.Timestamp("2022-12-01")], 2))
    102.48
    """
    if official is not None:
        s = pd.Series(
            official["cpi"].astype(float).to_numpy(), index=pd.to_datetime(official["month"], format="%Y-%m")
        )
        return s.sort_index().rename("cpi")
    idx = anchors[anchors["kind"] == "index"]
    points = dict(
        zip(pd.to_datetime(idx["month"], format="%Y-%m"), idx["cpi_2022_100"].astype(float), strict=True)
    )
    yoy = anchors[anchors["kind"] == "yoy_inflation_pct"]
    rates = dict(
        zip(pd.to_datetime(yoy["month"], format="%Y-%m"), yoy["cpi_2022_100"].astype(float), strict=True)
    )
    # chain Decembers backwards from the earliest known December point
    decembers = sorted(m for m in points if m.month == 12)
    if decembers:
        m = decembers[0]
        while m in rates:
            prev = m - pd.DateOffset(years=1)
            points.setdefault(prev, points[m] / (1 + rates[m] / 100))
            m = prev
    known = pd.Series(points).sort_index()
    months = pd.date_range(known.index.min(), known.index.max(), freq="MS")
    # equally spaced months: linear in log = constant monthly inflation (not by days)
    logs = np.log(known.reindex(months)).interpolate(method="linear")
    return np.exp(logs).rename("cpi")


def cpi_at(cpi: pd.Series, months: pd.Series) -> pd.Series:
    """CPI for each month (month-start timestamps); months after the series carry its last value.

    Months before the series start raise :class:`ReferenceDataError` naming the month.
    """
    m = pd.to_datetime(months).dt.to_period("M").dt.to_timestamp()
    early = m.notna() & (m < cpi.index.min())
    if early.any():
        raise ReferenceDataError(
            f"CPI series starts {cpi.index.min():%Y-%m}, but {m[early].min():%Y-%m} is needed: "
            "add earlier points to the CPI anchors (cpi_anchors.csv) or an official cpi_monthly.csv"
        )
    full = cpi.reindex(
        pd.date_range(
            cpi.index.min(), max(cpi.index.max(), m.max() if m.notna().any() else cpi.index.max()), freq="MS"
        )
    ).ffill()
    return pd.Series(full.reindex(m.to_numpy()).to_numpy(), index=months.index, dtype="Float64")


def unknown_districts(min_wage: pd.DataFrame, district: pd.Series) -> list[str]:
    """Districts (as written) that have no row at all in the minimum-wage table."""
    known = min_wage["district"].astype("string").str.strip().str.casefold()
    d = district.astype("string").str.strip().str.casefold()
    return sorted(set(district[d.notna() & ~d.isin(known)].astype(str)))


def min_wage_for(
    min_wage: pd.DataFrame,
    district: pd.Series,
    year: pd.Series,
    *,
    unknown: str = "raise",
    carry_forward: bool = False,
) -> pd.DataFrame:
    """Monthly minimum wage (rupiah) of each district for each year, with the year used.

    A district absent from the table raises :class:`ReferenceDataError` listing the districts
    (``unknown="missing"``: its rows get missing instead, for callers that report them).
    A year not in the table gives missing — a minimum wage is never invented
    (:func:`missing_district_years` lists them for the report's notes); with
    ``carry_forward=True`` (a programme's explicit choice) it takes the latest earlier year of that
    district instead (``min_wage_year`` says which). Missing districts or years in the input give
    missing.
    """
    table = min_wage.assign(_key=min_wage["district"].astype("string").str.strip().str.casefold())
    d = district.astype("string").str.strip().str.casefold()
    missing = unknown_districts(min_wage, district)
    if missing and unknown == "raise":
        raise ReferenceDataError(
            f"no minimum wage for district(s) {', '.join(missing)} in the minimum-wage reference table; "
            f"known: {', '.join(sorted(min_wage['district'].unique()))}"
        )
    q = pd.DataFrame({"_key": d, "year": year.astype("Float64")}, index=district.index).reset_index(
        names="_row"
    )
    q = q.dropna(subset=["_key", "year"]).sort_values("year")
    t = table.assign(year=table["year"].astype(float)).sort_values("year")
    merged = pd.merge_asof(
        q.assign(year=q["year"].astype(float)),
        t[["_key", "year", "min_wage_monthly_idr"]].rename(columns={"year": "min_wage_year"}),
        left_on="year",
        right_on="min_wage_year",
        by="_key",
        direction="backward",
    )
    if not carry_forward:
        merged = merged[merged["min_wage_year"] == merged["year"]]
    out = pd.DataFrame(index=district.index)
    merged = merged.set_index("_row")
    out["min_wage_idr"] = merged["min_wage_monthly_idr"].reindex(out.index).astype("Int64")
    out["min_wage_year"] = merged["min_wage_year"].reindex(out.index).astype("Int64")
    return out


def missing_district_years(
    min_wage: pd.DataFrame, district: pd.Series, year: pd.Series
) -> list[tuple[str, int]]:
    """(district, year) pairs asked for whose district is in the table but not for that year."""
    known_districts = set(min_wage["district"].astype("string").str.strip().str.casefold())
    have = set(
        zip(
            min_wage["district"].astype("string").str.strip().str.casefold(),
            min_wage["year"].astype(int),
            strict=True,
        )
    )
    asked = pd.DataFrame(
        {"district": district.astype("string").str.strip(), "year": year.astype("Int64")}
    ).dropna()
    out = set()
    for d, y in asked.drop_duplicates().itertuples(index=False):
        key = d.casefold()
        if key in known_districts and (key, int(y)) not in have:
            out.add((str(d), int(y)))
    return sorted(out)
