"""Benchmark: re-cleaning when a new weekly export arrives, with the cache of parsed exports.

    python benchmarks/bench_reclean.py --exports 10 --orders-per-export 1000000 --repeat 3

Data: ``benchmarks/data/reclean-<exports+1>x<orders>/raw`` (generated on first use like ``impact sample``:
the bundled survey and ``exports + 1`` order exports of ``orders`` rows each, with re-exports and
duplicates across files; git-ignored). The last export is kept aside in ``new/`` and added for the
re-clean.

Each round, every step in a fresh ``impact clean`` process (the CLI in a child, imports not timed):

1. **cold**: ``impact clean RAW --out OUT`` on the ``exports`` exports with an empty cache (all parsed,
   the cache filled);
2. **unchanged**: the same again (every export from the cache);
3. **one new**: the new export added, ``impact clean`` again (only it parsed);
4. **full**: ``impact clean RAW --out FULL --no-cache`` on the same ``exports + 1`` exports.

Checks (exit 1 when one fails): the audit of step 3 lists exactly the new export as parsed and the
others as from the cache; every output file of step 3 equals step 4's byte for byte (the audit apart
from its ``cache`` entry). The 1-minute load average is read before every run. Medians over ``--repeat``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from bench_sales import DATA_DIR, load_average, run_engine

HERE = Path(__file__).resolve().parent
STEPS = ("cold", "unchanged", "one new", "full")


def ensure_data(exports: int, orders: int, resellers: int, *, data_dir: Path = DATA_DIR) -> Path:
    """The raw folder (``exports`` exports) and the new export aside; generated when missing."""
    from impact import config
    from impact.synth.sample import participant_reseller_ids, write_sample
    from impact.synth.scale import write_scale_sales

    out = data_dir / f"reclean-{exports + 1}x{orders}"
    raw, new = out / "raw", out / "new"
    if (out / "done.json").is_file():
        return out
    shutil.rmtree(out, ignore_errors=True)
    print(
        f"generating {exports + 1} exports of {orders:,} orders into {out} ...", file=sys.stderr, flush=True
    )
    write_sample(out, seed=config.SEED)
    for stale in (raw / "sales").iterdir():
        stale.unlink()
    write_scale_sales(
        raw / "sales",
        resellers=resellers,
        orders=orders * (exports + 1),
        fmt="parquet",
        files=exports + 1,
        participant_resellers=participant_reseller_ids(out),
        seed=config.SEED,
    )
    (raw / "sales" / "_manifest.json").rename(out / "manifest.json")
    last = sorted((raw / "sales").iterdir())[-1]
    new.mkdir()
    last.rename(new / last.name)
    (out / "done.json").write_text(json.dumps({"exports": exports, "orders": orders}))
    return out


def impact_command(raw: Path, out: Path, *extra: str) -> list[str]:
    code = (
        "import contextlib, json, sys, time, resource\n"
        "from impact import cli\n"
        "t = time.perf_counter()\n"
        "with contextlib.redirect_stdout(sys.stderr):\n"
        f"    code = cli.main(['clean', {str(raw)!r}, '--out', {str(out)!r}, *{list(extra)!r}])\n"
        "s = time.perf_counter() - t\n"
        "u, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "print(json.dumps({'seconds': s, 'cpu_seconds': u.ru_utime + u.ru_stime + c.ru_utime + c.ru_stime,"
        " 'peak_mb': u.ru_maxrss / 1024, 'code': code}))\n"
    )
    return [sys.executable, "-c", code]


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def same_outputs(a: Path, b: Path) -> tuple[bool, str]:
    fa, fb = _files(a), _files(b)
    if fa.keys() != fb.keys():
        return False, f"different files: {sorted(fa.keys() ^ fb.keys())}"
    differ = [n for n in fa if n != "audit.json" and fa[n] != fb[n]]
    audit_a, audit_b = json.loads(fa["audit.json"]), json.loads(fb["audit.json"])
    audit_a.pop("cache", None), audit_b.pop("cache", None)
    if audit_a != audit_b:
        differ.append("audit.json")
    return not differ, ", ".join(differ) or f"all {len(fa)} files equal"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--exports", type=int, default=10, help="exports already there (default 10)")
    parser.add_argument("--orders-per-export", type=int, default=1_000_000, help="rows per export")
    parser.add_argument("--resellers", type=int, default=700_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    parser.add_argument("--json", type=Path, help="also write every run here")
    args = parser.parse_args(argv)

    data = ensure_data(args.exports, args.orders_per_export, args.resellers, data_dir=args.data_dir)
    new_export = next((data / "new").iterdir())
    runs: dict[str, list[dict]] = {s: [] for s in STEPS}
    checks = []
    for i in range(args.repeat):
        with tempfile.TemporaryDirectory(prefix="bench_reclean-", dir=args.data_dir) as tmp:
            raw, out, full = Path(tmp) / "raw", Path(tmp) / "out", Path(tmp) / "full"
            shutil.copytree(data / "raw", raw)  # (hard to avoid: the run adds a file to it)
            for step in STEPS:
                if step == "one new":
                    shutil.copy(new_export, raw / "sales" / new_export.name)
                command = (
                    impact_command(raw, full, "--no-cache") if step == "full" else impact_command(raw, out)
                )
                r = run_engine(command)
                if r["code"] != 0:
                    raise SystemExit(f"impact clean exited {r['code']} at step {step}")
                if step != "full":
                    r["cache"] = json.loads((out / "audit.json").read_text())["cache"]
                runs[step].append(r)
                print(
                    f"round {i + 1} {step:>9}: {r['seconds']:7.2f} s, {r['cpu_seconds']:7.2f} s CPU, "
                    f"peak {r['tree_peak_mb']:6.0f} MB, load {r['load']:.2f}",
                    flush=True,
                )
            cache = runs["one new"][-1]["cache"]
            ok = cache["parsed"] == [f"sales/{new_export.name}"] and len(cache["from_cache"]) == args.exports
            checks.append((f"round {i + 1}: only the new export parsed", ok, json.dumps(cache["parsed"])))
            checks.append((f"round {i + 1}: re-clean = full run", *same_outputs(out, full)))
    med = {
        s: {
            k: statistics.median(r[k] for r in runs[s])
            for k in ("seconds", "cpu_seconds", "tree_peak_mb", "load")
        }
        for s in STEPS
    }
    print(
        f"\n{args.exports} exports of {args.orders_per_export:,} orders + 1 new, Parquet; medians of {args.repeat}; "
        f"load average now {load_average():.2f}"
    )
    print(f"{'step':>10} {'seconds':>8} {'CPU s':>8} {'peak MB':>8} {'load':>5}")
    for s in STEPS:
        m = med[s]
        print(
            f"{s:>10} {m['seconds']:8.2f} {m['cpu_seconds']:8.2f} {m['tree_peak_mb']:8.0f} {m['load']:5.2f}"
        )
    for name, ok, detail in checks:
        print(f"check {name}: {'yes' if ok else 'NO'} ({detail})")
    if args.json:
        args.json.write_text(json.dumps({"runs": runs, "medians": med, "checks": checks}, indent=1))
    print(
        f"reclean_s={med['one new']['seconds']:.2f} full_s={med['full']['seconds']:.2f} "
        f"speedup={med['full']['seconds'] / med['one new']['seconds']:.2f}"
    )
    return 0 if all(ok for _, ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
