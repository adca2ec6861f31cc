"""The one place that bridges pandas' Arrow-backed arrays and pyarrow.

pandas keeps Arrow-backed columns (``string[pyarrow]``, ``str``) as pyarrow chunked arrays.
The suite reaches them only through the Arrow interchange protocol (``__arrow_array__``),
which is public API, and builds Series back with :func:`pandas.array` and the column's dtype.
``tests/test_compat.py`` checks that both stay zero-copy: if a pandas release changes
either, that test fails loudly instead of the sales path silently slowing down or copying.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

__all__ = ["arrow_chunks", "arrow_text", "is_arrow_backed", "series_of", "take_by_code"]


def is_arrow_backed(values: pd.Series | pd.api.extensions.ExtensionArray) -> bool:
    """Whether a Series (or array) holds its values in pyarrow (``string[pyarrow]``, ``str``, …)."""
    array = values.array if isinstance(values, pd.Series) else values
    return isinstance(array, pd.arrays.ArrowExtensionArray | pd.arrays.ArrowStringArray)


def arrow_chunks(values: pd.Series | pd.api.extensions.ExtensionArray) -> pa.ChunkedArray:
    """The pyarrow chunked array behind an Arrow-backed Series or array, without copying."""
    array = values.array if isinstance(values, pd.Series) else values
    if not is_arrow_backed(array):
        raise TypeError(f"not an Arrow-backed array: {array.dtype}")
    out = array.__arrow_array__()
    return out if isinstance(out, pa.ChunkedArray) else pa.chunked_array([out])


def arrow_text(values: pd.Series | pd.api.extensions.ExtensionArray) -> pa.Array:
    """An Arrow-backed text column as one ``large_string`` array (chunks combined)."""
    return arrow_chunks(values).combine_chunks().cast(pa.large_string())


def series_of(chunks: pa.ChunkedArray | pa.Array, *, like: pd.Series, index: pd.Index) -> pd.Series:
    """A Series holding ``chunks`` with the same kind of Arrow-backed array as ``like``."""
    chunked = chunks if isinstance(chunks, pa.ChunkedArray) else pa.chunked_array([chunks])
    return pd.Series(pd.array(chunked, dtype=like.dtype), index=index, name=like.name)


def take_by_code(values: pa.Array, codes) -> pa.Array:
    """``values[codes]`` row by row, as Arrow: one value per row taken from the distinct ones by its
    integer code (numpy; code -1: missing)."""
    missing = codes < 0
    return values.take(pa.array(codes, mask=missing) if missing.any() else pa.array(codes))
