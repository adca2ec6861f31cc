"""impact._compat: the one bridge to pandas' Arrow-backed arrays. If a pandas release changes how
Arrow-backed arrays hand out their data, these tests fail loudly (instead of the sales path
silently copying or slowing down)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from impact._compat import arrow_chunks, arrow_text, is_arrow_backed, series_of


@pytest.mark.parametrize("dtype", [pd.StringDtype("pyarrow"), "str", pd.ArrowDtype(pa.large_string())])
def test_arrow_chunks_hands_out_the_data_without_copying(dtype):
    s = pd.concat(
        [pd.Series(["a", "bb", None], dtype=dtype), pd.Series(["ccc"], dtype=dtype)], ignore_index=True
    )
    assert is_arrow_backed(s)
    chunks = arrow_chunks(s)
    assert isinstance(chunks, pa.ChunkedArray)
    assert chunks.to_pylist() == ["a", "bb", None, "ccc"]
    # the same buffers as the Series holds: no copy
    again = arrow_chunks(s.array)
    assert [c.buffers()[2].address for c in chunks.chunks] == [c.buffers()[2].address for c in again.chunks]


def test_arrow_text_is_one_large_string_array():
    s = pd.Series(["x", None, "yz"], dtype=pd.StringDtype("pyarrow"))
    out = arrow_text(s)
    assert out.type == pa.large_string()
    assert out.to_pylist() == ["x", None, "yz"]


def test_numpy_backed_columns_are_refused():
    assert not is_arrow_backed(pd.Series(["a"], dtype=object))
    assert not is_arrow_backed(pd.Series([1, 2]))
    with pytest.raises(TypeError, match="not an Arrow-backed array"):
        arrow_chunks(pd.Series(["a"], dtype=object))


@pytest.mark.parametrize("dtype", [pd.StringDtype("pyarrow"), "str"])
def test_series_of_rebuilds_the_same_kind_of_column(dtype):
    like = pd.Series(["a", "b", "c"], dtype=dtype, name="col")
    keep = pa.array([True, False, True])
    out = series_of(arrow_chunks(like).filter(keep), like=like, index=pd.Index([0, 2]))
    assert out.dtype == like.dtype
    assert out.name == "col"
    assert out.tolist() == ["a", "c"]
    assert np.array_equal(out.index, [0, 2])
