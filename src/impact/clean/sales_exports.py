"""Sales exports parsed one by one — in worker processes when they are large — and kept between runs.

Every order export is parsed on its own (:func:`impact.clean.sales_parse.parse_orders`: nothing in a row's
parse depends on other rows or other exports); de-duplication across exports and everything after
it run on the parsed parts (:func:`impact.clean.sales.current_rows`, ``assemble_orders``).

**Worker processes.** When the exports are large (:data:`PARALLEL_MIN_BYTES` together, two or more
pieces), each is read and parsed in a process of its own (:data:`WORKERS` at a time). A large Parquet
export is parsed in pieces of consecutive row groups (:data:`PIECE_ROWS` rows or more each), so that
workers share even a single large export and none waits while another parses the last one. Parquet
columns of few distinct values are read as the file's own dictionaries
(:data:`impact.clean.sales_parse.ENCODED_FIELDS`). A worker writes its parsed part as an Arrow IPC
file, which the main process maps into memory without copying; the main process takes each piece
as a part of its own (pieces are consecutive, so de-duplication is unchanged).

**The cache.** Raw exports never change once written, and a programme re-runs ``impact clean``
every time a new weekly export arrives. An export's parsed part depends only on the file's bytes,
the code that parses it, the cleaning parameters, the corrections logged for it (and, by the
contract of the cache, the secret), so it is kept under a key made of exactly these
(:func:`entry_key`; a piece's entry adds its number) in a cache folder (``impact clean
--cache-dir``; by default next to the processed folder, ``PROCESSED.cache/``). A later run whose
key matches maps the stored part
instead of parsing the file again; de-duplication across exports, the monthly table and every
other output are then computed as in a full run, so they are the same byte for byte. Entries that
a run did not use are removed at its end. Exports smaller than :data:`CACHE_MIN_BYTES` are parsed
in place and never cached (the bundled sample's are ~0.3 MB).

The cache holds order ids and reseller account ids in clear (like the raw exports, unlike the
processed tables): keep it where the raw data is kept, never share it with the processed data.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import json
import os
import pickle
import queue
import subprocess
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from impact import _memory as memory
from impact import config, io
from impact._version import __version__
from impact.clean import sales_parse
from impact.clean.corrections import apply_corrections
from impact.errors import InputError

__all__ = [
    "CACHE_MIN_BYTES",
    "PARALLEL_MIN_BYTES",
    "WORKERS",
    "ExportResult",
    "code_version",
    "default_cache_dir",
    "entry_key",
    "parse_exports",
]

#: format of the cache's entries (part of every key)
CACHE_FORMAT = 1
#: exports at least this large are cached; smaller ones are parsed in place, every run
CACHE_MIN_BYTES = 4 << 20
#: from this many bytes of sales exports (and two files) on, exports are parsed in worker processes
PARALLEL_MIN_BYTES = 16 << 20
#: large Parquet exports are parsed in pieces of row groups of at least this many rows
PIECE_ROWS = 500_000
#: worker processes parsing exports at once (the reference machine has 2 cores)
WORKERS = max(1, min(2, os.cpu_count() or 1))
#: the modules whose code decides a parsed part (their source is hashed into :func:`code_version`)
_CODE_MODULES = (
    "impact.clean.sales_parse",
    "impact.clean.sales",
    "impact.clean.sales_exports",
    "impact.clean.corrections",
    "impact.io.raw",
    "impact.vocab",
    "impact.config",
    "impact._compat",
)


@dataclass
class ExportResult:
    """One sales export: how it was read, its parsed rows, and whether they came from the cache."""

    name: str
    rows: int
    notes: dict
    sha256: str | None  #: the file's SHA-256, when it was computed on the way
    pieces: list[sales_parse.ParsedOrders]  #: its parsed rows, in consecutive pieces (see _pieces)
    outcome: pd.DataFrame | None  #: the corrections log's outcome for this file (None: no log)
    cached: bool | None  #: True from the cache, False parsed now, None not cacheable (small or off)


def default_cache_dir(out_dir: str | Path) -> Path:
    """The cache folder of a processed folder: ``PROCESSED.cache`` next to it."""
    out_dir = Path(out_dir)
    return out_dir.with_name(out_dir.name + ".cache")


@functools.cache
def code_version() -> str:
    """A hash of the code that parses exports: impact's version, the pandas / pyarrow / numpy
    versions, and the source of the modules :data:`_CODE_MODULES` and of :mod:`impact.clean.parse`."""
    import importlib

    h = hashlib.sha256(f"{__version__} {pd.__version__} {pa.__version__} {np.__version__}".encode())
    files = [Path(importlib.import_module(m).__file__) for m in _CODE_MODULES]
    files += sorted(Path(importlib.import_module("impact.clean.parse").__file__).parent.glob("*.py"))
    for f in files:
        h.update(f.name.encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


def secret_fingerprint(secret: str) -> str:
    """What the cache keys hold of the secret: a keyed hash of a fixed text (never the secret)."""
    return hmac.new(secret.encode(), b"impact:sales-cache", hashlib.sha256).hexdigest()[:32]


def entry_key(sha256: str, *, params: config.CleaningParams, secret: str, log: pd.DataFrame | None) -> str:
    """The cache key of one export: its bytes (SHA-256), the code, the parameters, the secret
    (fingerprint) and the corrections logged for it."""
    doc = {
        "format": CACHE_FORMAT,
        "code": code_version(),
        "file": sha256,
        "params": asdict(params),
        "secret": secret_fingerprint(secret),
        "corrections": None if log is None else log.astype("string").fillna("").to_numpy().tolist(),
    }
    return hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()


# --- one export ---------------------------------------------------------------------------------------


def _file_log(log: pd.DataFrame | None, name: str) -> pd.DataFrame | None:
    """The corrections log rows that concern one sales export (None without a log)."""
    if log is None or log.empty:
        return None
    mine = log[(log["file"] == name).fillna(False).to_numpy(dtype=bool)].reset_index(drop=True)
    return mine if len(mine) else None  # (for a file the log does not name, applying it changes nothing)


def _parse(
    path: Path,
    name: str,
    params: config.CleaningParams,
    log: pd.DataFrame | None,
    row_groups: list[int] | None = None,
):
    header = io.sales_header(path, name) if log is None else None  # (corrections edit text: none encoded)
    found = sales_parse.field_columns(header, name) if header is not None else {}
    encoded = tuple(found[f] for f in sales_parse.ENCODED_FIELDS if f in found)
    raw = io.read_sales_file(path, name, encoded=encoded, row_groups=row_groups)
    rows, notes = len(raw.frame), dict(raw.notes)
    frame = sales_parse.tag_rows(sales_parse.resolve_sales_columns(raw), file_index=0, files=[name])
    del raw
    outcome = None
    if log is not None:
        frame, outcome = apply_corrections(frame, log, file=name, fields=sales_parse.SALES_FIELDS)
    return rows, notes, sales_parse.parse_orders(frame, params=params), outcome


def _entry_paths(folder: Path, key: str) -> dict[str, Path]:
    return {
        "table": folder / f"{key}.arrow",
        "texts": folder / f"{key}.texts.arrow",
        "issues": folder / f"{key}.issues.parquet",
        "outcome": folder / f"{key}.corrections.parquet",
        "meta": folder / f"{key}.json",  # written last: an entry without it is incomplete
    }


def _write_entry(folder: Path, key: str, parsed: sales_parse.ParsedOrders, meta: dict, outcome) -> None:
    paths = _entry_paths(folder, key)
    tmp = {k: p.with_name(f".{p.name}.tmp-{os.getpid()}") for k, p in paths.items()}
    texts = pa.table({"text": pa.concat_arrays([parsed.rids, parsed.categories])})
    for name, table in (("table", parsed.table), ("texts", texts)):
        with pa.OSFile(str(tmp[name]), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)
    pq.write_table(pa.Table.from_pandas(parsed.issues, preserve_index=False), tmp["issues"])
    if outcome is not None:
        pq.write_table(pa.Table.from_pandas(outcome, preserve_index=False), tmp["outcome"])
    tmp["meta"].write_text(json.dumps(meta | {"outcome": outcome is not None, "rids": len(parsed.rids)}))
    for k in ("table", "texts", "issues", "outcome", "meta"):
        if tmp[k].exists():
            tmp[k].replace(paths[k])


def _read_entry(folder: Path, key: str) -> tuple[dict, sales_parse.ParsedOrders, pd.DataFrame | None] | None:
    """A stored entry (its table mapped into memory), or None when there is none usable."""
    paths = _entry_paths(folder, key)
    try:
        meta = json.loads(paths["meta"].read_text())
        table = pa.ipc.open_file(pa.memory_map(str(paths["table"]))).read_all()
        texts = pa.ipc.open_file(pa.memory_map(str(paths["texts"]))).read_all()["text"].combine_chunks()
        issues = pd.read_parquet(paths["issues"])
        outcome = pd.read_parquet(paths["outcome"]) if meta["outcome"] else None
    except (OSError, ValueError, KeyError, pa.ArrowException):
        return None
    if table.num_rows != meta.get("parsed_rows") or table.schema != sales_parse.PARSED_SCHEMA:
        return None
    n = meta["rids"]
    parsed = sales_parse.ParsedOrders(table, issues.astype({"row": np.int64}), texts[:n], texts[n:])
    return meta, parsed, outcome


def export_job(
    path: str,
    name: str,
    *,
    params: config.CleaningParams,
    log: pd.DataFrame | None,
    folder: str,
    key: str,
    sha256: str | None = None,
    row_groups: list[int] | None = None,
    digest_file: bool = True,
) -> dict:
    """Parse one export (or the ``row_groups`` of a Parquet export) and write its part into
    ``folder`` under ``key`` (a worker process runs this).

    The file's SHA-256 is computed here unless given (``sha256``) or not wanted (``digest_file``
    False: another piece of the file computes it). Returns the key, the SHA-256 and ``cached``
    False; the caller maps the part from ``folder``.
    """
    digest = sha256 or (io.sha256(path) if digest_file else None)
    rows, notes, parsed, outcome = _parse(Path(path), name, params, log, row_groups)
    meta = {"rows": rows, "notes": notes, "parsed_rows": len(parsed), "sha256": digest}
    _write_entry(Path(folder), key, parsed, meta, outcome)
    return {"key": key, "sha256": digest, "cached": False}


# --- all exports -----------------------------------------------------------------------------------------


class _Workers:
    """Worker processes running :func:`export_job`: ``python -m impact.clean.sales_exports``, each
    taking pickled jobs on its standard input and answering on its standard output (a fresh
    interpreter: no fork of this process and its threads, no re-import of the caller's script).
    """

    def __init__(self, n: int) -> None:
        self._idle: queue.SimpleQueue = queue.SimpleQueue()
        self._started: list[subprocess.Popen] = []
        self._threads = ThreadPoolExecutor(max_workers=n, thread_name_prefix="impact-export")

    def _process(self) -> subprocess.Popen:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            env = dict(os.environ)  # the same impact as this process's: the folder holding the package
            package_root = str(Path(__file__).resolve().parents[2])
            env["PYTHONPATH"] = os.pathsep.join([package_root, env.get("PYTHONPATH", "")])
            env = memory.worker_env(env)  # (see impact._memory)
            proc = subprocess.Popen(
                [sys.executable, "-m", "impact.clean.sales_exports"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env=env,
            )
            self._started.append(proc)
            return proc

    def _run(self, args: tuple, kwargs: dict) -> dict:
        proc = self._process()
        try:
            pickle.dump((args, kwargs), proc.stdin)
            proc.stdin.flush()
            ok, value = pickle.load(proc.stdout)
        except (EOFError, OSError, pickle.UnpicklingError):
            proc.kill()
            raise _WorkerDied from None
        self._idle.put(proc)
        if ok:
            return value
        raise value

    def submit(self, *args, **kwargs) -> Future:
        return self._threads.submit(self._run, args, kwargs)

    def close(self) -> None:
        self._threads.shutdown(wait=True, cancel_futures=True)
        for proc in self._started:
            with contextlib.suppress(OSError):
                proc.stdin.close()
        for proc in self._started:
            proc.wait()
            proc.stdout.close()


class _WorkerDied(Exception):
    pass


def _serve() -> None:
    """A worker's loop (see :class:`_Workers`)."""
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # anything printed must not mix with the answers
    pa.set_cpu_count(1)  # one core per worker: Arrow's own threads would only contend with the others
    while True:
        try:
            args, kwargs = pickle.load(stdin)
        except (EOFError, KeyboardInterrupt):  # the main process is done, or Ctrl-C (it reports that)
            return
        try:
            answer = (True, export_job(*args, **kwargs))
        except KeyboardInterrupt:
            return
        except Exception as e:  # sent back and raised in the main process
            answer = (False, e)
        pickle.dump(answer, stdout)
        stdout.flush()


def _pieces(path: Path, name: str, size: int, log: pd.DataFrame | None) -> list[list[int] | None]:
    """How an export is parsed: whole (``[None]``), or a large Parquet export without corrections in
    pieces of consecutive row groups of at least :data:`PIECE_ROWS` rows (parsed side by side, so
    that no worker waits while another parses a last large export alone)."""
    if log is not None or size < CACHE_MIN_BYTES or Path(path).suffix.lower() != ".parquet":
        return [None]
    pieces, rows = [[]], 0
    for group, n in enumerate(io.parquet_row_groups(path, name)):
        if rows >= PIECE_ROWS:
            pieces.append([])
            rows = 0
        pieces[-1].append(group)
        rows += n
    if len(pieces) > 1 and rows < PIECE_ROWS // 2:  # a short last piece joins the one before
        last = pieces.pop()
        pieces[-1] += last
    return pieces if len(pieces) > 1 else [None]


def parse_exports(
    paths: list[Path],
    names: list[str],
    *,
    params: config.CleaningParams,
    log: pd.DataFrame | None,
    secret: str,
    cache_dir: Path | None,
    progress: Callable[[int, int, int], None] | None = None,
    meanwhile: Callable[[], object] | None = None,
) -> tuple[list[ExportResult], object]:
    """Read and parse every sales export (in worker processes when they are large), reusing cached
    parts; returns the results in export order, and what ``meanwhile`` returned (it runs in this
    process while the workers parse: the survey is cleaned then).

    Large Parquet exports are parsed in pieces of row groups (:func:`_pieces`), each kept in the
    cache as its own entry. ``cache_dir`` None: no cache (everything is parsed, nothing kept).
    ``progress(rows, done, total)`` is called as exports are done (rows read so far, exports done,
    exports in all).
    """
    sizes = [p.stat().st_size for p in paths]
    cacheable = [cache_dir is not None and s >= CACHE_MIN_BYTES for s in sizes]
    logs = [_file_log(log, name) for name in names]
    pieces = [_pieces(p, n, s, g) for p, n, s, g in zip(paths, names, sizes, logs, strict=True)]
    results: list[ExportResult | None] = [None] * len(paths)

    def key_of(i: int, c: int, key: str) -> str:
        return key if len(pieces[i]) == 1 else f"{key}-{c:03d}"

    # the cache: the large exports are hashed here (threads: hashlib releases the GIL) and looked up
    known: dict[int, dict] = {}
    if any(cacheable):
        cache_dir.mkdir(parents=True, exist_ok=True)
        at = [i for i, c in enumerate(cacheable) if c]
        with ThreadPoolExecutor(max_workers=WORKERS) as hashing:
            digests = list(hashing.map(io.sha256, [paths[i] for i in at]))
        for i, digest in zip(at, digests, strict=True):
            key = entry_key(digest, params=params, secret=secret, log=logs[i])
            keys = [key_of(i, c, key) for c in range(len(pieces[i]))]
            cached = all(_entry_paths(cache_dir, k)["meta"].is_file() for k in keys)
            known[i] = {"keys": keys, "sha256": digest, "cached": cached}
    todo = [i for i in range(len(paths)) if not known.get(i, {}).get("cached")]
    parallel = (
        sum(len(pieces[i]) for i in todo) >= 2
        and sum(sizes[i] for i in todo) >= PARALLEL_MIN_BYTES
        and WORKERS > 1
    )
    with contextlib.ExitStack() as stack:
        scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="impact-parts-")))
        folders = [cache_dir if c else scratch for c in cacheable]

        def job_args(i: int, c: int) -> dict:
            return {
                "params": params,
                "log": logs[i],
                "folder": str(folders[i]),
                "key": known[i]["keys"][c] if i in known else key_of(i, c, f"part-{i:05d}"),
                "sha256": known[i]["sha256"] if i in known else None,
                "row_groups": pieces[i][c],
                "digest_file": c == 0,
            }

        jobs: dict[tuple[int, int], object] = {}
        if parallel:
            pool = _Workers(WORKERS)
            stack.callback(pool.close)  # on an error (e.g. in the survey), exports not started are not parsed
            jobs = {
                (i, c): pool.submit(str(paths[i]), names[i], **job_args(i, c))
                for i in todo
                for c in range(len(pieces[i]))
            }
        other = meanwhile() if meanwhile is not None else None
        done_rows = 0
        for i, (path, name) in enumerate(zip(paths, names, strict=True)):
            parts = [
                _piece(i, c, path, name, jobs, known, cacheable, folders, job_args)
                for c in range(len(pieces[i]))
            ]
            if all(entry is not None for _, entry in parts):
                metas = [entry[0] for _, entry in parts]
                rows, notes, digest = sum(m["rows"] for m in metas), metas[0]["notes"], parts[0][0]["sha256"]
                parsed = [entry[1] for _, entry in parts]
                outcome = parts[0][1][2]
            else:
                rows, notes, whole, outcome = _parse(path, name, params, logs[i])
                parsed, digest = [whole], None
            cached = all(job is not None and job["cached"] for job, _ in parts) if cacheable[i] else None
            results[i] = ExportResult(name, rows, notes, digest, parsed, outcome, cached)
            done_rows += rows
            if progress is not None:
                progress(done_rows, i + 1, len(paths))
        if known:
            _prune(cache_dir, {k for entry in known.values() for k in entry["keys"]})
    return results, other


