"""Tests for impact.indicators on tiny inline frames worked by hand (see docs/indicators.md)."""

from __future__ import annotations

import pandas as pd
import pytest

from impact import vocab
from impact.clean import schema
from impact.errors import ReferenceDataError
from impact.measure import indicators
from impact.synth.truth import SAMPLE_PROGRAMME

#: the sample's cohorts (Sukabumi trained September 2023, Bekasi May 2024)
COHORTS = SAMPLE_PROGRAMME.cohorts


def recovery_by_wave(*args, **kwargs):
    return indicators.recovery_by_wave(*args, cohorts=kwargs.pop("cohorts", COHORTS), **kwargs)


def participant_months(*args, **kwargs):
    return indicators.participant_months(*args, cohorts=kwargs.pop("cohorts", COHORTS), **kwargs)


SKB = "sukabumi-2023"  # trained 2023-09, waves m3 m6 m12
BKS = "bekasi-2024"  # trained 2024-05, waves m3 m6


# --- builders: frames with the processed-data contract's dtypes ------------------------------------


def pid(i: int) -> str:
    return f"P-{i:016x}"


def rkey(i: int) -> str:
    return f"R-{i:016x}"


PARTICIPANT_DEFAULTS = {
    "cohort": SKB,
    "confederation": "kspn",
    "gender": "female",
    "birth_year": 1990,
    "district": "Kabupaten Sukabumi",
    "layoff_month": pd.Timestamp("2023-01-01"),
    "income_before_idr": 2_000_000,
    "income_baseline_idr": 0,
    "target_monthly_idr": None,
    "target_period_reported": None,
    "reseller_key": None,
    "sessions_attended": 3,
}


def participants(*rows: dict) -> pd.DataFrame:
    """Participants table; each row gives ``i`` (the id number) and any column to override."""
    records = [
        {"participant_id": pid(r["i"]), **PARTICIPANT_DEFAULTS, **{k: v for k, v in r.items() if k != "i"}}
        for r in rows
    ]
    df = pd.DataFrame.from_records(records, columns=list(schema.PARTICIPANTS.columns))
    return df.astype(
        {
            "participant_id": "string",
            "cohort": "string",
            "confederation": vocab.CONFEDERATION_DTYPE,
            "gender": vocab.GENDER_DTYPE,
            "birth_year": "Int64",
            "district": "string",
            "layoff_month": "datetime64[us]",
            "income_before_idr": "Int64",
            "income_baseline_idr": "Int64",
            "target_monthly_idr": "Int64",
            "target_period_reported": vocab.TARGET_PERIOD_DTYPE,
            "reseller_key": "string",
            "sessions_attended": "Int64",
        }
    )


def followups(*rows: dict) -> pd.DataFrame:
    """Follow-ups table; each row gives ``i``, ``wave`` and any column to override."""
    defaults = {
        "interview_date": None,
        "income_total_idr": None,
        "income_reseller_idr": None,
        "still_active": None,
        "hours_per_week": None,
        "reemployed": None,
        "wage_last_month_idr": None,
    }
    records = [
        {"participant_id": pid(r["i"]), **defaults, **{k: v for k, v in r.items() if k != "i"}} for r in rows
    ]
    df = pd.DataFrame.from_records(records, columns=list(schema.FOLLOWUPS.columns))
    return df.astype(
        {
            "participant_id": "string",
            "wave": vocab.WAVE_DTYPE,
            "interview_date": "datetime64[us]",
            "income_total_idr": "Int64",
            "income_reseller_idr": "Int64",
            "still_active": "boolean",
            "hours_per_week": "Int64",
            "reemployed": "boolean",
            "wage_last_month_idr": "Int64",
        }
    )


