"""The PII leak scanner: what it collects from raw exports, what it finds in each output format,
and that it never shows the personal data it finds."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from impact.cli import main
from impact.io import InputError, write_processed
from impact.qa import pii

NAME = "Siti Rahayu"
PHONE_RAW = "+62 812 3456 7890"
PHONE = "81234567890"
NIK = "3202123456789012"
PLANTED = pii.PiiSet(names={NAME.lower()}, phones={PHONE}, niks={NIK})
#: every form of the planted values that must never be printed
FULL_VALUES = (NAME, NAME.lower(), PHONE, "0812-3456-7890", "0812 3456 7890", NIK)


@pytest.fixture
def raw_dir(tmp_path: Path) -> Path:
    """A tiny raw folder: baseline with real, blank, test and short-name rows; one follow-up."""
    survey = tmp_path / "raw" / "survey"
    survey.mkdir(parents=True)
    (survey / "baseline_test.csv").write_text(
        '"participant_code";"respondent/full_name";"respondent/phone";"respondent/nik"\n'
        f'"SKB23-001";"{NAME}";"{PHONE_RAW}";"{NIK}"\n'
        '"SKB23-002";"Budi  Santoso Wijaya";"0813-1111-2222";"3202 1111 2222 3333"\n'
        '"";"tes enumerator";"0899-9999-9999";"1111111111111111"\n'
        '"SKB23-003";"Ani";"-99";"tidak tahu"\n'
        '"SKB23-004";"N/A";"";""\n',
        encoding="utf-8",
    )
    (survey / "followup_test.csv").write_text(
        "participant_code,wave,respondent-phone\nSKB23-001,m3,6285712345678\n", encoding="utf-8"
    )
    return tmp_path / "raw"


def _scan_one(tmp_path: Path, write) -> list[pii.Finding]:
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    write(out)
    return pii.scan_outputs([out], PLANTED)


def _kinds(findings: list[pii.Finding]) -> set[tuple[str, str]]:
    return {(f.kind, f.value_masked) for f in findings}


# --- collecting -------------------------------------------------------------------------------------


def test_collect_pii_normalises_names_phones_and_niks(raw_dir):
    got = pii.collect_pii(raw_dir)
    assert got.names == {"siti rahayu", "budi santoso wijaya", "budi wijaya"}
    assert got.phones == {PHONE, "81311112222", "85712345678"}
    assert got.niks == {NIK, "3202111122223333"}
    assert len(got) == 3 + 3 + 2


def test_collect_pii_skips_test_submissions_blanks_and_short_names(raw_dir):
    got = pii.collect_pii(raw_dir)
    assert not {"tes enumerator", "ani", "n/a"} & got.names
    assert "89999999999" not in got.phones
    assert "1111111111111111" not in got.niks


def test_collect_pii_reads_the_sample_exports(sample_dir):
    got = pii.collect_pii(sample_dir / "raw")
    assert "rosita setiawan" in got.names
    assert "87851546190" in got.phones  # 087851546190 in the baseline
    assert "3272506008705858" in got.niks
    assert all(len(n) == 16 and n.isdigit() for n in got.niks)
    assert all(p.startswith("8") and p.isdigit() for p in got.phones)


# --- finding in text --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "0812-3456-7890",
        PHONE_RAW,
        "+6281234567890",
        "6281234567890",
        "(0812) 3456 7890",
        "0812.3456.7890",
        "+62 (812) 3456-7890",
        "telp: 0812 3456 7890, terima kasih",
    ],
)
def test_scan_text_finds_a_phone_in_any_formatting(text):
    assert _kinds(pii.scan_text(text, PLANTED)) == {("phone", "***890")}


@pytest.mark.parametrize("text", [NIK, "3202 1234 5678 9012", "3202.1234.5678.9012", "320212 345678 9012"])
def test_scan_text_finds_a_nik_with_or_without_grouping(text):
    assert _kinds(pii.scan_text(text, PLANTED)) == {("nik", "***012")}


@pytest.mark.parametrize(
    "text", ["SITI RAHAYU", "oleh siti rahayu.", "Siti\nRahayu", "siti_rahayu.pdf", "Siti  Rahayu"]
)
def test_scan_text_finds_a_name_in_any_case_and_spacing(text):
    assert _kinds(pii.scan_text(text, PLANTED)) == {("name", "***ayu")}


@pytest.mark.parametrize("text", ["SitiRahayu", "Siti Rahayuningsih", "Rahayu Siti", "Siti", "081234567"])
def test_scan_text_ignores_partial_words_and_other_numbers(text):
    assert pii.scan_text(text, PLANTED) == []


def test_scan_text_locates_by_line():
    (finding,) = pii.scan_text("a\nb\nnomor 0812-3456-7890\n", PLANTED, location="notes.txt")
    assert finding.location == "notes.txt (line 3)"


@settings(max_examples=40)
@given(
    digits=st.text(alphabet="0123456789", min_size=9, max_size=24),
    sep=st.sampled_from(["", " ", "-", "."]),
)
def test_digit_strings_not_holding_a_known_phone_or_nik_are_not_reported(digits, sep):
    assume(PHONE not in digits and NIK not in digits)
    text = sep.join(digits[i : i + 4] for i in range(0, len(digits), 4))
    assert pii.scan_text(text, PLANTED) == []


@settings(max_examples=40)
@given(
    prefix=st.sampled_from(["0", "62", "+62", "+62 ", "0062", ""]),
    seps=st.lists(st.sampled_from(["", "", " ", "-", ".", ") "]), min_size=10, max_size=10),
)
def test_a_known_phone_is_found_however_it_is_written(prefix, seps):
    text = prefix + PHONE[0] + "".join(s + d for s, d in zip(seps, PHONE[1:], strict=True))
    assert _kinds(pii.scan_text(text, PLANTED)) == {("phone", "***890")}


# --- each output format -----------------------------------------------------------------------------


def test_parquet_values_of_any_type_are_scanned(tmp_path):
    df = pd.DataFrame(
        {"note": ["ok", f"ditelpon {NAME}"], "contact": [1, int("62" + PHONE)], "nik": [1.0, float(NIK)]}
    )
    found = _scan_one(tmp_path, lambda out: df.to_parquet(out / "t.parquet"))
    assert _kinds(found) == {("name", "***ayu"), ("phone", "***890"), ("nik", "***012")}
    by_kind = {f.kind: f.location for f in found}
    assert by_kind["name"].endswith("t.parquet (column 'note', row 2)")
    assert "column 'contact'" in by_kind["phone"]


def test_csv_phone_written_differently_from_the_raw_export(tmp_path):
    found = _scan_one(tmp_path, lambda out: (out / "t.csv").write_text("id,kontak\n1,0812-3456-7890\n"))
    (f,) = found
    assert (f.kind, f.value_masked) == ("phone", "***890")
    assert f.location.endswith("out/t.csv (line 2)")


def test_xlsx_cells_and_sheet_names_are_scanned(tmp_path):
    def write(out: Path) -> None:
        wb = Workbook()
        ws = wb.active
        ws.title = "Annex"
        ws["B3"] = f"NIK {NIK}"
        wb.create_sheet(NAME)
        wb.save(out / "annex.xlsx")

    found = _scan_one(tmp_path, write)
    by_kind = {f.kind: f.location for f in found}
    assert set(by_kind) == {"nik", "name"}
    assert "annex.xlsx (sheet 'Annex', cell B3)" in by_kind["nik"]
    assert "sheet names" in by_kind["name"]
    assert NAME not in by_kind["name"]


@pytest.mark.parametrize(
    "body", [f"<td>{NAME}</td>", "<td><b>Siti</b>&nbsp;Rahayu</td>", "<p>SITI</p>\n<p>RAHAYU</p>"]
)
def test_html_name_inside_or_split_by_tags(tmp_path, body):
    found = _scan_one(tmp_path, lambda out: (out / "r.html").write_text(f"<table><tr>{body}</tr></table>"))
    assert _kinds(found) == {("name", "***ayu")}
    assert "r.html" in found[0].location


def test_ipynb_nik_inside_a_json_output(tmp_path):
    def write(out: Path) -> None:
        nb = nbformat.v4.new_notebook()
        cell = nbformat.v4.new_code_cell("show()")
        cell.outputs = [
            nbformat.v4.new_output("display_data", data={"application/json": {"row": {"nik": NIK}}})
        ]
        nb.cells = [nbformat.v4.new_markdown_cell("# report"), cell]
        nbformat.write(nb, out / "report.ipynb")

    (f,) = _scan_one(tmp_path, write)
    assert (f.kind, f.value_masked) == ("nik", "***012")
    assert "report.ipynb (cell 2 output 1 application/json)" in f.location


def test_plotly_base64_arrays_are_decoded(tmp_path):
    bdata = base64.b64encode(np.array([1, int(PHONE)], dtype="i8").tobytes()).decode()
    fig = {"data": [{"type": "bar", "y": {"dtype": "i8", "bdata": bdata}}]}
    found = _scan_one(tmp_path, lambda out: (out / "fig.json").write_text(json.dumps(fig)))
    assert _kinds(found) == {("phone", "***890")}


@pytest.mark.skipif(
    not (shutil.which("chromium") and shutil.which("pdftotext")), reason="needs chromium and pdftotext"
)
def test_pdf_printed_by_chromium(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        f"<html><body><h1>Laporan</h1><table><tr><td>{NAME}</td><td>0812-3456-7890</td></tr></table>"
    )
    out = tmp_path / "out"
    out.mkdir()
    cmd = [
        "chromium",
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-pdf-header-footer",
        f"--user-data-dir={tmp_path / 'profile'}",
        f"--print-to-pdf={out / 'report.pdf'}",
        page.as_uri(),
    ]
    subprocess.run(cmd, capture_output=True, timeout=60, check=True)
    found = pii.scan_outputs([out], PLANTED)
    assert _kinds(found) == {("name", "***ayu"), ("phone", "***890")}
    assert all("report.pdf (page 1" in f.location for f in found)


def test_missing_pdftotext_is_an_error_unless_allowed(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    (out / "r.pdf").write_bytes(b"%PDF-1.4\n")
    monkeypatch.setattr(pii, "_pdftotext", lambda: None)
    with pytest.raises(pii.MissingToolError, match="pdftotext not found"):
        pii.scan_outputs([out], PLANTED)
    (f,) = pii.scan_outputs([out], PLANTED, allow_missing_tools=True)
    assert f.kind == "skipped"
    assert "r.pdf" in f.location


def test_unreadable_output_is_reported(tmp_path):
    (f,) = _scan_one(tmp_path, lambda out: (out / "broken.parquet").write_bytes(b"not parquet"))
    assert f.kind == "unreadable"
    assert "broken.parquet" in f.location


def test_file_names_are_scanned_and_masked_in_the_location(tmp_path):
    (f,) = _scan_one(tmp_path, lambda out: (out / "siti-rahayu.md").write_text("# laporan\n"))
    assert (f.kind, f.value_masked) == ("name", "***ayu")
    assert "rahayu" not in f.location.lower()


def test_hidden_folders_and_unsupported_files_are_not_scanned(tmp_path):
    def write(out: Path) -> None:
        (out / ".cache").mkdir()
        (out / ".cache" / "x.csv").write_text(NAME)
        (out / "plot.png").write_bytes(NAME.encode())

    assert _scan_one(tmp_path, write) == []


def test_missing_output_folder_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="output folder not found"):
        pii.scan_outputs([tmp_path / "nope"], PLANTED)


# --- no false positives, nothing shown ------------------------------------------------------------


def test_cleaned_sample_outputs_hold_no_personal_data(sample_dir, sample_clean, tmp_path):
    found_in = pii.collect_pii(sample_dir / "raw")
    out = write_processed(sample_clean, tmp_path / "processed")
    assert pii.scan_outputs([out], found_in) == []


def test_committed_sample_outputs_hold_no_personal_data(sample_dir):
    dirs = [d for d in (sample_dir / "processed", sample_dir.parents[1] / "reports") if d.is_dir()]
    assert pii.scan_outputs(dirs, pii.collect_pii(sample_dir / "raw")) == []


def test_masked_values_never_hold_the_full_value(tmp_path):
    def write(out: Path) -> None:
        (out / "a.csv").write_text(f"{NAME},{PHONE_RAW},{NIK}\n")
        pd.DataFrame({"x": [NAME, PHONE, NIK]}).to_parquet(out / "b.parquet")

    found = _scan_one(tmp_path, write)
    assert len(found) == 6
    for f in found:
        assert len(f.value_masked) <= 6
        assert not any(v.lower() in f"{f.value_masked} {f.location}".lower() for v in FULL_VALUES)


def _run_cli(raw: Path, *outs: Path) -> int:
    return main(["audit-pii", str(raw), *map(str, outs)])


def test_cli_exits_0_when_nothing_is_found(raw_dir, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "table.csv").write_text("participant_id,income_idr\nP-1,1500000\n")
    assert _run_cli(raw_dir, out) == 0
    assert "scanned 1 files for 3 names, 3 phones, 2 NIKs: no personal data found" in capsys.readouterr().out


def test_cli_exits_1_listing_masked_findings(raw_dir, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "table.csv").write_text(f"nama,telp,nik\n{NAME},0812-3456-7890,{NIK}\n")
    (out / "r.html").write_text("<td>Budi Wijaya</td>")
    assert _run_cli(raw_dir, out) == 1
    captured = capsys.readouterr()
    text = captured.out + captured.err
    assert "4 finding(s) in 2 file(s)" in text
    for line in ("name  ***ayu", "phone  ***890", "nik  ***012", "name  ***aya"):
        assert " ".join(line.split()) in " ".join(text.split())
    assert not any(v.lower() in text.lower() for v in (*FULL_VALUES, "budi wijaya"))


def test_cli_refuses_a_raw_folder_without_personal_data(tmp_path, capsys):
    survey = tmp_path / "raw" / "survey"
    survey.mkdir(parents=True)
    (survey / "baseline.csv").write_text("participant_code,respondent/gender\nSKB23-001,P\n")
    assert _run_cli(tmp_path / "raw", tmp_path) == 2
    assert "nothing to look for" in capsys.readouterr().err
