"""A programme's next cohort, as it would really arrive: in configuration only (no code), with
Kobo's file names and field spellings, and a confederation nobody anticipated."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from impact.clean import clean
from impact.cli import main
from impact.io import load, write_processed
from impact.synth.cohort import CohortPlan, write_cohort_folder

PLAN = CohortPlan(
    code="karawang-2025",
    prefix="KRW25",
    name="Karawang, February 2025",
    confederations={"KSPSI Rekonsiliasi": 5, "Konfederasi Sarbumusi": 6, "K-SBSI": 4, "Serikat Merdeka": 2},
    waves={"m3": 14, "m6": 11},
)


@pytest.fixture(scope="module")
def cohort(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("karawang")
    write_cohort_folder(root / "raw", PLAN)
    return root / "raw", root


def test_a_cohort_known_only_to_the_configuration_is_cleaned(cohort):
    raw, _ = cohort
    data = clean(raw)
    c = data.programme.cohorts["karawang-2025"]
    assert (c.training_month, c.waves, c.inferred) == (date(2025, 2, 1), ("m3", "m6"), ())
    assert set(data.participants["cohort"]) == {"karawang-2025"}
    assert len(data.followups) == 14 + 11


def test_no_participant_is_lost_to_a_spelling(cohort):
    raw, _ = cohort
    data = clean(raw)
    assert len(data.participants) == 17  # everyone, whatever their confederation was written as
    counts = data.participants["confederation"].astype(str).value_counts().to_dict()
    assert counts == {"sarbumusi": 6, "kspsi_rek": 5, "ksbsi": 4, "unmapped": 2}
    assert data.audit["linkage"]["followups_linked"] == 25
    review = data.review
    unmapped = review[review["status"] == "unmapped"]
    assert unmapped[["value", "rows"]].astype(str).values.tolist() == [["Serikat Merdeka", "2"]]
    assert unmapped["suggestions"].notna().all()
    matched = review[review["status"] == "matched"]
    assert matched[["value", "mapped_to", "how"]].values.tolist() == [
        ["Konfederasi Sarbumusi", "sarbumusi", "prefix"]
    ]
    files = data.audit["files"]
    baseline = next(f for name, f in files.items() if "registrasi" in name)
    assert baseline["corrections"]["confederation_unmapped"] == 2
    assert baseline["corrections"]["confederation_matched_tolerantly"] == 6


def test_the_report_of_the_new_cohort_runs_and_names_it(cohort, capsys):
    raw, root = cohort
    write_processed(clean(raw), root / "processed")
    code = main(
        [
            "report",
            str(root / "processed"),
            "--cohort",
            "karawang-2025",
            "--no-pdf",
            "--out",
            str(root / "reports"),
        ]
    )
    assert code == 0, capsys.readouterr().err
    page = (root / "reports" / "karawang-2025" / "karawang-2025_all_public.html").read_text()
    assert "Karawang, February 2025" in page
    assert (root / "reports" / "karawang-2025" / "indicators_public.xlsx").is_file()


def test_without_a_configuration_the_cohort_is_described_from_the_data_and_said_so(tmp_path):
    raw = tmp_path / "raw"
    write_cohort_folder(raw, CohortPlan(code="karawang-2025", prefix="KRW25", programme=False))
    data = clean(raw)
    c = data.programme.cohorts["karawang-2025"]
    assert c.training_month == date(2025, 2, 1)  # the month the baseline was registered in
    assert "training_month" in c.inferred
    assert data.audit["programme"]["source"] == "none"
    write_processed(data, tmp_path / "processed")
    saved = json.loads((tmp_path / "processed" / "programme.json").read_text())
    assert saved["cohorts"][0]["inferred"]
    assert load(tmp_path / "processed").programme.cohorts["karawang-2025"].training_month == date(2025, 2, 1)
    from impact.publish.results import build

    r = build(tmp_path / "processed", cohort="karawang-2025")
    assert any("not in the programme configuration" in n for n in r.notes)


def test_a_given_configuration_wins_over_the_folders(cohort, tmp_path):
    raw, _ = cohort
    other = tmp_path / "other.toml"
    other.write_text(
        '[[cohorts]]\ncode = "karawang-2025"\nname = "K"\ntraining_month = "2025-01"\ncode_prefix = "KRW25"\n'
        'waves = ["m3"]\n'
    )
    data = clean(raw, programme=other)
    assert data.programme.cohorts["karawang-2025"].training_month == date(2025, 1, 1)
    assert data.programme.source == "other.toml"
    assert sorted(pd.unique(data.followups["wave"].astype(str))) == ["m3", "m6"]