def reseller_monthly(*rows: tuple[int, str, int, int, int]) -> pd.DataFrame:
    """(reseller number, month YYYY-MM, orders completed, gross, commission) per row."""
    return pd.DataFrame(
        {
            "reseller_key": pd.array([rkey(r[0]) for r in rows], dtype="string"),
            "participant_id": pd.array([None] * len(rows), dtype="string"),
            "month": pd.to_datetime([r[1] for r in rows], format="%Y-%m").astype("datetime64[us]"),
            "orders_completed": pd.array([r[2] for r in rows], dtype="Int64"),
            "gross_idr": pd.array([r[3] for r in rows], dtype="Int64"),
            "commission_idr": pd.array([r[4] for r in rows], dtype="Int64"),
        }
    )


def one_wave(p: pd.DataFrame, f: pd.DataFrame, wave: str = "m6", **options) -> pd.DataFrame:
    """recovery_by_wave restricted to one wave, indexed by participant number order."""
    out = recovery_by_wave(p, f, **options)
    return out[out["wave"] == wave].reset_index(drop=True)


def answered(i: int, total: int | None, *, wave: str = "m6", date: str = "2024-03-09", **more) -> dict:
    return {"i": i, "wave": wave, "interview_date": pd.Timestamp(date), "income_total_idr": total, **more}


def test_builders_follow_the_processed_contract() -> None:
    schema.validate("participants", participants({"i": 1, "reseller_key": rkey(1), "target_monthly_idr": 5}))
    schema.validate("followups", followups(answered(1, 10)))
    schema.validate("reseller_monthly", reseller_monthly((1, "2024-02", 1, 100, 10)))


# --- recovery_by_wave: the ratio and its thresholds -----------------------------------------------


def test_recovery_ratio_is_income_now_over_pre_layoff_wage() -> None:
    p = participants({"i": 1, "income_before_idr": 2_000_000}, {"i": 2, "income_before_idr": 1_000_000})
    f = followups(answered(1, 1_500_000), answered(2, 1_200_000))
    out = one_wave(p, f)
    expected = pd.DataFrame(
        {
            "recovery_ratio": pd.array([0.75, 1.2], dtype="Float64"),
            "recovered": pd.array([False, True], dtype="boolean"),
            "partially_recovered": pd.array([True, True], dtype="boolean"),
        }
    )
    pd.testing.assert_frame_equal(out[["recovery_ratio", "recovered", "partially_recovered"]], expected)


def test_zero_pre_layoff_wage_gives_missing_ratio_not_inf_and_recovered_missing_not_false() -> None:
    p = participants({"i": 1, "income_before_idr": 0})
    out = one_wave(p, followups(answered(1, 1_500_000)))
    assert out["recovery_ratio"].isna().all()
    assert out["recovered"].isna().all()
    assert out["partially_recovered"].isna().all()
    assert out["recovered"].dtype == "boolean"


def test_missing_income_now_gives_missing_ratio_but_counts_as_responded() -> None:
    p = participants({"i": 1})
    out = one_wave(p, followups(answered(1, None)))
    assert out.loc[0, "responded"]
    assert pd.isna(out.loc[0, "recovery_ratio"])
    assert pd.isna(out.loc[0, "recovered"])


def test_missing_pre_layoff_wage_gives_missing_ratio() -> None:
    p = participants({"i": 1, "income_before_idr": None})
    out = one_wave(p, followups(answered(1, 1_000_000)))
    assert pd.isna(out.loc[0, "recovery_ratio"])


def test_recovery_threshold_parameter_is_respected() -> None:
    p = participants({"i": 1, "income_before_idr": 2_000_000})
    f = followups(answered(1, 1_900_000))  # ratio 0.95
    assert not one_wave(p, f)["recovered"].iloc[0]
    assert one_wave(p, f, threshold=0.9)["recovered"].iloc[0]


def test_partial_threshold_parameter_is_respected() -> None:
    p = participants({"i": 1, "income_before_idr": 2_000_000})
    f = followups(answered(1, 800_000))  # ratio 0.4
    assert not one_wave(p, f)["partially_recovered"].iloc[0]
    assert one_wave(p, f, partial=0.4)["partially_recovered"].iloc[0]


