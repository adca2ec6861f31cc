"""Tests of impact.sample_scale: platform-scale synthetic order exports, written chunk by chunk."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest

from impact import vocab
from impact.synth.scale import MANIFEST_NAME, SALES_COLUMNS, scale_summary_path, write_scale_sales

PARTICIPANTS = ("EVM-00000042", "EVM-12345678", "EVM-00500000")
RESELLERS = 2_000
ORDERS = 50_000
SMALL = {
    "resellers": RESELLERS,
    "orders": ORDERS,
    "chunk_rows": 10_000,
    "files": 3,
    "participant_resellers": PARTICIPANTS,
}
ISO = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00"
DMY = r"\d\d/\d\d/\d{4} \d\d:\d\d"
GROSS_FORMS = {
    "plain": r"\d+",
    "rp": r"Rp \d{1,3}(\.\d{3})*",
    "rp_cents": r"Rp\d{1,3}(\.\d{3})*,00",
    "rb": r"\d+rb",
    "dotted": r"\d{1,3}(\.\d{3})+",
}


def _read_csv(path: Path) -> pa.Table:
    options = pa_csv.ConvertOptions(
        column_types=dict.fromkeys(SALES_COLUMNS, pa.string()), strings_can_be_null=False
    )
    return pa_csv.read_csv(path, convert_options=options)


def _canonical_status(status: pa.Array) -> list[str]:
    return [vocab.STATUS_KEYS[vocab.alias_key(s)] for s in status.to_pylist()]


def _amount_idr(text: pa.Array) -> pa.Array:
    """Rupiah from the text forms the generator writes (test helper, not the real parser)."""
    thousands = pc.ends_with(text, "rb")
    digits = pc.replace_substring_regex(pc.replace_substring(text, ",00", ""), r"[^0-9]", "")
    value = pc.cast(digits, pa.int64())
    return pc.if_else(thousands, pc.multiply(value, 1000), value)


def _account_key(reseller_id: pa.Array) -> pa.Array:
    """Undo the planted id noise: upper case, dash, eight digits."""
    upper = pc.replace_substring(pc.utf8_upper(reseller_id), " ", "-")
    digits = pc.utf8_lpad(pc.replace_substring(upper, "EVM-", ""), width=8, padding="0")
    return pc.binary_join_element_wise("EVM-", digits, "")


@pytest.fixture(scope="module")
def parquet_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("scale_parquet") / "orders"
    return out, write_scale_sales(out, fmt="parquet", **SMALL)


@pytest.fixture(scope="module")
def csv_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("scale_csv") / "orders"
    return out, write_scale_sales(out, fmt="csv", **SMALL)


@pytest.fixture(scope="module")
def tables(parquet_run: tuple[Path, dict]) -> list[pa.Table]:
    out, summary = parquet_run
    return [pq.read_table(out / name) for name in summary["files"]]


@pytest.fixture(scope="module")
def everything(tables: list[pa.Table]) -> pa.Table:
    return pa.concat_tables(tables)


# --- files --------------------------------------------------------------------------------


def test_files_are_named_in_export_order(parquet_run: tuple[Path, dict]) -> None:
    out, summary = parquet_run
    on_disk = sorted(p.name for p in out.glob("orders_*"))
    assert (
        on_disk == summary["files"] == ["orders_0001.parquet", "orders_0002.parquet", "orders_0003.parquet"]
    )


def test_later_files_hold_later_orders(tables: list[pa.Table]) -> None:
    medians = []
    for table in tables:
        iso = sorted(
            pc.filter(table["order_time"], pc.match_substring_regex(table["order_time"], ISO)).to_pylist()
        )
        medians.append(iso[len(iso) // 2])
    assert medians == sorted(medians)
    assert len(set(medians)) == len(medians)


def test_rows_written_equal_orders(parquet_run: tuple[Path, dict], tables: list[pa.Table]) -> None:
    _, summary = parquet_run
    assert sum(t.num_rows for t in tables) == ORDERS == summary["rows"]
    assert [t.num_rows for t in tables] == list(summary["rows_per_file"].values())


def test_parquet_columns_are_the_contract_all_text(tables: list[pa.Table]) -> None:
    for table in tables:
        assert table.schema == pa.schema([(c, pa.string()) for c in SALES_COLUMNS])
        assert sum(column.null_count for column in table.columns) == 0


def test_csv_holds_the_same_rows_as_parquet(
    csv_run: tuple[Path, dict], parquet_run: tuple[Path, dict], tables: list[pa.Table]
) -> None:
    out, summary = csv_run
    assert summary["files"] == [f"orders_000{i}.csv" for i in (1, 2, 3)]
    for name, table in zip(summary["files"], tables, strict=True):
        assert _read_csv(out / name).equals(table)


def test_csv_has_one_header_per_file(csv_run: tuple[Path, dict]) -> None:
    out, summary = csv_run
    for name in summary["files"]:
        lines = (out / name).read_text(encoding="utf-8").splitlines()
        assert lines[0] == ",".join(f'"{c}"' for c in SALES_COLUMNS)
        assert sum(line.startswith('"order_id"') for line in lines) == 1


def test_manifest_is_the_summary_without_seconds(parquet_run: tuple[Path, dict]) -> None:
    out, summary = parquet_run
    assert scale_summary_path(out) == out / MANIFEST_NAME
    manifest = json.loads(scale_summary_path(out).read_text(encoding="utf-8"))
    assert manifest == {k: v for k, v in summary.items() if k != "seconds"}
    assert summary["seconds"] >= 0


# --- contents -----------------------------------------------------------------------------


def test_participant_accounts_appear_as_given(everything: pa.Table) -> None:
    written = set(everything["reseller_id"].to_pylist())
    assert set(PARTICIPANTS) <= written


def test_every_account_has_orders(everything: pa.Table) -> None:
    assert pc.count_distinct(_account_key(everything["reseller_id"])).as_py() == RESELLERS


def test_orders_per_account_are_heavy_tailed(everything: pa.Table) -> None:
    counts = sorted(pc.value_counts(_account_key(everything["reseller_id"])).field("counts").to_pylist())
    median, top = counts[len(counts) // 2], counts[-1]
    assert top > 20 * median


def test_reseller_id_noise_is_planted(everything: pa.Table) -> None:
    ids = everything["reseller_id"]
    clean = pc.sum(pc.match_substring_regex(ids, r"^EVM-\d{8}$")).as_py()
    assert 0.98 * ORDERS < clean < 0.995 * ORDERS
    for noisy in (r"^evm-\d{8}$", r"^EVM \d{8}$", r"^EVM-[1-9]\d{0,6}$"):
        assert pc.any(pc.match_substring_regex(ids, noisy)).as_py(), noisy


def test_both_time_formats_are_present(everything: pa.Table) -> None:
    times = everything["order_time"]
    iso = pc.sum(pc.match_substring_regex(times, f"^{ISO}$")).as_py()
    dmy = pc.sum(pc.match_substring_regex(times, f"^{DMY}$")).as_py()
    assert 0.45 * ORDERS < iso < 0.55 * ORDERS
    assert 0.45 * ORDERS < dmy < 0.55 * ORDERS
    assert iso + dmy >= 0.999 * ORDERS


def test_order_times_fall_in_the_period(everything: pa.Table) -> None:
    times = everything["order_time"]
    iso = pc.filter(times, pc.match_substring_regex(times, f"^{ISO}$"))
    low, high = pc.min_max(iso).values()
    assert low.as_py() >= "2023-09-01T00:00:00+07:00"
    assert high.as_py() <= "2024-12-31T23:59:59+07:00"


def test_order_ids_have_the_contract_form(everything: pa.Table) -> None:
    assert pc.all(pc.match_substring_regex(everything["order_id"], r"^ORD-\d{10}$")).as_py()


def test_summary_counts_distinct_orders(parquet_run: tuple[Path, dict], everything: pa.Table) -> None:
    _, summary = parquet_run
    assert pc.count_distinct(everything["order_id"]).as_py() == summary["distinct_orders"]
    assert summary["distinct_orders"] + summary["reexported_rows"] + summary["duplicate_rows"] == ORDERS


def test_orders_are_re_exported_in_later_files(
    parquet_run: tuple[Path, dict], tables: list[pa.Table]
) -> None:
    _, summary = parquet_run
    seen: dict[str, str] = {}  # order id -> status in an earlier file
    repeated: dict[str, tuple[str, str]] = {}  # order id -> (earlier status, later status)
    for table in tables:
        current = dict(zip(table["order_id"].to_pylist(), _canonical_status(table["status"]), strict=True))
        repeated |= {i: (seen[i], s) for i, s in current.items() if i in seen}
        seen |= current
    assert len(repeated) == summary["reexported_rows"] > 0.008 * ORDERS
    changed = [pair for pair in repeated.values() if pair[0] != pair[1]]
    assert set(changed) == {("completed", "returned")}
    assert len(changed) == summary["status_changed_rows"]
    assert 0.2 < len(changed) / len(repeated) < 0.4


def test_exact_duplicate_rows_are_planted_within_files(
    parquet_run: tuple[Path, dict], tables: list[pa.Table]
) -> None:
    _, summary = parquet_run
    copies = sum(t.num_rows - t.group_by(list(SALES_COLUMNS)).aggregate([]).num_rows for t in tables)
    assert copies == summary["duplicate_rows"] > 0


def test_status_values_map_to_the_three_statuses(everything: pa.Table) -> None:
    written = pc.unique(everything["status"])
    assert set(_canonical_status(written)) == set(vocab.ORDER_STATUSES)
    assert not all(s == s.strip() for s in written.to_pylist())  # spacing noise is there


def test_gross_amounts_use_the_five_text_forms(everything: pa.Table) -> None:
    gross = everything["gross_amount"]
    matched = [pc.match_substring_regex(gross, f"^{p}$") for p in GROSS_FORMS.values()]
    shares = {form: pc.sum(m).as_py() / ORDERS for form, m in zip(GROSS_FORMS, matched, strict=True)}
    assert 0.65 < shares["plain"] < 0.75
    assert all(share > 0.03 for share in shares.values()), shares
    assert pc.all(pc.or_(pc.or_(pc.or_(matched[0], matched[1]), pc.or_(matched[2], matched[3])), matched[4]))


def test_amounts_are_in_range_and_commission_is_8_to_20_percent(everything: pa.Table) -> None:
    gross = _amount_idr(everything["gross_amount"])
    commission = _amount_idr(everything["reseller_commission"])
    low, high = pc.min_max(gross).values()
    assert low.as_py() >= 10_000
    assert high.as_py() <= 5_000_000
    assert pc.all(pc.equal(pc.divide(gross, 500), pc.divide(pc.cast(gross, pa.float64()), 500.0))).as_py()
    rate = pc.divide(pc.cast(commission, pa.float64()), pc.cast(gross, pa.float64()))
    low, high = pc.min_max(rate).values()
    assert 0.0799 <= low.as_py()
    assert high.as_py() <= 0.2001


def test_quantity_is_1_to_10_mostly_small(everything: pa.Table) -> None:
    quantity = pc.cast(everything["quantity"], pa.int64())
    low, high = pc.min_max(quantity).values()
    assert (low.as_py(), high.as_py()) == (1, 10)
    assert pc.sum(pc.less_equal(quantity, 3)).as_py() > 0.75 * ORDERS


# --- chunking, determinism, folder handling -------------------------------------------------


def test_parquet_is_written_one_row_group_per_chunk(parquet_run: tuple[Path, dict]) -> None:
    out, summary = parquet_run
    groups = [pq.ParquetFile(out / name).metadata.num_row_groups for name in summary["files"]]
    assert sum(groups) == summary["chunks"] >= 5
    assert all(g >= 1 for g in groups)


def test_csv_bytes_are_identical_across_runs(csv_run: tuple[Path, dict], tmp_path: Path) -> None:
    out, summary = csv_run
    again = write_scale_sales(tmp_path / "again", fmt="csv", **SMALL)
    assert again["files"] == summary["files"]
    for name in summary["files"]:
        assert (tmp_path / "again" / name).read_bytes() == (out / name).read_bytes()


def test_parquet_contents_are_equal_across_runs(tables: list[pa.Table], tmp_path: Path) -> None:
    again = write_scale_sales(tmp_path / "again", fmt="parquet", **SMALL)
    for name, table in zip(again["files"], tables, strict=True):
        assert pq.read_table(tmp_path / "again" / name).equals(table)


def test_another_seed_gives_other_data(csv_run: tuple[Path, dict], tmp_path: Path) -> None:
    out, _ = csv_run
    write_scale_sales(tmp_path / "other", fmt="csv", **SMALL, seed=1)
    assert (tmp_path / "other" / "orders_0001.csv").read_bytes() != (out / "orders_0001.csv").read_bytes()


def test_progress_is_reported_per_chunk(tmp_path: Path) -> None:
    messages: list[str] = []
    summary = write_scale_sales(
        tmp_path, resellers=100, orders=5_000, chunk_rows=1_000, files=2, progress=messages.append
    )
    assert len(messages) == summary["chunks"] == 6
    assert messages[-1].endswith("5,000 rows")


def test_a_rerun_replaces_its_own_earlier_files(tmp_path: Path) -> None:
    write_scale_sales(tmp_path, resellers=100, orders=3_000, chunk_rows=1_000, files=3, fmt="csv")
    summary = write_scale_sales(tmp_path, resellers=100, orders=3_000, chunk_rows=1_000, files=2, fmt="csv")
    assert (
        sorted(p.name for p in tmp_path.glob("orders_*"))
        == summary["files"]
        == [
            "orders_0001.csv",
            "orders_0002.csv",
        ]
    )
    assert not list(tmp_path.glob(".*partial"))


def test_refuses_a_folder_with_order_files_of_unknown_origin(tmp_path: Path) -> None:
    (tmp_path / "orders_0001.csv").write_text("real export\n", encoding="utf-8")
    with pytest.raises(FileExistsError, match="not written by this generator"):
        write_scale_sales(tmp_path, resellers=10, orders=100)
    assert (tmp_path / "orders_0001.csv").read_text(encoding="utf-8") == "real export\n"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"resellers": 1, "orders": 100, "participant_resellers": ["EVM-00000001", "EVM-00000002"]}, "fewer"),
        ({"resellers": 10, "orders": 5, "files": 6}, "files must be"),
        ({"resellers": 10, "orders": 100, "fmt": "xlsx"}, "fmt must be"),
        ({"resellers": 10, "orders": 0}, "orders must be"),
        ({"resellers": 10, "orders": 100, "participant_resellers": ["EVM-1", "EVM-1"]}, "repeats"),
        ({"resellers": 10, "orders": 100, "end": "2023-01-01"}, "before start"),
    ],
)
def test_rejects_bad_arguments(tmp_path: Path, options: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        write_scale_sales(tmp_path, **options)


def test_rejects_a_single_string_as_participants(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="one string"):
        write_scale_sales(tmp_path, resellers=10, orders=100, participant_resellers="EVM-00000001")
