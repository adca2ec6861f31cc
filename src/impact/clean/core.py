"""The cleaning core both engines share: survey tables, sales tables, the audit.

Each engine (:mod:`impact.clean.engines`) reads the raw folder its own way and calls these
functions unchanged, so both give the same tables, quarantine, lineage and audit.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from impact import config, io, vocab
from impact._compat import take_by_code
from impact._version import __version__
from impact.clean import arms, survey
from impact.clean.audit import Ledger, build_audit, check_reconciled, lineage_counts
from impact.clean.corrections import apply_corrections, corrections_report
from impact.clean.exports import read_survey_exports
from impact.clean.link import link_accounts, link_counts
from impact.clean.pseudonymise import pseudonymise, pseudonyms_by_code, pseudonyms_of
from impact.clean.sales import reseller_monthly
from impact.contract import FOLLOWUP_COLUMNS, ORDER_COLUMNS, PARTICIPANT_COLUMNS
from impact.io.xlsform import read_forms
from impact.programme import Programme, infer_cohort

__all__ = [
    "Corrections",
    "SurveyTables",
    "clean_survey",
    "config_hashes",
    "describe_cohorts",
    "make_audit",
    "observed_waves",
    "reseller_pseudonyms",
    "sales_tables",
    "sort_quarantine",
]

_SOURCE = ["source_file", "source_row"]


def _survey_frames(
    raw_dir: Path, files: dict[str, list[Path]], corrections: Corrections
) -> tuple[dict[str, pd.DataFrame], dict, dict]:
    """The survey exports read (:func:`impact.clean.exports.read_survey_exports`) and corrected,
    stacked by kind; rows read and reading notes per file."""
    forms = read_forms(raw_dir, files.get("forms", []))
    exports = read_survey_exports(raw_dir, files["survey"], forms=forms)
    if not any(e.kind == "baseline" for e in exports):
        raise io.InputError(
            f"{raw_dir.name}/survey: no baseline export among {', '.join(e.name for e in exports)}"
        )
    frames: dict[str, list[pd.DataFrame]] = {"baseline": [], "followup": []}
    for e in exports:
        fields = survey.BASELINE_FIELDS if e.kind == "baseline" else survey.FOLLOWUP_FIELDS
        frames[e.kind].append(corrections.apply(e.frame, file=e.name, fields=fields))
    stacked = {}
    for kind, parts in frames.items():
        fields = survey.BASELINE_FIELDS if kind == "baseline" else survey.FOLLOWUP_FIELDS
        empty = pd.DataFrame(columns=[*fields, *survey.META_FIELDS, "source_file", "source_row"])
        stacked[kind] = pd.concat(parts, ignore_index=True) if parts else empty
    return stacked, {e.name: e.rows_read for e in exports}, {e.name: e.notes for e in exports}


@dataclass
class Corrections:
    """The corrections log of a run and what became of each correction (see :mod:`impact.clean.corrections`)."""

    log: pd.DataFrame
    ledger: Ledger
    outcomes: list[pd.DataFrame]

    def apply(self, frame: pd.DataFrame, *, file: str, fields: tuple[str, ...] | None = None) -> pd.DataFrame:
        """``frame`` (raw text of one file) with the log's corrections applied and counted."""
        if self.log.empty:
            return frame
        out, outcome = apply_corrections(frame, self.log, file=file, fields=fields)
        self.outcomes.append(outcome)
        self.ledger.add(file, "corrected_by_log", int(outcome["rows"].sum()))
        return out

    def report(self) -> dict:
        return corrections_report(self.log, self.outcomes)


@dataclass
class SurveyTables:
    """The cleaned survey: the output tables and their lineage, plus what sales linkage and the
    audit need."""

    base: (
        pd.DataFrame
    )  #: participants' cleaned baseline with ``participant_id`` and normalised ``reseller_id``
    programme: Programme  #: the configuration, with cohorts found only in the data described
    participants: pd.DataFrame
    followups: pd.DataFrame
    #: ``participants``/``followups`` (and ``comparison``/``comparison_followups`` when there are
    #: comparison respondents) → source file and row per row
    lineage: dict[str, pd.DataFrame]
    rows_read: dict[str, int]
    notes: dict[str, dict]
    #: comparison respondents (surveyed, not trained; :mod:`impact.clean.arms`) and their follow-ups
    comparison: pd.DataFrame = field(default_factory=lambda: _empty_people())
    comparison_followups: pd.DataFrame = field(default_factory=lambda: _empty_people(FOLLOWUP_COLUMNS))


def _lineage(table: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source_file": table["source_file"].astype("string").to_numpy(),
            "source_row": table["source_row"].to_numpy(dtype=np.int64),
        }
    )


