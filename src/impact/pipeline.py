"""The friendly layer: a raw folder in, clean pseudonymised tables and an audit out, in one call.

>>> data = clean("data/sample/raw")          # doctest: +SKIP
>>> data.participants.groupby("gender", observed=False).size()  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from impact import __version__, config, io, sales, schema, survey
from impact.audit import SCOPE, Ledger, build_audit, empty_quarantine
from impact.link import link_orders
from impact.privacy import pseudonymise, pseudonyms_by_code, pseudonyms_of, resolve_secret

PARTICIPANT_COLUMNS = (
    "participant_id", "cohort", "confederation", "gender", "birth_year", "district", "layoff_month",
    "income_before_idr", "income_baseline_idr", "target_monthly_idr", "target_period_reported", "reseller_key",
    "sessions_attended",
)  # fmt: skip
FOLLOWUP_COLUMNS = (
    "participant_id", "wave", "interview_date", "income_total_idr", "income_reseller_idr", "still_active",
    "hours_per_week", "reemployed", "wage_last_month_idr",
)  # fmt: skip
ORDER_COLUMNS = ("order_id", "reseller_key", "participant_id", "order_time", "month", "status", "gross_idr",
                 "commission_idr", "quantity", "category")  # fmt: skip
TABLES = ("participants", "followups", "orders", "reseller_monthly")


@dataclass
class CleanData:
    """The processed-data contract in memory: four tables, the quarantine and the audit."""

    participants: pd.DataFrame
    followups: pd.DataFrame
    orders: pd.DataFrame
    reseller_monthly: pd.DataFrame
    quarantine: pd.DataFrame
    audit: dict = field(default_factory=dict)


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
        notes[name] = {
            "format": p.suffix.lower().lstrip("."),
            **{
                k: v
                for k, v in rf.notes.items()
                if k in ("encoding", "delimiter", "sheet", "nul_bytes_removed")
            },
            "hxl_row_skipped": had_hxl,
            "unknown_columns": len(extra),
        }
    frame = (
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame(columns=[*fields, "source_file", "source_row"])
    )
    return frame, rows_read, notes


def clean(
    raw_dir: str | Path,
    *,
    secret: str | None = None,
    secret_file: str | Path | None = None,
    params: config.CleaningParams | None = None,
) -> CleanData:
    """Clean a raw folder laid out by the data contract (see ``docs/data-contract.md``).

    Reads every export as text, cleans and links survey and sales records, and
    pseudonymises participants (``participant_id``) and reseller accounts
    (``reseller_key``) with HMAC-SHA256 keyed by the secret (argument, secret file,
    ``$IMPACT_SECRET``, or the demo secret for the synthetic sample only).
    Raises :class:`impact.io.InputError` for unreadable files or missing required columns
    and :class:`impact.privacy.SecretError` without a secret. Raw files are never written.
    """
    raw_dir = Path(raw_dir)
    params = params or config.CleaningParams()
    files = io.list_raw_files(raw_dir)
    key, key_source = resolve_secret(
        raw_dir, secret=secret, secret_file=Path(secret_file) if secret_file else None
    )
    ledger = Ledger()

    base_raw, read_b, notes_b = _read_survey(files["baseline"], raw_dir, fields=survey.BASELINE_FIELDS,
                                             required=survey.BASELINE_REQUIRED)  # fmt: skip
    fu_raw, read_f, notes_f = _read_survey(files["followup"], raw_dir, fields=survey.FOLLOWUP_FIELDS,
                                           required=survey.FOLLOWUP_REQUIRED)  # fmt: skip
    base = survey.clean_baseline(base_raw, ledger, params=params)
    fu = survey.clean_followups(fu_raw, base, ledger, params=params) if len(fu_raw) else _empty_followups()

    sales_files = [io.read_sales_file(p, p.relative_to(raw_dir).as_posix()) for p in files["sales"]]
    read_s = {f.name: len(f.frame) for f in sales_files}
    notes_s = {f.name: dict(f.notes) for f in sales_files}
    stacked = sales.stack_exports(sales_files)
    del sales_files
    current = sales.drop_superseded(stacked, ledger)
    del stacked
    orders = sales.clean_orders(current, ledger, params=params)
    del current

    pid = pseudonymise(base["participant_code"], secret=key, prefix="P-", namespace="participant")
    base = base.assign(participant_id=pid)
    participants = base.assign(
        reseller_key=pseudonymise(base["reseller_id"], secret=key, prefix="R-", namespace="reseller")
    )
    orders, match = link_orders(orders, base)
    # one factorisation of the account ids serves the pseudonyms and the monthly table
    rid_codes, rid_uniques = pd.factorize(orders["reseller_id"])
    reseller_keys = pseudonyms_of(rid_uniques, secret=key, prefix="R-", namespace="reseller")
    orders = orders.assign(reseller_key=pseudonyms_by_code(reseller_keys, rid_codes, orders.index))
    fu = fu.assign(
        participant_id=fu["participant_code"].map(dict(zip(base["participant_code"], pid, strict=True)))
    )

    out_participants = participants[list(PARTICIPANT_COLUMNS)].sort_values(
        ["cohort", "participant_id"], ignore_index=True
    )
    out_followups = fu[list(FOLLOWUP_COLUMNS)].sort_values(["participant_id", "wave"], ignore_index=True)
    out_followups["participant_id"] = out_followups["participant_id"].astype("string")
    # orders stay in export order (file, row) of the kept rows: deterministic, and no sort of millions
    out_orders = orders[list(ORDER_COLUMNS)].reset_index(drop=True)
    monthly = sales.reseller_monthly(out_orders, key_codes=(rid_codes, reseller_keys))

    for name, table in (("participants", out_participants), ("followups", out_followups), ("orders", out_orders),
                        ("reseller_monthly", monthly)):  # fmt: skip
        schema.validate(name, table)
    quarantine = ledger.quarantine_table().sort_values(
        ["source_file", "source_row", "column"], ignore_index=True
    )
    rows_read = read_b | read_f | read_s
    per_file = build_audit(rows_read, ledger, extra=notes_b | notes_f | notes_s)
    survey_codes = set(base["participant_code"])
    audit = {
        "impact_version": __version__,
        "raw_dir": raw_dir.name,
        "secret_source": key_source,
        "parameters": {
            "working_days_per_month": params.working_days_per_month,
            "max_monthly_income_idr": params.max_monthly_income_idr,
            "max_order_gross_idr": params.max_order_gross_idr,
        },
        "files": per_file,
        "input_sha256": {name: _sha256(raw_dir / name) for name in rows_read},
        "totals": _totals(per_file),
        "tables": {
            "participants": len(out_participants),
            "followups": len(out_followups),
            "orders": len(out_orders),
            "reseller_monthly": len(monthly),
            "quarantine_entries": len(quarantine),
        },
        "linkage": {
            "followups_linked": len(out_followups),
            "followups_linked_by_phone": sum(
                v for (_, r), v in ledger.corrections.items() if r == "linked_by_phone"
            ),
            "participants_in_survey": len(survey_codes),
            **match,
        },
    }
    return CleanData(out_participants, out_followups, out_orders, monthly, quarantine, audit)


def _totals(per_file: dict) -> dict:
    keys = ("rows_read", "rows_clean", "rows_quarantined", "rows_duplicate", "cells_set_missing")
    return {k: sum(f[k] for f in per_file.values()) for k in keys}


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _empty_followups() -> pd.DataFrame:
    """No follow-up rows (no files, or header-only files): an empty table with the contract's dtypes."""
    from impact import vocab

    dtypes = {"participant_id": "string", "participant_code": "string", "wave": vocab.WAVE_DTYPE,
              "interview_date": "datetime64[ns]", "still_active": "boolean", "reemployed": "boolean"}  # fmt: skip
    return pd.DataFrame(
        {c: pd.Series(dtype=dtypes.get(c, "Int64")) for c in (*FOLLOWUP_COLUMNS, "participant_code")}
    )


