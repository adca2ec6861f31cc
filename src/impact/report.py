"""Reports: report notebooks executed in-process, rendered to offline HTML, PDF and Excel annexes.

One report is one :class:`ReportSpec` (cohort × confederation × audience, plus extra
notebook parameters). :func:`run_reports` runs many of them in a small process pool —
each worker drives papermill and nbconvert in-process, never the papermill CLI — and
writes, per cohort::

    reports/<cohort>/<slug>.html          no code, no prompts, no stderr, plotly.js inlined once,
                                          no network request of any kind (works offline, by e-mail)
    reports/<cohort>/<slug>.pdf           headless Chromium print-to-pdf, A4 (skipped without Chromium)
    reports/<cohort>/<slug>.ipynb         the executed notebook, internal audience only
    reports/<cohort>/<slug>.failed.ipynb  the partial notebook of a report that failed
    reports/<cohort>/indicators_<audience>.xlsx   the Excel annex (when a table builder is given)
    reports/index.html                    links to everything, offline, inline CSS only

Slugs are ``<cohort>_<confederation>_<audience>``, e.g. ``sukabumi-2023_all_public``,
``sukabumi-2023_kspn_internal``. Cohort codes use ``[a-z0-9-]`` only, so a slug parses back.

Atomic outputs. Each cohort folder is built in a temporary sibling and swapped into place
when the run ends (:func:`impact.io.atomic_dir` on ``reports/<cohort>``), so an interrupted
run leaves the previous reports untouched, and ``reports/README.md`` and other cohorts'
folders are never touched. A manifest run replaces each cohort folder it covers (stale
reports vanish); a single-report run (``keep_existing=True``, what ``impact report
--cohort …`` does) first copies the cohort's existing files, then replaces that one
report. A failing report does not stop the run: the others are still swapped in, its own
old outputs are removed and its partial notebook is kept as ``<slug>.failed.ipynb``.

Manifest (``notebooks/runs.toml``, read with :mod:`tomllib`)::

    [defaults]                          # notebook parameters for every run (scalars only)
    min_cell_size = 5

    [[runs]]                            # zero or more; with none, the default expansion below
    cohort = "*"                        # "*" = every cohort in the processed data; or a code / list
    confederation = ["all", "each"]     # "all", "each" (= every code in vocab.CONFEDERATIONS) or codes
    audience = ["public", "internal"]   # "public" and/or "internal"
    params = { min_cell_size = 10 }     # optional: parameters for this run, over [defaults]

The default expansion (no ``[[runs]]``, or no file) is exactly the run above: for each
cohort, all confederations together plus one report per confederation, each for the
public and the internal audience — 2 cohorts × 6 × 2 = 24 reports on the sample.

Offline HTML. The executed notebook keeps plotly's JSON output (≈ 80 KB); at export each
``application/vnd.plotly.v1+json`` output becomes HTML from :func:`plotly.io.to_html`,
with the plotly.js bundle inlined in the first figure only. The ``impact_report`` template
(``templates/impact_report``, derived from ``lab``) drops the require.js / MathJax / mermaid
/ widget scripts (all CDN loads) and adds print CSS. Consequences: LaTeX in Markdown is
shown as typed, not typeset; map traces (tiles, topojson) cannot draw offline.

Speed (24 smoke reports on 2 cores: see ``tests/test_report.py`` and the numbers in the PR).
Each worker keeps, for the whole run: one kernel booting ahead for its next report (a fresh
kernel per report, never reused; it starts while the previous report renders and imports
:data:`WARM_IMPORTS` while booting), one headless Chromium printing its PDFs over the
DevTools pipe (:class:`ChromiumPrinter`; :func:`html_to_pdf` is the one-shot equivalent and
the fallback), and one compiled nbconvert exporter. Kernels are shut down at once when their
notebook is done (all outputs are in) and papermill saves the notebook at the end, not after
every cell.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import functools
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

import pandas as pd

from impact import __version__, vocab
from impact.io import atomic_dir
from impact.privacy import FORMULA_START, neutralise_formulas

if TYPE_CHECKING:  # heavy imports stay lazy: `impact --help` must not load nbconvert
    from nbformat import NotebookNode

ALL = "all"
EACH = "each"
AUDIENCES = ("public", "internal")
#: cells with these tags never reach the HTML
REMOVE_CELL_TAGS = frozenset({"parameters", "injected-parameters", "remove", "papermill-error-cell-tag"})
PLOTLY_MIME = "application/vnd.plotly.v1+json"
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}
#: height of a figure whose layout sets none (plotly's notebook renderers use about the same)
PLOTLY_DEFAULT_HEIGHT = "450px"
#: a figure wider than A4's printable width (180 mm ≈ 680 CSS px) would be clipped in the PDF: its
#: fixed width is dropped at export so that it fills the page width instead
MAX_FIGURE_WIDTH_PX = 680
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "impact_report"
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_ENV = "IMPACT_CHROMIUM"
#: window size for printing: plotly lays charts out at the window width and does not relayout for
#: print, so a window narrower than A4's printable width (≈ 680 CSS px) keeps legends inside the page
PDF_WINDOW = (700, 1000)
INTERNAL_BANNER = "INTERNAL — not for publication"
DEFAULT_RUN = {"cohort": "*", "confederation": [ALL, EACH], "audience": list(AUDIENCES)}
_RUN_KEYS = frozenset({"cohort", "confederation", "audience", "params"})
_SPEC_KEYS = frozenset({"processed_dir", "cohort", "confederation", "audience"})
_COHORT_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
_SHEET_MAX = 31


class ReportError(Exception):
    """A report could not be produced; the message says which, where and why.

    ``partial`` is the partial (or executed) notebook to look at, when there is one;
    ``cell_index`` the failing cell of the executed notebook, for an execution error.
    """

    def __init__(self, message: str, *, partial: Path | None = None, cell_index: int | None = None):
        super().__init__(message)
        self.partial = partial
        self.cell_index = cell_index

    def __reduce__(self):  # picklable across the process pool, keyword attributes included
        return (_rebuild_report_error, (str(self), self.partial, self.cell_index))


def _rebuild_report_error(message: str, partial: Path | None, cell_index: int | None) -> ReportError:
    return ReportError(message, partial=partial, cell_index=cell_index)


# --- what to run ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportSpec:
    """One report: a cohort, a confederation code (or ``"all"``), an audience and extra parameters.

    >>> ReportSpec("sukabumi-2023", "kspn", "internal").slug
    'sukabumi-2023_kspn_internal'
    """

    cohort: str
    confederation: str = ALL
    audience: str = "public"
    params: dict[str, Any] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        if not isinstance(self.cohort, str) or not _COHORT_RE.match(self.cohort):
            raise ValueError(
                f"cohort {self.cohort!r}: use lower-case letters, digits and '-' (e.g. 'bekasi-2024')"
            )
        if self.confederation != ALL and self.confederation not in vocab.CONFEDERATIONS:
            raise ValueError(
                f"confederation {self.confederation!r}: expected 'all' or one of {', '.join(vocab.CONFEDERATIONS)}"
            )
        if self.audience not in AUDIENCES:
            raise ValueError(f"audience {self.audience!r}: expected one of {', '.join(AUDIENCES)}")
        for key, value in self.params.items():
            if key in _SPEC_KEYS:
                raise ValueError(f"parameter {key!r} is set by the report spec itself; remove it from params")
            if not isinstance(key, str) or not key.isidentifier():
                raise ValueError(f"parameter name {key!r} is not a Python identifier")
            if value is not None and not isinstance(value, str | int | float | bool):
                raise ValueError(
                    f"parameter {key}={value!r}: only scalars (str, int, float, bool) are allowed"
                )

    @property
    def slug(self) -> str:
        """``<cohort>_<confederation>_<audience>``: the file name stem of the report's outputs."""
        return f"{self.cohort}_{self.confederation}_{self.audience}"

    @property
    def internal(self) -> bool:
        return self.audience == "internal"

    def parameters(self, processed_dir: Path | str) -> dict[str, Any]:
        """The papermill parameters: ``processed_dir`` (absolute), cohort, confederation, audience, params."""
        return {
            "processed_dir": str(Path(processed_dir).resolve()),
            "cohort": self.cohort,
            "confederation": self.confederation,
            "audience": self.audience,
            **self.params,
        }

    def title(self) -> str:
        """A human title, e.g. ``Sukabumi, September 2023 — KSPN (internal)``."""
        cohort = vocab.COHORTS[self.cohort].name if self.cohort in vocab.COHORTS else self.cohort
        conf = "all confederations" if self.confederation == ALL else vocab.CONFEDERATIONS[self.confederation]
        return f"{cohort} — {conf} ({self.audience})"


