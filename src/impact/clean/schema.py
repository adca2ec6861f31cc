"""Pandera schemas of the processed tables: the contract checked at the stage boundary.

A failure here is a bug in the cleaning code, not bad input (bad input is
quarantined before): :func:`validate` collects every failure at once (lazy) and
raises one error listing them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa

from impact import config, vocab
from impact.errors import ContractError

__all__ = ["LARGE_TABLE_ROWS", "SCHEMAS", "validate"]

_money = pa.Column("Int64", pa.Check.ge(0), nullable=True)
_pid = pa.Column("string", pa.Check.str_matches(r"^P-[0-9a-f]{16}$"), nullable=False)
_cid = pa.Column("string", pa.Check.str_matches(r"^C-[0-9a-f]{16}$"), nullable=False)
_rkey = pa.Column("string", pa.Check.str_matches(r"^R-[0-9a-f]{16}$"), nullable=True)

PARTICIPANTS = pa.DataFrameSchema(
    {
        "participant_id": _pid,
        "cohort": pa.Column("string", pa.Check.str_matches(r"^[a-z0-9]+(-[a-z0-9]+)*$")),
        "confederation": pa.Column(vocab.CONFEDERATION_DTYPE),
        "gender": pa.Column(vocab.GENDER_DTYPE, nullable=True),
        "birth_year": pa.Column("Int64", pa.Check.in_range(*config.BIRTH_YEAR_RANGE), nullable=True),
        "district": pa.Column("string", nullable=True),
        "layoff_month": pa.Column("datetime64[us]", nullable=True),
        "income_before_idr": _money,
        "income_baseline_idr": _money,
        "target_monthly_idr": _money,
        "target_period_reported": pa.Column(vocab.TARGET_PERIOD_DTYPE, nullable=True),
        "reseller_key": _rkey,
        "sessions_attended": pa.Column("Int64", pa.Check.in_range(0, config.MAX_SESSIONS), nullable=True),
    },
    unique=["participant_id"],
    strict=True,
    ordered=True,
)

FOLLOWUPS = pa.DataFrameSchema(
    {
        "participant_id": _pid,
        "wave": pa.Column(vocab.WAVE_DTYPE),
        "interview_date": pa.Column("datetime64[us]", nullable=True),
        "income_total_idr": _money,
        "income_reseller_idr": _money,
        "still_active": pa.Column("boolean", nullable=True),
        "hours_per_week": pa.Column("Int64", pa.Check.in_range(0, config.MAX_HOURS_PER_WEEK), nullable=True),
        "reemployed": pa.Column("boolean", nullable=True),
        "wage_last_month_idr": _money,
    },
    unique=["participant_id", "wave"],
    strict=True,
    ordered=True,
)

ORDERS = pa.DataFrameSchema(
    {
        "order_id": pa.Column("string", unique=True),
        "reseller_key": pa.Column("string", pa.Check.str_matches(r"^R-[0-9a-f]{16}$")),
        "participant_id": pa.Column("string", nullable=True),
        "order_time": pa.Column(pd.DatetimeTZDtype("us", config.TIMEZONE)),
        "month": pa.Column("datetime64[us]"),
        "status": pa.Column(vocab.STATUS_DTYPE),
        "gross_idr": _money,
        "commission_idr": _money,
        "quantity": pa.Column("Int64", nullable=True),
        "category": pa.Column("category", nullable=True),
    },
    strict=True,
    ordered=True,
)

RESELLER_MONTHLY = pa.DataFrameSchema(
    {
        "reseller_key": pa.Column("string"),
        "participant_id": pa.Column("string", nullable=True),
        "month": pa.Column("datetime64[us]"),
        "orders_completed": pa.Column("Int64", pa.Check.ge(1)),
        "gross_idr": _money,
        "commission_idr": _money,
    },
    unique=["reseller_key", "month"],
    strict=True,
    ordered=True,
)

#: comparison respondents: participant columns, ``C-`` pseudonyms, never a reseller account
COMPARISON = PARTICIPANTS.update_columns(
    {"participant_id": {"checks": _cid.checks}, "reseller_key": {"checks": [pa.Check(lambda s: s.isna())]}}
)
COMPARISON_FOLLOWUPS = FOLLOWUPS.update_columns({"participant_id": {"checks": _cid.checks}})

SCHEMAS = {
    "participants": PARTICIPANTS,
    "followups": FOLLOWUPS,
    "orders": ORDERS,
    "reseller_monthly": RESELLER_MONTHLY,
    "comparison": COMPARISON,
    "comparison_followups": COMPARISON_FOLLOWUPS,
}


#: tables longer than this are validated on a fixed random sample of this many rows
LARGE_TABLE_ROWS = 200_000


#: …in blocks of this many consecutive rows (slices cost nothing; taking scattered rows from
#: chunked Arrow columns copies them whole)
SAMPLE_BLOCK_ROWS = 2_000


def _sample(df: pd.DataFrame) -> pd.DataFrame:
    """A fixed random sample of :data:`LARGE_TABLE_ROWS` rows of ``df``: blocks of consecutive rows
    drawn without replacement, always with the first and the last."""
    blocks = -(-len(df) // SAMPLE_BLOCK_ROWS)
    drawn = np.random.default_rng(0).choice(
        np.arange(1, blocks - 1), LARGE_TABLE_ROWS // SAMPLE_BLOCK_ROWS - 2, replace=False
    )
    starts = np.sort(np.concatenate([[0, blocks - 1], drawn])) * SAMPLE_BLOCK_ROWS
    return pd.concat([df.iloc[a : a + SAMPLE_BLOCK_ROWS] for a in starts])


def validate(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """Check one processed table against its schema, collecting every failure (lazy)."""
    big = len(df) > LARGE_TABLE_ROWS
    try:
        # at platform scale, check a fixed random sample of rows (uniqueness is guaranteed upstream),
        # drawn without permuting all rows
        if big:
            SCHEMAS[name].validate(_sample(df), lazy=True)
            return df
        return SCHEMAS[name].validate(df, lazy=True)
    except pa.errors.SchemaErrors as e:
        cases = e.failure_cases[["column", "check", "failure_case"]].head(10).to_string(index=False)
        raise ContractError(f"processed table {name!r} breaks the contract:\n{cases}") from None
