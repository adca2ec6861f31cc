"""Benchmark: ``impact clean`` at scale, pandas engine vs Dask engine, wall time and memory of the process tree.

    .venv/bin/python benchmarks/bench_scale.py --orders 10000000 50000000 --engines pandas dask \\
        --format parquet --workers 2 --memory-limit 3GiB --pandas-cap 21GiB --repeat 1

Data: the scale data of ``bench_sales.py`` (``bench_sales.ensure_data``: the bundled survey and
``raw/sales/orders_NNNN.<format>`` in ``benchmarks/data/<format>-<orders>/``, generated on first use
in a child process, reused afterwards; git-ignored).

What is run: the command itself, ``.venv/bin/impact clean RAW --out OUT --engine pandas|dask`` (the
pandas engine with ``--no-cache``, the Dask engine with ``--workers/--memory-limit/--blocksize/--part-rows`` when given), as a subprocess,
into a temporary folder under the data folder that is deleted after each run (its size is reported
first). Dask's temporary directory (spilled data, shuffle files) is pointed into the same temporary
folder (``DASK_TEMPORARY_DIRECTORY``), so nothing is left behind, even after a kill. Engines
alternate within each size (pandas, dask, pandas, dask, ...); figures are medians of ``--repeat``.

What is measured, and why the whole process tree:

* **wall s**: from starting the subprocess to its exit (interpreter start and imports, the local
  cluster's start and shutdown, writing the outputs: everything a user waits for). The tree's CPU
  seconds (user + system of the command and every descendant it waited for) are printed per run.
* **tree peak MB**: the Dask engine does its work in worker processes, children or grandchildren
  of the ``impact`` process (which itself only holds the client, the survey and the ledger).
  ``ru_maxrss`` of the command (what ``bench_sales.py`` reports) would see only that client, and
  ``ru_maxrss`` over children gives the largest single process, not what the machine has to hold
  at once. So a sampler thread reads, every ``--interval`` seconds (0.1), the resident set size of
  ``psutil.Process(pid)`` and of all its ``children(recursive=True)`` (processes that vanish in
  between are skipped), sums them and keeps the maximum. The sum counts pages shared between
  processes (shared libraries, a few tens of MB per Python process) once per process, so it is
  slightly above what the machine really uses; a spike shorter than the interval can be missed.
  Data Dask spilled to disk is not resident and is not counted.
* **largest process MB**: the peak of the largest single process. For Dask the per-run line
  also gives the peak of the ``impact`` (client) process and of the largest descendant (a
  worker), to compare with ``--memory-limit`` (per worker; Dask spills above ~60-70% of it,
  pauses the worker at 80% and restarts it at 95%; the per-run line counts those messages).
  MB are 2**20 bytes, as in ``bench_sales.py``.

Safety: the pandas engine holds everything in memory (~0.45 GB per 1M orders), so its tree is
killed (SIGKILL to every process of the tree and its session) when its RSS sum exceeds
``--pandas-cap`` (default 21GiB) or when the machine's available memory
(``psutil.virtual_memory().available``) drops below ``--min-available`` (default 1.5GiB); the run
is then recorded as ``exceeded cap`` — the expected outcome above the largest size pandas can
hold, and pandas is not run again at that size or larger ones. Dask runs get the machine guard
only (their limit is per worker and enforced by Dask); a Dask run killed by it is a failure.

Checks: the command must exit 0 and print its ``total`` line (rows read / clean / quarantined /
duplicate are parsed from it) and, for Dask, ``engine: dask, N partitions on W workers``. When
both engines succeed at a size, the ``totals`` and ``tables`` sections of their ``audit.json`` must
be equal ("audits match: yes"); the tables themselves are not loaded. The script exits 1 if any run
failed or the audits differ ("exceeded cap" is not a failure).

Output: a line per run as it finishes, a markdown table (orders | input format | engine | wall s |
tree peak MB | largest process MB | rows read | result), the audit checks, and last one
machine-readable line per run::

    size=10000000 engine=dask wall_s=31.5 peak_mb=5123 status=ok format=parquet run=1 largest_mb=... rows_read=...
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import psutil
from bench_sales import DATA_DIR, ensure_data

ENGINES = ("pandas", "dask")
MIB = 2**20
#: statuses of a run; only "failed" makes the script exit 1
OK, CAPPED, FAILED = "ok", "exceeded cap", "failed"
TOTAL_LINE = re.compile(r"^total\s+([\d,]+)\s+([\d,]+)\s+([\d,]+)\s+([\d,]+)\s+([\d,]+)\s*$", re.MULTILINE)
ENGINE_LINE = re.compile(r"^engine: dask, (\d+) partitions on (\d+) workers", re.MULTILINE)
TIME_LINE = re.compile(r"^processed tables written to .* in ([\d.]+) s$", re.MULTILINE)
#: Dask's memory messages on stderr (distributed.worker_memory)
DASK_MESSAGES = {
    "restarts": re.compile(r"exceeded \d+% memory budget"),
    "pauses": re.compile(r"Pausing worker"),
    "unmanaged": re.compile(r"Unmanaged memory use is high"),
}
_UNITS = {
    "": 1,
    "b": 1,
    "k": 10**3,
    "kb": 10**3,
    "m": 10**6,
    "mb": 10**6,
    "g": 10**9,
    "gb": 10**9,
    "t": 10**12,
    "tb": 10**12,
    "kib": 2**10,
    "mib": 2**20,
    "gib": 2**30,
    "tib": 2**40,
}


def parse_size(text: str) -> int:
    """Bytes of ``21GiB``, ``1.5 GiB``, ``3GB`` (10**9), ``512MiB``, ``1000000`` (as Dask reads them).

    >>> parse_size("1.5GiB")
    1610612736
    """
    m = re.fullmatch(r"\s*([\d.]+)\s*([a-zA-Z]*)\s*", text)
    if not m or m.group(2).lower() not in _UNITS:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 21GiB, 1.5GiB, 3000MB)")
    return int(float(m.group(1)) * _UNITS[m.group(2).lower()])


def human(size: int) -> str:
    """``21.0 GiB``, ``250 MiB``."""
    return f"{size / 2**30:.1f} GiB" if size >= 2**30 else f"{size / MIB:,.0f} MiB"


def disk_usage(path: Path) -> tuple[int, int]:
    """(files, bytes on disk as ``du`` counts them) under ``path``."""
    files = size = 0
    for root, _, names in os.walk(path):
        for name in names:
            with contextlib.suppress(FileNotFoundError):
                size += (Path(root) / name).stat().st_blocks * 512
                files += 1
    return files, size


# --- data (in a child process, so that the generator's memory is not held by this one) -----------------


def child_generate(fmt: str, orders: int, resellers: int, data_dir: Path) -> dict:
    """Run ``bench_sales.ensure_data``; whether it wrote the data (its manifest changed) and how long it took."""
    manifest = data_dir / f"{fmt}-{orders}" / "raw" / "sales" / "_manifest.json"
    before = manifest.stat().st_mtime_ns if manifest.is_file() else None
    began = time.perf_counter()
    raw = ensure_data(fmt, orders, resellers, data_dir=data_dir)
    seconds = time.perf_counter() - began
    after = manifest.stat().st_mtime_ns if manifest.is_file() else None
    return {"raw": str(raw), "seconds": seconds, "generated": before is None or before != after}


def prepare_data(fmt: str, orders: int, resellers: int, data_dir: Path) -> tuple[Path, bool]:
    """The raw folder for one size (generated if missing); prints the time and size on disk."""
    began = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            __file__,
            "--generate",
            "--format",
            fmt,
            "--orders",
            str(orders),
            "--resellers",
            str(resellers),
            "--data-dir",
            str(data_dir),
        ],
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"generating {orders:,} orders ({fmt}) failed (exit {done.returncode})")
    info = json.loads(done.stdout.strip().splitlines()[-1])
    raw = Path(info["raw"])
    files, size = disk_usage(raw)
    _, sales_size = disk_usage(raw / "sales")
    how = (
        f"generated in {info['seconds']:.1f} s ({time.perf_counter() - began:.1f} s with the child's start)"
        if info["generated"]
        else "reused (already generated)"
    )
    print(
        f"data {raw}: {how}; {files} files, {size / MIB:,.0f} MB on disk (sales {sales_size / MIB:,.0f} MB)",
        flush=True,
    )
    return raw, info["generated"]


# --- one run of `impact clean` ----------------------------------------------------------------------------


@dataclass
class Run:
    size: int
    fmt: str
    engine: str
    index: int
    status: str = FAILED
    reason: str = ""
    wall_s: float = float("nan")
    cpu_s: float = float("nan")
    peak_mb: float = float("nan")
    largest_mb: float = float("nan")
    main_mb: float = float("nan")
    child_mb: float = float("nan")
    processes: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    partitions: str = ""
    impact_s: float = float("nan")
    output_mb: float = float("nan")
    messages: dict[str, int] = field(default_factory=dict)
    leftovers: list[str] = field(default_factory=list)
    audit: dict | None = None


class TreeMonitor(threading.Thread):
    """Samples the RSS of a process and all its descendants; kills the tree past the limits.

    ``cap``: bytes for the RSS sum (``None``: no cap); ``min_available``: bytes the machine must
    keep available. ``killed`` says why the tree was killed (``""`` if it was not).
    """

    def __init__(self, pid: int, *, interval: float, cap: int | None, min_available: int) -> None:
        super().__init__(daemon=True)
        self.root = psutil.Process(pid)
        self.interval, self.cap, self.min_available = interval, cap, min_available
        self.peak_sum = 0
        self.peak_by_pid: dict[int, int] = {}
        self.pids: set[int] = set()
        self.killed = ""
        self._done = threading.Event()

    def sample(self) -> int:
        try:
            procs = [self.root, *self.root.children(recursive=True)]
        except psutil.Error:  # the command has exited
            return 0
        total = 0
        for p in procs:
            try:
                rss = p.memory_info().rss
            except psutil.Error:  # vanished (or a zombie) since the listing
                continue
            total += rss
            self.pids.add(p.pid)
            self.peak_by_pid[p.pid] = max(self.peak_by_pid.get(p.pid, 0), rss)
        self.peak_sum = max(self.peak_sum, total)
        return total

    def run(self) -> None:
        while not self._done.is_set():
            total = self.sample()
            available = psutil.virtual_memory().available
            if self.cap is not None and total > self.cap:
                self.killed = f"tree RSS {total / MIB:,.0f} MB > cap {self.cap / MIB:,.0f} MB"
            elif available < self.min_available:
                self.killed = (
                    f"machine available memory {available / MIB:,.0f} MB < "
                    f"{self.min_available / MIB:,.0f} MB (tree RSS {total / MIB:,.0f} MB)"
                )
            if self.killed:
                kill_tree(self.root.pid)
                return
            self._done.wait(self.interval)

    def stop(self) -> None:
        self._done.set()
        self.join()


def kill_tree(pid: int) -> None:
    """SIGKILL a process started by this script (in its own session) and all its descendants.

    The processes are stopped first, so that none starts another (e.g. a nanny restarting a
    worker) between listing and killing; then each is killed by its pid, and the session's
    process group (id = ``pid``, created by this script) for any that escaped the listing.
    """
    seen: dict[int, psutil.Process] = {}
    for _ in range(3):
        try:
            procs = [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
        except psutil.Error:
            procs = []
        new = [p for p in procs if p.pid not in seen]
        for p in new:
            seen[p.pid] = p
            with contextlib.suppress(psutil.Error):
                p.suspend()
        if not new:
            break
    for p in seen.values():
        with contextlib.suppress(psutil.Error):
            p.kill()
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
    # not the command itself: this script reaps it with Popen.wait (and gets its exit status)
    psutil.wait_procs([p for p in seen.values() if p.pid != pid], timeout=10)


def leftover_processes(pgid: int, *, grace: float = 5.0) -> list[str]:
    """Processes of the command's session still running ``grace`` seconds after it exited.

    Orphans are reparented to init; zombies (exited, waiting to be reaped by init, e.g.
    multiprocessing's resource tracker) are not counted. Returns their command lines; they are
    killed (they are ours, started in the session this script created).
    """
    deadline = time.monotonic() + grace
    while True:
        left = []
        for p in psutil.process_iter():
            with contextlib.suppress(ProcessLookupError, psutil.Error):
                if os.getpgid(p.pid) == pgid and p.status() != psutil.STATUS_ZOMBIE:
                    left.append(p)
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    lines = []
    for p in left:
        with contextlib.suppress(psutil.Error):
            lines.append(f"pid {p.pid}: {' '.join(p.cmdline())[:160]}")
            p.kill()
    return lines


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_clean(run: Run, raw: Path, args: argparse.Namespace) -> Run:
    """Run ``impact clean`` once, into a temporary folder under the data folder, and measure it."""
    impact = Path(sys.executable).with_name("impact")
    tmp = Path(tempfile.mkdtemp(prefix=f"bench_scale-{run.engine}-", dir=args.data_dir))
    out = tmp / "out"
    cmd = [str(impact), "clean", str(raw), "--out", str(out), "--engine", run.engine]
    if run.engine == "pandas":  # every run parses every export (no cache of parsed exports)
        cmd.append("--no-cache")
    if run.engine == "dask":
        for flag, value in (
            ("--workers", args.workers),
            ("--memory-limit", args.memory_limit),
            ("--blocksize", args.blocksize),
            ("--part-rows", args.part_rows),
        ):
            if value is not None:
                cmd += [flag, str(value)]
    env = os.environ | {"DASK_TEMPORARY_DIRECTORY": str(tmp / "dask-scratch")}
    cap = args.pandas_cap if run.engine == "pandas" else None
    try:
        with (tmp / "stdout.txt").open("w") as so, (tmp / "stderr.txt").open("w") as se:
            cpu = _children_cpu()
            began = time.perf_counter()
            proc = subprocess.Popen(cmd, stdout=so, stderr=se, env=env, start_new_session=True)
            monitor = TreeMonitor(proc.pid, interval=args.interval, cap=cap, min_available=args.min_available)
            monitor.start()
            try:
                code = proc.wait()
                run.wall_s = time.perf_counter() - began
            except BaseException:  # interrupted: leave nothing running
                kill_tree(proc.pid)
                proc.wait()
                raise
            finally:
                monitor.stop()
            run.cpu_s = _children_cpu() - cpu
        run.leftovers = leftover_processes(proc.pid)
        stdout, stderr = (tmp / "stdout.txt").read_text(), (tmp / "stderr.txt").read_text()
        run.peak_mb = monitor.peak_sum / MIB
        run.largest_mb = max(monitor.peak_by_pid.values(), default=0) / MIB
        run.main_mb = monitor.peak_by_pid.get(proc.pid, 0) / MIB
        run.child_mb = max((v for k, v in monitor.peak_by_pid.items() if k != proc.pid), default=0) / MIB
        run.processes = len(monitor.pids)
        run.messages = {k: len(rx.findall(stderr)) for k, rx in DASK_MESSAGES.items()}
        if (t := TOTAL_LINE.search(stdout)) is not None:
            keys = ("rows_read", "rows_clean", "rows_quarantined", "rows_duplicate")
            run.counts = {k: int(v.replace(",", "")) for k, v in zip(keys, t.groups(), strict=False)}
        if (e := ENGINE_LINE.search(stdout)) is not None:
            run.partitions = f"{e.group(1)} partitions on {e.group(2)} workers"
        if (s := TIME_LINE.search(stdout)) is not None:
            run.impact_s = float(s.group(1))
        if out.is_dir():
            run.output_mb = disk_usage(out)[1] / MIB
            with contextlib.suppress(OSError, ValueError):
                audit = json.loads((out / "audit.json").read_text())
                run.audit = {"totals": audit["totals"], "tables": audit["tables"]}

        if monitor.killed:
            run.status = CAPPED if run.engine == "pandas" else FAILED
            run.reason = f"killed: {monitor.killed}"
        elif code != 0:
            run.reason = f"exit code {code}"
        elif not run.counts:
            run.reason = "no 'total' line in the output"
        elif run.engine == "dask" and not run.partitions:
            run.reason = "no 'engine: dask, ...' line in the output"
        elif run.audit is None:
            run.reason = "no readable audit.json"
        else:
            run.status = OK
        if run.status == FAILED and stderr.strip():
            tail = "\n".join(stderr.strip().splitlines()[-15:])
            print(f"--- stderr of the failed run (last lines) ---\n{tail}\n---", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return run


def describe(run: Run) -> str:
    """The progress line of one finished run."""
    c = run.counts
    counts = (
        f"read {c['rows_read']:,} clean {c['rows_clean']:,} quarantined {c['rows_quarantined']:,} "
        f"duplicate {c['rows_duplicate']:,}"
        if c
        else "no totals"
    )
    dask = ""
    if run.engine == "dask":
        msgs = ", ".join(f"{k} {v}" for k, v in run.messages.items())
        dask = f"; {run.partitions or '? partitions'}; largest worker {run.child_mb:,.0f} MB; dask messages: {msgs}"
    left = (
        f"; {len(run.leftovers)} processes still running 5 s after exit, killed: {'; '.join(run.leftovers)}"
        if run.leftovers
        else ""
    )
    reason = f" ({run.reason})" if run.reason else ""
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    impact_s = "" if run.impact_s != run.impact_s else f" (impact says {run.impact_s:.1f} s)"  # nan: no line
    output = "" if run.output_mb != run.output_mb else f"; output {run.output_mb:,.1f} MB"
    return (
        f"run {run.index} {run.size:,} {run.engine:>6}: {run.status}{reason}; wall {run.wall_s:.1f} s"
        f"{impact_s}, CPU {run.cpu_s:.1f} s; tree peak {run.peak_mb:,.0f} MB, largest process "
        f"{run.largest_mb:,.0f} MB (impact process {run.main_mb:,.0f} MB), {run.processes} processes seen; "
        f"{counts}{output}{dask}{left}; load {load}"
    )


# --- summary ----------------------------------------------------------------------------------------------


def _median(runs: list[Run], attr: str) -> float:
    return statistics.median(getattr(r, attr) for r in runs)


def table_row(size: int, fmt: str, engine: str, runs: list[Run], skipped: str) -> str:
    if not runs:
        return f"| {size:,} | {fmt} | {engine} | — | — | — | — | {skipped or 'not run'} |"
    statuses = Counter(r.status for r in runs)
    ok = [r for r in runs if r.status == OK]
    use = ok or runs  # medians of the successful runs; else of what there is (e.g. the time to the kill)
    if len(statuses) == 1:
        result = runs[0].status
    else:
        result = ", ".join(f"{s} {n}/{len(runs)}" for s, n in statuses.items())
    if skipped:
        result += f"; {skipped}"
    rows = f"{ok[0].counts['rows_read']:,}" if ok else "—"
    return (
        f"| {size:,} | {fmt} | {engine} | {_median(use, 'wall_s'):.1f} | {_median(use, 'peak_mb'):,.0f} | "
        f"{_median(use, 'largest_mb'):,.0f} | {rows} | {result} |"
    )


def machine_line(run: Run) -> str:
    rows = run.counts.get("rows_read", "")
    status = run.status.replace(" ", "_")
    return (
        f"size={run.size} engine={run.engine} wall_s={run.wall_s:.1f} peak_mb={run.peak_mb:.0f} "
        f"status={status} format={run.fmt} run={run.index} largest_mb={run.largest_mb:.0f} "
        f"rows_read={rows}"
    )


def compare_audits(size: int, runs: list[Run]) -> bool | None:
    """Whether every successful run at this size wrote the same audit totals and table sizes
    (``None``: fewer than two engines succeeded and the runs that did agree)."""
    ok = [r for r in runs if r.status == OK and r.audit is not None]
    engines = sorted({r.engine for r in ok})
    differ = [r for r in ok[1:] if r.audit != ok[0].audit]
    if differ:
        print(f"audits match at {size:,}: no")
        for r in [ok[0], *differ]:
            print(f"  {r.engine} run {r.index}: {json.dumps(r.audit, sort_keys=True)}")
        return False
    if len(engines) < 2:
        print(
            f"audits match at {size:,}: n/a ({'only ' + engines[0] + ' succeeded' if engines else 'no run succeeded'})"
        )
        return None
    print(
        f"audits match at {size:,}: yes ({', '.join(engines)}; totals {json.dumps(ok[0].audit['totals'])}; "
        f"tables {json.dumps(ok[0].audit['tables'])})"
    )
    return True


# --- main -------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="See the module docstring (and benchmarks/README.md) for what is measured and how.",
    )
    parser.add_argument(
        "--orders",
        type=int,
        nargs="+",
        required=True,
        help="order rows, one or more sizes (e.g. 10000000 50000000), run in the order given",
    )
    parser.add_argument(
        "--engines",
        nargs="+",
        choices=ENGINES,
        default=list(ENGINES),
        help="engines to run, alternating within a size (default: pandas dask)",
    )
    parser.add_argument("--format", choices=("parquet", "csv"), default="parquet", help="input format")
    parser.add_argument("--resellers", type=int, default=700_000, help="reseller accounts (default 700000)")
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs per engine and size (median taken; default 1)"
    )
    parser.add_argument("--workers", type=int, help="dask: --workers of impact clean (impact's default: 2)")
    parser.add_argument(
        "--memory-limit", help="dask: --memory-limit per worker, e.g. 3GiB (impact's default: auto)"
    )
    parser.add_argument(
        "--blocksize", help="dask: --blocksize, CSV bytes per partition (impact's default: 64MiB)"
    )
    parser.add_argument(
        "--part-rows", type=int, help="dask: --part-rows, Parquet rows per partition (default 1000000)"
    )
    parser.add_argument(
        "--pandas-cap",
        type=parse_size,
        default=parse_size("21GiB"),
        help="kill a pandas run whose process tree RSS exceeds this (default 21GiB)",
    )
    parser.add_argument(
        "--min-available",
        type=parse_size,
        default=parse_size("1.5GiB"),
        help="kill any run when the machine's available memory drops below this (default 1.5GiB)",
    )
    parser.add_argument(
        "--interval", type=float, default=0.1, help="memory sampling interval, s (default 0.1)"
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=DATA_DIR,
        help="where generated data (and the runs' temporary output) is kept (default benchmarks/data)",
    )
    parser.add_argument(
        "--keep-data",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="keep generated data for later runs (default); --no-keep-data deletes the data this "
        "invocation generated once its size is done (existing data is never deleted)",
    )
    parser.add_argument("--generate", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.data_dir = args.data_dir.resolve()
    args.data_dir.mkdir(parents=True, exist_ok=True)

    if args.generate:  # the child that writes the data
        print(json.dumps(child_generate(args.format, args.orders[0], args.resellers, args.data_dir)))
        return 0

    vm = psutil.virtual_memory()
    versions = ", ".join(
        f"{p} {metadata.version(p)}" for p in ("impact", "pandas", "pyarrow", "dask", "distributed")
    )
    print(
        f"{os.cpu_count()} cores, {vm.total / 2**30:.1f} GiB RAM ({vm.available / 2**30:.1f} GiB available), "
        f"Python {platform.python_version()}, {versions}"
    )
    dask_flags = " ".join(
        f"{f} {v}"
        for f, v in (
            ("--workers", args.workers),
            ("--memory-limit", args.memory_limit),
            ("--blocksize", args.blocksize),
            ("--part-rows", args.part_rows),
        )
        if v is not None
    )
    print(
        f"pandas cap {human(args.pandas_cap)}; machine guard: available ≥ {human(args.min_available)}; "
        f"dask flags: {dask_flags or '(impact defaults)'}; repeat {args.repeat}",
        flush=True,
    )

    runs: list[Run] = []
    skipped: dict[tuple[int, str], str] = {}
    capped_at: int | None = None  # smallest size at which pandas exceeded the cap
    for size in args.orders:
        raw, generated = prepare_data(args.format, size, args.resellers, args.data_dir)
        for i in range(1, args.repeat + 1):
            for engine in args.engines:
                if engine == "pandas" and capped_at is not None and size >= capped_at:
                    skipped[(size, engine)] = f"not run: exceeded cap at {capped_at:,}"
                    continue
                run = run_clean(Run(size, args.format, engine, i), raw, args)
                runs.append(run)
                print(describe(run), flush=True)
                if run.status == CAPPED:
                    capped_at = size if capped_at is None else min(capped_at, size)
        if generated and not args.keep_data:
            shutil.rmtree(raw.parent, ignore_errors=True)
            print(f"deleted {raw.parent} (--no-keep-data)")

    own = resource.getrusage(resource.RUSAGE_SELF)
    print(
        f"\n{args.format} input, {args.resellers:,} resellers; medians of {args.repeat} "
        f"({'successful runs' if args.repeat > 1 else 'one run'}); MB = 2**20 bytes; this script's own CPU "
        f"(sampling every {args.interval} s) {own.ru_utime + own.ru_stime:.1f} s\n"
    )
    print(
        "| orders | input format | engine | wall s | tree peak MB | largest process MB | rows read | result |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for size in args.orders:
        for engine in args.engines:
            mine = [r for r in runs if r.size == size and r.engine == engine]
            print(table_row(size, args.format, engine, mine, skipped.get((size, engine), "")))
    print()
    matched = [compare_audits(size, [r for r in runs if r.size == size]) for size in args.orders]
    failed = [r for r in runs if r.status == FAILED]
    if failed:
        print(f"failed runs: {len(failed)}")
    for run in runs:
        print(machine_line(run))
    for size, engine in skipped:
        print(f"size={size} engine={engine} status=skipped format={args.format}")
    return 1 if failed or False in matched else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # run_clean has killed the running command's tree and removed its output
        print("bench_scale: interrupted", file=sys.stderr)
        sys.exit(130)