def parse_slug(slug: str) -> tuple[str, str, str] | None:
    """``(cohort, confederation, audience)`` from a slug, or None if it is not one.

    >>> parse_slug("sukabumi-2023_kspsi_rek_public")
    ('sukabumi-2023', 'kspsi_rek', 'public')
    """
    cohort, _, rest = slug.partition("_")
    confederation, _, audience = rest.rpartition("_")
    if not _COHORT_RE.match(cohort) or audience not in AUDIENCES:
        return None
    if confederation != ALL and confederation not in vocab.CONFEDERATIONS:
        return None
    return cohort, confederation, audience


def expand_manifest(doc: dict[str, Any], *, cohorts: list[str], source: str = "manifest") -> list[ReportSpec]:
    """The report specs a parsed manifest asks for (format: see the module docstring). Pure.

    ``cohorts`` are the cohorts present in the processed data (what ``"*"`` means). Raises
    :class:`ReportError` naming ``source`` for unknown keys, cohorts or codes, and for two
    runs giving the same slug with different parameters. Identical duplicates are kept once.

    >>> len(expand_manifest({}, cohorts=["sukabumi-2023", "bekasi-2024"]))
    24
    """
    unknown = set(doc) - {"defaults", "runs"}
    if unknown:
        raise ReportError(f"{source}: unknown section(s) {sorted(unknown)}; expected [defaults] and [[runs]]")
    defaults = doc.get("defaults", {})
    if not isinstance(defaults, dict):
        raise ReportError(f"{source}: [defaults] must be a table of parameters")
    runs = doc.get("runs") or [DEFAULT_RUN]
    if not isinstance(runs, list):
        raise ReportError(f"{source}: 'runs' must be an array of tables ([[runs]])")
    specs: dict[str, ReportSpec] = {}
    for i, run in enumerate(runs, start=1):
        where = f"{source}: run {i}"
        if not isinstance(run, dict) or not isinstance(run.get("params", {}), dict):
            raise ReportError(
                f"{where}: expected a table with cohort, confederation, audience and a params table"
            )
        bad = set(run) - _RUN_KEYS
        if bad:
            raise ReportError(f"{where}: unknown key(s) {sorted(bad)}; expected {sorted(_RUN_KEYS)}")
        run_cohorts = _expand_values(run.get("cohort", "*"), star=cohorts, where=f"{where}: cohort")
        missing = [c for c in run_cohorts if c not in cohorts]
        if missing:
            raise ReportError(
                f"{where}: cohort(s) {missing} not in the processed data (found: {', '.join(cohorts) or 'none'})"
            )
        if not run_cohorts:
            raise ReportError(f"{where}: no cohort to report on (processed data has none)")
        confs = _expand_values(run.get("confederation", ALL), star=None, where=f"{where}: confederation")
        confs = [code for c in confs for code in ([*vocab.CONFEDERATIONS] if c == EACH else [c])]
        audiences = _expand_values(run.get("audience", "public"), star=None, where=f"{where}: audience")
        params = {**defaults, **run.get("params", {})}
        for cohort in run_cohorts:
            for conf in confs:
                for audience in audiences:
                    try:
                        spec = ReportSpec(cohort, conf, audience, params)
                    except ValueError as e:
                        raise ReportError(f"{where}: {e}") from None
                    if spec.slug in specs and specs[spec.slug] != spec:
                        raise ReportError(
                            f"{where}: report {spec.slug} is asked for twice with different parameters"
                        )
                    specs.setdefault(spec.slug, spec)
    return list(specs.values())


def _expand_values(value: object, *, star: list[str] | None, where: str) -> list[str]:
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ReportError(f"{where}: expected a string or a list of strings, got {value!r}")
    out: list[str] = []
    for v in values:
        if v == "*" and star is not None:
            out += star
        else:
            out.append(v)
    return list(dict.fromkeys(out))


def load_manifest(path: Path, *, cohorts: list[str]) -> list[ReportSpec]:
    """Read a ``runs.toml`` manifest and expand it (see :func:`expand_manifest`).

    A missing file raises :class:`ReportError` (the CLI then falls back to the default expansion).
    """
    path = Path(path)
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReportError(f"{path}: manifest not found") from None
    except tomllib.TOMLDecodeError as e:
        raise ReportError(f"{path}: not valid TOML ({e})") from None
    return expand_manifest(doc, cohorts=cohorts, source=str(path))


def discover_cohorts(processed_dir: Path) -> list[str]:
    """The cohorts present in a processed folder (``participants.parquet``), in vocabulary order."""
    from impact.io import InputError

    path = Path(processed_dir) / "participants.parquet"
    if not path.is_file():
        raise InputError(
            f"{processed_dir}: not a processed folder (no participants.parquet); run `impact clean`"
        )
    found = set(pd.read_parquet(path, columns=["cohort"])["cohort"].dropna().astype(str))
    return [c for c in vocab.COHORTS if c in found] + sorted(found - set(vocab.COHORTS))


# --- provenance ----------------------------------------------------------------------------------


