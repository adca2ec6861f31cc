"""Shared, expensive fixtures of the report tests: the sample cohort reports, made once."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from impact.clean import clean
from impact.config import ReportParams
from impact.io import write_processed
from impact.publish.annex import annex_tables
from impact.publish.programme_annex import programme_annex_tables
from impact.report.pdf import find_chromium
from impact.report.run import run_reports

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "cohort_report.ipynb"
#: a raw text field that looks like a spreadsheet formula (it must stay text in every output)
FORMULA = '=HYPERLINK("http://evil.example","click")'
COHORT = "sukabumi-2023"
#: what the shared run makes: both public editions, the internal report, a small internal one
SPECS = {
    "public_en": ReportParams(COHORT, audience="public", lang="en"),
    "public_id": ReportParams(COHORT, audience="public", lang="id"),
    "internal_en": ReportParams(COHORT, audience="internal", lang="en"),
    "kspn_internal": ReportParams(COHORT, confederation="kspn", audience="internal", lang="en"),
    # the cohort with a comparison group, and the programme as a whole (every cohort pooled)
    "karawang_public": ReportParams("karawang-2023", audience="public", lang="en"),
    "programme_public": ReportParams("programme", audience="public", lang="en"),
}


@pytest.fixture(scope="session")
def cohort_reports(tmp_path_factory, sample_dir):
    """The sample cleaned from a copy of its raw folder (with a formula in a district field) and
    :data:`SPECS` made through the report engine (PDFs when Chromium is there), with annexes:
    ``(root, raw, processed)``; reports in ``root/reports/<cohort>`` (``programme`` for the
    programme report), each report's seconds in ``root/report_seconds.json``, what the run said in ``progress.txt``."""
    root = tmp_path_factory.mktemp("cohort_reports")
    raw = root / "raw"
    shutil.copytree(sample_dir / "raw", raw)
    f = raw / "survey" / "baseline_sukabumi-2023.csv"
    text = f.read_text(encoding="utf-8-sig")
    f.write_text(
        text.replace('"Kota Sukabumi"', '"' + FORMULA.replace('"', '""') + '"', 1), encoding="utf-8-sig"
    )
    data = clean(raw)
    processed = write_processed(data, root / "processed")
    said: list[str] = []
    summary = run_reports(
        list(SPECS.values()),
        notebook=NOTEBOOK,
        processed_dir=processed,
        reports_dir=root / "reports",
        jobs=2,
        pdf=find_chromium() is not None,
        progress=said.append,
        annexes=lambda cohort, audience, lang="en": (
            programme_annex_tables(data, audience, lang=lang)
            if cohort == "programme"
            else annex_tables(data, cohort, audience, lang=lang)
        ),
    )
    (root / "report_seconds.json").write_text(json.dumps(summary.report_seconds))
    (root / "progress.txt").write_text("\n".join(said), encoding="utf-8")
    assert not summary.failed, summary.failed
    assert not summary.annex_errors, summary.annex_errors
    assert not [m for m in summary.messages if "one-shot" in m], summary.messages
    return root, raw, processed
