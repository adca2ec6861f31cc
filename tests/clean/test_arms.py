"""Comparison respondents (``impact.clean.arms``): marked by the optional ``study_group`` field
under its usual names and spellings, kept apart from participants, and never lost."""

from __future__ import annotations

import csv
import shutil

import pandas as pd
import pytest

from impact.clean import clean
from impact.clean.arms import COMPARISON, PARTICIPANT, normalise_study_group, study_group_column
from impact.errors import InputError

KARAWANG = "survey/baseline_karawang-2023.csv"


def test_spellings_of_both_groups_and_blanks():
    got = normalise_study_group(
        pd.Series(["Peserta", " kelompok  KONTROL ", "", None, "Waiting list", "pembanding", "x"])
    )
    assert got["value"].tolist()[:6] == [
        PARTICIPANT,
        COMPARISON,
        PARTICIPANT,
        PARTICIPANT,
        COMPARISON,
        COMPARISON,
    ]
    assert pd.isna(got["value"].iloc[6])
    assert got["issue"].iloc[6] == "invalid"
    assert "expected participant or comparison" in got["reason"].iloc[6]


def test_a_programmes_own_choice_names_are_aliases():
    got = normalise_study_group(pd.Series(["1", "2", "3"]), aliases={"1": "participant", "2": "comparison"})
    assert got["value"].tolist()[:2] == [PARTICIPANT, COMPARISON]
    assert pd.isna(got["value"].iloc[2])


def test_the_sample_keeps_comparison_respondents_out_of_every_participant_table(sample_clean):
    data = sample_clean
    assert len(data.comparison) == 40
    assert data.comparison["participant_id"].str.startswith("C-").all()
    assert not data.participants["participant_id"].str.startswith("C-").any()
    assert data.comparison["reseller_key"].isna().all()  # no platform account is used
    assert (data.participants["cohort"] == "karawang-2023").sum() == 42
    assert set(data.comparison_followups["participant_id"]) <= set(data.comparison["participant_id"])
    assert not set(data.followups["participant_id"]) & set(data.comparison["participant_id"])
    assert data.audit["comparison"] == {"respondents": {"karawang-2023": 40}}
    assert data.audit["tables"]["comparison"] == 40


def _rewrite(path, header: str, values: dict[str, str]) -> None:
    """The Karawang baseline with the study-group column renamed and some answers changed."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))
    col = rows[0].index("study_group")
    rows[0][col] = header
    for row in rows[1:]:
        code = row[2].strip()
        if code in values:
            row[col] = values[code]
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f, delimiter=";", quoting=csv.QUOTE_ALL).writerows(rows)


@pytest.fixture(scope="module")
def respelled(tmp_path_factory, sample_dir):
    """The sample with the field named as another form names it ("Kelompok responden"), two
    comparison respondents answering "Kelompok Kontrol" and one answering nonsense."""
    raw = tmp_path_factory.mktemp("arms") / "raw"
    shutil.copytree(sample_dir / "raw", raw)
    _rewrite(
        raw / KARAWANG,
        "Data responden/Kelompok responden",
        {"KRW23-501": "Kelompok Kontrol", "KRW23-502": "KONTROL", "KRW23-503": "tidak tahu"},
    )
    return clean(raw)


def test_another_header_and_spellings_are_read_and_nobody_is_lost(respelled, sample_clean):
    data = respelled
    assert len(data.comparison) == len(sample_clean.comparison) - 1
    assert len(data.participants) == len(sample_clean.participants)
    q = data.quarantine
    aside = q[(q["column"] == "study_group") & q["source_file"].str.endswith("baseline_karawang-2023.csv")]
    assert len(aside) == 1
    assert aside["reason"].iloc[0] == "unknown study group (expected participant or comparison)"
    # the row accounting still closes: every row read is clean, set aside or a duplicate
    totals = data.audit["totals"]
    assert totals["rows_read"] == totals["rows_clean"] + totals["rows_quarantined"] + totals["rows_duplicate"]


def test_a_column_whose_answers_name_the_groups_is_the_study_group_whatever_its_header():
    frame = pd.DataFrame(
        {
            "participant_code": ["A-1", "A-2", "A-3"],
            "Kategori": ["Peserta", "Pembanding", ""],  # a header nobody foresaw
            "catatan": ["peserta baru", "", "x"],  # free text: not every answer names a group
        }
    )
    assert study_group_column(frame, taken={"participant_code"}, file="f.csv") == "Kategori"
    only_participants = frame.assign(Kategori=["Peserta", "Peserta", ""])
    assert study_group_column(only_participants, taken={"participant_code"}, file="f.csv") is None


def test_two_candidate_columns_are_an_error_naming_both():
    frame = pd.DataFrame({"Kelompok": ["peserta"], "Jenis responden": ["pembanding"]})
    with pytest.raises(InputError, match=r"f\.csv: columns 'Kelompok' and 'Jenis responden' both look like"):
        study_group_column(frame, taken=set(), file="f.csv")