def reproducibility_stamp(processed_dir: Path, parameters: dict[str, Any]) -> dict[str, Any]:
    """What a report was made from: package version, git commit, input hashes, parameters, time.

    ``input_sha256`` comes from ``processed_dir/audit.json`` (written by ``impact clean``);
    ``git_commit`` is the commit of the working tree the command runs in, None outside git.
    """
    audit_path = Path(processed_dir) / "audit.json"
    audit: dict[str, Any] = {}
    if audit_path.is_file():
        with contextlib.suppress(ValueError, OSError):
            audit = json.loads(audit_path.read_text(encoding="utf-8"))
    return {
        "impact_version": __version__,
        "git_commit": _git_commit(),
        "processed_by": audit.get("impact_version"),
        "input_sha256": dict(audit.get("input_sha256", {})),
        "parameters": dict(parameters),
        "generated_utc": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _git_commit(cwd: Path | None = None) -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=cwd, capture_output=True, text=True, timeout=3, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = out.stdout.strip()
    return commit if re.fullmatch(r"[0-9a-f]{40,64}", commit) else None


def stamp_text(stamp: dict[str, Any]) -> str:
    """The stamp as a short footer text (what the HTML reports end with). Pure."""
    commit = (stamp.get("git_commit") or "")[:12] or "no git commit"
    params = stamp.get("parameters", {})
    shown = ", ".join(f"{k}={v}" for k, v in params.items() if k != "processed_dir")
    hashes = stamp.get("input_sha256", {})
    inputs = "; ".join(f"{name} sha256:{h[:12]}" for name, h in hashes.items()) or "input hashes not recorded"
    return (
        f"Generated {stamp.get('generated_utc')} by impact {stamp.get('impact_version')} ({commit}). "
        f"Parameters: {shown or 'none'}.\nInputs: {inputs}."
    )


# --- executing a notebook ------------------------------------------------------------------------


def execute_notebook(
    notebook: Path,
    parameters: dict[str, Any],
    *,
    output: Path,
    kernel_name: str = "python3",
    timeout: int | None = 600,
    start_timeout: int = 180,
    metadata: dict[str, Any] | None = None,
    kernel: Kernel | None = None,
) -> Path:
    """Run a notebook with papermill in this process (one fresh kernel), writing it to ``output``.

    A ``.py``/``.md`` notebook is read with jupytext. ``timeout`` is per cell (seconds).
    ``metadata.jupytext`` is stripped from the result (no stray pairs in ``reports/``);
    ``metadata`` (e.g. a reproducibility stamp) is stored under ``metadata.impact``.
    ``kernel`` is a kernel already started with :func:`start_kernel` (its start overlapped with
    other work); it is shut down afterwards either way. A failing cell raises
    :class:`ReportError` naming the notebook, the cell index and the error, with the partial
    notebook kept at ``output``.
    """
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    notebook, output = Path(notebook).resolve(), Path(output).resolve()
    try:
        if not notebook.is_file():
            raise ReportError(f"{notebook}: notebook not found")
        output.parent.mkdir(parents=True, exist_ok=True)
        source: str | NotebookNode = str(notebook)
        if notebook.suffix != ".ipynb":
            import jupytext

            source = jupytext.read(notebook)
        kernel = kernel or start_kernel(kernel_name, cwd=notebook.parent)
        pm.execute_notebook(
            source,
            str(output),
            parameters=parameters,
            kernel_name=kernel.name,
            km=kernel.km,
            start_timeout=start_timeout,
            execution_timeout=timeout,
            progress_bar=False,
            log_output=False,
            cwd=str(notebook.parent),
            request_save_on_cell_execute=False,  # saved once at the end (and on error): no per-cell rewrites
        )
    except ReportError:
        raise
    except PapermillExecutionError as e:
        _tidy_executed(output, notebook, metadata)
        where = f"cell {e.cell_index}" + (f" (In [{e.exec_count}])" if e.exec_count else "")
        line = next((s.strip() for s in (e.source or "").splitlines() if s.strip()), "")
        shown = f" `{line[:70]}`" if line else ""
        raise ReportError(
            f"{notebook.name}: {where}{shown} raised {e.ename}: {_first_line(e.evalue)} (partial notebook: {output})",
            partial=output,
            cell_index=e.cell_index,
        ) from None
    except Exception as e:  # kernel died, timeout, bad notebook: papermill and nbclient raise many types
        partial = output if output.is_file() else None
        if partial:
            _tidy_executed(output, notebook, metadata)
        raise ReportError(
            f"{notebook.name}: execution failed — {type(e).__name__}: {_first_line(str(e))}"
            + (f" (partial notebook: {partial})" if partial else ""),
            partial=partial,
        ) from e
    finally:
        if kernel is not None:
            kernel.shutdown()
    _tidy_executed(output, notebook, metadata)
    return output


# --- kernels -------------------------------------------------------------------------------------

#: modules a report kernel imports while it boots, before the notebook runs. The notebook still
#: imports what it uses (nothing is bound in its namespace); it just finds them loaded already.
#: ``plotly.io._renderers`` is what the first ``fig.show()`` loads: it imports nbformat, whose
#: jsonschema import alone takes ≈ 1.3 s.
WARM_IMPORTS = ("pandas", "plotly.graph_objects", "plotly.io._renderers", "impact")
#: modules report kernels never import: ``rfc3987_syntax`` builds a Lark grammar at import (≈ 1.5 s
#: of CPU per kernel, when nbformat → jsonschema loads it) and serves only jsonschema's IRI formats
KERNEL_BLOCKED_MODULES = ("rfc3987_syntax",)


class Kernel:
    """A Jupyter kernel started for one notebook run (see :func:`start_kernel`).

    Its process boots in the background; :func:`execute_notebook` connects when it needs it
    and shuts it down after. One kernel per report, never reused.
    """

    def __init__(self, km: Any, name: str, cwd: Path) -> None:
        self.km, self.name, self.cwd = km, name, cwd

    def alive(self) -> bool:
        from jupyter_core.utils import run_sync

        try:
            return bool(run_sync(self.km.is_alive)())
        except Exception:  # a kernel we cannot ask is as good as dead
            return False

    def shutdown(self) -> None:
        """Stop the kernel at once (its outputs are all in) and close its clients' sockets."""
        from jupyter_core.utils import run_sync

        for client in getattr(self.km, "impact_clients", []):
            with contextlib.suppress(Exception):
                client.stop_channels()
        with contextlib.suppress(Exception):
            if run_sync(self.km.is_alive)():
                run_sync(self.km.shutdown_kernel)(now=True)
            else:
                run_sync(self.km.cleanup_resources)()


@functools.cache
def _kernel_manager_class() -> type:
    from jupyter_client.manager import AsyncKernelManager

    class ImpactKernelManager(AsyncKernelManager):
        """Keeps the clients it hands out, so that their sockets can be closed after the run."""

        def client(self, **kwargs: Any) -> Any:
            c = super().client(**kwargs)
            self.impact_clients = [*getattr(self, "impact_clients", []), c]
            return c

    return ImpactKernelManager


def start_kernel(
    kernel_name: str = "python3", *, cwd: Path, warm_imports: Iterable[str] = WARM_IMPORTS
) -> Kernel:
    """Launch a kernel for one notebook run; returns at once, while it boots.

    For ipykernel kernels: start-up warnings quietened, history kept in memory, ``warm_imports``
    imported while booting (one that fails is skipped), :data:`KERNEL_BLOCKED_MODULES` made
    unimportable. plotly's default renderer is set to
    ``plotly_mimetype``: figures stay JSON in the notebook and :func:`to_html` draws them.
    """
    from jupyter_client.kernelspec import NoSuchKernel
    from jupyter_core.utils import run_sync

    km = _kernel_manager_class()(kernel_name=kernel_name)
    try:
        argv = km.kernel_spec.argv
    except NoSuchKernel:
        raise ReportError(
            f"Jupyter kernel {kernel_name!r} not found (see `jupyter kernelspec list`; 'python3' is this Python)"
        ) from None
    args: list[str] = []
    if any("ipykernel" in a for a in argv):
        modules = tuple(warm_imports)
        warm = (
            "def _impact_warm():\n    import importlib, sys\n"
            f"    for m in {KERNEL_BLOCKED_MODULES!r}:\n        sys.modules.setdefault(m, None)\n"
            f"    for m in {modules!r}:\n"
            "        try:\n            importlib.import_module(m)\n        except Exception:\n            pass\n"
            "_impact_warm()\ndel _impact_warm"
        )
        args = [
            "--IPKernelApp.log_level=ERROR",
            "--HistoryManager.hist_file=:memory:",
            f"--IPKernelApp.exec_lines={warm}",
        ]
    env = {**os.environ, "PLOTLY_RENDERER": "plotly_mimetype"}
    run_sync(km.start_kernel)(extra_arguments=args, cwd=str(cwd), env=env)
    return Kernel(km, kernel_name, Path(cwd))


def _tidy_executed(output: Path, notebook: Path, metadata: dict[str, Any] | None) -> None:
    import nbformat

    if not output.is_file():
        return
    nb = nbformat.read(output, as_version=4)
    nb.metadata.pop("jupytext", None)
    pm_meta = nb.metadata.get("papermill", {})
    if not isinstance(pm_meta.get("input_path"), str | None):  # a notebook object given to papermill
        pm_meta["input_path"] = str(notebook)
    if metadata:
        nb.metadata["impact"] = metadata
    nbformat.write(nb, output)


def _first_line(text: object) -> str:
    lines = str(text).strip().splitlines()
    return lines[0][:300] if lines else ""


# --- notebook → HTML -----------------------------------------------------------------------------


def drop_stderr(nb: NotebookNode) -> NotebookNode:
    """A copy of the notebook without stderr stream outputs (warnings, logs). Pure."""
    out = copy.deepcopy(nb)
    for cell in out.cells:
        if cell.get("cell_type") == "code":
            cell.outputs = [
                o for o in cell.outputs if not (o.output_type == "stream" and o.get("name") == "stderr")
            ]
    return out


def plotly_outputs_to_html(
    nb: NotebookNode, *, config: dict[str, Any] | None = None, include_plotlyjs: bool = True
) -> tuple[NotebookNode, int]:
    """A copy of the notebook with each plotly JSON output replaced by ``text/html``; and the count.

    plotly.js is inlined in the first figure only (``include_plotlyjs=False`` for none); the other
    figures use it from there. Figure divs get stable ids (``impact-fig-1``, …); a fixed width
    above :data:`MAX_FIGURE_WIDTH_PX` is dropped (the figure then fills the page). Pure.
    """
    import plotly.io as pio

    out = copy.deepcopy(nb)
    n = 0
    for cell in out.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if PLOTLY_MIME not in data:
                continue
            fig = data[PLOTLY_MIME]
            fig = json.loads(fig) if isinstance(fig, str) else copy.deepcopy(dict(fig))
            layout = fig.get("layout") or {}
            if isinstance(layout.get("width"), int | float) and layout["width"] > MAX_FIGURE_WIDTH_PX:
                fig["layout"] = {k: v for k, v in layout.items() if k != "width"} | {"autosize": True}
            n += 1
            output.data = {
                "text/html": pio.to_html(
                    fig,
                    config=config or PLOTLY_CONFIG,
                    include_plotlyjs=include_plotlyjs and n == 1,
                    include_mathjax=False,
                    full_html=False,
                    validate=False,  # validated in the kernel when the figure was built
                    default_width="100%",
                    default_height=PLOTLY_DEFAULT_HEIGHT,
                    div_id=f"impact-fig-{n}",
                )
            }
            output.metadata = {}
    return out, n


@functools.cache
def _report_preprocessor() -> type:
    from nbconvert.preprocessors import Preprocessor

    class ImpactReportPreprocessor(Preprocessor):
        """Drop stderr streams and turn plotly JSON outputs into self-contained HTML."""

        def preprocess(self, nb, resources):
            nb, n = plotly_outputs_to_html(drop_stderr(nb))
            resources["impact_figures"] = n
            return nb, resources

    return ImpactReportPreprocessor


def to_html(
    executed_nb: Path | NotebookNode, *, title: str, banner: str | None = None, footer: str | None = None
) -> str:
    """Render an executed notebook as one self-contained HTML page (see the module docstring).

    No code, no prompts, no stderr; cells tagged ``parameters``, ``injected-parameters`` or
    ``remove`` are dropped; images embedded; plotly.js inlined once. ``banner`` is shown at
    the top (e.g. :data:`INTERNAL_BANNER`), ``footer`` at the end (e.g. :func:`stamp_text`).
    """
    import nbformat

    nb = (
        nbformat.read(Path(executed_nb), as_version=4)
        if isinstance(executed_nb, str | Path)
        else copy.deepcopy(executed_nb)
    )
    nb.metadata["title"] = title
    resources = {"impact_banner": banner, "impact_footer": footer}
    body, _ = _html_exporter().from_notebook_node(nb, resources=resources)
    return body


@functools.cache
def _html_exporter() -> Any:
    """The configured exporter, built once per process (compiling its templates takes ≈ 0.3 s)."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATE_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
        sanitize_html=False,  # sanitising would strip plotly's scripts
    )
    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_cell_tags=set(REMOVE_CELL_TAGS), enabled=True), enabled=True
    )
    exporter.register_preprocessor(_report_preprocessor()(), enabled=True)
    return exporter


_LOAD_ATTRS = {"src", "srcset", "data", "poster", "background", "lowsrc", "dynsrc", "longdesc", "manifest"}
_CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])([^'")\s]+)""", re.IGNORECASE)
_CDN_HOST = re.compile(
    r"(^|\.)(cdn\.plot\.ly|cdnjs\.cloudflare\.com|jsdelivr\.net|unpkg\.com|ajax\.googleapis\.com|"
    r"fonts\.googleapis\.com|fonts\.gstatic\.com|code\.jquery\.com|bootstrapcdn\.com|polyfill\.io|"
    r"mathjax\.org|cdn\.[a-z0-9.-]+)$"
)