def test_ratio_equal_to_threshold_is_recovered() -> None:
    p = participants({"i": 1, "income_before_idr": 2_000_000})
    assert one_wave(p, followups(answered(1, 2_000_000)))["recovered"].iloc[0]


# --- recovery_by_wave: one row per participant × eligible wave ------------------------------------


def test_every_eligible_wave_is_a_row_and_unanswered_ones_have_responded_false() -> None:
    p = participants({"i": 1, "cohort": SKB}, {"i": 2, "cohort": BKS, "district": "Kota Bekasi"})
    f = followups(answered(1, 1_000_000, wave="m6"), answered(2, 1_000_000, wave="m3", date="2024-08-10"))
    out = recovery_by_wave(p, f)
    expected = pd.DataFrame(
        {
            "participant_id": pd.array([pid(2), pid(2), pid(1), pid(1), pid(1)], dtype="string"),
            "wave": pd.Categorical(["m3", "m6", "m3", "m6", "m12"], dtype=vocab.WAVE_DTYPE),
            "months_after_training": pd.array([3, 6, 3, 6, 12], dtype="Int64"),
            "responded": [True, False, False, True, False],
        }
    )
    pd.testing.assert_frame_equal(out[list(expected.columns)], expected)


def test_rows_are_ordered_by_cohort_participant_and_wave_whatever_the_input_order() -> None:
    p = participants({"i": 3}, {"i": 1}, {"i": 2, "cohort": BKS, "district": "Kota Bekasi"})
    f = followups(answered(1, 10, wave="m12"), answered(3, 10, wave="m3"), answered(1, 10, wave="m3"))
    out = recovery_by_wave(p, f)
    assert out[["participant_id", "wave"]].astype(str).values.tolist() == [
        [pid(2), "m3"],
        [pid(2), "m6"],
        [pid(1), "m3"],
        [pid(1), "m6"],
        [pid(1), "m12"],
        [pid(3), "m3"],
        [pid(3), "m6"],
        [pid(3), "m12"],
    ]
    assert out.index.equals(pd.RangeIndex(8))


def test_participant_without_any_followup_still_has_every_wave() -> None:
    out = recovery_by_wave(participants({"i": 1}), followups())
    assert out["wave"].astype(str).tolist() == ["m3", "m6", "m12"]
    assert not out["responded"].any()
    assert out["recovery_ratio"].isna().all()


def test_unregistered_cohort_gets_the_waves_observed_in_its_followups() -> None:
    p = participants(
        {"i": 1, "cohort": "jakarta-2025", "district": "Kota A"}, {"i": 2, "cohort": "jakarta-2025"}
    )
    f = followups(answered(1, 10, wave="m12"), answered(1, 10, wave="m3"))
    out = recovery_by_wave(p, f)
    assert out[["participant_id", "wave"]].astype(str).values.tolist() == [
        [pid(1), "m3"],
        [pid(1), "m12"],
        [pid(2), "m3"],
        [pid(2), "m12"],
    ]
    assert out["training_month"].isna().all()


def test_training_month_is_the_cohorts() -> None:
    p = participants({"i": 1, "cohort": SKB}, {"i": 2, "cohort": BKS, "district": "Kota Bekasi"})
    out = recovery_by_wave(p, followups()).drop_duplicates("participant_id")
    assert dict(zip(out["cohort"], out["training_month"], strict=True)) == {
        BKS: pd.Timestamp("2024-05-01"),
        SKB: pd.Timestamp("2023-09-01"),
    }


# --- recovery_by_wave: shares and targets -----------------------------------------------------------


def test_reseller_share_is_reseller_income_over_total() -> None:
    p = participants({"i": 1})
    out = one_wave(p, followups(answered(1, 2_000_000, income_reseller_idr=500_000)))
    assert out.loc[0, "reseller_share"] == 0.25


def test_reseller_share_is_missing_when_total_is_zero() -> None:
    p = participants({"i": 1})
    out = one_wave(p, followups(answered(1, 0, income_reseller_idr=0)))
    assert pd.isna(out.loc[0, "reseller_share"])
    assert out.loc[0, "recovery_ratio"] == 0.0


