"""Cleaning platform order exports: de-duplicate across exports, assemble the cleaned orders,
bucket by WIB month.

Each export is parsed on its own first (:mod:`impact.clean.sales_parse`, whose public names are
importable from here too); this module works on the parsed parts (:func:`current_rows`,
:func:`assemble_orders`) or on the stacked exports (:func:`drop_superseded`, :func:`clean_orders`).

Built for platform scale (tens of millions of rows on one laptop): order ids are de-duplicated
as integer codes, Arrow-backed columns are filtered by pyarrow, and aggregation groups on
integer codes. No Python loop runs per row.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from impact import config, vocab
from impact._compat import arrow_chunks, is_arrow_backed, series_of
from impact.clean.audit import Ledger
from impact.clean.pseudonymise import pseudonyms_by_code
from impact.clean.sales_parse import (
    COMMISSION_MISSING,
    GROSS_MISSING,
    PARSED_SCHEMA,
    QUANTITY_MISSING,
    RID_CHANGED,
    ROW_OK,
    SALES_FIELDS,
    SALES_REQUIRED,
    STATUS_CHANGED,
    ParsedOrders,
    field_columns,
    parse_orders,
    resolve_sales_columns,
    tag_rows,
)
from impact.contract import SCOPE
from impact.io.raw import RawFile

#: threads for column-wise Arrow work (pyarrow releases the GIL); the benchmark machine has 2 cores
_THREADS = 2
__all__ = [
    "MONTHLY_SUMS",
    "PARSED_SCHEMA",
    "SALES_FIELDS",
    "SALES_REQUIRED",
    "ParsedOrders",
    "assemble_orders",
    "clean_orders",
    "combine_monthly",
    "current_rows",
    "drop_superseded",
    "field_columns",
    "month_of",
    "parse_orders",
    "reseller_monthly",
    "resolve_sales_columns",
    "rid_dictionary",
    "stack_exports",
    "tag_rows",
]


def stack_exports(files: list[RawFile]) -> pd.DataFrame:
    """All exports in one frame, in export order, with ``source_file`` (categorical) and ``source_row``."""
    names = [x.name for x in files]
    parts = [tag_rows(resolve_sales_columns(f), file_index=i, files=names) for i, f in enumerate(files)]
    if not parts:
        return pd.DataFrame(
            {
                **{c: pd.Series(dtype=pd.StringDtype("pyarrow")) for c in SALES_FIELDS},
                "source_file": pd.Series(dtype="category"),
                "source_row": pd.Series(dtype=np.int64),
            }
        )
    return pd.concat(parts, ignore_index=True)


def drop_superseded(df: pd.DataFrame, ledger: Ledger) -> pd.DataFrame:
    """One row per order: the row from the export that sorts last (within it, the last row).

    Rows without an order id cannot be de-duplicated or identified and are set aside.
    Earlier copies — exact repeats or older states of the order — count as duplicates.
    Duplicates are found on the factorised (integer-coded) trimmed id, and the frame is
    filtered once, column by column.
    """
    oid = df["order_id"].str.strip()
    blank = oid.isna().to_numpy() | (oid == "").fillna(False).to_numpy(dtype=bool)
    if blank.any():
        ledger.set_aside(
            df, pd.Series(blank, index=df.index), column="order_id", raw=df["order_id"], reason="no order id"
        )
    packed = _fixed_width_ints(oid)
    if packed is not None and packed.max() < 4 * len(packed) + (1 << 20):
        codes, n_codes = packed, int(packed.max()) + 1  # small enough to index directly
    else:
        codes, uniques = pd.factorize(oid if packed is None else packed)
        codes, n_codes = np.where(codes < 0, len(uniques), codes), len(uniques) + 1
    # keep the last occurrence of each id (rows are already in export order)
    last = np.full(n_codes, -1, dtype=np.int64)
    np.maximum.at(last, codes, np.arange(len(codes)))
    dup = (last[codes] != np.arange(len(codes))) & ~blank
    ledger.duplicate(df, pd.Series(dup, index=df.index))
    keep = ~blank & ~dup
    return (
        _rows(df.drop(columns="order_id"), keep).assign(order_id=_rows(oid, keep)).reindex(columns=df.columns)
    )


def assemble_orders(
    parts: list[ParsedOrders],
    ledger: Ledger,
    *,
    sources: list[tuple[pd.Series, np.ndarray]],
    current: list[np.ndarray | None] | None = None,
    rids: tuple[np.ndarray, pd.api.extensions.ExtensionArray] | None = None,
) -> pd.DataFrame:
    """The cleaned orders from parsed parts; what is set aside or set missing goes to the ledger.

    ``sources``: per part, ``source_file`` (categorical) and ``source_row`` of its rows;
    ``current``: per part, which rows survived de-duplication (``None``: all of them). Rows
    without an order id are set aside (``no order id``) whether current or not; the other entries
    and the normalisation counts are recorded for current rows only. ``month`` is the calendar
    month in WIB (UTC+7) as a naive month-start timestamp; rows stay in part order. ``rids``:
    :func:`rid_dictionary` of the parts, if already made (``reseller_id``'s categories are its
    distinct ids, in its order).
    """
    current = current or [None] * len(parts)
    entries, chosen = [], []
    for part, (files, source_row), cur in zip(parts, sources, current, strict=True):
        n = len(part)
        cur = np.ones(n, dtype=bool) if cur is None else cur
        bad = part.column("bad")
        iss = part.issues
        if len(iss):
            rows = iss["row"].to_numpy()
            iss = iss[cur[rows] | (iss["column"] == "order_id").to_numpy(dtype=bool)]
            rows = iss["row"].to_numpy()
            entries.append(
                pd.DataFrame(
                    {
                        "source_file": files.take(rows).astype("string").array,
                        "source_row": pd.array(source_row[rows], dtype="Int64"),
                        "column": iss["column"].array,
                        "value": iss["value"].array,
                        "reason": iss["reason"].array,
                        SCOPE: iss["scope"].array,
                    }
                )
            )
        flags = part.column("flags")
        for bit, rule in ((RID_CHANGED, "reseller_id_normalised"), (STATUS_CHANGED, "status_normalised")):
            ledger.count(files, pd.Series(cur & ((flags & bit) > 0), index=files.index), rule)
        chosen.append(cur & (bad == ROW_OK))
    if entries:
        ledger.quarantine.append(pd.concat(entries, ignore_index=True))
    return _orders_frame(parts, chosen, sources, rids or rid_dictionary(parts))


def rid_dictionary(parts: list[ParsedOrders]) -> tuple[np.ndarray, pd.api.extensions.ExtensionArray]:
    """The parts' reseller id texts (:attr:`ParsedOrders.rids`, in part order) factorised:
    ``(codes, distinct ids)``; the distinct ids are the categories of the orders' ``reseller_id``."""
    return _factorise_texts([p.rids for p in parts])


