"""Tests for impact.measure.did: the difference in differences worked by hand on a panel without
noise, on the bundled sample against its known effect (``data/sample/truth/effect.json``), the
coverage of its interval over many draws of the outcome model (impact.synth.comparison), the
baseline balance, and its errors.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from impact.measure import did, indicators
from impact.measure.stats.cluster import percentile_interval, resample_within
from impact.synth import comparison as synth

TRUTH = Path(__file__).resolve().parents[2] / "data" / "sample" / "truth"
#: small where the interval itself is not under test
FEW = 200
COLUMNS = [
    "period",
    "months",
    "n_treated",
    "n_comparison",
    "change_treated",
    "change_comparison",
    "did",
    "did_low",
    "did_high",
]


# --- a panel without noise, worked by hand ---------------------------------------------------------------
# Everyone's pre-layoff wage is 4,000,000 (ratio 1 before the layoff). Values are multiples of 1/4, so
# every sum is exact in floating point.
#
# cohort  group       people  ratio at registration  change to m3  change to m6         DiD m3  DiD m6
# A       treated     6       0.25                   +0.5          +0.75 (one missing)  0.25    0.5
# A       comparison  5       0.25                   +0.25         +0.25
# B       treated     4       0.5                    +1.0          +1.25                0.5     0.75
# B       comparison  6       0.25                   +0.5          +0.5
# C       treated     3       0.0                    +4.0          +4.0                 (no comparison: left out)
# D       comparison  2       0.0                    +3.0          +3.0                 (no participants: left out)
#
# before (1 − ratio at registration): A 0.75 vs 0.75 → 0; B 0.5 vs 0.75 → −0.25.
# The programme's DiD weights each cohort by its participants present:
#   before (6 × 0 + 4 × −0.25) / 10 = −0.1;  m3 (6 × 0.25 + 4 × 0.5) / 10 = 0.35;
#   m6 (5 × 0.5 + 4 × 0.75) / 9 = 5.5 / 9.
WAGE = 4_000_000.0
GROUPS = [
    # cohort, treated, people, baseline, change m3, change m6
    ("A", True, 6, 0.25, 0.5, 0.75),
    ("A", False, 5, 0.25, 0.25, 0.25),
    ("B", True, 4, 0.5, 1.0, 1.25),
    ("B", False, 6, 0.25, 0.5, 0.5),
    ("C", True, 3, 0.0, 4.0, 4.0),
    ("D", False, 2, 0.0, 3.0, 3.0),
]


PANEL_COLUMNS = [
    "participant_id",
    "cohort",
    "treated",
    "income_before_idr",
    "income_baseline_idr",
    "ratio_before",
    "ratio_baseline",
    "income_m3",
    "ratio_m3",
    "income_m6",
    "ratio_m6",
]


def hand_panel(groups=GROUPS, *, missing_m6: tuple[str, ...] = ("A-T-6",)) -> pd.DataFrame:
    rows = []
    for cohort, treated, people, base, m3, m6 in groups:
        for i in range(1, people + 1):
            pid = f"{cohort}-{'T' if treated else 'C'}-{i}"
            ratio = {"baseline": base, "m3": base + m3, "m6": np.nan if pid in missing_m6 else base + m6}
            rows.append(
                {
                    "participant_id": pid,
                    "cohort": cohort,
                    "treated": treated,
                    "income_before_idr": WAGE,
                    "income_baseline_idr": ratio["baseline"] * WAGE,
                    "ratio_before": 1.0,
                    "ratio_baseline": ratio["baseline"],
                    "income_m3": ratio["m3"] * WAGE,
                    "ratio_m3": ratio["m3"],
                    "income_m6": ratio["m6"] * WAGE,
                    "ratio_m6": ratio["m6"],
                }
            )
    return pd.DataFrame(rows, columns=PANEL_COLUMNS)


def test_hand_panel_did_is_exact():
    got = did.difference_in_differences(hand_panel(), n_resamples=FEW)
    assert got.columns.tolist() == COLUMNS
    assert got["period"].tolist() == ["before", "m3", "m6"]
    assert math.isnan(got["months"].iloc[0])
    assert got["months"].iloc[1:].tolist() == [3.0, 6.0]
    assert got["did"].tolist() == [-1.0 / 10, 3.5 / 10, 5.5 / 9]
    # people in cohorts with both groups only (C's participants and D's comparison left out)
    assert got["n_treated"].tolist() == [10, 10, 9]
    assert got["n_comparison"].tolist() == [11, 11, 11]
    # plain means over those people
    assert got["change_treated"].tolist() == [6.5 / 10, 7.0 / 10, 8.75 / 9]
    assert got["change_comparison"].tolist() == [0.75, 4.25 / 11, 4.25 / 11]


def test_hand_panel_intervals():
    """Within a cohort and group every change is the same: where nobody is missing, every
    resample gives the same DiD; at m6 (one of A's participants missing) A's weight varies, so the
    draws lie between A's 0.5 and B's 0.75."""
    got = did.difference_in_differences(hand_panel(), n_resamples=FEW, seed=3).set_index("period")
    assert (got.loc["before", "did_low"], got.loc["before", "did_high"]) == (-0.1, -0.1)
    assert (got.loc["m3", "did_low"], got.loc["m3", "did_high"]) == (0.35, 0.35)
    m6 = got.loc["m6"]
    assert 0.5 <= m6["did_low"] < m6["did"] < m6["did_high"] <= 0.75


def test_hand_panel_income():
    got = did.difference_in_differences(hand_panel(), outcome="income_idr", n_resamples=FEW)
    assert got["did"].tolist() == pytest.approx([-0.1 * WAGE, 0.35 * WAGE, 5.5 / 9 * WAGE], rel=1e-12)
    assert got["change_treated"].tolist() == pytest.approx([0.65 * WAGE, 0.7 * WAGE, 8.75 / 9 * WAGE])


def test_cohorts_with_one_group_are_left_out():
    both = [g for g in GROUPS if g[0] in ("A", "B")]
    with_all = did.difference_in_differences(hand_panel(), n_resamples=FEW, seed=5)
    without = did.difference_in_differences(hand_panel(both), n_resamples=FEW, seed=5)
    pd.testing.assert_frame_equal(with_all, without)


def test_one_cohort_did_is_the_difference_of_the_changes():
    only_a = [g for g in GROUPS if g[0] == "A"]
    got = did.difference_in_differences(hand_panel(only_a), n_resamples=FEW).set_index("period")
    assert got["did"].tolist() == [0.0, 0.25, 0.5]
    assert (got["did"] == got["change_treated"] - got["change_comparison"]).all()
    assert got["n_treated"].tolist() == [6, 6, 5]


def test_periods_can_be_chosen():
    got = did.difference_in_differences(hand_panel(), periods=["m6"], n_resamples=FEW)
    assert got["period"].tolist() == ["m6"]
    assert got["did"].iloc[0] == 5.5 / 9
    absent = did.difference_in_differences(hand_panel(), periods=["m12"], n_resamples=FEW).iloc[0]
    assert (absent["n_treated"], absent["n_comparison"]) == (0, 0)
    assert math.isnan(absent["did"])
    assert math.isnan(absent["did_low"])


def test_fewer_than_five_in_a_group_gives_no_interval():
    four = [("A", True, 6, 0.25, 0.5, 0.75), ("A", False, 4, 0.25, 0.25, 0.25)]
    got = did.difference_in_differences(hand_panel(four), n_resamples=FEW)
    assert got["did"].tolist() == [0.0, 0.25, 0.5]
    assert got["did_low"].isna().all()
    assert got["did_high"].isna().all()


def test_fewer_than_five_at_one_period_gives_no_interval_there():
    groups = [("A", True, 6, 0.25, 0.5, 0.75), ("A", False, 6, 0.25, 0.25, 0.25)]
    panel = hand_panel(groups, missing_m6=("A-C-1", "A-C-2"))  # 4 comparison answers at m6
    got = did.difference_in_differences(panel, n_resamples=FEW).set_index("period")
    assert got.loc["m6", "n_comparison"] == 4
    assert got.loc["m6", "did"] == 0.5
    assert math.isnan(got.loc["m6", "did_low"])
    assert math.isnan(got.loc["m6", "did_high"])
    assert (got.loc["m3", "did_low"], got.loc["m3", "did_high"]) == (0.25, 0.25)


def test_panel_without_anyone():
    got = did.difference_in_differences(hand_panel([]), n_resamples=FEW)
    assert got["period"].tolist() == ["before", "m3", "m6"]
    assert got["n_treated"].tolist() == [0, 0, 0]
    assert got["did"].isna().all()
    assert got["did_low"].isna().all()


def test_unknown_outcome_names_the_valid_ones():
    with pytest.raises(ValueError, match=r"recovery_ratio, income_idr.*'ratio'") as err:
        did.difference_in_differences(hand_panel(), outcome="ratio")
    for name in did.OUTCOMES:
        assert name in str(err.value)


# --- the sample: Karawang's participants and comparison group, known effect ------------------------


@pytest.fixture(scope="module")
def panel(sample_clean) -> pd.DataFrame:
    """As :func:`impact.publish.impact.impact_results` builds it, for Karawang."""
    data = sample_clean
    cohorts = data.programme.cohorts
    p = data.participants[data.participants["cohort"] == synth.CODE]
    fu = data.followups[data.followups["participant_id"].isin(p["participant_id"])]
    treated = indicators.recovery_by_wave(p, fu, cohorts=cohorts)
    people = data.comparison[data.comparison["cohort"] == synth.CODE]
    cfu = data.comparison_followups[
        data.comparison_followups["participant_id"].isin(people["participant_id"])
    ]
    control = indicators.recovery_by_wave(people, cfu, cohorts=cohorts)
    return did.impact_panel(treated, control)


@pytest.fixture(scope="module")
def truth() -> dict:
    return json.loads((TRUTH / "effect.json").read_text(encoding="utf-8"))


def test_sample_panel(panel, truth):
    assert len(panel) == truth["participants"] + truth["comparison"]
    assert int(panel["treated"].sum()) == truth["participants"]
    assert set(panel["cohort"]) == {synth.CODE}
    assert panel["participant_id"].is_unique
    assert (panel["ratio_before"] == 1.0).all()
    assert panel["ratio_baseline"].to_numpy() == pytest.approx(
        (panel["income_baseline_idr"] / panel["income_before_idr"]).to_numpy()
    )
    for wave, answered in truth["responders"].items():
        got = panel.groupby("treated")[f"ratio_{wave}"].count()
        assert (got[True], got[False]) == (answered["participant"], answered["comparison"])
        assert panel[f"ratio_{wave}"].to_numpy() == pytest.approx(
            (panel[f"income_{wave}"] / panel["income_before_idr"]).to_numpy(), nan_ok=True
        )


def test_sample_did_covers_the_true_effect(panel, truth):
    """The 95% interval (the default resamples and seed, as the report) at each wave covers the
    effect the sample was generated with."""
    got = did.difference_in_differences(panel).set_index("period")
    effect = truth["effect_recovery_ratio"]
    assert effect == synth.EFFECT
    for wave, value in effect.items():
        row = got.loc[wave]
        assert row["did_low"] < value < row["did_high"], (wave, row.to_dict())
        assert row["did_low"] < row["did"] < row["did_high"]
        assert (row["n_treated"], row["n_comparison"]) == (
            truth["responders"][wave]["participant"],
            truth["responders"][wave]["comparison"],
        )
        # one cohort: the DiD is the difference of the mean changes
        assert row["did"] == pytest.approx(row["change_treated"] - row["change_comparison"], rel=1e-12)
    assert got.loc["before", "n_treated"] == truth["participants"]


def test_sample_income_did_covers_the_effect_in_rupiah(panel, truth):
    got = did.difference_in_differences(panel, outcome="income_idr").set_index("period")
    for wave, value in truth["effect_income_idr"].items():
        assert got.loc[wave, "did_low"] < value < got.loc[wave, "did_high"], wave


def test_sample_interval_is_the_cluster_bootstrap(panel):
    """One cohort: the draws are, per resample of people within group, the treated mean change
    minus the comparison mean change — recomputed here from :func:`resample_within`."""
    got = did.difference_in_differences(panel, n_resamples=FEW, seed=13).set_index("period")
    treated = panel["treated"].to_numpy()
    idx = resample_within(np.where(treated, "t", "c"), n_resamples=FEW, seed=13)
    base = panel["ratio_baseline"].to_numpy(dtype=float)
    for wave in synth.EFFECT:
        change = panel[f"ratio_{wave}"].to_numpy(dtype=float) - base
        draws = np.nanmean(np.where(treated[idx], change[idx], np.nan), axis=1) - np.nanmean(
            np.where(treated[idx], np.nan, change[idx]), axis=1
        )
        low, high = percentile_interval(draws)
        assert got.loc[wave, "did_low"] == pytest.approx(low, rel=1e-9)
        assert got.loc[wave, "did_high"] == pytest.approx(high, rel=1e-9)


def test_sample_did_is_seeded(panel):
    a = did.difference_in_differences(panel, n_resamples=FEW, seed=1)
    pd.testing.assert_frame_equal(a, did.difference_in_differences(panel, n_resamples=FEW, seed=1))
    b = did.difference_in_differences(panel, n_resamples=FEW, seed=2)
    pd.testing.assert_series_equal(a["did"], b["did"])
    assert not a["did_low"].equals(b["did_low"])


# --- coverage over many draws of the outcome model -----------------------------------------------------------

REPS = 400


def test_interval_covers_the_effect_in_about_95_percent_of_draws():
    """``REPS`` panels drawn from :func:`impact.synth.comparison.draw_panel` (the sample's design:
    42 participants, 40 comparison, :data:`~impact.synth.comparison.RESPONDERS` answering each
    wave), each with its own seed; ``FEW`` resamples each.

    Tolerance: the percentile bootstrap undercovers a little at about 30 people per group (over
    3,000 draws of this design: 0.931, 0.932, 0.929 at m3, m6, m12; these 400 give 0.943, 0.933,
    0.913). With 400 draws the binomial standard error is about 0.013, so [0.89, 0.99] is about
    3 SE either side of 0.93–0.95, while an interval of the wrong width (a quarter too narrow, or
    no resampling at all) falls well outside. Seeds are fixed: the outcome is deterministic."""
    n_t, n_c = synth.PARTICIPANT_SIZE, synth.COMPARISON_SIZE
    treated = np.arange(n_t + n_c) < n_t
    hits = dict.fromkeys(synth.EFFECT, 0)
    estimates = {w: [] for w in synth.EFFECT}
    for seed in range(REPS):
        rng = np.random.default_rng(seed)
        ratio = synth.draw_panel(rng, np.ones(n_t + n_c), treated.astype(float))
        columns = {}
        for wave, (k_t, k_c) in synth.RESPONDERS.items():
            answered = np.zeros(n_t + n_c, dtype=bool)
            answered[rng.choice(n_t, size=k_t, replace=False)] = True
            answered[n_t + rng.choice(n_c, size=k_c, replace=False)] = True
            columns[f"ratio_{wave}"] = np.where(answered, ratio[wave], np.nan)
        panel = pd.DataFrame(
            {"cohort": "k", "treated": treated, "ratio_before": 1.0, "ratio_baseline": ratio["baseline"]}
            | columns
        )
        got = did.difference_in_differences(panel, periods=list(synth.EFFECT), n_resamples=FEW, seed=seed)
        for row in got.itertuples(index=False):
            hits[row.period] += row.did_low <= synth.EFFECT[row.period] <= row.did_high
            estimates[row.period].append(row.did)
    for wave, effect in synth.EFFECT.items():
        assert 0.89 <= hits[wave] / REPS <= 0.99, (wave, hits[wave] / REPS)
        # and the estimator is unbiased: the mean of the estimates is the effect (SE ≤ 0.003)
        assert np.mean(estimates[wave]) == pytest.approx(effect, abs=0.01)


# --- baseline balance ---------------------------------------------------------------------------------------

BALANCE = [
    "female",
    "birth_year",
    "months_since_layoff",
    "income_before_idr",
    "income_baseline_idr",
    "ratio_baseline",
]


def _nd(a: np.ndarray, b: np.ndarray) -> float:
    return float((a.mean() - b.mean()) / np.sqrt((a.var(ddof=1) + b.var(ddof=1)) / 2))


def test_sample_balance(panel):
    got = did.baseline_balance(panel).set_index("characteristic")
    assert got.index.tolist() == BALANCE
    assert got.loc["female", "kind"] == "share"
    assert (got.loc[BALANCE[1:], "kind"] == "mean").all()
    assert (got["n_true"] == 42).all()
    assert (got["n_false"] == 40).all()
    # who the people are is balanced
    assert abs(got.loc["birth_year", "normalised_difference"]) < 0.25
    assert abs(got.loc["female", "normalised_difference"]) < 0.25
    # the comparison group is matched pair by pair on the situation at registration: as many earn
    # something (28 of 42 against 28 of 40), and the ratio at registration is balanced too — the
    # same in the truth files
    people = pd.read_csv(TRUTH / "participants.csv")
    people = people[people["cohort"] == synth.CODE]
    others = pd.read_csv(TRUTH / "comparison.csv")
    assert ((people["income_baseline_idr"] > 0).sum(), (others["income_baseline_idr"] > 0).sum()) == (28, 28)
    want = _nd(
        (people["income_baseline_idr"] / people["income_before_idr"]).to_numpy(),
        (others["income_baseline_idr"] / others["income_before_idr"]).to_numpy(),
    )
    assert got.loc["ratio_baseline", "normalised_difference"] == pytest.approx(want, rel=1e-9)
    assert abs(got.loc["ratio_baseline", "normalised_difference"]) < 0.25
    assert abs(got.loc["income_baseline_idr", "normalised_difference"]) < 0.25


def test_balance_of_an_imbalanced_panel():
    """Five participants, four of them women, born 1970–74; five comparison respondents, one woman,
    born 1990–94. Shares 0.8 and 0.2 (variances 0.2 each): normalised difference 0.6 / √0.2."""
    panel = pd.DataFrame(
        {
            "treated": [True] * 5 + [False] * 5 + [True],
            "gender": ["female"] * 4 + ["male"] + ["female"] + ["male"] * 4 + [None],
            "birth_year": [1970, 1971, 1972, 1973, 1974, 1990, 1991, 1992, 1993, 1994, 1980],
            "months_since_layoff": [6.0] * 11,
            "income_before_idr": [4e6, 5e6, 4e6, 5e6, 4e6, 4e6, 5e6, 4e6, 5e6, 4e6, np.nan],
            "income_baseline_idr": [0, 1e6, 0, 1e6, 0, 0, 1e6, 0, 1e6, 0, 0],
            "ratio_baseline": [0, 0.2, 0, 0.2, 0, 0, 0.2, 0, 0.2, 0, np.nan],
        }
    )
    got = did.baseline_balance(panel).set_index("characteristic")
    assert got.index.tolist() == BALANCE
    female = got.loc["female"]
    assert (female["mean_true"], female["mean_false"]) == (0.8, 0.2)
    assert (female["n_true"], female["n_false"]) == (5, 5)  # the missing gender left out
    assert female["normalised_difference"] == pytest.approx(0.6 / math.sqrt(0.2))
    born = got.loc["birth_year"]
    assert (born["n_true"], born["n_false"]) == (6, 5)  # the one without a gender counts here
    assert born["difference"] == pytest.approx(np.mean([1970, 1971, 1972, 1973, 1974, 1980]) - 1992)
    assert born["normalised_difference"] == pytest.approx(
        _nd(np.array([1970, 1971, 1972, 1973, 1974, 1980.0]), np.arange(1990, 1995.0))
    )
    assert born["normalised_difference"] < -2
    # the same wages on both sides (the missing one left out): no difference
    wage = got.loc["income_before_idr"]
    assert (wage["n_true"], wage["difference"], wage["normalised_difference"]) == (5, 0.0, 0.0)
    assert got.loc["income_baseline_idr", "difference"] == pytest.approx(2e6 / 6 - 2e6 / 5)
    # no variation at all: undefined
    assert math.isnan(got.loc["months_since_layoff", "normalised_difference"])


def test_without_a_comparison_group_the_tables_are_empty_not_errors():
    """A bug once: an empty panel raised KeyError ('ratio_baseline', 'gender')."""
    panel = did.impact_panel(pd.DataFrame(), pd.DataFrame())
    got = did.difference_in_differences(panel)
    assert got["period"].tolist() == ["before"]
    assert got["n_treated"].tolist() == [0]
    assert got["did"].isna().all()
    balance = did.baseline_balance(panel)
    assert balance["characteristic"].tolist()[0] == "female"
    assert (balance["caveat"] == "no observations").all()