def test_target_attainment_survey_is_reseller_income_over_own_target() -> None:
    p = participants(
        {"i": 1, "target_monthly_idr": 2_000_000},
        {"i": 2, "target_monthly_idr": 0},
        {"i": 3, "target_monthly_idr": None},
    )
    f = followups(*(answered(i, 2_000_000, income_reseller_idr=500_000) for i in (1, 2, 3)))
    got = one_wave(p, f)["target_attainment_survey"]
    pd.testing.assert_series_equal(
        got, pd.Series([0.25, None, None], dtype="Float64", name="target_attainment_survey")
    )


# --- recovery_by_wave: platform commission of the month before the interview ------------------------


def test_platform_attainment_uses_commission_of_the_month_before_the_interview() -> None:
    p = participants({"i": 1, "reseller_key": rkey(1), "target_monthly_idr": 1_000_000})
    rm = reseller_monthly((1, "2024-02", 3, 900_000, 300_000), (1, "2024-03", 9, 2_700_000, 900_000))
    out = one_wave(p, followups(answered(1, 1_000_000, date="2024-03-09")), reseller_monthly=rm)
    assert out.loc[0, "survey_reference_month"] == pd.Timestamp("2024-02-01")
    assert out.loc[0, "commission_last_month_idr"] == 300_000
    assert out.loc[0, "target_attainment_platform"] == 0.3


def test_platform_commission_is_zero_for_an_account_without_completed_orders_that_month() -> None:
    p = participants({"i": 1, "reseller_key": rkey(1), "target_monthly_idr": 1_000_000})
    # nothing for this account in February; the platform data (another account) run to March
    rm = reseller_monthly((1, "2024-01", 3, 900_000, 300_000), (2, "2024-03", 1, 100_000, 10_000))
    out = one_wave(p, followups(answered(1, 1_000_000, date="2024-03-09")), reseller_monthly=rm)
    assert out.loc[0, "commission_last_month_idr"] == 0
    assert out.loc[0, "target_attainment_platform"] == 0.0


def test_platform_commission_is_missing_for_a_month_after_the_platform_data() -> None:
    p = participants({"i": 1, "reseller_key": rkey(1), "target_monthly_idr": 1_000_000})
    rm = reseller_monthly((1, "2024-01", 3, 900_000, 300_000))  # data end in January
    out = one_wave(p, followups(answered(1, 1_000_000, date="2024-03-09")), reseller_monthly=rm)
    assert pd.isna(out.loc[0, "commission_last_month_idr"])
    assert pd.isna(out.loc[0, "target_attainment_platform"])


def test_platform_commission_is_missing_without_an_account() -> None:
    p = participants({"i": 1, "reseller_key": None, "target_monthly_idr": 1_000_000})
    rm = reseller_monthly((2, "2024-02", 3, 900_000, 300_000))
    out = one_wave(p, followups(answered(1, 1_000_000, date="2024-03-09")), reseller_monthly=rm)
    assert pd.isna(out.loc[0, "commission_last_month_idr"])
    assert pd.isna(out.loc[0, "target_attainment_platform"])


def test_platform_commission_is_missing_for_an_unanswered_wave() -> None:
    p = participants({"i": 1, "reseller_key": rkey(1), "target_monthly_idr": 1_000_000})
    rm = reseller_monthly((1, "2024-02", 3, 900_000, 300_000))
    out = one_wave(p, followups(), reseller_monthly=rm)
    assert out["commission_last_month_idr"].isna().all()


def test_platform_columns_have_contract_dtypes() -> None:
    p = participants({"i": 1, "reseller_key": rkey(1), "target_monthly_idr": 1_000_000})
    rm = reseller_monthly((1, "2024-02", 3, 900_000, 300_000))
    out = one_wave(p, followups(answered(1, 1_000_000)), reseller_monthly=rm)
    assert out["commission_last_month_idr"].dtype == "Int64"
    assert out["target_attainment_platform"].dtype == "Float64"


