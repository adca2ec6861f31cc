"""Bookkeeping of every raw row: quarantine entries, duplicates, correction counts, and the
reconciliation that proves nothing was lost.

Cleaning steps are pure: each returns its clean frame plus *records* of what it did, kept in a
:class:`Ledger` — quarantine entries (a whole row set aside, or one cell set missing), rows dropped
as duplicates, and correction counts. Clean rows are counted separately, from the lineage of the
output tables (the raw file and row each clean row came from, see :func:`lineage_counts`), so
:func:`build_audit` checks, per raw file::

    rows_read == rows_clean + rows_quarantined + rows_duplicate

A row that a step drops without recording it breaks that equation, and
:func:`check_reconciled` raises :class:`~impact.errors.AccountingError` naming the file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from impact.contract import REVIEW_COLUMNS, SCOPE, empty_quarantine, empty_review
from impact.errors import AccountingError

__all__ = [
    "MASK",
    "PII_COLUMNS",
    "REVIEW_COLUMNS",
    "Ledger",
    "build_audit",
    "check_reconciled",
    "concat_quarantine",
    "empty_review",
    "lineage_counts",
    "quarantine_entries",
    "review_entries",
]

#: columns whose raw values are personal data: masked in quarantine
PII_COLUMNS = frozenset(
    {"respondent/full_name", "respondent/phone", "respondent/nik", "full_name", "phone", "nik", "name"}
)
MASK = "[masked]"


def quarantine_entries(
    frame: pd.DataFrame, mask: pd.Series, *, column: str, raw: pd.Series, reason: pd.Series | str, scope: str
) -> pd.DataFrame:
    """Quarantine entries for the rows of ``frame`` where ``mask`` holds.

    ``frame`` must carry ``source_file`` and ``source_row``; ``raw`` is the raw text
    of ``column`` (masked if the column is personal data); ``reason`` is one text or
    a Series aligned with ``frame``.
    """
    mask = mask.fillna(False).astype(bool)
    if not mask.any():
        return empty_quarantine()
    sub = frame.loc[mask]
    value = (
        pd.Series(MASK, index=sub.index, dtype="string")
        if column in PII_COLUMNS
        else raw[mask].astype("string")
    )
    reasons = (
        reason[mask].astype("string") if isinstance(reason, pd.Series) else pd.Series(reason, index=sub.index)
    )
    return pd.DataFrame(
        {
            "source_file": sub["source_file"].astype("string"),
            "source_row": sub["source_row"].astype("Int64"),
            "column": pd.Series(column, index=sub.index, dtype="string"),
            "value": value,
            "reason": reasons.astype("string"),
            SCOPE: pd.Series(scope, index=sub.index, dtype="string"),
        }
    ).reset_index(drop=True)


def concat_quarantine(parts: Iterable[pd.DataFrame]) -> pd.DataFrame:
    parts = [p for p in parts if len(p)]
    if not parts:
        return empty_quarantine()
    return pd.concat(parts, ignore_index=True)


@dataclass
class Ledger:
    """What one cleaning stage did, per source file."""

    quarantine: list[pd.DataFrame] = field(default_factory=list)
    #: (source_file, rule) -> count of corrections applied
    corrections: dict[tuple[str, str], int] = field(default_factory=dict)
    #: (source_file, source_row) of rows dropped as duplicates
    duplicates: list[pd.DataFrame] = field(default_factory=list)
    #: answers matched tolerantly or not at all, for a person to review (see :func:`review_entries`)
    reviews: list[pd.DataFrame] = field(default_factory=list)

    def review(self, entries: pd.DataFrame) -> None:
        """Keep :func:`review_entries` for the review file."""
        if len(entries):
            self.reviews.append(entries)

    def review_table(self) -> pd.DataFrame:
        """Every review entry, one row per field × answer × file (see :func:`review_entries`)."""
        if not self.reviews:
            return empty_review()
        return pd.concat(self.reviews, ignore_index=True).sort_values(
            ["field", "status", "value", "source_file"], ignore_index=True
        )

    def count(self, files: pd.Series, mask: pd.Series, rule: str) -> None:
        """Count a correction rule per source file where ``mask`` holds."""
        mask = mask.fillna(False).astype(bool)
        if not mask.any():
            return
        for f, k in files[mask].value_counts(sort=False).items():
            if k:
                key = (str(f), rule)
                self.corrections[key] = self.corrections.get(key, 0) + int(k)

    def add(self, file: str, rule: str, k: int) -> None:
        """Count ``k`` corrections of ``rule`` in ``file``."""
        if k:
            self.corrections[(str(file), rule)] = self.corrections.get((str(file), rule), 0) + int(k)

    def set_aside(self, frame: pd.DataFrame, mask: pd.Series, *, column: str, raw: pd.Series, reason) -> None:
        """Quarantine whole rows."""
        self.quarantine.append(
            quarantine_entries(frame, mask, column=column, raw=raw, reason=reason, scope="row")
        )

    def cells(self, frame: pd.DataFrame, mask: pd.Series, *, column: str, raw: pd.Series, reason) -> None:
        """Quarantine cells whose value was set missing (the row stays)."""
        self.quarantine.append(
            quarantine_entries(frame, mask, column=column, raw=raw, reason=reason, scope="cell")
        )

    def duplicate(self, frame: pd.DataFrame, mask: pd.Series) -> None:
        mask = mask.fillna(False).astype(bool)
        if mask.any():
            self.duplicates.append(frame.loc[mask, ["source_file", "source_row"]].reset_index(drop=True))

    def quarantine_table(self) -> pd.DataFrame:
        return concat_quarantine(self.quarantine)

    def records(self) -> pd.DataFrame:
        """Quarantine entries and duplicate rows as one table (``scope``: row, cell or duplicate),
        for shipping a ledger between processes; :meth:`absorb` takes it back. Corrections are counts
        and travel separately (:attr:`corrections`).
        """
        dtypes = empty_quarantine().dtypes
        dups = [
            d.assign(column=pd.NA, value=pd.NA, reason=pd.NA, **{SCOPE: "duplicate"}).astype(dtypes)
            for d in self.duplicates
        ]
        return concat_quarantine([*self.quarantine, *dups])

    def absorb(self, records: pd.DataFrame, corrections: dict[tuple[str, str], int] | None = None) -> None:
        """Add what another ledger recorded (:meth:`records`, and its corrections)."""
        dup = (records[SCOPE] == "duplicate").to_numpy(dtype=bool)
        if (~dup).any():
            self.quarantine.append(records[~dup].reset_index(drop=True))
        if dup.any():
            self.duplicates.append(records.loc[dup, ["source_file", "source_row"]].reset_index(drop=True))
        for key, k in (corrections or {}).items():
            self.corrections[key] = self.corrections.get(key, 0) + int(k)


def review_entries(field_name: str, raw: pd.Series, parsed: pd.DataFrame, files: pd.Series) -> pd.DataFrame:
    """The answers of one field that a person should look at, counted per distinct answer and file.

    ``status`` is ``unmapped`` (an answer that matched nothing: with the closest ``suggestions``)
    or ``matched`` (an answer matched by a tolerant step, ``how``: prefix, acronym, token, fuzzy;
    ``mapped_to`` says to what). Exact spellings and blanks are not listed. ``parsed`` is a
    parser's output (``value``, ``issue`` and, for tolerant parsers, ``how`` and ``suggestions``).
    Grouped on the distinct answers: no loop over rows.
    """
    issue = parsed["issue"].astype("string")
    how = parsed["how"] if "how" in parsed else pd.Series(pd.NA, index=parsed.index, dtype="string")
    tolerant = how.notna() & ~how.isin(["alias", "programme"])
    unmapped = (issue == "invalid").fillna(False)
    pick = (tolerant | unmapped).fillna(False).to_numpy(dtype=bool)
    if not pick.any():
        return empty_review()
    suggestions = parsed["suggestions"] if "suggestions" in parsed else pd.Series(pd.NA, index=parsed.index)
    rows = pd.DataFrame(
        {
            "field": field_name,
            "value": raw.astype("string").str.strip(),
            "status": pd.Series("matched", index=parsed.index).where(~unmapped, "unmapped"),
            "mapped_to": parsed["value"].astype("string"),
            "how": how.astype("string"),
            "suggestions": suggestions.astype("string"),
            "source_file": files.astype("string"),
        }
    )[pick]
    keys = ["field", "value", "status", "mapped_to", "how", "suggestions", "source_file"]
    counted = rows.groupby(keys, dropna=False, sort=True).size().rename("rows").reset_index()
    return counted[list(REVIEW_COLUMNS)].astype({"rows": "Int64"} | dict.fromkeys(keys, "string"))


def lineage_counts(*lineages: pd.DataFrame) -> dict[str, int]:
    """Clean rows per raw file, counted from lineage tables (``source_file`` per clean row)."""
    counts: dict[str, int] = {}
    for lineage in lineages:
        files = lineage["source_file"]
        if isinstance(files.dtype, pd.CategoricalDtype):  # the sales path: count codes, not text
            codes = files.cat.codes.to_numpy()
            n = np.bincount(codes[codes >= 0], minlength=len(files.cat.categories))
            pairs = zip(files.cat.categories, n, strict=True)
        else:
            pairs = files.value_counts(sort=False).items()
        for name, k in pairs:
            if k:
                counts[str(name)] = counts.get(str(name), 0) + int(k)
    return counts


def build_audit(
    rows_read: Mapping[str, int],
    ledger: Ledger,
    rows_clean: Mapping[str, int],
    extra: Mapping[str, dict] | None = None,
) -> dict:
    """Per-file reconciliation: rows read, clean, quarantined (whole rows), duplicate; corrections.

    ``rows_clean`` is counted from the output tables' lineage (:func:`lineage_counts`), never
    derived from the other counts, so ``reconciled`` is a real check: it is False for a file
    whose rows read differ from clean + quarantined + duplicate (a row lost or counted twice).
    """
    q = ledger.quarantine_table()
    row_q = q[q[SCOPE] == "row"].drop_duplicates(["source_file", "source_row"])
    q_counts = row_q["source_file"].value_counts().to_dict()
    cell_counts = q[q[SCOPE] == "cell"]["source_file"].value_counts().to_dict()
    dups = (
        pd.concat(ledger.duplicates, ignore_index=True)
        if ledger.duplicates
        else pd.DataFrame(columns=["source_file"])
    )
    d_counts = dups["source_file"].astype("string").value_counts().to_dict()
    recorded = {
        "clean rows": set(rows_clean),
        "quarantined rows or cells": set(q["source_file"].dropna().astype(str)),
        "duplicates": set(dups["source_file"].dropna().astype(str)),
        "corrections": {f for f, _ in ledger.corrections},
    }
    for what, names in recorded.items():
        unknown = sorted(names - set(rows_read))
        if unknown:
            raise AccountingError(f"{what} recorded for file(s) never read: {', '.join(unknown)}")
    files: dict[str, dict] = {}
    for f, n in rows_read.items():
        nq, nd, nc = int(q_counts.get(f, 0)), int(d_counts.get(f, 0)), int(rows_clean.get(f, 0))
        corrections = {rule: k for (ff, rule), k in sorted(ledger.corrections.items()) if ff == f}
        files[f] = {
            "rows_read": int(n),
            "rows_clean": nc,
            "rows_quarantined": nq,
            "rows_duplicate": nd,
            "reconciled": int(n) == nc + nq + nd,
            "cells_set_missing": int(cell_counts.get(f, 0)),
            "corrections": corrections,
            **((extra or {}).get(f, {})),
        }
    return files


def check_reconciled(files: Mapping[str, dict]) -> None:
    """Raise :class:`~impact.errors.AccountingError` when any file's rows do not reconcile."""
    broken = [
        f"{name}: read {f['rows_read']:,} ≠ clean {f['rows_clean']:,} + quarantined "
        f"{f['rows_quarantined']:,} + duplicate {f['rows_duplicate']:,}"
        for name, f in files.items()
        if not f["reconciled"]
    ]
    if broken:
        raise AccountingError(
            "rows are not all accounted for (a bug in the cleaning code; nothing was written): "
            + "; ".join(broken)
        )