def _loads_from_outside(url: str) -> bool:
    """True for a resource URL that is not inside the page (http(s), protocol-relative, relative file)."""
    url = url.strip()
    if not url or url.startswith("#"):
        return False
    scheme = urlsplit(url).scheme.lower()
    return scheme not in {"data", "blob", "about", "javascript"}


class _OfflineChecker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.offending: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            urls: list[str] = []
            if name in _LOAD_ATTRS:
                urls = [u.split()[0] for u in value.split(",") if u.strip()] if name == "srcset" else [value]
            elif name in {"href", "xlink:href"} and tag in {"link", "base", "image", "use"}:
                urls = [value]
            elif name == "href" and tag == "a":
                host = urlsplit(value.strip()).hostname or ""
                if _CDN_HOST.search(host):
                    self.offending.append(f'<a href="{value}"> (link to a CDN)')
                continue
            elif name == "style":
                urls = _CSS_URL.findall(value)
            elif name == "content" and tag == "meta" and "url=" in value.lower():
                urls = [value.lower().split("url=", 1)[1]]
            for url in urls:
                if _loads_from_outside(url):
                    self.offending.append(f'<{tag} {name}="{url}">')
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.offending += [f"<style> url({u})" for u in _CSS_URL.findall(data) if _loads_from_outside(u)]


def check_offline(html_text: str) -> list[str]:
    """References in an HTML page that would load something from outside it; empty when self-contained.

    Flags ``src``/``srcset``/… attributes, ``<link href>``, CSS ``url(…)``/``@import`` and meta
    refreshes pointing anywhere but ``data:``/``blob:``/``#`` (remote URLs, and relative files,
    which an e-mailed page would not have), and ``<a href>`` links to CDN hosts. Script bodies
    are not parsed (see :func:`page_requests` for what a browser actually requests). Pure.

    >>> check_offline('<script src="https://cdn.plot.ly/plotly.js"></script><a href="https://x.org">x</a>')
    ['<script src="https://cdn.plot.ly/plotly.js">']
    """
    checker = _OfflineChecker()
    checker.feed(html_text)
    checker.close()
    return checker.offending


def count_plotly_bundles(html_text: str) -> int:
    """How many copies of the plotly.js bundle an HTML page inlines (its ``plotly.js vX.Y.Z`` banner)."""
    return len(re.findall(r"\*\s*plotly\.js v\d+\.\d+\.\d+", html_text))


# --- HTML → PDF (headless Chromium) -----------------------------------------------------------


def find_chromium() -> str | None:
    """Path of a Chromium/Chrome executable: ``$IMPACT_CHROMIUM``, else the first on PATH; None if none."""
    env = os.environ.get(CHROMIUM_ENV, "").strip()
    if env:
        return shutil.which(env)
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def chromium_flags(profile_dir: Path, *, window: tuple[int, int] = PDF_WINDOW) -> list[str]:
    """Headless Chromium flags: no network at all (every host name fails to resolve), fresh profile. Pure.

    One-shot runs (:func:`html_to_pdf`, :func:`rendered_dom`) add ``--virtual-time-budget=10000``;
    :class:`ChromiumPrinter` waits for the charts itself (virtual time would stall its timers).
    """
    return [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--no-first-run",
        "--no-default-browser-check",
        "--mute-audio",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        f"--user-data-dir={profile_dir}",
        f"--window-size={window[0]},{window[1]}",
    ]


def _run_chromium(args: list[str], *, chromium: str | None, timeout: float) -> subprocess.CompletedProcess:
    exe = chromium or find_chromium()
    if exe is None:
        raise ReportError(
            "no Chromium found: install it (Debian: apt-get install chromium) or set "
            f"{CHROMIUM_ENV}=/path/to/chrome"
        )
    with tempfile.TemporaryDirectory(prefix="impact-chromium-", ignore_cleanup_errors=True) as profile:
        # one-shot runs: up to 10 s of virtual time for scripts to settle before printing or dumping
        cmd = [exe, *chromium_flags(Path(profile)), "--virtual-time-budget=10000", *args]
        try:
            return subprocess.run(
                cmd, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL, check=False
            )
        except subprocess.TimeoutExpired:
            raise ReportError(f"Chromium did not finish within {timeout:.0f} s: {' '.join(args)}") from None


def _chromium_errors(stderr: str) -> str:
    """Chromium's stderr without the harmless dbus noise, last lines only."""
    lines = [ln for ln in stderr.splitlines() if ln.strip() and "dbus" not in ln.lower()]
    return " | ".join(lines[-3:])