# --- recovery_by_wave: minimum wage ---------------------------------------------------------------


def min_wage_table(*rows: tuple[str, int, int]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "district": pd.array([r[0] for r in rows], dtype="string"),
            "year": [r[1] for r in rows],
            "min_wage_monthly_idr": [r[2] for r in rows],
        }
    )


def test_above_min_wage_compares_income_with_the_districts_umk_of_the_interview_year() -> None:
    p = participants(
        {"i": 1, "district": "Kota A"},
        {"i": 2, "district": "Kota A"},
        {"i": 3, "district": "Kota B"},
        {"i": 4, "district": "Kota B"},
    )
    f = followups(answered(1, 3_000_000), answered(2, 2_999_999), answered(3, 3_000_000), answered(4, None))
    mw = min_wage_table(("Kota A", 2023, 1_000_000), ("Kota A", 2024, 3_000_000), ("Kota B", 2024, 4_000_000))
    out = one_wave(p, f, min_wage=mw)  # interviews in 2024
    expected = pd.DataFrame(
        {
            "min_wage_idr": pd.array([3_000_000, 3_000_000, 4_000_000, 4_000_000], dtype="Int64"),
            "min_wage_year": pd.array([2024] * 4, dtype="Int64"),
            "above_min_wage": pd.array([True, False, False, None], dtype="boolean"),
        }
    )
    pd.testing.assert_frame_equal(out[list(expected.columns)], expected)


def test_min_wage_of_a_year_not_in_the_table_is_missing_not_carried_forward() -> None:
    p = participants({"i": 1, "district": "Kota A"})
    mw = min_wage_table(("Kota A", 2022, 2_000_000), ("Kota A", 2023, 2_500_000))
    out = one_wave(p, followups(answered(1, 2_600_000, date="2024-03-09")), min_wage=mw)
    assert pd.isna(out.loc[0, "min_wage_idr"])
    assert pd.isna(out.loc[0, "above_min_wage"])


def test_unknown_district_is_an_error_naming_it() -> None:
    p = participants({"i": 1, "district": "Kota Atlantis"})
    mw = min_wage_table(("Kota A", 2024, 3_000_000))
    with pytest.raises(ReferenceDataError, match="Kota Atlantis"):
        recovery_by_wave(p, followups(answered(1, 1_000_000)), min_wage=mw)


# --- recovery_by_wave: real terms -----------------------------------------------------------------


def hand_cpi() -> pd.Series:
    """CPI 100 in Jan 2022 rising by 1 point a month (Jun 2022 = 105, Mar 2024 = 126)."""
    months = pd.date_range("2022-01-01", "2024-12-01", freq="MS")
    return pd.Series([100.0 + k for k in range(len(months))], index=months, name="cpi")


def test_income_before_real_is_before_times_cpi_at_interview_over_cpi_at_layoff() -> None:
    p = participants({"i": 1, "income_before_idr": 2_100_000, "layoff_month": pd.Timestamp("2022-06-01")})
    out = one_wave(p, followups(answered(1, 2_400_000, date="2024-03-09")), cpi=hand_cpi())
    # 2,100,000 × 126 / 105 = 2,520,000 rupiah of March 2024
    assert out.loc[0, "income_before_real_idr"] == 2_520_000
    assert out.loc[0, "real_recovery_ratio"] == pytest.approx(2_400_000 / 2_520_000)
    assert not out.loc[0, "real_recovered"]
    assert out.loc[0, "recovered"]  # nominal 2.4 / 2.1 ≥ 1


def test_real_terms_are_missing_without_a_layoff_month() -> None:
    p = participants({"i": 1, "layoff_month": None})
    out = one_wave(p, followups(answered(1, 2_400_000)), cpi=hand_cpi())
    assert pd.isna(out.loc[0, "income_before_real_idr"])
    assert pd.isna(out.loc[0, "real_recovery_ratio"])
    assert pd.isna(out.loc[0, "real_recovered"])


