"""Notebooks stay thin, stripped and paired; the analyst notebook runs top to bottom on the sample."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import jupytext
import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
NAMES = ["cohort_report", "explore_cohorts"]


@pytest.mark.parametrize("name", NAMES)
def test_pair_in_sync(name):
    ipynb = jupytext.read(NOTEBOOKS / f"{name}.ipynb")
    py = jupytext.read(NOTEBOOKS / f"{name}.py")
    src_a = [(c.cell_type, c.source.strip()) for c in ipynb.cells]
    src_b = [(c.cell_type, c.source.strip()) for c in py.cells]
    assert src_a == src_b, f"run `jupytext --sync notebooks/{name}.py`"


@pytest.mark.parametrize("name", NAMES)
def test_committed_without_outputs(name):
    nb = json.loads((NOTEBOOKS / f"{name}.ipynb").read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == []
            assert cell.get("execution_count") is None


@pytest.mark.parametrize("name", NAMES)
def test_thin_no_definitions_no_file_writes(name):
    nb = jupytext.read(NOTEBOOKS / f"{name}.py")
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        tree = ast.parse(cell.source)
        for node in ast.walk(tree):
            assert not isinstance(node, ast.FunctionDef | ast.ClassDef | ast.Lambda), cell.source[:80]
            if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
                "to_csv",
                "to_excel",
                "to_parquet",
                "write_text",
                "write_bytes",
                "open",
            ):
                pytest.fail(f"file write in notebook cell: {cell.source[:80]}")


@pytest.mark.parametrize("name", NAMES)
def test_parameters_cell_holds_only_commented_literals(name):
    nb = jupytext.read(NOTEBOOKS / f"{name}.py")
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1
    for line in params[0].source.splitlines():
        _, _, rest = line.partition("=")
        value, _, comment = rest.partition("  #")
        assert comment.strip(), f"parameter without a comment: {line}"
        ast.literal_eval(value.strip())  # literals only


#: the seven questions of the analysts' issue, one section each
QUESTIONS = (
    "## 1. Headcounts and response, by cohort",
    "## 2. Recovery by wave for women and men, nominal and real",
    "## 3. Who has not recovered but is still selling?",
    "## 4. The top quarter of sellers",
    "## 5. Recovery by training attendance",
    "## 6. A safe export",
    "## 7. Two cohorts as they stood on the same day",
)


def test_explore_notebook_uses_the_projects_kernel_and_only_the_public_api():
    nb = jupytext.read(NOTEBOOKS / "explore_cohorts.py")
    assert nb.metadata["kernelspec"]["name"] == "impact"  # installed by `make setup`
    imported = set()
    for cell in nb.cells:
        if cell.cell_type == "code":
            for node in ast.walk(ast.parse(cell.source)):
                if isinstance(node, ast.Import):
                    imported |= {a.name for a in node.names}
                elif isinstance(node, ast.ImportFrom):
                    imported.add(node.module or "")
    assert imported == {"impact", "pandas"}  # no impact.<module>: the seven questions need none
    headings = [c.source for c in nb.cells if c.cell_type == "markdown"]
    for question in QUESTIONS:
        assert any(h.startswith(question) for h in headings), question


@pytest.fixture(scope="module")
def explored(tmp_path_factory, sample_clean):
    """The explore notebook run on the sample with every filter set: women only, as of a day in the
    middle of a follow-up, exporting to a folder."""
    import papermill as pm
    from jupyter_client.kernelspec import find_kernel_specs

    from impact.io import write_processed

    tmp = tmp_path_factory.mktemp("explore")
    processed = write_processed(sample_clean, tmp / "processed")
    out = tmp / "explore.ipynb"
    kernel = "impact" if "impact" in find_kernel_specs() else "python3"  # the same interpreter
    pm.execute_notebook(
        str(NOTEBOOKS / "explore_cohorts.ipynb"),
        str(out),
        parameters={
            "processed_dir": str(processed),
            "gender": "female",
            "as_of": "2024-09-15",
            "export_dir": str(tmp),
        },
        kernel_name=kernel,
        progress_bar=False,
        cwd=str(NOTEBOOKS),
        start_timeout=120,
    )
    return nbformat.read(out, as_version=4), tmp


def _text(cell) -> str:
    parts = []
    for o in cell.get("outputs", []):
        parts.append(o.get("text", ""))
        data = o.get("data", {})
        parts.append(data.get("text/html", "") or data.get("text/plain", "") or data.get("text/markdown", ""))
    return "\n".join(p if isinstance(p, str) else "".join(p) for p in parts)


def test_explore_notebook_runs_on_sample(explored):
    nb, _ = explored
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    plotly = [
        o
        for c in nb.cells
        for o in c.get("outputs", [])
        if "application/vnd.plotly.v1+json" in o.get("data", {})
    ]
    assert plotly  # the commission trend (the by-sex trajectory of women only is a note)
    code = [c for c in nb.cells if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", [])]
    assert all(c.get("outputs") for c in code[1:]), "every section shows something"


def test_explore_notebook_applies_every_filter_everywhere(explored):
    nb, _ = explored
    shown = "\n".join(_text(c) for c in nb.cells if c.cell_type == "code")
    assert "Subset: gender = female" in shown  # the drill-down, trends and notes: women only
    assert "as of 2024-09-15" in shown
    # women only: no table row and no chart line of men
    assert 'data-group="male"' not in shown
    assert "Men</th>" not in shown
    assert "<td>male</td>" not in shown  # the drill-down's rows
    assert "sukabumi-2023|male" not in shown


def test_explore_notebook_shows_n_with_every_summary(explored):
    nb, _ = explored
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        text = _text(cell)
        if "<table" in text and "impact-table" in text:
            assert "With income data (n)" in text or "Accounts" in text or "Registered" in text, cell.source[
                :60
            ]
    assert any("n = " in _text(c) for c in nb.cells if c.cell_type == "code")


def test_explore_notebook_exports_a_marked_safe_file(explored):
    from openpyxl import load_workbook

    _, folder = explored
    wb = load_workbook(folder / "explore_sukabumi-2023.xlsx")
    assert wb.sheetnames == ["notes", "attendance", "not_recovered_selling"]
    for ws in wb.worksheets:
        assert ws["A1"].value == "INTERNAL — not for publication"
        assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)


def test_make_lab_passes_allow_root_only_as_root():
    import os
    import shutil
    import subprocess

    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    root = NOTEBOOKS.parent
    out = subprocess.run(["make", "-n", "lab"], cwd=root, capture_output=True, text=True, check=True).stdout
    line = next(x for x in out.splitlines() if "jupyter lab" in x)
    assert ("--allow-root" in line) == (os.geteuid() == 0)
