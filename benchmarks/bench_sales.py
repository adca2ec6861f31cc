"""Benchmark: cleaning + monthly aggregation of platform order exports, pandas (impact) vs DuckDB.

    python benchmarks/bench_sales.py --orders 10000000 --format parquet --repeat 2

Data: ``impact sample --resellers 700000 --orders N --format parquet|csv`` scale data in
``benchmarks/data/<format>-<N>/`` (generated on first use, reused afterwards; git-ignored).

Each engine runs in its own fresh Python process, alternately (pandas, duckdb, pandas, duckdb, ...),
so that the peak resident memory (``ru_maxrss`` of the child) belongs to one engine only:

* **pandas**: ``impact.clean(raw_dir)`` as a whole — reading every export as text, stacking,
  last-export-wins de-duplication, parsing and quarantining, linking, pseudonymising, the
  ``reseller_monthly`` table, schema validation, quarantine table and audit (the survey part is
  a few hundred rows and takes well under a second).
* **duckdb** (reference only, a dev dependency): the same cleaning rules for the columns the
  monthly table needs, as one SQL statement over the same files (see :func:`duckdb_sql`).

Times are the workload inside the child (after imports, before writing the result out for the
check); the child's whole-process wall time is reported too. Medians over ``--repeat`` runs.
The two monthly tables are compared exactly (reseller × month: count, gross, commission); the
pandas table carries pseudonyms, so DuckDB's reseller ids are hashed with the same key for the
join. The script exits 1 when the results differ. Its last line is::

    ratio_vs_duckdb=<pandas s / duckdb s> peak_mb=<pandas peak MB> duckdb_peak_mb=<duckdb peak MB>
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA_DIR = HERE / "data"
ENGINES = ("pandas", "duckdb")


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


# --- the DuckDB reference -----------------------------------------------------------------------


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def duckdb_sql(sales_files: list[Path], fmt: str) -> str:
    """One statement creating ``monthly`` (reseller_id, month, orders_completed, gross_idr, commission_idr).

    The rules of ``impact.sales`` for the text forms present in the scale data: every column
    read as text; the last export (file name order, then row order) wins per trimmed
    ``order_id``, blank ids dropped; status by ``vocab.alias_key`` (upper case, letters and
    digits) through ``vocab.STATUS_KEYS``; ``order_time`` as ISO 8601 with an offset (``Z``
    included) or ``dd/mm/yyyy HH:MM`` in WIB, within ``config.ORDER_TIME_RANGE`` (WIB);
    reseller ids upper-cased, 2-5 letters, optional ``-``/``_``/``.``/space, 1-8 significant
    digits, zero-padded to 8; amounts ``150000``, ``Rp 150.000``, ``Rp150.000,00``, ``150rb``,
    ``150.000``, missing above ``config.MAX_ORDER_GROSS_IDR`` (skipped in sums). Completed
    orders only, per reseller × WIB calendar month.
    """
    from impact import config, vocab

    if fmt == "parquet":
        names = ", ".join(_sql_text(str(p)) for p in sales_files)
        raw = (
            "SELECT order_id::VARCHAR AS order_id, order_time::VARCHAR AS order_time, "
            "reseller_id::VARCHAR AS reseller_id, gross_amount::VARCHAR AS gross_amount, "
            "reseller_commission::VARCHAR AS reseller_commission, status::VARCHAR AS status, "
            "filename AS file, file_row_number AS row_no "
            f"FROM read_parquet([{names}], filename = true, file_row_number = true)"
        )
    else:
        raw = "\n      UNION ALL ".join(
            "SELECT order_id, order_time, reseller_id, gross_amount, reseller_commission, status, "
            f"{_sql_text(str(p))} AS file, ordinality AS row_no "
            f"FROM read_csv({_sql_text(str(p))}, all_varchar = true, header = true) WITH ORDINALITY"
            for p in sales_files
        )
    statuses = ", ".join(f"({_sql_text(k)}, {_sql_text(v)})" for k, v in vocab.STATUS_KEYS.items())
    lo, hi = config.ORDER_TIME_RANGE
    max_gross = config.MAX_ORDER_GROSS_IDR
    rupiah = """(CASE
        WHEN regexp_full_match(t, '[0-9]{1,18}') THEN t::BIGINT
        WHEN regexp_full_match(t, '[0-9]{1,15} ?(rb|ribu)') THEN regexp_extract(t, '[0-9]+')::BIGINT * 1000
        WHEN regexp_full_match(t, '(rp\\.? ?)?[1-9][0-9]{0,2}(\\.[0-9]{3})+(,[0-9]{1,2})?')
            THEN round(replace(replace(regexp_replace(t, '^rp\\.? ?', ''), '.', ''), ',', '.')::DECIMAL(38, 2))::BIGINT
        END)"""
    return f"""
