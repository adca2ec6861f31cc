"""impact.report: offline HTML, PDF, Excel annex, failures, the manifest and parallel runs.

The notebook tests run the tiny smoke notebook ``tests/data/report_smoke.ipynb`` (a table, two
plotly figures, a line on stderr; ``title="fail"`` makes it raise). Chromium tests are skipped
when no Chromium is installed (CI installs it).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import nbformat
import openpyxl
import pandas as pd
import pytest

from impact.cli import main
from impact.config import ReportParams
from impact.errors import ParameterError, ReportError
from impact.qa.browser import count_rendered_charts, page_requests, rendered_dom
from impact.report import provenance
from impact.report.excel import excel_sheet_names, write_cohort_annexes, write_excel
from impact.report.execute import execute_notebook
from impact.report.html import (
    INTERNAL_BANNER,
    PLOTLY_MIME,
    check_offline,
    count_plotly_bundles,
    plotly_outputs_to_html,
    to_html,
)
from impact.report.manifest import (
    bundled_manifest,
    expand_manifest,
    load_manifest,
    notebook_parameters,
    parse_slug,
)
from impact.report.pdf import ChromiumPrinter, find_chromium, html_to_pdf
from impact.report.provenance import reproducibility_stamp
from impact.report.run import run_reports

SMOKE = Path(__file__).resolve().parents[1] / "data" / "report_smoke.ipynb"
COHORTS = ["sukabumi-2023", "bekasi-2024"]
needs_chromium = pytest.mark.skipif(
    find_chromium() is None, reason="needs Chromium (apt-get install chromium)"
)
needs_pdfinfo = pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="needs pdfinfo (poppler-utils)")


@pytest.fixture(autouse=True)
def _no_git(monkeypatch):
    monkeypatch.setattr(provenance, "_git_commit", lambda cwd=None: "0" * 40)


@pytest.fixture(scope="module")
def processed(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("processed")
    (d / "audit.json").write_text(
        json.dumps({"impact_version": "0.1.0", "input_sha256": {"survey/b.csv": "ab" * 32}})
    )
    return d


@pytest.fixture(scope="module")
def executed(processed, tmp_path_factory) -> Path:
    spec = ReportParams("sukabumi-2023", confederation="all", audience="internal")
    out = tmp_path_factory.mktemp("executed") / f"{spec.slug}.ipynb"
    return execute_notebook(SMOKE, notebook_parameters(spec, processed), output=out)


@pytest.fixture(scope="module")
def page(executed) -> tuple[Path, str]:
    text = to_html(executed, title="Smoke report", banner=INTERNAL_BANNER, footer="made by the smoke test")
    path = executed.with_suffix(".html")
    path.write_text(text, encoding="utf-8")
    return path, text


def _plotly_outputs(nb_path: Path) -> int:
    nb = nbformat.read(nb_path, as_version=4)
    return sum(PLOTLY_MIME in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))


# --- execution -------------------------------------------------------------------------------------


def test_executed_notebook_is_written_with_outputs_and_without_jupytext_metadata(executed, processed):
    nb = nbformat.read(executed, as_version=4)
    assert "jupytext" not in nb.metadata
    assert nb.metadata.papermill.parameters["processed_dir"] == str(processed.resolve())
    assert any("injected-parameters" in c.metadata.get("tags", []) for c in nb.cells)
    assert _plotly_outputs(executed) == 2


def test_failing_cell_raises_report_error_naming_the_cell_and_keeps_the_partial_notebook(tmp_path, processed):
    out = tmp_path / "failed.ipynb"
    params = notebook_parameters(ReportParams("sukabumi-2023", title="fail"), processed)
    with pytest.raises(ReportError) as err:
        execute_notebook(SMOKE, params, output=out)
    message = str(err.value)
    assert isinstance(err.value.cell_index, int)
    assert f"cell {err.value.cell_index}" in message
    assert "report_smoke.ipynb" in message
    assert "RuntimeError: smoke failure requested for sukabumi-2023/all" in message
    assert err.value.partial == out.resolve()
    partial = nbformat.read(out, as_version=4)
    assert "jupytext" not in partial.metadata
    assert any(o.get("output_type") == "error" for c in partial.cells for o in c.get("outputs", []))


def test_jupytext_py_notebook_runs_like_the_ipynb(tmp_path, processed):
    out = execute_notebook(SMOKE.with_suffix(".py"), {"cohort": "bekasi-2024"}, output=tmp_path / "py.ipynb")
    nb = nbformat.read(out, as_version=4)
    assert "jupytext" not in nb.metadata
    assert nb.metadata.papermill.input_path.endswith("report_smoke.py")
    assert _plotly_outputs(out) == 2


# --- HTML ------------------------------------------------------------------------------------------


def test_html_shows_no_code_prompts_parameters_or_stderr(page):
    _, text = page
    assert '<div class="jp-InputArea' not in text
    for element in ("jp-InputPrompt", "jp-OutputPrompt", "jp-CodeMirrorEditor", "highlight"):
        assert not re.search(rf'class="[^"]*\b{element}\b', text), element
    for code in ("SMOKE-CODE-MARKER", "import plotly", "go.Figure(", 'title = ""', "processed_dir ="):
        assert code not in text
    assert "SMOKE-STDERR-MARKER" not in text
    assert "Report for sukabumi-2023, all, internal." in text  # stdout stays
    assert "recovered_rate" in text
    assert "<title>Smoke report</title>" in text
    assert INTERNAL_BANNER in text
    assert "made by the smoke test" in text


def test_html_loads_nothing_from_outside_the_page(page):
    _, text = page
    assert check_offline(text) == []
    markup = re.sub(r"(?is)(<script\b[^>]*>).*?</script>", r"\1</script>", text)  # script bodies are code
    assert not re.search(r"<script[^>]*\bsrc\s*=", markup, re.IGNORECASE)
    assert not re.search(r"<link[^>]*\bhref\s*=", markup, re.IGNORECASE)
    assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", markup, re.IGNORECASE)


def test_plotlyjs_is_inlined_exactly_once_for_two_figures(page):
    _, text = page
    assert count_plotly_bundles(text) == 1
    assert text.count('class="plotly-graph-div"') == 2


def test_check_offline_flags_remote_and_relative_loads_but_not_links():
    bad = (
        '<script src="https://cdn.plot.ly/plotly-3.0.0.min.js"></script>'
        '<link rel="stylesheet" href="//fonts.googleapis.com/css">'
        '<img src="figure.png"><img src="data:image/png;base64,AAAA">'
        '<div style="background: url(http://x.org/bg.png)"></div>'
        "<style>@import 'https://x.org/a.css'; .a { background: url(data:image/svg+xml;base64,AA) }</style>"
        '<a href="https://example.org/methods">methods</a><a href="https://cdn.jsdelivr.net/x">cdn</a>'
    )
    found = check_offline(bad)
    assert found == [
        '<script src="https://cdn.plot.ly/plotly-3.0.0.min.js">',
        '<link href="//fonts.googleapis.com/css">',
        '<img src="figure.png">',
        '<div style="http://x.org/bg.png">',
        "<style> url(https://x.org/a.css)",
        '<a href="https://cdn.jsdelivr.net/x"> (link to a CDN)',
    ]


@needs_chromium
def test_every_chart_renders_in_chromium_with_the_network_blocked(page, executed, tmp_path):
    path, _ = page
    netlog = tmp_path / "netlog.json"
    dom = rendered_dom(path, netlog=netlog)
    assert count_rendered_charts(dom) == _plotly_outputs(executed) == 2
    assert dom.count("main-svg") >= 2  # plotly drew its SVGs
    assert page_requests(netlog) == []  # the page asked the network for nothing


@needs_chromium
@needs_pdfinfo
def test_pdf_is_a4_with_pages(page, tmp_path):
    path, _ = page
    pdf = html_to_pdf(path, tmp_path / "smoke.pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))
    width, height = map(
        float, re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.MULTILINE).groups()
    )
    assert pages >= 1
    assert round(width) == 595
    assert round(height) == 842


@needs_chromium
@needs_pdfinfo
def test_long_lived_printer_prints_a4_pdfs_one_after_another(page, tmp_path):
    path, _ = page
    with ChromiumPrinter() as printer:
        pdfs = [printer.print_pdf(path, tmp_path / f"{i}.pdf") for i in range(2)]
    for pdf in pdfs:
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert "594.96 x 841.92 pts (A4)" in info
        assert int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1)) >= 1


def test_plotly_outputs_become_html_with_one_bundle_and_no_overwide_figures():
    fig = {"data": [{"type": "bar", "x": [1], "y": [2]}], "layout": {"width": 1200, "height": 300}}
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output("display_data", {PLOTLY_MIME: fig})])
        for _ in range(2)
    ]
    out, n = plotly_outputs_to_html(nb)
    htmls = [c.outputs[0].data["text/html"] for c in out.cells]
    assert n == 2
    assert [count_plotly_bundles(h) for h in htmls] == [1, 0]
    assert all(list(c.outputs[0].data) == ["text/html"] for c in out.cells)
    assert '"width":1200' not in htmls[0]
    assert '"height":300' in htmls[0]
    assert 'id="impact-fig-1"' in htmls[0]
    assert 'id="impact-fig-2"' in htmls[1]
    assert nb.cells[0].outputs[0].data[PLOTLY_MIME]["layout"]["width"] == 1200  # input untouched


def test_find_chromium_honours_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("IMPACT_CHROMIUM", str(tmp_path / "no-such-browser"))
    assert find_chromium() is None


# --- Excel -----------------------------------------------------------------------------------------


def test_excel_annex_never_writes_formulas_and_keeps_numbers_numeric(tmp_path):
    risky = ['=HYPERLINK("http://x","y")', "+cmd", "@SUM(A1)", "-1+1", "http://x.org", None]
    table = pd.DataFrame(
        {
            "label": pd.array(risky, dtype="string"),
            "free_text": pd.Series(risky, dtype=object),
            "n": pd.array([1, 2, None, 4, -5, 6], dtype="Int64"),
            "recovered_rate": pd.array([0.5, None, 0.25, 1.0, 0.0, 0.1], dtype="Float64"),
            "change_idr": [-100, 0, 100, 2_000_000, -1, 3],
        }
    )
    notes = pd.DataFrame(
        {"item": ["definition", "suppression"], "text": ["=1+1 is not a formula", "* fewer than 5"]}
    )
    path = write_excel(
        {"by group": table, "a/b:c?[x]": table.head(1)},
        tmp_path / "annex.xlsx",
        notes=notes,
        stamp=reproducibility_stamp(tmp_path, {"cohort": "sukabumi-2023"}),
    )

    wb = openpyxl.load_workbook(path)  # not data_only: a formula would show as data_type "f"
    assert wb.sheetnames == ["notes", "by group", "a_b_c__x_"]
    for ws in wb.worksheets:
        assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
        assert all(c.hyperlink is None for row in ws.iter_rows() for c in row)
    ws = wb["by group"]
    header = [c.value for c in ws[1]]
    assert header == ["label", "free_text", "n", "recovered_rate", "change_idr"]
    assert ws.freeze_panes == "A2"
    for col in ("A", "B"):
        cells = ws[col][1:]
        assert [c.data_type for c in cells[:5]] == ["s"] * 5
        assert cells[0].value == '\'=HYPERLINK("http://x","y")'
        assert [c.value for c in cells[1:5]] == ["'+cmd", "'@SUM(A1)", "'-1+1", "http://x.org"]
        assert cells[5].value is None  # missing stays empty
    assert [c.value for c in ws["C"][1:]] == [1, 2, None, 4, -5, 6]
    assert all(c.data_type == "n" for c in ws["C"][1:] if c.value is not None)
    assert [c.value for c in ws["D"][1:]] == [0.5, None, 0.25, 1, 0, 0.1]
    assert [c.value for c in ws["E"][1:]] == [-100, 0, 100, 2_000_000, -1, 3]
    notes_ws = wb["notes"]
    assert notes_ws["B2"].value == "'=1+1 is not a formula"
    assert notes_ws["B2"].data_type == "s"
    assert any(c.value == "source" for c in notes_ws["A"])
    assert any(c.value == "parameter cohort" for c in notes_ws["A"])


def test_sheet_names_are_valid_unique_and_short():
    names = excel_sheet_names(["a/b", "A\\B", "x" * 40, "x" * 40, "'quoted'", "Notes", "history", ""])
    assert names == ["a_b", "A_B~2", "x" * 31, "x" * 29 + "~2", "quoted", "Notes~2", "history_", "table"]
    assert all(len(n) <= 31 and not re.search(r"[\[\]:*?/\\]", n) for n in names)


# --- manifest and specs ---------------------------------------------------------------------------


def test_default_manifest_expansion_gives_public_cohort_reports_and_internal_breakdowns(tmp_path):
    # per cohort: the public report, the internal one, and one internal per confederation
    path = tmp_path / "runs.toml"
    path.write_text("[defaults]\nmin_cell_size = 5\n")
    specs = load_manifest(path, cohorts=COHORTS)
    assert len(specs) == 2 * (1 + 1 + 5)
    assert len({s.slug for s in specs}) == 14
    assert specs[0].slug == "sukabumi-2023_all_public"
    assert specs[2].slug == "sukabumi-2023_all_internal"
    assert {s.audience for s in specs if s.confederation != "all"} == {"internal"}
    assert all(s.min_cell_size == 5 for s in specs)
    assert all(parse_slug(s.slug) == (s.cohort, s.confederation, s.audience, s.lang) for s in specs)


def test_bundled_manifest_asks_for_both_languages_of_the_public_reports():
    specs = load_manifest(bundled_manifest(), cohorts=COHORTS)
    public = sorted(s.slug for s in specs if s.audience == "public")
    assert public == [
        "bekasi-2024_all_public",
        "bekasi-2024_all_public_id",
        "programme_all_public",
        "programme_all_public_id",
        "sukabumi-2023_all_public",
        "sukabumi-2023_all_public_id",
    ]
    assert len(specs) == 4 + 2 * 6 + 3  # and the programme report: public in both languages, internal


def test_manifest_runs_select_cohorts_confederations_audiences_and_params(tmp_path):
    path = tmp_path / "runs.toml"
    path.write_text(
        '[defaults]\nmin_cell_size = 5\n\n[[runs]]\ncohort = "bekasi-2024"\nconfederation = ["kspn", "all"]\n'
        'audience = "internal"\nparams = { min_cell_size = 10 }\n\n[[runs]]\ncohort = "*"\n'
    )
    specs = load_manifest(path, cohorts=COHORTS)
    assert [s.slug for s in specs] == [
        "bekasi-2024_kspn_internal",
        "bekasi-2024_all_internal",
        "sukabumi-2023_all_public",
        "bekasi-2024_all_public",
    ]
    assert specs[0].min_cell_size == 10
    assert specs[2].min_cell_size == 5


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"runs": [{"cohort": "jakarta-2030"}]}, "jakarta-2030"),
        ({"runs": [{"cohort": "*", "confederation": "kspx"}]}, "kspx"),
        ({"runs": [{"audience": "donors"}]}, "donors"),
        ({"runs": [{"cohrot": "*"}]}, "cohrot"),
        ({"run": []}, "run"),
        ({"defaults": {"cohort": "x"}}, "cohort"),
    ],
)
def test_manifest_errors_name_the_bad_value(doc, message):
    with pytest.raises(ReportError, match=message):
        expand_manifest(doc, cohorts=COHORTS)


def test_spec_slug_and_parameters(tmp_path):
    spec = ReportParams("sukabumi-2023", confederation="kspn", audience="internal", min_cell_size=10)
    assert spec.slug == "sukabumi-2023_kspn_internal"
    assert ReportParams("sukabumi-2023").slug == "sukabumi-2023_all_public"
    assert notebook_parameters(spec, Path("rel")) == {
        "processed_dir": str(Path("rel").resolve()),
        "cohort": "sukabumi-2023",
        "confederation": "kspn",
        "audience": "internal",
        "recovery_threshold": 1.0,
        "partial_threshold": 0.5,
        "min_cell_size": 10,
        "real_terms": False,
        "as_of": None,
        "title": "",
        "lang": "en",
    }
    assert ReportParams("sukabumi-2023", lang="id").slug == "sukabumi-2023_all_public_id"
    for bad in (
        dict(cohort="../x"),
        dict(cohort="a", audience="donors"),
        dict(cohort="a", min_cell_size=[1]),
    ):
        with pytest.raises(ParameterError, match=r"x|donors|min_cell_size"):
            ReportParams(**bad)


def test_reproducibility_stamp(processed):
    stamp = reproducibility_stamp(processed, {"cohort": "sukabumi-2023"})
    assert stamp["input_sha256"] == {"survey/b.csv": "ab" * 32}
    assert stamp["git_commit"] == "0" * 40
    assert stamp["parameters"] == {"cohort": "sukabumi-2023"}
    assert datetime.fromisoformat(stamp["generated_utc"]).tzinfo is not None


# --- whole runs ------------------------------------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.hrefs += [v for k, v in attrs if tag == "a" and k == "href" and v]


def _annex_tables(
    cohort: str, audience: str, lang: str = "en"
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    table = pd.DataFrame({"group": ["=cmd", "b"], "n": pd.array([5, None], dtype="Int64")})
    return {f"{cohort} {audience}": table}, pd.DataFrame({"item": ["source"], "text": ["stub"]})


def test_run_reports_continues_past_a_failing_report_and_indexes_everything(tmp_path, processed):
    reports = tmp_path / "reports"
    (reports / "sukabumi-2023").mkdir(parents=True)
    (reports / "README.md").write_text("keep me")
    (reports / "sukabumi-2023" / "sukabumi-2023_ksbsi_public.html").write_text("stale")
    specs = [
        ReportParams("sukabumi-2023", confederation="all", audience="internal"),
        ReportParams("sukabumi-2023", confederation="kspn", audience="public", title="fail"),
        ReportParams("bekasi-2024", confederation="all", audience="public"),
    ]
    messages: list[str] = []
    summary = run_reports(
        specs,
        notebook=SMOKE,
        processed_dir=processed,
        reports_dir=reports,
        jobs=2,
        progress=messages.append,
        annexes=_annex_tables,
    )

    assert [s.slug for s in summary.ok] == ["sukabumi-2023_all_internal", "bekasi-2024_all_public"]
    [(failed, message, partial)] = summary.failed
    assert failed.slug == "sukabumi-2023_kspn_public"
    assert "RuntimeError: smoke failure requested" in message
    assert "cell " in message
    assert partial == reports.resolve() / "sukabumi-2023" / "sukabumi-2023_kspn_public.failed.ipynb"
    assert partial.is_file()
    assert str(partial) in message
    assert summary.exit_code == 1
    assert any("FAILED" in m for m in messages)
    assert len(messages) >= 4

    cohort = reports / "sukabumi-2023"
    assert (cohort / "sukabumi-2023_all_internal.ipynb").is_file()  # internal: executed notebook kept
    assert not (reports / "bekasi-2024" / "bekasi-2024_all_public.ipynb").exists()  # public: not kept
    assert not (cohort / "sukabumi-2023_kspn_public.html").exists()
    assert not (cohort / "sukabumi-2023_ksbsi_public.html").exists()  # a manifest run replaces the folder
    assert (reports / "README.md").read_text() == "keep me"
    assert not [p for p in reports.iterdir() if p.name.startswith(".")]  # no staging left behind
    for spec in summary.ok:
        page_text = (reports / spec.cohort / f"{spec.slug}.html").read_text()
        assert check_offline(page_text) == []
        assert count_plotly_bundles(page_text) == 1
        if find_chromium():
            assert (reports / spec.cohort / f"{spec.slug}.pdf").stat().st_size > 0
            assert not [m for m in summary.messages if "one-shot" in m]  # the long-lived Chromium printed
        assert set(summary.timings[spec.slug]) >= {"execute", "html"}
        assert summary.report_seconds[spec.slug] > 0
    assert sorted(p.relative_to(reports.resolve()).as_posix() for p in summary.annexes) == [
        "bekasi-2024/indicators_public.xlsx",  # the audiences each cohort is reported for
        "sukabumi-2023/indicators_internal.xlsx",
        "sukabumi-2023/indicators_public.xlsx",
    ]
    assert all(p.is_file() for p in summary.annexes)

    index = summary.index.read_text()
    links = _Links()
    links.feed(index)
    assert links.hrefs
    assert all((reports / unquote(h)).is_file() for h in links.hrefs)
    assert "sukabumi-2023/sukabumi-2023_all_internal.html" in links.hrefs
    assert "sukabumi-2023/sukabumi-2023_kspn_public.failed.ipynb" in links.hrefs
    assert "bekasi-2024/indicators_public.xlsx" in links.hrefs
    assert INTERNAL_BANNER in index
    assert "FAILED" in index
    assert check_offline(index) == []


def test_single_report_run_keeps_the_cohorts_other_reports(tmp_path, processed):
    reports = tmp_path / "reports"
    (reports / "bekasi-2024").mkdir(parents=True)
    other = reports / "bekasi-2024" / "bekasi-2024_kspn_public.html"
    other.write_text("another report")
    spec = ReportParams("bekasi-2024", confederation="all", audience="internal")
    summary = run_reports(
        [spec],
        notebook=SMOKE,
        processed_dir=processed,
        reports_dir=reports,
        jobs=1,
        pdf=False,
        progress=None,
        keep_existing=True,
    )
    assert summary.exit_code == 0
    assert not summary.failed
    assert other.read_text() == "another report"
    assert (reports / "bekasi-2024" / f"{spec.slug}.html").is_file()
    assert not (reports / "bekasi-2024" / f"{spec.slug}.pdf").exists()
    assert "bekasi-2024/bekasi-2024_kspn_public.html" in summary.index.read_text()


def test_write_cohort_annexes_writes_each_cohort_and_audience_and_names_failures(tmp_path, processed):
    def build(cohort: str, audience: str, lang: str):
        if cohort == "bekasi-2024" and audience == "internal":
            raise KeyError("no such table")
        return _annex_tables(cohort, audience, lang)

    with pytest.raises(ReportError, match=r"indicators_internal\.xlsx \(bekasi-2024, internal\): KeyError"):
        write_cohort_annexes(
            processed, tmp_path, cohorts=COHORTS, audiences=["public", "internal"], build_tables=build
        )
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.xlsx"))
    assert written == [
        "bekasi-2024/indicators_public.xlsx",
        "sukabumi-2023/indicators_internal.xlsx",
        "sukabumi-2023/indicators_public.xlsx",
    ]
    notes = openpyxl.load_workbook(tmp_path / "sukabumi-2023" / "indicators_public.xlsx")["notes"]
    assert any(c.value == "input sha256 survey/b.csv" for c in notes["A"])


def _cli(argv: list[str]) -> int:
    return main(argv)


def test_cli_report_one_spec_and_argument_errors(tmp_path, capsys):
    processed = tmp_path / "processed"
    processed.mkdir()
    pd.DataFrame({"cohort": ["sukabumi-2023", "bekasi-2024"]}).to_parquet(processed / "participants.parquet")
    out = tmp_path / "reports"
    common = [
        str(processed),
        "--notebook",
        str(SMOKE),
        "--out",
        str(out),
        "--no-pdf",
        "--no-excel",
        "--jobs",
        "1",
    ]
    assert _cli(["report", *common, "--cohort", "bekasi-2024", "--audience", "internal"]) == 0
    printed = capsys.readouterr().out
    assert "[1/1] bekasi-2024_all_internal: ok" in printed
    assert "1 of 1 report(s) made" in printed
    assert (out / "bekasi-2024" / "bekasi-2024_all_internal.html").is_file()
    assert (out / "index.html").is_file()

    assert _cli(["report", *common, "--confederation", "kspn"]) == 2
    assert "need --cohort" in capsys.readouterr().err
    assert _cli(["report", *common, "--cohort", "jakarta-2030"]) == 2
    assert "jakarta-2030" in capsys.readouterr().err
    assert _cli(["report", *common, "--cohort", "bekasi-2024", "--confederation", "kspx"]) == 2
    assert "kspx" in capsys.readouterr().err
