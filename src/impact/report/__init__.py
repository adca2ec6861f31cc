"""Reports: report notebooks executed in-process, rendered to offline HTML, PDF and Excel annexes.

One report is one :class:`~impact.config.ReportParams` (cohort × confederation × audience,
plus its other parameters). :func:`~impact.report.run.run_reports` runs many of them in a small process pool —
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
(``report/templates/impact_report``, derived from ``lab``) drops the require.js / MathJax / mermaid
/ widget scripts (all CDN loads) and adds print CSS. Consequences: LaTeX in Markdown is
shown as typed, not typeset; map traces (tiles, topojson) cannot draw offline.

Speed (24 smoke reports on 2 cores: see ``tests/report/test_report.py``).
Each worker keeps, for the whole run: one kernel booting ahead for its next report (a fresh
kernel per report, never reused; it starts while the previous report renders and imports
:data:`~impact.report.kernels.WARM_IMPORTS` while booting), one headless Chromium printing its
PDFs over the DevTools pipe (:class:`~impact.report.pdf.ChromiumPrinter`;
:func:`~impact.report.pdf.html_to_pdf` is the one-shot equivalent and
the fallback), and one compiled nbconvert exporter. Kernels are shut down at once when their
notebook is done (all outputs are in) and papermill saves the notebook at the end, not after
every cell.

Modules: :mod:`~impact.report.manifest` (what to run), :mod:`~impact.report.provenance`
(the reproducibility stamp), :mod:`~impact.report.kernels` and :mod:`~impact.report.execute`
(papermill), :mod:`~impact.report.html` (nbconvert, offline check), :mod:`~impact.report.pdf`
(Chromium), :mod:`~impact.report.excel` (annexes), :mod:`~impact.report.run` (the pool),
:mod:`~impact.report.index` (the index page).
"""

from __future__ import annotations

__all__: list[str] = []