CREATE MACRO rupiah_text(t) AS {rupiah};
CREATE MACRO rupiah(x) AS (CASE WHEN rupiah_text(lower(trim(x))) <= {max_gross} THEN rupiah_text(lower(trim(x))) END);
CREATE TABLE monthly AS
WITH raw AS (
      {raw}
),
current AS (
    SELECT * EXCLUDE (order_id), trim(order_id) AS order_id FROM raw
    WHERE trim(order_id) <> ''
    QUALIFY row_number() OVER (PARTITION BY trim(order_id) ORDER BY file DESC, row_no DESC) = 1
),
statuses(status_key, status_value) AS (VALUES {statuses}),
parsed AS (
    SELECT
        s.status_value AS status,
        make_timestamp(epoch_us(coalesce(
            try_strptime(trim(order_time), ['%Y-%m-%dT%H:%M:%S%z', '%Y-%m-%d %H:%M:%S%z']),
            try_strptime(trim(order_time), ['%Y-%m-%dT%H:%M:%SZ', '%Y-%m-%d %H:%M:%SZ'])::TIMESTAMPTZ,
            (try_strptime(trim(order_time), '%d/%m/%Y %H:%M') - INTERVAL 7 HOUR)::TIMESTAMPTZ
        ))) + INTERVAL 7 HOUR AS wib,
        regexp_extract(upper(trim(reseller_id)), '^([A-Z]{{2,5}})\\s*[-_.]?\\s*([0-9]+)$', ['prefix', 'digits'])
            AS rid,
        ltrim(rid['digits'], '0') AS rid_number,
        rupiah(gross_amount) AS gross_idr,
        rupiah(reseller_commission) AS commission_idr
    FROM current JOIN statuses s ON regexp_replace(upper(status), '[^0-9A-Z]+', '', 'g') = s.status_key
)
SELECT
    rid['prefix'] || '-' || lpad(rid_number, 8, '0') AS reseller_id,
    date_trunc('month', wib)::TIMESTAMP AS month,
    count(*) AS orders_completed,
    coalesce(sum(gross_idr), 0)::BIGINT AS gross_idr,
    coalesce(sum(commission_idr), 0)::BIGINT AS commission_idr
FROM parsed
WHERE status = 'completed'
  AND wib BETWEEN TIMESTAMP '{lo}' AND TIMESTAMP '{hi}'
  AND rid['prefix'] <> '' AND length(rid_number) BETWEEN 1 AND 8
