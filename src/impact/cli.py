"""The ``impact`` command: every subcommand's arguments and exit codes.

    impact sample --out data/sample                  # regenerate the bundled sample (deterministic)
    impact sample --resellers 700000 --orders 10000000 --out DIR [--format parquet|csv]
    impact check RAW_DIR                             # can every raw file be read? (no output written)
    impact clean RAW_DIR --out PROCESSED_DIR [--secret-file F]
    impact clean RAW_DIR --out PROCESSED_DIR --engine dask [--scheduler tcp://host:8786]
    impact indicators PROCESSED_DIR [--cohort C] [--by gender]
    impact report PROCESSED_DIR [--manifest runs.toml | --cohort C … | --programme]
    impact audit-pii RAW_DIR OUTPUT_DIR [OUTPUT_DIR …]

Exit codes: 0 done; 1 a report failed, personal data found, or the cluster gave up; 2 bad
input or arguments (one line on stderr naming the file, row and column where they apply,
never a traceback); 130 interrupted (previous outputs left as they were).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from pathlib import Path

from impact import config
from impact._version import __version__
from impact.console import ProgressBar, format_audit, speed_note
from impact.errors import (
    AccountingError,
    ClusterError,
    InputError,
    ParameterError,
    ReferenceDataError,
    ReportError,
    SecretError,
)

__all__ = ["EXIT_FAILED", "EXIT_INPUT", "ProgressBar", "format_audit", "main", "speed_note"]

EXIT_FAILED = 1
EXIT_INPUT = 2
EXIT_INTERRUPTED = 130
GROUPINGS = {
    "overall": (),
    "confederation": ("confederation",),
    "gender": ("gender",),
    "confederation,gender": ("confederation", "gender"),
}


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

    c = sub.add_parser(
        "check", help="check everything `clean` needs: configuration, secret, every file (writes nothing)"
    )
    c.add_argument("raw_dir", type=Path)
    c.add_argument("--secret-file", type=Path, help="file holding the pseudonymisation secret")
    c.add_argument("--programme", type=Path, help="programme configuration (default: RAW_DIR/programme.toml)")

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
    k.add_argument("--programme", type=Path, help="programme configuration (default: RAW_DIR/programme.toml)")
    k.add_argument(
        "--no-cache",
        action="store_true",
        help="parse every sales export again, without reading or writing the cache",
    )
    k.add_argument(
        "--cache-dir",
        type=Path,
        help="pandas engine: where parsed sales exports are kept between runs (default: OUT.cache); "
        "it holds order and account ids in clear: keep it with the raw data",
    )
    k.add_argument(
        "--working-days",
        type=int,
        default=config.WORKING_DAYS_PER_MONTH,
        help="working days per month for daily targets (default: %(default)s)",
    )

    i = sub.add_parser("indicators", help="print a recovery table by group (disclosure-controlled)")
    i.add_argument("processed_dir", type=Path)
    i.add_argument("--cohort", help="cohort code (default: the first cohort in the data)")
    i.add_argument("--confederation", default="all", help="'all' or a confederation code")
    i.add_argument(
        "--wave", choices=tuple(_waves()), help="follow-up wave (default: the latest with answers)"
    )
    i.add_argument("--by", default="overall", choices=tuple(GROUPINGS))
    i.add_argument("--audience", default="public", choices=config.AUDIENCES)
    i.add_argument("--min-cell-size", type=int, default=config.MIN_CELL_SIZE)
    i.add_argument(
        "--threshold", type=float, default=config.RECOVERY_THRESHOLD, help="recovery threshold (ratio)"
    )
    i.add_argument("--real-terms", action="store_true", help="deflate the pre-layoff wage with the CPI")
    i.add_argument("--format", default="table", choices=("table", "csv", "json"))
    i.add_argument(
        "--reference-dir", type=Path, help="folder with min_wage.csv and the CPI (default: the bundled files)"
    )

    r = sub.add_parser(
        "report",
        help="run the report notebook: HTML, PDF, notebooks, Excel annexes and reports/index.html",
        description="Execute the report notebook for one parameter set (--cohort …) or for every run of the "
        "manifest, in parallel, and write reports/<cohort>/<slug>.html|.pdf|.ipynb and reports/index.html.",
    )
    r.add_argument(
        "processed_dir",
        nargs="?",
        type=Path,
        default=Path("data/sample/processed"),
        help="processed folder written by `impact clean` (default: %(default)s)",
    )
    r.add_argument(
        "--notebook", type=Path, help="report notebook, .ipynb or jupytext .py (default: the bundled one)"
    )
    r.add_argument(
        "--manifest", type=Path, help="runs to make when --cohort is not given (default: the bundled one)"
    )
    r.add_argument("--cohort", help="make one report for this cohort (instead of the manifest)")
    r.add_argument(
        "--programme",
        action="store_true",
        help="make the programme-level report(s): every cohort pooled (the manifest's [[programme]] runs, "
        "else public and internal; with --audience/--lang, that one edition)",
    )
    r.add_argument("--confederation", help="with --cohort: a confederation code or 'all' (default: all)")
    r.add_argument("--audience", choices=config.AUDIENCES, help="with --cohort: audience (default: public)")
    r.add_argument(
        "--lang",
        choices=config.LANGUAGES,
        help="with --cohort: language, en (English) or id (Bahasa Indonesia) (default: en)",
    )
    r.add_argument("--out", type=Path, default=Path("reports"), help="reports folder (default: %(default)s)")
    r.add_argument("--jobs", type=int, help="reports run in parallel (default: number of cores)")
    r.add_argument("--no-pdf", action="store_true", help="skip the PDFs (no Chromium needed)")
    r.add_argument("--no-excel", action="store_true", help="skip the Excel annexes")
    r.add_argument("--kernel", default="python3", help="Jupyter kernel (default: %(default)s, this Python)")
    r.add_argument("--timeout", type=int, default=600, help="seconds allowed per cell (default: %(default)s)")

    d = sub.add_parser(
        "audit-disclosure",
        help="read the public reports and annexes back as an attacker would (exit 1 on a leak)",
        description="Read every public HTML report (tables, chart data, sentences) and public Excel annex "
        "under REPORTS_DIR and work out, by integer linear programming over everything a cohort's release "
        "publishes, what a reader could derive about hidden groups. Exit 1 when a count of 1 to k-1 people "
        "is shown, a hidden count is determined or narrowed too far, a quantile is shown for too few people, "
        "or two files disagree; each finding is one line.",
    )
    d.add_argument("reports_dir", type=Path, help="the reports folder written by `impact report`")
    d.add_argument(
        "--min-cell-size",
        type=int,
        default=config.MIN_CELL_SIZE,
        help="the release's minimum cell size (default: %(default)s)",
    )

    a = sub.add_parser(
        "audit-pii",
        help="scan outputs for names, phones and NIKs of the raw data (exit 1 if any is found)",
        description="Scan every output (Parquet, CSV, XLSX, HTML, PDF, notebooks, …) for names, phone "
        "numbers and NIKs that occur in the raw survey exports. Values found are shown masked.",
    )
    a.add_argument("raw_dir", type=Path, help="raw folder (survey/baseline*, survey/followup*)")
    a.add_argument("output_dirs", type=Path, nargs="+", metavar="output_dir", help="folder(s) to scan")
    a.add_argument(
        "--allow-missing-tools",
        action="store_true",
        help="skip PDFs with a warning when pdftotext is not installed (default: error)",
    )
    return p


def _waves() -> list[str]:
    from impact import vocab

    return list(vocab.WAVES)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command is None:
        _parser().print_help()
        return 0
    commands = {
        "sample": _sample,
        "check": _check,
        "clean": _clean,
        "indicators": _indicators,
        "report": _report,
        "audit-pii": _audit_pii,
        "audit-disclosure": _audit_disclosure,
    }
    try:
        return commands[args.command](args)
    except (InputError, SecretError, ReferenceDataError, ParameterError, ReportError) as e:
        print(f"impact: error: {e}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("impact: interrupted; previous outputs left as they were", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # output piped into `head` and the like: not an error of ours
        with contextlib.suppress(OSError):
            sys.stdout = Path(os.devnull).open("w")
        return 0
    except (ClusterError, AccountingError) as e:
        print(f"impact: error: {e}; previous outputs left as they were", file=sys.stderr)
        return EXIT_FAILED


# --- sample, check, clean ------------------------------------------------------------------------------


def _sample(args: argparse.Namespace) -> int:
    from impact.synth.sample import participant_reseller_ids, write_sample

    t0 = time.perf_counter()
    if args.resellers or args.orders:
        from impact.synth.scale import write_scale_sales

        write_sample(args.out, seed=args.seed)  # the survey side, so participants link to accounts
        sales_dir = args.out / "raw" / "sales"
        for stale in [
            *sales_dir.iterdir(),
            args.out / "truth" / "orders.csv",
            args.out / "truth" / "reseller_monthly.csv",
        ]:
            stale.unlink(missing_ok=True)
        summary = write_scale_sales(
            sales_dir,
            resellers=args.resellers or 700_000,
            orders=args.orders or 10_000_000,
            fmt=args.format,
            participant_resellers=participant_reseller_ids(args.out),
            seed=args.seed,
            progress=lambda m: print(m, file=sys.stderr, flush=True),
        )
        print(
            f"wrote {summary['rows']:,} order rows in {len(summary['files'])} files to {sales_dir} "
            f"in {time.perf_counter() - t0:.1f} s"
        )
        return 0
    counts = write_sample(args.out, seed=args.seed)
    print(f"wrote sample to {args.out}/raw and {args.out}/truth in {time.perf_counter() - t0:.1f} s")
    for name, n in counts.items():
        print(f"  {name}: {n} rows")
    return 0


def _check(args: argparse.Namespace) -> int:
    """Everything ``clean`` needs (configuration, secret, every file, required columns); exit 2 with
    the same one-line error wherever ``clean`` would fail."""
    from impact.clean import check

    found = check(args.raw_dir, secret_file=args.secret_file, programme=args.programme)
    print(f"raw folder {args.raw_dir}: programme configuration: {found['programme']}")
    for name, f in found["files"].items():
        shown = ", ".join(f"{k}={f[k]}" for k in ("delimiter", "encoding", "sheet", "format") if k in f)
        form = f" — {f['kobo']['layout']} export of form {f['kobo']['form']!r}" if "kobo" in f else ""
        print(f"  {f['kind']:9} {name}: {f['rows']:,} rows ({shown}){form}")
    for code, inferred in found["cohorts"].items():
        state = f"not configured: {', '.join(inferred)} taken from the data" if inferred else "configured"
        print(f"  cohort {code}: {state}")
    if found["corrections"]:
        print(f"  corrections log: {found['corrections']} correction(s)")
    print(
        f"ok: {found['participants']} participants, {found['followups']} follow-ups; `impact clean` can run"
    )
    return 0


#: runs longer than this (seconds) report their speed in rows per second
def _clean(args: argparse.Namespace) -> int:
    from impact.clean import clean_to

    t0 = time.perf_counter()
    params = config.CleaningParams(working_days_per_month=args.working_days)
    options = {}
    bar = ProgressBar(started=t0)
    if args.engine == "pandas":
        options = {"cache": not args.no_cache, "cache_dir": args.cache_dir, "progress": bar}
    if args.engine == "dask":
        from dask.utils import parse_bytes

        options = {
            "scheduler": args.scheduler,
            "workers": args.workers,
            "memory_limit": args.memory_limit,
            "blocksize": parse_bytes(args.blocksize) if args.blocksize else None,
            "part_rows": args.part_rows,
        }
    try:
        audit = clean_to(
            args.raw_dir, args.out, engine=args.engine, secret_file=args.secret_file, params=params, **options
        )
    finally:
        bar.close()
    seconds = time.perf_counter() - t0
    if args.engine == "dask":
        print(
            f"engine: dask, {audit['engine']['partitions']} partitions on {audit['engine']['workers']} workers"
        )
    print(format_audit(audit))
    speed = speed_note(audit["totals"]["rows_read"], seconds)
    print(f"processed tables written to {args.out} in {seconds:.1f} s{speed}")
    return 0


# --- indicators ----------------------------------------------------------------------------------------


def _indicators(args: argparse.Namespace) -> int:
    import json

    from impact import io
    from impact.publish import results
    from impact.publish.release import HIDDEN
    from impact.publish.views import Table

    data = io.load(args.processed_dir, orders=False)  # indicators use the monthly table
    cohorts = sorted(data.participants["cohort"].dropna().unique())
    if not cohorts:
        raise InputError(f"{args.processed_dir}: no participants")
    params = config.ReportParams(
        cohort=args.cohort or cohorts[0],
        confederation=args.confederation,
        audience=args.audience,
        recovery_threshold=args.threshold,
        partial_threshold=min(config.PARTIAL_THRESHOLD, args.threshold),
        min_cell_size=args.min_cell_size,
        real_terms=args.real_terms,
    )
    r = results.build(data, params, reference_dir=args.reference_dir)
    pub = r.recovery(by=list(GROUPINGS[args.by]), wave=args.wave)
    wave = args.wave or r.latest_wave
    if not isinstance(pub, Table):  # no wave with answers: the reason, as a sentence
        print(pub.text)
        return 0
    if args.format == "csv":
        print(io.neutralise_formulas(pub.for_excel()).to_csv(index=False, lineterminator="\n"), end="")
    elif args.format == "json":
        frame = pub.for_excel()
        rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
        doc = {
            "cohort": params.cohort,
            "wave": wave,
            "by": args.by,
            "audience": params.audience,
            "hidden_marker": HIDDEN,
            "notes": pub.notes,
            "rows": rows,
        }
        print(json.dumps(doc, indent=2, default=str, ensure_ascii=False))
    else:
        print(
            f"{r.programme.cohort_name(params.cohort)} — recovery at {wave}, by {args.by} ({params.audience})"
        )
        print(pub.frame().to_string())
        for note in pub.notes:
            print(note)
        print(r.legend().replace("**", ""))
    return 0


# --- report -------------------------------------------------------------------------------------------


def _report(args: argparse.Namespace) -> int:
    """``impact report``: 0 when every report was made, 1 naming failures, 2 for bad arguments/input."""
    from impact.report import manifest, run

    if args.programme and (args.cohort or args.confederation):
        raise ReportError(
            "--programme covers every cohort and confederation: leave out --cohort and --confederation"
        )
    if (args.confederation or args.audience or args.lang) and not (args.cohort or args.programme):
        raise ReportError(
            "--confederation, --audience and --lang need --cohort or --programme (or use the manifest)"
        )
    if args.jobs is not None and args.jobs < 1:
        raise ReportError(f"--jobs {args.jobs}: must be at least 1")
    cohorts = manifest.discover_cohorts(args.processed_dir)
    if args.cohort:
        if args.cohort not in cohorts:
            raise ReportError(
                f"cohort {args.cohort!r} not in {args.processed_dir} (found: {', '.join(cohorts)})"
            )
        specs = [
            config.ReportParams(
                args.cohort,
                confederation=args.confederation or manifest.ALL,
                audience=args.audience or "public",
                lang=args.lang or "en",
            )
        ]
    elif args.programme and (args.audience or args.lang):
        specs = [
            config.ReportParams(
                manifest.PROGRAMME, audience=args.audience or "public", lang=args.lang or "en"
            )
        ]
    else:
        specs = manifest.load_manifest(
            args.manifest or manifest.bundled_manifest(), cohorts=cohorts, programme_only=args.programme
        )
    summary = run.run_reports(
        specs,
        notebook=args.notebook or manifest.bundled_notebook(),
        processed_dir=args.processed_dir,
        reports_dir=args.out,
        jobs=args.jobs,
        pdf=not args.no_pdf,
        progress=lambda m: print(m, flush=True),
        annexes=None if args.no_excel else _annex_builder(args.processed_dir),
        keep_existing=bool(args.cohort or args.programme),
        kernel_name=args.kernel,
        timeout=args.timeout,
    )
    print(
        f"{len(summary.ok)} of {len(specs)} report(s) made in {summary.seconds:.1f} s; "
        f"{len(summary.annexes)} Excel annex(es); index: {summary.index}"
    )
    budget = manifest.load_budget(args.manifest or manifest.bundled_manifest())
    slow = {slug: s for slug, s in summary.report_seconds.items() if budget and s > budget}
    for slug, seconds in slow.items():  # a warning: a shared machine can be slow for a while
        print(f"  {slug}: {seconds:.1f} s, over the manifest's budget of {budget:g} s", file=sys.stderr)
    if summary.failed or summary.annex_errors:
        print(f"{len(summary.failed)} report(s) FAILED:", file=sys.stderr)
        for spec, message, partial in summary.failed:
            print(f"  {spec.slug}: {message}", file=sys.stderr)
            if partial:
                print(f"    partial notebook: {partial}", file=sys.stderr)
        for e in summary.annex_errors:
            print(f"  Excel annex: {e}", file=sys.stderr)
    return summary.exit_code


def _annex_builder(processed_dir: Path):
    """The Excel annex tables of a processed folder, loaded once: (cohort, audience) → (tables, notes)."""
    from impact import io
    from impact.publish.annex import annex_tables
    from impact.publish.programme_annex import programme_annex_tables

    data = io.load(processed_dir, orders=False)  # the annex uses the monthly table

    def build(cohort: str, audience: str, lang: str = "en"):
        if cohort == "programme":
            return programme_annex_tables(data, audience, lang=lang)
        return annex_tables(data, cohort, audience, lang=lang)

    return build


# --- audit-disclosure ---------------------------------------------------------------------------------


def _audit_disclosure(args: argparse.Namespace) -> int:
    """0 when nothing hidden can be worked out from the public release, 1 when something can."""
    from impact.qa.release_audit import audit_release

    if not args.reports_dir.is_dir():
        raise ReportError(f"{args.reports_dir}: reports folder not found (run `impact report` first)")
    result = audit_release(args.reports_dir, min_cell_size=args.min_cell_size)
    if not result.files:
        raise ReportError(f"{args.reports_dir}: no public report or annex to audit")
    for f in result.findings:
        print(f"LEAK {f.line()}")
    print(
        f"impact audit-disclosure: {len(result.files)} public file(s), {result.figures:,} figures, "
        f"{result.hidden} hidden counts bounded by {result.solves} integer programs: "
        + ("nothing hidden can be worked out" if result.ok else f"{len(result.findings)} finding(s)")
    )
    return 0 if result.ok else EXIT_FAILED


# --- audit-pii ----------------------------------------------------------------------------------------


def _audit_pii(args: argparse.Namespace) -> int:
    """0 when no personal data is found, 1 when some is (listed, masked), 2 for an unreadable raw
    folder, a raw folder without any personal data to look for, or a missing output folder."""
    from impact.qa import pii as qa_pii

    found = qa_pii.collect_pii(args.raw_dir)
    if not len(found):
        raise InputError(
            f"{args.raw_dir}: no names, phones or NIKs found in the raw survey exports — nothing to look "
            "for (is this the right raw folder?)"
        )
    result = qa_pii.scan(args.output_dirs, found, allow_missing_tools=args.allow_missing_tools)
    what = f"{len(found.names)} names, {len(found.phones)} phones, {len(found.niks)} NIKs"
    for f in result.findings:
        if f.kind == "skipped":
            print(f"impact audit-pii: warning: not scanned: {f.location}", file=sys.stderr)
    note = ""
    if result.unsupported:
        types = sorted({p.suffix.lower() or "no extension" for p in result.unsupported})
        note = f" ({len(result.unsupported)} other file(s) not scanned: {', '.join(types)})"
    bad = [f for f in result.findings if f.kind != "skipped"]
    if not bad:
        print(f"scanned {len(result.scanned)} files for {what}: no personal data found{note}")
        return 0
    print(
        f"scanned {len(result.scanned)} files for {what}: {len(bad)} finding(s) in {len(result.failed)} file(s){note}"
    )
    width = max(len(f.kind) for f in bad)
    for f in bad:
        print(f"  {f.kind:{width}}  {f.value_masked or '-':8}  {f.location}")
    print("values are masked to their last characters; open each file at the location shown to remove them")
    return EXIT_FAILED


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
