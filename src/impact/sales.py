"""Cleaning platform order exports: de-duplicate across exports, parse, bucket by WIB month.

Built for platform scale (tens of millions of rows on one laptop): every parser
works on the *distinct* values of a column (see :mod:`impact.parse`), the frame
keeps pyarrow-backed strings until values are parsed, and aggregation groups on
integer codes. No Python loop runs per row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from impact import config, parse, vocab
from impact.audit import Ledger
from impact.io import InputError, RawFile

SALES_FIELDS = ("order_id", "order_time", "reseller_id", "category", "quantity", "gross_amount",
                "reseller_commission", "status")  # fmt: skip
SALES_REQUIRED = ("order_id", "order_time", "reseller_id", "gross_amount", "reseller_commission", "status")


def resolve_sales_columns(raw: RawFile) -> pd.DataFrame:
    """The contract's columns of one export (case and spaces in headers ignored).

    A missing required column raises :class:`InputError` naming the file and what was found.
    Optional ``category``/``quantity`` become blank when absent.
    """
    keys = {str(c).replace("\ufeff", "").strip().lower(): c for c in raw.frame.columns}
    missing = [f for f in SALES_REQUIRED if f not in keys]
    if missing:
        found = ", ".join(map(str, list(raw.frame.columns)[:12]))
        raise InputError(f"{raw.name}: missing required column(s) {', '.join(missing)}; found: {found}")
    n = len(raw.frame)
    cols = {}
    for f in SALES_FIELDS:
        if f in keys:
            cols[f] = raw.frame[keys[f]].astype(pd.StringDtype("pyarrow"))
        else:
            cols[f] = pd.Series(pd.array([""] * n, dtype=pd.StringDtype("pyarrow")), index=raw.frame.index)
    return pd.DataFrame(cols)


def stack_exports(files: list[RawFile]) -> pd.DataFrame:
    """All exports in one frame, in export order, with ``source_file`` (categorical) and ``source_row``."""
    parts = []
    for i, f in enumerate(files):
        part = resolve_sales_columns(f)
        part["source_file"] = pd.Categorical.from_codes(
            np.full(len(part), i, dtype=np.int16), categories=[x.name for x in files]
        )
        part["source_row"] = np.arange(2, len(part) + 2, dtype=np.int64)
        parts.append(part)
    if not parts:
        return pd.DataFrame(
            {
                **{c: pd.Series(dtype=pd.StringDtype("pyarrow")) for c in SALES_FIELDS},
                "source_file": pd.Series(dtype="category"),
                "source_row": pd.Series(dtype=np.int64),
            }
        )
    df = pd.concat(parts, ignore_index=True)
    return df


def drop_superseded(df: pd.DataFrame, ledger: Ledger) -> pd.DataFrame:
    """One row per order: the row from the export that sorts last (within it, the last row).

    Rows without an order id cannot be de-duplicated or identified and are set aside.
    Earlier copies — exact repeats or older states of the order — count as duplicates.
    """
    oid = df["order_id"].str.strip()
    blank = oid.isna() | (oid == "")
    if blank.any():
        ledger.set_aside(df, blank, column="order_id", raw=df["order_id"], reason="no order id")
    codes, _ = pd.factorize(oid.where(~blank))
    # keep the last occurrence of each code (rows are already in export order)
    dup = pd.Series(pd.Index(codes).duplicated(keep="last"), index=df.index) & ~blank
    ledger.duplicate(df, dup)
    keep = ~blank & ~dup
    return df.loc[keep].assign(order_id=oid[keep])


def clean_orders(df: pd.DataFrame, ledger: Ledger, *, params: config.CleaningParams) -> pd.DataFrame:
    """Parse the de-duplicated orders; rows that cannot be placed are set aside.

    Set aside whole: unparseable or implausible ``order_time`` (cannot be placed in a
    month), unknown ``status``, missing or malformed ``reseller_id``. Cells set missing:
    bad amounts (negative, above ``max_order_gross_idr``, unparseable) and quantities.
    ``month`` is the calendar month in WIB (UTC+7) as a naive month-start timestamp.
    """
    when = parse.parse_datetime(df["order_time"], tz=config.TIMEZONE)
    lo, hi = (pd.Timestamp(x, tz=config.TIMEZONE) for x in config.ORDER_TIME_RANGE)
    t = when["value"]
    out_of_range = t.notna() & ((t < lo) | (t > hi))
    bad_time = t.isna() | out_of_range
    time_reason = pd.Series("unparseable order time", index=df.index, dtype="object")
    time_reason = time_reason.mask(
        out_of_range, f"order time outside {config.ORDER_TIME_RANGE[0]}…{config.ORDER_TIME_RANGE[1]}"
    )
    time_reason = time_reason.mask(when["issue"] == "blank", "no order time")
    ledger.set_aside(df, bad_time, column="order_time", raw=df["order_time"], reason=time_reason)

    status = parse.normalise_status(df["status"])
    bad_status = status["value"].isna() & ~bad_time
    ledger.set_aside(df, bad_status, column="status", raw=df["status"], reason="unknown order status")

    rid = parse.normalise_reseller_id(df["reseller_id"])
    bad_rid = rid["value"].isna() & ~bad_time & ~bad_status
    rid_reason = "reseller id: " + rid["reason"].fillna("blank").astype(str)
    ledger.set_aside(df, bad_rid, column="reseller_id", raw=df["reseller_id"], reason=rid_reason)
    ledger.count(
        df["source_file"],
        ~bad_rid & rid["value"].notna() & (rid["value"] != df["reseller_id"]),
        "reseller_id_normalised",
    )
    ledger.count(
        df["source_file"],
        (status["value"].notna()) & (status["value"].astype("string") != df["status"]),
        "status_normalised",
    )

    keep = ~(bad_time | bad_status | bad_rid)
    df = df.loc[keep]
    amounts = {}
    for col, upper in (
        ("gross_amount", params.max_order_gross_idr),
        ("reseller_commission", params.max_order_gross_idr),
    ):
        p = parse.parse_rupiah(df[col], upper=upper)
        bad = p["issue"].isin(["invalid", "implausible"])
        ledger.cells(
            df, bad, column=col, raw=df[col], reason=col + ": " + p["reason"].fillna("invalid").astype(str)
        )
        amounts[col] = p["value"]
    qty = parse.parse_int(df["quantity"], lower=1, upper=config.MAX_ORDER_QUANTITY)
    bad_q = qty["issue"].isin(["invalid", "implausible"])
    ledger.cells(
        df,
        bad_q,
        column="quantity",
        raw=df["quantity"],
        reason="quantity: " + qty["reason"].fillna("").astype(str),
    )
    t = t[keep]
    category = df["category"].str.strip().str.lower().replace("", pd.NA)
    return pd.DataFrame(
        {
            "order_id": df["order_id"].astype("string"),
            "reseller_id": rid["value"][keep].astype("string"),
            "order_time": t,
            "month": month_of(t),
            "status": status["value"][keep].astype(vocab.STATUS_DTYPE),
            "gross_idr": amounts["gross_amount"].astype("Int64"),
            "commission_idr": amounts["reseller_commission"].astype("Int64"),
            "quantity": qty["value"].astype("Int64"),
            "category": _categorical(category),
            "source_file": df["source_file"],
            "source_row": df["source_row"],
        },
        index=df.index,
    )


def _categorical(s: pd.Series) -> pd.Categorical:
    """A categorical with ``str`` categories (what a Parquet round trip gives back), built from codes."""
    codes, uniques = pd.factorize(s, sort=True)
    return pd.Categorical.from_codes(codes, categories=pd.Index(uniques, dtype=str))


def month_of(t: pd.Series) -> pd.Series:
    """Calendar month (naive month-start timestamp) of tz-aware times, in the times' own zone (WIB).

    An order at 06:00 WIB on 1 March (23:00 UTC on 28 February) belongs to March.
    """
    local = t.dt.tz_localize(None)
    return local.dt.to_period("M").dt.to_timestamp().astype(local.dtype)


def reseller_monthly(orders: pd.DataFrame) -> pd.DataFrame:
    """Completed orders per reseller × WIB month: count, GMV and commission (rupiah).

    Cancelled and returned orders are excluded. GMV (``gross_idr``) is sales value,
    never income; ``commission_idr`` is the reseller's earning. Missing amounts are
    skipped in sums (a month whose amounts are all missing sums to 0 with its count kept).
    """
    done = orders.loc[
        orders["status"] == "completed",
        ["reseller_key", "participant_id", "month", "gross_idr", "commission_idr"],
    ]
    key_codes, key_uniques = pd.factorize(done["reseller_key"])
    month_codes, month_uniques = pd.factorize(done["month"])
    g = done.assign(_k=key_codes, _m=month_codes).groupby(["_k", "_m"], sort=False)
    agg = g.agg(
        orders_completed=("gross_idr", "size"),
        gross_idr=("gross_idr", "sum"),
        commission_idr=("commission_idr", "sum"),
    ).reset_index()
    pid = done.drop_duplicates("reseller_key").set_index("reseller_key")["participant_id"]
    keys = pd.Series(np.asarray(key_uniques, dtype=object)[agg["_k"].to_numpy()], dtype="string")
    out = pd.DataFrame(
        {
            "reseller_key": keys,
            "participant_id": keys.map(pid).astype("string"),
            "month": pd.Series(month_uniques.take(agg["_m"].to_numpy())),
            "orders_completed": agg["orders_completed"].astype("Int64"),
            "gross_idr": agg["gross_idr"].astype("Int64"),
            "commission_idr": agg["commission_idr"].astype("Int64"),
        }
    )
    return out.sort_values(["reseller_key", "month"], ignore_index=True)
