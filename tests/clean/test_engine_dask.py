"""The Dask engine equals the pandas engine: same tables, quarantine and audit, on a local cluster.

Every test cleans one raw folder both ways and compares what :func:`impact.load` reads back,
after sorting (the Dask engine writes ``orders`` and ``reseller_monthly`` as directories of
parts, in partition order). Partitions are made small on purpose, so that files are cut into
many blocks and copies of an order fall into different partitions.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from impact import config, io
from impact.clean import clean, clean_to, sales
from impact.clean.audit import Ledger
from impact.clean.engines import dask as engine_dask
from impact.cli import main
from impact.io import load, write_processed

BAD = Path(__file__).resolve().parents[1] / "data" / "bad"
SORT = {
    "participants": ["participant_id"],
    "followups": ["participant_id", "wave"],
    "comparison": ["participant_id"],
    "comparison_followups": ["participant_id", "wave"],
    "orders": ["order_id"],
    "reseller_monthly": ["reseller_key", "month"],
    "quarantine": ["source_file", "source_row", "column", "reason"],
}
HEADER = "order_id,order_time,reseller_id,category,quantity,gross_amount,reseller_commission,status"


@pytest.fixture(scope="module")
def client():
    with engine_dask.connect(workers=2, memory_limit="2GiB") as c:
        yield c


def _both(raw: Path | str, tmp: Path, client, **sizes) -> tuple:
    """(pandas result, dask result, dask audit) of one raw folder, as ``load`` reads them back."""
    local = Path(str(raw).removeprefix("file://"))
    write_processed(clean(local), tmp / "pandas")
    audit = engine_dask.clean_to(raw, tmp / "dask", client=client, **sizes)
    return load(tmp / "pandas"), load(tmp / "dask"), audit


def assert_same(a, b) -> None:
    for name, keys in SORT.items():
        x = getattr(a, name).sort_values(keys, ignore_index=True)
        y = getattr(b, name).sort_values(keys, ignore_index=True)
        pd.testing.assert_frame_equal(x, y, obj=name)
    audit_a, audit_b = dict(a.audit), dict(b.audit)
    assert audit_a.pop("engine") == {"name": "pandas"}
    assert audit_b.pop("engine")["name"] == "dask"
    assert audit_a == audit_b


def test_sample_equals_pandas_with_default_partitions(sample_dir, tmp_path, client):
    a, b, audit = _both(sample_dir / "raw", tmp_path, client)
    assert_same(a, b)
    assert audit["totals"] == {
        "rows_read": 9843,
        "rows_clean": 8790,
        "rows_quarantined": 7,
        "rows_duplicate": 1046,
        "cells_set_missing": 8,
    }
    assert audit["engine"] == {"name": "dask", "partitions": 4, "workers": 2}
    assert len(b.orders) == 8281
    assert len(b.reseller_monthly) == 732


def test_sample_equals_pandas_with_files_cut_into_many_blocks(sample_dir, tmp_path, client):
    a, b, audit = _both(sample_dir / "raw", tmp_path, client, blocksize=7_000)
    assert_same(a, b)
    assert audit["engine"]["partitions"] > 40
    parts = sorted((tmp_path / "dask" / "orders.parquet").glob("part.*.parquet"))
    assert len(parts) == audit["engine"]["partitions"]


def _scale_raw(sample_dir: Path, target: Path, fmt: str) -> Path:
    from impact.synth.sample import participant_reseller_ids
    from impact.synth.scale import write_scale_sales

    shutil.copytree(sample_dir / "raw" / "survey", target / "survey")
    shutil.copy(sample_dir / "raw" / "SYNTHETIC_SAMPLE.txt", target / "SYNTHETIC_SAMPLE.txt")
    write_scale_sales(
        target / "sales",
        resellers=3_000,
        orders=60_000,
        fmt=fmt,
        files=3,
        chunk_rows=7_000,
        participant_resellers=participant_reseller_ids(sample_dir),
        seed=7,
    )
    return target


@pytest.mark.parametrize(
    ("fmt", "sizes"), [("csv", {"blocksize": 250_000}), ("parquet", {"part_rows": 10_000})]
)
def test_scale_sample_equals_pandas(sample_dir, tmp_path, client, fmt, sizes):
    raw = _scale_raw(sample_dir, tmp_path / "raw", fmt)
    a, b, audit = _both(raw, tmp_path, client, **sizes)
    assert_same(a, b)
    sales_files = {k: v for k, v in audit["files"].items() if k.startswith("sales/")}
    assert sum(f["rows_read"] for f in sales_files.values()) == 60_000
    assert sum(f["rows_duplicate"] for f in sales_files.values()) > 500  # re-exports across files
    assert audit["engine"]["partitions"] >= 6
    assert len(b.orders) > 50_000


def _messy_raw(sample_dir: Path, target: Path) -> Path:
    """Sales exports with every row-level problem, spread so blocks of ~120 bytes split them."""
    shutil.copytree(sample_dir / "raw" / "survey", target / "survey")
    shutil.copy(sample_dir / "raw" / "SYNTHETIC_SAMPLE.txt", target / "SYNTHETIC_SAMPLE.txt")
    (target / "sales").mkdir()
    first = [
        HEADER,
        "ORD-1,2024-01-05T10:00:00+07:00,EVM-00000001,fashion,1,150000,15000,Selesai",
        "  ORD-2 ,05/01/2024 11:00,evm 00000002,Fashion ,2,Rp 150.000,15rb,selesai",
        ",2024-01-05T12:00:00+07:00,EVM-00000003,fashion,1,150000,15000,Selesai",
        "   ,2024-01-05T12:30:00+07:00,EVM-00000003,fashion,1,150000,15000,Selesai",
        "ORD-3,not a time,EVM-00000003,fashion,1,150000,15000,Selesai",
        "ORD-4,2024-01-06T10:00:00+07:00,EVM-00000004,fashion,1,150000,15000,Hilang",
        "ORD-5,2024-01-06T10:00:00+07:00,XX,fashion,1,150000,15000,Selesai",
        "ORD-6,2024-01-06T10:00:00+07:00,EVM-00000006,,x,-5,abc,Dibatalkan",
        "ORD-1,2024-01-05T10:00:00+07:00,EVM-00000001,fashion,1,150000,15000,Selesai",
        "ORD-7,2031-01-01T00:00:00+07:00,EVM-00000007,fashion,1,150000,15000,Selesai",
        "",
        "ORD-8,2024-02-29T23:30:00+07:00,EVM-00000008,rumah_tangga,3,1.5jt,150000,completed",
    ]
    second = [
        HEADER.replace(",", ";"),
        "ORD-2;2024-01-05T11:00:00+07:00;EVM-00000002;fashion;2;150000;15000;Dikembalikan",
        "ORD-8;2024-02-29T16:30:00Z;EVM-00000008;rumah_tangga;3;1500000;150000;Selesai",
        "ORD-9;2024-03-01T06:00:00+07:00;EVM-00000009;fashion;1;150000;15000;SELESAI",
        "ORD-1 ;2024-01-05T10:00:00+07:00;EVM-00000001;fashion;1;150000;15000;cancelled",
    ]
    (target / "sales" / "orders_1.csv").write_text("\n".join(first) + "\n")
    (target / "sales" / "orders_2.csv").write_text("\r\n".join(second))  # CRLF, no final line end
    return target


@pytest.mark.parametrize("blocksize", [40, 120, 333, 10_000])
def test_messy_exports_equal_pandas_whatever_the_blocks(sample_dir, tmp_path, client, blocksize):
    raw = _messy_raw(sample_dir, tmp_path / "raw")
    a, b, _ = _both(raw, tmp_path, client, blocksize=blocksize)
    assert_same(a, b)
    q = b.quarantine[b.quarantine["source_file"].str.startswith("sales/")]
    assert sorted(zip(q["source_file"], q["source_row"], q["column"], strict=True)) == [
        ("sales/orders_1.csv", 4, "order_id"),
        ("sales/orders_1.csv", 5, "order_id"),
        ("sales/orders_1.csv", 6, "order_time"),
        ("sales/orders_1.csv", 7, "status"),
        ("sales/orders_1.csv", 8, "reseller_id"),
        ("sales/orders_1.csv", 9, "gross_amount"),
        ("sales/orders_1.csv", 9, "quantity"),
        ("sales/orders_1.csv", 9, "reseller_commission"),
        ("sales/orders_1.csv", 11, "order_time"),
    ]
    files = b.audit["files"]
    assert files["sales/orders_1.csv"]["rows_read"] == 11  # the blank line is not a row
    # ORD-1 (twice in file 1, once in file 2), ORD-2 and ORD-8 are current in file 2
    assert files["sales/orders_1.csv"]["rows_duplicate"] == 4
    current = b.orders.set_index("order_id")["status"].astype(str).to_dict()
    assert current == {
        "ORD-1": "cancelled",
        "ORD-2": "returned",
        "ORD-8": "completed",
        "ORD-6": "cancelled",
        "ORD-9": "completed",
    }


def test_url_input_equals_local(sample_dir, tmp_path, client):
    a, b, audit = _both(f"file://{sample_dir / 'raw'}", tmp_path, client, blocksize=50_000)
    assert_same(a, b)
    assert audit["raw_dir"] == "raw"
    assert audit["secret_source"] == "demo secret (synthetic sample)"


@pytest.mark.parametrize("case", sorted(p.name for p in BAD.iterdir() if (p / "raw").is_dir()))
def test_broken_corpus_gives_the_same_outcome(case, tmp_path, client):
    raw = BAD / case / "raw"
    try:
        write_processed(clean(raw), tmp_path / "pandas")
    except io.InputError as e:
        expected = str(e)
    else:
        engine_dask.clean_to(raw, tmp_path / "dask", client=client, blocksize=64)
        assert_same(load(tmp_path / "pandas"), load(tmp_path / "dask"))
        return
    with pytest.raises(io.InputError) as got:
        engine_dask.clean_to(raw, tmp_path / "dask", client=client)
    assert str(got.value) == expected
    assert not (tmp_path / "dask").exists()


def test_no_sales_exports_gives_empty_tables(sample_dir, tmp_path, client):
    raw = tmp_path / "raw"
    shutil.copytree(sample_dir / "raw" / "survey", raw / "survey")
    shutil.copy(sample_dir / "raw" / "SYNTHETIC_SAMPLE.txt", raw / "SYNTHETIC_SAMPLE.txt")
    a, b, audit = _both(raw, tmp_path, client)
    assert_same(a, b)
    assert len(b.orders) == len(b.reseller_monthly) == 0
    assert audit["engine"]["partitions"] == 0


def test_cli_clean_with_dask_engine(sample_dir, tmp_path, capsys):
    assert (
        main(
            [
                "clean",
                str(sample_dir / "raw"),
                "--out",
                str(tmp_path / "out"),
                "--engine",
                "dask",
                "--workers",
                "1",
                "--memory-limit",
                "1GiB",
                "--blocksize",
                "16KiB",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "engine: dask, " in out
    assert " partitions on 1 workers" in out
    assert "every row accounted for (read = clean + quarantined + duplicate): yes" in out
    audit = json.loads((tmp_path / "out" / "audit.json").read_text())
    assert audit["totals"]["rows_read"] == 9843
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "audit.json",
        "comparison.parquet",
        "comparison_followups.parquet",
        "followups.parquet",
        "lineage",
        "orders.parquet",
        "participants.parquet",
        "programme.json",
        "quarantine.csv",
        "reseller_monthly.parquet",
        "review.csv",
    ]
    assert (tmp_path / "out" / "orders.parquet").is_dir()
    assert (tmp_path / "out" / "lineage" / "orders.parquet").is_dir()


def test_cli_refuses_a_url_with_the_pandas_engine(tmp_path, capsys):
    assert main(["clean", "s3://bucket/raw", "--out", str(tmp_path / "out")]) == 2
    assert "needs --engine dask" in capsys.readouterr().err


def test_python_api_engine_dask_returns_the_same_tables(sample_dir, tmp_path):
    clean_to(sample_dir / "raw", tmp_path / "pandas")
    assert_same(load(tmp_path / "pandas"), clean(sample_dir / "raw", engine="dask"))


def test_clean_to_pandas_writes_single_files(sample_dir, tmp_path):
    audit = clean_to(sample_dir / "raw", tmp_path / "out")
    assert audit["engine"] == {"name": "pandas"}
    assert (tmp_path / "out" / "orders.parquet").is_file()
    with pytest.raises(ValueError, match="engine must be"):
        clean_to(sample_dir / "raw", tmp_path / "x", engine="spark")


# --- the pieces -------------------------------------------------------------------------------------


def test_combine_monthly_sums_parts_to_the_whole(sample_clean):
    orders = sample_clean.orders
    whole = sales.reseller_monthly(orders)
    halves = pd.concat(
        [sales.reseller_monthly(orders.iloc[::2]), sales.reseller_monthly(orders.iloc[1::2])],
        ignore_index=True,
    )
    pd.testing.assert_frame_equal(sales.combine_monthly(halves), whole)


def test_ledger_records_round_trip():
    frame = pd.DataFrame(
        {"source_file": pd.Categorical(["a.csv"] * 3), "source_row": np.array([2, 3, 4]), "x": ["1", "", "z"]}
    )
    ledger = Ledger()
    ledger.set_aside(frame, frame["x"] == "", column="x", raw=frame["x"], reason="blank")
    ledger.duplicate(frame, frame["x"] == "z")
    other = Ledger()
    other.absorb(ledger.records(), {("a.csv", "rule"): 2})
    other.absorb(ledger.records(), {("a.csv", "rule"): 1})
    assert other.corrections == {("a.csv", "rule"): 3}
    assert len(other.quarantine_table()) == 2
    dups = pd.concat(other.duplicates, ignore_index=True)
    assert dups["source_row"].tolist() == [4, 4]


def test_positions_become_spreadsheet_rows():
    parts = [
        io.SalesPart("a", "a.csv", 0, 0, "csv", ()),
        io.SalesPart("a", "a.csv", 0, 1, "csv", ()),
        io.SalesPart("b", "b.csv", 1, 2, "csv", ()),
    ]
    first = engine_dask._first_rows(parts, np.array([5, 3, 4]))
    assert first.tolist() == [2, 7, 2]
    pos = np.array([(1 << 32) + 2, 0, (2 << 32) + 3, (1 << 32) + 2])
    assert engine_dask._row_numbers(pos, first).tolist() == [9, 2, 5, 9]
    assert [b.tolist() for b in engine_dask._positions_by_block(pos, 3)] == [[0], [2], [3]]


def test_unreadable_partition_is_one_line_naming_the_file(sample_dir, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(sample_dir / "raw" / "survey", raw / "survey")
    shutil.copy(sample_dir / "raw" / "SYNTHETIC_SAMPLE.txt", raw / "SYNTHETIC_SAMPLE.txt")
    (raw / "sales").mkdir()
    good = "ORD-{},2024-01-05T10:00:00+07:00,EVM-00000001,fashion,1,150000,15000,Selesai"
    rows = [HEADER, *(good.format(i) for i in range(200)), good.format(200) + ",extra"]
    (raw / "sales" / "o.csv").write_text("\n".join(rows) + "\n")
    expected = "sales/o.csv: cannot be read as CSV (CSV parse error: Expected 8 columns, got 9: ORD-200,"
    with pytest.raises(io.InputError, match=r"^sales/o\.csv: cannot be read as CSV"):
        clean(raw)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "impact",
            "clean",
            str(raw),
            "--out",
            str(tmp_path / "out"),
            "--engine",
            "dask",
            "--workers",
            "1",
            "--blocksize",
            "2KiB",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 2
    # the workers do not also print the error (with a traceback) or the tasks cancelled after it;
    # a busy machine may add Dask's own warnings (e.g. "Event loop was unresponsive"), not these
    assert "Traceback" not in run.stderr
    assert "CancelledError" not in run.stderr
    assert run.stderr.splitlines()[-1].startswith("impact: error: " + expected), run.stderr
    assert not (tmp_path / "out").exists()


def test_a_file_that_changes_between_the_passes_is_an_input_error(tmp_path):
    src = tmp_path / "x.csv"
    good = "ORD-{},2024-01-05T10:00:00+07:00,EVM-00000001,fashion,1,150000,15000,Selesai"
    src.write_text("\n".join([HEADER, *(good.format(i) for i in range(3532))]) + "\n")
    (part,) = io.plan_sales_parts([(str(src), "sales/x.csv")], blocksize=1 << 30)
    kwargs = {
        "files": ["sales/x.csv"],
        "first_row": 2,
        "drop": np.array([], dtype=np.int64),
        "accounts": pd.DataFrame(
            {"reseller_id": pd.Series(dtype="string"), "participant_id": pd.Series(dtype="string")}
        ),
        "secret": "s",
        "params": config.CleaningParams(),
        "out_path": None,
    }
    assert engine_dask.clean_part(part, rows=3532, **kwargs)["orders"] == 3532
    with pytest.raises(io.InputError, match=r"^sales/x\.csv: the file changed while it was being cleaned"):
        engine_dask.clean_part(part, rows=3531, **kwargs)


def test_workers_that_keep_dying_are_a_cluster_error():
    import dask
    from distributed import KilledWorker

    def dying(dsk, keys, **kwargs):
        raise KilledWorker("clean_part-123", "tcp://127.0.0.1:1", allowed_failures=3)

    with pytest.raises(
        engine_dask.ClusterError, match=r"died 4 times running 'clean_part-123'.*--memory-limit"
    ):
        engine_dask._compute(dying, dask.delayed(len)([1, 2]))


def test_clean_to_connects_to_an_existing_scheduler(sample_dir, tmp_path, client):
    address = client.scheduler.address
    audit = clean_to(
        sample_dir / "raw", tmp_path / "dask", engine="dask", scheduler=address, blocksize=30_000
    )
    assert audit["engine"]["workers"] == 2
    clean_to(sample_dir / "raw", tmp_path / "pandas")
    assert_same(load(tmp_path / "pandas"), load(tmp_path / "dask"))


def test_windows_1252_export_with_an_ascii_header_equals_pandas(sample_dir, tmp_path, client):
    raw = tmp_path / "raw"
    shutil.copytree(sample_dir / "raw" / "survey", raw / "survey")
    shutil.copy(sample_dir / "raw" / "SYNTHETIC_SAMPLE.txt", raw / "SYNTHETIC_SAMPLE.txt")
    (raw / "sales").mkdir()
    row = "ORD-{},2024-01-05T10:00:00+07:00,EVM-00000001,{},1,150000,15000,Selesai"
    rows = [HEADER, *(row.format(i, "fashion") for i in range(50)), row.format(50, "Café Kopi")]
    (raw / "sales" / "o.csv").write_bytes(("\n".join(rows) + "\n").encode("cp1252"))
    a, b, _ = _both(raw, tmp_path, client, blocksize=500)
    assert_same(a, b)
    assert "café kopi" in set(b.orders["category"].astype(str))


def test_partitioned_parquet_dataset_in_sub_folders_equals_pandas(sample_dir, tmp_path, client):
    import pyarrow as pa
    import pyarrow.parquet as pq

    raw = tmp_path / "raw"
    shutil.copytree(sample_dir / "raw" / "survey", raw / "survey")
    shutil.copy(sample_dir / "raw" / "SYNTHETIC_SAMPLE.txt", raw / "SYNTHETIC_SAMPLE.txt")
    for i, src in enumerate(sorted((sample_dir / "raw" / "sales").glob("*.csv")), start=1):
        table = pa.Table.from_pandas(io.read_sales_file(src, src.name).frame, preserve_index=False)
        target = raw / "sales" / "year=2024" / f"export={i}"
        target.mkdir(parents=True)
        pq.write_table(table, target / "part-0.parquet", row_group_size=500)
    (raw / "sales" / "year=2024" / "_SUCCESS").write_text("")
    a, b, audit = _both(raw, tmp_path, client, part_rows=1_000)
    assert_same(a, b)
    assert [k for k in audit["files"] if k.startswith("sales/")] == [
        "sales/year=2024/export=1/part-0.parquet",
        "sales/year=2024/export=2/part-0.parquet",
        "sales/year=2024/export=3/part-0.parquet",
    ]
    assert audit["engine"]["partitions"] == 11  # row groups of 500 rows, at most 1,000 rows a partition


def test_load_without_orders_keeps_their_columns_and_types(sample_dir, tmp_path, client):
    clean_to(sample_dir / "raw", tmp_path / "pandas")
    engine_dask.clean_to(sample_dir / "raw", tmp_path / "dask", client=client, blocksize=30_000)
    for layout in ("pandas", "dask"):
        full, light = load(tmp_path / layout), load(tmp_path / layout, orders=False)
        assert len(light.orders) == 0
        assert light.audit["tables"]["orders"] == len(full.orders) == 8281
        pd.testing.assert_frame_equal(light.orders, full.orders.iloc[:0])
        pd.testing.assert_frame_equal(light.reseller_monthly, full.reseller_monthly)
