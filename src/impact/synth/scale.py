"""Platform-scale synthetic reseller order exports, generated and written in bounded memory.

:func:`write_scale_sales` writes millions of messy platform order rows (the sales contract: eight
text columns) as a series of Parquet or CSV files, one chunk at a time, so that peak memory depends
on ``chunk_rows`` and the number of accounts, never on ``orders``. It exists to benchmark and
stress-test the sales pipeline at platform scale (700k resellers, 10M orders); the small committed
sample data comes from the ordinary sample generator.

What the exports contain, and the messiness planted in them:

* ``order_id`` ``ORD-`` + 10 digits; ids grow with time.
* ``order_time`` WIB wall-clock time, per row either ISO 8601 with offset
  (``2024-03-01T06:00:00+07:00``) or ``dd/mm/yyyy HH:MM`` (``01/03/2024 06:00``); ~0.01% garbage
  (``00/00/0000 00:00``, empty, ``kemarin``). Volume grows over the period, with a daily rhythm.
* ``reseller_id`` ``EVM-`` + 8 digits; the first accounts are the given participant accounts.
  Orders per account are heavy-tailed (lognormal weights) and every account has at least one order
  when there are at least as many distinct orders as accounts. ~1% of rows carry a noisy id
  (``evm-00123456``, ``EVM 00123456``, ``EVM-123456``).
* ``category`` one of 12 product categories; each account has a main category.
* ``quantity`` 1-10 as text, mostly 1-3.
* ``gross_amount`` rupiah, multiples of Rp 500 in Rp 10,000-5,000,000, as ``150000``,
  ``Rp 150.000``, ``Rp150.000,00``, ``150rb`` or ``150.000``.
* ``reseller_commission`` rupiah, 8-20% of gross by category, as ``15000`` or ``Rp 15.000``.
* ``status`` completed / cancelled / returned, written in Indonesian or English, with case and
  surrounding-space noise (``SELESAI``, `` selesai``, ``Completed``).
* re-exports: ~1% of rows repeat an ``order_id`` already exported in an earlier file (the later row
  is the current one; ~30% of them changed status, completed -> returned), re-formatted like the
  rest of their chunk; and ~0.2% of rows are exact duplicates of another row of the same chunk.

``orders`` is the number of rows written, re-exports and exact duplicates included; the number of
distinct orders is in the returned summary.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from impact import config
from impact.clean.sales import SALES_FIELDS
from impact.synth._platform import (
    _ACCOUNT_DIGITS,
    _ACCOUNT_WEIGHT_SIGMA,
    _CANDIDATE_RATE,
    _CATEGORY_SHARE,
    _COMMISSION_RATE,
    _COMPLETED,
    _DUPLICATE_RATE,
    _GROSS_RANGE_IDR,
    _GROSS_STEP_IDR,
    _GROWTH,
    _HOURLY_P,
    _MAIN_CATEGORY_SHARE,
    _MAX_CHUNK_ROWS,
    _ORDER_ID_DIGITS,
    _ORDER_NUMBER_MAX_GAP,
    _QUANTITY_P,
    _REEXPORT_RATE,
    _RETURNED,
    _SCHEMA,
    _STATUS_CHANGE_RATE,
    _STATUS_P,
    _UNIT_PRICE_MEDIAN,
    _UNIT_PRICE_SIGMA,
    _Accounts,
    _Records,
)
from impact.synth._render import _fixed_width, _render

__all__ = ["MANIFEST_NAME", "SALES_COLUMNS", "scale_summary_path", "write_scale_sales"]

#: columns of the sales contract, in export order; every one is text
SALES_COLUMNS: tuple[str, ...] = SALES_FIELDS
#: summary of a generated folder (deterministic: no timings)
MANIFEST_NAME = "_manifest.json"

_FILE_PATTERN = re.compile(r"orders_\d{4}\.(parquet|csv)")
_GENERATOR = "impact.synth.scale.write_scale_sales"

# random streams: [seed, stream, index] (always three words, so streams never collide)
_STREAM_ACCOUNTS = 1
_STREAM_CHUNK = 2


def scale_summary_path(out_dir: Path) -> Path:
    """Where :func:`write_scale_sales` writes its summary for ``out_dir``.

    >>> scale_summary_path(Path("/tmp/scale")).name
    '_manifest.json'
    """
    return Path(out_dir) / MANIFEST_NAME


def write_scale_sales(
    out_dir: Path,
    *,
    resellers: int,
    orders: int,
    fmt: Literal["parquet", "csv"] = "parquet",
    participant_resellers: Sequence[str] = (),
    seed: int = config.SEED,
    chunk_rows: int = 1_000_000,
    start: str = "2023-09-01",
    end: str = "2024-12-31",
    files: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict:
    """Write synthetic platform order exports into ``out_dir``, chunk by chunk, in bounded memory.

    ``orders`` rows (re-exports and exact duplicates included) from ``resellers`` accounts are
    written as ``orders_0001.<fmt>``, ``orders_0002.<fmt>``, ... (names sort in export order;
    later files cover later days), every column text. Rows are split evenly over ``files`` files
    (default: one per 2M rows, at least two so that re-exports across files exist), each file into
    chunks of at most ``chunk_rows`` rows; a chunk is generated, written (one Parquet row group, or
    appended to the CSV below a single header) and dropped before the next. Peak memory grows with
    ``chunk_rows`` and ``resellers``; the only thing kept across chunks besides the accounts is the
    pool of re-export candidates, ~3% of the orders as numbers (~15 MB per 10M orders). The first
    ``len(participant_resellers)`` accounts are exactly the given ids. ``start`` and ``end`` are
    WIB calendar dates, both included.

    Deterministic: the same arguments give identical CSV bytes and identical Parquet contents
    (each chunk uses ``np.random.default_rng([seed, 2, chunk_index])``, the accounts
    ``[seed, 1, 0]``); changing ``chunk_rows`` or ``files`` changes the data. Also writes
    ``_manifest.json`` (the summary without ``seconds``; the leading underscore keeps it out of a
    ``pyarrow.dataset`` read of the folder) and nothing else, so the folder reads as one dataset.
    Each file is written under a hidden ``.partial`` name and renamed when complete. Order files
    of an earlier run of this function in ``out_dir`` are replaced; order files of unknown origin
    make it refuse.

    Returns a summary: ``files`` (names), ``rows_per_file``, ``rows``, ``distinct_orders``,
    ``duplicate_rows`` (exact copies within a chunk), ``reexported_rows`` (an order id repeated in a
    later file), ``status_changed_rows`` (re-exports whose status changed), ``chunks``,
    ``accounts``, ``parameters`` and ``seconds``.

    >>> out = Path("/tmp/scale")
    >>> summary = write_scale_sales(out, resellers=700_000, orders=10_000_000)  # doctest: +SKIP
    >>> summary["rows"]  # doctest: +SKIP
    10000000
    """
    began = time.perf_counter()
    out_dir = Path(out_dir)
    participants = _check_arguments(resellers, orders, fmt, participant_resellers, chunk_rows, files)
    start_day, n_days = _day_range(start, end)
    n_files = files if files is not None else max(2, -(-orders // 2_000_000))
    n_files = min(n_files, orders)
    plan = _plan(orders, n_files, chunk_rows)
    distinct = sum(c.fresh for c in plan)

    _prepare_folder(out_dir)
    accounts = _make_accounts(resellers, participants, seed)
    names = [f"orders_{f + 1:04d}.{fmt}" for f in range(n_files)]
    rows_per_file = dict.fromkeys(names, 0)
    pool = _Pool()
    rows_written = status_changed = 0

    for f, name in enumerate(names):
        path = out_dir / name
        partial = out_dir / f".{name}.partial"
        writer = (
            pq.ParquetWriter(partial, _SCHEMA, compression="zstd")
            if fmt == "parquet"
            else pa_csv.CSVWriter(partial, _SCHEMA)
        )
        try:
            for chunk in (c for c in plan if c.file == f):
                table, changed = _make_chunk(chunk, accounts, pool, distinct, start_day, n_days, seed)
                if fmt == "parquet":
                    writer.write_table(table, row_group_size=table.num_rows)
                else:
                    writer.write_table(table)
                rows_written += table.num_rows
                rows_per_file[name] += table.num_rows
                status_changed += changed
                if progress is not None:
                    progress(f"{name} chunk {chunk.index + 1}/{len(plan)}: {rows_written:,} rows")
            writer.close()
        except BaseException:
            writer.close()
            partial.unlink(missing_ok=True)
            raise
        partial.replace(path)
        pool.close_file()

    summary = {
        "generator": _GENERATOR,
        "parameters": {
            "resellers": resellers,
            "orders": orders,
            "fmt": fmt,
            "participant_accounts": len(participants),
            "seed": seed,
            "chunk_rows": chunk_rows,
            "start": start,
            "end": end,
            "files": n_files,
        },
        "columns": list(SALES_COLUMNS),
        "files": names,
        "rows_per_file": rows_per_file,
        "chunks": len(plan),
        "rows": rows_written,
        "distinct_orders": distinct,
        "duplicate_rows": sum(c.duplicates for c in plan),
        "reexported_rows": sum(c.reexports for c in plan),
        "status_changed_rows": status_changed,
        "accounts": resellers,
    }
    scale_summary_path(out_dir).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return summary | {"seconds": round(time.perf_counter() - began, 3)}


# --- arguments and folder ---------------------------------------------------------------------


def _check_arguments(
    resellers: int,
    orders: int,
    fmt: str,
    participant_resellers: Sequence[str],
    chunk_rows: int,
    files: int | None,
) -> list[str]:
    if isinstance(participant_resellers, str):
        raise TypeError(
            f"participant_resellers must be a sequence of ids, not one string: {participant_resellers!r}"
        )
    participants = [str(p) for p in participant_resellers]
    if any(not p.strip() for p in participants):
        raise ValueError("participant_resellers contains an empty id; pass only real account ids")
    if len(set(participants)) != len(participants):
        repeated = sorted({p for p in participants if participants.count(p) > 1})
        raise ValueError(f"participant_resellers repeats ids {repeated[:5]}; pass each account once")
    if fmt not in ("parquet", "csv"):
        raise ValueError(f"fmt must be 'parquet' or 'csv', got {fmt!r}")
    if orders < 1:
        raise ValueError(f"orders must be at least 1, got {orders}")
    if orders * _ORDER_NUMBER_MAX_GAP >= 10**_ORDER_ID_DIGITS:
        raise ValueError(f"orders={orders:,} is too many for {_ORDER_ID_DIGITS}-digit order ids")
    if resellers < max(1, len(participants)):
        raise ValueError(
            f"resellers={resellers} is fewer than the {len(participants)} participant accounts (or < 1); "
            "raise resellers"
        )
    if resellers - len(participants) > 10**_ACCOUNT_DIGITS // 2:
        raise ValueError(f"resellers={resellers:,} is too many for {_ACCOUNT_DIGITS}-digit account ids")
    if not 1 <= chunk_rows <= _MAX_CHUNK_ROWS:
        raise ValueError(f"chunk_rows must be in 1..{_MAX_CHUNK_ROWS:,}, got {chunk_rows}")
    if files is not None and not 1 <= files <= orders:
        raise ValueError(f"files must be between 1 and orders ({orders}), got {files}")
    return participants


def _day_range(start: str, end: str) -> tuple[int, int]:
    """First day (days since 1970-01-01) and number of days of the WIB calendar range."""
    try:
        first, last = np.datetime64(start, "D"), np.datetime64(end, "D")
    except ValueError as error:
        raise ValueError(f"start and end must be dates like '2023-09-01', got {start!r}, {end!r}") from error
    if last < first:
        raise ValueError(f"end ({end}) is before start ({start})")
    return int(first.astype(np.int64)), int((last - first).astype(np.int64)) + 1


def _prepare_folder(out_dir: Path) -> None:
    """Create ``out_dir``; remove order files of an earlier run, refuse order files of unknown origin."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for partial in out_dir.glob(".orders_*.partial"):  # left by an interrupted run
        partial.unlink()
    old = sorted(p for p in out_dir.iterdir() if _FILE_PATTERN.fullmatch(p.name))
    if not old:
        return
    manifest = scale_summary_path(out_dir)
    ours = False
    if manifest.is_file():
        try:
            ours = json.loads(manifest.read_text(encoding="utf-8")).get("generator") == _GENERATOR
        except (ValueError, AttributeError):
            ours = False
    if not ours:
        raise FileExistsError(
            f"{out_dir} already holds order files ({old[0].name}, ...) not written by this generator; "
            "choose an empty folder"
        )
    for path in old:
        path.unlink()
    manifest.unlink()