def _piece(
    i: int, c: int, path: Path, name: str, jobs: dict, known: dict, cacheable: list, folders: list, job_args
):
    """One piece of one export: ``(job, entry)`` (entry None: parse it whole, in place)."""
    if (i, c) in jobs:
        try:
            job = jobs[i, c].result()
        except _WorkerDied:
            raise InputError(
                f"{name}: the process parsing it died (out of memory?); "
                "run again with fewer exports or use --engine dask"
            ) from None
    elif i in known and known[i]["cached"]:
        job = {"key": known[i]["keys"][c], "sha256": known[i]["sha256"], "cached": True}
    elif cacheable[i]:
        job = export_job(str(path), name, **job_args(i, c))
    else:
        return None, None
    entry = _read_entry(folders[i], job["key"])
    if entry is None and i in known and known[i]["cached"]:  # an entry that cannot be read: parse again
        job = export_job(str(path), name, **job_args(i, c))
        entry = _read_entry(folders[i], job["key"])
    return job, entry


def _prune(cache_dir: Path, keep: set[str]) -> None:
    """Remove the cache's entries (and leftovers of killed runs) other than ``keep``."""
    for p in cache_dir.iterdir():
        key = p.name.lstrip(".").split(".", 1)[0]
        if key not in keep and p.is_file():
            with contextlib.suppress(OSError):
                p.unlink()


if __name__ == "__main__":  # a worker process (see _Workers)
    _serve()
