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


def test_explore_notebook_runs_on_sample(tmp_path, sample_clean):
    import papermill as pm

    from impact.io import write_processed

    processed = write_processed(sample_clean, tmp_path / "processed")
    out = tmp_path / "explore.ipynb"
    pm.execute_notebook(
        str(NOTEBOOKS / "explore_cohorts.ipynb"),
        str(out),
        parameters={"processed_dir": str(processed)},
        kernel_name="python3",
        progress_bar=False,
        cwd=str(NOTEBOOKS),
        start_timeout=120,
    )
    nb = nbformat.read(out, as_version=4)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    plotly = [
        o
        for c in nb.cells
        for o in c.get("outputs", [])
        if "application/vnd.plotly.v1+json" in o.get("data", {})
    ]
    assert len(plotly) == 2