def test_layoff_before_the_cpi_series_is_an_error_naming_the_month() -> None:
    p = participants({"i": 1, "layoff_month": pd.Timestamp("2021-07-01")})
    with pytest.raises(ReferenceDataError, match="2021-07"):
        one_wave(p, followups(answered(1, 2_400_000)), cpi=hand_cpi())


def test_recovery_by_wave_does_not_mutate_its_inputs() -> None:
    p = participants({"i": 1, "reseller_key": rkey(1)})
    f = followups(answered(1, 1_000_000))
    rm = reseller_monthly((1, "2024-02", 1, 10, 1))
    copies = (p.copy(), f.copy(), rm.copy())
    recovery_by_wave(p, f, reseller_monthly=rm, cpi=hand_cpi())
    for before, after in zip(copies, (p, f, rm), strict=True):
        pd.testing.assert_frame_equal(before, after)


# --- participant_months, first_sales, activity_curve ----------------------------------------------
# A (Sukabumi, trained 2023-09, account 1): sells 2023-10 and 2024-06.
# B (Bekasi, trained 2024-05, account 2): sells 2024-05; an order of 2024-01 predates its training.
# C (Sukabumi, account 3): never sells.  D (no account): not in the monthly table.
# Account 9 is not a participant. Platform data end 2024-07.


def sales_people() -> tuple[pd.DataFrame, pd.DataFrame]:
    p = participants(
        {"i": 1, "cohort": SKB, "reseller_key": rkey(1), "gender": "female"},
        {"i": 2, "cohort": BKS, "reseller_key": rkey(2), "gender": "male", "district": "Kota Bekasi"},
        {"i": 3, "cohort": SKB, "reseller_key": rkey(3), "gender": "male"},
        {"i": 4, "cohort": SKB, "reseller_key": None},
    )
    rm = reseller_monthly(
        (1, "2023-10", 2, 200_000, 20_000),
        (1, "2024-06", 1, 50_000, 5_000),
        (2, "2024-01", 4, 400_000, 40_000),
        (2, "2024-05", 3, 300_000, 30_000),
        (9, "2024-07", 1, 10_000, 1_000),
    )
    return p, rm


def test_participant_months_run_from_the_training_month_to_the_last_platform_month() -> None:
    p, rm = sales_people()
    months = participant_months(p, rm)
    span = months.groupby("participant_id")["month"].agg(["min", "max", "size"])
    expected = pd.DataFrame(
        {
            "min": pd.to_datetime(["2023-09-01", "2024-05-01", "2023-09-01"]).astype("datetime64[us]"),
            "max": pd.to_datetime(["2024-07-01"] * 3).astype("datetime64[us]"),
            "size": [11, 3, 11],
        },
        index=pd.Index([pid(1), pid(2), pid(3)], dtype="string", name="participant_id"),
    )
    pd.testing.assert_frame_equal(span, expected)


def test_participant_months_stop_at_through() -> None:
    p, rm = sales_people()
    months = participant_months(p, rm, through=pd.Timestamp("2024-05-20"))
    assert months["month"].max() == pd.Timestamp("2024-05-01")
    assert months.groupby("participant_id").size().tolist() == [9, 1, 9]


def test_months_without_completed_orders_are_zero_not_missing() -> None:
    p, rm = sales_people()
    months = participant_months(p, rm)
    a = months[months["participant_id"] == pid(1)].set_index("month")
    assert a.loc["2023-09-01", ["orders_completed", "commission_idr", "gross_idr"]].tolist() == [0, 0, 0]
    assert a.loc["2023-10-01", ["orders_completed", "commission_idr", "gross_idr"]].tolist() == [
        2,
        20_000,
        200_000,
    ]
    assert months["commission_idr"].dtype == "Int64"
    assert not months[["orders_completed", "commission_idr", "gross_idr"]].isna().any().any()


