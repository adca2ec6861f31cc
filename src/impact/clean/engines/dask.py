"""The sales pipeline on Dask: the pandas path's own functions, run per partition on a cluster.

For order exports larger than one machine's memory (the whole platform over years). The
survey is small and is cleaned on the client with pandas, exactly as by the pandas engine.
The sales exports are cut into partitions (CSV byte blocks, Parquet row groups; see
:func:`impact.io.parts.plan_sales_parts`) and go through two passes:

1. **Superseded rows** (across partitions). Only the order ids and their positions are read
   and shuffled by trimmed id, so all copies of an order meet in one partition; there the
   pandas :func:`impact.clean.sales.drop_superseded` keeps the current copy (last export wins).
   What comes back to the client is the ledger of dropped rows (8 bytes of position each)
   and the row count of every partition — which turns positions into spreadsheet row numbers.
2. **Cleaning** (per partition, no shuffle of full rows). Each partition is read again, the
   rows dropped in pass 1 removed and the order ids trimmed (what ``drop_superseded`` returns),
   and the pandas steps run as they are: :func:`impact.clean.sales.clean_orders`,
   :func:`impact.clean.core.sales_tables` (link, pseudonymise, monthly partial, lineage), the
   ``orders`` schema check; the worker writes its part of ``orders.parquet/`` and of its lineage,
   and counts its clean rows per raw file from that lineage. The monthly partials are shuffled by ``reseller_key`` and
   summed (:func:`impact.clean.sales.combine_monthly`) into ``reseller_monthly.parquet/``.

The quarantine, audit and linkage report are assembled on the client from what each
partition recorded, by the same functions as the pandas path. The result equals the pandas
path's (``tests/clean/test_engine_dask.py``); ``docs/scaling.md`` says when to use which.
"""

from __future__ import annotations

import contextlib
import logging
import operator
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from impact import config, io
from impact.clean import sales, sales_parse, schema
from impact.clean.audit import Ledger, lineage_counts
from impact.clean.core import (
    Corrections,
    clean_survey,
    config_hashes,
    make_audit,
    sales_tables,
    sort_quarantine,
)
from impact.clean.corrections import apply_corrections
from impact.clean.link import match_report
from impact.contract import SCOPE
from impact.errors import ClusterError
from impact.programme import Programme

__all__ = ["DEFAULT_WORKERS", "clean_to", "connect"]

#: a row's position in pass 1: partition number in the high bits, row within it in the low ones
POSITION_BITS = 32
_ROW_MASK = (1 << POSITION_BITS) - 1
#: default number of local worker processes (one per core on the reference laptop)
DEFAULT_WORKERS = 2
#: parts of orders.parquet and reseller_monthly.parquet (directories of part files)
ORDERS_DIR, MONTHLY_DIR = "orders.parquet", "reseller_monthly.parquet"
#: parts of the orders' lineage, aligned part for part and row for row with ORDERS_DIR
LINEAGE_ORDERS_DIR = f"{io.LINEAGE_DIR}/orders.parquet"


def _compute(client, *collections):
    """``dask.compute`` on ``client``, with a worker that keeps dying turned into :class:`ClusterError`."""
    dask, _, distributed = _require_dask()
    try:
        return dask.compute(*collections, scheduler=client)
    except distributed.KilledWorker as e:
        raise ClusterError(
            f"Dask workers died {getattr(e, 'allowed_failures', 0) + 1} times running {getattr(e, 'task', '?')!r}, "
            "most often from running out of memory: give each worker more (--memory-limit) or make "
            "partitions smaller (--blocksize for CSV, --part-rows for Parquet)"
        ) from None


def _require_dask():
    try:
        import dask
        import dask.dataframe as dd
        import distributed
    except ImportError:  # pragma: no cover - dask is a declared extra
        raise ImportError("the Dask engine needs dask and distributed: pip install 'impact[dask]'") from None
    return dask, dd, distributed