def clean_survey(
    raw_dir: Path,
    files: dict[str, list[Path]],
    ledger: Ledger,
    *,
    params: config.CleaningParams,
    secret: str,
    programme: Programme | None = None,
    corrections: Corrections | None = None,
) -> SurveyTables:
    """Clean, link and pseudonymise the survey exports of a raw folder (small: always pandas).

    Cohorts in the data that ``programme`` does not configure are described from the data
    (:func:`impact.programme.infer_cohort`) and returned in ``SurveyTables.programme``.
    """
    programme = programme or Programme()
    corrections = corrections or Corrections(io.empty_corrections(), ledger, [])
    frames, rows_read, notes = _survey_frames(raw_dir, files, corrections)
    base_raw, fu_raw = frames["baseline"], frames["followup"]
    base = survey.clean_baseline(base_raw, ledger, params=params, programme=programme)
    programme = describe_cohorts(base, programme)
    fu = (
        survey.clean_followups(fu_raw, base, ledger, params=params, programme=programme)
        if len(fu_raw)
        else _empty_followups()
    )
    programme = observed_waves(programme, base, fu)
    arm_of = dict(zip(base["participant_code"], base[arms.FIELD], strict=True))
    base, comparison = arms.split_arms(base, base[arms.FIELD])
    fu, fu_comparison = arms.split_arms(fu, fu["participant_code"].map(arm_of))
    base, participants, fu = _people(base, fu, secret=secret, prefix="P-", namespace="participant")
    _, comparison, fu_comparison = _people(
        comparison, fu_comparison, secret=secret, prefix="C-", namespace="comparison"
    )
    lineage = {"participants": _lineage(participants), "followups": _lineage(fu)}
    if len(comparison):
        lineage |= {"comparison": _lineage(comparison), "comparison_followups": _lineage(fu_comparison)}
    return SurveyTables(
        base,
        programme,
        participants[list(PARTICIPANT_COLUMNS)],
        fu[list(FOLLOWUP_COLUMNS)].astype({"participant_id": "string"}),
        lineage,
        rows_read,
        notes,
        comparison[list(PARTICIPANT_COLUMNS)],
        fu_comparison[list(FOLLOWUP_COLUMNS)].astype({"participant_id": "string"}),
    )


def _people(
    base: pd.DataFrame, followups: pd.DataFrame, *, secret: str, prefix: str, namespace: str
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """One arm: its baseline with ``participant_id`` (pseudonyms ``prefix…``), its people with their
    ``reseller_key`` sorted by cohort and id, and its follow-ups with ``participant_id`` sorted by id
    and wave."""
    pid = pseudonymise(base["participant_code"], secret=secret, prefix=prefix, namespace=namespace)
    base = base.assign(participant_id=pid)
    people = base.assign(
        reseller_key=pseudonymise(base["reseller_id"], secret=secret, prefix="R-", namespace="reseller")
    )
    fu = followups.assign(
        participant_id=followups["participant_code"].map(
            dict(zip(base["participant_code"], pid, strict=True))
        )
    )
    people = people.sort_values(["cohort", "participant_id"], ignore_index=True)
    return base, people, fu.sort_values(["participant_id", "wave"], ignore_index=True)


def _empty_people(columns: tuple[str, ...] = PARTICIPANT_COLUMNS) -> pd.DataFrame:
    return pd.DataFrame(columns=list(columns))


def describe_cohorts(base: pd.DataFrame, programme: Programme) -> Programme:
    """The programme with a description (from the data) of each cohort it does not configure."""
    new = {}
    for code in sorted(set(base["cohort"].dropna()) - set(programme.cohorts)):
        rows = base[base["cohort"] == code]
        new[code] = infer_cohort(
            code,
            registered=[d.date() for d in rows["registered_on"].dropna()],
            waves=[],
            districts=list(rows["district"].dropna()),
            prefixes=list(rows["participant_code"].dropna().str.split("-").str[0]),
        )
    return programme.with_cohorts(new) if new else programme


def observed_waves(programme: Programme, base: pd.DataFrame, followups: pd.DataFrame) -> Programme:
    """The programme with the waves of each described (not configured) cohort set from its follow-ups."""
    inferred = {c: v for c, v in programme.cohorts.items() if "waves" in v.inferred}
    if not inferred:
        return programme
    cohort_of = dict(zip(base["participant_code"], base["cohort"], strict=True))
    seen = followups.assign(cohort=followups["participant_code"].map(cohort_of))
    updated = {}
    for code, cohort in inferred.items():
        waves = [str(w) for w in seen.loc[seen["cohort"] == code, "wave"].dropna().unique()]
        if waves:
            ordered = tuple(sorted(waves, key=vocab.WAVES.__getitem__))
            updated[code] = replace(cohort, waves=ordered)
    return programme.with_cohorts(updated) if updated else programme


def sales_tables(
    orders: pd.DataFrame,
    base: pd.DataFrame,
    *,
    secret: str,
    ready: Callable[[str, pd.DataFrame], None] | None = None,
    reseller_keys: Future | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, dict, pd.DataFrame]:
    """Cleaned orders → the ``orders`` and ``reseller_monthly`` tables, the linkage counts
    (:func:`impact.clean.link.link_counts`) and the orders' lineage (source file and row of each
    output row). Works on all orders or on any part of them holding whole orders (the Dask engine
    runs it per partition).

    The orders table and the lineage are made in two threads while the monthly table is made here
    (it needs neither); ``ready(name, table)``, if given, is called from those threads with
    ``"orders"`` and ``"lineage"`` as soon as each is made (the pandas engine starts writing them).
    ``reseller_keys``: the pseudonyms of the categories of ``orders["reseller_id"]`` being made
    elsewhere (a future of :func:`reseller_pseudonyms`); else they are made here.
    """
    orders = link_accounts(orders, base)
    # one coding of the account ids serves the pseudonyms and the monthly table (the cleaned orders
    # carry them as a categorical: its codes; else one factorisation)
    rid = orders["reseller_id"]
    if isinstance(rid.dtype, pd.CategoricalDtype):
        rid_codes, rid_uniques = rid.cat.codes.to_numpy(), rid.cat.categories
    else:
        rid_codes, rid_uniques = pd.factorize(rid)
    if reseller_keys is None or not isinstance(rid.dtype, pd.CategoricalDtype):
        reseller_keys = reseller_pseudonyms(rid_uniques, secret=secret)
    else:
        reseller_keys = reseller_keys.result()

    def orders_table() -> pd.DataFrame:
        # orders stay in export order (file, row) of the kept rows: deterministic, and no sort of millions
        keys = pseudonyms_by_code(reseller_keys, rid_codes, orders.index)
        out = orders.assign(reseller_key=keys)[list(ORDER_COLUMNS)].reset_index(drop=True)
        if ready is not None:
            ready("orders", out)
        return out

    def lineage_table() -> pd.DataFrame:
        lineage = _orders_lineage(orders)
        if ready is not None:
            ready("lineage", lineage)
        return lineage

    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="impact-tables") as pool:
        made_orders, made_lineage = pool.submit(orders_table), pool.submit(lineage_table)
        monthly = reseller_monthly(orders, key_codes=(rid_codes, reseller_keys))
        out_orders, lineage = made_orders.result(), made_lineage.result()
    return out_orders, monthly, link_counts(orders), lineage