def test_months_since_training_is_zero_in_the_training_month() -> None:
    p, rm = sales_people()
    months = participant_months(p, rm)
    first = months.groupby("participant_id").first()
    assert first["months_since_training"].tolist() == [0, 0, 0]
    a = months[months["participant_id"] == pid(1)]
    assert a["months_since_training"].tolist() == list(range(11))


def test_participant_months_leave_out_people_without_an_account_and_orders_before_training() -> None:
    p, rm = sales_people()
    months = participant_months(p, rm)
    assert pid(4) not in set(months["participant_id"])
    assert months["month"].min() == pd.Timestamp("2023-09-01")
    assert months.loc[months["participant_id"] == pid(2), "commission_idr"].sum() == 30_000


def test_participant_months_without_accounts_has_the_same_columns_and_dtypes() -> None:
    # bug fixed: the no-account shortcut returned 7 untyped columns, so first_sales raised KeyError
    p, rm = sales_people()
    full = participant_months(p, rm)
    none = participant_months(p[p["reseller_key"].isna()], rm)
    assert none.empty
    pd.testing.assert_series_equal(none.dtypes, full.dtypes)


def test_first_sales_of_nobody_is_an_empty_table() -> None:
    p, rm = sales_people()
    got = indicators.first_sales(participant_months(p[p["reseller_key"].isna()], rm))
    assert got.empty
    assert {"participant_id", "gender", "ever_sold", "months_to_first_sale"} <= set(got.columns)


def test_participant_months_without_platform_data_is_empty() -> None:
    p, rm = sales_people()
    assert participant_months(p, rm.iloc[:0]).empty


def test_participant_months_refuse_an_account_month_given_twice() -> None:
    p, rm = sales_people()
    twice = pd.concat([rm, rm.iloc[[1]]], ignore_index=True)
    with pytest.raises(ValueError, match=r"R-0000000000000001 in 2024-06 more than once"):
        participant_months(p, twice)


def test_participant_months_ignore_input_order() -> None:
    p, rm = sales_people()
    shuffled = participant_months(p.iloc[::-1], rm.iloc[::-1])
    pd.testing.assert_frame_equal(shuffled, participant_months(p, rm))


def test_active_means_at_least_one_completed_order() -> None:
    p, rm = sales_people()
    months = participant_months(p, rm)
    assert months.loc[months["active"], ["participant_id", "month"]].astype(str).values.tolist() == [
        [pid(1), "2023-10-01"],
        [pid(1), "2024-06-01"],
        [pid(2), "2024-05-01"],
    ]


def test_first_sales_per_participant() -> None:
    p, rm = sales_people()
    got = indicators.first_sales(participant_months(p, rm))
    expected = pd.DataFrame(
        {
            "participant_id": pd.array([pid(1), pid(2), pid(3)], dtype="string"),
            "months_observed": [11, 3, 11],
            "months_active": pd.array([2, 1, 0], dtype="Int64"),
            "commission_total_idr": pd.array([25_000, 30_000, 0], dtype="Int64"),
            "first_sale_month": pd.to_datetime(["2023-10-01", "2024-05-01", None]).astype("datetime64[us]"),
            "months_to_first_sale": pd.array([1, 0, None], dtype="Int64"),
            "ever_sold": [True, True, False],
        }
    )
    pd.testing.assert_frame_equal(got[list(expected.columns)], expected)


def test_first_sales_keeps_the_grouping_columns() -> None:
    p, rm = sales_people()
    got = indicators.first_sales(participant_months(p, rm))
    assert got["gender"].astype(str).tolist() == ["female", "male", "male"]
    assert got["cohort"].tolist() == [SKB, BKS, SKB]


def test_activity_curve_share_active_among_accounts_observed_that_month() -> None:
    p, rm = sales_people()
    curve = indicators.activity_curve(participant_months(p, rm)).set_index("months_since_training")
    # month 0: A, B, C observed, B active; month 1: A active of 3; month 2: nobody of 3;
    # months 3–10: A and C only (B's window ends at month 2); A active at month 9 (2024-06)
    assert curve["n_accounts"].tolist() == [3, 3, 3] + [2] * 8
    assert curve["n_active"].tolist() == [1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0]
    assert curve.loc[0, "share_active"] == pytest.approx(1 / 3)
    assert curve.loc[9, "share_active"] == 0.5
    assert curve.loc[3, "share_active"] == 0.0


