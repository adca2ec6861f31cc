"""Running many reports: a small process pool, each worker driving papermill and nbconvert in-process."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from impact import io
from impact._text import first_line as _first_line
from impact.config import ReportParams
from impact.errors import ReportError
from impact.publish.i18n import Text
from impact.report import provenance
from impact.report.excel import _write_annexes
from impact.report.execute import execute_notebook
from impact.report.html import check_offline, to_html
from impact.report.index import write_index
from impact.report.kernels import Kernel, start_kernel
from impact.report.manifest import PROGRAMME, bundled_programme_notebook, notebook_parameters, report_title
from impact.report.pdf import CHROMIUM_ENV, ChromiumPrinter, PageMarks, find_chromium, html_to_pdf
from impact.report.provenance import reproducibility_stamp, stamp_text
from impact.report.summary import RunSummary

__all__ = [
    "run_reports",
]

# --- running many reports ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Task:
    spec: ReportParams
    notebook: Path
    processed_dir: Path
    stage_dir: Path
    final_dir: Path
    chromium: str | None
    kernel_name: str
    timeout: int | None
    stamp: dict[str, Any]
    #: the report's title (cohort name from the programme configuration)
    title: str = ""
    #: start the kernel of this worker's next report while this one renders
    prestart: bool = False


@dataclass
class _Result:
    slug: str
    ok: bool
    message: str = ""
    partial: Path | None = None
    timings: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


#: per process (pool worker, or this process with jobs=1): a spare kernel booting for the next
#: report, and one Chromium kept open for the PDFs. Closed by _close_worker at process exit.
_WORKER: dict[str, Any] = {}


def _close_worker() -> None:
    spare, printer = _WORKER.pop("spare", None), _WORKER.pop("printer", None)
    if spare is not None:
        spare.shutdown()
    if printer is not None:
        printer.close()


def _worker_state() -> dict[str, Any]:
    if "finalizer" not in _WORKER:
        from multiprocessing import util

        # runs when a pool worker exits normally (atexit does not run there)
        _WORKER["finalizer"] = util.Finalize(None, _close_worker, exitpriority=10)
    return _WORKER


def _take_spare_kernel(task: _Task) -> Kernel | None:
    spare = _worker_state().pop("spare", None)
    if spare is None:
        return None
    if spare.name == task.kernel_name and spare.cwd == task.notebook.parent and spare.alive():
        return spare
    spare.shutdown()
    return None


def _print_pdf(
    html_path: Path, pdf_path: Path, *, chromium: str, notes: list[str], marks: PageMarks | None = None
) -> Path:
    """PDF through this process's long-lived Chromium; on any trouble, a one-shot :func:`html_to_pdf`.

    ``marks``: the running header and footer of every page (title, audience marking, page X of Y).
    """
    state = _worker_state()
    try:
        if "printer" not in state:
            state["printer"] = ChromiumPrinter(chromium=chromium)
        return state["printer"].print_pdf(html_path, pdf_path, marks=marks)
    except Exception as e:
        printer = state.pop("printer", None)
        if printer is not None:
            printer.close()
        notes.append(
            f"{pdf_path.name}: printed by a one-shot Chromium ({type(e).__name__}: {_first_line(e)})"
        )
        return html_to_pdf(html_path, pdf_path, chromium=chromium, marks=marks)


def _run_one(task: _Task) -> _Result:
    """Execute, render and print one report into its cohort's staging folder (runs in a worker)."""
    spec, stage = task.spec, task.stage_dir
    timings: dict[str, float] = {}
    notes: list[str] = []
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="impact-report-") as tmp:
        executed = stage / f"{spec.slug}.ipynb" if spec.internal else Path(tmp) / f"{spec.slug}.ipynb"
        params = notebook_parameters(spec, task.processed_dir)
        try:
            try:
                execute_notebook(
                    task.notebook,
                    params,
                    output=executed,
                    kernel_name=task.kernel_name,
                    timeout=task.timeout,
                    metadata={**task.stamp, "parameters": params},
                    kernel=_take_spare_kernel(task),
                )
            finally:
                if task.prestart:  # boots while this report renders to HTML and PDF
                    with contextlib.suppress(Exception):
                        _worker_state()["spare"] = start_kernel(task.kernel_name, cwd=task.notebook.parent)
            timings["execute"] = time.perf_counter() - t0
            t = time.perf_counter()
            footer = stamp_text({**task.stamp, "parameters": params}, spec.lang)
            banner = Text(spec.lang).t("audience_internal") if spec.internal else None
            page = to_html(
                executed, title=task.title or report_title(spec), banner=banner, footer=footer, lang=spec.lang
            )
            offending = check_offline(page)
            if offending:
                raise ReportError(
                    f"{spec.slug}: the HTML would load from outside the page: {', '.join(offending[:5])}"
                )
            html_path = stage / f"{spec.slug}.html"
            html_path.write_text(page, encoding="utf-8")
            timings["html"] = time.perf_counter() - t
            if task.chromium:
                t = time.perf_counter()
                _print_pdf(
                    html_path,
                    stage / f"{spec.slug}.pdf",
                    chromium=task.chromium,
                    notes=notes,
                    marks=PageMarks.for_report(spec, _cohort_name(task.processed_dir, spec)),
                )
                timings["pdf"] = time.perf_counter() - t
        except Exception as e:  # a failing report must not stop the run: report it, keep its notebook
            for suffix in (".html", ".pdf", ".ipynb"):
                if (stage / f"{spec.slug}{suffix}") != executed:
                    (stage / f"{spec.slug}{suffix}").unlink(missing_ok=True)
            partial = None
            if executed.is_file():
                name = f"{spec.slug}.failed.ipynb"
                shutil.move(executed, stage / name)
                partial = task.final_dir / name
            message = str(e) if isinstance(e, ReportError) else f"{type(e).__name__}: {_first_line(e)}"
            message = message.replace(str(executed), str(partial)) if partial else message
            timings["total"] = time.perf_counter() - t0
            return _Result(spec.slug, False, message, partial, timings, notes)
    timings["total"] = time.perf_counter() - t0
    return _Result(spec.slug, True, timings=timings, notes=notes)