def reseller_pseudonyms(accounts, *, secret: str) -> pa.Array:
    """The ``reseller_key`` of each of ``accounts`` (distinct normalised reseller ids)."""
    return pseudonyms_of(accounts, secret=secret, prefix="R-", namespace="reseller")


def _orders_lineage(orders: pd.DataFrame) -> pd.DataFrame:
    """``source_file`` (text) and ``source_row`` of each order."""
    files = orders["source_file"]
    if isinstance(files.dtype, pd.CategoricalDtype):  # the file names (``str``, as inferred), by code
        codes = files.cat.codes.to_numpy()
        names = pa.array(np.asarray(files.cat.categories, dtype=object), pa.large_string())
        files = pd.array(take_by_code(names, codes), dtype=pd.StringDtype("pyarrow", np.nan))
    else:
        files = files.to_numpy()
    return pd.DataFrame({"source_file": files, "source_row": orders["source_row"].to_numpy(dtype=np.int64)})


def config_hashes(raw_dir: Path, files: dict[str, list[Path]]) -> dict[str, str]:
    """SHA-256 of the inputs that are not exports but change the result: the form definitions,
    the programme configuration and the corrections log (when present)."""
    out = {p.relative_to(raw_dir).as_posix(): io.sha256(p) for p in files.get("forms", [])}
    for name in (io.PROGRAMME_FILE, io.CORRECTIONS_FILE):
        if (raw_dir / name).is_file():
            out[name] = io.sha256(raw_dir / name)
    return out


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
    corrections: dict | None = None,
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
    comparison = {}
    if len(sv.comparison):  # who was surveyed without being trained: never counted as participants
        tables = {
            **tables,
            "comparison": len(sv.comparison),
            "comparison_followups": len(sv.comparison_followups),
        }
        by_cohort = sv.comparison["cohort"].astype(str).value_counts().sort_index()
        comparison = {"comparison": {"respondents": {c: int(n) for c, n in by_cohort.items()}}}
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
        "programme": {
            "source": sv.programme.source,
            "cohorts": {
                code: {"training_month": c.training_month.strftime("%Y-%m"), "inferred": list(c.inferred)}
                for code, c in sv.programme.cohorts.items()
            },
        },
        "files": per_file,
        "corrections_log": corrections or corrections_report(io.empty_corrections(), []),
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
        **comparison,
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