# --- the plan: how many rows of each kind every chunk holds -----------------------------------


@dataclass(frozen=True)
class _Chunk:
    index: int
    file: int
    rows: int
    #: new distinct orders, and the global index of the first of them
    fresh: int
    first_fresh: int
    #: rows repeating an order exported in an earlier file
    reexports: int
    #: exact copies of other rows of this chunk
    duplicates: int
    #: fresh orders kept as re-export candidates for later files
    candidates: int


def _plan(orders: int, n_files: int, chunk_rows: int) -> list[_Chunk]:
    """Split ``orders`` rows into files and chunks and fix every chunk's counts up front.

    Re-exports are drawn from candidates of earlier files only (the first file has none, so later
    files carry a little more than the overall rate), and the plan tracks how many are available;
    a chunk short of candidates writes fresh orders instead. Counts are rounded on running totals,
    so the rates hold even for tiny chunks.
    """
    file_rows = _split(orders, n_files)
    later_rows = orders - file_rows[0]
    reexport_rate = _REEXPORT_RATE * orders / later_rows if later_rows else 0.0
    plan: list[_Chunk] = []
    first_fresh = available = pending = 0
    rows_so_far = later_so_far = duplicates_so_far = reexports_so_far = candidates_so_far = 0
    for f, rows_f in enumerate(file_rows):
        for rows in _split(rows_f, -(-rows_f // chunk_rows)):
            rows_so_far += rows
            later_so_far += rows if f else 0
            duplicates = min(round(rows_so_far * _DUPLICATE_RATE) - duplicates_so_far, rows - 1)
            reexports = min(
                round(later_so_far * reexport_rate) - reexports_so_far, available, rows - duplicates
            )
            fresh = rows - duplicates - reexports
            candidates = min(fresh, round((first_fresh + fresh) * _CANDIDATE_RATE) - candidates_so_far)
            plan.append(_Chunk(len(plan), f, rows, fresh, first_fresh, reexports, duplicates, candidates))
            first_fresh += fresh
            duplicates_so_far += duplicates
            reexports_so_far += reexports
            candidates_so_far += candidates
            available -= reexports
            pending += candidates
        available, pending = available + pending, 0
    return plan


def _split(total: int, parts: int) -> list[int]:
    """``total`` split into ``parts`` near-equal whole numbers, larger ones first.

    >>> _split(10, 3)
    [4, 3, 3]
    """
    base, extra = divmod(total, parts)
    return [base + (i < extra) for i in range(parts)]


# --- accounts ---------------------------------------------------------------------------------


def _make_accounts(resellers: int, participants: list[str], seed: int) -> _Accounts:
    rng = np.random.default_rng([seed, _STREAM_ACCOUNTS, 0])
    taken = {int(p[4:]) for p in participants if re.fullmatch(rf"EVM-\d{{{_ACCOUNT_DIGITS}}}", p)}
    need = resellers - len(participants)
    numbers = rng.choice(10**_ACCOUNT_DIGITS - 1, size=need + len(taken), replace=False) + 1
    numbers = numbers[~np.isin(numbers, list(taken))][:need]
    generated = _fixed_width("EVM-" + "0" * _ACCOUNT_DIGITS, [(4, _ACCOUNT_DIGITS, numbers)])
    ids = pa.concat_arrays([pa.array(participants, pa.string()), generated])
    variants = pa.concat_arrays(
        [
            ids,
            pc.utf8_lower(ids),
            pc.replace_substring(ids, "-", " ", max_replacements=1),
            pc.replace_substring_regex(ids, pattern=r"^EVM-0+(\d)", replacement=r"EVM-\1"),
        ]
    )
    weights = rng.lognormal(0.0, _ACCOUNT_WEIGHT_SIGMA, resellers)
    return _Accounts(
        id_variants=variants,
        has_leading_zero=pc.starts_with(ids, "EVM-0").to_numpy(zero_copy_only=False),
        n=resellers,
        cumulative_weight=np.cumsum(weights),
        coverage=rng.permutation(resellers),
        main_category=rng.choice(len(_CATEGORY_SHARE), size=resellers, p=_CATEGORY_SHARE).astype(np.int8),
    )


# --- order records (numbers, before rendering to text) ----------------------------------------


def _take(records: _Records, index: np.ndarray) -> _Records:
    return {k: v[index] for k, v in records.items()}


def _concat(a: _Records, b: _Records) -> _Records:
    return {k: np.concatenate([a[k], b[k]]) for k in a}


class _Pool:
    """Orders of earlier files that later files may re-export (a few % of all orders)."""

    def __init__(self) -> None:
        self.available: _Records | None = None
        self.pending: _Records | None = None

    def add(self, records: _Records) -> None:
        self.pending = records if self.pending is None else _concat(self.pending, records)

    def close_file(self) -> None:
        if self.pending is not None:
            self.available = self.pending if self.available is None else _concat(self.available, self.pending)
        self.pending = None

    def pop(self, rng: np.random.Generator, n: int) -> _Records:
        assert self.available is not None  # the plan never asks for more than is available
        size = len(self.available["order_no"])
        picked = rng.choice(size, size=n, replace=False)
        keep = np.ones(size, dtype=np.bool_)
        keep[picked] = False
        out = _take(self.available, picked)
        self.available = _take(self.available, keep)
        return out


def _fresh_orders(
    rng: np.random.Generator, chunk: _Chunk, accounts: _Accounts, distinct: int, start_day: int, n_days: int
) -> _Records:
    """The chunk's new orders, sorted by time; its days follow the previous chunk's."""
    m, first = chunk.fresh, chunk.first_fresh
    order_no = 1 + _ORDER_NUMBER_MAX_GAP * first + np.cumsum(rng.integers(1, _ORDER_NUMBER_MAX_GAP + 1, m))

    # time: position in the period (growing volume), then a WIB hour of day
    share = rng.uniform(first / distinct, (first + m) / distinct, m)
    g = _GROWTH - 1.0
    position = (np.sqrt(1.0 + 2.0 * g * share * (1.0 + g / 2.0)) - 1.0) / g if g else share
    day = np.minimum((position * n_days).astype(np.int64), n_days - 1)
    second = rng.choice(24, size=m, p=_HOURLY_P) * 3600 + rng.integers(0, 3600, m)
    wib_seconds = np.sort((start_day + day) * 86_400 + second)

    # account: one guaranteed order per account spread over the period, the rest by weight
    covered = min(accounts.n, distinct)
    lo, hi = -(-first * covered // distinct), -(-(first + m) * covered // distinct)
    cw = accounts.cumulative_weight
    drawn = np.searchsorted(cw, rng.random(m - (hi - lo)) * cw[-1], side="right")
    reseller = rng.permutation(np.concatenate([accounts.coverage[lo:hi], np.minimum(drawn, accounts.n - 1)]))

    main = rng.random(m) < _MAIN_CATEGORY_SHARE
    category = np.where(
        main,
        accounts.main_category[reseller],
        rng.choice(len(_CATEGORY_SHARE), size=m, p=_CATEGORY_SHARE).astype(np.int8),
    )
    quantity = rng.choice(10, size=m, p=_QUANTITY_P).astype(np.int8) + 1
    unit_price = _UNIT_PRICE_MEDIAN[category] * np.exp(_UNIT_PRICE_SIGMA * rng.standard_normal(m))
    gross = np.clip(
        np.rint(unit_price * quantity / _GROSS_STEP_IDR).astype(np.int64) * _GROSS_STEP_IDR, *_GROSS_RANGE_IDR
    )
    return {
        "order_no": order_no.astype(np.int64),
        "wib_seconds": wib_seconds,
        "reseller": reseller.astype(np.int64),
        "category": category.astype(np.int8),
        "quantity": quantity,
        "gross": gross,
        "commission": np.rint(gross * _COMMISSION_RATE[category]).astype(np.int64),
        "status": rng.choice(3, size=m, p=_STATUS_P).astype(np.int8),
    }


def _make_chunk(
    chunk: _Chunk,
    accounts: _Accounts,
    pool: _Pool,
    distinct: int,
    start_day: int,
    n_days: int,
    seed: int,
) -> tuple[pa.Table, int]:
    """One chunk as a text table, and how many of its re-exports changed status."""
    rng = np.random.default_rng([seed, _STREAM_CHUNK, chunk.index])
    fresh = _fresh_orders(rng, chunk, accounts, distinct, start_day, n_days)
    pool.add(_take(fresh, rng.choice(chunk.fresh, size=chunk.candidates, replace=False)))

    changed = 0
    records = fresh
    if chunk.reexports:
        again = pool.pop(rng, chunk.reexports)
        flip = (again["status"] == _COMPLETED) & (
            rng.random(chunk.reexports) < _STATUS_CHANGE_RATE / _STATUS_P[_COMPLETED]
        )
        again["status"] = np.where(flip, np.int8(_RETURNED), again["status"])
        changed = int(flip.sum())
        # updated orders come interleaved among the new ones
        at = rng.integers(0, chunk.fresh + 1, chunk.reexports)
        records = _take(
            _concat(fresh, again),
            np.insert(np.arange(chunk.fresh), at, chunk.fresh + np.arange(chunk.reexports)),
        )

    table = _render(rng, records, accounts)
    if chunk.duplicates:
        n = table.num_rows
        copies = rng.integers(0, n, chunk.duplicates)
        at = rng.integers(0, n + 1, chunk.duplicates)
        table = table.take(pa.array(np.insert(np.arange(n), at, copies)))
    return table, changed