def _factorise_texts(texts: list[pa.Array]) -> tuple[np.ndarray, pd.api.extensions.ExtensionArray]:
    merged = pa.chunked_array(texts, pa.large_string()) if texts else pa.chunked_array([], pa.large_string())
    return pd.factorize(pd.array(merged, dtype=pd.StringDtype("pyarrow")))


def _orders_frame(parts: list[ParsedOrders], chosen: list[np.ndarray], sources, rids) -> pd.DataFrame:
    """The chosen rows of every part as the orders frame :func:`impact.clean.core.sales_tables` takes."""

    def rows_of(name: str, dtype) -> np.ndarray:
        taken = [p.column(name)[k] for p, k in zip(parts, chosen, strict=True)]
        return np.concatenate(taken) if taken else np.zeros(0, dtype=dtype)

    oid = pa.chunked_array(
        [c for p, k in zip(parts, chosen, strict=True) for c in p.table["oid"].filter(pa.array(k)).chunks],
        pa.large_string(),
    )
    micros = rows_of("time", np.int64)
    order_time = (
        pd.DatetimeIndex(micros.view("datetime64[us]")).tz_localize("UTC").tz_convert(config.TIMEZONE)
    )
    missing = rows_of("missing", np.uint8)
    files = [f.take(np.flatnonzero(k)) for (f, _), k in zip(sources, chosen, strict=True)]
    rows = [r[k] for (_, r), k in zip(sources, chosen, strict=True)]
    return pd.DataFrame(
        {
            "order_id": pd.array(oid, dtype=pd.StringDtype("pyarrow")).astype("string"),
            "reseller_id": _categorical_of_texts(parts, chosen, "rid", rids, sort=False),
            "order_time": order_time.array,
            "month": month_of(pd.Series(order_time)).array,
            "status": pd.Categorical.from_codes(rows_of("status", np.int8), dtype=vocab.STATUS_DTYPE),
            "gross_idr": pd.arrays.IntegerArray(rows_of("gross", np.int64), (missing & GROSS_MISSING) > 0),
            "commission_idr": pd.arrays.IntegerArray(
                rows_of("commission", np.int64), (missing & COMMISSION_MISSING) > 0
            ),
            "quantity": pd.arrays.IntegerArray(
                rows_of("quantity", np.int64), (missing & QUANTITY_MISSING) > 0
            ),
            "category": _categorical_of_texts(
                parts, chosen, "category", _factorise_texts([p.categories for p in parts]), sort=True
            ),
            "source_file": _concat_categoricals(files, sources),
            "source_row": np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64),
        },
        copy=False,
    )