def html_to_pdf(
    html_path: Path, pdf_path: Path, *, chromium: str | None = None, timeout: float = 120
) -> Path:
    """Print an HTML file to PDF with headless Chromium (A4 from the page CSS, no header/footer, offline)."""
    html_path, pdf_path = Path(html_path).resolve(), Path(pdf_path).resolve()
    if not html_path.is_file():
        raise ReportError(f"{html_path}: HTML file not found")
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    pdf_path.unlink(missing_ok=True)
    proc = _run_chromium(
        ["--no-pdf-header-footer", f"--print-to-pdf={pdf_path}", html_path.as_uri()],
        chromium=chromium,
        timeout=timeout,
    )
    if proc.returncode != 0 or not pdf_path.is_file() or pdf_path.stat().st_size == 0:
        pdf_path.unlink(missing_ok=True)
        raise ReportError(
            f"{html_path.name}: Chromium could not print a PDF (exit {proc.returncode}): "
            f"{_chromium_errors(proc.stderr) or 'no message'}"
        )
    return pdf_path


#: run in the page before printing: resolves once every plotly div is drawn (or after 10 s)
_CHARTS_DRAWN_JS = """new Promise(resolve => {
  const t0 = Date.now();
  const check = () => {
    const divs = [...document.querySelectorAll('.plotly-graph-div')];
    const done = divs.every(d => d.classList.contains('js-plotly-plot') && d._fullLayout);
    if (done || Date.now() - t0 > 10000) {
      requestAnimationFrame(() => requestAnimationFrame(() => resolve(divs.length)));
      setTimeout(() => resolve(divs.length), 500);
    } else { setTimeout(check, 25); }
  };
  check();
})"""


class ChromiumPrinter:
    """One headless Chromium kept open to print many HTML files to PDF (DevTools protocol on a pipe).

    What :func:`html_to_pdf` does, without starting a browser per report: same flags (no network,
    fresh profile, 700 px wide window), each page in its own tab, printed once its charts are
    drawn, A4 from the page CSS, no header/footer. Use as a context manager.
    """

    def __init__(self, *, chromium: str | None = None, timeout: float = 120) -> None:
        exe = shutil.which(chromium) if chromium else find_chromium()
        if exe is None:
            raise ReportError(
                f"no Chromium found ({chromium or 'none on PATH'}): install it or set {CHROMIUM_ENV}"
            )
        self.timeout = timeout
        self._profile = tempfile.mkdtemp(prefix="impact-chromium-")
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        argv = [exe, *chromium_flags(Path(self._profile)), "--remote-debugging-pipe", "about:blank"]
        actions = [
            (os.POSIX_SPAWN_DUP2, to_browser_r, 3),  # Chromium reads commands on fd 3 ...
            (os.POSIX_SPAWN_DUP2, from_browser_w, 4),  # ... and writes replies on fd 4
            (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
            (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
            (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0),
        ]
        try:
            self._pid: int | None = os.posix_spawn(exe, argv, dict(os.environ), file_actions=actions)
        finally:
            os.close(to_browser_r)
            os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0
        self._events: list[dict[str, Any]] = []

    def __enter__(self) -> ChromiumPrinter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _send(self, method: str, params: dict[str, Any] | None = None, *, session: str | None = None) -> dict:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        try:
            os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        except OSError as e:
            raise ReportError(f"Chromium is gone ({e.strerror})") from None
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._receive(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise ReportError(f"Chromium {method}: {reply['error'].get('message', reply['error'])}")
                return reply.get("result", {})
            self._events.append(reply)

    def _receive(self, deadline: float) -> dict[str, Any]:
        import select

        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._from_browser], [], [], left)[0]:
                raise ReportError(f"Chromium did not answer within {self.timeout:.0f} s")
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise ReportError("Chromium closed the DevTools pipe (it exited)")
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        return json.loads(message)

    def _wait_event(self, method: str, session: str) -> None:
        deadline = time.monotonic() + self.timeout
        while True:
            for i, event in enumerate(self._events):
                if event.get("method") == method and event.get("sessionId") == session:
                    del self._events[i]
                    return
            self._events.append(self._receive(deadline))

    def print_pdf(self, html_path: Path, pdf_path: Path) -> Path:
        """Print one HTML file to ``pdf_path``; returns the path."""
        import base64

        html_path, pdf_path = Path(html_path).resolve(), Path(pdf_path).resolve()
        if not html_path.is_file():
            raise ReportError(f"{html_path}: HTML file not found")
        target = self._send("Target.createTarget", {"url": "about:blank"})["targetId"]
        try:
            session = self._send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            self._send("Page.enable", session=session)
            self._send("Page.navigate", {"url": html_path.as_uri()}, session=session)
            self._wait_event("Page.loadEventFired", session)
            self._send(
                "Runtime.evaluate",
                {"expression": _CHARTS_DRAWN_JS, "awaitPromise": True, "returnByValue": True},
                session=session,
            )
            options = {"preferCSSPageSize": True, "printBackground": True, "displayHeaderFooter": False}
            data = self._send("Page.printToPDF", options, session=session)["data"]
        finally:
            self._events.clear()
            with contextlib.suppress(ReportError, OSError):
                self._send("Target.closeTarget", {"targetId": target})
        pdf = base64.b64decode(data)
        if not pdf.startswith(b"%PDF"):
            raise ReportError(f"{html_path.name}: Chromium returned no PDF")
        pdf_path.parent.mkdir(parents=True, exist_ok=True)
        pdf_path.write_bytes(pdf)
        return pdf_path

    def close(self) -> None:
        """Close the browser (politely, then by force) and remove its profile."""
        if self._pid is None:
            return
        with contextlib.suppress(ReportError, OSError):
            self.timeout = 5
            self._send("Browser.close")
        with contextlib.suppress(ChildProcessError):
            for _ in range(50):
                if os.waitpid(self._pid, os.WNOHANG) != (0, 0):
                    break
                time.sleep(0.1)
            else:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self._pid, 9)
                os.waitpid(self._pid, 0)
        self._pid = None
        for fd in (self._to_browser, self._from_browser):
            with contextlib.suppress(OSError):
                os.close(fd)
        shutil.rmtree(self._profile, ignore_errors=True)


def rendered_dom(
    html_path: Path, *, chromium: str | None = None, netlog: Path | None = None, timeout: float = 120
) -> str:
    """The DOM of an HTML file after headless Chromium ran its scripts, network blocked.

    With ``netlog``, Chromium also writes its network log there (read it with :func:`page_requests`).
    """
    html_path = Path(html_path).resolve()
    extra = [f"--log-net-log={Path(netlog).resolve()}"] if netlog else []
    proc = _run_chromium([*extra, "--dump-dom", html_path.as_uri()], chromium=chromium, timeout=timeout)
    if proc.returncode != 0:
        raise ReportError(
            f"{html_path.name}: Chromium failed (exit {proc.returncode}): {_chromium_errors(proc.stderr)}"
        )
    return proc.stdout


class _ClassCounter(HTMLParser):
    def __init__(self, cls: str) -> None:
        super().__init__()
        self.cls, self.count = cls, 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = next((v or "" for k, v in attrs if k == "class"), "").split()
        self.count += self.cls in classes


def count_rendered_charts(dom: str) -> int:
    """Plotly charts drawn in a rendered DOM (elements of class ``js-plotly-plot``). Pure."""
    counter = _ClassCounter("js-plotly-plot")
    counter.feed(dom)
    return counter.count


def page_requests(netlog: Path) -> list[str]:
    """URLs the page itself asked the network for, from a Chromium net log (browser housekeeping excluded).

    Chromium's own background requests carry no initiator (``"not an origin"``); a ``file://``
    page's requests carry its opaque origin ``"null"``.
    """
    doc = json.loads(Path(netlog).read_text(encoding="utf-8"))
    start = doc["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return [
        p["url"]
        for e in doc.get("events", [])
        if e.get("type") == start
        and "url" in (p := e.get("params", {}))
        and p.get("initiator") != "not an origin"
        and urlsplit(p["url"]).scheme not in {"file", "data", "blob"}
    ]


# --- Excel annex --------------------------------------------------------------------------------


