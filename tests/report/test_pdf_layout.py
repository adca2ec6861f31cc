"""The printed report as a donor gets it: every page marked and numbered, no half-empty page,
nothing wider than the page; the internal Excel annex marked "not for publication" on every sheet.

One module fixture makes the sample reports once, through the report engine (the path
`impact report` takes): public en, public id and internal en for sukabumi-2023, and the small
internal report of one confederation (KSPN).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook

from impact.config import ReportParams
from impact.publish.i18n import Text
from impact.report.pdf import PAGE_MARGINS_MM, ChromiumPrinter, find_chromium

COHORT = "sukabumi-2023"
SPECS = {
    "public_en": ReportParams(COHORT, audience="public", lang="en"),
    "public_id": ReportParams(COHORT, audience="public", lang="id"),
    "internal_en": ReportParams(COHORT, audience="internal", lang="en"),
    "kspn_internal": ReportParams(COHORT, confederation="kspn", audience="internal", lang="en"),
    # the impact section (a comparison group) and the programme report: their own tables and charts
    "karawang_public": ReportParams("karawang-2023", audience="public", lang="en"),
    "programme_public": ReportParams("programme", audience="public", lang="en"),
}
#: A4 in mm, and the resolution pages are rasterised at (1 px ≈ 0.85 mm)
A4_MM = (210.0, 297.0)
DPI = 30

_MISSING = [tool for tool in ("pdftoppm", "pdftotext") if shutil.which(tool) is None]
needs_pdf_tools = pytest.mark.skipif(
    find_chromium() is None or bool(_MISSING),
    reason="needs Chromium to print the PDFs and poppler (pdftoppm, pdftotext) to read them; missing: "
    + ", ".join((["chromium"] if find_chromium() is None else []) + _MISSING),
)


@pytest.fixture(scope="module")
def reports(cohort_reports) -> Path:
    """The shared sample reports (see conftest.py): public en and id, internal en, KSPN internal."""
    root, *_ = cohort_reports
    return root / "reports" / COHORT


def _pdf(reports: Path, key: str) -> Path:
    return reports.parent / SPECS[key].cohort / f"{SPECS[key].slug}.pdf"


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))


def _page_text(pdf: Path, page: int) -> str:
    cmd = ["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(pdf), "-"]
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


def _rasters(pdf: Path, tmp: Path) -> list[np.ndarray]:
    """Every page in grey (0 black … 255 white), rows × columns, at :data:`DPI`."""
    subprocess.run(["pdftoppm", "-gray", "-r", str(DPI), str(pdf), str(tmp / "p")], check=True)
    pages = []
    for f in sorted(tmp.glob("p*.pgm")):
        raw = f.read_bytes()
        # binary PGM: "P5", width, height, maxval (255), one whitespace, then one byte per pixel
        header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+255\s", raw)
        assert header, f"{f.name}: not an 8-bit PGM"
        width, height = int(header[1]), int(header[2])
        pixels = raw[header.end() : header.end() + width * height]
        pages.append(np.frombuffer(pixels, np.uint8).reshape(height, width))
    return pages


def _row(page: np.ndarray, mm: float) -> int:
    """The pixel row ``mm`` from the top of the page."""
    return round(mm / A4_MM[1] * page.shape[0])


# --- (a) every page: the audience marking and "page X of Y" in the report's language --------------


@needs_pdf_tools
@pytest.mark.parametrize("key", list(SPECS))
def test_every_page_carries_the_marking_and_its_number(reports, key):
    spec = SPECS[key]
    pdf = _pdf(reports, key)
    t = Text(spec.lang)
    marking = t.t("audience_internal" if spec.internal else "audience_public")
    pages = _pages(pdf)
    assert pages >= 3
    for n in range(1, pages + 1):
        text = _page_text(pdf, n)
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        header, footer = lines[0], lines[-1]
        assert marking in header, (key, n, header)
        assert header.startswith(t.t("report_title")), (key, n, header)
        assert marking in footer, (key, n, footer)
        assert footer.endswith(t.t("page_x_of_y", page=n, pages=pages)), (key, n, footer)
        if spec.audience == "public":
            assert "INTERNAL" not in text.upper(), (key, n)


# --- (b) no page but the last is more than half empty ---------------------------------------------


@needs_pdf_tools
@pytest.mark.parametrize("key", list(SPECS))
def test_no_page_but_the_last_is_half_empty(reports, key, tmp_path):
    top, _, bottom, _ = PAGE_MARGINS_MM
    filled = []
    for page in _rasters(_pdf(reports, key), tmp_path):
        body = page[_row(page, top) : _row(page, A4_MM[1] - bottom)]  # without header and footer
        inked = np.flatnonzero((body < 200).any(axis=1))
        filled.append(round(float(inked.max() + 1) / len(body), 2) if inked.size else 0.0)
    assert len(filled) >= 3
    half_empty = [n for n, f in enumerate(filled[:-1], start=1) if f < 0.5]
    assert half_empty == [], f"{key}: pages {half_empty} are more than half empty (filled: {filled})"


# --- (c) nothing wider than the page --------------------------------------------------------------
# Chromium never draws into the side margins: content wider than the page makes it shrink every
# page to fit (and anything positioned outside is clipped), so a raster shows no ink there even
# then. What is checked is the cause, in the page laid out as it prints (print media, printable
# width, after the printer's own preparation): no table, chart, image or page wider than that.


@needs_pdf_tools
def test_every_table_and_chart_fits_the_printable_width_in_print_layout(reports):
    with ChromiumPrinter() as printer:
        for key in SPECS:
            html = _pdf(reports, key).with_suffix(".html")
            assert printer.overflow(html) == [], key


# --- (d) internal annexes say "not for publication" on every sheet; public ones do not ----------


def test_internal_annex_is_marked_on_every_sheet_and_public_annex_is_not(reports):
    marking = Text("en").t("audience_internal")
    internal = load_workbook(reports / "indicators_internal.xlsx")
    assert len(internal.worksheets) >= 5
    for ws in internal.worksheets:
        assert ws["A1"].value == marking, ws.title
        assert marking in ws.oddHeader.center.text, ws.title
        assert marking in ws.oddFooter.left.text, ws.title
        assert ws.freeze_panes == "A3", ws.title  # the column labels are frozen below the marking
    for name in ("indicators_public.xlsx", "indicators_public_id.xlsx"):
        public = load_workbook(reports / name)
        for ws in public.worksheets:
            cells = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
            assert not [c for c in cells if "publication" in c or "dipublikasikan" in c], (name, ws.title)
            assert not ws.oddHeader.center.text, (name, ws.title)
            assert not ws.oddFooter.left.text, (name, ws.title)
            assert ws.freeze_panes == "A2", (name, ws.title)