def _categorical_of_texts(
    parts: list[ParsedOrders], chosen: list[np.ndarray], column: str, factorised, *, sort: bool
) -> pd.Categorical:
    """A coded text column (``rid``: :attr:`ParsedOrders.rids`, ``category``: ``categories``) of the
    chosen rows as one categorical with ``str`` categories, from the parts' texts factorised
    (``(codes, uniques)``, :func:`_factorise_texts`); ``sort``: the sorted texts that occur (what a
    Parquet round trip of :func:`_categorical_of` gives)."""
    texts = [p.rids if column == "rid" else p.categories for p in parts]
    codes, uniques = factorised
    start, taken = 0, []
    for p, k, t in zip(parts, chosen, texts, strict=True):
        remap = np.append(codes[start : start + len(t)], -1)  # code -1 (none) takes the last: -1
        taken.append(remap[p.column(column)[k]])
        start += len(t)
    row_codes = np.concatenate(taken) if taken else np.zeros(0, dtype=np.int64)
    categories = pd.Index(np.asarray(uniques, dtype=object), dtype=str)
    if not sort:
        return pd.Categorical.from_codes(row_codes, categories=categories, validate=False)
    used = np.bincount(row_codes[row_codes >= 0], minlength=len(categories)) > 0
    order = np.argsort(categories.to_numpy(dtype=object)[used], kind="stable")
    renumber = np.full(len(categories) + 1, -1, dtype=np.int64)
    renumber[np.flatnonzero(used)[order]] = np.arange(len(order))
    return pd.Categorical.from_codes(renumber[row_codes], categories=categories[used][order], validate=False)


def _concat_categoricals(files: list[pd.Series], sources) -> pd.Categorical:
    categories = sources[0][0].cat.categories if sources else pd.Index([], dtype=str)
    codes = [np.asarray(f.cat.codes) for f in files]
    return pd.Categorical.from_codes(
        np.concatenate(codes) if codes else np.zeros(0, dtype=np.int16), categories=categories
    )


def current_rows(
    parts: list[ParsedOrders], ledger: Ledger, *, sources: list[tuple[pd.Series, np.ndarray]]
) -> list[np.ndarray]:
    """Which rows of each part (in export order) are current: for each order id, the row from the
    part that comes last (within it, the last row); earlier copies are recorded as duplicates.

    What :func:`drop_superseded` does on the stacked exports, on parsed parts (rows without an
    order id are neither current nor duplicates: :func:`assemble_orders` sets them aside). Ids
    are integer-coded as there: packed when of fixed width, else factorised.
    """
    sizes = [len(p) for p in parts]
    if not sum(sizes):
        return [np.zeros(n, dtype=bool) for n in sizes]
    oid = pa.chunked_array([c for p in parts for c in p.table["oid"].chunks], pa.large_string())
    blank = pc.fill_null(pc.equal(oid, ""), True).to_numpy()
    named = np.flatnonzero(~blank)
    ids = oid.filter(pa.array(~blank)) if blank.any() else oid
    packed = _fixed_width_ints(ids)
    if packed is not None:
        codes = packed
    else:
        codes = pd.factorize(pd.array(ids, dtype=pd.StringDtype("pyarrow")))[0]
    # the last row of each id: a stable sort puts each id's rows together, in row order
    order = np.argsort(codes, kind="stable")
    ordered = codes[order]
    superseded = np.zeros(len(order), dtype=bool)
    superseded[:-1] = ordered[:-1] == ordered[1:]
    dup = np.zeros(len(blank), dtype=bool)
    dup[named[order[superseded]]] = True
    current = ~blank & ~dup
    out, start = [], 0
    for (files, rows), n in zip(sources, sizes, strict=True):
        d = dup[start : start + n]
        if d.any():
            where = np.flatnonzero(d)
            ledger.duplicates.append(
                pd.DataFrame({"source_file": files.take(where).array, "source_row": rows[where]})
            )
        out.append(current[start : start + n])
        start += n
    return out