def excel_sheet_names(names: Iterable[str], *, reserved: Iterable[str] = ("notes",)) -> list[str]:
    """Valid, unique (case-insensitively) Excel sheet names for table names, in order. Pure.

    ``[]:*?/\\`` become ``_``, names are cut to 31 characters, leading/trailing apostrophes are
    dropped, and clashes (with each other or with ``reserved``) get ``~2``, ``~3``, ….

    >>> excel_sheet_names(["a/b", "notes", "x" * 40])
    ['a_b', 'notes~2', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx']
    """
    taken = {r.casefold() for r in reserved}
    out = []
    for raw in names:
        base = _SHEET_BAD.sub("_", str(raw)).strip().strip("'")[:_SHEET_MAX] or "table"
        if base.casefold() == "history":  # reserved by Excel
            base += "_"
        name, k = base, 1
        while name.casefold() in taken:
            k += 1
            suffix = f"~{k}"
            name = base[: _SHEET_MAX - len(suffix)] + suffix
        taken.add(name.casefold())
        out.append(name)
    return out


def excel_ready(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of a table ready for a spreadsheet. Pure.

    A meaningful index becomes columns; column labels become text (MultiIndex joined with
    `` / ``); time zones are dropped from datetimes (Excel has none); text cells a spreadsheet
    would run as a formula get a leading ``'`` (:func:`impact.privacy.neutralise_formulas`) —
    numbers, including negative ones, stay numbers and missing values stay missing.
    """
    out = df
    if not isinstance(out.index, pd.RangeIndex) or any(n is not None for n in out.index.names):
        out = out.reset_index()
    out = out.copy()
    if isinstance(out.columns, pd.MultiIndex):
        out.columns = [" / ".join(str(p) for p in col if str(p) != "") for col in out.columns]
    else:
        out.columns = [str(c) for c in out.columns]
    text_cols = []
    for i, col in enumerate(out.columns):
        s = out.iloc[:, i]
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            out.isetitem(i, s.dt.tz_localize(None))
        elif pd.api.types.is_string_dtype(s.dtype) or isinstance(s.dtype, pd.CategoricalDtype):
            text_cols.append(col)
        elif s.dtype == object:
            values = s.dropna()
            if values.map(lambda v: isinstance(v, str)).all():
                text_cols.append(col)
            else:  # mixed: neutralise the text cells only, numbers stay numbers
                out.isetitem(
                    i, s.map(lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_START) else v)
                )
    if text_cols and len(set(out.columns)) == len(out.columns):
        out[text_cols] = neutralise_formulas(out[text_cols])
    elif text_cols:  # duplicate labels: column by column
        for i, col in enumerate(out.columns):
            if col in text_cols:
                out.isetitem(i, neutralise_formulas(out.iloc[:, [i]]).iloc[:, 0])
    return out


def _number_format(name: str, s: pd.Series) -> str | None:
    if pd.api.types.is_bool_dtype(s.dtype) or not pd.api.types.is_numeric_dtype(s.dtype):
        return None
    if re.search(r"(_rate|_share)$", name):  # 0–1 by convention (STYLE.md)
        return "0.0%"
    if name.endswith("_idr"):
        return "#,##0"
    if pd.api.types.is_integer_dtype(s.dtype):
        return "#,##0"
    return "#,##0.00"


def _column_width(name: str, s: pd.Series, *, cap: int) -> float:
    sample = s.head(500)
    longest = sample.astype("string").str.len().max() if len(sample) else 0
    longest = 0 if pd.isna(longest) else int(longest)
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        longest = min(longest, 14) + 2  # thousands separators
    return float(max(8, min(cap, max(len(name), longest) + 2)))


def write_excel(
    tables: dict[str, pd.DataFrame], path: Path, *, notes: pd.DataFrame, stamp: dict[str, Any] | None = None
) -> Path:
    """Write an Excel annex: a ``notes`` sheet first, then one sheet per table.

    Strings are never written as formulas or links (xlsxwriter ``strings_to_formulas`` and
    ``strings_to_urls`` off, and text passed through :func:`excel_ready`); numbers stay
    numeric, missing values are empty cells; header row frozen, filters on, widths set.
    ``stamp`` (see :func:`reproducibility_stamp`) is appended to the notes as the source.
    Written to a temporary file and renamed into place.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.tmp-{os.getpid()}.xlsx")
    names = excel_sheet_names(tables)
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    try:
        with pd.ExcelWriter(tmp, engine="xlsxwriter", engine_kwargs={"options": options}) as xw:
            notes_df = excel_ready(notes)
            _write_sheet(xw, "notes", notes_df, cap=100, wrap=True)
            if stamp:
                _write_stamp(xw.sheets["notes"], stamp, first_row=len(notes_df) + 2, book=xw.book)
            for name, df in zip(names, tables.values(), strict=True):
                _write_sheet(xw, name, excel_ready(df), cap=50, wrap=False)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _write_sheet(xw: pd.ExcelWriter, name: str, df: pd.DataFrame, *, cap: int, wrap: bool) -> None:
    df.to_excel(xw, sheet_name=name, index=False, na_rep="")
    ws = xw.sheets[name]
    book = xw.book
    for i, col in enumerate(df.columns):
        s = df.iloc[:, i]
        props: dict[str, Any] = {"valign": "top"}
        if fmt := _number_format(col, s):
            props["num_format"] = fmt
        if wrap and not pd.api.types.is_numeric_dtype(s.dtype):
            props["text_wrap"] = True
        ws.set_column(i, i, _column_width(col, s, cap=cap), book.add_format(props))
    ws.freeze_panes(1, 0)
    if len(df.columns) and not wrap:
        ws.autofilter(0, 0, max(len(df), 1), len(df.columns) - 1)


def _write_stamp(ws: Any, stamp: dict[str, Any], *, first_row: int, book: Any) -> None:
    bold = book.add_format({"bold": True})
    rows: list[tuple[str, str]] = [
        ("generated (UTC)", str(stamp.get("generated_utc", ""))),
        ("impact version", str(stamp.get("impact_version", ""))),
        ("git commit", str(stamp.get("git_commit") or "not in a git working tree")),
        ("processed by impact", str(stamp.get("processed_by") or "unknown")),
    ]
    rows += [(f"parameter {k}", str(v)) for k, v in stamp.get("parameters", {}).items()]
    rows += [(f"input sha256 {name}", h) for name, h in stamp.get("input_sha256", {}).items()]
    ws.write_string(first_row, 0, "source", bold)
    for r, (key, value) in enumerate(rows, start=first_row + 1):
        ws.write_string(r, 0, key)
        ws.write_string(r, 1, value)


def write_cohort_annexes(
    processed_dir: Path,
    reports_dir: Path,
    *,
    cohorts: Iterable[str],
    audiences: Iterable[str],
    build_tables: Callable[[str, str], tuple[dict[str, pd.DataFrame], pd.DataFrame]],
) -> list[Path]:
    """Write ``reports_dir/<cohort>/indicators_<audience>.xlsx`` for each cohort × audience.

    ``build_tables(cohort, audience)`` returns ``(tables, notes)``. Every annex is attempted;
    if any failed, :class:`ReportError` lists them after the others were written.
    """
    paths, errors = _write_annexes(processed_dir, reports_dir, cohorts, audiences, build_tables)
    if errors:
        raise ReportError("Excel annex failed: " + "; ".join(errors))
    return paths


def _write_annexes(
    processed_dir: Path,
    dirs: Path | dict[str, Path],
    cohorts: Iterable[str],
    audiences: Iterable[str],
    build_tables: Callable[[str, str], tuple[dict[str, pd.DataFrame], pd.DataFrame]],
) -> tuple[list[Path], list[str]]:
    paths, errors = [], []
    for cohort in cohorts:
        folder = dirs[cohort] if isinstance(dirs, dict) else Path(dirs) / cohort
        for audience in audiences:
            path = folder / f"indicators_{audience}.xlsx"
            try:
                tables, notes = build_tables(cohort, audience)
                stamp = reproducibility_stamp(processed_dir, {"cohort": cohort, "audience": audience})
                paths.append(write_excel(tables, path, notes=notes, stamp=stamp))
            except Exception as e:  # the builder is caller code: report any failure, keep going
                errors.append(f"{path.name} ({cohort}, {audience}): {type(e).__name__}: {_first_line(e)}")
    return paths, errors


# --- running many reports ------------------------------------------------------------------------


@dataclass
class RunSummary:
    """What a run produced: reports that worked, those that failed (with partial notebooks), timings."""

    ok: list[ReportSpec] = field(default_factory=list)
    #: (spec, message, partial notebook path or None)
    failed: list[tuple[ReportSpec, str, Path | None]] = field(default_factory=list)
    seconds: float = 0.0
    #: slug -> wall seconds for the whole report (execute + HTML + PDF)
    report_seconds: dict[str, float] = field(default_factory=dict)
    #: slug -> {"execute": s, "html": s, "pdf": s}
    timings: dict[str, dict[str, float]] = field(default_factory=dict)
    annexes: list[Path] = field(default_factory=list)
    annex_errors: list[str] = field(default_factory=list)
    #: notices for the user (e.g. PDF skipped)
    messages: list[str] = field(default_factory=list)
    stamp: dict[str, Any] = field(default_factory=dict)
    index: Path | None = None

    @property
    def exit_code(self) -> int:
        return 1 if self.failed or self.annex_errors else 0


@dataclass(frozen=True)
class _Task:
    spec: ReportSpec
    notebook: Path
    processed_dir: Path
    stage_dir: Path
    final_dir: Path
    chromium: str | None
    kernel_name: str
    timeout: int | None
    stamp: dict[str, Any]
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


def _print_pdf(html_path: Path, pdf_path: Path, *, chromium: str, notes: list[str]) -> Path:
    """PDF through this process's long-lived Chromium; on any trouble, a one-shot :func:`html_to_pdf`."""
    state = _worker_state()
    try:
        if "printer" not in state:
            state["printer"] = ChromiumPrinter(chromium=chromium)
        return state["printer"].print_pdf(html_path, pdf_path)
    except Exception as e:
        printer = state.pop("printer", None)
        if printer is not None:
            printer.close()
        notes.append(
            f"{pdf_path.name}: printed by a one-shot Chromium ({type(e).__name__}: {_first_line(e)})"
        )
        return html_to_pdf(html_path, pdf_path, chromium=chromium)


def _run_one(task: _Task) -> _Result:
    """Execute, render and print one report into its cohort's staging folder (runs in a worker)."""
    spec, stage = task.spec, task.stage_dir
    timings: dict[str, float] = {}
    notes: list[str] = []
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="impact-report-") as tmp:
        executed = stage / f"{spec.slug}.ipynb" if spec.internal else Path(tmp) / f"{spec.slug}.ipynb"
        params = spec.parameters(task.processed_dir)
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
            footer = stamp_text({**task.stamp, "parameters": params})
            banner = INTERNAL_BANNER if spec.internal else None
            page = to_html(executed, title=spec.title(), banner=banner, footer=footer)
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
                _print_pdf(html_path, stage / f"{spec.slug}.pdf", chromium=task.chromium, notes=notes)
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