@contextlib.contextmanager
def connect(
    scheduler: str | None = None,
    *,
    workers: int = DEFAULT_WORKERS,
    memory_limit: str | None = "auto",
    local_directory: str | Path | None = None,
) -> Iterator[object]:
    """A ``distributed.Client``: connected to ``scheduler`` (``tcp://host:8786``) if given, else to
    a local cluster of ``workers`` single-threaded processes with ``memory_limit`` each (``"4GiB"``;
    ``"auto"`` shares the machine's memory). Workers spill to ``local_directory`` (default: temp).
    """
    _, _, distributed = _require_dask()
    # shuffles log each start and end at WARNING; keep the user's terminal for what matters
    logging.getLogger("distributed.shuffle").setLevel(logging.ERROR)
    if scheduler:
        with distributed.Client(scheduler) as client:
            yield client
        return
    with (
        distributed.LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            memory_limit=memory_limit,
            dashboard_address=":0",  # any free port: never clash with another cluster on 8787
            local_directory=None if local_directory is None else str(local_directory),
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        client.register_plugin(_quiet_task_errors(distributed))
        yield client


def _not_a_task_error(record: logging.LogRecord) -> bool:
    """False for a worker's log of a failed task, and of the tasks cancelled after it."""
    text = str(record.msg)
    return not (
        text.startswith("Compute Failed")
        or (text.startswith("Async instruction for") and "CancelledError" in record.getMessage())
    )


def _quiet_task_errors(distributed) -> object:
    """A worker plugin: local workers share the user's terminal, and a task's error (an
    :class:`impact.io.InputError` naming the file) reaches the client as the exception itself, so
    the workers do not also log it with a traceback. Memory warnings and the rest still show.
    """

    class QuietTaskErrors(distributed.WorkerPlugin):
        name = "impact-quiet-task-errors"

        def setup(self, worker) -> None:
            for name in ("distributed.worker", "distributed.worker.state_machine"):
                logging.getLogger(name).addFilter(_not_a_task_error)

    return QuietTaskErrors()


# --- pass 1: which rows are superseded (shuffle of ids only) ------------------------------------------


def _ids_frame(order_id: pd.Series, *, block: int, file_index: int, files: list[str]) -> pd.DataFrame:
    oid = order_id.astype(pd.StringDtype("pyarrow"))
    n = len(oid)
    return pd.DataFrame(
        {
            "order_id": oid.array,
            "_oid": oid.str.strip().array,  # the shuffle key: what drop_superseded de-duplicates on
            "source_file": pd.Categorical.from_codes(
                np.full(n, file_index, dtype=np.int16), categories=files
            ),
            "source_row": (np.int64(block) << POSITION_BITS) + np.arange(n, dtype=np.int64),
        }
    )


def read_ids(part: io.SalesPart, *, files: list[str]) -> pd.DataFrame:
    """Order ids of one partition with their position (``source_row`` holds partition and row)."""
    column = sales_parse.field_columns(part.columns, part.name)["order_id"]
    raw = io.read_sales_part(part, only=[column])
    return _ids_frame(raw.iloc[:, 0], block=part.block, file_index=part.file_index, files=files)


def superseded(ids: pd.DataFrame) -> pd.DataFrame:
    """The ledger records of :func:`impact.clean.sales.drop_superseded` over rows holding every copy of
    their orders: duplicates (older copies) and rows without an order id.
    """
    ledger = Ledger()
    in_order = ids.sort_values("source_row", ignore_index=True).drop(columns="_oid")  # export order
    sales.drop_superseded(in_order, ledger)
    return ledger.records()


def block_sizes(ids: pd.DataFrame) -> pd.DataFrame:
    """Rows per partition of pass 1, from the positions."""
    blocks = (ids["source_row"].to_numpy() >> POSITION_BITS).astype(np.int64)
    b, n = np.unique(blocks, return_counts=True)
    return pd.DataFrame({"block": b, "rows": n.astype(np.int64)})


# --- pass 2: clean each partition ---------------------------------------------------------------------


def clean_part(
    part: io.SalesPart,
    *,
    files: list[str],
    first_row: int,
    rows: int,
    drop: np.ndarray,
    accounts: pd.DataFrame,
    secret: str,
    params: config.CleaningParams,
    out_path: str | None,
    lineage_path: str | None = None,
    corrections: pd.DataFrame | None = None,
) -> dict:
    """Read, clean, link and pseudonymise one partition with the pandas path's functions.

    ``drop``: positions (within the partition) of rows superseded or without id (pass 1);
    ``first_row``: the spreadsheet row number of the partition's first row; ``rows``: how many
    rows pass 1 read there (a file that changed in between is an :class:`InputError`). Writes the
    partition's ``orders`` to ``out_path`` (if given) and returns its monthly partial, ledger
    records, corrections and linkage counts.
    """
    raw = io.read_sales_part(part)
    if len(raw) != rows:
        raise io.InputError(
            f"{part.name}: the file changed while it was being cleaned (rows from {first_row}: "
            f"{rows:,} in the first pass, {len(raw):,} now); run again on a folder nobody is writing to"
        )
    frame = sales_parse.resolve_sales_columns(io.RawFile(part.name, raw))
    stacked = sales_parse.tag_rows(frame, file_index=part.file_index, files=files, first_row=first_row)
    keep = np.ones(len(stacked), dtype=bool)
    keep[drop] = False
    # what drop_superseded returns once pass 1 has found the rows it drops: the rest, ids trimmed
    ledger = Ledger()
    applied = None
    if corrections is not None and len(corrections):
        stacked, applied = apply_corrections(
            stacked, corrections, file=part.name, fields=sales_parse.SALES_FIELDS
        )
        ledger.add(part.name, "corrected_by_log", int(applied["rows"].sum()))
    current = stacked.loc[keep]
    current = current.assign(order_id=current["order_id"].str.strip())
    orders = sales.clean_orders(current, ledger, params=params)
    out_orders, monthly, counts, lineage = sales_tables(orders, accounts, secret=secret)
    schema.validate("orders", out_orders)
    if out_path is not None:
        io.write_parquet(out_orders, Path(out_path))
    if lineage_path is not None:
        io.write_parquet(lineage, Path(lineage_path))
    return {
        "monthly": monthly,
        "records": ledger.records(),
        "corrections": dict(ledger.corrections),
        "link": counts,
        "orders": len(out_orders),
        "rows_clean": lineage_counts(lineage),
        "corrections_applied": applied,
    }


def _summary(result: dict) -> dict:
    return {k: v for k, v in result.items() if k != "monthly"}


def _write_monthly(part: pd.DataFrame, path: str) -> int:
    schema.validate("reseller_monthly", part)
    io.write_parquet(part, Path(path))
    return len(part)


# --- the whole run ----------------------------------------------------------------------------------


def clean_to(
    raw_dir: str | Path,
    out_dir: str | Path,
    *,
    client: object,
    secret: str | None = None,
    secret_file: str | Path | None = None,
    params: config.CleaningParams | None = None,
    blocksize: int = io.DEFAULT_BLOCKSIZE,
    part_rows: int = io.DEFAULT_PART_ROWS,
    programme: str | Path | Programme | None = None,
) -> dict:
    """Clean ``raw_dir`` (local folder or fsspec URL) into ``out_dir`` on the cluster of ``client``.

    Writes the processed-data contract atomically, with ``orders`` and ``reseller_monthly``
    as directories of Parquet parts. ``out_dir`` must be a folder the workers can write to
    (local, or shared storage mounted on every worker). Returns the audit.
    """
    import tempfile

    dask, dd, _ = _require_dask()
    params = params or config.CleaningParams()
    urls = io.list_raw_urls(raw_dir)
    with tempfile.TemporaryDirectory(prefix="impact-survey-") as tmp:
        if io.is_url(raw_dir):  # the survey is small: read it from a local copy
            survey_dir = io.fetch_survey(str(raw_dir), urls, Path(tmp), config.SAMPLE_MARKER)
        else:
            survey_dir = Path(raw_dir)
        files = {k: [survey_dir / name for _, name in urls[k]] for k in ("survey", "forms")}
        key, key_source = io.resolve_secret(survey_dir, secret=secret, secret_file=secret_file)
        prog = io.programme_for(survey_dir, programme)
        ledger = Ledger()
        corrections = Corrections(io.read_corrections(survey_dir), ledger, [])
        sales_log = corrections.log[corrections.log["file"].str.startswith("sales/").fillna(False)]
        sv = clean_survey(
            survey_dir, files, ledger, params=params, secret=key, programme=prog, corrections=corrections
        )
        survey_sha = {name: io.sha256(survey_dir / name) for name in sv.rows_read}
        survey_sha |= config_hashes(survey_dir, files)

    names = [name for _, name in urls["sales"]]
    parts = io.plan_sales_parts(urls["sales"], blocksize=blocksize, part_rows=part_rows)
    accounts = sv.base[["reseller_id", "participant_id"]]
    with dask.config.set({"dataframe.convert-string": False}), io.atomic_dir(Path(out_dir)) as tmp_out:
        for folder in (ORDERS_DIR, MONTHLY_DIR, LINEAGE_ORDERS_DIR):
            (tmp_out / folder).mkdir(parents=True)
        # pass 1: superseded rows, rows per partition, input hashes
        ids_meta = _ids_frame(pd.Series([], dtype="string"), block=0, file_index=0, files=names or [""])
        if parts:
            ids = dd.from_map(read_ids, parts, files=names, meta=ids_meta, enforce_metadata=False)
            shuffled = ids.shuffle(on="_oid", npartitions=len(parts))
            dropped = shuffled.map_partitions(superseded, meta=superseded(ids_meta))
            sizes = shuffled.map_partitions(block_sizes, meta=block_sizes(ids_meta))
            hashing = client.map(io.sha256, [url for url, _ in urls["sales"]], pure=False)
            records, sizes = _compute(client, dropped, sizes)
            hashes = client.gather(hashing)
        else:
            records, sizes, hashes = superseded(ids_meta), block_sizes(ids_meta), []
        rows = np.zeros(len(parts), dtype=np.int64)
        np.add.at(rows, sizes["block"].to_numpy(), sizes["rows"].to_numpy())
        first_rows = _first_rows(parts, rows)
        positions = records["source_row"].to_numpy(dtype=np.int64)
        drop = _positions_by_block(positions, len(parts))
        ledger.absorb(records.assign(source_row=_row_numbers(positions, first_rows)))

        # pass 2: clean every partition (workers write the orders parts), then the monthly table
        task = dask.delayed(clean_part, pure=True)
        results = [
            task(
                p,
                files=names,
                first_row=int(first_rows[p.block]),
                rows=int(rows[p.block]),
                drop=drop[p.block],
                accounts=accounts,
                secret=key,
                params=params,
                out_path=str(tmp_out / ORDERS_DIR / f"part.{p.block:05d}.parquet"),
                lineage_path=str(tmp_out / LINEAGE_ORDERS_DIR / f"part.{p.block:05d}.parquet"),
                corrections=sales_log[sales_log["file"] == p.name] if len(sales_log) else None,
            )
            for p in parts
        ]
        orders_meta, monthly_meta, _, lineage_meta = sales_tables(_empty_orders(), accounts, secret=key)
        if results:
            partials = dd.from_delayed(
                [dask.delayed(operator.getitem)(r, "monthly") for r in results],
                meta=monthly_meta,
                verify_meta=False,
            )
            n_out = max(1, len(parts) // 2)
            combined = partials.shuffle(on="reseller_key", npartitions=n_out).map_partitions(
                sales.combine_monthly, meta=monthly_meta
            )
            writes = [
                dask.delayed(_write_monthly)(d, str(tmp_out / MONTHLY_DIR / f"part.{i:05d}.parquet"))
                for i, d in enumerate(combined.to_delayed())
            ]
            summaries, monthly_rows = _compute(client, [dask.delayed(_summary)(r) for r in results], writes)
        else:  # no sales exports: empty tables with the contract's columns
            summaries, monthly_rows = [], []
            io.write_parquet(orders_meta, tmp_out / ORDERS_DIR / "part.00000.parquet")
            io.write_parquet(monthly_meta, tmp_out / MONTHLY_DIR / "part.00000.parquet")
            io.write_parquet(lineage_meta, tmp_out / LINEAGE_ORDERS_DIR / "part.00000.parquet")
        for s in summaries:
            ledger.absorb(s["records"], s["corrections"])
            if s["corrections_applied"] is not None:
                corrections.outcomes.append(s["corrections_applied"])

        quarantine = sort_quarantine(ledger.quarantine_table())
        read_s = dict.fromkeys(names, 0)
        for p in parts:
            read_s[p.name] += int(rows[p.block])
        notes_s = {p.name: p.notes for p in parts}
        rows_clean: dict[str, int] = {}
        for summary in summaries:
            for name, k in summary["rows_clean"].items():
                rows_clean[name] = rows_clean.get(name, 0) + k
        audit = make_audit(
            Path(str(raw_dir).rstrip("/")).name,
            key_source,
            params,
            sv,
            ledger,
            rows_read=sv.rows_read | read_s,
            rows_clean=rows_clean,
            notes=notes_s,
            input_sha256=survey_sha | dict(zip(names, hashes, strict=True)),
            tables={
                "orders": sum(s["orders"] for s in summaries),
                "reseller_monthly": int(sum(monthly_rows)),
                "quarantine_entries": len(quarantine),
            },
            match=match_report(sv.base, [s["link"] for s in summaries]),
            engine={
                "name": "dask",
                "partitions": len(parts),
                "workers": len(client.scheduler_info()["workers"]),
            },
            corrections=_merged_report(corrections),
        )
        io.write_parquet(sv.participants, tmp_out / "participants.parquet")
        io.write_parquet(sv.followups, tmp_out / "followups.parquet")
        if len(sv.comparison):  # comparison respondents: their own tables (never participants)
            io.write_parquet(sv.comparison, tmp_out / "comparison.parquet")
            io.write_parquet(sv.comparison_followups, tmp_out / "comparison_followups.parquet")
        for name, lineage in sv.lineage.items():
            io.write_parquet(lineage, tmp_out / io.LINEAGE_DIR / f"{name}.parquet")
        io.write_csv_safe(quarantine.drop(columns=[SCOPE]), tmp_out / "quarantine.csv")
        io.write_json(audit, tmp_out / "audit.json")
        io.write_json(sv.programme.to_dict(), tmp_out / io.PROGRAMME_JSON)
        io.write_csv_safe(ledger.review_table(), tmp_out / io.REVIEW_FILE)
    return audit


def _merged_report(corrections: Corrections) -> dict:
    """The corrections report, with a sales correction's outcomes in several partitions of one file
    merged: applied in any partition is applied; not found in all is not found."""
    if not corrections.outcomes:
        return corrections.report()
    every = pd.concat(corrections.outcomes, ignore_index=True)
    merged = []
    for _, g in every.groupby(["log_row", "file"], sort=False):
        status = g["status"]
        best = g[status == "applied"] if (status == "applied").any() else g[status == "stale"]
        if best.empty:
            best = g.iloc[:1]
        merged.append(best.assign(rows=int(g["rows"].sum())).iloc[:1])
    corrections.outcomes = merged
    return corrections.report()


def _first_rows(parts: list[io.SalesPart], rows: np.ndarray) -> np.ndarray:
    """Spreadsheet row number of each partition's first row (row 2 for a file's first partition)."""
    first = np.zeros(len(parts), dtype=np.int64)
    seen: dict[int, int] = {}
    for p in parts:
        first[p.block] = 2 + seen.get(p.file_index, 0)
        seen[p.file_index] = seen.get(p.file_index, 0) + int(rows[p.block])
    return first


def _row_numbers(positions: np.ndarray, first_rows: np.ndarray) -> pd.arrays.IntegerArray:
    """Spreadsheet row numbers of pass-1 positions (partition number, row within it)."""
    return pd.array(first_rows[positions >> POSITION_BITS] + (positions & _ROW_MASK), dtype="Int64")


def _positions_by_block(positions: np.ndarray, n_blocks: int) -> list[np.ndarray]:
    """Row positions within each partition (sorted, each once) from pass-1 positions."""
    pos = np.unique(positions)
    bounds = np.searchsorted(pos >> POSITION_BITS, np.arange(n_blocks + 1))
    return [(pos[bounds[b] : bounds[b + 1]] & _ROW_MASK).astype(np.int64) for b in range(n_blocks)]


def _empty_orders() -> pd.DataFrame:
    stacked = sales.stack_exports([])
    return sales.clean_orders(stacked, Ledger(), params=config.CleaningParams())
