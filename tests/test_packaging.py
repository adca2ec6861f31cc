"""Installable: the wheel carries everything the commands need (code, reference data, report
notebook and manifest, templates), and works installed in a fresh venv outside the checkout.

The fresh venv gets the built wheel only (``--no-deps``); its third-party dependencies are
borrowed from the project's own venv through a ``.pth`` line (installing pandas, Jupyter and the
rest again would take minutes on every test run). A ``.pth`` line only adds a folder to
``sys.path`` and is processed after the venv's own site-packages, so ``impact`` itself can only
come from the wheel — the test checks that too.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_is_listed_in_pyproject():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = set()
    for init in (ROOT / "src" / "impact").rglob("__init__.py"):
        found.add(".".join(init.parent.relative_to(ROOT / "src").parts))
    data_dirs = {"impact.data.reference", "impact.report.templates.impact_report", "impact.notebooks"}
    assert listed == found | data_dirs


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        text=True,
    )
    (whl,) = out.glob("impact-*.whl")
    return whl


def test_wheel_carries_data_notebooks_and_templates(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "impact/data/reference/min_wage.csv",
        "impact/data/reference/cpi_anchors.csv",
        "impact/notebooks/cohort_report.ipynb",
        "impact/notebooks/programme_report.ipynb",
        "impact/notebooks/runs.toml",
        "impact/report/templates/impact_report/index.html.j2",
        "impact/clean/engines/dask.py",
    ):
        assert needed in names
    assert not any(n.startswith(("tests/", "data/sample")) for n in names)


def test_wheel_installed_in_a_fresh_venv_samples_cleans_and_reports(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
    )
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    Path(site, "borrowed_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")  # nbconvert's base templates
    work = tmp_path / "work"  # outside the checkout: no notebooks/, no data/ to fall back on
    work.mkdir()

    def run(*args: str) -> str:
        done = subprocess.run(
            [str(venv / "bin" / "impact"), *args],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    where = subprocess.run(
        [str(python), "-c", "import impact.clean; print(impact.clean.__file__)"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert where.startswith(site)
    run("sample", "--out", "sample")
    assert "every row accounted for" in run("clean", "sample/raw", "--out", "processed")
    out = run("report", "processed", "--cohort", "sukabumi-2023", "--no-pdf", "--out", "reports")
    assert "1 of 1 report(s) made" in out
    page = (work / "reports" / "sukabumi-2023" / "sukabumi-2023_all_public.html").read_text()
    assert "Executive summary" in page
    assert (work / "reports" / "sukabumi-2023" / "indicators_public.xlsx").is_file()