def _cohort_name(processed_dir: Path, spec: ReportParams) -> str:
    """The name a report's title gives its cohort (for the programme report: all cohorts)."""
    if spec.cohort == PROGRAMME:
        return Text(spec.lang).t("prog_title")
    return io.read_programme_json(processed_dir).cohort_name(spec.cohort)


def run_reports(
    specs: list[ReportParams],
    *,
    notebook: Path,
    processed_dir: Path,
    reports_dir: Path,
    jobs: int | None = None,
    pdf: bool = True,
    progress: Callable[[str], None] | None = print,
    annexes: Callable[[str, str], tuple[dict[str, pd.DataFrame], pd.DataFrame]] | None = None,
    keep_existing: bool = False,
    kernel_name: str = "python3",
    timeout: int | None = 600,
    programme_notebook: Path | None = None,
) -> RunSummary:
    """Run every spec (HTML, PDF, internal notebooks), the Excel annexes, then ``reports/index.html``.

    Reports run in a process pool of ``jobs`` workers (default: the number of cores; ``jobs=1``
    runs in this process), each worker driving papermill in-process with a fresh kernel per
    report. A failing report is reported and the run goes on. ``annexes`` is the table builder
    for :func:`write_cohort_annexes` (audiences of the specs; skipped when None). Cohort folders
    are swapped in atomically at the end; see the module docstring for ``keep_existing``.
    Programme-level specs (cohort ``"programme"``) run ``programme_notebook`` (default: the
    bundled one) into ``reports/programme/``.
    """
    t_start = time.perf_counter()
    say = progress or (lambda _msg: None)
    specs = list(specs)
    slugs = [s.slug for s in specs]
    if len(set(slugs)) != len(slugs):
        dupes = sorted({s for s in slugs if slugs.count(s) > 1})
        raise ReportError(f"the same report is asked for twice: {', '.join(dupes)}")
    notebook, processed_dir, reports_dir = (
        Path(notebook).resolve(),
        Path(processed_dir),
        Path(reports_dir).resolve(),
    )
    if not notebook.is_file():
        raise ReportError(f"{notebook}: notebook not found (pass --notebook)")
    programme_notebook = Path(programme_notebook or bundled_programme_notebook()).resolve()
    if any(s.cohort == PROGRAMME for s in specs) and not programme_notebook.is_file():
        raise ReportError(f"{programme_notebook}: programme notebook not found")
    programme = io.read_programme_json(processed_dir)
    names = {code: c.name for code, c in programme.cohorts.items()}
    whole = next((s for s in specs if s.cohort == PROGRAMME), None)
    if whole is not None:  # the programme report first in the index
        names = {PROGRAMME: report_title(whole, programme).rsplit(" (", 1)[0], **names}
    summary = RunSummary(stamp=reproducibility_stamp(processed_dir, {}), cohort_names=names)
    chromium = find_chromium() if pdf else None
    if pdf and chromium is None:
        summary.messages.append(
            f"PDF skipped: no Chromium found (install chromium, or set {CHROMIUM_ENV}); HTML is still written"
        )
        say(summary.messages[-1])
    cohorts = list(dict.fromkeys(s.cohort for s in specs))
    workers = max(1, min(jobs or os.cpu_count() or 1, len(specs) or 1))
    real = [c for c in cohorts if c != PROGRAMME]
    scope = f"{len(real)} cohort(s)" + (" and the programme" if PROGRAMME in cohorts else "")
    say(f"running {len(specs)} report(s) for {scope} with {workers} worker(s)")
    by_slug = {s.slug: s for s in specs}
    with contextlib.ExitStack() as stack:
        stage = {c: stack.enter_context(io.atomic_dir(reports_dir / c)) for c in cohorts}
        if keep_existing:
            for c in cohorts:
                _copy_existing(reports_dir / c, stage[c], skip={s.slug for s in specs if s.cohort == c})
        tasks = [
            _Task(
                s,
                programme_notebook if s.cohort == PROGRAMME else notebook,
                processed_dir.resolve(),
                stage[s.cohort],
                reports_dir / s.cohort,
                chromium,
                kernel_name,
                timeout,
                provenance.for_cohort(summary.stamp, processed_dir, s.cohort),
                title=report_title(s, programme),
                prestart=i < len(specs) - workers,
            )
            for i, s in enumerate(specs)
        ]
        results = _execute_all(tasks, workers=workers, say=say, summary=summary, annexes=annexes, stage=stage)
        cohort_of = {folder: c for c, folder in stage.items()}
        summary.annexes = [reports_dir / cohort_of[p.parent] / p.name for p in summary.annexes]
        for r in results:
            spec = by_slug[r.slug]
            summary.report_seconds[r.slug] = r.timings.get("total", 0.0)
            summary.timings[r.slug] = {k: v for k, v in r.timings.items() if k != "total"}
            if r.ok:
                summary.ok.append(spec)
            else:
                summary.failed.append((spec, r.message, r.partial))
        summary.ok.sort(key=lambda s: slugs.index(s.slug))
        summary.failed.sort(key=lambda f: slugs.index(f[0].slug))
    summary.seconds = time.perf_counter() - t_start
    summary.index = write_index(reports_dir, summary)
    return summary


