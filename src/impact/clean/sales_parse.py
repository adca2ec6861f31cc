"""Parsing one platform order export on its own: which of its columns hold the contract's fields
(:func:`resolve_sales_columns`) and, row by row, the parsed values and the quarantine entries each
row would get (:func:`parse_orders`, a :class:`ParsedOrders`), before de-duplication.

Nothing in a row's parse depends on other rows or other exports, so each export's result can be
made in a worker process and kept between runs (:mod:`impact.clean.sales_exports`).
De-duplication across exports and the cleaned orders follow in :mod:`impact.clean.sales`.

Every parser works on the *distinct* values of a column (see :mod:`impact.clean.parse`), the
frame keeps pyarrow-backed strings until values are parsed, and rows only carry integer codes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

import impact.clean.parse as parse
from impact import config
from impact._compat import arrow_chunks, arrow_text, is_arrow_backed
from impact.clean.parse._core import _true as true_flags
from impact.errors import InputError
from impact.io.raw import RawFile

__all__ = [
    "ENCODED_FIELDS",
    "PARSED_SCHEMA",
    "SALES_FIELDS",
    "SALES_REQUIRED",
    "ParsedOrders",
    "field_columns",
    "parse_orders",
    "resolve_sales_columns",
    "tag_rows",
]
SALES_FIELDS = (
    "order_id",
    "order_time",
    "reseller_id",
    "category",
    "quantity",
    "gross_amount",
    "reseller_commission",
    "status",
)
SALES_REQUIRED = ("order_id", "order_time", "reseller_id", "gross_amount", "reseller_commission", "status")
#: fields with few distinct values per export, worth reading as the file's own dictionary (Parquet):
#: parsed per distinct value, rows only need its codes (order ids and times are nearly all distinct)
ENCODED_FIELDS = ("reseller_id", "category", "quantity", "gross_amount", "reseller_commission", "status")


def field_columns(columns, name: str) -> dict[str, object]:
    """Which column of an export holds each contract field (header case, spaces and BOM ignored).

    A missing required column raises :class:`InputError` naming the file and what was found.
    """
    keys = {str(c).replace("\ufeff", "").strip().lower(): c for c in columns}
    missing = [f for f in SALES_REQUIRED if f not in keys]
    if missing:
        found = ", ".join(map(str, list(columns)[:12]))
        raise InputError(f"{name}: missing required column(s) {', '.join(missing)}; found: {found}")
    return {f: keys[f] for f in SALES_FIELDS if f in keys}


def resolve_sales_columns(raw: RawFile) -> pd.DataFrame:
    """The contract's columns of one export (see :func:`field_columns`), as pyarrow-backed text.

    Optional ``category``/``quantity`` become blank when absent.
    """
    found = field_columns(raw.frame.columns, raw.name)
    n = len(raw.frame)
    cols = {}
    for f in SALES_FIELDS:
        if f in found and _is_dictionary(raw.frame[found[f]]):  # read encoded (see ENCODED_FIELDS)
            cols[f] = raw.frame[found[f]]
        elif f in found:
            cols[f] = raw.frame[found[f]].astype(pd.StringDtype("pyarrow"))
        else:
            cols[f] = pd.Series(pd.array([""] * n, dtype=pd.StringDtype("pyarrow")), index=raw.frame.index)
    return pd.DataFrame(cols)


def tag_rows(df: pd.DataFrame, *, file_index: int, files: list[str], first_row: int = 2) -> pd.DataFrame:
    """Add where each row came from: ``source_file`` (categorical over ``files``, the export order)
    and ``source_row`` (spreadsheet row numbers from ``first_row``; the header is row 1).
    """
    return df.assign(
        source_file=pd.Categorical.from_codes(np.full(len(df), file_index, dtype=np.int16), categories=files),
        source_row=np.arange(first_row, first_row + len(df), dtype=np.int64),
    )


#: ``ParsedOrders.table["bad"]``: why a row is set aside whole (0: it is not)
ROW_OK, BAD_TIME, BAD_STATUS, BAD_RID = 0, 1, 2, 3
#: ``ParsedOrders.table["flags"]``: what was normalised on a row (counted per file)
RID_CHANGED, STATUS_CHANGED = 1, 2
#: ``ParsedOrders.table["missing"]``: which amounts are missing on a row
GROSS_MISSING, COMMISSION_MISSING, QUANTITY_MISSING = 1, 2, 4
#: ``ParsedOrders.table["time"]`` of a row without a time (NaT)
NO_TIME = np.iinfo(np.int64).min
#: Arrow schema of ``ParsedOrders.table`` (what the re-cleaning cache stores per export): plain
#: numbers (no nulls), so that a stored part is used in place, without conversion
PARSED_SCHEMA = pa.schema(
    [
        ("oid", pa.large_string()),  # trimmed order id
        ("time", pa.int64()),  # order time, microseconds since the epoch (UTC); NO_TIME: none
        ("bad", pa.int8()),
        ("status", pa.int8()),  # code in vocab.STATUS_DTYPE (-1: none)
        ("rid", pa.int32()),  # normalised reseller id: position in ParsedOrders.rids (-1: none)
        ("gross", pa.int64()),
        ("commission", pa.int64()),
        ("quantity", pa.int64()),
        ("missing", pa.uint8()),  # GROSS_MISSING | COMMISSION_MISSING | QUANTITY_MISSING
        ("category", pa.int32()),  # position in ParsedOrders.categories (-1: none)
        ("flags", pa.uint8()),
    ]
)
#: columns of ``ParsedOrders.issues``: quarantine entries by row position
ISSUE_COLUMNS = ("row", "column", "value", "reason", "scope")


@dataclass
class ParsedOrders:
    """Order rows parsed one by one, before de-duplication: what :func:`parse_orders` returns.

    ``table`` (:data:`PARSED_SCHEMA`) is aligned row for row with the rows parsed; ``issues``
    holds the quarantine entries those rows would get (``row``: position among them; ``scope``:
    ``row`` set aside whole, ``cell`` set missing). Nothing here depends on other rows, so one
    export's result can be kept and reused (see :mod:`impact.clean.sales_exports`).
    """

    table: pa.Table
    issues: pd.DataFrame
    rids: pa.Array  #: the distinct normalised reseller ids (``large_string``)
    categories: pa.Array  #: the distinct normalised categories (``large_string``)

    def column(self, name: str) -> np.ndarray:
        """One column of :attr:`table` as a numpy array (no copy for a stored part)."""
        chunks = self.table[name].chunks
        if len(chunks) == 1:
            return chunks[0].to_numpy()
        return self.table[name].to_numpy()

    def __len__(self) -> int:
        return self.table.num_rows


def _issues(rows: np.ndarray, column: str, raw: pd.Series, reason, scope: str) -> pd.DataFrame:
    """Quarantine entries of the rows at positions ``rows`` (``reason``: one text or one per row)."""
    value = raw.iloc[rows].astype("string").array
    return pd.DataFrame(
        {
            "row": rows.astype(np.int64),
            "column": column,
            "value": value,
            "reason": reason if isinstance(reason, str) else np.asarray(reason, dtype=object),
            "scope": scope,
        }
    ).astype({c: "string" for c in ISSUE_COLUMNS[1:]})


def _empty_issues() -> pd.DataFrame:
    return pd.DataFrame(
        {"row": pd.Series(dtype=np.int64)} | {c: pd.Series(dtype="string") for c in ISSUE_COLUMNS[1:]}
    )


def _dictionary(values: pd.Series, codes: np.ndarray) -> tuple[np.ndarray, pa.Array]:
    """``values.take(codes)`` (``values``: text per distinct raw value, missing allowed) as int32
    codes (-1: missing) into ``values`` as Arrow text. Two raw values may give the same text (the
    parts' texts are merged and factorised once, in :func:`_categorical_of_texts`)."""
    missing = np.asarray(values.isna(), dtype=bool)
    row_codes = np.where(missing[codes], -1, codes).astype(np.int32)
    if is_arrow_backed(values):
        texts = arrow_text(values)
    else:
        texts = pa.array(
            values.astype("string").astype(object).to_numpy(), pa.large_string(), from_pandas=True
        )
    return row_codes, texts


def _values(parsed: pd.Series, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-row int64 values (0 where missing) and the missing mask, from per-distinct ``Int64``."""
    array = parsed.array
    values = np.append(array.to_numpy(dtype=np.int64, na_value=0), 0)
    missing = np.append(array.isna(), True)
    return values[codes], missing[codes]


def parse_orders(df: pd.DataFrame, *, params: config.CleaningParams) -> ParsedOrders:
    """Parse order rows (the text columns :data:`SALES_FIELDS`) one by one, before de-duplication.

    Per row: the trimmed order id; whether the row is set aside whole (unparseable or implausible
    ``order_time``, which cannot be placed in a month; unknown ``status``; missing or malformed
    ``reseller_id``: :data:`BAD_TIME` … :data:`BAD_RID`, the first that applies) or kept with bad
    amounts and quantities set missing (negative, above ``max_order_gross_idr``, unparseable);
    and the parsed values. A row without an order id gets a ``no order id`` entry (it cannot be
    de-duplicated or identified: :func:`assemble_orders` sets it aside).

    Every column but the (nearly all distinct) times is factorised once and parsed per distinct
    value; rows only carry integer codes.
    """
    n = len(df)
    issues = []
    oid = df["order_id"].str.strip()
    blank = oid.isna().to_numpy() | (oid == "").fillna(False).to_numpy(dtype=bool)
    if blank.any():
        issues.append(_issues(np.flatnonzero(blank), "order_id", df["order_id"], "no order id", "row"))

    when = parse.parse_datetime(df["order_time"], tz=config.TIMEZONE)
    lo, hi = (pd.Timestamp(x, tz=config.TIMEZONE) for x in config.ORDER_TIME_RANGE)
    t = when["value"]
    parsed_time = t.notna().to_numpy()
    out_of_range = parsed_time & ((t < lo) | (t > hi)).to_numpy(dtype=bool)
    bad_time = ~parsed_time | out_of_range
    if bad_time.any():
        time_reasons = np.array(
            [
                "unparseable order time",
                f"order time outside {config.ORDER_TIME_RANGE[0]}…{config.ORDER_TIME_RANGE[1]}",
                "no order time",
            ],
            dtype=object,
        )
        time_reason = np.where(
            (when["issue"] == "blank").to_numpy(dtype=bool), 2, out_of_range.astype(np.int8)
        )
        rows = np.flatnonzero(bad_time)
        issues.append(_issues(rows, "order_time", df["order_time"], time_reasons[time_reason[rows]], "row"))

    status_codes, statuses = _distinct(df["status"])
    status = parse.normalise_status(statuses)
    bad_status = status["value"].isna().to_numpy()[status_codes] & ~bad_time
    if bad_status.any():
        issues.append(
            _issues(np.flatnonzero(bad_status), "status", df["status"], "unknown order status", "row")
        )

    rid_codes, rids = _distinct(df["reseller_id"])
    rid = parse.normalise_reseller_id(rids)
    bad_rid = rid["value"].isna().to_numpy()[rid_codes] & ~bad_time & ~bad_status
    if bad_rid.any():
        rid_reason = ("reseller id: " + rid["reason"].fillna("blank").astype(str)).to_numpy(dtype=object)
        rows = np.flatnonzero(bad_rid)
        issues.append(_issues(rows, "reseller_id", df["reseller_id"], rid_reason[rid_codes[rows]], "row"))
    rid_changed = true_flags(rid["value"].notna() & (rid["value"] != rids))[rid_codes]
    status_changed = true_flags(status["value"].notna() & (status["value"].astype("string") != statuses))
    flags = (
        rid_changed.astype(np.uint8) * RID_CHANGED
        + status_changed[status_codes].astype(np.uint8) * STATUS_CHANGED
    )

    keep = ~(bad_time | bad_status | bad_rid)
    values, missing = {}, {}
    for col, name, parser in (
        ("gross_amount", "gross", lambda x: parse.parse_rupiah(x, upper=params.max_order_gross_idr)),
        (
            "reseller_commission",
            "commission",
            lambda x: parse.parse_rupiah(x, upper=params.max_order_gross_idr),
        ),
        ("quantity", "quantity", lambda x: parse.parse_int(x, lower=1, upper=config.MAX_ORDER_QUANTITY)),
    ):
        codes, texts = _distinct(df[col])
        p = parser(texts)
        bad = p["issue"].isin(["invalid", "implausible"]).to_numpy()[codes] & keep
        if bad.any():
            fallback = "" if col == "quantity" else "invalid"
            reason = (f"{col}: " + p["reason"].fillna(fallback).astype(str)).to_numpy(dtype=object)
            rows = np.flatnonzero(bad)
            issues.append(_issues(rows, col, df[col], reason[codes[rows]], "cell"))
        values[name], missing[name] = _values(p["value"], codes)
    c_codes, c_texts = _distinct(df["category"])
    category = c_texts.str.strip().str.lower().replace("", pd.NA)

    micros = t.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy().view(np.int64)
    # (exclusive: a row is set aside for its first problem only)
    bad_code = bad_time * BAD_TIME + bad_status * BAD_STATUS + bad_rid * BAD_RID
    rid_rows, rid_texts = _dictionary(rid["value"], rid_codes)
    category_rows, category_texts = _dictionary(category, c_codes)
    table = pa.table(
        {
            "oid": arrow_text(oid) if n else pa.array([], pa.large_string()),
            "time": np.where(parsed_time, micros, NO_TIME),
            "bad": bad_code.astype(np.int8),
            "status": status["value"].cat.codes.to_numpy()[status_codes].astype(np.int8),
            "rid": rid_rows,
            **values,
            "missing": (
                missing["gross"] * GROSS_MISSING
                + missing["commission"] * COMMISSION_MISSING
                + missing["quantity"] * QUANTITY_MISSING
            ).astype(np.uint8),
            "category": category_rows,
            "flags": flags,
        },
        schema=PARSED_SCHEMA,
    )
    issues = pd.concat(issues, ignore_index=True) if issues else _empty_issues()
    return ParsedOrders(table, issues, rid_texts, category_texts)


# --- helpers: integer codes instead of repeated text ---------------------------------------------


def _distinct(s: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """``(codes, values)``: the distinct values of ``s`` plus one missing value at the end.

    ``values.take(codes)`` is ``s`` (a missing row has the code of the final missing value),
    so a parser run on ``values`` gives every row's result by ``take``.
    """
    if _is_dictionary(s):
        return _dictionary_codes(arrow_chunks(s))
    codes, uniques = pd.factorize(s)
    values = pd.Series(uniques).reindex(range(len(uniques) + 1))
    return np.where(codes < 0, len(uniques), codes), values


def _is_dictionary(s: pd.Series) -> bool:
    return isinstance(s.dtype, pd.ArrowDtype) and pa.types.is_dictionary(s.dtype.pyarrow_dtype)


def _dictionary_codes(chunked: pa.ChunkedArray) -> tuple[np.ndarray, pd.Series]:
    """:func:`_distinct` of a dictionary-encoded column, from its dictionaries and indices.

    A Parquet reader gives each row group one dictionary, shared by its chunks: each distinct
    dictionary (by memory) is factorised once with the others, and rows are mapped by index.
    """
    chunks = [c for c in chunked.chunks if len(c)]
    seen: dict[tuple, int] = {}
    dictionaries, at = [], []
    for c in chunks:
        d = c.dictionary
        key = (d.offset, len(d), *((b.address, b.size) if b is not None else None for b in d.buffers()))
        if key not in seen:
            seen[key] = len(dictionaries)
            dictionaries.append(d.cast(pa.large_string()))
        at.append(seen[key])
    texts = pa.concat_arrays(dictionaries) if dictionaries else pa.array([], pa.large_string())
    text_codes, uniques = pd.factorize(pd.array(texts, dtype=pd.StringDtype("pyarrow")))
    missing = len(uniques)
    text_codes = np.where(text_codes < 0, missing, text_codes)
    starts = np.cumsum([0] + [len(d) for d in dictionaries])
    # per dictionary: its texts' codes, then ``missing`` (taken by a null index, filled as -1)
    maps = [np.append(text_codes[starts[k] : starts[k + 1]], missing) for k in range(len(dictionaries))]
    codes = [
        maps[k][pc.fill_null(c.indices, -1).to_numpy(zero_copy_only=False)]
        for c, k in zip(chunks, at, strict=True)
    ]
    codes = np.concatenate(codes) if codes else np.zeros(0, dtype=np.intp)
    return codes, pd.Series(uniques).reindex(range(missing + 1))