def run_reports(
    specs: list[ReportSpec],
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
) -> RunSummary:
    """Run every spec (HTML, PDF, internal notebooks), the Excel annexes, then ``reports/index.html``.

    Reports run in a process pool of ``jobs`` workers (default: the number of cores; ``jobs=1``
    runs in this process), each worker driving papermill in-process with a fresh kernel per
    report. A failing report is reported and the run goes on. ``annexes`` is the table builder
    for :func:`write_cohort_annexes` (audiences of the specs; skipped when None). Cohort folders
    are swapped in atomically at the end; see the module docstring for ``keep_existing``.
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
    summary = RunSummary(stamp=reproducibility_stamp(processed_dir, {}))
    chromium = find_chromium() if pdf else None
    if pdf and chromium is None:
        summary.messages.append(
            f"PDF skipped: no Chromium found (install chromium, or set {CHROMIUM_ENV}); HTML is still written"
        )
        say(summary.messages[-1])
    cohorts = list(dict.fromkeys(s.cohort for s in specs))
    workers = max(1, min(jobs or os.cpu_count() or 1, len(specs) or 1))
    say(f"running {len(specs)} report(s) for {len(cohorts)} cohort(s) with {workers} worker(s)")
    by_slug = {s.slug: s for s in specs}
    with contextlib.ExitStack() as stack:
        stage = {c: stack.enter_context(atomic_dir(reports_dir / c)) for c in cohorts}
        if keep_existing:
            for c in cohorts:
                _copy_existing(reports_dir / c, stage[c], skip={s.slug for s in specs if s.cohort == c})
        tasks = [
            _Task(s, notebook, processed_dir.resolve(), stage[s.cohort], reports_dir / s.cohort, chromium,
                  kernel_name, timeout, summary.stamp, prestart=i < len(specs) - workers)
            for i, s in enumerate(specs)
        ]  # fmt: skip
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
        for cohort in stage:  # the audiences this cohort is reported for
            audiences = [
                a for a in AUDIENCES if any(t.spec.audience == a and t.spec.cohort == cohort for t in tasks)
            ]
            paths, errors = _write_annexes(tasks[0].processed_dir, stage, [cohort], audiences, annexes)
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


# --- index ----------------------------------------------------------------------------------------

_INDEX_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; max-width: 60rem;
  margin: 2rem auto; padding: 0 1rem; color: #1d1d1f; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; } h2 { margin-top: 2rem; font-size: 1.25rem; }
.meta { color: #555; font-size: 0.9rem; }
table { border-collapse: collapse; width: 100%; margin-top: 0.5rem; }
th, td { text-align: left; padding: 0.35rem 0.6rem; border-bottom: 1px solid #e3e3e3; vertical-align: top; }
th { font-size: 0.8rem; text-transform: uppercase; letter-spacing: 0.04em; color: #666; }
a { color: #0b57d0; } a + a { margin-left: 0.6rem; }
.badge { display: inline-block; padding: 0.05rem 0.5rem; border-radius: 0.8rem; font-size: 0.78rem; }
.public { background: #e6f4ea; color: #137333; } .internal { background: #fce8e6; color: #a50e0e; }
.warn { color: #a50e0e; font-weight: 600; font-size: 0.85rem; }
.failed { background: #fff4f4; } .error { color: #a50e0e; font-size: 0.85rem; white-space: pre-wrap; }
@media print { a { color: inherit; } }
"""


def _index_rows(reports_dir: Path, summary: RunSummary) -> dict[str, dict[str, dict[str, Any]]]:
    """cohort -> slug -> {"files": {kind: relative path}, "failed": message} from disk and the summary."""
    rows: dict[str, dict[str, dict[str, Any]]] = {}
    folders = [p for p in reports_dir.iterdir() if p.is_dir() and not p.name.startswith(".")]
    order = {c: i for i, c in enumerate(vocab.COHORTS)}
    for folder in sorted(folders, key=lambda p: (order.get(p.name, len(order)), p.name)):
        for f in sorted(folder.iterdir()):
            stem, _, kind = f.name.partition(".")
            if parse_slug(stem) and f.is_file():
                entry = rows.setdefault(folder.name, {}).setdefault(stem, {"files": {}})
                entry["files"][kind] = f"{folder.name}/{f.name}"
    for spec, message, partial in summary.failed:
        entry = rows.setdefault(spec.cohort, {}).setdefault(spec.slug, {"files": {}})
        entry["failed"] = message
        if partial is not None:
            entry["files"]["failed.ipynb"] = f"{spec.cohort}/{Path(partial).name}"
    return rows


