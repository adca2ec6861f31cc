"""The friendly layer: a raw folder in, clean pseudonymised tables and an audit out, in one call.

>>> data = clean("data/sample/raw")          # doctest: +SKIP
>>> data.participants.groupby("gender", observed=False).size()  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from impact import __version__, config, io, sales, schema, survey
from impact.audit import SCOPE, Ledger, build_audit, empty_quarantine
from impact.link import link_accounts, link_counts, match_report
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


@dataclass
class SurveyTables:
    """The cleaned survey: the output tables plus what sales linkage and the audit need."""

    base: pd.DataFrame  #: cleaned baseline with ``participant_id`` and normalised ``reseller_id``
    participants: pd.DataFrame
    followups: pd.DataFrame
    rows_read: dict[str, int]
    notes: dict[str, dict]


def clean_survey(
    raw_dir: Path, files: dict[str, list[Path]], ledger: Ledger, *, params: config.CleaningParams, secret: str
) -> SurveyTables:
    """Clean, link and pseudonymise the survey exports of a raw folder (small: always pandas)."""
    base_raw, read_b, notes_b = _read_survey(files["baseline"], raw_dir, fields=survey.BASELINE_FIELDS,
                                             required=survey.BASELINE_REQUIRED)  # fmt: skip
    fu_raw, read_f, notes_f = _read_survey(files["followup"], raw_dir, fields=survey.FOLLOWUP_FIELDS,
                                           required=survey.FOLLOWUP_REQUIRED)  # fmt: skip
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
    out_participants = participants[list(PARTICIPANT_COLUMNS)].sort_values(
        ["cohort", "participant_id"], ignore_index=True
    )
    out_followups = fu[list(FOLLOWUP_COLUMNS)].sort_values(["participant_id", "wave"], ignore_index=True)
    out_followups["participant_id"] = out_followups["participant_id"].astype("string")
    return SurveyTables(base, out_participants, out_followups, read_b | read_f, notes_b | notes_f)


def sales_tables(
    orders: pd.DataFrame, base: pd.DataFrame, *, secret: str
) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Cleaned orders → the ``orders`` and ``reseller_monthly`` tables, plus the linkage counts
    (:func:`impact.link.link_counts`). Works on all orders or on any part of them holding
    whole orders (the Dask engine runs it per partition).
    """
    orders = link_accounts(orders, base)
    # one factorisation of the account ids serves the pseudonyms and the monthly table
    rid_codes, rid_uniques = pd.factorize(orders["reseller_id"])
    reseller_keys = pseudonyms_of(rid_uniques, secret=secret, prefix="R-", namespace="reseller")
    orders = orders.assign(reseller_key=pseudonyms_by_code(reseller_keys, rid_codes, orders.index))
    # orders stay in export order (file, row) of the kept rows: deterministic, and no sort of millions
    out_orders = orders[list(ORDER_COLUMNS)].reset_index(drop=True)
    monthly = sales.reseller_monthly(out_orders, key_codes=(rid_codes, reseller_keys))
    return out_orders, monthly, link_counts(orders)


