"""Benchmark: ``impact clean`` on platform-scale order exports against expert yardsticks (DuckDB, Polars).

    python benchmarks/bench_sales.py --orders 10000000 --format parquet --repeat 3

Data: ``impact sample --resellers 700000 --orders N --format parquet|csv`` scale data in
``benchmarks/data/<format>-<N>/`` (generated on first use, reused afterwards; git-ignored).

The yardsticks are the expert implementations in ``../shared/perf/`` (``--yardsticks``): ``duck_best.py``
in both modes and ``polars_best.py``. They need duckdb and polars, which the project does not install:
they run with the Python of ``benchmarks/.venv-yardsticks/`` (``--yardstick-python``), a venv this script
creates on first use (``pip install duckdb polars pyarrow pandas``; git-ignored).

Per round, each engine runs once in its own fresh process, in this order, on the same files:

* **impact**: ``impact clean RAW --out OUT --no-cache`` (the CLI's own code, called in the child: reading,
  de-duplication, parsing, quarantine, linking, pseudonymising, all tables written, audit with SHA-256);
* **duck-full**: ``duck_best.py --mode full`` (the same sales work: orders with HMAC pseudonyms, monthly
  table, audit counts, quarantine, SHA-256; no survey part, which costs the project well under 1 s);
* **duck-monthly**: ``duck_best.py --mode monthly`` (the reseller x month table only);
* **polars**: ``polars_best.py`` (the reseller x month table only, lazy).

Times are each child's timed workload (after imports; the yardsticks time themselves the same way), and
the whole-process wall time is printed too. CPU seconds include impact's worker processes. Peak memory is
the peak resident memory of the child's whole process tree (impact's worker processes included), sampled
every 50 ms (never below the child's own ``ru_maxrss``). The 1-minute load average is read before every
run (``/proc/loadavg``; 2 cores). Medians over ``--repeat`` rounds.

Checks (exit 1 when any fails): every yardstick's reseller x month table equals impact's
``reseller_monthly`` row for row (the clear reseller ids of the monthly yardsticks are pseudonymised with
the same key first); duck-full's orders count and per-file read / clean / duplicate / quarantined counts
equal impact's audit. The last line is::

    ratio_vs_duck_full=<impact s / duck-full s> ratio_vs_fastest_monthly=<impact s / fastest monthly s>
    fastest_monthly=<engine> peak_mb=<impact> duck_full_peak_mb=<duck-full> memory_ratio=<impact / duck-full>
    load=<median 1-min load average>
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA_DIR = HERE / "data"
#: the expert implementations (outside the repository: the shared folder next to it)
YARDSTICKS_DIR = HERE.parent.parent / "shared" / "perf"
#: the venv the yardsticks run in (created on first use)
YARDSTICK_VENV = HERE / ".venv-yardsticks"
YARDSTICK_PACKAGES = ("duckdb", "polars", "pyarrow", "pandas")
ENGINES = ("impact", "duck-full", "duck-monthly", "polars")
MONTHLY_PEERS = ("duck-monthly", "polars")
SUMS = ("orders_completed", "gross_idr", "commission_idr")


# --- data -------------------------------------------------------------------------------------


def ensure_data(fmt: str, orders: int, resellers: int, *, data_dir: Path = DATA_DIR) -> Path:
    """The raw folder of ``<data_dir>/<fmt>-<orders>``, generated like ``impact sample`` if missing.

    Equivalent to ``impact sample --resellers R --orders N --out DIR --format FMT``; reused when
    its manifest says it was written with the same resellers, orders and format.
    """
    from impact import config
    from impact.synth.sample import participant_reseller_ids, write_sample
    from impact.synth.scale import scale_summary_path, write_scale_sales

    out = data_dir / f"{fmt}-{orders}"
    sales = out / "raw" / "sales"
    manifest = scale_summary_path(sales)
    if manifest.is_file():
        params = json.loads(manifest.read_text())["parameters"]
        if (params["resellers"], params["orders"], params["fmt"]) == (resellers, orders, fmt):
            return out / "raw"
    print(f"generating {orders:,} orders ({fmt}) into {out} ...", file=sys.stderr, flush=True)
    write_sample(out, seed=config.SEED)  # the small survey, with SYNTHETIC_SAMPLE.txt
    for stale in [*sales.iterdir(), out / "truth" / "orders.csv", out / "truth" / "reseller_monthly.csv"]:
        stale.unlink(missing_ok=True)
    write_scale_sales(
        sales,
        resellers=resellers,
        orders=orders,
        fmt=fmt,
        participant_resellers=participant_reseller_ids(out),
        seed=config.SEED,
    )
    return out / "raw"


# --- the yardsticks' venv -------------------------------------------------------------------------------


def _has_packages(python: Path) -> bool:
    check = "import " + ", ".join(p for p in YARDSTICK_PACKAGES)
    return (
        python.is_file() and subprocess.run([str(python), "-c", check], capture_output=True).returncode == 0
    )


def yardstick_python(given: Path | None = None, *, venv: Path = YARDSTICK_VENV) -> Path:
    """The Python that runs the yardsticks: ``given``, else ``venv``'s, created with the packages if missing."""
    if given is not None:
        if not _has_packages(given):
            raise SystemExit(f"{given}: needs {', '.join(YARDSTICK_PACKAGES)} installed")
        return given
    python = venv / "bin" / "python"
    if _has_packages(python):
        return python
    print(f"creating {venv} with {', '.join(YARDSTICK_PACKAGES)} ...", file=sys.stderr, flush=True)
    base = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", *YARDSTICK_PACKAGES], check=True)
    if not _has_packages(python):
        raise SystemExit(f"{venv}: could not install {', '.join(YARDSTICK_PACKAGES)}")
    return python


