"""The sales path's fast paths give exactly what the plain paths give.

- Parquet exports read with their own dictionaries (``sales_parse.ENCODED_FIELDS``): several row
  groups (one dictionary each), nulls, a column stored as numbers, every row-level problem;
- times read digit by digit from their bytes (``parse.times._fixed_width_micros``) against the
  per-distinct-value pandas formats;
- WIB months from per-hour zone offsets (``sales._wall_clock``), also across daylight-saving
  transitions of other zones;
- the schema check of a large table on blocks of rows (``schema._sample``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from impact import _memory, io
from impact.clean import clean_to, sales, sales_exports, sales_parse, schema
from impact.clean.parse import times
from impact.errors import ContractError

COLUMNS = list(sales_parse.SALES_FIELDS)
ROWS = [
    ["ORD-1", "2024-01-05T10:00:00+07:00", "EVM-00000001", "fashion", 1, "150000", "15000", "Selesai"],
    ["  ORD-2 ", "05/01/2024 11:00", "evm 00000002", "Fashion ", 2, "Rp 150.000", "15rb", "selesai"],
    [None, "2024-01-05T12:00:00+07:00", "EVM-00000003", "fashion", 1, "150000", "15000", "Selesai"],
    ["   ", "2024-01-05T12:30:00+07:00", "EVM-00000003", "fashion", 1, "150000", "15000", "Selesai"],
    ["ORD-3", "not a time", "EVM-00000003", "fashion", 1, "150000", "15000", "Selesai"],
    ["ORD-4", "2024-01-06T10:00:00+07:00", "EVM-00000004", "fashion", 1, "150000", "15000", "Hilang"],
    ["ORD-5", "2024-01-06T10:00:00+07:00", "XX", "fashion", 1, "150000", "15000", "Selesai"],
    ["ORD-6", "2024-01-06T10:00:00+07:00", "EVM-00000006", None, None, "-5", "abc", "Dibatalkan"],
    ["ORD-1", "2024-01-05T10:00:00+07:00", "EVM-00000001", "fashion", 1, "150000", "15000", "Selesai"],
    ["ORD-7", "2031-01-01T00:00:00+07:00", "EVM-00000007", "fashion", 1, "150000", "15000", "Selesai"],
    ["ORD-8", "2024-02-29T23:30:00+07:00", "EVM-00000008", "rumah_tangga", 3, "1.5jt", "150000", "completed"],
    ["ORD-9", "2024-02-30T10:00:00+07:00", None, "fashion", 1, "150000", "15000", None],
    ["ORD-10", "2024-03-01T06:00:00Z", "EVM-00000001", "", 0, "", "=1+1", " SELESAI "],
]
LATER = [
    ["ORD-2", "2024-01-05T11:00:00+07:00", "EVM-00000002", "fashion", 2, "150000", "15000", "Dikembalikan"],
    ["ORD-8", "2024-02-29T16:30:00Z", "EVM-00000008", "rumah_tangga", 3, "1500000", "150000", "Selesai"],
    ["ORD-11", "2024-03-01T06:00:00+07:00", "evm-11", "fashion", 1, "150000", "15000", "SELESAI"],
]


def _write(rows: list[list], path: Path) -> None:
    frame = pd.DataFrame(rows, columns=COLUMNS).astype({"quantity": "Int64"})
    table = pa.Table.from_pandas(frame, preserve_index=False)
    pq.write_table(table, path, row_group_size=3)  # several row groups: a dictionary each


@pytest.fixture
def messy_parquet(sample_dir, tmp_path) -> Path:
    raw = tmp_path / "raw"
    shutil.copytree(sample_dir / "raw" / "survey", raw / "survey")
    shutil.copy(sample_dir / "raw" / "SYNTHETIC_SAMPLE.txt", raw / "SYNTHETIC_SAMPLE.txt")
    (raw / "sales").mkdir()
    _write(ROWS, raw / "sales" / "orders_1.parquet")
    _write(LATER, raw / "sales" / "orders_2.parquet")
    return raw


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_parquet_read_with_its_dictionaries_cleans_exactly_as_text(messy_parquet, tmp_path, monkeypatch):
    read = io.read_sales_file(
        messy_parquet / "sales" / "orders_1.parquet", "o", encoded=("status", "quantity")
    )
    assert isinstance(read.frame["status"].dtype, pd.ArrowDtype)  # the file's dictionaries, as they are
    assert read.frame["quantity"].dtype == pd.StringDtype("pyarrow")  # (stored as numbers: read as text)
    clean_to(messy_parquet, tmp_path / "encoded", cache=False)
    monkeypatch.setattr(sales_parse, "ENCODED_FIELDS", ())
    clean_to(messy_parquet, tmp_path / "text", cache=False)
    encoded, text = _files(tmp_path / "encoded"), _files(tmp_path / "text")
    assert encoded.keys() == text.keys()
    for name in encoded:
        assert encoded[name] == text[name], name
    quarantine = pd.read_csv(tmp_path / "encoded" / "quarantine.csv", dtype=str)
    sales_rows = quarantine[quarantine["source_file"] == "sales/orders_1.parquet"]
    assert set(zip(sales_rows["source_row"], sales_rows["column"], strict=True)) >= {
        ("4", "order_id"),
        ("7", "status"),
        ("8", "reseller_id"),
        ("9", "gross_amount"),
        ("9", "reseller_commission"),
        ("13", "order_time"),
        ("14", "reseller_commission"),
    }


def test_dictionary_codes_take_every_row_back_to_its_text():
    one = pa.DictionaryArray.from_arrays(pa.array([0, 1, None, 1], pa.int32()), pa.array(["a", "b"]))
    two = pa.DictionaryArray.from_arrays(pa.array([2, 0, 1], pa.int32()), pa.array(["b", None, "c"]))
    column = pd.Series(pd.array(pa.chunked_array([one, one.slice(1), two]), dtype=pd.ArrowDtype(one.type)))
    codes, values = sales_parse._distinct(column)
    taken = values.take(codes).astype(object).where(values.take(codes).notna(), None)
    assert taken.tolist() == ["a", "b", None, "b", "b", None, "b", "c", "b", None]
    assert values.iloc[:-1].is_unique
    assert values.iloc[-1] is pd.NA


EDGE_TIMES = [
    "2024-02-30T00:00:00+07:00",
    "2024-02-29T23:59:59+07:00",
    "2024-03-01T24:00:00+07:00",
    "2024-03-01T06:00:00+15:00",
    "2024-03-01T06:00:00-14:59",
    "2024-03-01 06:00:00Z",
    "2024-03-01t06:00:00Z",
    "31/04/2024 10:00",
    "30/04/2024 10:00",
    "1/04/2024 10:00",
    "2024-13-01T00:00:00+07:00",
    "1969-12-31T23:59:59+00:00",
    "2201-01-01T00:00:00+07:00",
    "\uff12024-03-01T06:00:00+07:00",
    "2024-03-01T06:00:00+0700",
    None,
    "",
    "2024-03-01 06:00:00",
    "2024-03-01T06:00:60+07:00",
    "00/01/2024 00:00",
    "2024-03-01T06:00:00+07:0a",
    "2024-03-01T06:00:00/07:00",
]


def test_times_read_from_their_bytes_equal_the_explicit_formats(monkeypatch):
    texts = pd.Series(pd.array(EDGE_TIMES * 5_000, dtype=pd.StringDtype("pyarrow")))
    rows = times.parse_datetime(texts)  # (many rows: read from the bytes of each row)
    monkeypatch.setattr(times, "_FIXED_WIDTH", ())
    pd.testing.assert_frame_equal(rows, times.parse_datetime(texts))
    assert rows["value"].iloc[1] == pd.Timestamp("2024-02-29 23:59:59", tz="Asia/Jakarta")
    assert rows["reason"].iloc[0] == "not a real date and time"


@pytest.mark.parametrize("tz", ["Asia/Jakarta", "Europe/London", "Australia/Lord_Howe", "Asia/Kathmandu"])
def test_wall_clock_by_hour_equals_pandas_across_transitions(tz):
    minutes = np.arange(
        pd.Timestamp("2021-03-20").value // 1000, pd.Timestamp("2021-11-10").value // 1000, 60_000_000
    )
    rng = np.random.default_rng(3)
    anywhere = rng.integers(
        pd.Timestamp("2020-01-01").value // 1000, pd.Timestamp("2030-12-31").value // 1000, 50_000
    )
    stamps = pd.DatetimeIndex(np.concatenate([minutes, anywhere]).view("datetime64[us]")).tz_localize("UTC")
    t = pd.Series(stamps.tz_convert(tz))
    t.iloc[7] = pd.NaT
    expected = t.dt.tz_localize(None).to_numpy()
    got = sales._wall_clock(t)
    assert (np.isnat(got) == np.isnat(expected)).all()
    assert (got[~np.isnat(got)] == expected[~np.isnat(expected)]).all()
    months = t.dt.tz_localize(None).dt.to_period("M").dt.to_timestamp().astype("datetime64[us]")
    pd.testing.assert_series_equal(sales.month_of(t), months, check_names=False, check_freq=False)


def test_large_table_check_samples_blocks_with_the_first_and_last_rows(sample_clean):
    orders = sample_clean.orders
    big = pd.concat([orders] * (-(-schema.LARGE_TABLE_ROWS // len(orders)) + 1), ignore_index=True)
    big["order_id"] = pd.array([f"ORD-{i:09d}" for i in range(len(big))], dtype=orders["order_id"].dtype)
    sample = schema._sample(big)
    assert schema.LARGE_TABLE_ROWS - schema.SAMPLE_BLOCK_ROWS < len(sample) <= schema.LARGE_TABLE_ROWS
    assert sample.index.is_unique
    assert sample.index[0] == 0
    assert sample.index[-1] == len(big) - 1
    pd.testing.assert_frame_equal(schema._sample(big), sample)  # the same rows every time
    schema.validate("orders", big)
    for row in (0, len(big) - 1):
        bad = big.copy()
        bad.loc[row, "gross_idr"] = -5
        with pytest.raises(ContractError, match=r"gross_idr\s+greater_than_or_equal_to\(0\)\s+-5"):
            schema.validate("orders", bad)


@pytest.mark.parametrize("workers", [True, False])
def test_parquet_exports_parsed_in_pieces_clean_exactly_as_whole(
    messy_parquet, tmp_path, monkeypatch, workers
):
    monkeypatch.setattr(sales_exports, "CACHE_MIN_BYTES", 0)
    monkeypatch.setattr(sales_exports, "PARALLEL_MIN_BYTES", 0 if workers else 1 << 60)
    monkeypatch.setattr(sales_exports, "WORKERS", 2)
    assert sales_exports._pieces(messy_parquet / "sales" / "orders_1.parquet", "o", 1, None) == [None]
    monkeypatch.setattr(sales_exports, "PIECE_ROWS", 4)  # pieces of row groups of 3 rows: 6 + 7 rows
    assert sales_exports._pieces(messy_parquet / "sales" / "orders_1.parquet", "o", 1, None) == [
        [0, 1],
        [2, 3, 4],
    ]
    cold = clean_to(messy_parquet, tmp_path / "pieces")
    warm = clean_to(messy_parquet, tmp_path / "pieces")  # (each piece from the cache)
    assert (
        cold["cache"]["parsed"]
        == warm["cache"]["from_cache"]
        == ["sales/orders_1.parquet", "sales/orders_2.parquet"]
    )
    assert len(list((tmp_path / "pieces.cache").glob("*-001.json"))) == 1
    monkeypatch.setattr(sales_exports, "PIECE_ROWS", 1 << 40)
    clean_to(messy_parquet, tmp_path / "whole", cache=False)
    pieces, whole = _files(tmp_path / "pieces"), _files(tmp_path / "whole")
    assert pieces.keys() == whole.keys()
    for name in pieces:
        if name != "audit.json":
            assert pieces[name] == whole[name], name


def test_workers_keep_freed_memory_unless_told_not_to():
    env = _memory.worker_env({"PATH": "/bin", "NUMPY_MADVISE_HUGEPAGE": "1"})
    assert env["MALLOC_MMAP_THRESHOLD_"] == str(1 << 30)
    assert env["NUMPY_MADVISE_HUGEPAGE"] == "1"  # (what the caller set wins)
    assert env["PATH"] == "/bin"
    assert _memory.worker_env({"IMPACT_HEAP_RETAINED": "0"}) == {"IMPACT_HEAP_RETAINED": "0"}
