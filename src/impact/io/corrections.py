"""Reading the corrections log (``corrections.csv`` in the raw folder).

Field-data practice (DIME's ``iecorrect``, IPA's replacements): raw exports are never edited; a
person who checks a quarantined value writes the fix into a log, with why, who and when, and the
pipeline applies it on every run. The log's columns (header names in any case):

==================  ==========================================================================
``file``            the raw file, relative to the raw folder (as in ``quarantine.csv``); may be
                    blank when ``participant_code`` is given (then every survey file)
``row``             the spreadsheet row (``source_row`` in ``quarantine.csv``); may be blank
                    when ``participant_code`` is given
``participant_code`` the participant whose rows to correct (instead of, or with, a row)
``field``           the field (``column`` in ``quarantine.csv``: ``union/confederation``, ``wave``,
                    ``status``, …)
``current_value``   the value the raw cell holds now (``value`` in ``quarantine.csv``); a blank
                    cell is written as an empty value
``new_value``       what it should be
``reason``          why (required)
``corrected_by``    who (required)
``corrected_on``    when, ``YYYY-MM-DD`` (required)
==================  ==========================================================================

A log that cannot be used (a missing column, a row without field or reason, a bad date, a
correction of an order id) stops ``impact clean`` with an error naming the log's row. A
correction whose current value no longer matches is *stale*: reported, never applied.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from impact.errors import InputError
from impact.io.raw import read_csv_text

__all__ = ["CORRECTIONS_COLUMNS", "CORRECTIONS_FILE", "empty_corrections", "read_corrections"]

CORRECTIONS_FILE = "corrections.csv"
CORRECTIONS_COLUMNS = (
    "file",
    "row",
    "participant_code",
    "field",
    "current_value",
    "new_value",
    "reason",
    "corrected_by",
    "corrected_on",
)
_REQUIRED = ("field", "current_value", "new_value", "reason", "corrected_by", "corrected_on")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def empty_corrections() -> pd.DataFrame:
    """A log with no corrections (``log_row`` is the correction's row in the log)."""
    columns = {c: pd.Series(dtype="string") for c in CORRECTIONS_COLUMNS}
    return pd.DataFrame({"log_row": pd.Series(dtype="int64"), **columns}).astype({"row": "Int64"})


def read_corrections(raw_dir: str | Path) -> pd.DataFrame:
    """The corrections log of a raw folder, checked (an empty log when there is none).

    Every value is text but ``row`` (``Int64``); ``log_row`` is the spreadsheet row of each
    correction in the log (for messages). Raises :class:`~impact.errors.InputError` naming
    ``corrections.csv`` and the row for a log that cannot be applied.
    """
    path = Path(raw_dir) / CORRECTIONS_FILE
    if not path.is_file():
        return empty_corrections()
    raw = read_csv_text(path, CORRECTIONS_FILE).frame
    raw.columns = [str(c).replace("\ufeff", "").strip().lower() for c in raw.columns]
    missing = [c for c in _REQUIRED if c not in raw.columns]
    if missing:
        raise InputError(
            f"{CORRECTIONS_FILE}: missing column(s) {', '.join(missing)}; expected {', '.join(CORRECTIONS_COLUMNS)}"
        )
    extra = sorted(set(raw.columns) - set(CORRECTIONS_COLUMNS))
    if extra:
        raise InputError(f"{CORRECTIONS_FILE}: unknown column(s) {', '.join(extra)}")
    log = pd.DataFrame({c: raw[c] if c in raw.columns else "" for c in CORRECTIONS_COLUMNS}).astype("string")
    log = log.apply(lambda col: col.str.strip()) if len(log) else log
    log.insert(0, "log_row", range(2, 2 + len(log)))
    for i, r in log.iterrows():  # a log is a handful of rows, written by hand
        where = f"{CORRECTIONS_FILE}: row {r['log_row']}"
        for c in ("field", "reason", "corrected_by", "corrected_on"):
            if not r[c]:
                raise InputError(f"{where}: {c} is empty (every correction says what, why, who and when)")
        if not _DATE.match(r["corrected_on"]):
            raise InputError(f"{where}: corrected_on {r['corrected_on']!r} is not a date like 2024-12-31")
        if not r["file"] and not r["participant_code"]:
            raise InputError(f"{where}: give the file (and row) or the participant_code to correct")
        if r["row"] and not r["row"].isdigit():
            raise InputError(f"{where}: row {r['row']!r} is not a spreadsheet row number")
        if r["row"] and not r["file"]:
            raise InputError(f"{where}: a row number needs the file it is in")
        if r["file"].startswith("sales/") and r["field"] == "order_id":
            raise InputError(
                f"{where}: order ids cannot be corrected (they identify an order across exports)"
            )
        if r["file"].startswith("sales/") and not r["row"]:
            raise InputError(f"{where}: a correction of a sales export needs its row")
        log.loc[i, "row"] = r["row"] or pd.NA
    return log.astype({"row": "Int64"})
