"""Spreadsheet-safe text: cells that Excel or LibreOffice would run as a formula are neutralised."""

from __future__ import annotations

import pandas as pd

__all__ = ["FORMULA_START", "neutralise_formulas"]

#: a text cell starting with one of these is run as a formula by spreadsheets (OWASP CSV injection)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """Prefix ``'`` to text cells a spreadsheet would run as a formula (``= + - @``, tab, CR).

    Only text columns are touched; numbers (including negative ones) stay numbers.
    Returns a new frame.

    >>> neutralise_formulas(pd.DataFrame({"a": ["=1+1", "ok"], "b": [-1, 2]}))["a"].tolist()
    ["'=1+1", 'ok']
    """
    out = df.copy()
    for position in range(out.shape[1]):
        s = out.iloc[:, position]
        if not (
            pd.api.types.is_string_dtype(s.dtype)
            or s.dtype == object
            or isinstance(s.dtype, pd.CategoricalDtype)
        ):
            continue
        if s.dtype == object and not s.dropna().map(lambda v: isinstance(v, str)).all():
            # mixed: neutralise the text cells only, numbers stay numbers
            out.isetitem(
                position,
                s.map(lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_START) else v),
            )
            continue
        text = s.astype("string")
        risky = text.str.startswith(FORMULA_START).fillna(False)
        if risky.any():
            out.isetitem(position, text.mask(risky, "'" + text))
    return out