GROUP BY ALL;
"""


# --- the children --------------------------------------------------------------------------------


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def child_pandas(raw_dir: Path, out: Path) -> dict:
    import impact

    began, cpu = time.perf_counter(), _cpu_seconds()
    data = impact.clean(raw_dir)
    seconds, cpu = time.perf_counter() - began, _cpu_seconds() - cpu
    peak = _peak_mb()
    data.reseller_monthly[
        ["reseller_key", "month", "orders_completed", "gross_idr", "commission_idr"]
    ].to_parquet(out)
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "peak_mb": peak,
        "rows": len(data.reseller_monthly),
        "orders_clean": len(data.orders),
        "quarantine_entries": len(data.quarantine),
    }


def child_duckdb(sql_file: Path, out: Path) -> dict:
    import duckdb

    con = duckdb.connect()
    began, cpu = time.perf_counter(), _cpu_seconds()
    con.execute(sql_file.read_text())
    seconds, cpu = time.perf_counter() - began, _cpu_seconds() - cpu
    peak = _peak_mb()
    con.execute(f"COPY monthly TO {_sql_text(str(out))} (FORMAT parquet)")
    rows = con.execute("SELECT count(*) FROM monthly").fetchone()[0]
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "peak_mb": peak,
        "rows": rows,
        "threads": con.execute("SELECT current_setting('threads')").fetchone()[0],
    }


def run_child(args: list[str]) -> dict:
    """Run one engine in a fresh interpreter; its JSON report plus the whole-process wall time."""
    began = time.perf_counter()
    done = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=False)
    wall = time.perf_counter() - began
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"child {args[:2]} failed (exit {done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1]) | {"process_seconds": wall}


# --- the check --------------------------------------------------------------------------------------


def compare(pandas_out: Path, duckdb_out: Path, raw_dir: Path) -> tuple[bool, str]:
    """Whether both monthly tables hold the same reseller × month rows with the same figures."""
    import pandas as pd

    from impact.clean.pseudonymise import pseudonymise
    from impact.io import resolve_secret

    p = pd.read_parquet(pandas_out)
    d = pd.read_parquet(duckdb_out)
    secret, _ = resolve_secret(raw_dir)
    ids = d["reseller_id"].drop_duplicates()
    keys = pseudonymise(ids.astype("string"), secret=secret, prefix="R-", namespace="reseller")
    d = d.assign(reseller_key=d["reseller_id"].map(dict(zip(ids, keys, strict=True))))
    cols = ["orders_completed", "gross_idr", "commission_idr"]
    key = ["reseller_key", "month"]
    p = p.assign(month=p["month"].astype("datetime64[us]"), **{c: p[c].astype("int64") for c in cols})
    d = d.assign(month=d["month"].astype("datetime64[us]"), **{c: d[c].astype("int64") for c in cols})
    both = p.merge(d, on=key, how="outer", suffixes=("_pandas", "_duckdb"), indicator=True)
    only = both["_merge"].value_counts().to_dict()
    matched = both[both["_merge"] == "both"]
    differ = sum(int((matched[f"{c}_pandas"] != matched[f"{c}_duckdb"]).sum()) for c in cols)
    ok = only.get("left_only", 0) == 0 and only.get("right_only", 0) == 0 and differ == 0
    detail = (
        f"{len(p):,} pandas rows, {len(d):,} duckdb rows, {only.get('left_only', 0)} only in pandas, "
        f"{only.get('right_only', 0)} only in duckdb, {differ} differing values"
    )
    return ok, detail


# --- main ---------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, required=True, help="order rows (e.g. 1000000, 10000000)")
    parser.add_argument("--format", choices=("parquet", "csv"), default="parquet", help="input format")
    parser.add_argument("--resellers", type=int, default=700_000, help="reseller accounts (default 700000)")
    parser.add_argument("--repeat", type=int, default=2, help="runs per engine, alternating (median taken)")
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR, help="where generated data is kept")
    parser.add_argument("--child", choices=ENGINES, help=argparse.SUPPRESS)
    parser.add_argument("--input", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child == "pandas":
        print(json.dumps(child_pandas(args.input, args.out)))
        return 0
    if args.child == "duckdb":
        print(json.dumps(child_duckdb(args.input, args.out)))
        return 0

    raw_dir = ensure_data(args.format, args.orders, args.resellers, data_dir=args.data_dir)
    from impact import io

    sales_files = io.list_raw_files(raw_dir)["sales"]
    runs: dict[str, list[dict]] = {e: [] for e in ENGINES}
    with tempfile.TemporaryDirectory(prefix="bench_sales-") as tmp:
        tmp_dir = Path(tmp)
        sql_file = tmp_dir / "monthly.sql"
        sql_file.write_text(duckdb_sql(sales_files, args.format))
        outs = {"pandas": tmp_dir / "pandas.parquet", "duckdb": tmp_dir / "duckdb.parquet"}
        inputs = {"pandas": raw_dir, "duckdb": sql_file}
        for i in range(args.repeat):
            for engine in ENGINES:
                r = run_child(
                    [
                        "--child",
                        engine,
                        "--input",
                        str(inputs[engine]),
                        "--out",
                        str(outs[engine]),
                        "--orders",
                        str(args.orders),
                    ]
                )
                runs[engine].append(r)
                print(
                    f"run {i + 1} {engine:>6}: {r['seconds']:7.2f} s workload, {r['process_seconds']:7.2f} s "
                    f"process, {r['cpu_seconds']:7.2f} s CPU, peak {r['peak_mb']:7.0f} MB",
                    flush=True,
                )
        ok, detail = compare(outs["pandas"], outs["duckdb"], raw_dir)

    med = {
        e: {
            k: statistics.median(r[k] for r in runs[e])
            for k in ("seconds", "process_seconds", "cpu_seconds", "peak_mb")
        }
        for e in ENGINES
    }
    ratio = med["pandas"]["seconds"] / med["duckdb"]["seconds"]
    process_ratio = med["pandas"]["process_seconds"] / med["duckdb"]["process_seconds"]
    memory_ratio = med["pandas"]["peak_mb"] / med["duckdb"]["peak_mb"]
    print(
        f"\n{args.orders:,} orders from {args.format} ({len(sales_files)} files), {args.resellers:,} resellers; "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, medians of {args.repeat}"
    )
    print(f"{'engine':>8} {'workload s':>11} {'process s':>10} {'CPU s':>8} {'peak MB':>9}")
    for e in ENGINES:
        m = med[e]
        print(
            f"{e:>8} {m['seconds']:11.2f} {m['process_seconds']:10.2f} {m['cpu_seconds']:8.2f} {m['peak_mb']:9.0f}"
        )
    print(
        f"pandas/duckdb: time {ratio:.2f}x (whole process {process_ratio:.2f}x), peak memory {memory_ratio:.2f}x"
    )
    print(f"results match: {'yes' if ok else 'no'} ({detail})")
    print(
        f"ratio_vs_duckdb={ratio:.2f} peak_mb={med['pandas']['peak_mb']:.0f} "
        f"duckdb_peak_mb={med['duckdb']['peak_mb']:.0f}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
