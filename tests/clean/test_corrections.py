"""The corrections log: quarantine → corrections.csv → clean again → the rows are in; stale
corrections are reported, never applied; the raw exports are never touched."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pandas as pd
import pytest

from impact.clean import clean
from impact.clean.corrections import apply_corrections
from impact.cli import main
from impact.errors import InputError
from impact.io import read_corrections

HEADER = "file,row,participant_code,field,current_value,new_value,reason,corrected_by,corrected_on\n"
WHO = "called the participant,M&E officer,2024-12-10"


@pytest.fixture
def raw(tmp_path, sample_dir) -> Path:
    shutil.copytree(sample_dir / "raw", tmp_path / "raw")
    return tmp_path / "raw"


def _hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()}


def test_round_trip_quarantine_to_corrections_to_clean(raw, sample_clean):
    """Every quarantined row and cell of the sample that a person can fix, fixed through the log."""
    q = sample_clean.quarantine
    fixes = {
        ("sales/orders_2024-05_2024-12.csv", "status"): "Selesai",
        ("survey/baseline_sukabumi-2023.csv", "respondent/gender"): "P",
        ("survey/baseline_sukabumi-2023.csv", "employment/last_monthly_wage"): "Rp 3.500.000",
        ("survey/followup_sukabumi-2023.csv", "reseller/hours_per_week"): "20",
        ("survey/followup_sukabumi-2023.csv", "participant_code"): "SKB23-005",
    }
    lines = [HEADER]
    targets = []
    for (file, column), new in fixes.items():
        (row,) = q[(q["source_file"] == file) & (q["column"] == column)].itertuples(index=False)
        lines.append(f"{file},{row.source_row},,{column},{row.value},{new},{WHO}\n")
        targets.append((file, row.source_row, column))
    (raw / "corrections.csv").write_text("".join(lines), encoding="utf-8")
    before = _hashes(raw / "survey") | _hashes(raw / "sales")

    data = clean(raw)

    after_q = {(r.source_file, r.source_row, r.column) for r in data.quarantine.itertuples(index=False)}
    assert not set(targets) & after_q
    assert len(data.quarantine) == len(q) - len(fixes)
    log = data.audit["corrections_log"]
    assert (log["corrections"], log["applied"], log["stale"]) == (5, 5, 0)
    files = data.audit["files"]
    assert files["survey/baseline_sukabumi-2023.csv"]["corrections"]["corrected_by_log"] == 2
    assert files["sales/orders_2024-05_2024-12.csv"]["corrections"]["corrected_by_log"] == 1
    # the order is in now; the follow-up set aside for its unknown code is a row again
    assert data.audit["totals"]["rows_quarantined"] == sample_clean.audit["totals"]["rows_quarantined"] - 2
    assert data.audit["totals"]["rows_clean"] == sample_clean.audit["totals"]["rows_clean"] + 2
    assert _hashes(raw / "survey") | _hashes(raw / "sales") == before


def test_a_correction_whose_value_changed_is_stale_and_not_applied(raw):
    (raw / "corrections.csv").write_text(
        HEADER + f"survey/baseline_sukabumi-2023.csv,36,,respondent/gender,Y,P,{WHO}\n", encoding="utf-8"
    )
    data = clean(raw)
    [entry] = data.audit["corrections_log"]["entries"]
    assert (entry["status"], entry["value_found"], entry["cells_changed"]) == ("stale", "X", 0)
    q = data.quarantine
    assert ((q["source_row"] == 36) & (q["column"] == "respondent/gender")).any()


def test_a_correction_by_participant_code_applies_to_every_survey_file(raw):
    (raw / "corrections.csv").write_text(
        HEADER + f",,SKB23-005,respondent/district,Kota Sukabumi,Kabupaten Sukabumi,{WHO}\n", encoding="utf-8"
    )
    data = clean(raw)
    [entry] = data.audit["corrections_log"]["entries"]
    assert entry["status"] in ("applied", "stale")
    assert entry["files"] == ["survey/baseline_sukabumi-2023.csv"]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("survey/b.csv,2,,wave,,m3,,M&E officer,2024-12-10\n", "row 2: reason is empty"),
        (f"survey/b.csv,2,,wave,,m3,{WHO.replace('2024-12-10', '10/12/2024')}\n", "not a date"),
        (f",,,wave,,m3,{WHO}\n", "give the file"),
        (f"sales/o.csv,5,,order_id,A,B,{WHO}\n", "order ids cannot be corrected"),
        (f",7,SKB23-001,wave,,m3,{WHO}\n", "needs the file"),
    ],
)
def test_a_log_that_cannot_be_used_stops_clean_naming_its_row(raw, line, message):
    (raw / "corrections.csv").write_text(HEADER + line, encoding="utf-8")
    with pytest.raises(InputError, match=message) as err:
        read_corrections(raw)
    assert str(err.value).startswith("corrections.csv")


def test_impact_check_refuses_the_same_log(raw, capsys):
    (raw / "corrections.csv").write_text(HEADER + f"survey/b.csv,x,,wave,,m3,{WHO}\n", encoding="utf-8")
    assert main(["check", str(raw)]) == 2
    assert "corrections.csv: row 2: row 'x' is not a spreadsheet row number" in capsys.readouterr().err


def test_apply_corrections_only_changes_the_cells_named():
    frame = pd.DataFrame(
        {
            "wave": ["3 bln", "x", "x"],
            "participant_code": ["A", "SKB23-001", "SKB23-002"],
            "source_row": [2, 3, 4],
        }
    )
    log = pd.DataFrame(
        {
            "log_row": [2, 3],
            "file": ["f.csv", "f.csv"],
            "row": pd.array([3, 4], dtype="Int64"),
            "participant_code": ["", ""],
            "field": ["wave", "wave"],
            "current_value": ["x", "y"],
            "new_value": ["m3", "m6"],
        }
    )
    out, outcome = apply_corrections(frame, log, file="f.csv")
    assert out["wave"].tolist() == ["3 bln", "m3", "x"]
    assert frame["wave"].tolist() == ["3 bln", "x", "x"]  # the input is not changed
    assert outcome[["log_row", "status", "rows"]].astype(str).values.tolist() == [
        ["2", "applied", "1"],
        ["3", "stale", "0"],
    ]
    assert outcome["found"].tolist()[1] == "x"
    assert pd.isna(outcome["found"].tolist()[0])