def clean_orders(df: pd.DataFrame, ledger: Ledger, *, params: config.CleaningParams) -> pd.DataFrame:
    """Parse de-duplicated orders (:func:`parse_orders`); rows that cannot be placed are set aside.

    ``df`` holds the text columns :data:`SALES_FIELDS` plus ``source_file`` (categorical) and
    ``source_row``. See :func:`assemble_orders` for the result.
    """
    part = parse_orders(df, params=params)
    return assemble_orders([part], ledger, sources=[(df["source_file"], df["source_row"].to_numpy())])


# --- helpers: integer codes instead of repeated text ---------------------------------------------


def _mask(flags: np.ndarray, df: pd.DataFrame) -> pd.Series:
    return pd.Series(flags, index=df.index)


def _fixed_width_ints(s: pd.Series | pa.ChunkedArray) -> np.ndarray | None:
    """One int64 per row, equal exactly when the texts are, if all texts have the same byte length
    and the bytes that vary fit in 63 bits (e.g. ``ORD-0000000003``); ``None`` otherwise.

    Each byte position is a digit in a mixed radix (its range over all rows), so hashing
    integers replaces hashing millions of strings.
    """
    if isinstance(s, pd.Series) and not is_arrow_backed(s):
        return None
    if not len(s):
        return None
    chunks = [c for c in (s.chunks if isinstance(s, pa.ChunkedArray) else arrow_chunks(s).chunks) if len(c)]
    if any(c.null_count or c.type not in (pa.string(), pa.large_string()) for c in chunks):
        return None
    width, parts = None, []
    for c in chunks:
        _, offsets, data = c.buffers()
        offsets = np.frombuffer(offsets, dtype=np.int64 if c.type == pa.large_string() else np.int32)
        offsets = offsets[c.offset : c.offset + len(c) + 1]
        width = int(offsets[1] - offsets[0]) if width is None else width
        if width == 0 or (np.diff(offsets) != width).any():
            return None
        parts.append(np.frombuffer(data, dtype=np.uint8)[offsets[0] : offsets[-1]].reshape(len(c), width))
    rows = parts[0] if len(parts) == 1 else np.concatenate(parts)
    lo, hi = rows.min(axis=0).astype(np.int64), rows.max(axis=0).astype(np.int64)
    spans = hi - lo + 1
    varying = np.flatnonzero(spans > 1)
    if np.prod([float(x) for x in spans[varying]]) >= 2.0**62:
        return None
    packed = np.zeros(len(rows), dtype=np.int64)
    for j in varying:
        packed *= spans[j]
        packed += rows[:, j] - lo[j]
    return packed


def _rows_of(texts, codes: np.ndarray, df: pd.DataFrame) -> pd.Series:
    """Text per row, ``texts[codes]``, as a categorical Series (no string per row)."""
    text_codes, categories = pd.factorize(pd.Series(texts))
    return pd.Series(pd.Categorical.from_codes(text_codes[codes], categories=categories), index=df.index)


def _categorical_of(texts: pd.Series, codes: np.ndarray) -> pd.Categorical:
    """``texts.take(codes)`` as a categorical with ``str`` categories (what a Parquet round trip gives
    back): the sorted distinct texts that occur. Built from the distinct texts and integer codes only.
    """
    text_codes, categories = pd.factorize(texts, sort=True)
    row_codes = text_codes[codes]
    used = np.bincount(row_codes[row_codes >= 0], minlength=len(categories)) > 0
    renumber = np.append(np.cumsum(used) - 1, -1)  # code -1 (missing) stays -1
    return pd.Categorical.from_codes(renumber[row_codes], categories=pd.Index(categories[used], dtype=str))


