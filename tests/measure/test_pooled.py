"""Tests for impact.measure.pooled (every cohort pooled by event time) and the cluster bootstrap
(impact.measure.stats.cluster): pooled figures recomputed by hand from the per-cohort frames of the
bundled sample, each cohort's part, the bootstrap within cohort, later against earlier cohorts, and
a small example worked by hand.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from impact import vocab
from impact.config import ReportParams
from impact.measure import pooled, tables
from impact.measure.stats import proportion_ci
from impact.measure.stats.cluster import percentile_interval, resample_within, stratified_interval
from impact.publish.results import build

#: small where the interval itself is not under test
FEW = 300
NOMINAL = ("recovery_ratio", "recovered", "income_before_idr")
REAL = ("real_recovery_ratio", "real_recovered", "income_before_real_idr")


# --- the sample: three cohorts, built as impact.publish.programme builds them ----------------------------


@pytest.fixture(scope="module")
def cohort_waves(sample_clean) -> dict[str, pd.DataFrame]:
    """Each cohort's participant × wave frame (:func:`impact.publish.results.build`, as the
    programme report builds it)."""
    return {
        c: build(sample_clean, ReportParams(cohort=c, audience="internal")).waves
        for c in sample_clean.programme.cohorts
    }


@pytest.fixture(scope="module")
def waves(cohort_waves) -> pd.DataFrame:
    return pd.concat(list(cohort_waves.values()), ignore_index=True)


@pytest.fixture(scope="module")
def training(sample_clean) -> dict[str, object]:
    return {c: spec.training_month for c, spec in sample_clean.programme.cohorts.items()}


def test_the_sample_has_three_cohorts_and_bekasi_has_no_m12(cohort_waves):
    assert set(cohort_waves) == {"sukabumi-2023", "bekasi-2024", "karawang-2023"}
    reached = {c: set(w["wave"].astype(str)) for c, w in cohort_waves.items()}
    assert reached == {
        "sukabumi-2023": {"m3", "m6", "m12"},
        "karawang-2023": {"m3", "m6", "m12"},
        "bekasi-2024": {"m3", "m6"},
    }


def _by_hand(rows: pd.DataFrame, columns: tuple[str, str, str] = NOMINAL) -> dict[str, float]:
    """The pooled statistics of ``rows`` (one wave, one group), recomputed from scratch."""
    ratio_col, rec_col, before_col = columns
    has = rows[rows[ratio_col].notna()]
    ratio = has[ratio_col].astype(float).to_numpy()
    before = has[before_col].astype(float).to_numpy()
    now = has["income_total_idr"].astype(float).to_numpy()
    k = int(has[rec_col].astype(bool).sum())
    n = len(has)
    return {
        "n_eligible": len(rows),
        "n_responded": int(rows["responded"].sum()),
        "n": n,
        "n_recovered": k,
        "share_recovered": k / n if n else np.nan,
        "median_recovery_ratio": float(np.median(ratio)) if n else np.nan,
        "ratio_of_sums": float(now.sum() / before.sum()) if n else np.nan,
        "median_income_before_idr": float(np.median(before)) if n else np.nan,
        "median_income_now_idr": float(np.median(now)) if n else np.nan,
        "cohorts": int(has["cohort"].nunique()),
    }


def _cell(frame: pd.DataFrame, by: str | None, label: str) -> pd.DataFrame:
    if by is None or label == tables.ALL:
        return frame
    return frame[(frame[by].astype("string") == label).fillna(False)]


@pytest.mark.parametrize("by", [None, "gender", "confederation"])
@pytest.mark.parametrize("wave", ["m3", "m6", "m12"])
def test_pooled_figures_equal_a_recomputation_from_the_cohorts(cohort_waves, waves, wave, by):
    groups = [by] if by else []
    got = pooled.pooled_recovery_table(waves, wave=wave, by=groups, n_resamples=FEW, seed=1)
    stacked = pd.concat(list(cohort_waves.values()), ignore_index=True)
    stacked = stacked[stacked["wave"].astype(str) == wave]
    labels = got[by].astype(str).tolist() if by else [tables.ALL]
    if by:  # every level of the data has its row, and the total
        assert set(stacked[by].dropna().astype(str)) | {tables.ALL} <= set(labels)
        assert labels[-1] == tables.ALL
    for i, label in enumerate(labels):
        want = _by_hand(_cell(stacked, by, label))
        row = got.iloc[i]
        for column, value in want.items():
            if np.isnan(value):
                assert pd.isna(row[column]), (wave, by, label, column)
            else:
                assert row[column] == pytest.approx(value, rel=1e-12), (wave, by, label, column)


@pytest.mark.parametrize("by", [None, "gender"])
@pytest.mark.parametrize("wave", ["m3", "m6", "m12"])
def test_pooled_counts_are_the_sum_of_the_cohort_tables(cohort_waves, waves, wave, by):
    groups = [by] if by else []
    got = pooled.pooled_recovery_table(waves, wave=wave, by=groups, n_resamples=FEW)
    reached = [c for c, w in cohort_waves.items() if wave in set(w["wave"].astype(str))]
    assert len(reached) == (2 if wave == "m12" else 3)
    per_cohort = [tables.recovery_table(cohort_waves[c], wave=wave, by=groups) for c in reached]
    for t in per_cohort:  # the same rows in the same order
        assert len(t) == len(got)
        if by:
            assert t[by].astype(str).tolist() == got[by].astype(str).tolist()
    for column in ["n_eligible", "n_responded", "n", "n_recovered"]:
        total = sum(t[column].astype(int).to_numpy() for t in per_cohort)
        assert got[column].astype(int).tolist() == total.tolist(), column
    assert got["cohorts"].iloc[-1] == len(reached)
    # the pooled ratio of sums is the cohorts' ratios weighted by their pre-layoff wages
    weights = [_before_sum(cohort_waves[c], wave) for c in reached]
    weighted = sum(float(t["ratio_of_sums"].iloc[-1]) * b for t, b in zip(per_cohort, weights, strict=True))
    assert got["ratio_of_sums"].iloc[-1] == pytest.approx(weighted / sum(weights), rel=1e-12)


def _before_sum(frame: pd.DataFrame, wave: str) -> float:
    at = frame[(frame["wave"].astype(str) == wave) & frame["recovery_ratio"].notna()]
    return float(at["income_before_idr"].astype(float).sum())


def test_pooled_m12_leaves_out_the_cohort_that_has_not_reached_it(waves):
    got = pooled.pooled_recovery_table(waves, wave="m12", n_resamples=FEW).iloc[0]
    at = waves[(waves["wave"].astype(str) == "m12")]
    assert "bekasi-2024" not in set(at["cohort"])
    assert got["cohorts"] == 2
    assert got["n_eligible"] == 48 + 42
    # the sample's answers with income data: 28 in Sukabumi, 30 in Karawang
    assert got["n"] == 28 + 30


def test_pooled_real_terms_reads_the_real_columns(waves):
    got = pooled.pooled_recovery_table(waves, wave="m6", real_terms=True, n_resamples=FEW).iloc[0]
    want = _by_hand(waves[waves["wave"].astype(str) == "m6"], REAL)
    for column, value in want.items():
        assert got[column] == pytest.approx(value, rel=1e-12), column
    nominal = pooled.pooled_recovery_table(waves, wave="m6", n_resamples=FEW).iloc[0]
    assert got["ratio_of_sums"] != nominal["ratio_of_sums"]  # prices rose: a different figure


# --- each cohort's part -----------------------------------------------------------------------------


def test_cohort_contributions_are_the_cohorts_own_counts(sample_clean, cohort_waves, waves):
    participants = sample_clean.participants
    got = pooled.cohort_contributions(participants, waves)
    order = list(dict.fromkeys(participants["cohort"].astype(str)))
    assert got.index.tolist() == order
    assert got.columns.tolist() == [
        "registered",
        *(f"{kind}_{w}" for w in ["m3", "m6", "m12"] for kind in ("eligible", "answered", "n")),
    ]
    assert (got.dtypes == "Int64").all()
    for c, frame in cohort_waves.items():
        assert got.loc[c, "registered"] == (participants["cohort"] == c).sum()
        for w in ["m3", "m6", "m12"]:
            at = frame[frame["wave"].astype(str) == w]
            assert got.loc[c, f"eligible_{w}"] == len(at)
            assert got.loc[c, f"answered_{w}"] == int(at["responded"].sum())
            assert got.loc[c, f"n_{w}"] == int(at["recovery_ratio"].notna().sum())
    assert got.loc["bekasi-2024", ["eligible_m12", "answered_m12", "n_m12"]].tolist() == [0, 0, 0]
    assert got.loc["bekasi-2024", "registered"] == 40
    # the pooled n at each wave is the column's sum
    for w in ["m3", "m6", "m12"]:
        table = pooled.pooled_recovery_table(waves, wave=w, n_resamples=FEW)
        assert table.loc[0, "n"] == got[f"n_{w}"].sum()
        assert table.loc[0, "n_responded"] == got[f"answered_{w}"].sum()


def test_cohort_contributions_real_terms_counts_the_real_ratio(sample_clean, waves):
    nominal = pooled.cohort_contributions(sample_clean.participants, waves)
    real = pooled.cohort_contributions(sample_clean.participants, waves, real_terms=True)
    for w in ["m3", "m6", "m12"]:
        at = waves[waves["wave"].astype(str) == w]
        want = at[at["real_recovery_ratio"].notna()].groupby("cohort").size()
        assert real[f"n_{w}"].drop(real.index[real[f"n_{w}"] == 0]).to_dict() == want.to_dict()
    pd.testing.assert_series_equal(nominal["registered"], real["registered"])


# --- the cluster bootstrap ----------------------------------------------------------------------------


def test_resample_within_keeps_every_stratum_in_its_own_columns():
    strata = np.array(["a", "b", "a", "c", "b", "a", "b", "b", "c", "a", "a"])
    idx = resample_within(strata, n_resamples=500, seed=3)
    assert idx.shape == (500, strata.size)
    assert idx.dtype == np.int64
    # every drawn row belongs to the column's stratum: each resample keeps every stratum's size
    assert (strata[idx] == strata[None, :]).all()
    # and draws vary within a stratum (it is a bootstrap, not a copy)
    assert len(np.unique(idx[:, strata == "a"])) == (strata == "a").sum()
    assert not (idx == np.arange(strata.size)).all()


def test_resample_within_is_seeded():
    strata = [0, 0, 0, 1, 1, 1, 1]
    a = resample_within(strata, n_resamples=50, seed=11)
    np.testing.assert_array_equal(a, resample_within(strata, n_resamples=50, seed=11))
    assert not np.array_equal(a, resample_within(strata, n_resamples=50, seed=12))


def test_resample_within_keeps_each_sample_cohort_size(waves):
    at = waves[(waves["wave"].astype(str) == "m6") & waves["recovery_ratio"].notna()]
    strata = at["cohort"].astype(str).to_numpy()
    idx = resample_within(strata, n_resamples=FEW, seed=5)
    sizes = pd.Series(strata).value_counts().to_dict()
    assert sizes == {"sukabumi-2023": 29, "karawang-2023": 33, "bekasi-2024": 24}
    for c, size in sizes.items():
        assert ((strata[idx] == c).sum(axis=1) == size).all()


def test_percentile_interval():
    assert percentile_interval(np.arange(101.0), level=0.9) == pytest.approx((5.0, 95.0))
    assert percentile_interval(np.array([np.nan, 1.0, np.nan, 3.0]), level=0.5) == pytest.approx((1.5, 2.5))
    low, high = percentile_interval(np.array([np.nan, np.nan]))
    assert np.isnan(low)
    assert np.isnan(high)


def test_stratified_interval_needs_five_rows():
    x = np.array([1.0, 2.0, 3.0, 4.0])
    low, high = stratified_interval(lambda idx: x[idx].mean(axis=1), [0, 0, 1, 1], n_resamples=FEW)
    assert np.isnan(low)
    assert np.isnan(high)


def test_pooled_intervals_are_the_cluster_bootstrap_within_cohort(waves):
    """The pooled intervals are a recomputation with :func:`resample_within` over the cohorts."""
    got = pooled.pooled_recovery_table(waves, wave="m6", n_resamples=FEW, seed=9).iloc[0]
    at = waves[(waves["wave"].astype(str) == "m6") & waves["recovery_ratio"].notna()]
    ratio = at["recovery_ratio"].astype(float).to_numpy()
    rec = at["recovered"].astype(bool).to_numpy(dtype=float)
    now = at["income_total_idr"].astype(float).to_numpy()
    before = at["income_before_idr"].astype(float).to_numpy()
    idx = resample_within(at["cohort"].astype(str).to_numpy(), n_resamples=FEW, seed=9)
    want = {
        "median_recovery_ratio": percentile_interval(np.median(ratio[idx], axis=1)),
        "share_recovered": percentile_interval(rec[idx].mean(axis=1)),
        "ratio_of_sums": percentile_interval(now[idx].sum(axis=1) / before[idx].sum(axis=1)),
    }
    for stat, (low, high) in want.items():
        assert got[f"{stat}_low"] == pytest.approx(low, rel=1e-12)
        assert got[f"{stat}_high"] == pytest.approx(high, rel=1e-12)


@pytest.mark.parametrize("by", [[], ["gender"], ["confederation"]])
def test_pooled_intervals_bracket_the_estimate(waves, by):
    """Low ≤ estimate ≤ high wherever there is an interval. Not ``low < high`` in breakdowns: at m6,
    sarbumusi has 1 of 11 recovered, Karawang's only member in the cell, and nobody else in it
    recovered, so every resample within cohort gives 1/11 and the interval is one point."""
    for wave in ["m3", "m6", "m12"]:
        t = pooled.pooled_recovery_table(waves, wave=wave, by=by, n_resamples=FEW)
        for stat in ["median_recovery_ratio", "share_recovered", "ratio_of_sums"]:
            ok = t["n"] >= 5
            assert ok.any()
            low, est, high = (t.loc[ok, f"{stat}{s}"].astype(float) for s in ("_low", "", "_high"))
            assert (low <= est).all(), (wave, by, stat)
            assert (est <= high).all(), (wave, by, stat)
            if not by:  # the totals vary; a breakdown cell need not (see below)
                assert (low < high).all(), (wave, by, stat)
            small = t["n"] < 5
            if stat != "share_recovered":
                assert t.loc[small, f"{stat}_low"].isna().all()


def test_pooled_intervals_are_reproducible_and_seeded(waves):
    a = pooled.pooled_recovery_table(waves, wave="m3", by=["gender"], n_resamples=FEW, seed=21)
    b = pooled.pooled_recovery_table(waves, wave="m3", by=["gender"], n_resamples=FEW, seed=21)
    pd.testing.assert_frame_equal(a, b)
    c = pooled.pooled_recovery_table(waves, wave="m3", by=["gender"], n_resamples=FEW, seed=22)
    points = ["n", "median_recovery_ratio", "share_recovered", "ratio_of_sums"]
    pd.testing.assert_frame_equal(a[points], c[points])
    bounds = [f"{s}_{e}" for s in ("median_recovery_ratio", "ratio_of_sums") for e in ("low", "high")]
    assert not a[bounds].equals(c[bounds])


def test_cohort_weights_are_kept_in_every_resample():
    """Cohort a: 6 people, all recovered at ratio 1.0; cohort b: 4 people, none, at ratio 0.25.
    Resampling within cohort, every resample has 6 + 4: the share is 0.6 in every resample, the
    median 1.0, the ratio of sums (6 × 2M + 4 × 0.5M) / (10 × 2M) = 0.7 — intervals of one point.
    (An unstratified bootstrap would spread them.) The share, which would be a point too, falls
    back to its Wilson interval (a bug once: a zero-width interval was published)."""
    n_a, n_b = 6, 4
    frame = pd.DataFrame(
        {
            "cohort": ["a"] * n_a + ["b"] * n_b,
            "wave": pd.Series(["m3"] * (n_a + n_b), dtype=vocab.WAVE_DTYPE),
            "responded": True,
            "income_before_idr": 2_000_000,
            "income_total_idr": [2_000_000] * n_a + [500_000] * n_b,
            "recovery_ratio": [1.0] * n_a + [0.25] * n_b,
            "recovered": [True] * n_a + [False] * n_b,
        }
    )
    row = pooled.pooled_recovery_table(frame, wave="m3", n_resamples=FEW, seed=4).iloc[0]
    assert row["share_recovered"] == 0.6
    # a share the bootstrap cannot vary (each cohort alike) gets the Wilson interval, not a point
    assert (row["share_recovered_low"], row["share_recovered_high"]) == pytest.approx(
        proportion_ci(6, 10, method="wilson")
    )
    assert row["median_recovery_ratio"] == 1.0
    assert (row["median_recovery_ratio_low"], row["median_recovery_ratio_high"]) == (1.0, 1.0)
    assert row["ratio_of_sums"] == pytest.approx(0.7)
    assert row["ratio_of_sums_low"] == pytest.approx(0.7)
    assert row["ratio_of_sums_high"] == pytest.approx(0.7)


def test_everyone_recovered_gives_the_wilson_interval():
    frame = pd.DataFrame(
        {
            "cohort": ["a", "a", "a", "b", "b", "b"],
            "wave": pd.Series(["m6"] * 6, dtype=vocab.WAVE_DTYPE),
            "responded": True,
            "income_before_idr": 1_000_000,
            "income_total_idr": [1_000_000, 1_200_000, 1_500_000, 1_000_000, 2_000_000, 1_100_000],
            "recovery_ratio": [1.0, 1.2, 1.5, 1.0, 2.0, 1.1],
            "recovered": True,
        }
    )
    row = pooled.pooled_recovery_table(frame, wave="m6", n_resamples=FEW).iloc[0]
    assert row["share_recovered"] == 1.0
    # Wilson 95% for 6 of 6: (6 / (6 + z²), 1)
    z2 = 1.959963984540054**2
    assert row["share_recovered_low"] == pytest.approx(6 / (6 + z2), rel=1e-6)
    assert row["share_recovered_high"] == pytest.approx(1.0)


# --- later against earlier cohorts --------------------------------------------------------------------


def test_cohort_comparison_on_the_sample(waves, training):
    got = pooled.cohort_comparison(waves, training=training, n_resamples=FEW, seed=2)
    assert got["wave"].tolist() == ["m3", "m6", "m12"]
    # by training month (Sep 2023, Nov 2023, May 2024), not by name: Bekasi is the latest
    assert got["later"].tolist() == ["bekasi-2024", "bekasi-2024", "karawang-2023"]
    assert got["earlier"].tolist() == [
        "sukabumi-2023,karawang-2023",
        "sukabumi-2023,karawang-2023",
        "sukabumi-2023",
    ]
    for _, row in got.iterrows():
        at = waves[(waves["wave"].astype(str) == row["wave"]) & waves["recovery_ratio"].notna()]
        late = at[at["cohort"] == row["later"]]
        early = at[at["cohort"].isin(row["earlier"].split(","))]
        assert row["n_later"] == len(late)
        assert row["n_earlier"] == len(early)
        assert row["share_later"] == pytest.approx(late["recovered"].astype(bool).mean())
        assert row["share_earlier"] == pytest.approx(early["recovered"].astype(bool).mean())
        assert row["median_later"] == pytest.approx(float(np.median(late["recovery_ratio"].astype(float))))
        assert row["median_earlier"] == pytest.approx(float(np.median(early["recovery_ratio"].astype(float))))
        assert row["share_difference"] == pytest.approx(row["share_later"] - row["share_earlier"])
        assert row["median_difference"] == pytest.approx(row["median_later"] - row["median_earlier"])
        for stat in ("share_difference", "median_difference"):
            assert row[f"{stat}_low"] <= row[stat] <= row[f"{stat}_high"], (row["wave"], stat)
            assert row[f"{stat}_low"] < row[f"{stat}_high"]
    again = pooled.cohort_comparison(waves, training=training, n_resamples=FEW, seed=2)
    pd.testing.assert_frame_equal(got, again)


def test_cohort_comparison_share_interval_is_the_stratified_bootstrap(waves, training):
    got = pooled.cohort_comparison(waves, training=training, n_resamples=FEW, seed=8).iloc[-1]
    at = waves[(waves["wave"].astype(str) == "m12") & waves["recovery_ratio"].notna()]
    late = (at["cohort"] == "karawang-2023").to_numpy()
    rec = at["recovered"].astype(bool).to_numpy(dtype=float)
    idx = resample_within(at["cohort"].astype(str).to_numpy(), n_resamples=FEW, seed=8)
    draws = (rec[idx] * late).sum(axis=1) / late.sum() - (rec[idx] * ~late).sum(axis=1) / (~late).sum()
    low, high = percentile_interval(draws)
    assert got["share_difference_low"] == pytest.approx(low)
    assert got["share_difference_high"] == pytest.approx(high)


# --- a small example worked by hand ---------------------------------------------------------------------
#  cohort "zeta" trained Sep 2023, cohort "alpha" trained May 2024 (later, though first by name)
#  id  cohort gender  wave  responded  before     now        ratio  recovered
#  z1  zeta   female  m3    yes        2,000,000  1,000,000  0.5    no
#  z2  zeta   male    m3    yes        1,000,000  1,000,000  1.0    yes
#  z3  zeta   female  m3    no         3,000,000  –          –      –
#  a1  alpha  female  m3    yes        2,000,000  3,000,000  1.5    yes
#  a2  alpha  male    m3    yes        4,000,000  1,000,000  0.25   no
#  a3  alpha  male    m3    yes        0          500,000    –      –   (wage 0: no ratio)
#  z1  zeta   female  m6    yes        2,000,000  1,800,000  0.9    no
#  z2  zeta   male    m6    yes        1,000,000  1,200,000  1.2    yes
#  z3  zeta   female  m6    yes        3,000,000  1,500,000  0.5    no
HAND = [
    ("z1", "zeta", "female", "m3", True, 2_000_000, 1_000_000),
    ("z2", "zeta", "male", "m3", True, 1_000_000, 1_000_000),
    ("z3", "zeta", "female", "m3", False, 3_000_000, None),
    ("a1", "alpha", "female", "m3", True, 2_000_000, 3_000_000),
    ("a2", "alpha", "male", "m3", True, 4_000_000, 1_000_000),
    ("a3", "alpha", "male", "m3", True, 0, 500_000),
    ("z1", "zeta", "female", "m6", True, 2_000_000, 1_800_000),
    ("z2", "zeta", "male", "m6", True, 1_000_000, 1_200_000),
    ("z3", "zeta", "female", "m6", True, 3_000_000, 1_500_000),
]
HAND_TRAINING = {"zeta": pd.Timestamp("2023-09-01"), "alpha": pd.Timestamp("2024-05-01")}


@pytest.fixture
def hand() -> pd.DataFrame:
    frame = pd.DataFrame(
        HAND,
        columns=[
            "participant_id",
            "cohort",
            "gender",
            "wave",
            "responded",
            "income_before_idr",
            "income_total_idr",
        ],
    )
    frame["wave"] = frame["wave"].astype(vocab.WAVE_DTYPE)
    frame["gender"] = frame["gender"].astype(pd.CategoricalDtype(["female", "male"]))
    before = frame["income_before_idr"].astype("Float64")
    ratio = frame["income_total_idr"].astype("Float64") / before.where(before > 0)
    frame["recovery_ratio"] = ratio
    frame["recovered"] = (ratio >= 1.0).astype("boolean").mask(ratio.isna())
    return frame


def test_hand_example_pooled_m3(hand):
    t = pooled.pooled_recovery_table(hand, wave="m3", by=["gender"], n_resamples=FEW).set_index("gender")
    assert t.index.tolist() == ["female", "male", "All"]
    everyone = t.loc["All"]
    assert everyone["n_eligible"] == 6
    assert everyone["n_responded"] == 5
    assert everyone["n"] == 4  # z3 did not answer; a3 has no pre-layoff wage
    assert everyone["n_recovered"] == 2
    assert everyone["share_recovered"] == 0.5
    assert everyone["median_recovery_ratio"] == 0.75  # median of 0.25, 0.5, 1.0, 1.5
    assert everyone["ratio_of_sums"] == pytest.approx(6 / 9)  # (1 + 1 + 3 + 1) / (2 + 1 + 2 + 4)
    assert everyone["median_income_before_idr"] == 2_000_000
    assert everyone["median_income_now_idr"] == 1_000_000
    assert everyone["cohorts"] == 2
    # four people: no interval
    for stat in ("median_recovery_ratio", "share_recovered", "ratio_of_sums"):
        assert pd.isna(everyone[f"{stat}_low"])
        assert pd.isna(everyone[f"{stat}_high"])
    women, men = t.loc["female"], t.loc["male"]
    assert (women["n_eligible"], women["n"], women["n_recovered"]) == (3, 2, 1)
    assert women["median_recovery_ratio"] == 1.0  # 0.5, 1.5
    assert women["ratio_of_sums"] == 1.0  # (1 + 3) / (2 + 2)
    assert (men["n_eligible"], men["n"], men["n_recovered"]) == (3, 2, 1)
    assert men["median_recovery_ratio"] == 0.625  # 1.0, 0.25
    assert men["ratio_of_sums"] == pytest.approx(0.4)  # (1 + 1) / (1 + 4)


def test_hand_example_pooled_m6_has_one_cohort(hand):
    row = pooled.pooled_recovery_table(hand, wave="m6", n_resamples=FEW).iloc[0]
    assert (row["n_eligible"], row["n"], row["n_recovered"], row["cohorts"]) == (3, 3, 1, 1)
    assert row["median_recovery_ratio"] == 0.9
    assert row["ratio_of_sums"] == pytest.approx(4.5 / 6)


def test_hand_example_wave_nobody_reached(hand):
    t = pooled.pooled_recovery_table(hand, wave="m12", n_resamples=FEW)
    row = t.iloc[0]
    assert (row["n_eligible"], row["n"], row["cohorts"]) == (0, 0, 0)
    assert pd.isna(row["median_recovery_ratio"])
    assert pd.isna(row["share_recovered"])


def test_hand_example_contributions(hand):
    participants = hand.drop_duplicates("participant_id")[["participant_id", "cohort"]]
    got = pooled.cohort_contributions(participants, hand)
    assert got.index.tolist() == ["zeta", "alpha"]
    assert got.loc["zeta"].to_dict() == {
        "registered": 3,
        "eligible_m3": 3,
        "answered_m3": 2,
        "n_m3": 2,
        "eligible_m6": 3,
        "answered_m6": 3,
        "n_m6": 3,
    }
    assert got.loc["alpha"].to_dict() == {
        "registered": 3,
        "eligible_m3": 3,
        "answered_m3": 3,
        "n_m3": 2,
        "eligible_m6": 0,
        "answered_m6": 0,
        "n_m6": 0,
    }


def test_hand_example_cohort_comparison(hand):
    got = pooled.cohort_comparison(hand, training=HAND_TRAINING, n_resamples=FEW)
    assert got["wave"].tolist() == ["m3"]  # m6: one cohort, no row
    row = got.iloc[0]
    assert (row["later"], row["earlier"]) == ("alpha", "zeta")
    assert (row["n_later"], row["n_earlier"]) == (2, 2)
    assert (row["share_later"], row["share_earlier"], row["share_difference"]) == (0.5, 0.5, 0.0)
    assert row["median_later"] == 0.875  # 1.5, 0.25
    assert row["median_earlier"] == 0.75  # 0.5, 1.0
    assert row["median_difference"] == 0.125
    # four people: no interval
    assert pd.isna(row["share_difference_low"])
    assert pd.isna(row["median_difference_high"])
    # the other training order swaps the sides
    swapped = pooled.cohort_comparison(
        hand, training={"zeta": HAND_TRAINING["alpha"], "alpha": HAND_TRAINING["zeta"]}, n_resamples=FEW
    ).iloc[0]
    assert (swapped["later"], swapped["earlier"]) == ("zeta", "alpha")
    assert swapped["median_difference"] == -0.125


def test_cohort_comparison_without_any_wave_of_two_cohorts(hand):
    got = pooled.cohort_comparison(hand[hand["cohort"] == "zeta"], training=HAND_TRAINING, n_resamples=FEW)
    assert got.empty
    assert "median_difference_high" in got.columns


def test_waves_given_as_text_are_ordered_in_time():
    """A bug once: text (not categorical) waves raised AttributeError in contributions and
    comparisons; they sort by months, not alphabetically (m12 after m6)."""
    frame = pd.DataFrame(
        {
            "cohort": ["a", "a", "b", "b"] * 2,
            "wave": ["m12"] * 4 + ["m6"] * 4,
            "responded": True,
            "recovery_ratio": [0.5, 1.0, 0.7, 1.2] * 2,
            "recovered": [False, True, False, True] * 2,
        }
    )
    people = pd.DataFrame({"cohort": ["a", "a", "b", "b"]})
    got = pooled.cohort_contributions(people, frame)
    assert [c for c in got.columns if c.startswith("n_")] == ["n_m6", "n_m12"]
    comparison = pooled.cohort_comparison(frame, training={"a": 1, "b": 2}, n_resamples=50)
    assert comparison["wave"].tolist() == ["m6", "m12"]