def test_activity_curve_by_group_keeps_empty_categories() -> None:
    p, rm = sales_people()
    curve = indicators.activity_curve(participant_months(p, rm), by=["gender"])
    at0 = curve[curve["months_since_training"] == 0].set_index("gender")
    assert at0.loc["female", "n_accounts"] == 1
    assert at0.loc["male", "n_accounts"] == 2
    assert at0.loc["male", "share_active"] == 0.5
    empty = curve[(curve["gender"] == "male") & (curve["months_since_training"] == 10)]
    assert empty["n_accounts"].tolist() == [1]


# --- time_to_recovery ---------------------------------------------------------------------------


def ttr_waves(rows: dict[int, list[bool | None]]) -> pd.DataFrame:
    """Sukabumi waves (m3, m6, m12) per participant with the recovered values given."""
    records = [
        {
            "participant_id": pid(i),
            "cohort": SKB,
            "confederation": "kspn",
            "gender": "female",
            "wave": w,
            "months_after_training": vocab.WAVES[w],
            "recovered": r,
        }
        for i, values in rows.items()
        for w, r in zip(("m3", "m6", "m12"), values, strict=True)
    ]
    return pd.DataFrame(records).astype(
        {
            "participant_id": "string",
            "cohort": "string",
            "confederation": vocab.CONFEDERATION_DTYPE,
            "gender": vocab.GENDER_DTYPE,
            "wave": vocab.WAVE_DTYPE,
            "months_after_training": "Int64",
            "recovered": "boolean",
        }
    )


def test_time_to_recovery_event_at_the_first_recovered_wave() -> None:
    out = indicators.time_to_recovery(ttr_waves({1: [False, True, True], 2: [True, False, None]}))
    assert out["event"].tolist() == [True, True]
    assert out["duration_months"].tolist() == [6, 3]


def test_time_to_recovery_censors_non_recovered_at_the_last_observed_wave() -> None:
    out = indicators.time_to_recovery(ttr_waves({1: [False, False, False]}))
    assert out[["event", "duration_months"]].values.tolist() == [[False, 12]]


def test_time_to_recovery_censors_a_dropout_at_its_last_observation() -> None:
    out = indicators.time_to_recovery(ttr_waves({1: [False, None, None], 2: [None, False, None]}))
    assert out["event"].tolist() == [False, False]
    assert out["duration_months"].tolist() == [3, 6]


def test_time_to_recovery_leaves_out_people_never_observed() -> None:
    out = indicators.time_to_recovery(ttr_waves({1: [None, None, None], 2: [False, True, None]}))
    assert out["participant_id"].tolist() == [pid(2)]


def test_time_to_recovery_columns_and_dtypes() -> None:
    out = indicators.time_to_recovery(ttr_waves({1: [False, True, None]}))
    assert list(out.columns) == [
        "participant_id",
        "cohort",
        "confederation",
        "gender",
        "event",
        "duration_months",
    ]
    assert out["duration_months"].dtype == "Int64"
    assert out["event"].dtype == bool


def test_time_to_recovery_on_recovery_by_wave_output() -> None:
    p = participants({"i": 1, "income_before_idr": 1_000_000}, {"i": 2, "income_before_idr": 1_000_000})
    f = followups(
        answered(1, 500_000, wave="m3", date="2023-12-10"),
        answered(1, 1_100_000, wave="m12", date="2024-09-10"),
        answered(2, 500_000, wave="m6", date="2024-03-10"),
    )
    out = indicators.time_to_recovery(recovery_by_wave(p, f))
    assert out[["event", "duration_months"]].values.tolist() == [[True, 12], [False, 6]]