# --- the impact child --------------------------------------------------------------------------------------


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def _cpu_seconds() -> float:
    """CPU seconds of this process and of its children that have ended (impact's worker processes)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def child_impact(raw_dir: Path, out: Path) -> dict:
    """``impact clean RAW --out OUT --no-cache`` in this process (imports done first, not timed)."""
    from impact import cli

    argv = ["clean", str(raw_dir), "--out", str(out)]
    if hasattr(cli._parser().parse_args([*argv]), "no_cache"):  # (older versions had no cache)
        argv.append("--no-cache")
    began, cpu = time.perf_counter(), _cpu_seconds()
    with contextlib.redirect_stdout(sys.stderr):
        code = cli.main(argv)
    seconds, cpu = time.perf_counter() - began, _cpu_seconds() - cpu  # (worker processes included)
    if code != 0:
        raise SystemExit(f"impact clean exited {code}")
    audit = json.loads((out / "audit.json").read_text())
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "peak_mb": _peak_mb(),
        "rows": audit["tables"]["reseller_monthly"],
        "orders": audit["tables"]["orders"],
    }


# --- running one engine ------------------------------------------------------------------------------------


def load_average() -> float:
    with contextlib.suppress(OSError):
        return float(Path("/proc/loadavg").read_text().split()[0])
    return float("nan")


def engine_command(engine: str, raw_dir: Path, out: Path, *, python: Path, yardsticks: Path) -> list[str]:
    if engine == "impact":
        return [sys.executable, __file__, "--child", "impact", "--input", str(raw_dir), "--out", str(out)]
    if engine == "polars":
        return [str(python), str(yardsticks / "polars_best.py"), str(raw_dir), str(out), "--threads", "2"]
    mode = engine.removeprefix("duck-")
    return [
        str(python),
        str(yardsticks / "duck_best.py"),
        str(raw_dir),
        str(out),
        "--threads",
        "2",
        "--mode",
        mode,
    ]


def _tree_rss(root) -> int:
    """Resident bytes of a process and all its descendants (0 once it has exited)."""
    import psutil

    total = 0
    try:
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    for p in procs:
        with contextlib.suppress(psutil.Error):
            total += p.memory_info().rss
    return total


def run_engine(command: list[str], *, interval: float = 0.05) -> dict:
    """Run one engine in a fresh process; its JSON report plus the whole-process wall time, the load,
    and the peak resident memory of its process tree (sampled every ``interval`` s: impact's worker
    processes included)."""
    import psutil

    load = load_average()
    began = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(command, stdout=out, stderr=err, text=True)
        root, peak = psutil.Process(proc.pid), 0
        while proc.poll() is None:
            peak = max(peak, _tree_rss(root))
            time.sleep(interval)
        wall = time.perf_counter() - began
        out.seek(0), err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode != 0:
        sys.stderr.write(stderr[-5000:])
        raise SystemExit(f"{' '.join(command[:3])} failed (exit {proc.returncode})")
    report = json.loads(stdout.strip().splitlines()[-1])
    return report | {
        "process_seconds": wall,
        "load": load,
        "tree_peak_mb": max(peak / 2**20, report["peak_mb"]),
    }


# --- the checks ----------------------------------------------------------------------------------------------


def _monthly_frame(path: Path, secret: str):
    """A monthly table (impact's or a yardstick's) keyed by ``reseller_key`` × ``month``, int64 sums."""
    import pandas as pd

    from impact.clean.pseudonymise import pseudonymise

    df = pd.read_parquet(path)
    if "reseller_key" not in df.columns:
        ids = df["reseller_id"].astype("string").drop_duplicates()
        keys = pseudonymise(ids, secret=secret, prefix="R-", namespace="reseller")
        df = df.assign(reseller_key=df["reseller_id"].map(dict(zip(ids, keys, strict=True))))
    out = pd.DataFrame(
        {
            "reseller_key": df["reseller_key"].astype(str),
            "month": pd.to_datetime(df["month"]).astype("datetime64[us]"),
            **{c: df[c].fillna(0).astype("int64") for c in SUMS},
        }
    )
    return out.sort_values(["reseller_key", "month"], ignore_index=True)


def compare_monthly(impact_path: Path, peer_path: Path, secret: str) -> tuple[bool, str]:
    """Whether two monthly tables hold the same reseller × month rows with the same figures."""
    a, b = _monthly_frame(impact_path, secret), _monthly_frame(peer_path, secret)
    both = a.merge(b, on=["reseller_key", "month"], how="outer", suffixes=("_a", "_b"), indicator=True)
    only = both["_merge"].value_counts().to_dict()
    matched = both[both["_merge"] == "both"]
    differ = sum(int((matched[f"{c}_a"] != matched[f"{c}_b"]).sum()) for c in SUMS)
    ok = only.get("left_only", 0) == 0 and only.get("right_only", 0) == 0 and differ == 0
    detail = (
        f"{len(a):,} vs {len(b):,} rows, {only.get('left_only', 0)} only in impact, "
        f"{only.get('right_only', 0)} only in the peer, {differ} differing values"
    )
    return ok, detail


def compare_full(impact_out: Path, duck_out: Path, duck_report: dict, files: list[str]) -> tuple[bool, str]:
    """duck-full's orders count and per-file counts against impact's audit."""
    audit = json.loads((impact_out / "audit.json").read_text())
    problems = []
    if duck_report.get("orders") != audit["tables"]["orders"]:
        problems.append(f"orders {duck_report.get('orders')} vs {audit['tables']['orders']}")
    for f, read, clean, dup, quarantined, _cells in duck_report.get("audit", []):
        mine = audit["files"][files[f]]
        theirs = {
            "rows_read": read,
            "rows_clean": clean,
            "rows_duplicate": dup,
            "rows_quarantined": quarantined,
        }
        for k, v in theirs.items():
            if mine[k] != v:
                problems.append(f"{files[f]} {k} {v} vs {mine[k]}")
    if len(duck_report.get("audit", [])) != len(files):
        problems.append(f"{len(duck_report.get('audit', []))} files in duck's audit, {len(files)} read")
    return not problems, "; ".join(
        problems
    ) or f"orders {audit['tables']['orders']:,} and per-file counts equal"


# --- main ---------------------------------------------------------------------------------------------------


def _median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, help="order rows (e.g. 2000000, 10000000)")
    parser.add_argument("--format", choices=("parquet", "csv"), default="parquet", help="input format")
    parser.add_argument("--resellers", type=int, default=700_000, help="reseller accounts (default 700000)")
    parser.add_argument("--repeat", type=int, default=3, help="rounds, engines alternating (median taken)")
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES), help="engines to run")
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR, help="where generated data is kept")
    parser.add_argument("--raw", type=Path, help="an existing raw folder instead of generated data")
    parser.add_argument("--yardsticks", type=Path, default=YARDSTICKS_DIR, help="folder of duck_best.py etc.")
    parser.add_argument(
        "--yardstick-python", type=Path, help="Python with duckdb and polars (default: a venv)"
    )
    parser.add_argument("--json", type=Path, help="also write every run and the medians here")
    parser.add_argument("--child", choices=("impact",), help=argparse.SUPPRESS)
    parser.add_argument("--input", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child == "impact":
        print(json.dumps(child_impact(args.input, args.out)))
        return 0
    if args.raw is None and args.orders is None:
        parser.error("--orders (or --raw) is required")

    raw_dir = args.raw or ensure_data(args.format, args.orders, args.resellers, data_dir=args.data_dir)
    from impact import io

    secret, _ = io.resolve_secret(raw_dir)
    sales_files = [p.relative_to(raw_dir).as_posix() for p in io.list_raw_files(raw_dir)["sales"]]
    engines = [e for e in ENGINES if e in args.engines]
    python = yardstick_python(args.yardstick_python) if set(engines) - {"impact"} else None
    runs: dict[str, list[dict]] = {e: [] for e in engines}
    checks: list[tuple[str, bool, str]] = []
    args.data_dir.mkdir(parents=True, exist_ok=True)
    for i in range(args.repeat):
        with tempfile.TemporaryDirectory(prefix="bench_sales-", dir=args.data_dir) as tmp:
            outs = {e: Path(tmp) / e for e in engines}
            for engine in engines:
                r = run_engine(
                    engine_command(engine, raw_dir, outs[engine], python=python, yardsticks=args.yardsticks)
                )
                runs[engine].append(r)
                print(
                    f"round {i + 1} {engine:>12}: {r['seconds']:7.2f} s workload, {r['process_seconds']:7.2f} s "
                    f"process, {r['cpu_seconds']:7.2f} s CPU, peak {r['tree_peak_mb']:7.0f} MB, load {r['load']:.2f}",
                    flush=True,
                )
                if engine != "impact":  # free the disk: only the monthly table and the report are needed
                    for big in ("orders.parquet", "quarantine.csv"):
                        (outs[engine] / big).unlink(missing_ok=True)
            if "impact" in engines:
                mine = outs["impact"] / "reseller_monthly.parquet"
                for peer in engines:
                    if peer == "impact":
                        continue
                    name = "reseller_monthly.parquet" if peer == "duck-full" else "monthly.parquet"
                    ok, detail = compare_monthly(mine, outs[peer] / name, secret)
                    checks.append((f"round {i + 1} monthly impact = {peer}", ok, detail))
                    if peer == "duck-full":
                        ok, detail = compare_full(outs["impact"], outs[peer], runs[peer][-1], sales_files)
                        checks.append((f"round {i + 1} counts impact = duck-full", ok, detail))
                shutil.rmtree(outs["impact"], ignore_errors=True)

    med = {
        e: {
            k: _median(runs[e], k)
            for k in ("seconds", "process_seconds", "cpu_seconds", "peak_mb", "tree_peak_mb", "load")
        }
        for e in engines
    }
    loads = [r["load"] for rs in runs.values() for r in rs]
    what = f"{args.orders:,} orders" if args.orders else str(raw_dir)
    print(
        f"\n{what} from {args.format} ({len(sales_files)} files), {args.resellers:,} resellers; "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, medians of {args.repeat}; "
        f"load average (1 min) before the runs: median {statistics.median(loads):.2f}, "
        f"min {min(loads):.2f}, max {max(loads):.2f}"
    )
    print(f"{'engine':>12} {'workload s':>11} {'process s':>10} {'CPU s':>8} {'peak MB':>9} {'load':>6}")
    for e in engines:
        m = med[e]
        print(
            f"{e:>12} {m['seconds']:11.2f} {m['process_seconds']:10.2f} {m['cpu_seconds']:8.2f} "
            f"{m['tree_peak_mb']:9.0f} {m['load']:6.2f}"
        )
    failed = [c for c in checks if not c[1]]
    for name, ok, detail in checks:
        print(f"check {name}: {'yes' if ok else 'NO'} ({detail})")
    summary = {"load": statistics.median(loads)}
    if "impact" in engines:
        summary["peak_mb"] = med["impact"]["tree_peak_mb"]
        if "duck-full" in engines:
            summary["ratio_vs_duck_full"] = med["impact"]["seconds"] / med["duck-full"]["seconds"]
            summary["duck_full_peak_mb"] = med["duck-full"]["tree_peak_mb"]
            summary["memory_ratio"] = med["impact"]["tree_peak_mb"] / med["duck-full"]["tree_peak_mb"]
        peers = [e for e in MONTHLY_PEERS if e in engines]
        if peers:
            fastest = min(peers, key=lambda e: med[e]["seconds"])
            summary["ratio_vs_fastest_monthly"] = med["impact"]["seconds"] / med[fastest]["seconds"]
            summary["fastest_monthly"] = fastest
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "orders": args.orders,
                    "format": args.format,
                    "runs": runs,
                    "medians": med,
                    "checks": checks,
                    "summary": summary,
                },
                indent=1,
            )
        )
    print(" ".join(f"{k}={v:.2f}" if isinstance(v, float) else f"{k}={v}" for k, v in summary.items()))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
