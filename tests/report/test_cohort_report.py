"""The real cohort report on the sample, as a reader sees it: public and internal.

Runs `notebooks/cohort_report.ipynb` through the report engine (the path `impact report`
takes) once per module, with a raw text field that looks like a spreadsheet formula.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
from openpyxl import load_workbook

from impact import config
from impact.clean import clean
from impact.config import ReportParams
from impact.io import write_processed
from impact.publish.annex import annex_tables
from impact.qa.browser import count_rendered_charts, rendered_dom
from impact.qa.pii import collect_pii, scan_outputs
from impact.report.html import check_offline, count_plotly_bundles
from impact.report.pdf import find_chromium
from impact.report.run import run_reports

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "cohort_report.ipynb"
FORMULA = '=HYPERLINK("http://evil.example","click")'
COUNT_LABELS = ("n", "Eligible", "Responded", "Recovered (n)", "n (platform)")


@pytest.fixture(scope="module")
def built(tmp_path_factory, sample_dir):
    root = tmp_path_factory.mktemp("cohort_report")
    raw = root / "raw"
    shutil.copytree(sample_dir / "raw", raw)
    f = raw / "survey" / "baseline_sukabumi-2023.csv"
    text = f.read_text(encoding="utf-8-sig")
    f.write_text(
        text.replace('"Kota Sukabumi"', '"' + FORMULA.replace('"', '""') + '"', 1), encoding="utf-8-sig"
    )
    data = clean(raw)
    processed = write_processed(data, root / "processed")
    specs = [
        ReportParams("sukabumi-2023", confederation="all", audience="public"),
        ReportParams("sukabumi-2023", confederation="all", audience="internal"),
    ]
    summary = run_reports(
        specs,
        notebook=NOTEBOOK,
        processed_dir=processed,
        reports_dir=root / "reports",
        jobs=1,
        pdf=find_chromium() is not None,
        progress=None,
        annexes=lambda cohort, audience: annex_tables(data, cohort, audience),
    )
    assert not summary.failed, summary.failed
    return root, raw, processed


def _html(root: Path, audience: str) -> str:
    return (root / "reports" / "sukabumi-2023" / f"sukabumi-2023_all_{audience}.html").read_text()


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_html_has_no_code_and_loads_nothing_from_outside(built, audience):
    root, *_ = built
    html = _html(root, audience)
    assert "results.build(" not in html
    assert "import impact" not in html
    assert "from impact import" not in html
    assert not re.search(r"<script[^>]+src=", html)
    assert check_offline(html) == []
    assert count_plotly_bundles(html) == 1
    assert "Executive summary" in html


def test_internal_report_is_marked_and_keeps_its_notebook(built):
    root, *_ = built
    assert "not for publication" in _html(root, "internal")
    assert (root / "reports" / "sukabumi-2023" / "sukabumi-2023_all_internal.ipynb").is_file()
    assert not (root / "reports" / "sukabumi-2023" / "sukabumi-2023_all_public.ipynb").exists()


@pytest.mark.skipif(find_chromium() is None, reason="needs Debian chromium")
@pytest.mark.parametrize("audience", ["public", "internal"])
def test_every_chart_renders_offline(built, audience):
    root, *_ = built
    nb = nbformat.read(root / "reports" / "sukabumi-2023" / "sukabumi-2023_all_internal.ipynb", as_version=4)
    figures = sum(
        "application/vnd.plotly.v1+json" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", [])
    )
    assert figures == 5  # two trajectories, time to recovery, activity, commission
    dom = rendered_dom(root / "reports" / "sukabumi-2023" / f"sukabumi-2023_all_{audience}.html")
    assert count_rendered_charts(dom) == figures


@pytest.mark.skipif(
    shutil.which("pdfinfo") is None or find_chromium() is None, reason="needs poppler, chromium"
)
def test_pdf_is_a4_with_every_section(built):
    root, *_ = built
    pdf = root / "reports" / "sukabumi-2023" / "sukabumi-2023_all_public.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert 8 <= pages <= 30
    assert "(A4)" in re.search(r"Page size:.*", info).group(0)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for section in ("Executive summary", "Time to recovery", "Reproducibility", "Suppression legend"):
        assert section in text


def test_no_personal_data_in_any_output(built):
    root, raw, processed = built
    findings = scan_outputs([processed, root / "reports"], collect_pii(raw), allow_missing_tools=True)
    assert [f for f in findings if f.kind != "skipped"] == []


def test_public_annex_shows_no_small_count_and_no_formula(built):
    root, *_ = built
    for audience in ("public", "internal"):
        wb = load_workbook(root / "reports" / "sukabumi-2023" / f"indicators_{audience}.xlsx")
        for ws in wb.worksheets:
            rows = list(ws.iter_rows())
            header = [c.value for c in rows[0]] if rows else []
            for row in rows:
                for cell in row:
                    assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
            if audience != "public":
                continue
            for i, label in enumerate(header):
                if label in COUNT_LABELS:
                    values = [r[i].value for r in rows[1:]]
                    small = [v for v in values if isinstance(v, int | float) and 0 < v < config.MIN_CELL_SIZE]
                    assert small == [], (ws.title, label, small)


def test_formula_text_from_raw_data_stays_text_in_quarantine_csv(built):
    *_, processed = built
    text = (processed / "quarantine.csv").read_text()
    assert "\n=" not in text
    assert ",=" not in text