def clean(
    raw_dir: str | Path,
    *,
    secret: str | None = None,
    secret_file: str | Path | None = None,
    params: config.CleaningParams | None = None,
    engine: str = "pandas",
    scheduler: str | None = None,
) -> CleanData:
    """Clean a raw folder laid out by the data contract (see ``docs/data-contract.md``).

    Reads every export as text, cleans and links survey and sales records, and
    pseudonymises participants (``participant_id``) and reseller accounts
    (``reseller_key``) with HMAC-SHA256 keyed by the secret (argument, secret file,
    ``$IMPACT_SECRET``, or the demo secret for the synthetic sample only).
    Raises :class:`impact.io.InputError` for unreadable files or missing required columns
    and :class:`impact.privacy.SecretError` without a secret. Raw files are never written.

    ``engine="dask"`` runs the sales part on a Dask cluster (``scheduler`` address, or a
    local one) and loads the result into memory; for data larger than memory use
    :func:`clean_to`, which writes partitioned tables instead.
    """
    if engine == "dask":
        import tempfile

        with tempfile.TemporaryDirectory(prefix="impact-dask-") as tmp:
            out = Path(tmp) / "processed"
            clean_to(raw_dir, out, secret=secret, secret_file=secret_file, params=params, engine=engine,
                     scheduler=scheduler)  # fmt: skip
            return load(out)
    if engine != "pandas":
        raise ValueError(f"engine must be 'pandas' or 'dask', not {engine!r}")
    raw_dir = Path(raw_dir)
    params = params or config.CleaningParams()
    files = io.list_raw_files(raw_dir)
    key, key_source = resolve_secret(
        raw_dir, secret=secret, secret_file=Path(secret_file) if secret_file else None
    )
    ledger = Ledger()
    sv = clean_survey(raw_dir, files, ledger, params=params, secret=key)

    sales_files = [io.read_sales_file(p, p.relative_to(raw_dir).as_posix()) for p in files["sales"]]
    read_s = {f.name: len(f.frame) for f in sales_files}
    notes_s = {f.name: dict(f.notes) for f in sales_files}
    stacked = sales.stack_exports(sales_files)
    del sales_files
    current = sales.drop_superseded(stacked, ledger)
    del stacked
    orders = sales.clean_orders(current, ledger, params=params)
    del current
    out_orders, monthly, counts = sales_tables(orders, sv.base, secret=key)
    del orders

    for name, table in (("participants", sv.participants), ("followups", sv.followups), ("orders", out_orders),
                        ("reseller_monthly", monthly)):  # fmt: skip
        schema.validate(name, table)
    quarantine = sort_quarantine(ledger.quarantine_table())
    rows_read = sv.rows_read | read_s
    audit = make_audit(
        raw_dir.name, key_source, params, sv, ledger, rows_read=rows_read, notes=notes_s,
        input_sha256={name: io.sha256(raw_dir / name) for name in rows_read},
        tables={"orders": len(out_orders), "reseller_monthly": len(monthly), "quarantine_entries": len(quarantine)},
        match=match_report(sv.base, [counts]), engine={"name": "pandas"},
    )  # fmt: skip
    return CleanData(sv.participants, sv.followups, out_orders, monthly, quarantine, audit)


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
    notes: dict[str, dict],
    input_sha256: dict[str, str],
    tables: dict[str, int],
    match: dict,
    engine: dict,
) -> dict:
    """``audit.json``: per-file reconciliation, totals, table sizes, linkage, inputs and parameters."""
    per_file = build_audit(rows_read, ledger, extra=sv.notes | notes)
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
    from impact import vocab

    dtypes = {"participant_id": "string", "participant_code": "string", "wave": vocab.WAVE_DTYPE,
              "interview_date": "datetime64[ns]", "still_active": "boolean", "reemployed": "boolean"}  # fmt: skip
    return pd.DataFrame(
        {c: pd.Series(dtype=dtypes.get(c, "Int64")) for c in (*FOLLOWUP_COLUMNS, "participant_code")}
    )