def _rows(s: pd.Series | pd.DataFrame, keep: np.ndarray) -> pd.Series | pd.DataFrame:
    """``s.loc[keep]`` for a boolean array; Arrow-backed columns are filtered by pyarrow, in parallel."""
    if isinstance(s, pd.Series):
        return _rows(s.to_frame(), keep).iloc[:, 0]
    index = s.index[keep]
    arrow = pa.array(keep)

    def one(col: pd.Series):
        if is_arrow_backed(col):
            return series_of(arrow_chunks(col).filter(arrow), like=col, index=index)
        return col[keep]

    with ThreadPoolExecutor(max_workers=_THREADS) as pool:
        columns = list(pool.map(one, (s[c] for c in s.columns)))
    return pd.concat(columns, axis=1) if columns else s.loc[keep]


def month_of(t: pd.Series) -> pd.Series:
    """Calendar month (naive month-start timestamp) of tz-aware times, in the times' own zone (WIB).

    An order at 06:00 WIB on 1 March (23:00 UTC on 28 February) belongs to March.
    """
    local = _wall_clock(t)
    unit_per_day = np.timedelta64(1, "D") // np.timedelta64(1, np.datetime_data(local.dtype)[0])
    nat = np.isnat(local)
    days = local.view(np.int64) // unit_per_day
    months = np.full(len(local), np.datetime64("NaT"), dtype=local.dtype)
    if (~nat).any():  # month of each day in the range, looked up by day (numpy's calendar is slow per row)
        first, last = days[~nat].min(), days[~nat].max()
        month_of_day = np.arange(first, last + 1).astype("datetime64[D]").astype("datetime64[M]")
        months[~nat] = month_of_day.astype(local.dtype)[days[~nat] - first]
    return pd.Series(months, index=t.index, name=t.name)


#: :func:`_wall_clock` looks time zone offsets up per hour when the times span at most this many hours
_HOURS_LOOKED_UP = 1_000_000


def _wall_clock(t: pd.Series) -> np.ndarray:
    """The naive local times (wall clock) of tz-aware times, as ``t.dt.tz_localize(None)`` gives them.

    The zone's offset is found once per hour of the span and applied to every time of that hour;
    times in an hour where the offset changes (a transition within it) are converted one by one.
    """
    utc = t.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy()
    unit = np.datetime_data(utc.dtype)[0]
    per_hour = np.timedelta64(1, "h") // np.timedelta64(1, unit)
    values = utc.view(np.int64)
    known = ~np.isnat(utc)
    if not known.any():
        return utc
    hours = values[known] // per_hour
    first, last = int(hours.min()), int(hours.max())
    if last - first > _HOURS_LOOKED_UP:
        return t.dt.tz_localize(None).to_numpy()
    starts = np.arange(first, last + 2, dtype=np.int64) * per_hour  # each hour's start, and the next
    ends = starts[1:] - 1

    def offsets(at: np.ndarray) -> np.ndarray:
        stamps = pd.DatetimeIndex(at.view(utc.dtype)).tz_localize("UTC").tz_convert(t.dt.tz)
        return stamps.tz_localize(None).asi8 - at

    at_start, at_end = offsets(starts[:-1]), offsets(ends)
    local = values.copy()
    local[known] += at_start[hours - first]
    changing = at_start != at_end
    if changing.any():  # rows in an hour with a transition: converted exactly
        rows = np.flatnonzero(known)[changing[hours - first]]
        local[rows] = t.iloc[rows].dt.tz_localize(None).to_numpy().view(np.int64)
    return local.view(utc.dtype)


