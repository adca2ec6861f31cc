"""The processed-data contract: which tables ``impact clean`` writes, their columns, and the
in-memory bundle (:class:`CleanData`) every later stage reads.

Types and checks of each column are the pandera schemas of :mod:`impact.clean.schema`; the
layout on disk is ``docs/data-contract.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from impact.programme import Programme

__all__ = [
    "FOLLOWUP_COLUMNS",
    "LINEAGE_COLUMNS",
    "LINEAGE_TABLES",
    "OPTIONAL_TABLES",
    "ORDER_COLUMNS",
    "PARTICIPANT_COLUMNS",
    "QUARANTINE_COLUMNS",
    "REVIEW_COLUMNS",
    "TABLES",
    "CleanData",
    "empty_lineage",
    "empty_quarantine",
    "empty_review",
]

PARTICIPANT_COLUMNS = (
    "participant_id",
    "cohort",
    "confederation",
    "gender",
    "birth_year",
    "district",
    "layoff_month",
    "income_before_idr",
    "income_baseline_idr",
    "target_monthly_idr",
    "target_period_reported",
    "reseller_key",
    "sessions_attended",
)
FOLLOWUP_COLUMNS = (
    "participant_id",
    "wave",
    "interview_date",
    "income_total_idr",
    "income_reseller_idr",
    "still_active",
    "hours_per_week",
    "reemployed",
    "wage_last_month_idr",
)
ORDER_COLUMNS = (
    "order_id",
    "reseller_key",
    "participant_id",
    "order_time",
    "month",
    "status",
    "gross_idr",
    "commission_idr",
    "quantity",
    "category",
)
#: the processed tables, in the order they are written
TABLES = ("participants", "followups", "orders", "reseller_monthly")
#: tables written only when there are rows for them: comparison respondents (surveyed with the
#: same forms, not trained; participant columns, pseudonyms ``C-…``) and their follow-ups
OPTIONAL_TABLES = ("comparison", "comparison_followups")

#: one quarantine entry: where (file, spreadsheet row, column), the raw value (masked for personal
#: data) and why it was set aside
QUARANTINE_COLUMNS = ("source_file", "source_row", "column", "value", "reason")
#: internal column: "row" (the whole row set aside), "cell" (the value set missing, row kept), or
#: "duplicate" (a ledger record shipped between processes)
SCOPE = "scope"

#: the tables made row by row from raw rows: each has a lineage table aligned with it row for row
LINEAGE_TABLES = ("participants", "followups", "orders", *OPTIONAL_TABLES)
#: where each clean row came from: the raw file and its spreadsheet row (the header is row 1)
LINEAGE_COLUMNS = ("source_file", "source_row")


def empty_quarantine() -> pd.DataFrame:
    """An empty quarantine table with the contract's columns and dtypes (plus the internal scope)."""
    return pd.DataFrame(
        {
            "source_file": pd.Series(dtype="string"),
            "source_row": pd.Series(dtype="Int64"),
            "column": pd.Series(dtype="string"),
            "value": pd.Series(dtype="string"),
            "reason": pd.Series(dtype="string"),
            SCOPE: pd.Series(dtype="string"),
        }
    )


#: one review entry: an answer matched tolerantly (``status`` matched) or not at all (unmapped)
REVIEW_COLUMNS = ("field", "value", "status", "mapped_to", "how", "suggestions", "rows", "source_file")


def empty_review() -> pd.DataFrame:
    """An empty review table with its columns and dtypes."""
    return pd.DataFrame({c: pd.Series(dtype="Int64" if c == "rows" else "string") for c in REVIEW_COLUMNS})


def empty_lineage() -> pd.DataFrame:
    """An empty lineage table (``source_file`` text, ``source_row`` int64)."""
    return pd.DataFrame({"source_file": pd.Series(dtype="string"), "source_row": pd.Series(dtype="int64")})


@dataclass
class CleanData:
    """The processed-data contract in memory: four tables, the quarantine and the audit.

    ``programme`` is the configuration the data was cleaned with (``programme.json``); ``review``
    lists answers matched tolerantly or not at all. ``lineage`` (internal) maps each of :data:`LINEAGE_TABLES` to a frame aligned with it row for
    row: the raw file and spreadsheet row each clean row came from. It is what the audit counts
    clean rows from. :func:`impact.load` leaves it empty unless asked (``lineage=True``).
    """

    participants: pd.DataFrame
    followups: pd.DataFrame
    orders: pd.DataFrame
    reseller_monthly: pd.DataFrame
    quarantine: pd.DataFrame
    audit: dict = field(default_factory=dict)
    lineage: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)
    #: the programme configuration, resolved (cohorts not configured are described from the data)
    programme: Programme = field(default_factory=Programme)
    #: answers matched tolerantly or not at all, for a person to review (``review.csv``)
    review: pd.DataFrame | None = field(default=None, repr=False)
    #: comparison respondents (surveyed, not trained: never participants) and their follow-ups;
    #: empty when the programme surveyed none (see ``docs/data-contract.md``)
    comparison: pd.DataFrame = field(default_factory=lambda: _empty(PARTICIPANT_COLUMNS), repr=False)
    comparison_followups: pd.DataFrame = field(default_factory=lambda: _empty(FOLLOWUP_COLUMNS), repr=False)


def _empty(columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame(columns=list(columns))
