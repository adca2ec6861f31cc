"""Tests for impact.stats: hand-worked examples, agreement with scipy, small-n edge cases, properties."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from impact import config
from impact.measure import stats
from impact.measure.stats import _base

PROPERTY = settings(max_examples=100, deadline=None, derandomize=True)
Z95 = sps.norm.ppf(0.975)

# Hand-worked Kaplan–Meier example (months since training; event 1 = recovered, 0 = censored).
#   time  at risk  recovered  censored  survival
#     0      8         0          0     1
#     3      8         1          1     1 × (1 − 1/8) = 7/8
#     6      6         2          1     7/8 × (1 − 2/6) = 7/12
#    12      3         1          2     7/12 × (1 − 1/3) = 7/18
# (the one censored at 3 still counts at risk at 3, so 8 − 2 = 6 are at risk at 6, and 6 − 3 = 3 at 12)
# Greenwood at 6: Var S(6) = S(6)² × [1/(8·7) + 2/(6·4)] = (7/12)² × (1/56 + 1/12) = (49/144) × (17/168)
KM_DURATIONS = [3, 3, 6, 6, 6, 12, 12, 12]
KM_EVENTS = [1, 0, 1, 1, 0, 1, 0, 0]


def km_example(**options: object) -> pd.DataFrame:
    return stats.kaplan_meier(KM_DURATIONS, KM_EVENTS, **options)


# --- caveats ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "caveat"),
    [
        (0, stats.CAVEAT_NO_DATA),
        (4, stats.CAVEAT_TOO_FEW),
        (5, stats.CAVEAT_VERY_SMALL),
        (14, stats.CAVEAT_VERY_SMALL),
        (15, stats.CAVEAT_SMALL),
        (29, stats.CAVEAT_SMALL),
        (30, ""),
    ],
)
def test_size_caveat_thresholds(n: int, caveat: str) -> None:
    assert stats.size_caveat(n) == caveat


# --- proportions -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [
        (0, 5, 0.0, 1 - 0.025 ** (1 / 5)),  # closed form at the boundary: 0.5218
        (5, 5, 0.025 ** (1 / 5), 1.0),  # 0.4782
        (3, 10, 0.0667395, 0.6524529),  # published tables: (0.0667, 0.6525)
    ],
)
def test_clopper_pearson_matches_known_values(k: int, n: int, low: float, high: float) -> None:
    assert stats.proportion_ci(k, n) == pytest.approx((low, high), abs=1e-6)


@pytest.mark.parametrize(("k", "n"), [(0, 5), (3, 10), (7, 9), (12, 48)])
def test_wilson_matches_formula(k: int, n: int) -> None:
    p, z = k / n, Z95
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    assert stats.proportion_ci(k, n, method="wilson") == pytest.approx(
        (centre - half, centre + half), abs=1e-12
    )


def test_proportion_ci_of_nobody_is_nan() -> None:
    low, high = stats.proportion_ci(0, 0)
    assert math.isnan(low)
    assert math.isnan(high)


@pytest.mark.parametrize(("k", "n", "method"), [(6, 5, "wilson"), (-1, 5, "wilson"), (1, 5, "wald")])
def test_proportion_ci_rejects_bad_input(k: int, n: int, method: str) -> None:
    with pytest.raises(ValueError, match=r"successes|method"):
        stats.proportion_ci(k, n, method=method)  # type: ignore[arg-type]


@PROPERTY
@given(
    n=st.integers(min_value=1, max_value=200),
    data=st.data(),
    method=st.sampled_from(["clopper-pearson", "wilson"]),
    level=st.sampled_from([0.8, 0.9, 0.95, 0.99]),
)
def test_proportion_ci_within_unit_interval_and_contains_share(
    n: int, data: st.DataObject, method: str, level: float
) -> None:
    k = data.draw(st.integers(min_value=0, max_value=n))
    low, high = stats.proportion_ci(k, n, level=level, method=method)  # type: ignore[arg-type]
    assert 0.0 <= low <= k / n <= high <= 1.0


# --- medians and ratios ----------------------------------------------------------------------------

INCOME_RATIO = [0.4, 0.55, 0.7, 0.8, 0.95, 1.0, 1.1, 1.3, 0.6, 0.9, 1.25, 0.35]


def test_median_ci_is_deterministic_for_a_seed() -> None:
    assert stats.median_ci(INCOME_RATIO) == stats.median_ci(INCOME_RATIO, seed=config.SEED)
    assert stats.median_ci(INCOME_RATIO, seed=1) == stats.median_ci(INCOME_RATIO, seed=1)


def test_median_ci_contains_median_and_reports_n() -> None:
    est = stats.median_ci(INCOME_RATIO)
    assert est.estimate == pytest.approx(np.median(INCOME_RATIO))
    assert est.low <= est.estimate <= est.high
    assert est.low < est.high
    assert est.n == len(INCOME_RATIO)
    assert est.caveat == stats.CAVEAT_VERY_SMALL


def test_median_ci_matches_scipy_percentile_bootstrap() -> None:
    ref = sps.bootstrap(
        (np.array(INCOME_RATIO),),
        np.median,
        n_resamples=2000,
        method="percentile",
        rng=np.random.default_rng(config.SEED),
    ).confidence_interval
    est = stats.median_ci(INCOME_RATIO)
    assert (est.low, est.high) == pytest.approx((ref.low, ref.high))


def test_median_ci_drops_missing_values() -> None:
    values = pd.Series([*INCOME_RATIO, None, np.nan], dtype="Float64")
    assert stats.median_ci(values) == stats.median_ci(INCOME_RATIO)


def test_median_ci_with_fewer_than_five_gives_median_without_interval() -> None:
    est = stats.median_ci([0.5, 1.0, 2.0, np.nan])
    assert est.estimate == 1.0
    assert est.n == 3
    assert math.isnan(est.low)
    assert math.isnan(est.high)
    assert est.caveat.startswith(stats.CAVEAT_TOO_FEW)
    assert "no interval" in est.caveat


def test_median_ci_of_identical_values_is_a_point() -> None:
    est = stats.median_ci([0.8] * 7)  # the suite turns any scipy warning into an error
    assert (est.estimate, est.low, est.high) == (0.8, 0.8, 0.8)


def test_median_ci_of_nothing_is_nan() -> None:
    est = stats.median_ci([np.nan, None])
    assert est.n == 0
    assert math.isnan(est.estimate)
    assert est.caveat == stats.CAVEAT_NO_DATA


def test_median_ci_rejects_text() -> None:
    with pytest.raises(ValueError, match="numbers or booleans"):
        stats.median_ci(["Rp 1.500.000", "2 jt"])


def test_ratio_of_sums_uses_complete_pairs_with_positive_baseline() -> None:
    after = [3.0, 2.0, np.nan, 5.0, 1.0, 4.0, 6.0, 9.0]
    before = [2.0, 2.0, 4.0, 0.0, 2.0, 4.0, np.nan, 6.0]
    # kept pairs: (3,2) (2,2) (1,2) (4,4) (9,6) → 19 / 16
    est = stats.ratio_of_sums(after, before)
    assert est.estimate == pytest.approx(19 / 16)
    assert est.n == 5
    assert est.low <= est.estimate <= est.high
    assert est == stats.ratio_of_sums(after, before)


def test_ratio_of_sums_resamples_pairs() -> None:
    after, before = np.array([3.0, 2.0, 1.0, 4.0, 9.0]), np.array([2.0, 2.0, 2.0, 4.0, 6.0])
    ref = sps.bootstrap(
        (after, before),
        lambda a, b, axis: a.sum(axis=axis) / b.sum(axis=axis),
        paired=True,
        n_resamples=2000,
        method="percentile",
        rng=np.random.default_rng(config.SEED),
    ).confidence_interval
    est = stats.ratio_of_sums(after, before)
    assert (est.low, est.high) == pytest.approx((ref.low, ref.high))


def test_ratio_of_sums_refuses_misaligned_series() -> None:
    with pytest.raises(ValueError, match="align"):
        stats.ratio_of_sums(pd.Series([1.0, 2.0], index=[0, 1]), pd.Series([1.0, 2.0], index=[1, 2]))


# --- comparing groups ------------------------------------------------------------------------------

WOMEN = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, np.nan]
MEN = [0.0, 1.0, 1.0, 2.0, 8.0]


def test_difference_in_medians_by_hand_and_mann_whitney_from_scipy() -> None:
    out = stats.difference_in_medians(WOMEN, MEN)
    assert out["median_a"] == 3.5  # (3 + 4) / 2
    assert out["median_b"] == 1.0
    assert out["estimate"] == 2.5
    assert (out["n_a"], out["n_b"]) == (6, 5)
    assert out["p_value"] == sps.mannwhitneyu(WOMEN[:6], MEN, alternative="two-sided").pvalue
    assert out["caveat"] == stats.CAVEAT_VERY_SMALL


def test_difference_in_medians_resamples_groups_independently() -> None:
    ref = sps.bootstrap(
        (np.array(WOMEN[:6]), np.array(MEN)),
        lambda a, b, axis: np.median(a, axis=axis) - np.median(b, axis=axis),
        paired=False,
        n_resamples=2000,
        method="percentile",
        rng=np.random.default_rng(config.SEED),
    ).confidence_interval
    out = stats.difference_in_medians(WOMEN, MEN)
    assert (out["low"], out["high"]) == pytest.approx((ref.low, ref.high))


def test_difference_in_medians_small_or_empty_group() -> None:
    small = stats.difference_in_medians([1.0, 2.0, 3.0], MEN)
    assert math.isnan(small["low"])
    assert not math.isnan(small["p_value"])
    assert small["caveat"].startswith(stats.CAVEAT_TOO_FEW)
    empty = stats.difference_in_medians([], MEN)
    assert math.isnan(empty["estimate"])
    assert math.isnan(empty["p_value"])
    assert empty["n_a"] == 0


def test_paired_change_median_and_wilcoxon() -> None:
    before = [100.0, 200.0, 300.0, 400.0, 500.0, np.nan]
    after = [150.0, 190.0, 330.0, 470.0, 500.0, 600.0]
    out = stats.paired_change(before, after)
    # differences after − before: 50, −10, 30, 70, 0 → median 30; the zero is dropped by the test
    assert out["estimate"] == 30.0
    assert (out["n"], out["n_changed"]) == (5, 4)
    ref = sps.wilcoxon([50.0, -10.0, 30.0, 70.0, 0.0], zero_method="wilcox")
    assert out["p_value"] == pytest.approx(ref.pvalue)
    assert out["statistic"] == pytest.approx(ref.statistic)


@pytest.mark.parametrize(
    ("before", "after"), [([], []), ([1.0, 2.0, 3.0], [1.0, 2.0, 3.0]), ([np.nan], [1.0])]
)
def test_paired_change_undefined_test_is_nan_without_warning(before: list, after: list) -> None:
    out = stats.paired_change(before, after)
    assert math.isnan(out["p_value"])
    assert out["caveat"]


def test_kruskal_groups_matches_scipy_and_counts_groups() -> None:
    values = [0.5, 0.7, 0.9, 1.1, 1.2, 1.4, 0.3, 0.2, np.nan, 0.8]
    groups = ["KSPN", "KSPN", "KSPN", "KSBSI", "KSBSI", "KSBSI", "KSPSI", "KSPSI", "KSPSI", None]
    out = stats.kruskal_groups(values, groups)
    ref = sps.kruskal([0.5, 0.7, 0.9], [1.1, 1.2, 1.4], [0.3, 0.2])
    assert out["statistic"] == pytest.approx(ref.statistic)
    assert out["p_value"] == pytest.approx(ref.pvalue)
    assert out["n"] == {"KSBSI": 3, "KSPN": 3, "KSPSI": 2}
    assert "chi-square" in out["caveat"]


def test_kruskal_groups_needs_two_groups_and_variation() -> None:
    one_group = stats.kruskal_groups([1.0, 2.0, 3.0], ["a", "a", "a"])
    assert math.isnan(one_group["p_value"])
    identical = stats.kruskal_groups([1.0, 1.0, 1.0, 1.0], ["a", "a", "b", "b"])
    assert math.isnan(identical["p_value"])
    assert "identical" in identical["caveat"]


def test_kruskal_groups_lists_unused_categories_with_zero() -> None:
    groups = pd.Categorical(["a", "a", "b", "b"], categories=["a", "b", "c"])
    out = stats.kruskal_groups([1.0, 2.0, 3.0, 4.0], groups)
    assert out["n"] == {"a": 2, "b": 2, "c": 0}
    assert out["n_groups"] == 2
    assert "c" in out["caveat"]


# --- balance ---------------------------------------------------------------------------------------


def test_normalised_difference_by_hand() -> None:
    # means 2 and 3, sample variances 1 and 1 → (2 − 3) / sqrt((1 + 1) / 2) = −1
    assert stats.normalised_difference([1, 2, 3, np.nan], [2, 3, 4]) == pytest.approx(-1.0)


@pytest.mark.parametrize(("a", "b"), [([1.0], [1.0, 2.0]), ([2.0, 2.0], [3.0, 3.0]), ([], [])])
def test_normalised_difference_undefined_is_nan(a: list, b: list) -> None:
    assert math.isnan(stats.normalised_difference(a, b))


def test_balance_table_by_hand() -> None:
    frame = pd.DataFrame(
        {
            "stayer": [True, True, True, False, False, True],
            "female": pd.array([True, False, True, True, False, None], dtype="boolean"),
            "age_years": [30.0, 40.0, 50.0, 20.0, 30.0, np.nan],
        }
    )
    out = stats.balance_table(frame, group="stayer", columns=["female", "age_years"])
    # female: stayers 2/3, leavers 1/2; sample variances 1/3 and 1/2 → (1/6) / sqrt(5/12);
    #   Fisher table [[2, 1], [1, 1]]: every table with these margins is at least as likely → p = 1
    # age: stayers mean 40 (var 100), leavers 25 (var 50) → 15 / sqrt(75) = sqrt(3);
    #   Welch: se² = 100/3 + 50/2, t = 15 / se, df = se⁴ / ((100/3)²/2 + (50/2)²/1)
    se2 = 100 / 3 + 50 / 2
    df = se2**2 / ((100 / 3) ** 2 / 2 + (50 / 2) ** 2 / 1)
    welch_p = 2 * sps.t.sf(15 / math.sqrt(se2), df)
    expected = pd.DataFrame(
        {
            "characteristic": ["female", "age_years"],
            "kind": ["share", "mean"],
            "mean_true": [2 / 3, 40.0],
            "mean_false": [0.5, 25.0],
            "n_true": [3, 3],
            "n_false": [2, 2],
            "difference": [1 / 6, 15.0],
            "normalised_difference": [(1 / 6) / math.sqrt(5 / 12), math.sqrt(3)],
            "p_value": [1.0, welch_p],
            "test": ["Fisher exact", "Welch t"],
            "caveat": [stats.CAVEAT_TOO_FEW] * 2,
        }
    ).astype({"n_true": "int64", "n_false": "int64"})
    pd.testing.assert_frame_equal(out, expected)


def test_balance_table_treats_zero_one_numbers_as_shares_and_constant_groups_quietly() -> None:
    frame = pd.DataFrame({"stayer": [1, 1, 0, 0, 0], "trained": [1, 1, 0, 1, 0], "sessions": [3, 3, 1, 2, 3]})
    out = stats.balance_table(frame, group="stayer", columns=["trained", "sessions"])
    assert out["kind"].tolist() == ["share", "mean"]
    # stayers all attended 3 sessions: Welch still works from the leavers' variance, without warnings
    # stayers [3, 3]: mean 3, var 0; leavers [1, 2, 3]: mean 2, var 1 → se² = 1/3, t = √3, df = 2
    assert out["p_value"].iloc[1] == pytest.approx(2 * sps.t.sf(math.sqrt(3), 2))


def test_balance_table_rejects_unknown_columns() -> None:
    with pytest.raises(ValueError, match="not in the frame"):
        stats.balance_table(pd.DataFrame({"stayer": [True]}), group="stayer", columns=["age"])


# --- Kaplan–Meier ----------------------------------------------------------------------------------


def test_kaplan_meier_hand_worked_example() -> None:
    expected = pd.DataFrame(
        {
            "time": [0.0, 3.0, 6.0, 12.0],
            "at_risk": [8, 8, 6, 3],
            "events": [0, 1, 2, 1],
            "censored": [0, 1, 1, 2],
            "survival": [1.0, 7 / 8, 7 / 12, 7 / 18],
        }
    )
    km = km_example()
    pd.testing.assert_frame_equal(km[expected.columns], expected)


def test_kaplan_meier_greenwood_half_width_by_hand() -> None:
    km = km_example().set_index("time")
    variance = (7 / 12) ** 2 * (1 / (8 * 7) + 2 / (6 * 4))  # = (49/144) × (17/168)
    half_width = (km.loc[6.0, "survival_high"] - km.loc[6.0, "survival_low"]) / 2
    assert (half_width / Z95) ** 2 == pytest.approx(variance)
    assert km.loc[6.0, "survival_low"] == pytest.approx(7 / 12 - Z95 * math.sqrt(variance))


def test_kaplan_meier_log_log_band_matches_formula() -> None:
    km = km_example(ci_method="log-log").set_index("time")
    s = 7 / 12
    se = math.sqrt(1 / (8 * 7) + 2 / (6 * 4)) / abs(math.log(s))
    low = s ** math.exp(Z95 * se)
    high = s ** math.exp(-Z95 * se)
    assert (km.loc[6.0, "survival_low"], km.loc[6.0, "survival_high"]) == pytest.approx((low, high))


def test_kaplan_meier_matches_scipy_on_random_censored_data() -> None:
    rng = np.random.default_rng(config.SEED)
    durations = rng.integers(1, 13, size=48).astype(float)
    events = rng.random(48) < 0.6
    km = stats.kaplan_meier(durations, events, level=0.9)
    fit = sps.ecdf(sps.CensoredData(uncensored=durations[events], right=durations[~events])).sf
    band = fit.confidence_interval(confidence_level=0.9)
    rows = km[km["time"] > 0]
    np.testing.assert_allclose(rows["time"], fit.quantiles)
    np.testing.assert_allclose(rows["survival"], fit.probabilities)
    np.testing.assert_allclose(rows["survival_low"], band.low.probabilities)
    np.testing.assert_allclose(rows["survival_high"], band.high.probabilities)
    # counts agree with a direct count and with the product-limit formula
    np.testing.assert_array_equal(rows["at_risk"], [(durations >= t).sum() for t in rows["time"]])
    assert km["events"].sum() == events.sum()
    assert km["censored"].sum() == (~events).sum()
    product_limit = np.cumprod(1 - rows["events"] / rows["at_risk"])
    np.testing.assert_allclose(rows["survival"], product_limit)


def test_kaplan_meier_drops_incomplete_pairs_and_accepts_nullable_types() -> None:
    durations = pd.Series([*KM_DURATIONS, None, 4], dtype="Int64")
    events = pd.Series([*map(bool, KM_EVENTS), True, None], dtype="boolean")
    pd.testing.assert_frame_equal(stats.kaplan_meier(durations, events), km_example())


def test_kaplan_meier_without_events_has_flat_band() -> None:
    km = stats.kaplan_meier([2, 5, 7], [False, False, False], ci_method="log-log")
    assert km["survival"].tolist() == [1.0] * 4
    assert km["survival_low"].tolist() == [1.0] * 4
    assert km["survival_high"].tolist() == [1.0] * 4


def test_kaplan_meier_band_undefined_where_everyone_recovered() -> None:
    km = stats.kaplan_meier([3, 3, 6, 6], [1, 1, 1, 1])
    last = km.iloc[-1]
    assert last["survival"] == 0.0
    assert math.isnan(last["survival_low"])
    assert math.isnan(last["survival_high"])


def test_kaplan_meier_empty_and_bad_input() -> None:
    empty = stats.kaplan_meier([], [])
    assert empty.empty
    assert list(empty.columns) == [
        "time",
        "at_risk",
        "events",
        "censored",
        "survival",
        "survival_low",
        "survival_high",
    ]
    with pytest.raises(ValueError, match=">= 0"):
        stats.kaplan_meier([-1, 2], [1, 0])
    with pytest.raises(ValueError, match="True/False"):
        stats.kaplan_meier([1, 2], [1, 2])


def test_recovered_share_at_reads_the_step_function() -> None:
    out = stats.recovered_share_at(km_example(), [-1, 0, 3, 5, 6, 12, 24])
    expected_share = [0.0, 0.0, 1 / 8, 1 / 8, 5 / 12, 11 / 18, 11 / 18]
    np.testing.assert_allclose(out["share_recovered"], expected_share)
    assert out["at_risk"].tolist() == [8, 8, 8, 6, 6, 3, 0]
    km = km_example().set_index("time")
    assert out["share_recovered_low"].iloc[4] == pytest.approx(1 - km.loc[6.0, "survival_high"])
    assert out["share_recovered_high"].iloc[4] == pytest.approx(1 - km.loc[6.0, "survival_low"])


def test_median_time_and_its_interval() -> None:
    durations = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    km = stats.kaplan_meier(durations, [True] * 12)
    # no censoring: S(t) = 1 − t/12, first ≤ 0.5 at t = 6
    est = stats.median_time(km)
    assert est.estimate == 6.0
    assert est.n == 12
    first = lambda column: km.loc[km[column] <= 0.5, "time"].iloc[0]  # noqa: E731
    assert (est.low, est.high) == (first("survival_low"), first("survival_high"))
    assert est.low <= est.estimate <= est.high


def test_median_time_not_reached() -> None:
    est = stats.median_time(km_example(level=0.95)[lambda km: km["time"] <= 6])
    assert math.isnan(est.estimate)
    assert "not reached" in est.caveat
    assert stats.median_time(stats.kaplan_meier([], [])).n == 0


# --- log-rank --------------------------------------------------------------------------------------


def test_logrank_matches_scipy_on_seeded_example() -> None:
    rng = np.random.default_rng(config.SEED)
    durations = rng.integers(1, 13, size=30).astype(float)
    events = rng.random(30) < 0.7
    female = rng.random(30) < 0.5
    out = stats.logrank(durations, events, female)
    ref = sps.logrank(
        x=sps.CensoredData(uncensored=durations[female & events], right=durations[female & ~events]),
        y=sps.CensoredData(uncensored=durations[~female & events], right=durations[~female & ~events]),
    )
    assert out["groups"] == (True, False)
    assert out["statistic"] == pytest.approx(ref.statistic)
    assert out["p_value"] == pytest.approx(ref.pvalue)
    assert out["n"] == {True: int(female.sum()), False: int((~female).sum())}
    assert out["events"][True] == int((female & events).sum())


def test_logrank_with_an_empty_group_is_nan() -> None:
    out = stats.logrank([1, 2, 3], [1, 0, 1], [True, True, True])
    assert math.isnan(out["p_value"])
    assert out["n"] == {True: 3, False: 0}
    assert "empty" in out["caveat"]
    unused = stats.logrank([1, 2], [1, 1], pd.Categorical(["f", "f"], categories=["f", "m"]))
    assert math.isnan(unused["p_value"])


def test_logrank_without_any_recovery_is_nan() -> None:
    out = stats.logrank([1, 2, 3, 4], [0, 0, 0, 0], ["f", "f", "m", "m"])
    assert math.isnan(out["statistic"])
    assert "no one recovered" in out["caveat"]


def test_logrank_with_recoveries_in_one_group_only_is_still_a_test() -> None:
    out = stats.logrank([3, 6, 6, 12, 3, 6, 12, 12], [1, 1, 1, 1, 0, 0, 0, 0], ["a"] * 4 + ["b"] * 4)
    assert 0 < out["p_value"] < 1
    assert "no recoveries in b" in out["caveat"]


def test_logrank_refuses_more_than_two_groups() -> None:
    with pytest.raises(ValueError, match="exactly two"):
        stats.logrank([1, 2, 3], [1, 1, 1], ["a", "b", "c"])


# --- properties ------------------------------------------------------------------------------------

durations_and_events = st.integers(min_value=0, max_value=30).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(min_value=0, max_value=24), min_size=n, max_size=n),
        st.lists(st.booleans(), min_size=n, max_size=n),
    )
)


@PROPERTY
@given(data=durations_and_events, ci_method=st.sampled_from(["linear", "log-log"]))
def test_kaplan_meier_survival_is_non_increasing_within_unit_interval(
    data: tuple[list[int], list[bool]], ci_method: str
) -> None:
    durations, events = data
    km = stats.kaplan_meier(durations, events, ci_method=ci_method)  # type: ignore[arg-type]
    survival = km["survival"].to_numpy()
    assert ((survival >= 0) & (survival <= 1)).all()
    assert (np.diff(survival) <= 1e-12).all()
    band = km.dropna(subset=["survival_low", "survival_high"])
    assert (band["survival_low"] >= 0).all()
    assert (band["survival_high"] <= 1).all()
    assert (band["survival_low"] <= band["survival"] + 1e-12).all()
    assert (band["survival"] <= band["survival_high"] + 1e-12).all()
    assert km["events"].sum() + km["censored"].sum() == len(durations)


@PROPERTY
@given(data=durations_and_events, times=st.lists(st.floats(min_value=-5, max_value=40), max_size=6))
def test_recovered_share_at_within_unit_interval(
    data: tuple[list[int], list[bool]], times: list[float]
) -> None:
    km = stats.kaplan_meier(*data)
    out = stats.recovered_share_at(km, times)
    for column in ["share_recovered", "share_recovered_low", "share_recovered_high"]:
        values = out[column].dropna()
        assert ((values >= 0) & (values <= 1)).all()
    assert len(out) == len(times)


small_samples = st.lists(st.integers(min_value=0, max_value=5).map(float), max_size=9)


@PROPERTY
@given(a=small_samples, b=small_samples)
def test_group_comparisons_never_warn_on_tiny_tied_samples(a: list[float], b: list[float]) -> None:
    # the suite runs with warnings as errors, so returning at all means no warning escaped
    n = min(len(a), len(b))
    stats.difference_in_medians(a, b, n_resamples=200)
    stats.paired_change(a[:n], b[:n])
    stats.kruskal_groups(a + b, ["a"] * len(a) + ["b"] * len(b))
    stats.logrank(a + b, [v > 2 for v in a + b], ["a"] * len(a) + ["b"] * len(b))
    stats.median_ci(a, n_resamples=200)
    stats.balance_table(
        pd.DataFrame({"g": [True] * len(a) + [False] * len(b), "x": a + b}), group="g", columns=["x"]
    )


def test_large_samples_use_closed_form_intervals_close_to_bootstrap():
    rng = np.random.default_rng(7)
    x = rng.lognormal(0, 0.5, size=stats.LARGE_N + 1)
    est = stats.median_ci(x)
    # order-statistic ranks for n=5001 at 95%: the CI brackets the median within ~2.8% of the data
    assert est.low < est.estimate < est.high
    assert np.mean(x <= est.low) == pytest.approx(0.4861, abs=0.002)
    assert np.mean(x <= est.high) == pytest.approx(0.5139, abs=0.002)
    boot = _base._bootstrap_ci((x,), _base._median_of, paired=False, level=0.95, n_resamples=500, seed=1)
    assert est.low == pytest.approx(boot[0], rel=0.02)
    assert est.high == pytest.approx(boot[1], rel=0.02)


def test_large_ratio_of_sums_uses_delta_method():
    rng = np.random.default_rng(8)
    den = rng.lognormal(15, 0.3, size=stats.LARGE_N + 1)
    num = den * rng.lognormal(-0.3, 0.4, size=den.size)
    est = stats.ratio_of_sums(num, den)
    r = num.sum() / den.sum()
    se = np.std(num - r * den, ddof=1) / (np.sqrt(den.size) * den.mean())
    assert est.low == pytest.approx(r - 1.959964 * se)
    assert est.high == pytest.approx(r + 1.959964 * se)


def test_large_difference_in_medians_price_bonett():
    rng = np.random.default_rng(9)
    a = rng.normal(1.0, 0.3, size=stats.LARGE_N + 10)
    b = rng.normal(0.8, 0.3, size=stats.LARGE_N + 20)
    out = stats.difference_in_medians(a, b)
    assert out["low"] < 0.2 < out["high"]
    assert out["high"] - out["low"] < 0.05