def write_processed(data: CleanData, out_dir: str | Path) -> Path:
    """Write the processed-data contract into ``out_dir`` atomically (all or nothing)."""
    out_dir = Path(out_dir)
    with io.atomic_dir(out_dir) as tmp:
        for name in TABLES:
            io.write_parquet(getattr(data, name), tmp / f"{name}.parquet")
        io.write_csv_safe(data.quarantine.drop(columns=[SCOPE], errors="ignore"), tmp / "quarantine.csv")
        io.write_json(data.audit, tmp / "audit.json")
    return out_dir


def load(processed_dir: str | Path) -> CleanData:
    """Read a processed folder written by :func:`write_processed` (or ``impact clean``)."""
    import json

    d = Path(processed_dir)
    if not (d / "participants.parquet").is_file():
        raise io.InputError(
            f"{d}: not a processed folder (no participants.parquet); run `impact clean` first"
        )
    tables = {name: pd.read_parquet(d / f"{name}.parquet") for name in TABLES}
    q = pd.read_csv(d / "quarantine.csv", dtype={"source_file": "string", "source_row": "Int64", "column": "string",
                                                  "value": "string", "reason": "string"}, keep_default_na=False,
                    na_values=[""])  # fmt: skip
    if q.empty:
        q = empty_quarantine().drop(columns=[SCOPE])
    audit = json.loads((d / "audit.json").read_text())
    return CleanData(**tables, quarantine=q, audit=audit)
