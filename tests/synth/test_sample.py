"""The sample generator keeps its promises: deterministic, realistic, every format present."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from impact import vocab
from impact.synth.sample import write_sample


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample")
    write_sample(out)
    return out


def _files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_regenerates_committed_sample_byte_for_byte(regenerated, sample_dir):
    assert _files(regenerated / "raw") == _files(sample_dir / "raw")
    assert _files(regenerated / "truth") == _files(sample_dir / "truth")
    for name in _files(sample_dir / "raw") + ["../truth/" + f for f in _files(sample_dir / "truth")]:
        if name.endswith(".xlsx"):
            continue
        assert (regenerated / "raw" / name).read_bytes() == (sample_dir / "raw" / name).read_bytes(), name


def test_regenerates_xlsx_cell_for_cell(regenerated, sample_dir):
    for name in [f for f in _files(sample_dir / "raw") if f.endswith(".xlsx")]:
        a = load_workbook(regenerated / "raw" / name, read_only=True)
        b = load_workbook(sample_dir / "raw" / name, read_only=True)
        assert a.sheetnames == b.sheetnames
        for sa, sb in zip(a.worksheets, b.worksheets, strict=True):
            assert list(sa.iter_rows(values_only=True)) == list(sb.iter_rows(values_only=True)), name


def test_cohort_sizes_and_gender_mix(sample_dir):
    ppl = pd.read_csv(sample_dir / "truth" / "participants.csv")
    sizes = ppl.groupby("cohort").size().to_dict()
    assert sizes == {"bekasi-2024": 40, "karawang-2023": 42, "sukabumi-2023": 48}
    skb = ppl[ppl["cohort"] == "sukabumi-2023"]
    assert set(skb["confederation"]) == set(vocab.CONFEDERATIONS)
    # about 40% women (one participant's gender is planted as unknown)
    share_f = (skb["gender"] == "female").sum() / skb["gender"].notna().sum()
    assert 0.35 <= share_f <= 0.45
    # unevenly spread: the share of women differs by confederation
    by_conf = skb.groupby("confederation")["gender"].apply(lambda g: (g == "female").mean())
    assert by_conf.max() - by_conf.min() > 0.25


def test_attrition_like_the_real_programme(sample_dir):
    ppl = pd.read_csv(sample_dir / "truth" / "participants.csv")
    fu = pd.read_csv(sample_dir / "truth" / "followups.csv").merge(ppl[["participant_code", "cohort"]])
    n = fu.groupby(["cohort", "wave"]).size().to_dict()
    assert n[("sukabumi-2023", "m3")] == 34
    assert n[("sukabumi-2023", "m6")] == 30
    assert n[("sukabumi-2023", "m12")] == 29
    assert ("bekasi-2024", "m12") not in n  # Bekasi is censored after m6
    assert ppl.groupby("cohort")["sessions_attended"].apply(lambda s: (s >= 2).sum())["sukabumi-2023"] == 30


def test_wages_around_minimum_wage_and_recovery_heterogeneous(sample_dir):
    ppl = pd.read_csv(sample_dir / "truth" / "participants.csv")
    skb = ppl[ppl["cohort"] == "sukabumi-2023"]["income_before_idr"].dropna()
    assert 2_500_000 <= skb.median() <= 4_000_000
    assert (skb > 5_000_000).sum() >= 2  # a few well above
    fu = pd.read_csv(sample_dir / "truth" / "followups.csv").merge(ppl, on="participant_code")
    ratio = (fu["income_total_idr"] / fu["income_before_idr"])[fu["wave"] == "m12"].dropna()
    assert 0.1 <= (ratio >= 1).mean() <= 0.5  # some exceed their old wage, many do not


def test_commissions_are_heavy_tailed_and_distinct_from_gmv(sample_dir):
    m = pd.read_csv(sample_dir / "truth" / "reseller_monthly.csv")
    assert m["commission_idr"].median() < 1_500_000
    assert m["commission_idr"].max() > 4 * m["commission_idr"].median()
    rate = m["commission_idr"] / m["gross_idr"]
    assert rate.between(0.08, 0.20).all()


def test_every_contract_format_is_present(sample_dir):
    raw = sample_dir / "raw"
    bom_csv = (raw / "survey" / "baseline_sukabumi-2023.csv").read_bytes()
    assert bom_csv.startswith(b'\xef\xbb\xbf"start";')  # Kobo: BOM, ';', every cell quoted
    odk = (raw / "survey" / "followup_sukabumi-2023.csv").read_text()
    assert odk.startswith("SubmissionDate,")  # ODK Central: ',' and '-' between groups
    assert "income-sources/reseller" in odk
    assert "#respondent+code" in (raw / "survey" / "followup_bekasi-2024_m3.csv").read_text()  # HXL row
    assert {p.suffix for p in (raw / "survey").iterdir()} == {".csv", ".xlsx"}
    assert len(list((raw / "sales").iterdir())) >= 2
    from impact.io import read_sales_file, read_survey_file

    cells = pd.concat(
        [read_survey_file(p, p.name).frame.stack() for p in sorted((raw / "survey").iterdir())]
        + [read_sales_file(p, p.name).frame.stack() for p in sorted((raw / "sales").iterdir())]
    ).astype(str)
    patterns = {
        "Rp 1.500.000": r"^Rp \d{1,3}(\.\d{3})+$",
        "Rp1.500.000,00": r"^Rp\d{1,3}(\.\d{3})+,00$",
        "Rp. 1.500.000,-": r"^Rp\. [\d.]+,-$",
        "IDR 1.500.000": r"^IDR [\d.]+$",
        "1,5 jt": r"^\d+,\d jt$",
        "1.5jt": r"^\d+\.\djt$",
        "2 juta": r"^\d+(,\d)? juta$",
        "150rb": r"^\d+rb$",
        "150 ribu": r"^\d+ ribu$",
        "150k": r"^\d+k$",
        "don't know": r"^(?:-99|tidak tahu|TT)$",
        "L/P": r"^[LP]$",
        "Pria/Wanita": r"^(?:Pria|Wanita)$",
        "M/F": r"^[MF]$",
        "Laki-laki": r"^[Ll]aki-laki$",
        "15 Agustus 2022": r"^\d{1,2} [A-Z][a-z]+ \d{4}$",
        "Maret 2022": r"^[A-Z][a-z]+ \d{4}$",
        "dd/mm/yyyy": r"^\d\d/\d\d/\d{4}$",
        "iso date": r"^\d{4}-\d\d-\d\d$",
        "08…": r"^08\d{8,11}$",
        "+62 8…": r"^\+62 8[\d ]+$",
        "628…": r"^628\d{8,11}$",
        "dashes": r"^08\d\d-\d{4}-",
        "wave 3m": r"^\d+m$",
        "wave bulan": r"^\d+ bulan$",
        "bulan ke-": r"^[Bb]ulan ke[- ]\d+$",
        "KSPSI Rekonsiliasi": r"^KSPSI Rekonsiliasi$",
        "KSPSI-Reconciliation": r"^KSPSI-Reconciliation$",
        "K-SARBUMUSI": r"^K-SARBUMUSI$",
        "KSBSI": r"^KSBSI$",
        "Selesai": r"^\s*[Ss]elesai\s*$",
        "iso time": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00$",
        "wib time": r"^\d\d/\d\d/\d{4} \d\d:\d\d$",
    }
    for label, pattern in patterns.items():
        assert cells.str.match(f"(?:{pattern})").any(), label
    assert (raw / "SYNTHETIC_SAMPLE.txt").is_file()


def test_sales_exports_overlap_and_statuses_change(sample_dir):
    a = pd.read_csv(sample_dir / "raw" / "sales" / "orders_2023-09_2024-06.csv", dtype=str)
    b = pd.read_csv(sample_dir / "raw" / "sales" / "orders_2024-05_2024-12.csv", dtype=str, sep=";")
    both = a.merge(b, on="order_id", suffixes=("_a", "_b"))
    assert len(both) > 100
    changed = both["status_a"].str.strip().str.lower() != both["status_b"].str.strip().str.lower()
    assert changed.any()
    assert a["order_time"].str.endswith("+07:00").any()
    assert a["order_time"].str.endswith("Z").any()
    assert b["order_time"].str.match(r"\d\d/\d\d/\d{4} \d\d:\d\d$").sum() == len(b) - 1  # one garbage time


def test_anomalies_are_recorded(sample_dir):
    items = json.loads((sample_dir / "truth" / "anomalies.json").read_text())
    kinds = {i["kind"] for i in items}
    assert {"dont_know", "implausible", "invalid", "duplicate", "row", "correction"} <= kinds


def test_sample_people_are_fake(sample_dir):
    import impact.synth.truth as s

    names = pd.read_csv(sample_dir / "raw" / "survey" / "baseline_sukabumi-2023.csv", sep=";", dtype=str)[
        "respondent/full_name"
    ]
    first = names.str.split().str[0]
    assert first.isin(s.FIRST_NAMES_F + s.FIRST_NAMES_M + ("tes",)).all()
