"""The processed folder: atomic writes, the processed-data contract on disk, and reading it back.

``impact clean`` writes (see ``docs/data-contract.md``)::

    participants.parquet  followups.parquet  orders.parquet  reseller_monthly.parquet
    quarantine.csv        audit.json         lineage/<table>.parquet

With the Dask engine ``orders``, ``reseller_monthly`` and ``lineage/orders`` are directories of
``part.NNNNN.parquet`` files; :func:`load` reads both layouts into identical frames.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from impact.contract import (
    LINEAGE_TABLES,
    OPTIONAL_TABLES,
    SCOPE,
    TABLES,
    CleanData,
    empty_quarantine,
    empty_review,
)
from impact.errors import InputError
from impact.io.formulas import neutralise_formulas
from impact.io.programme import PROGRAMME_JSON, read_programme_json

__all__ = [
    "LINEAGE_DIR",
    "REVIEW_FILE",
    "ProcessedWriter",
    "atomic_dir",
    "empty_like_parquet",
    "load",
    "processed_writer",
    "read_audit",
    "read_cohorts",
    "remove_stale_siblings",
    "write_csv_safe",
    "write_json",
    "write_parquet",
    "write_processed",
]

#: folder of the lineage tables inside a processed folder
LINEAGE_DIR = "lineage"
#: answers matched tolerantly or not at all, for a person to review
REVIEW_FILE = "review.csv"


@contextlib.contextmanager
def atomic_dir(target: Path) -> Iterator[Path]:
    """Write a folder's contents into a temporary sibling, then swap it into place.

    If anything fails (or the process is interrupted) before the block ends, the
    previous contents of ``target`` stay untouched.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_siblings(target)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-{os.getpid()}-", dir=target.parent))
    try:
        yield tmp
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        if target.exists():
            target.rename(old)
        tmp.rename(target)
        if old.exists():
            shutil.rmtree(old)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def remove_stale_siblings(target: Path) -> list[Path]:
    """Remove hidden ``.NAME.tmp-PID-*`` / ``.NAME.old-PID`` siblings left by runs that were killed.

    Only siblings whose process (the PID in the name) is gone are touched, so a concurrent
    run is left alone. A stale ``.old`` folder is the previous output of a run killed between
    its two renames: it is moved back into place if ``target`` is missing. Returns what was removed.
    """
    target = Path(target)
    removed = []
    if not target.parent.is_dir():
        return removed
    for p in sorted(target.parent.glob(f".{target.name}.*")):
        kind, _, rest = p.name[len(target.name) + 2 :].partition("-")
        pid = rest.split("-", 1)[0]
        if kind not in ("tmp", "old") or not pid.isdigit() or _pid_alive(int(pid)) or not p.is_dir():
            continue
        if kind == "old" and not target.exists():
            p.rename(target)
            continue
        shutil.rmtree(p, ignore_errors=True)
        removed.append(p)
    return removed


def write_parquet(df: pd.DataFrame, path: Path) -> None:
    """Write a table as Parquet (no pandas index, deterministic bytes for the same data)."""
    table = pa.Table.from_pandas(df, preserve_index=False)
    pq.write_table(table, path, compression="zstd")


def empty_like_parquet(path: Path) -> pd.DataFrame:
    """The columns and types of a Parquet table with no rows, reading at most its first row (so that
    categoricals keep their categories), whatever the file's size."""
    pf = pq.ParquetFile(path)
    first = next(pf.iter_batches(batch_size=1), None)
    if first is None:
        return pf.read().to_pandas()
    return pa.Table.from_batches([first], schema=pf.schema_arrow).to_pandas().iloc[:0]


def write_json(obj: object, path: Path) -> None:
    Path(path).write_text(json.dumps(obj, indent=2, ensure_ascii=False, sort_keys=False, default=str) + "\n")


def write_csv_safe(df: pd.DataFrame, path: Path) -> None:
    """Write CSV with text cells that a spreadsheet would run as a formula neutralised."""
    neutralise_formulas(df).to_csv(path, index=False, lineterminator="\n")


# --- the processed-data contract on disk ------------------------------------------------------------


