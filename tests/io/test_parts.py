"""Sales exports cut into partitions (the Dask engine's input): each partition read on its own gives,
in order, exactly the rows :func:`impact.io.read_sales_file` reads from the whole file.

CSV files are cut into byte blocks (``fsspec.utils.read_block`` on ``\\n``), Parquet files into groups
of whole row groups, an XLSX or UTF-16 file is one partition; raw folders and hashes work the same for
a local path and its ``file://`` URL.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import uuid
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from impact.io import InputError, list_raw_urls, plan_sales_parts, read_sales_file, read_sales_part, sha256

NAME = "sales/orders_2023-10.csv"
STR = pd.StringDtype("pyarrow")


def _parts(path: Path, name: str = NAME, **kw):
    return plan_sales_parts([(str(path), name)], **kw)


def _read_parts(parts, **kw) -> pd.DataFrame:
    return pd.concat([read_sales_part(p, **kw) for p in parts], ignore_index=True)


def _text_frame(columns: list[str], rows: list[list[str]]) -> pd.DataFrame:
    """What the sales reader makes of these cells: pyarrow strings, column names stripped."""
    names = [c.strip() for c in columns]
    return pd.DataFrame(
        {n: pd.Series([r[i] for r in rows], dtype=STR) for i, n in enumerate(names)}, columns=names
    )


def _csv_bytes(
    columns: list[str],
    rows: list[list[str]],
    *,
    sep: str = ",",
    newline: str = "\n",
    blank_after: frozenset[int] = frozenset(),
    final_newline: bool = True,
    bom: bool = False,
    encoding: str = "utf-8",
) -> bytes:
    """A CSV written by the csv module (proper quoting); ``blank_after``: line numbers (0 = header)
    followed by a blank line."""
    out = []
    for i, r in enumerate([columns, *rows]):
        buf = io.StringIO()
        csv.writer(buf, delimiter=sep, lineterminator=newline).writerow(r)
        out.append(buf.getvalue())
        if i in blank_after:
            out.append(newline)
    text = "".join(out)
    if not final_newline:
        text = text.removesuffix(newline)
    return (("\ufeff" if bom else "") + text).encode(encoding)


# --- CSV: random exports, random block sizes -----------------------------------------------------------

#: header names: no delimiter in them (so the delimiter is sniffed right), unique once stripped
_HEADER = ["order_id", " order_time", "reseller_id ", "Nama Produk", "catégorie", "jumlah", "status"]
_CELL = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "  padded  ",
            'kata "mutiara"',
            '"',
            '""',
            "a,b",
            "x;y",
            "1;2,3",
            "\ttab\t",
            "é",
            "Müller",
            "Bakso ikan goreng",
            "Kerupuk udang pedas",
            "Rp 1.500.000",
            "NA",
            "null",
            "N/A",
            "0012",
            "1e15",
            "ü,ü; ä",
            "SKB23-001",
            "=1+1",
        ]
    ),
    st.text(alphabet=st.sampled_from(list("ab ,;\"'éüñ0\t")), max_size=8),
)


@st.composite
def _sales_csv(draw):
    columns = draw(st.lists(st.sampled_from(_HEADER), min_size=2, max_size=5, unique=True))
    n = draw(st.integers(0, 200), label="rows")
    rows = draw(
        st.lists(st.lists(_CELL, min_size=len(columns), max_size=len(columns)), min_size=n, max_size=n)
    )
    blank_after = draw(st.frozensets(st.integers(0, len(rows)), max_size=5))
    kw = {
        "sep": draw(st.sampled_from([",", ";", "\t"])),
        "newline": draw(st.sampled_from(["\n", "\r\n"])),
        "bom": draw(st.booleans()),
        # a header-only file always ends its line here: without it, see
        # test_header_only_csv_without_final_newline_is_read_as_no_rows
        "final_newline": draw(st.booleans()) or not rows,
        "blank_after": blank_after,
    }
    return columns, rows, kw


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(content=_sales_csv(), data=st.data())
def test_csv_parts_in_order_are_the_whole_file(tmp_path_factory, content, data):
    columns, rows, kw = content
    path = tmp_path_factory.mktemp("csv") / "orders.csv"
    path.write_bytes(_csv_bytes(columns, rows, **kw))
    size = path.stat().st_size
    # any block size up to past the end; at least size/150 so that one example stays fast
    bs = data.draw(st.integers(max(1, size // 150), size + 10), label="blocksize")

    whole = read_sales_file(path, NAME).frame
    pd.testing.assert_frame_equal(whole, _text_frame(columns, rows))  # the cells as written
    parts = _parts(path, blocksize=bs)
    assert [(p.block, p.offset, p.length) for p in parts] == [
        (i, o, bs) for i, o in enumerate(range(0, size, bs))
    ]
    assert {(p.fmt, p.columns, p.sep, p.encoding) for p in parts} == {
        ("csv", tuple(columns), kw["sep"], "utf-8")
    }
    frames = [read_sales_part(p) for p in parts]
    assert sum(len(f) for f in frames) == len(whole) == len(rows)
    pd.testing.assert_frame_equal(pd.concat(frames, ignore_index=True), whole)


def test_csv_part_reads_only_the_requested_raw_column(tmp_path):
    path = tmp_path / "orders.csv"
    rows = [[f"ORD-{i:03d}", f" {i * 1000} ", "selesai"] for i in range(40)]
    path.write_bytes(_csv_bytes(["order_id", " amount ", "status"], rows, sep=";"))
    parts = _parts(path, blocksize=100)
    assert len(parts) > 5
    got = _read_parts(parts, only=[" amount "])
    pd.testing.assert_frame_equal(got, pd.DataFrame({"amount": pd.Series([r[1] for r in rows], dtype=STR)}))


@pytest.mark.parametrize("bom", [False, True], ids=["plain", "bom"])
def test_header_only_csv_without_final_newline_is_read_as_no_rows(tmp_path, bom):
    # an export with no orders, whose header line has no line end
    path = tmp_path / "orders.csv"
    path.write_bytes(_csv_bytes(["order_id", " amount "], [], sep=";", bom=bom, final_newline=False))
    want = _text_frame(["order_id", " amount "], [])
    pd.testing.assert_frame_equal(_read_parts(_parts(path, blocksize=4)), want)
    pd.testing.assert_frame_equal(read_sales_file(path, NAME).frame, want)


def test_csv_parts_of_a_header_only_file_are_empty_with_the_columns(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_bytes(b"order_id; amount \n")
    whole = read_sales_file(path, NAME).frame
    parts = _parts(path, blocksize=4)
    assert len(parts) == 5
    for p in parts:
        pd.testing.assert_frame_equal(read_sales_part(p), whole)
    pd.testing.assert_frame_equal(whole, _text_frame(["order_id", " amount "], []))


# --- CSV: block ownership at the edges ----------------------------------------------------------------

#: header bytes 0-15 (its line end at 15); rows "1,10", "2,20", "3,30" start at 16, 21, 26; 31 bytes
EDGE = b"order_id,amount\n1,10\n2,20\n3,30\n"


@pytest.mark.parametrize(
    ("blocksize", "rows_per_part"),
    [
        # a row belongs to the block holding the line end before it (fsspec's read_block): a block
        # starting exactly on a row's first byte leaves that row to the block before
        pytest.param(16, [1, 2], id="on-a-line-start"),
        pytest.param(21, [2, 1], id="on-a-line-start-after-first-row"),
        pytest.param(15, [0, 3, 0], id="on-the-header-line-end"),
        pytest.param(20, [1, 2], id="on-a-row-line-end"),
        pytest.param(5, [0, 0, 0, 1, 1, 1, 0], id="inside-the-header"),
        pytest.param(1, [0] * 15 + [1] + [0] * 4 + [1] + [0] * 4 + [1] + [0] * 5, id="one-byte"),
        pytest.param(31, [3], id="the-file-size"),
        pytest.param(1000, [3], id="larger-than-the-file"),
    ],
)
def test_each_csv_row_is_read_by_exactly_one_block(tmp_path, blocksize, rows_per_part):
    path = tmp_path / "orders.csv"
    path.write_bytes(EDGE)
    parts = _parts(path, blocksize=blocksize)
    frames = [read_sales_part(p) for p in parts]
    assert [len(f) for f in frames] == rows_per_part
    got = pd.concat(frames, ignore_index=True)
    pd.testing.assert_frame_equal(
        got, _text_frame(["order_id", "amount"], [["1", "10"], ["2", "20"], ["3", "30"]])
    )
    pd.testing.assert_frame_equal(got, read_sales_file(path, NAME).frame)


def test_a_header_longer_than_the_block_is_still_dropped_once(tmp_path):
    columns = [f"column_with_a_long_name_{i}" for i in range(8)]
    rows = [[f"{r}-{i}" for i in range(8)] for r in range(6)]
    path = tmp_path / "orders.csv"
    path.write_bytes(_csv_bytes(columns, rows, newline="\r\n", bom=True))
    for bs in (3, 50, 199, 200, 201, 220):
        got = _read_parts(_parts(path, blocksize=bs))
        pd.testing.assert_frame_equal(got, _text_frame(columns, rows), obj=f"blocksize {bs}")


# --- CSV: other encodings -----------------------------------------------------------------------------------


def test_cp1252_csv_parts_are_the_whole_file(tmp_path):
    columns = ["order_id", "catégorie", "produk"]
    rows = [[f"ORD-{i}", ["Café", "Crème brûlée", "Jalapeño", ""][i % 4], f"Kopi {i}"] for i in range(30)]
    data = _csv_bytes(columns, rows, sep=";", newline="\r\n", encoding="cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    path = tmp_path / "orders.csv"
    path.write_bytes(data)
    whole = read_sales_file(path, NAME).frame
    pd.testing.assert_frame_equal(whole, _text_frame(columns, rows))
    for bs in (1, 7, 40, 41, 100, len(data), len(data) + 10):
        parts = _parts(path, blocksize=bs)
        assert {p.encoding for p in parts} == {"cp1252"}
        pd.testing.assert_frame_equal(_read_parts(parts), whole, obj=f"blocksize {bs}")


def test_cp1252_csv_with_an_ascii_header_is_read(tmp_path):
    # the usual platform export: ASCII column names, product names in Windows-1252
    columns = ["order_id", "produk"]
    rows = [["ORD-1", "Café"], ["ORD-2", "Kopi"], ["ORD-3", "Jalapeño"]]
    path = tmp_path / "orders.csv"
    path.write_bytes(_csv_bytes(columns, rows, sep=";", encoding="cp1252"))
    whole = read_sales_file(path, NAME).frame
    pd.testing.assert_frame_equal(whole, _text_frame(columns, rows))
    for bs in (5, 20, 1000):
        pd.testing.assert_frame_equal(_read_parts(_parts(path, blocksize=bs)), whole, obj=f"blocksize {bs}")


def test_utf16_be_csv_is_one_part_equal_to_the_whole_file(tmp_path):
    columns = ["order_id", " amount ", "produk"]
    rows = [[f"ORD-{i}", str(i * 500), "Kerupuk ü é"] for i in range(20)]
    path = tmp_path / "orders.csv"
    path.write_bytes(b"\xfe\xff" + _csv_bytes(columns, rows, sep="\t", newline="\r\n", encoding="utf-16-be"))
    whole = read_sales_file(path, NAME).frame
    pd.testing.assert_frame_equal(whole, _text_frame(columns, rows))
    for bs in (1, 64, 10_000):
        (part,) = _parts(path, blocksize=bs)
        assert (part.encoding, part.sep, part.offset, part.columns) == ("utf-16", "\t", 0, tuple(columns))
        pd.testing.assert_frame_equal(read_sales_part(part), whole)


def test_utf16_csv_part_reads_only_the_requested_raw_column(tmp_path):
    columns = ["order_id", " amount "]
    rows = [["ORD-1", "500"], ["ORD-2", "750"]]
    path = tmp_path / "orders.csv"
    path.write_bytes(b"\xfe\xff" + _csv_bytes(columns, rows, sep="\t", encoding="utf-16-be"))
    (part,) = _parts(path)
    got = read_sales_part(part, only=[" amount "])  # a raw name, as in part.columns
    pd.testing.assert_frame_equal(got, pd.DataFrame({"amount": pd.Series(["500", "750"], dtype=STR)}))


def test_utf16_le_csv_excel_unicode_text_is_read_whole(tmp_path):
    # Excel's "Unicode text" (UTF-16 LE with BOM, tab-separated): its line end is two bytes
    columns = ["order_id", "amount", "produk"]
    rows = [["ORD-1", "500", "Café"], ["ORD-2", "Rp 1.500", "Kopi"]]
    path = tmp_path / "orders.csv"
    bom = b"\xff\xfe"
    path.write_bytes(bom + _csv_bytes(columns, rows, sep="\t", newline="\r\n", encoding="utf-16-le"))
    whole = read_sales_file(path, NAME).frame
    pd.testing.assert_frame_equal(whole, _text_frame(columns, rows))
    (part,) = _parts(path, blocksize=8)
    assert (part.encoding, part.sep) == ("utf-16", "\t")
    pd.testing.assert_frame_equal(read_sales_part(part), whole)


# --- Parquet ---------------------------------------------------------------------------------------------


@pytest.fixture
def orders_parquet(tmp_path) -> Path:
    """35 orders in 5 row groups of 7: int, float (a padded name), timestamp and string-with-nulls columns."""
    n = 35
    table = pa.table(
        {
            "qty": pa.array(range(n), pa.int64()),
            " amount ": pa.array([i * 1.5 for i in range(n)], pa.float64()),
            "order_time": pa.array(
                [dt.datetime(2023, 10, 1) + dt.timedelta(hours=i) for i in range(n)], pa.timestamp("us")
            ),
            "status": pa.array([None if i % 4 == 0 else f"selesai-{i}" for i in range(n)], pa.string()),
        }
    )
    path = tmp_path / "orders.parquet"
    pq.write_table(table, path, row_group_size=7)
    assert pq.ParquetFile(path).metadata.num_row_groups == 5
    return path


def test_parquet_whole_read_is_text(orders_parquet):
    whole = read_sales_file(orders_parquet, "sales/orders.parquet").frame
    assert list(whole.columns) == ["qty", "amount", "order_time", "status"]
    assert set(whole.dtypes) == {STR}
    assert whole.iloc[8].tolist() == ["8", "12", "2023-10-01 08:00:00.000000", pd.NA]
    assert whole.iloc[9].tolist() == ["9", "13.5", "2023-10-01 09:00:00.000000", "selesai-9"]


@pytest.mark.parametrize(
    ("part_rows", "groups"),
    [
        (1, [(0,), (1,), (2,), (3,), (4,)]),  # a row group larger than part_rows is one part
        (7, [(0,), (1,), (2,), (3,), (4,)]),
        (10, [(0,), (1,), (2,), (3,), (4,)]),
        (14, [(0, 1), (2, 3), (4,)]),
        (20, [(0, 1), (2, 3), (4,)]),
        (21, [(0, 1, 2), (3, 4)]),
        (1000, [(0, 1, 2, 3, 4)]),
    ],
)
def test_parquet_parts_are_whole_row_groups(orders_parquet, part_rows, groups):
    name = "sales/orders.parquet"
    parts = plan_sales_parts([(str(orders_parquet), name)], part_rows=part_rows)
    assert [p.row_groups for p in parts] == groups
    assert [p.block for p in parts] == list(range(len(groups)))
    assert {(p.fmt, p.columns) for p in parts} == {("parquet", ("qty", " amount ", "order_time", "status"))}
    frames = [read_sales_part(p) for p in parts]
    assert [len(f) for f in frames] == [7 * len(g) for g in groups]
    whole = read_sales_file(orders_parquet, name).frame
    pd.testing.assert_frame_equal(pd.concat(frames, ignore_index=True), whole)


def test_parquet_part_reads_only_the_requested_raw_column(orders_parquet):
    name = "sales/orders.parquet"
    parts = plan_sales_parts([(str(orders_parquet), name)], part_rows=14)
    whole = read_sales_file(orders_parquet, name).frame
    got = _read_parts(parts, only=[" amount "])
    pd.testing.assert_frame_equal(got, whole[["amount"]])
    got = _read_parts(parts, only=["status"])
    pd.testing.assert_frame_equal(got, whole[["status"]])


# --- XLSX --------------------------------------------------------------------------------------------


def test_xlsx_is_one_part_equal_to_the_whole_file(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "orders"
    ws.append(["order_id", " amount ", "order_time", "status"])
    ws.append(["ORD-1", 1500000, dt.datetime(2023, 10, 1, 8, 30), "selesai"])
    ws.append(["ORD-2", 2.5, dt.datetime(2023, 10, 2), None])
    ws.append(["0012", None, "2023-10-03", "batal"])
    path = tmp_path / "orders.xlsx"
    wb.save(path)

    name = "sales/orders.xlsx"
    whole = read_sales_file(path, name)
    (part,) = plan_sales_parts([(str(path), name)], blocksize=10, part_rows=1)
    assert (part.fmt, part.columns) == ("xlsx", ("order_id", "amount", "order_time", "status"))
    assert part.notes == whole.notes
    got = read_sales_part(part)
    pd.testing.assert_frame_equal(got, whole.frame)
    assert got.values.tolist() == [
        ["ORD-1", "1500000", "2023-10-01 08:30:00", "selesai"],
        ["ORD-2", "2.5", "2023-10-02", ""],
        ["0012", "", "2023-10-03", "batal"],
    ]
    pd.testing.assert_frame_equal(read_sales_part(part, only=["amount"]), whole.frame[["amount"]])


# --- several files, notes ---------------------------------------------------------------------------


def test_parts_of_several_files_are_in_export_order_and_carry_the_notes(tmp_path, orders_parquet):
    csv_path = tmp_path / "orders.csv"
    csv_path.write_bytes(EDGE)
    files = [
        (str(csv_path), "sales/a.csv"),
        (str(orders_parquet), "sales/b.parquet"),
        (str(csv_path), "sales/c.csv"),
    ]
    parts = plan_sales_parts(files, blocksize=16, part_rows=14)
    assert [(p.name, p.file_index, p.block) for p in parts] == [
        ("sales/a.csv", 0, 0),
        ("sales/a.csv", 0, 1),
        ("sales/b.parquet", 1, 2),
        ("sales/b.parquet", 1, 3),
        ("sales/b.parquet", 1, 4),
        ("sales/c.csv", 2, 5),
        ("sales/c.csv", 2, 6),
    ]
    # the engine keeps, per file, the notes of its last part: those of the whole-file read
    last = {p.name: p.notes for p in parts}
    assert last == {name: read_sales_file(Path(url), name).notes for url, name in files}


# --- errors name the file ---------------------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"\n\n", b"  \r\n"], ids=["empty", "newlines", "blank"])
def test_empty_csv_is_an_input_error_naming_it(tmp_path, content):
    path = tmp_path / "orders.csv"
    path.write_bytes(content)
    with pytest.raises(InputError) as plan:
        _parts(path)
    assert str(plan.value) == f"{NAME}: file is empty"
    with pytest.raises(InputError) as whole:
        read_sales_file(path, NAME)
    assert str(whole.value) == f"{NAME}: file is empty"


def test_empty_csv_among_others_fails_the_plan(tmp_path):
    good, empty = tmp_path / "good.csv", tmp_path / "empty.csv"
    good.write_bytes(EDGE)
    empty.write_bytes(b"")
    with pytest.raises(InputError, match=r"^sales/z\.csv: file is empty$"):
        plan_sales_parts([(str(good), "sales/a.csv"), (str(empty), "sales/z.csv")])


@pytest.mark.parametrize("content", [b"", b"order_id,amount\n1,2\n", b"PAR1" + b"\x00" * 20 + b"PAR1"])
def test_non_parquet_file_is_an_input_error_naming_it(tmp_path, content):
    name = "sales/orders.parquet"
    path = tmp_path / "orders.parquet"
    path.write_bytes(content)
    with pytest.raises(InputError) as plan:
        plan_sales_parts([(str(path), name)])
    assert str(plan.value).startswith(f"{name}: not a readable Parquet file (")
    with pytest.raises(InputError) as whole:
        read_sales_file(path, name)
    assert str(whole.value).startswith(f"{name}: not a readable Parquet file (")


def test_csv_row_with_too_many_fields_fails_only_its_block(tmp_path):
    rows = [[f"ORD-{i:03d}", str(i)] for i in range(60)]
    lines = EDGE.split(b"\n")[0] + b"\n" + b"".join(f"{a},{b}\n".encode() for a, b in rows)
    bad = lines.replace(b"ORD-050,50\n", b"ORD-050,50,extra\n")
    path = tmp_path / "orders.csv"
    path.write_bytes(bad)
    parts = _parts(path, blocksize=100)  # the plan reads only the header
    failed = []
    for p in parts:
        try:
            read_sales_part(p)
        except InputError as e:
            failed.append((p.block, str(e)))
    at = bad.index(b"ORD-050")
    assert [b for b, _ in failed] == [(at - 1) // 100]  # the block holding the line end before the row
    assert failed[0][1].startswith(f"{NAME}: cannot be read as CSV (")
    assert "Expected 2 columns, got 3" in failed[0][1]
    assert failed[0][0] > 0
    with pytest.raises(InputError, match=rf"^{NAME}: cannot be read as CSV \(.*Expected 2 columns, got 3"):
        read_sales_file(path, NAME)


# --- raw folders as URLs, hashes ------------------------------------------------------------------------


@pytest.fixture
def raw_dir(tmp_path) -> Path:
    raw = tmp_path / "raw"
    files = {
        "survey/baseline_sukabumi-2023.csv": b"participant_code\nSKB23-001\n",
        "survey/followup_sukabumi-2023.xlsx": b"not really a workbook",
        "survey/followup_a.csv": b"participant_code\n",
        "survey/notes.txt": b"ignored",
        "sales/orders 2023-11.csv": EDGE,
        "sales/orders_2023-10.csv": EDGE + b"4,40\n",
        "sales/orders_2023-12.PARQUET": b"PAR1",
        "sales/README.md": b"ignored",
        "sales/sub/orders_2024-01.csv": EDGE,
        "sales/year=2023/month=12/part-0.parquet": b"PAR1",
        "sales/year=2023/_SUCCESS": b"",
        "sales/year=2023/month=12/.part-1.parquet.crc": b"",
        "sales/_tmp/orders.csv": EDGE,
    }
    for rel, data in files.items():
        (raw / rel).parent.mkdir(parents=True, exist_ok=True)
        (raw / rel).write_bytes(data)
    return raw


def test_raw_urls_of_a_folder_and_its_file_url_name_the_same_files(raw_dir):
    local = list_raw_urls(raw_dir)
    remote = list_raw_urls(f"file://{raw_dir}")
    names = {k: [n for _, n in v] for k, v in local.items()}
    assert names == {
        "survey": [
            "survey/baseline_sukabumi-2023.csv",
            "survey/followup_a.csv",
            "survey/followup_sukabumi-2023.xlsx",
        ],
        "forms": [],
        # a partitioned dataset's files are found below sub-folders, in path order; hidden and
        # underscore names (temporary files, _SUCCESS markers) are not exports
        "sales": [
            "sales/orders 2023-11.csv",
            "sales/orders_2023-10.csv",
            "sales/orders_2023-12.PARQUET",
            "sales/sub/orders_2024-01.csv",
            "sales/year=2023/month=12/part-0.parquet",
        ],
    }
    assert {k: [n for _, n in v] for k, v in remote.items()} == names
    assert {k: [u for u, _ in v] for k, v in local.items()} == {
        k: [str(raw_dir / n) for n in v] for k, v in names.items()
    }
    assert {k: [u for u, _ in v] for k, v in remote.items()} == {
        k: [f"file://{raw_dir}/{n}" for n in v] for k, v in names.items()
    }
    assert list_raw_urls(f"file://{raw_dir}/") == remote


def test_sha256_of_a_path_and_its_file_url_agree_with_hashlib(raw_dir):
    for (path, name), (url, _) in zip(
        list_raw_urls(raw_dir)["sales"], list_raw_urls(f"file://{raw_dir}")["sales"], strict=True
    ):
        want = hashlib.sha256((raw_dir / name).read_bytes()).hexdigest()
        assert sha256(path) == sha256(Path(path)) == sha256(url) == want, name


def test_sha256_reads_files_larger_than_its_chunk(tmp_path):
    path = tmp_path / "big.bin"
    data = bytes(range(256)) * ((3 << 20) // 256) + b"tail"
    path.write_bytes(data)
    assert sha256(path) == sha256(f"file://{path}") == hashlib.sha256(data).hexdigest()


def test_csv_parts_of_a_file_url_and_a_memory_url_read_as_the_local_file(tmp_path):
    import fsspec

    columns = ["order_id", "produk"]
    rows = [[f"ORD-{i}", f"Bakso {i}, pedas"] for i in range(25)]
    data = _csv_bytes(columns, rows, sep=";")
    path = tmp_path / "orders.csv"
    path.write_bytes(data)
    mem = f"memory://impact-test-{uuid.uuid4().hex}/orders.csv"
    fs, mem_path = fsspec.core.url_to_fs(mem)
    fs.pipe_file(mem_path, data)
    try:
        want = _text_frame(columns, rows)
        for url in (str(path), f"file://{path}", mem):
            parts = plan_sales_parts([(url, NAME)], blocksize=64)
            assert len(parts) == -(-len(data) // 64)
            pd.testing.assert_frame_equal(_read_parts(parts), want, obj=url)
    finally:
        fs.rm(mem_path)


def test_remote_xlsx_is_refused_naming_it():
    with pytest.raises(InputError, match=r"^sales/orders\.xlsx: XLSX sales exports must be local"):
        plan_sales_parts([("memory://nowhere/orders.xlsx", "sales/orders.xlsx")])
