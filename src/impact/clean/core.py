"""The cleaning core both engines share: survey tables, sales tables, the audit.

Each engine (:mod:`impact.clean.engines`) reads the raw folder its own way and calls these
functions unchanged, so both give the same tables, quarantine, lineage and audit.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from impact import config, io, vocab
from impact._version import __version__
from impact.clean import survey
from impact.clean.audit import Ledger, build_audit, check_reconciled, lineage_counts
from impact.clean.link import link_accounts, link_counts
from impact.clean.pseudonymise import pseudonymise, pseudonyms_by_code, pseudonyms_of
from impact.clean.sales import reseller_monthly
from impact.contract import FOLLOWUP_COLUMNS, ORDER_COLUMNS, PARTICIPANT_COLUMNS

__all__ = [
    "SurveyTables",
    "clean_survey",
    "make_audit",
    "sales_tables",
    "sort_quarantine",
]

_SOURCE = ["source_file", "source_row"]


def _read_survey(paths: list[Path], raw_dir: Path, *, fields, required) -> tuple[pd.DataFrame, dict, dict]:
    frames, rows_read, notes = [], {}, {}
    for p in paths:
        name = p.relative_to(raw_dir).as_posix()
        rf = io.read_survey_file(p, name)
        body, had_hxl = survey.drop_hxl_row(rf.frame)
        first_row = 3 if had_hxl else 2
        body = body.assign(source_file=name, source_row=range(first_row, first_row + len(body)))
        resolved, extra = survey.resolve_columns(body, fields=fields, required=required, file=name)
        cut = rf.notes.get(io.INCOMPLETE, [""] * len(rf.frame))[len(rf.frame) - len(body) :]
        frames.append(resolved.assign(**{io.INCOMPLETE: list(cut)}))
        rows_read[name] = len(body)
        kept = ("encoding", "delimiter", "sheet", "nul_bytes_removed")
        notes[name] = {
            "format": p.suffix.lower().lstrip("."),
            **{k: v for k, v in rf.notes.items() if k in kept},
            "hxl_row_skipped": had_hxl,
            "unknown_columns": len(extra),
        }
    frame = (
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame(columns=[*fields, "source_file", "source_row"])
    )
    return frame, rows_read, notes


@dataclass
class SurveyTables:
    """The cleaned survey: the output tables and their lineage, plus what sales linkage and the
    audit need."""

    base: pd.DataFrame  #: cleaned baseline with ``participant_id`` and normalised ``reseller_id``
    participants: pd.DataFrame
    followups: pd.DataFrame
    lineage: dict[str, pd.DataFrame]  #: ``participants``/``followups`` → source file and row per row
    rows_read: dict[str, int]
    notes: dict[str, dict]


def _lineage(table: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source_file": table["source_file"].astype("string").to_numpy(),
            "source_row": table["source_row"].to_numpy(dtype=np.int64),
        }
    )


def clean_survey(
    raw_dir: Path, files: dict[str, list[Path]], ledger: Ledger, *, params: config.CleaningParams, secret: str
) -> SurveyTables:
    """Clean, link and pseudonymise the survey exports of a raw folder (small: always pandas)."""
    base_raw, read_b, notes_b = _read_survey(
        files["baseline"], raw_dir, fields=survey.BASELINE_FIELDS, required=survey.BASELINE_REQUIRED
    )
    fu_raw, read_f, notes_f = _read_survey(
        files["followup"], raw_dir, fields=survey.FOLLOWUP_FIELDS, required=survey.FOLLOWUP_REQUIRED
    )
    base = survey.clean_baseline(base_raw, ledger, params=params)
    fu = survey.clean_followups(fu_raw, base, ledger, params=params) if len(fu_raw) else _empty_followups()
    pid = pseudonymise(base["participant_code"], secret=secret, prefix="P-", namespace="participant")
    base = base.assign(participant_id=pid)
    participants = base.assign(
        reseller_key=pseudonymise(base["reseller_id"], secret=secret, prefix="R-", namespace="reseller")
    )
    fu = fu.assign(
        participant_id=fu["participant_code"].map(dict(zip(base["participant_code"], pid, strict=True)))
    )
    participants = participants.sort_values(["cohort", "participant_id"], ignore_index=True)
    fu = fu.sort_values(["participant_id", "wave"], ignore_index=True)
    out_participants = participants[list(PARTICIPANT_COLUMNS)]
    out_followups = fu[list(FOLLOWUP_COLUMNS)].astype({"participant_id": "string"})
    lineage = {"participants": _lineage(participants), "followups": _lineage(fu)}
    return SurveyTables(base, out_participants, out_followups, lineage, read_b | read_f, notes_b | notes_f)


def sales_tables(
    orders: pd.DataFrame, base: pd.DataFrame, *, secret: str
) -> tuple[pd.DataFrame, pd.DataFrame, dict, pd.DataFrame]:
    """Cleaned orders → the ``orders`` and ``reseller_monthly`` tables, the linkage counts
    (:func:`impact.clean.link.link_counts`) and the orders' lineage (source file and row of each
    output row). Works on all orders or on any part of them holding whole orders (the Dask engine
    runs it per partition).
    """
    orders = link_accounts(orders, base)
    # one factorisation of the account ids serves the pseudonyms and the monthly table
    rid_codes, rid_uniques = pd.factorize(orders["reseller_id"])
    reseller_keys = pseudonyms_of(rid_uniques, secret=secret, prefix="R-", namespace="reseller")
    orders = orders.assign(reseller_key=pseudonyms_by_code(reseller_keys, rid_codes, orders.index))
    # orders stay in export order (file, row) of the kept rows: deterministic, and no sort of millions
    out_orders = orders[list(ORDER_COLUMNS)].reset_index(drop=True)
    lineage = pd.DataFrame(
        {
            "source_file": orders["source_file"].to_numpy(),
            "source_row": orders["source_row"].to_numpy(dtype=np.int64),
        }
    )
    monthly = reseller_monthly(out_orders, key_codes=(rid_codes, reseller_keys))
    return out_orders, monthly, link_counts(orders), lineage


def sort_quarantine(q: pd.DataFrame) -> pd.DataFrame:
    """The quarantine in file, row, column order."""
    return q.sort_values(["source_file", "source_row", "column"], ignore_index=True)


def make_audit(
    raw_name: str,
    key_source: str,
    params: config.CleaningParams,
    sv: SurveyTables,
    ledger: Ledger,
    *,
    rows_read: dict[str, int],
    rows_clean: dict[str, int],
    notes: dict[str, dict],
    input_sha256: dict[str, str],
    tables: dict[str, int],
    match: dict,
    engine: dict,
) -> dict:
    """``audit.json``: per-file reconciliation, totals, table sizes, linkage, inputs and parameters.

    ``rows_clean`` counts the sales rows in the output (from their lineage); the survey's are
    counted here from ``sv.lineage``. Raises :class:`~impact.errors.AccountingError` when any
    file's rows do not reconcile: then nothing is written.
    """
    clean_counts = lineage_counts(*sv.lineage.values())
    for name, k in rows_clean.items():
        clean_counts[name] = clean_counts.get(name, 0) + k
    per_file = build_audit(rows_read, ledger, clean_counts, extra=sv.notes | notes)
    check_reconciled(per_file)
    return {
        "impact_version": __version__,
        "raw_dir": raw_name,
        "secret_source": key_source,
        "engine": engine,
        "parameters": {
            "working_days_per_month": params.working_days_per_month,
            "max_monthly_income_idr": params.max_monthly_income_idr,
            "max_order_gross_idr": params.max_order_gross_idr,
        },
        "files": per_file,
        "input_sha256": input_sha256,
        "totals": _totals(per_file),
        "tables": {"participants": len(sv.participants), "followups": len(sv.followups), **tables},
        "linkage": {
            "followups_linked": len(sv.followups),
            "followups_linked_by_phone": sum(
                v for (_, r), v in ledger.corrections.items() if r == "linked_by_phone"
            ),
            "participants_in_survey": int(sv.base["participant_code"].nunique()),
            **match,
        },
    }


def _totals(per_file: dict) -> dict:
    keys = ("rows_read", "rows_clean", "rows_quarantined", "rows_duplicate", "cells_set_missing")
    return {k: sum(f[k] for f in per_file.values()) for k in keys}


def _empty_followups() -> pd.DataFrame:
    """No follow-up rows (no files, or header-only files): an empty table with the contract's dtypes."""
    dtypes = {
        "participant_id": "string",
        "participant_code": "string",
        "wave": vocab.WAVE_DTYPE,
        "interview_date": "datetime64[ns]",
        "still_active": "boolean",
        "reemployed": "boolean",
        "source_file": "string",
        "source_row": "int64",
    }
    columns = (*FOLLOWUP_COLUMNS, "participant_code", *_SOURCE)
    return pd.DataFrame({c: pd.Series(dtype=dtypes.get(c, "Int64")) for c in columns})