def write_index(reports_dir: Path, summary: RunSummary) -> Path:
    """Write ``reports/index.html``: every cohort's reports (HTML/PDF/notebook), annexes and failures.

    Lists what is on disk (so a single-report run keeps the other reports listed), plus this
    run's failures. Offline: inline CSS, relative links only. Written atomically.
    """
    reports_dir = Path(reports_dir)
    reports_dir.mkdir(parents=True, exist_ok=True)
    esc = html.escape
    stamp = summary.stamp or reproducibility_stamp(reports_dir, {})
    commit = (stamp.get("git_commit") or "")[:12]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>impact reports</title><style>{_INDEX_CSS}</style></head><body>",
        "<h1>Income-recovery reports</h1>",
        f'<p class="meta">Generated {esc(str(stamp.get("generated_utc", "")))} by impact '
        f"{esc(str(stamp.get('impact_version', __version__)))}"
        + (f" (commit {esc(commit)})" if commit else "")
        + f" · {len(summary.ok)} report(s) made, {len(summary.failed)} failed in this run"
        + (f" · {summary.seconds:.0f} s" if summary.seconds else "")
        + "</p>",
    ]
    parts += [f'<p class="warn">{esc(m)}</p>' for m in summary.messages + summary.annex_errors]
    labels = {"html": "HTML", "pdf": "PDF", "ipynb": "notebook", "failed.ipynb": "partial notebook"}
    rows = _index_rows(reports_dir, summary)
    if not rows:
        parts.append("<p>No reports yet.</p>")
    for cohort, reports in rows.items():
        name = vocab.COHORTS[cohort].name if cohort in vocab.COHORTS else cohort
        parts.append(f"<h2>{esc(name)} <span class='meta'>({esc(cohort)})</span></h2>")
        annexes = (
            sorted((reports_dir / cohort).glob("indicators_*.xlsx"))
            if (reports_dir / cohort).is_dir()
            else []
        )
        if annexes:
            links = " ".join(
                f'<a href="{quote(f"{cohort}/{a.name}")}">{esc(a.stem.removeprefix("indicators_"))} (Excel)</a>'
                for a in annexes
            )
            parts.append(f"<p>Indicator tables: {links}</p>")
        parts.append("<table><tr><th>Report</th><th>Audience</th><th>Files</th></tr>")
        for slug, entry in sorted(reports.items(), key=lambda kv: _slug_order(kv[0])):
            _, conf, audience = parse_slug(slug) or (cohort, slug, "public")
            conf_name = "All confederations" if conf == ALL else vocab.CONFEDERATIONS.get(conf, conf)
            links = " ".join(
                f'<a href="{quote(path)}">{labels[kind]}</a>'
                for kind in labels
                if (path := entry["files"].get(kind))
            )
            badge = f'<span class="badge {audience}">{esc(audience)}</span>'
            if audience == "internal":
                badge += f'<br><span class="warn">{esc(INTERNAL_BANNER)}</span>'
            failed = entry.get("failed")
            cls = ' class="failed"' if failed else ""
            error = f'<div class="error">FAILED: {esc(failed)}</div>' if failed else ""
            secs = summary.report_seconds.get(slug)
            took = f' <span class="meta">{secs:.1f} s</span>' if secs and not failed else ""
            parts.append(
                f"<tr{cls}><td>{esc(conf_name)}{took}{error}</td><td>{badge}</td><td>{links or '—'}</td></tr>"
            )
        parts.append("</table>")
    parts.append("</body></html>")
    path = reports_dir / "index.html"
    tmp = reports_dir / f".index.html.tmp-{os.getpid()}"
    tmp.write_text("\n".join(parts) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


def _slug_order(slug: str) -> tuple[int, int]:
    parsed = parse_slug(slug)
    if parsed is None:
        return (99, 99)
    codes = [ALL, *vocab.CONFEDERATIONS]
    _, conf, audience = parsed
    return (codes.index(conf), AUDIENCES.index(audience))


# --- command line --------------------------------------------------------------------------------


def add_report_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``impact report`` to the ``impact`` command's sub-parsers."""
    p = subparsers.add_parser(
        "report",
        help="run the report notebook: HTML, PDF, notebooks, Excel annexes and reports/index.html",
        description="Execute the report notebook for one parameter set (--cohort …) or for every run of the "
        "manifest, in parallel, and write reports/<cohort>/<slug>.html|.pdf|.ipynb and reports/index.html.",
    )
    p.add_argument("processed_dir", nargs="?", type=Path, default=Path("data/sample/processed"),
                   help="processed folder written by `impact clean` (default: %(default)s)")  # fmt: skip
    p.add_argument("--notebook", type=Path, default=Path("notebooks/cohort_report.ipynb"),
                   help="report notebook, .ipynb or jupytext .py (default: %(default)s)")  # fmt: skip
    p.add_argument("--manifest", type=Path, default=Path("notebooks/runs.toml"),
                   help="runs to make when --cohort is not given (default: %(default)s)")  # fmt: skip
    p.add_argument("--cohort", help="make one report for this cohort (instead of the manifest)")
    p.add_argument("--confederation", help="with --cohort: a confederation code or 'all' (default: all)")
    p.add_argument("--audience", choices=AUDIENCES, help="with --cohort: audience (default: public)")
    p.add_argument("--out", type=Path, default=Path("reports"), help="reports folder (default: %(default)s)")
    p.add_argument("--jobs", type=int, help="reports run in parallel (default: number of cores)")
    p.add_argument("--no-pdf", action="store_true", help="skip the PDFs (no Chromium needed)")
    p.add_argument("--kernel", default="python3", help="Jupyter kernel (default: %(default)s, this Python)")
    p.add_argument("--timeout", type=int, default=600, help="seconds allowed per cell (default: %(default)s)")
    return p


def cli_report(
    args: argparse.Namespace,
    *,
    annex_builder: Callable[[Path], Callable[[str, str], tuple[dict[str, pd.DataFrame], pd.DataFrame]]]
    | None = None,
) -> int:
    """``impact report``: 0 when every report was made, 1 naming failures, 2 for bad arguments/input.

    ``annex_builder(processed_dir)`` returns the ``build_tables(cohort, audience)`` function of
    :func:`write_cohort_annexes`; without it the Excel annexes are skipped (with a notice).
    """
    from impact.io import InputError

    try:
        if (args.confederation or args.audience) and not args.cohort:
            raise ReportError("--confederation and --audience need --cohort (or use the manifest)")
        if args.jobs is not None and args.jobs < 1:
            raise ReportError(f"--jobs {args.jobs}: must be at least 1")
        cohorts = discover_cohorts(args.processed_dir)
        if args.cohort:
            if args.cohort not in cohorts:
                raise ReportError(
                    f"cohort {args.cohort!r} not in {args.processed_dir} (found: {', '.join(cohorts)})"
                )
            try:
                specs = [ReportSpec(args.cohort, args.confederation or ALL, args.audience or "public")]
            except ValueError as e:
                raise ReportError(str(e)) from None
        elif args.manifest.is_file():
            specs = load_manifest(args.manifest, cohorts=cohorts)
        else:
            print(f"{args.manifest} not found: using the default runs (every cohort × all + each confederation × "
                  "public + internal)")  # fmt: skip
            specs = expand_manifest({}, cohorts=cohorts)
        build = annex_builder(args.processed_dir) if annex_builder else None
        summary = run_reports(
            specs,
            notebook=args.notebook,
            processed_dir=args.processed_dir,
            reports_dir=args.out,
            jobs=args.jobs,
            pdf=not args.no_pdf,
            progress=lambda m: print(m, flush=True),
            annexes=build,
            keep_existing=bool(args.cohort),
            kernel_name=args.kernel,
            timeout=args.timeout,
        )
    except (ReportError, InputError) as e:
        print(f"impact: error: {e}", file=sys.stderr)
        return 2
    if build is None:
        print("Excel annexes skipped: no table builder wired into `impact report`")
    print(
        f"{len(summary.ok)} of {len(specs)} report(s) made in {summary.seconds:.1f} s; "
        f"{len(summary.annexes)} Excel annex(es); index: {summary.index}"
    )
    if summary.failed or summary.annex_errors:
        print(f"{len(summary.failed)} report(s) FAILED:", file=sys.stderr)
        for spec, message, partial in summary.failed:
            print(f"  {spec.slug}: {message}", file=sys.stderr)
            if partial:
                print(f"    partial notebook: {partial}", file=sys.stderr)
        for e in summary.annex_errors:
            print(f"  Excel annex: {e}", file=sys.stderr)
    return summary.exit_code
