"""Applying the corrections log to raw text cells, before any parsing (see :mod:`impact.io.corrections`).

A correction changes the cells of ``field`` in the rows it names (by spreadsheet row, by
participant code, or both) whose raw text, trimmed, equals its ``current_value``; the new text
is then cleaned like any other answer. When the rows it names hold another value, it is *stale*
(the export changed, or it was already fixed) and is not applied. Every outcome is recorded: the
pipeline puts them in the audit (``corrections_log``) and counts each application per file.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

import impact.clean.parse as parse
from impact.clean.audit import PII_COLUMNS

__all__ = ["apply_corrections", "corrections_report"]

#: outcome of a correction in one file
APPLIED, STALE, NOT_FOUND = "applied", "stale", "not found"


def apply_corrections(
    frame: pd.DataFrame, log: pd.DataFrame, *, file: str, fields: tuple[str, ...] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Apply the corrections of ``log`` that concern ``file`` to ``frame`` (raw text cells under
    field names, with ``source_row``; ``participant_code`` for corrections by participant).

    Returns the corrected frame (a new one) and one outcome row per correction concerned:
    ``log_row``, ``file``, ``field``, ``status`` (applied / stale / not found), ``rows`` (cells
    changed) and ``found`` (the value found instead, for a stale one). A correction naming a field
    the file does not have is reported ``not found``. Vectorised over the frame's rows; the loop
    runs over the (few) corrections.
    """
    by_participant = (log["file"] == "") & (log["participant_code"] != "") & file.startswith("survey/")
    concerned = log[(log["file"] == file) | by_participant]
    outcomes = []
    if concerned.empty:
        return frame, _outcomes(outcomes)
    out = frame.copy(deep=False)  # copy-on-write: only the columns corrected are copied
    rows = out["source_row"].to_numpy()
    in_file = _rows_of_file(out, file)
    codes = None
    for c in concerned.itertuples(index=False):
        known = c.field in out.columns and (fields is None or c.field in fields)
        target = in_file.copy()
        if not pd.isna(c.row):
            target &= rows == int(c.row)
        if c.participant_code:
            if codes is None:
                codes = _codes(out)
            want = parse.normalise_participant_code(pd.Series([c.participant_code]))["value"].iloc[0]
            target &= (codes == want).fillna(False).to_numpy(dtype=bool)
        if not known or not target.any():
            if c.file == file or not c.participant_code or target.any():
                outcomes.append((c.log_row, file, c.field, NOT_FOUND, 0, None))
            continue
        at = np.flatnonzero(target)
        current = out[c.field].iloc[at].astype("string").fillna("").str.strip()
        hit = at[(current == (c.current_value or "")).to_numpy(dtype=bool)]
        if len(hit):
            column = out[c.field].copy()
            column.iloc[hit] = c.new_value
            out[c.field] = column
            outcomes.append((c.log_row, file, c.field, APPLIED, len(hit), None))
        else:
            found = "[masked]" if c.field in PII_COLUMNS else "; ".join(dict.fromkeys(current.tolist()))
            outcomes.append((c.log_row, file, c.field, STALE, 0, found))
    return out, _outcomes(outcomes)


def _rows_of_file(frame: pd.DataFrame, file: str) -> np.ndarray:
    """Which rows of ``frame`` come from ``file`` (all when it has no ``source_file``); compares the
    codes of a categorical column, not millions of strings."""
    if "source_file" not in frame.columns:
        return np.ones(len(frame), dtype=bool)
    files = frame["source_file"]
    if isinstance(files.dtype, pd.CategoricalDtype):
        categories = list(files.cat.categories)
        return files.cat.codes.to_numpy() == (categories.index(file) if file in categories else -2)
    return (files.astype("string") == file).fillna(False).to_numpy(dtype=bool)


def _codes(frame: pd.DataFrame) -> pd.Series:
    if "participant_code" not in frame.columns:
        return pd.Series(pd.NA, index=frame.index, dtype="string")
    return parse.normalise_participant_code(frame["participant_code"])["value"]


def _outcomes(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["log_row", "file", "field", "status", "rows", "found"]).astype(
        {
            "log_row": "int64",
            "rows": "int64",
            "file": "string",
            "field": "string",
            "status": "string",
            "found": "string",
        }
    )


def corrections_report(log: pd.DataFrame, outcomes: list[pd.DataFrame]) -> dict:
    """The audit's ``corrections_log``: one entry per correction of the log, with where it was
    applied (file and cells) or why not (stale: the value found instead; not found)."""
    if log.empty:
        return {"corrections": 0, "applied": 0, "stale": 0, "not_found": 0, "entries": []}
    every = pd.concat(outcomes, ignore_index=True) if outcomes else _outcomes([])
    entries = []
    for c in log.itertuples(index=False):
        mine = every[every["log_row"] == c.log_row]
        applied = mine[mine["status"] == APPLIED]
        stale = mine[mine["status"] == STALE]
        status = APPLIED if len(applied) else STALE if len(stale) else NOT_FOUND
        entries.append(
            {
                "log_row": int(c.log_row),
                "file": c.file or None,
                "row": None if pd.isna(c.row) else int(c.row),
                "participant_code": c.participant_code or None,
                "field": c.field,
                "status": status,
                "cells_changed": int(applied["rows"].sum()),
                "files": sorted(set(applied["file"])) if len(applied) else sorted(set(stale["file"])),
                "value_found": "; ".join(stale["found"].dropna()) or None if status == STALE else None,
                "reason": c.reason,
                "corrected_by": c.corrected_by,
                "corrected_on": c.corrected_on,
            }
        )
    counts = pd.Series([e["status"] for e in entries]).value_counts()
    return {
        "corrections": len(entries),
        "applied": int(counts.get(APPLIED, 0)),
        "stale": int(counts.get(STALE, 0)),
        "not_found": int(counts.get(NOT_FOUND, 0)),
        "entries": entries,
    }