class ProcessedWriter:
    """Writes a processed folder's files into ``folder`` (the temporary folder of :func:`atomic_dir`),
    the large tables in parallel threads (pyarrow releases the GIL; the bytes are the same).

    :meth:`early` writes a table as soon as it is ready (``orders`` and its lineage, while the rest is
    still being computed); :meth:`finish` writes everything else and waits for all writes.
    """

    def __init__(self, folder: Path, pool: ThreadPoolExecutor) -> None:
        self.folder, self.pool = Path(folder), pool
        (self.folder / LINEAGE_DIR).mkdir(exist_ok=True)
        self.writes: dict[str, Future] = {}

    def early(self, name: str, table: pd.DataFrame) -> None:
        """Write ``name`` (``orders``, ``lineage/orders``, …) now, in the background."""
        self.writes[name] = self.pool.submit(write_parquet, table, self.folder / f"{name}.parquet")

    def finish(self, data: CleanData) -> None:
        for name in TABLES:
            if name not in self.writes:
                self.early(name, getattr(data, name))
        for name in OPTIONAL_TABLES:  # only when there are rows (comparison respondents)
            if len(getattr(data, name)) and name not in self.writes:
                self.early(name, getattr(data, name))
        for name in LINEAGE_TABLES:
            if name in data.lineage and f"{LINEAGE_DIR}/{name}" not in self.writes:
                self.early(f"{LINEAGE_DIR}/{name}", data.lineage[name])
        write_csv_safe(data.quarantine.drop(columns=[SCOPE], errors="ignore"), self.folder / "quarantine.csv")
        write_json(data.audit, self.folder / "audit.json")
        write_json(data.programme.to_dict(), self.folder / PROGRAMME_JSON)
        write_csv_safe(data.review if data.review is not None else empty_review(), self.folder / REVIEW_FILE)
        for w in self.writes.values():
            w.result()


@contextlib.contextmanager
def processed_writer(out_dir: str | Path) -> Iterator[ProcessedWriter]:
    """A :class:`ProcessedWriter` into ``out_dir``, replaced atomically when the block ends without
    an error (else ``out_dir`` is left as it was)."""
    with atomic_dir(Path(out_dir)) as tmp, ThreadPoolExecutor(max_workers=3) as pool:
        yield ProcessedWriter(tmp, pool)


def write_processed(data: CleanData, out_dir: str | Path) -> Path:
    """Write the processed-data contract into ``out_dir`` atomically (all or nothing)."""
    with processed_writer(out_dir) as writer:
        writer.finish(data)
    return Path(out_dir)


def _read_table(path: Path, *, rows: bool = True) -> pd.DataFrame:
    """One processed table: a Parquet file, or a directory of parts (the Dask engine) read as one
    table in part order, with categories made what one file would hold (the sorted values used).
    ``rows=False``: no rows, only the columns and their types.
    """
    files = sorted(path.glob("part.*.parquet")) if path.is_dir() else [path]
    if not files:
        raise InputError(f"{path}: no part.*.parquet files")
    if not rows:
        return empty_like_parquet(files[0])
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


def _require_processed(d: Path) -> None:
    if not (d / "participants.parquet").is_file():
        raise InputError(f"{d}: not a processed folder (no participants.parquet); run `impact clean` first")


def load(processed_dir: str | Path, *, orders: bool = True, lineage: bool = False) -> CleanData:
    """Read a processed folder written by ``impact clean`` (either engine).

    ``orders=False`` leaves out the rows of the order-level table (tens of millions at platform
    scale; indicators and reports use the monthly table): ``data.orders`` is then an empty table
    with its columns and types, and ``data.audit["tables"]["orders"]`` still counts its rows.
    ``lineage=True`` also reads the lineage tables (internal; see :class:`~impact.contract.CleanData`).
    """
    d = Path(processed_dir)
    _require_processed(d)
    tables = {name: _read_table(d / f"{name}.parquet", rows=orders or name != "orders") for name in TABLES}
    tables |= {
        name: _read_table(d / f"{name}.parquet")
        for name in OPTIONAL_TABLES
        if (d / f"{name}.parquet").exists()
    }
    q = pd.read_csv(
        d / "quarantine.csv",
        dtype={
            "source_file": "string",
            "source_row": "Int64",
            "column": "string",
            "value": "string",
            "reason": "string",
        },
        keep_default_na=False,
        na_values=[""],
    )
    if q.empty:
        q = empty_quarantine().drop(columns=[SCOPE])
    lineage_tables = {}
    if lineage:
        for name in LINEAGE_TABLES:
            path = d / LINEAGE_DIR / f"{name}.parquet"
            if path.exists():
                lineage_tables[name] = _read_table(path)
    review = (
        pd.read_csv(d / REVIEW_FILE, dtype="string", keep_default_na=False, na_values=[""]).astype(
            {"rows": "Int64"}
        )
        if (d / REVIEW_FILE).is_file()
        else None
    )
    return CleanData(
        **tables,
        quarantine=q,
        audit=read_audit(d),
        lineage=lineage_tables,
        programme=read_programme_json(d),
        review=review,
    )


def read_audit(processed_dir: str | Path) -> dict:
    """``audit.json`` of a processed folder ({} when there is none or it cannot be read)."""
    path = Path(processed_dir) / "audit.json"
    if not path.is_file():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, OSError):
        return {}


def read_cohorts(processed_dir: str | Path) -> list[str]:
    """The cohort codes present in a processed folder, sorted."""
    d = Path(processed_dir)
    _require_processed(d)
    found = pd.read_parquet(d / "participants.parquet", columns=["cohort"])["cohort"]
    return sorted(set(found.dropna().astype(str)))