def reseller_monthly(
    orders: pd.DataFrame, *, key_codes: tuple[np.ndarray, pa.Array] | None = None
) -> pd.DataFrame:
    """Completed orders per reseller × WIB month: count, GMV and commission (rupiah).

    Cancelled and returned orders are excluded. GMV (``gross_idr``) is sales value,
    never income; ``commission_idr`` is the reseller's earning. Missing amounts are
    skipped in sums (a month whose amounts are all missing sums to 0 with its count kept).
    Rows are sorted by ``reseller_key`` and ``month``; orders without either are not counted.

    Grouped on one integer per reseller × month (from sorted factorisations of both) and
    summed exactly in int64 by numpy: no key text is touched per row.

    ``key_codes``, optional: ``(codes, keys)`` with ``orders["reseller_key"]`` equal to
    ``keys[codes]`` (code -1: missing), row for row — saves hashing the key texts again (the
    ``reseller_key`` column may then be absent).
    """
    done = (orders["status"] == "completed").to_numpy(dtype=bool)
    known_keys = _sorted_key_codes(*key_codes, done) if key_codes is not None else None
    if known_keys is None and "reseller_key" not in orders:  # (keys that repeat: a hash collision)
        codes, texts = key_codes
        orders = orders.assign(reseller_key=pseudonyms_by_code(texts, codes, orders.index))
    if known_keys is None:
        key_codes, keys = pd.factorize(orders["reseller_key"][done], sort=True)
    else:
        key_codes, keys = known_keys
    month_codes, months = pd.factorize(orders["month"][done], sort=True)
    known = (key_codes >= 0) & (month_codes >= 0)
    key_codes, month_codes = key_codes[known], month_codes[known]
    rows = np.flatnonzero(done)[known]  # positions in ``orders`` of the counted rows
    n_months = max(len(months), 1)
    groups, counts, sums = _group_sums(
        key_codes.astype(np.int64) * n_months + month_codes,
        {c: orders[c].to_numpy(dtype=np.int64, na_value=0)[rows] for c in ("gross_idr", "commission_idr")},
    )
    group_key, group_month = np.divmod(groups, n_months)
    # each reseller's participant: from its first completed order
    first = np.full(len(keys), len(key_codes), dtype=np.int64)
    np.minimum.at(first, key_codes, np.arange(len(key_codes)))
    participant = orders["participant_id"].astype("string").array.take(rows[first[group_key]])
    return pd.DataFrame(
        {
            "reseller_key": pd.Series(keys.take(group_key), dtype="string"),
            "participant_id": pd.Series(participant, dtype="string"),
            "month": pd.Series(months.take(group_month)),
            "orders_completed": pd.array(counts, dtype="Int64"),
            "gross_idr": pd.array(sums["gross_idr"], dtype="Int64"),
            "commission_idr": pd.array(sums["commission_idr"], dtype="Int64"),
        }
    )


MONTHLY_SUMS = ("orders_completed", "gross_idr", "commission_idr")


def combine_monthly(parts: pd.DataFrame) -> pd.DataFrame:
    """Monthly tables of parts of the orders (:func:`reseller_monthly` of each) summed into one:
    one row per reseller × month, sorted by ``reseller_key`` and ``month``.

    Parts must hold all rows of a reseller that they share (any split of orders does).
    Sums stay exact (``Int64``); ``participant_id`` is the reseller's (the same in every part).
    """
    g = parts.groupby(["reseller_key", "month"], sort=True, observed=True)
    sums = g[list(MONTHLY_SUMS)].sum()
    out = sums.assign(participant_id=g["participant_id"].first()).reset_index()
    return out[list(parts.columns)].astype(parts.dtypes.to_dict())


def _sorted_key_codes(codes: np.ndarray, keys: pa.Array, rows: np.ndarray):
    """``pd.factorize(keys[codes][rows], sort=True)`` from the codes (``None`` if ``keys`` repeat)."""
    codes = codes[rows]
    present = np.flatnonzero(np.bincount(codes[codes >= 0], minlength=len(keys)))
    texts = keys.take(pa.array(present))
    order = pc.array_sort_indices(texts).to_numpy()
    texts = texts.take(pa.array(order))
    if len(texts) > 1 and pc.any(pc.equal(texts[1:], texts[:-1])).as_py():
        return None
    rank = np.full(len(keys) + 1, -1, dtype=np.intp)
    rank[present[order]] = np.arange(len(present))
    return rank[codes], pd.array(texts, dtype=pd.StringDtype("pyarrow"))


def _group_sums(
    group: np.ndarray, values: dict[str, np.ndarray]
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """The distinct non-negative group numbers (ascending), rows per group and exact sums per group."""
    dense = not len(group) or group.max() < max(4 * len(group), 1 << 20)
    if dense:
        labels, index = None, group
        n = int(group.max()) + 1 if len(group) else 0
    else:
        labels, index = np.unique(group, return_inverse=True)
        n = len(labels)
    counts = np.bincount(index, minlength=n)
    present = np.flatnonzero(counts)
    sums = {}
    most = int(counts.max()) if len(counts) else 0
    for name, v in values.items():
        if len(v) and 0 <= v.min() and int(v.max()) * most < 2**53:
            # every partial sum is an integer below 2**53, which float64 holds exactly
            sums[name] = np.bincount(index, weights=v, minlength=n)[present].astype(np.int64)
            continue
        total = np.zeros(n, dtype=np.int64)
        np.add.at(total, index, v)
        sums[name] = total[present]
    return (present if dense else labels[present]), counts[present], sums
