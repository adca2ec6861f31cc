"""The `impact` command: help, version, sample, check, clean and its clear one-line errors."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from impact import __version__
from impact.cli import main


def test_version(capsys):
    with pytest.raises(SystemExit) as e:
        main(["--version"])
    assert e.value.code == 0
    assert capsys.readouterr().out.strip() == f"impact {__version__}"


def test_help_lists_commands(capsys):
    assert main([]) == 0
    out = capsys.readouterr().out
    for cmd in ("sample", "check", "clean"):
        assert cmd in out


def test_python_dash_m_runs():
    r = subprocess.run(
        [sys.executable, "-m", "impact", "--version"], capture_output=True, text=True, check=False
    )
    assert r.returncode == 0
    assert r.stdout.strip() == f"impact {__version__}"


def test_check_reports_every_file(sample_dir, capsys):
    assert main(["check", str(sample_dir / "raw")]) == 0
    out = capsys.readouterr().out
    assert "survey/baseline_sukabumi-2023.csv: 50 rows" in out
    assert "sales/orders_2024-12_adjustments.xlsx" in out


def test_clean_writes_contract_and_prints_audit(sample_dir, tmp_path, capsys):
    out = tmp_path / "processed"
    assert main(["clean", str(sample_dir / "raw"), "--out", str(out)]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "audit.json",
        "comparison.parquet",
        "comparison_followups.parquet",
        "followups.parquet",
        "lineage",
        "orders.parquet",
        "participants.parquet",
        "programme.json",
        "quarantine.csv",
        "reseller_monthly.parquet",
        "review.csv",
    ]
    text = capsys.readouterr().out
    assert "every row accounted for (read = clean + quarantined + duplicate): yes" in text
    audit = json.loads((out / "audit.json").read_text())
    assert audit["secret_source"] == "demo secret (synthetic sample)"


def test_clean_without_secret_fails_with_one_line(sample_dir, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("IMPACT_SECRET", raising=False)
    raw = tmp_path / "raw"
    shutil.copytree(sample_dir / "raw", raw)
    (raw / "SYNTHETIC_SAMPLE.txt").unlink()
    assert main(["clean", str(raw), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "IMPACT_SECRET" in err[0]
    assert not (tmp_path / "out").exists()


def test_missing_required_column_names_file_and_column(sample_dir, tmp_path, capsys):
    raw = tmp_path / "raw"
    shutil.copytree(sample_dir / "raw", raw)
    f = raw / "survey" / "followup_bekasi-2024_m3.csv"
    f.write_text(f.read_text().replace('"wave"', '"gelombang"', 1))
    assert main(["clean", str(raw), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(
        "impact: error: survey/followup_bekasi-2024_m3.csv: missing required column(s) wave"
    )
    assert "Traceback" not in err


def test_secret_file_changes_every_pseudonym(sample_dir, tmp_path):
    from impact.clean import clean

    secret = tmp_path / "secret.txt"
    secret.write_text("another-secret\n")
    a = clean(sample_dir / "raw")
    b = clean(sample_dir / "raw", secret_file=secret)
    assert not set(a.participants["participant_id"]) & set(b.participants["participant_id"])
    assert b.audit["secret_source"] == "secret file"
    assert "another-secret" not in json.dumps(b.audit)


def test_sample_scale_mode_writes_sales_that_clean(tmp_path, capsys):
    out = tmp_path / "scale"
    assert (
        main(["sample", "--resellers", "2000", "--orders", "20000", "--out", str(out), "--format", "csv"])
        == 0
    )
    assert "wrote 20,000 order rows" in capsys.readouterr().out
    assert (
        sorted(p.suffix for p in (out / "raw" / "sales").iterdir() if p.name.startswith("orders_"))
        == [".csv"] * 2
    )
    assert not (out / "truth" / "orders.csv").exists()  # the small sample's sales truth does not apply
    from impact.clean import clean

    data = clean(out / "raw")
    audit = data.audit["files"]
    sales = {k: v for k, v in audit.items() if k.startswith("sales/")}
    assert sum(f["rows_read"] for f in sales.values()) == 20_000
    assert data.orders["participant_id"].notna().any()  # participants' accounts are among the resellers