def _execute_all(
    tasks: list[_Task],
    *,
    workers: int,
    say: Callable[[str], None],
    summary: RunSummary,
    annexes: Callable | None,
    stage: dict[str, Path],
) -> list[_Result]:
    results: list[_Result] = []
    n = len(tasks)

    def done(r: _Result) -> None:
        results.append(r)
        summary.messages += r.notes
        for note in r.notes:
            say(note)
        t = r.timings
        parts = ", ".join(f"{k} {t[k]:.1f}" for k in ("execute", "html", "pdf") if k in t)
        state = f"ok in {t.get('total', 0):.1f} s ({parts})" if r.ok else f"FAILED: {r.message}"
        say(f"[{len(results)}/{n}] {r.slug}: {state}")

    def write_annexes() -> None:
        if annexes is None or not tasks:
            return
        for cohort in stage:  # the editions (audience, language) this cohort is reported in
            editions = list(
                dict.fromkeys((t.spec.audience, t.spec.lang) for t in tasks if t.spec.cohort == cohort)
            )
            paths, errors = _write_annexes(tasks[0].processed_dir, stage, [cohort], editions, annexes)
            summary.annexes += paths
            summary.annex_errors += errors
            for e in errors:
                say(f"Excel annex FAILED: {e}")

    if workers == 1:
        try:
            for task in tasks:
                done(_run_one(task))
        finally:
            _close_worker()  # the spare kernel and Chromium of this process
        write_annexes()
        return results
    import multiprocessing

    # "spawn": workers start clean (no inherited kernel sockets, threads or event loops)
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_worker_init)
    try:
        futures = {pool.submit(_run_one, task): task for task in tasks}
        write_annexes()  # in this process, while the workers run
        for future in as_completed(futures):
            task = futures[future]
            try:
                done(future.result())
            except Exception as e:  # a worker died (e.g. out of memory): report it like any failure
                done(_Result(task.spec.slug, False, f"worker failed — {type(e).__name__}: {_first_line(e)}"))
    except BaseException:  # Ctrl-C (or an error here): stop the workers now, not after every report
        _stop_pool(pool)
        raise
    pool.shutdown(wait=True)
    return results


def _worker_init() -> None:
    """Pool workers leave Ctrl-C to the parent, which stops them with SIGTERM; that exits cleanly."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)


def _exit_on_sigterm(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds: kernels shut down, Chromium closed (see _close_worker)


def _stop_pool(pool: ProcessPoolExecutor) -> None:
    processes = list((getattr(pool, "_processes", None) or {}).values())  # CPython: pid -> Process
    pool.shutdown(wait=False, cancel_futures=True)
    for p in processes:
        with contextlib.suppress(Exception):
            p.terminate()
    for p in processes:
        with contextlib.suppress(Exception):
            p.join(15)
            if p.is_alive():
                p.kill()


def _copy_existing(src: Path, dst: Path, *, skip: set[str]) -> None:
    """Copy a cohort folder's files into its staging folder, except the outputs of reports being re-run."""
    if not src.is_dir():
        return
    for p in src.iterdir():
        stem = p.name.split(".", 1)[0]
        if p.is_file() and stem not in skip:
            shutil.copy2(p, dst / p.name)
