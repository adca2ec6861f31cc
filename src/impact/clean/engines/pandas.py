"""The pandas engine: the whole raw folder cleaned in memory, on one machine.

Large sales exports are read and parsed in worker processes, one export each, and their parsed
rows can be kept between runs (:mod:`impact.clean.sales_exports`); de-duplication across exports
and everything after it run in this process. Fast on one machine up to roughly 50 million order
rows on 24 GB (see ``docs/scaling.md``); beyond that use the Dask engine, which runs the same core
functions per partition.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from impact import config, io
from impact.clean import sales, sales_exports, schema
from impact.clean.audit import Ledger, lineage_counts
from impact.clean.core import (
    Corrections,
    clean_survey,
    config_hashes,
    make_audit,
    reseller_pseudonyms,
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
    cache_dir: str | Path | None = None,
    progress: Callable[[int, int, int], None] | None = None,
    early: Callable[[str, pd.DataFrame], None] | None = None,
) -> CleanData:
    """Clean a local raw folder in memory: tables, quarantine, lineage and the audit.

    Raises :class:`~impact.errors.InputError` for unreadable files or missing required columns,
    :class:`~impact.errors.SecretError` without a secret, and
    :class:`~impact.errors.AccountingError` if any raw row is unaccounted for (a bug).
    ``programme``: a configuration or its file (default: ``RAW_DIR/programme.toml`` if present).
    ``cache_dir``: where parsed exports are kept between runs (:mod:`impact.clean.sales_exports`;
    None: no cache). ``progress(rows, done, total)`` is called as sales exports are parsed (rows
    read so far, exports done, exports in all). ``early(name, table)``: called with ``orders``,
    ``lineage/orders`` and ``reseller_monthly`` as soon as they are made (possibly from another
    thread; :meth:`impact.io.ProcessedWriter.early`).
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
    names = [p.relative_to(raw_dir).as_posix() for p in files["sales"]]
    # the sales exports are parsed (in worker processes when large) while the survey is cleaned here
    exports, sv = sales_exports.parse_exports(
        files["sales"],
        names,
        params=params,
        log=None if corrections.log.empty else corrections.log,
        secret=key,
        cache_dir=None if cache_dir is None else Path(cache_dir),
        progress=progress,
        meanwhile=lambda: clean_survey(
            raw_dir, files, ledger, params=params, secret=key, programme=prog, corrections=corrections
        ),
    )
    read_s = {e.name: e.rows for e in exports}
    notes_s = {e.name: e.notes for e in exports}
    sources, parts = [], []
    for i, e in enumerate(exports):
        if e.outcome is not None:  # what Corrections.apply records, in export order after the survey's
            corrections.outcomes.append(e.outcome)
            ledger.add(e.name, "corrected_by_log", int(e.outcome["rows"].sum()))
        row = 2  # (spreadsheet rows: the header is row 1)
        for piece in e.pieces:  # consecutive pieces of the export, each a part of its own
            n = len(piece)
            files_of = pd.Categorical.from_codes(np.full(n, i, dtype=np.int16), categories=names)
            sources.append((pd.Series(files_of), np.arange(row, row + n, dtype=np.int64)))
            parts.append(piece)
            row += n
    # the accounts' pseudonyms are made in a thread (hashlib in Python) while this one de-duplicates
    # and assembles the orders (mostly numpy and pyarrow, which let it run)
    rids = sales.rid_dictionary(parts)

    def table_ready(name: str, table: pd.DataFrame) -> None:  # written while the monthly table is made
        early("orders" if name == "orders" else f"{io.LINEAGE_DIR}/orders", table)

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="impact-pseudonyms") as hashing:
        keys = hashing.submit(reseller_pseudonyms, rids[1], secret=key)
        current = sales.current_rows(parts, ledger, sources=sources)
        orders = sales.assemble_orders(parts, ledger, sources=sources, current=current, rids=rids)
        del parts, current
        out_orders, monthly, counts, orders_lineage = sales_tables(
            orders, sv.base, secret=key, ready=table_ready if early is not None else None, reseller_keys=keys
        )
        rows_clean = lineage_counts(orders[["source_file"]])  # (by code: the same rows as the lineage)
        del orders
    if early is not None:  # written while the audit is made
        early("reseller_monthly", monthly)

    tables = {
        "participants": sv.participants,
        "followups": sv.followups,
        "orders": out_orders,
        "reseller_monthly": monthly,
    }
    for name, table in tables.items():  # (a failure here leaves the processed folder as it was)
        schema.validate(name, table)
    if len(sv.comparison):
        schema.validate("comparison", sv.comparison)
        schema.validate("comparison_followups", sv.comparison_followups)
    quarantine = sort_quarantine(ledger.quarantine_table())
    rows_read = sv.rows_read | read_s
    hashes = {e.name: e.sha256 for e in exports if e.sha256}
    audit = make_audit(
        raw_dir.name,
        key_source,
        params,
        sv,
        ledger,
        rows_read=rows_read,
        rows_clean=rows_clean,
        notes=notes_s,
        input_sha256={name: hashes.get(name) or io.sha256(raw_dir / name) for name in rows_read}
        | config_hashes(raw_dir, files),
        tables={
            "orders": len(out_orders),
            "reseller_monthly": len(monthly),
            "quarantine_entries": len(quarantine),
        },
        match=match_report(sv.base, [counts]),
        engine={"name": "pandas"},
        corrections=corrections.report(),
    )
    cacheable = [
        e.name for e in exports if (raw_dir / e.name).stat().st_size >= sales_exports.CACHE_MIN_BYTES
    ]
    if cacheable:  # which exports were parsed, which came from the cache (small ones are never cached)
        audit["cache"] = {
            "enabled": cache_dir is not None,
            "from_cache": [e.name for e in exports if e.cached],
            "parsed": [
                name for name, e in zip(names, exports, strict=True) if name in cacheable and not e.cached
            ],
        }
    lineage = {**sv.lineage, "orders": orders_lineage}
    return CleanData(
        **tables,
        quarantine=quarantine,
        audit=audit,
        lineage=lineage,
        programme=sv.programme,
        review=ledger.review_table(),
        comparison=sv.comparison,
        comparison_followups=sv.comparison_followups,
    )
