"""The row accounting is a real check: clean rows are counted from the output tables' lineage, so a
row that a step drops without recording it makes the audit fail, in both engines, and nothing is
written."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from impact.clean import clean, clean_to, sales, survey
from impact.clean.engines import dask as engine_dask
from impact.cli import main
from impact.errors import AccountingError
from impact.io import load


def _drop_first_row(original):
    """A step that silently loses its first output row."""

    def lossy(*args, **kwargs):
        out = original(*args, **kwargs)
        return out.iloc[1:]

    return lossy


def test_sample_audit_counts_clean_rows_from_the_lineage(sample_clean):
    files = sample_clean.audit["files"]
    assert all(f["reconciled"] for f in files.values())
    lineage = pd.concat(sample_clean.lineage.values(), ignore_index=True)
    counted = lineage["source_file"].astype(str).value_counts().to_dict()
    assert {name: f["rows_clean"] for name, f in files.items() if f["rows_clean"]} == counted
    assert len(sample_clean.lineage["orders"]) == len(sample_clean.orders)
    assert len(sample_clean.lineage["participants"]) == len(sample_clean.participants)
    assert len(sample_clean.lineage["followups"]) == len(sample_clean.followups)


def test_lineage_points_at_the_raw_rows(sample_clean, sample_dir):
    """Each participant's lineage row is the spreadsheet row of its baseline record."""
    raw = pd.read_csv(sample_dir / "raw" / "survey" / "baseline_sukabumi-2023.csv", sep=";", dtype=str)
    lineage = sample_clean.lineage["participants"]
    mine = lineage[lineage["source_file"] == "survey/baseline_sukabumi-2023.csv"]
    codes = raw["participant_code"].iloc[mine["source_row"].to_numpy() - 2]
    assert codes.notna().all()
    assert len(mine) == 48


def test_pandas_engine_fails_when_a_sales_row_vanishes(sample_dir, tmp_path, monkeypatch):
    out = tmp_path / "processed"
    out.mkdir()
    (out / "keep.txt").write_text("previous output")
    monkeypatch.setattr(sales, "assemble_orders", _drop_first_row(sales.assemble_orders))
    with pytest.raises(AccountingError, match=r"sales/orders_2023-09_2024-06\.csv: read 3,139 ≠ clean 2,147"):
        clean_to(sample_dir / "raw", out)
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_pandas_engine_fails_when_a_survey_row_vanishes(sample_dir, monkeypatch):
    monkeypatch.setattr(survey, "clean_followups", _drop_first_row(survey.clean_followups))
    with pytest.raises(AccountingError, match=r"survey/followup_\S+: read \d+ ≠ clean"):
        clean(sample_dir / "raw")


def test_cli_exits_1_naming_the_file(sample_dir, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(sales, "assemble_orders", _drop_first_row(sales.assemble_orders))
    assert main(["clean", str(sample_dir / "raw"), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "rows are not all accounted for" in err
    assert "sales/orders_2023-09_2024-06.csv" in err
    assert not (tmp_path / "out").exists()


@pytest.fixture(scope="module")
def threads_client():
    """A Dask cluster in this process (threads), so that a monkeypatched step runs in the workers."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=":0"
    ) as c:
        with distributed.Client(c) as client:
            yield client


def test_dask_engine_counts_the_same_lineage(sample_dir, sample_clean, tmp_path, threads_client):
    audit = engine_dask.clean_to(
        sample_dir / "raw", tmp_path / "dask", client=threads_client, blocksize=32768
    )
    assert audit["files"].keys() == sample_clean.audit["files"].keys()
    for name, f in audit["files"].items():
        assert f["rows_clean"] == sample_clean.audit["files"][name]["rows_clean"], name
        assert f["reconciled"]
    lineage = load(tmp_path / "dask", lineage=True).lineage
    pd.testing.assert_frame_equal(
        lineage["orders"].astype({"source_file": str}),
        sample_clean.lineage["orders"].astype({"source_file": str}),
    )


def test_dask_engine_fails_when_a_sales_row_vanishes(sample_dir, tmp_path, monkeypatch, threads_client):
    out = tmp_path / "dask"
    shutil.copytree(sample_dir / "raw", tmp_path / "raw")
    monkeypatch.setattr(sales, "assemble_orders", _drop_first_row(sales.assemble_orders))
    with pytest.raises(AccountingError, match=r"sales/orders_2023-09_2024-06\.csv: read 3,139 ≠ clean 2,147"):
        engine_dask.clean_to(tmp_path / "raw", out, client=threads_client)
    assert not out.exists()


def test_dask_engine_fails_when_a_survey_row_vanishes(sample_dir, tmp_path, monkeypatch, threads_client):
    monkeypatch.setattr(survey, "clean_followups", _drop_first_row(survey.clean_followups))
    with pytest.raises(AccountingError, match=r"survey/followup_\S+: read \d+ ≠ clean"):
        engine_dask.clean_to(sample_dir / "raw", tmp_path / "dask", client=threads_client)


def test_audit_json_records_reconciliation(sample_dir, tmp_path):
    clean_to(sample_dir / "raw", tmp_path / "p")
    audit = json.loads((tmp_path / "p" / "audit.json").read_text())
    assert all(f["reconciled"] for f in audit["files"].values())
    assert audit["totals"]["rows_clean"] == sum(f["rows_clean"] for f in audit["files"].values())
