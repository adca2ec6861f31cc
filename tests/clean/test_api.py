"""Cleaning the bundled sample reproduces the generator's truth, and every row is accounted for."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from impact import config
from impact.clean.pseudonymise import pseudonymise


def _pid(codes: pd.Series) -> pd.Series:
    return pseudonymise(codes, secret=config.DEMO_SECRET, prefix="P-", namespace="participant")


def _rkey(ids: pd.Series) -> pd.Series:
    return pseudonymise(ids, secret=config.DEMO_SECRET, prefix="R-", namespace="reseller")


@pytest.fixture(scope="module")
def truth(sample_dir):
    t = sample_dir / "truth"
    ppl = pd.read_csv(t / "participants.csv", dtype={"participant_code": "string", "reseller_id": "string"})
    ppl = ppl.assign(participant_id=_pid(ppl["participant_code"]), reseller_key=_rkey(ppl["reseller_id"]))
    fu = pd.read_csv(t / "followups.csv", dtype={"participant_code": "string"})
    fu = fu.assign(participant_id=_pid(fu["participant_code"]))
    monthly = pd.read_csv(t / "reseller_monthly.csv", dtype={"reseller_id": "string"})
    monthly = monthly.assign(reseller_key=_rkey(monthly["reseller_id"]))
    anomalies = json.loads((t / "anomalies.json").read_text())
    return ppl, fu, monthly, anomalies


def test_participants_match_truth(sample_clean, truth):
    ppl, *_ = truth
    got = sample_clean.participants.set_index("participant_id").sort_index()
    want = ppl.set_index("participant_id").sort_index()
    assert got.index.equals(want.index)
    assert (got["confederation"].astype(str) == want["confederation"]).all()
    pd.testing.assert_series_equal(
        got["gender"].astype("string"), want["gender"].astype("string"), check_names=False
    )
    for col in (
        "income_before_idr",
        "income_baseline_idr",
        "target_monthly_idr",
        "birth_year",
        "sessions_attended",
    ):
        pd.testing.assert_series_equal(got[col], want[col].astype("Int64"), check_names=False, obj=col)
    assert (got["target_period_reported"].astype(str) == want["target_period_reported"]).all()
    assert (got["layoff_month"].dt.strftime("%Y-%m") == want["layoff_month"]).all()
    assert (got["district"] == want["district"]).all()
    pd.testing.assert_series_equal(got["reseller_key"], want["reseller_key"], check_names=False)


def test_followups_match_truth(sample_clean, truth):
    _, fu, *_ = truth
    got = sample_clean.followups.assign(wave=lambda d: d["wave"].astype(str)).set_index(
        ["participant_id", "wave"]
    )
    want = fu.set_index(["participant_id", "wave"])
    got, want = got.sort_index(), want.sort_index()
    assert got.index.equals(want.index)
    for col in ("income_total_idr", "income_reseller_idr", "hours_per_week"):
        pd.testing.assert_series_equal(got[col], want[col].astype("Int64"), check_names=False, obj=col)
    for col in ("still_active", "reemployed"):
        pd.testing.assert_series_equal(got[col], want[col].astype("boolean"), check_names=False, obj=col)
    assert (got["interview_date"].dt.strftime("%Y-%m-%d") == want["interview_date"]).all()


def test_monthly_commission_matches_truth(sample_clean, truth):
    *_, monthly, _ = truth
    got = sample_clean.reseller_monthly.assign(month=lambda d: d["month"].dt.strftime("%Y-%m"))
    got = got.set_index(["reseller_key", "month"]).sort_index()
    want = monthly.set_index(["reseller_key", "month"]).sort_index()
    assert got.index.equals(want.index)
    for col in ("orders_completed", "gross_idr", "commission_idr"):
        assert (got[col].astype("int64") == want[col]).all(), col


def test_orders_are_distinct_and_linked(sample_clean, sample_dir):
    orders = sample_clean.orders
    truth = pd.read_csv(sample_dir / "truth" / "orders.csv")
    assert orders["order_id"].is_unique
    assert set(orders["order_id"]) == set(truth["order_id"])
    assert str(orders["order_time"].dt.tz) == "Asia/Jakarta"
    got = orders.set_index("order_id")["status"].astype(str).sort_index()
    want = truth.set_index("order_id")["status"].sort_index()
    assert (got == want).all()  # the export that sorts last wins
    linked = orders["participant_id"].notna()
    assert 0.5 < linked.mean() < 1.0  # a few accounts are not in the survey


def test_audit_reconciles_for_every_file(sample_clean):
    files = sample_clean.audit["files"]
    assert len(files) == 11  # 7 survey exports (the third cohort's holds its comparison group too), 4 sales
    for name, f in files.items():
        assert f["rows_read"] == f["rows_clean"] + f["rows_quarantined"] + f["rows_duplicate"], name


def test_planted_anomalies_are_in_quarantine_and_audit(sample_clean, truth):
    *_, anomalies = truth
    q = sample_clean.quarantine
    keyed = set(zip(q["source_file"], q["source_row"], q["column"], strict=True))
    for a in anomalies:
        if a["kind"] in ("invalid", "implausible", "row"):
            assert (a["file"], a["source_row"], a["column"]) in keyed, a
    files = sample_clean.audit["files"]
    for name, f in files.items():
        planted = sum(1 for a in anomalies if a["kind"] == "duplicate" and a["file"] == name)
        if name.startswith("survey/"):
            assert f["rows_duplicate"] == planted, name
        else:  # exact repeats plus rows superseded by a later export
            assert f["rows_duplicate"] >= planted, name
    dont_know = sum(
        k
        for f in files.values()
        for rule, k in f["corrections"].items()
        if rule.startswith("dont_know_to_missing")
    )
    assert dont_know >= sum(1 for a in anomalies if a["kind"] == "dont_know")


def test_no_personal_data_in_clean_tables(sample_clean, sample_dir):
    raw = pd.read_csv(sample_dir / "raw" / "survey" / "baseline_sukabumi-2023.csv", sep=";", dtype=str)
    names = set(raw["respondent/full_name"].dropna()) - {""}
    tables = [sample_clean.participants, sample_clean.followups, sample_clean.orders, sample_clean.quarantine]
    text = "\n".join(t.astype(str).to_csv() for t in tables)
    for name in names:
        assert name not in text
    for nik in raw["respondent/nik"].dropna():
        if nik:
            assert nik not in text


def test_write_and_load_round_trip(sample_clean, tmp_path):
    from impact.io import load, write_processed

    out = write_processed(sample_clean, tmp_path / "processed")
    back = load(out)
    pd.testing.assert_frame_equal(back.participants, sample_clean.participants)
    pd.testing.assert_frame_equal(back.followups, sample_clean.followups)
    pd.testing.assert_frame_equal(back.reseller_monthly, sample_clean.reseller_monthly)
    pd.testing.assert_frame_equal(back.orders, sample_clean.orders)
    assert len(back.quarantine) == len(sample_clean.quarantine)
    assert back.audit["totals"] == sample_clean.audit["totals"]
