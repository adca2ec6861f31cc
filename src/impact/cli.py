"""The ``impact`` command.

    impact sample --out data/sample                  # regenerate the bundled sample (deterministic)
    impact sample --resellers 700000 --orders 10000000 --out DIR [--format parquet|csv]
    impact check RAW_DIR                             # can every raw file be read? (no output written)
    impact clean RAW_DIR --out PROCESSED_DIR [--secret-file F]
    impact clean RAW_DIR --out PROCESSED_DIR --engine dask [--scheduler tcp://host:8786]

Errors in the input end with one line on stderr naming the file (and row/column
where known) and exit code 2 — never a traceback.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from impact import __version__, config
from impact.pii import add_audit_pii_parser, cli_audit_pii
from impact.report import add_report_parser, cli_report

EXIT_INPUT = 2


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="impact",
        description="Income-recovery analytics for programme cohorts: raw survey and sales exports → "
        "clean pseudonymised tables → indicators and reports.",
    )
    p.add_argument("--version", action="version", version=f"impact {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    s = sub.add_parser("sample", help="write synthetic sample data (the bundled sample, or platform scale)")
    s.add_argument(
        "--out", type=Path, required=True, help="output folder (raw/ and truth/ are written inside)"
    )
    s.add_argument("--seed", type=int, default=config.SEED, help="random seed (default: %(default)s)")
    s.add_argument("--resellers", type=int, help="scale mode: number of reseller accounts (e.g. 700000)")
    s.add_argument("--orders", type=int, help="scale mode: number of order rows (e.g. 10000000)")
    s.add_argument("--format", choices=("parquet", "csv"), default="parquet", help="scale mode: file format")

    c = sub.add_parser("check", help="read every raw file and report what was found (writes nothing)")
    c.add_argument("raw_dir", type=Path)

    k = sub.add_parser("clean", help="clean a raw folder into the processed-data contract")
    k.add_argument("raw_dir", help="raw folder (with --engine dask also an fsspec URL, e.g. s3://bucket/raw)")
    k.add_argument("--out", type=Path, required=True, help="processed folder (replaced atomically)")
    k.add_argument(
        "--engine",
        choices=("pandas", "dask"),
        default="pandas",
        help="pandas (default: in memory, one machine) or dask (partitioned; data beyond memory)",
    )
    k.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="dask: address of a running scheduler (tcp://host:8786); default: start a local cluster",
    )
    k.add_argument("--workers", type=int, help="dask, local cluster: worker processes (default: 2)")
    k.add_argument(
        "--memory-limit",
        default="auto",
        help="dask, local cluster: memory per worker, e.g. 4GiB (default: share the machine's)",
    )
    k.add_argument("--blocksize", help="dask: CSV bytes per partition (default: 64MiB)")
    k.add_argument("--part-rows", type=int, help="dask: Parquet rows per partition (default: 1000000)")
    k.add_argument(
        "--secret-file",
        type=Path,
        help=f"file holding the pseudonymisation secret (else ${config.SECRET_ENV})",
    )
    k.add_argument("--working-days", type=int, default=config.WORKING_DAYS_PER_MONTH,
                   help="working days per month for daily targets (default: %(default)s)")  # fmt: skip
    i = sub.add_parser("indicators", help="print a recovery table by group (disclosure-controlled)")
    i.add_argument("processed_dir", type=Path)
    i.add_argument("--cohort", help="cohort code (default: the first cohort in the data)")
    i.add_argument("--confederation", default="all", help="'all' or a confederation code")
    i.add_argument(
        "--wave", choices=("m3", "m6", "m12"), help="follow-up wave (default: the latest with answers)"
    )
    i.add_argument(
        "--by", default="overall", choices=("overall", "confederation", "gender", "confederation,gender")
    )
    i.add_argument("--audience", default="public", choices=("public", "internal"))
    i.add_argument("--min-cell-size", type=int, default=config.MIN_CELL_SIZE)
    i.add_argument(
        "--threshold", type=float, default=config.RECOVERY_THRESHOLD, help="recovery threshold (ratio)"
    )
    i.add_argument("--real-terms", action="store_true", help="deflate the pre-layoff wage with the CPI")
    i.add_argument("--format", default="table", choices=("table", "csv", "json"))
    i.add_argument(
        "--reference-dir", type=Path, help="folder with min_wage.csv and the CPI (default: data/reference)"
    )
    add_report_parser(sub)
    add_audit_pii_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command is None:
        _parser().print_help()
        return 0
    from impact.engine_dask import ClusterError
    from impact.io import InputError
    from impact.privacy import SecretError
    from impact.reference import ReferenceDataError
    from impact.results import ParameterError

    try:
        return {
            "sample": _sample,
            "check": _check,
            "clean": _clean,
            "indicators": _indicators,
            "audit-pii": cli_audit_pii,
            "report": lambda a: cli_report(a, annex_builder=_annex_builder),
        }[args.command](args)
    except (InputError, SecretError, ReferenceDataError, ParameterError) as e:
        print(f"impact: error: {e}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("impact: interrupted; previous outputs left as they were", file=sys.stderr)
        return 130
    except ClusterError as e:
        print(f"impact: error: {e}; previous outputs left as they were", file=sys.stderr)
        return 1


def _sample(args: argparse.Namespace) -> int:
    t0 = time.perf_counter()
    if args.resellers or args.orders:
        from impact.sample import participant_reseller_ids, write_sample
        from impact.sample_scale import write_scale_sales

        write_sample(args.out, seed=args.seed)  # the survey side, so participants link to accounts
        sales_dir = args.out / "raw" / "sales"
        for stale in [
            *sales_dir.iterdir(),
            args.out / "truth" / "orders.csv",
            args.out / "truth" / "reseller_monthly.csv",
        ]:
            stale.unlink(missing_ok=True)
        summary = write_scale_sales(
            args.out / "raw" / "sales", resellers=args.resellers or 700_000, orders=args.orders or 10_000_000,
            fmt=args.format, participant_resellers=participant_reseller_ids(args.out), seed=args.seed,
            progress=lambda m: print(m, file=sys.stderr, flush=True),
        )  # fmt: skip
        print(f"wrote {summary['rows']:,} order rows in {len(summary['files'])} files to {args.out / 'raw' / 'sales'} "
              f"in {time.perf_counter() - t0:.1f} s")  # fmt: skip
        return 0
    from impact.sample import write_sample

    counts = write_sample(args.out, seed=args.seed)
    print(f"wrote sample to {args.out}/raw and {args.out}/truth in {time.perf_counter() - t0:.1f} s")
    for name, n in counts.items():
        print(f"  {name}: {n} rows")
    return 0


def _check(args: argparse.Namespace) -> int:
    from impact import io

    files = io.list_raw_files(args.raw_dir)
    print(f"raw folder {args.raw_dir}:")
    for kind, paths in files.items():
        for p in paths:
            name = p.relative_to(args.raw_dir).as_posix()
            rf = io.read_sales_file(p, name) if kind == "sales" else io.read_survey_file(p, name)
            extra = ", ".join(
                f"{k}={v}" for k, v in rf.notes.items() if k in ("delimiter", "encoding", "sheet", "format")
            )
            print(f"  {kind:9} {name}: {len(rf.frame):,} rows, {rf.frame.shape[1]} columns ({extra})")
    return 0


def _clean(args: argparse.Namespace) -> int:
    from impact.io import InputError
    from impact.pipeline import clean, clean_to, write_processed

    t0 = time.perf_counter()
    params = config.CleaningParams(working_days_per_month=args.working_days)
    if args.engine == "pandas":
        if "://" in args.raw_dir:
            raise InputError(
                f"{args.raw_dir}: a URL needs --engine dask (the pandas engine reads local folders)"
            )
        data = clean(args.raw_dir, secret_file=args.secret_file, params=params)
        write_processed(data, args.out)
        audit = data.audit
    else:
        from dask.utils import parse_bytes

        audit = clean_to(
            args.raw_dir, args.out, engine="dask", scheduler=args.scheduler, workers=args.workers,
            memory_limit=args.memory_limit, secret_file=args.secret_file, params=params,
            blocksize=parse_bytes(args.blocksize) if args.blocksize else None, part_rows=args.part_rows,
        )  # fmt: skip
        print(
            f"engine: dask, {audit['engine']['partitions']} partitions on {audit['engine']['workers']} workers"
        )
    print(format_audit(audit))
    print(f"processed tables written to {args.out} in {time.perf_counter() - t0:.1f} s")
    return 0


def _indicators(args: argparse.Namespace) -> int:
    from impact import results, tables
    from impact.pipeline import load

    data = load(args.processed_dir, orders=False)  # indicators use the monthly table
    cohorts = sorted(data.participants["cohort"].dropna().unique())
    params = results.ReportParams(
        cohort=args.cohort or cohorts[0], confederation=args.confederation, audience=args.audience,
        recovery_threshold=args.threshold, partial_threshold=min(config.PARTIAL_THRESHOLD, args.threshold),
        min_cell_size=args.min_cell_size, real_terms=args.real_terms,
    )  # fmt: skip
    r = results.build(data, params, reference_dir=args.reference_dir)
    by = list(tables.GROUPINGS[args.by])
    pub = r.recovery(by=by, wave=args.wave)
    wave = args.wave or r.latest_wave
    if args.format == "csv":
        from impact.privacy import neutralise_formulas

        print(neutralise_formulas(pub.values).to_csv(index=False, lineterminator="\n"), end="")
    elif args.format == "json":
        import json

        rows = pub.values.astype(object).where(pub.values.notna(), None).to_dict("records")
        print(json.dumps({"cohort": params.cohort, "wave": wave, "audience": params.audience, "note": pub.note,
                          "flags": pub.flags.to_dict("records"), "rows": rows}, indent=2, default=str))  # fmt: skip
    else:
        shown = pub.display()
        print(f"{tables.cohort_label(params.cohort)} — recovery at {wave}, by {args.by} ({params.audience})")
        if pub.note:
            print(pub.note)
        print(shown.to_string(index=False))
        from impact.disclosure import legend

        meaning = dict(zip(*(legend(params.min_cell_size)[c] for c in ("marker", "meaning")), strict=True))
        for m in sorted({f.rstrip("!") for f in pub.flags.to_numpy().ravel() if f}):
            print(f"  {m}: {meaning.get(m, '')}")
    return 0


def _annex_builder(processed_dir: Path):
    """The Excel annex tables of a processed folder, loaded once: (cohort, audience) → (tables, notes)."""
    from impact.pipeline import load
    from impact.results import annex_tables

    data = load(processed_dir, orders=False)  # the annex uses the monthly table
    return lambda cohort, audience: annex_tables(data, cohort, audience)


def format_audit(audit: dict) -> str:
    """A plain-text audit summary: one line per raw file, then totals and linkage."""
    lines = [f"pseudonymisation secret: {audit['secret_source']}", "",
             f"{'file':52} {'read':>8} {'clean':>8} {'quarant.':>8} {'dupl.':>6} {'cells':>6}"]  # fmt: skip
    for name, f in audit["files"].items():
        lines.append(f"{name:52} {f['rows_read']:>8,} {f['rows_clean']:>8,} {f['rows_quarantined']:>8,} "
                     f"{f['rows_duplicate']:>6,} {f['cells_set_missing']:>6,}")  # fmt: skip
    t = audit["totals"]
    lines.append(f"{'total':52} {t['rows_read']:>8,} {t['rows_clean']:>8,} {t['rows_quarantined']:>8,} "
                 f"{t['rows_duplicate']:>6,} {t['cells_set_missing']:>6,}")  # fmt: skip
    ok = all(
        f["rows_read"] == f["rows_clean"] + f["rows_quarantined"] + f["rows_duplicate"]
        for f in audit["files"].values()
    )
    lines.append(f"every row accounted for (read = clean + quarantined + duplicate): {'yes' if ok else 'NO'}")
    lk = audit["linkage"]
    lines.append(
        f"participants: {lk['participants_in_survey']}; follow-ups linked: {lk['followups_linked']} "
        f"({lk['followups_linked_by_phone']} by phone); orders linked to participants: {lk['orders_linked']:,} "
        f"of {lk['orders_linked'] + lk['orders_not_in_survey']:,}"
    )
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
