"""The pandas engine: the whole raw folder cleaned in memory, in one process.

Fast on one machine up to roughly 50 million order rows on 24 GB (see ``docs/scaling.md``);
beyond that use the Dask engine, which runs the same core functions per partition.
"""

from __future__ import annotations

from pathlib import Path

from impact import config, io
from impact.clean import sales, schema
from impact.clean.audit import Ledger, lineage_counts
from impact.clean.core import (
    Corrections,
    clean_survey,
    config_hashes,
    make_audit,
    sales_tables,
    sort_quarantine,
)
from impact.clean.link import match_report
from impact.contract import CleanData
from impact.programme import Programme

__all__ = ["clean"]


def clean(
    raw_dir: str | Path,
    *,
    secret: str | None = None,
    secret_file: str | Path | None = None,
    params: config.CleaningParams | None = None,
    programme: str | Path | Programme | None = None,
) -> CleanData:
    """Clean a local raw folder in memory: tables, quarantine, lineage and the audit.

    Raises :class:`~impact.errors.InputError` for unreadable files or missing required columns,
    :class:`~impact.errors.SecretError` without a secret, and
    :class:`~impact.errors.AccountingError` if any raw row is unaccounted for (a bug).
    ``programme``: a configuration or its file (default: ``RAW_DIR/programme.toml`` if present).
    """
    if io.is_url(raw_dir):
        raise io.InputError(f"{raw_dir}: a URL needs --engine dask (the pandas engine reads local folders)")
    raw_dir = Path(raw_dir)
    params = params or config.CleaningParams()
    files = io.list_raw_files(raw_dir)
    key, key_source = io.resolve_secret(raw_dir, secret=secret, secret_file=secret_file)
    prog = io.programme_for(raw_dir, programme)
    ledger = Ledger()
    corrections = Corrections(io.read_corrections(raw_dir), ledger, [])
    sv = clean_survey(
        raw_dir, files, ledger, params=params, secret=key, programme=prog, corrections=corrections
    )

    names = [p.relative_to(raw_dir).as_posix() for p in files["sales"]]
    read_s, notes_s, parts, sources = {}, {}, [], []
    for i, (path, name) in enumerate(zip(files["sales"], names, strict=True)):
        raw = io.read_sales_file(path, name)
        read_s[name], notes_s[name] = len(raw.frame), dict(raw.notes)
        frame = sales.tag_rows(sales.resolve_sales_columns(raw), file_index=i, files=names)
        del raw
        frame = corrections.apply(frame, file=name, fields=sales.SALES_FIELDS)
        parts.append(sales.parse_orders(frame, params=params))
        sources.append((frame["source_file"], frame["source_row"].to_numpy()))
        del frame
    current = sales.current_rows(parts, ledger, sources=sources)
    orders = sales.assemble_orders(parts, ledger, sources=sources, current=current)
    del parts, current
    out_orders, monthly, counts, orders_lineage = sales_tables(orders, sv.base, secret=key)
    del orders

    tables = {
        "participants": sv.participants,
        "followups": sv.followups,
        "orders": out_orders,
        "reseller_monthly": monthly,
    }
    for name, table in tables.items():
        schema.validate(name, table)
    quarantine = sort_quarantine(ledger.quarantine_table())
    rows_read = sv.rows_read | read_s
    audit = make_audit(
        raw_dir.name,
        key_source,
        params,
        sv,
        ledger,
        rows_read=rows_read,
        rows_clean=lineage_counts(orders_lineage),
        notes=notes_s,
        input_sha256={name: io.sha256(raw_dir / name) for name in rows_read} | config_hashes(raw_dir, files),
        tables={
            "orders": len(out_orders),
            "reseller_monthly": len(monthly),
            "quarantine_entries": len(quarantine),
        },
        match=match_report(sv.base, [counts]),
        engine={"name": "pandas"},
        corrections=corrections.report(),
    )
    lineage = {**sv.lineage, "orders": orders_lineage}
    return CleanData(
        **tables,
        quarantine=quarantine,
        audit=audit,
        lineage=lineage,
        programme=sv.programme,
        review=ledger.review_table(),
    )