def clean_to(
    raw_dir: str | Path,
    out_dir: str | Path,
    *,
    engine: str = "pandas",
    scheduler: str | None = None,
    workers: int | None = None,
    memory_limit: str | None = "auto",
    secret: str | None = None,
    secret_file: str | Path | None = None,
    params: config.CleaningParams | None = None,
    blocksize: int | None = None,
    part_rows: int | None = None,
) -> dict:
    """Clean a raw folder and write the processed-data contract into ``out_dir``; returns the audit.

    ``engine="pandas"`` (default): :func:`clean` in memory, then :func:`write_processed`.
    ``engine="dask"``: the sales part runs on a Dask cluster — ``scheduler`` (``tcp://host:8786``)
    or a local cluster of ``workers`` processes with ``memory_limit`` each — and ``orders`` and
    ``reseller_monthly`` are written as directories of Parquet parts; ``raw_dir`` may be an
    fsspec URL. :func:`load` reads both layouts. See ``docs/scaling.md``.
    """
    if engine == "pandas":
        data = clean(raw_dir, secret=secret, secret_file=secret_file, params=params)
        write_processed(data, out_dir)
        return data.audit
    if engine != "dask":
        raise ValueError(f"engine must be 'pandas' or 'dask', not {engine!r}")
    from impact import engine_dask

    sizes = {k: v for k, v in (("blocksize", blocksize), ("part_rows", part_rows)) if v}
    with engine_dask.connect(
        scheduler, workers=workers or engine_dask.DEFAULT_WORKERS, memory_limit=memory_limit
    ) as client:
        return engine_dask.clean_to(raw_dir, out_dir, client=client, secret=secret, secret_file=secret_file,
                                    params=params, **sizes)  # fmt: skip


def write_processed(data: CleanData, out_dir: str | Path) -> Path:
    """Write the processed-data contract into ``out_dir`` atomically (all or nothing)."""
    out_dir = Path(out_dir)
    with io.atomic_dir(out_dir) as tmp:
        for name in TABLES:
            io.write_parquet(getattr(data, name), tmp / f"{name}.parquet")
        io.write_csv_safe(data.quarantine.drop(columns=[SCOPE], errors="ignore"), tmp / "quarantine.csv")
        io.write_json(data.audit, tmp / "audit.json")
    return out_dir


def _read_table(path: Path, *, rows: bool = True) -> pd.DataFrame:
    """One processed table: a Parquet file, or a directory of parts (the Dask engine) read as one
    table in part order, with categories made what one file would hold (the sorted values used).
    ``rows=False``: no rows, only the columns and their types.
    """
    files = sorted(path.glob("part.*.parquet")) if path.is_dir() else [path]
    if not files:
        raise io.InputError(f"{path}: no part.*.parquet files")
    if not rows:
        return io.empty_like_parquet(files[0])
    if not path.is_dir():
        return pd.read_parquet(path)
    frames = [pd.read_parquet(p) for p in files]
    # an empty part's categoricals read back with no categories: leave empty parts out of the union
    frames = [f for f in frames if len(f)] or frames[:1]
    df = pd.concat(frames, ignore_index=True)
    categorical = {c for f in frames for c in f.columns if isinstance(f[c].dtype, pd.CategoricalDtype)}
    for c in df.columns:
        if c in categorical and not isinstance(df[c].dtype, pd.CategoricalDtype):
            text = df[c].astype("string")
            used = pd.Index(text.dropna().unique().astype(str), dtype=str).sort_values()
            df[c] = pd.Categorical(text.to_numpy(dtype=object, na_value=None), categories=used)
    return df


def load(processed_dir: str | Path, *, orders: bool = True) -> CleanData:
    """Read a processed folder written by :func:`write_processed` or :func:`clean_to` (either engine).

    ``orders=False`` leaves out the rows of the order-level table (tens of millions at platform
    scale; indicators and reports use the monthly table): ``data.orders`` is then an empty table
    with its columns and types, and ``data.audit["tables"]["orders"]`` still counts its rows.
    """
    import json

    d = Path(processed_dir)
    if not (d / "participants.parquet").is_file():
        raise io.InputError(
            f"{d}: not a processed folder (no participants.parquet); run `impact clean` first"
        )
    tables = {name: _read_table(d / f"{name}.parquet", rows=orders or name != "orders") for name in TABLES}
    q = pd.read_csv(d / "quarantine.csv", dtype={"source_file": "string", "source_row": "Int64", "column": "string",
                                                  "value": "string", "reason": "string"}, keep_default_na=False,
                    na_values=[""])  # fmt: skip
    if q.empty:
        q = empty_quarantine().drop(columns=[SCOPE])
    audit = json.loads((d / "audit.json").read_text())
    return CleanData(**tables, quarantine=q, audit=audit)
