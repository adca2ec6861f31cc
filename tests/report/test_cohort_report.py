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
from impact.qa.browser import count_rendered_charts, rendered_dom
from impact.qa.pii import collect_pii, scan_outputs
from impact.report.html import check_offline, count_plotly_bundles
from impact.report.pdf import find_chromium

COUNT_LABELS = ("n", "Registered", "Answered", "With income data (n)", "Accounts", "Accounts with a sale")


def _is_count(label: object) -> bool:
    label = str(label)
    return label in COUNT_LABELS or label.startswith(("Answered: ", "n "))


@pytest.fixture(scope="module")
def built(cohort_reports):
    return cohort_reports


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
    # public: the trajectories are sentences — by confederation (no confederation has 10 answers)
    # and by sex (the women are hidden with the one person of unknown sex: rule 5)
    expected = {"internal": 5, "public": 3}[audience]
    html = _html(root, audience)
    assert html.count('class="plotly-graph-div"') == expected
    dom = rendered_dom(root / "reports" / "sukabumi-2023" / f"sukabumi-2023_all_{audience}.html")
    assert count_rendered_charts(dom) == expected


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
    for section in (
        "Executive summary",
        "time to recovery",
        "Methods and definitions",
        "Symbols",
        "Generated ",
    ):
        assert section in text


def test_no_personal_data_in_any_output(built):
    root, raw, processed = built
    findings = scan_outputs([processed, root / "reports"], collect_pii(raw), allow_missing_tools=True)
    assert [f for f in findings if f.kind != "skipped"] == []


def test_public_annex_shows_no_small_count_and_no_formula(built):
    root, *_ = built
    checked = 0
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
            checked += sum(_is_count(label) for label in header)
            for i, label in enumerate(header):
                if _is_count(label):
                    values = [r[i].value for r in rows[1:]]
                    small = [v for v in values if isinstance(v, int | float) and 0 < v < config.MIN_CELL_SIZE]
                    assert small == [], (ws.title, label, small)
    assert checked >= 30  # every recovery sheet's three counts, participation, activity, …


def test_formula_text_from_raw_data_stays_text_in_quarantine_csv(built):
    *_, processed = built
    text = (processed / "quarantine.csv").read_text()
    assert "\n=" not in text
    assert ",=" not in text


def _english_fixed_texts() -> list[str]:
    """Pieces of the catalogue's English texts (between their {fields}) that differ from the
    Indonesian and are long enough not to be a name or a number."""
    from impact.publish.i18n import MESSAGES

    pieces = set()
    for en, id_ in MESSAGES.values():
        if en == id_:
            continue
        for piece in re.split(r"\{[^}]*\}", en):
            piece = piece.strip(" .,;:()—-")
            if len(piece) >= 12 and piece not in id_:
                pieces.add(piece)
    return sorted(pieces)


def test_the_indonesian_edition_has_no_english_fixed_text(built):
    root, *_ = built
    page = (root / "reports" / "sukabumi-2023" / "sukabumi-2023_all_public_id.html").read_text()
    assert '<html lang="id">' in page
    english = [p for p in _english_fixed_texts() if p in page]
    assert english == []
    # the check can fail: the English edition has them
    en_page = _html(root, "public")
    assert len([p for p in _english_fixed_texts() if p in en_page]) >= 20


def test_the_indonesian_edition_formats_numbers_and_months_in_indonesian(built):
    root, *_ = built
    page = (root / "reports" / "sukabumi-2023" / "sukabumi-2023_all_public_id.html").read_text()
    assert re.search(r"Rp \d{1,3}(\.\d{3})+<", page)  # Rp 3.250.000
    assert re.search(r">\d,\d\d \(\d,\d\d–\d,\d\d\)<", page)  # 0,70 (0,55–0,96)
    assert "September 2023" in page
    assert "Ringkasan eksekutif" in page


def test_the_stamp_lists_only_the_cohorts_own_inputs_once(built):
    # bug fixed: the Sukabumi report listed Bekasi's input files, and the stamp appeared twice
    root, *_ = built
    page = _html(root, "internal")
    assert "survey/baseline_sukabumi-2023.csv sha256:" in page
    assert "bekasi" not in page.split("Generated ")[-1]
    assert page.count("Generated ") == 1
    assert "sales/orders_2023-09_2024-06.csv sha256:" in page  # shared inputs stay
