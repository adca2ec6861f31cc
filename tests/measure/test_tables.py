"""Tests for impact.tables: group cells, the recovery table worked by hand, logframe, comparisons,
and the golden file of the main indicators on the bundled sample.

The golden file ``tests/golden/indicators_sample.csv`` changes only on purpose::

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/measure/test_tables.py -k golden
"""

from __future__ import annotations

import difflib
import io
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from impact import config, vocab
from impact.measure import stats, tables
from impact.publish import results

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "indicators_sample.csv"
UPDATE_GOLDEN = os.environ.get("UPDATE_GOLDEN") == "1"
PROPERTY = settings(max_examples=40, deadline=None, derandomize=True)

# --- the hand-worked example: eight people at wave m6 (and one row at m3 that must be ignored) -----
#  id  confederation  gender  responded  before     now        ratio  recovered
#   1  kspn           female  yes        2,000,000  1,000,000  0.5    no
#   2  kspn           female  yes        1,000,000  1,200,000  1.2    yes
#   3  ksbsi          female  yes        4,000,000  3,000,000  0.75   no
#   4  ksbsi          female  no         3,000,000  –          –      –
#   5  kspn           female  yes        0          900,000    –      –   (wage 0: no ratio)
#   6  kspn           male    yes        3,000,000  3,000,000  1.0    yes
#   7  ksbsi          male    yes        2,000,000  500,000    0.25   no
#   8  ksbsi          male    yes        2,500,000  –          –      –   (income not reported)
HAND = [
    (1, "kspn", "female", True, 2_000_000, 1_000_000),
    (2, "kspn", "female", True, 1_000_000, 1_200_000),
    (3, "ksbsi", "female", True, 4_000_000, 3_000_000),
    (4, "ksbsi", "female", False, 3_000_000, None),
    (5, "kspn", "female", True, 0, 900_000),
    (6, "kspn", "male", True, 3_000_000, 3_000_000),
    (7, "ksbsi", "male", True, 2_000_000, 500_000),
    (8, "ksbsi", "male", True, 2_500_000, None),
]


def waves_frame(rows, *, wave: str = "m6") -> pd.DataFrame:
    """A recovery_by_wave-like frame: (id, confederation, gender, responded, before, now) per row."""
    df = pd.DataFrame(
        {
            "participant_id": pd.array([f"P-{r[0]:016x}" for r in rows], dtype="string"),
            "confederation": pd.Categorical([r[1] for r in rows], dtype=vocab.CONFEDERATION_DTYPE),
            "gender": pd.Categorical([r[2] for r in rows], dtype=vocab.GENDER_DTYPE),
            "wave": pd.Categorical([wave] * len(rows), dtype=vocab.WAVE_DTYPE),
            "responded": np.array([r[3] for r in rows], dtype=bool),
            "income_before_idr": pd.array([r[4] for r in rows], dtype="Int64"),
            "income_total_idr": pd.array([r[5] for r in rows], dtype="Int64"),
        }
    )
    before = df["income_before_idr"].astype("Float64")
    ratio = df["income_total_idr"].astype("Float64") / before.where(before > 0)
    return df.assign(recovery_ratio=ratio, recovered=(ratio >= 1.0).astype("boolean"))


def hand_waves() -> pd.DataFrame:
    other_wave = waves_frame([(1, "kspn", "female", True, 2_000_000, 9_000_000)], wave="m3")
    return pd.concat([waves_frame(HAND), other_wave], ignore_index=True)


RATIO_COLUMNS = ["median_recovery_ratio", "median_recovery_ratio_low", "median_recovery_ratio_high"]
SHARE_COLUMNS = ["share_recovered", "share_recovered_low", "share_recovered_high"]


# --- group_cells ------------------------------------------------------------------------------


def test_group_cells_keeps_every_category_and_adds_all_margins() -> None:
    cells = tables.group_cells(waves_frame(HAND), ["confederation", "gender"])
    labels = [(c["confederation"], c["gender"]) for c, _ in cells]
    confs = [*vocab.CONFEDERATIONS, "All"]
    assert labels == [(c, g) for c in confs for g in ("female", "male", "All")]


def test_group_cells_sizes_by_hand() -> None:
    cells = {
        (c["confederation"], c["gender"]): len(g)
        for c, g in tables.group_cells(waves_frame(HAND), ["confederation", "gender"])
    }
    assert cells[("kspn", "female")] == 3
    assert cells[("ksbsi", "male")] == 2
    assert cells[("sarbumusi", "female")] == 0
    assert cells[("All", "female")] == 5
    assert cells[("kspn", "All")] == 4
    assert cells[("All", "All")] == 8


def test_group_cells_without_grouping_is_the_whole_frame() -> None:
    frame = waves_frame(HAND)
    [(labels, rows)] = tables.group_cells(frame, [])
    assert labels == {}
    pd.testing.assert_frame_equal(rows, frame)


def test_group_cells_counts_missing_group_values_only_in_the_margins() -> None:
    frame = waves_frame([*HAND, (9, "kspn", None, True, 1, 1)])
    cells = {
        (c["confederation"], c["gender"]): len(g)
        for c, g in tables.group_cells(frame, ["confederation", "gender"])
    }
    assert cells[("kspn", "female")] + cells[("kspn", "male")] == 4
    assert cells[("kspn", "All")] == 5
    assert cells[("All", "All")] == 9


def test_group_cells_of_a_text_column_use_its_sorted_values() -> None:
    frame = pd.DataFrame({"district": pd.array(["b", "a", None, "b"], dtype="string")})
    cells = [(c["district"], len(g)) for c, g in tables.group_cells(frame, ["district"])]
    assert cells == [("a", 1), ("b", 2), ("All", 4)]


@st.composite
def grouped_frames(draw) -> pd.DataFrame:
    n = draw(st.integers(min_value=0, max_value=30))
    a = draw(st.lists(st.sampled_from(["x", "y", "z", None]), min_size=n, max_size=n))
    b = draw(st.lists(st.sampled_from(["p", "q", None]), min_size=n, max_size=n))
    return pd.DataFrame(
        {"a": pd.Categorical(a, categories=["x", "y", "z", "w"]), "b": pd.array(b, dtype="string")}
    )


@PROPERTY
@given(grouped_frames())
def test_group_cell_counts_sum_to_the_total_less_rows_with_missing_groups(frame: pd.DataFrame) -> None:
    cells = tables.group_cells(frame, ["a", "b"])
    inner = sum(len(g) for labels, g in cells if "All" not in labels.values())
    [total] = [len(g) for labels, g in cells if labels == {"a": "All", "b": "All"}]
    missing = int((frame["a"].isna() | frame["b"].isna()).sum())
    assert total == len(frame)
    assert inner == total - missing


@PROPERTY
@given(grouped_frames())
def test_group_cell_margins_sum_over_the_other_dimension(frame: pd.DataFrame) -> None:
    cells = {(labels["a"], labels["b"]): len(g) for labels, g in tables.group_cells(frame, ["a", "b"])}
    for a in ["x", "y", "z", "w"]:  # every category of a, used or not
        inner = sum(size for (ca, cb), size in cells.items() if ca == a and cb != "All")
        assert inner == cells[(a, "All")] - int(((frame["a"] == a) & frame["b"].isna()).sum())


# --- recovery_table ----------------------------------------------------------------------------


def test_recovery_table_by_gender_worked_by_hand() -> None:
    got = tables.recovery_table(hand_waves(), wave="m6", by=["gender"])
    expected = pd.DataFrame(
        {
            "gender": ["female", "male", "All"],
            "n_eligible": pd.array([5, 3, 8], dtype="Int64"),
            "n_responded": pd.array([4, 3, 7], dtype="Int64"),
            "response_rate": pd.array([0.8, 1.0, 7 / 8], dtype="Float64"),
            "n": pd.array([3, 2, 5], dtype="Int64"),
            "median_recovery_ratio": pd.array([0.75, 0.625, 0.75], dtype="Float64"),
            "n_recovered": pd.array([1, 1, 2], dtype="Int64"),
            "share_recovered": pd.array([1 / 3, 0.5, 0.4], dtype="Float64"),
            "ratio_of_sums": pd.array([5.2 / 7, 3.5 / 5, 8.7 / 12], dtype="Float64"),
            "median_income_before_idr": pd.array([2_000_000, 2_500_000, 2_000_000], dtype="Float64"),
            "median_income_now_idr": pd.array([1_200_000, 1_750_000, 1_200_000], dtype="Float64"),
        }
    )
    pd.testing.assert_frame_equal(got[list(expected.columns)], expected)


def test_recovery_table_share_ci_is_wilson() -> None:
    got = tables.recovery_table(hand_waves(), wave="m6", by=["gender"])
    wilson = [stats.proportion_ci(k, n, method="wilson") for k, n in [(1, 3), (1, 2), (2, 5)]]
    assert got["share_recovered_low"].tolist() == pytest.approx([w[0] for w in wilson], abs=1e-12)
    assert got["share_recovered_high"].tolist() == pytest.approx([w[1] for w in wilson], abs=1e-12)


def test_recovery_table_median_ci_is_the_seeded_bootstrap_and_missing_below_five() -> None:
    got = tables.recovery_table(hand_waves(), wave="m6", by=["gender"]).set_index("gender")
    med = stats.median_ci([0.5, 1.2, 0.75, 1.0, 0.25], seed=config.SEED)
    assert got.loc["All", "median_recovery_ratio_low"] == med.low
    assert got.loc["All", "median_recovery_ratio_high"] == med.high
    assert (
        got.loc[["female", "male"], ["median_recovery_ratio_low", "median_recovery_ratio_high"]]
        .isna()
        .all()
        .all()
    )
    assert got.loc["female", "caveat"] == stats.median_ci([0.5, 1.2, 0.75]).caveat


def test_recovery_table_ratio_of_sums_is_over_people_with_both_incomes() -> None:
    got = tables.recovery_table(hand_waves(), wave="m6")
    # person 5 (wage 0) and 8 (no income now) are out of both sums
    now = 1_000_000 + 1_200_000 + 3_000_000 + 3_000_000 + 500_000
    before = 2_000_000 + 1_000_000 + 4_000_000 + 3_000_000 + 2_000_000
    assert got["ratio_of_sums"].tolist() == [pytest.approx(now / before)]


def test_recovery_table_keeps_an_empty_category_with_n_zero_and_missing_statistics() -> None:
    got = tables.recovery_table(hand_waves(), wave="m6", by=["confederation"]).set_index("confederation")
    assert got.index.tolist() == [*vocab.CONFEDERATIONS, "All"]
    empty = got.loc["sarbumusi"]
    assert [empty["n_eligible"], empty["n_responded"], empty["n"], empty["n_recovered"]] == [0, 0, 0, 0]
    stat_columns = [
        "response_rate",
        *RATIO_COLUMNS,
        *SHARE_COLUMNS,
        "ratio_of_sums",
        "median_income_before_idr",
        "median_income_now_idr",
    ]
    assert empty[stat_columns].isna().all()
    assert empty["caveat"] == stats.CAVEAT_NO_DATA


def test_recovery_table_only_uses_the_requested_wave() -> None:
    got = tables.recovery_table(hand_waves(), wave="m3")
    assert got[["n_eligible", "n"]].values.tolist() == [[1, 1]]
    assert got["median_recovery_ratio"].tolist() == [4.5]


def test_recovery_table_two_way_has_every_cell_and_margins() -> None:
    got = tables.recovery_table(hand_waves(), wave="m6", by=["confederation", "gender"])
    assert len(got) == (len(vocab.CONFEDERATIONS) + 1) * 3
    cell = got[(got["confederation"] == "ksbsi") & (got["gender"] == "male")]
    assert cell[["n_eligible", "n_responded", "n", "n_recovered"]].values.tolist() == [[2, 2, 1, 0]]


def test_recovery_table_dtypes() -> None:
    got = tables.recovery_table(hand_waves(), wave="m6", by=["gender"])
    ints = {"n_eligible", "n_responded", "n", "n_recovered"}
    for column in got.columns.drop(["gender", "caveat"]):
        assert got[column].dtype == ("Int64" if column in ints else "Float64"), column


def test_recovery_table_in_real_terms_uses_the_deflated_columns() -> None:
    w = hand_waves().assign(
        income_before_real_idr=lambda d: (d["income_before_idr"] * 2).astype("Int64"),
        real_recovery_ratio=lambda d: d["recovery_ratio"] / 2,
        real_recovered=lambda d: (d["recovery_ratio"] / 2 >= 1).astype("boolean"),
    )
    got = tables.recovery_table(w, wave="m6", real_terms=True)
    assert got["median_recovery_ratio"].tolist() == [0.375]
    assert got["n_recovered"].tolist() == [0]
    assert got["ratio_of_sums"].tolist() == [pytest.approx(8.7 / 24)]


@st.composite
def random_waves(draw) -> pd.DataFrame:
    n = draw(st.integers(min_value=0, max_value=14))
    rows = []
    for i in range(n):
        responded = draw(st.booleans())
        now = (
            draw(st.sampled_from([0, 400_000, 1_000_000, 2_000_000, 5_000_000, None])) if responded else None
        )
        rows.append(
            (
                i,
                draw(st.sampled_from(["kspn", "ksbsi"])),
                draw(st.sampled_from(["female", "male", None])),
                responded,
                draw(st.sampled_from([0, 1_000_000, 2_000_000, 3_500_000, None])),
                now,
            )
        )
    return waves_frame(rows)


@PROPERTY
@given(random_waves())
def test_recovery_table_rates_are_within_0_and_1_or_missing(w: pd.DataFrame) -> None:
    got = tables.recovery_table(w, wave="m6", by=["gender"])
    for column in ["response_rate", *SHARE_COLUMNS]:
        values = got[column].dropna()
        assert ((values >= 0) & (values <= 1)).all(), column
    shown = got["share_recovered"].notna()
    assert (got.loc[shown, "share_recovered_low"] <= got.loc[shown, "share_recovered"]).all()
    assert (got.loc[shown, "share_recovered"] <= got.loc[shown, "share_recovered_high"]).all()


@PROPERTY
@given(random_waves())
def test_recovery_table_counts_are_nested(w: pd.DataFrame) -> None:
    got = tables.recovery_table(w, wave="m6", by=["gender"])
    assert (got["n_eligible"] >= got["n_responded"]).all()
    assert (got["n_responded"] >= got["n"]).all()
    assert (got["n"] >= got["n_recovered"]).all()
    assert got.loc[got["gender"] == "All", "n_eligible"].tolist() == [len(w)]


# --- logframe and comparisons -------------------------------------------------------------------


def hand_participants() -> pd.DataFrame:
    w = waves_frame(HAND)
    # income at registration: 2 of the 7 with a wage > 0 are at or above it (persons 2 and 6)
    baseline = [1_000_000, 1_000_000, 0, 0, 500_000, 3_000_000, 1_000_000, 2_000_000]
    return w[["participant_id", "gender", "income_before_idr"]].assign(
        income_baseline_idr=pd.array(baseline, dtype="Int64")
    )


def hand_sales() -> pd.DataFrame:
    return pd.DataFrame(
        {"ever_sold": [True, False, True, True], "gender": ["female", "female", "male", "male"]}
    )


def test_logframe_rows_and_columns() -> None:
    targets = {"share_recovered": 0.5, "median_recovery_ratio": 0.8, "share_ever_sold": 0.7}
    lf = tables.logframe(hand_waves(), hand_participants(), hand_sales(), wave="m6", targets=targets)
    assert list(lf.columns) == [
        "Indicator",
        "Baseline",
        "Target",
        "Actual",
        "% of target",
        "Women",
        "Men",
        "Source",
    ]
    assert len(lf) == 3  # no minimum-wage row without above_min_wage


def test_logframe_values_by_hand() -> None:
    targets = {"share_recovered": 0.5, "median_recovery_ratio": 0.8, "share_ever_sold": 0.7}
    lf = tables.logframe(hand_waves(), hand_participants(), hand_sales(), wave="m6", targets=targets)
    expected = pd.DataFrame(
        {
            "Baseline": pd.array([2 / 7, 0.5, 0.0], dtype="Float64"),
            "Target": pd.array([0.5, 0.8, 0.7], dtype="Float64"),
            "Actual": pd.array([0.4, 0.75, 0.75], dtype="Float64"),
            "% of target": pd.array([0.8, 0.75 / 0.8, 0.75 / 0.7], dtype="Float64"),
            "Women": ["33% (n=3)", "0.75 (n=3)", "50% (n=2)"],
            "Men": ["50% (n=2)", "0.62 (n=2)", "100% (n=2)"],
        }
    )
    pd.testing.assert_frame_equal(lf[list(expected.columns)], expected)


def test_logframe_targets_come_only_from_the_programme() -> None:
    lf = tables.logframe(hand_waves(), hand_participants(), None, wave="m6", targets={"share_recovered": 0.8})
    assert lf["Target"].tolist()[0] == 0.8
    assert lf["% of target"].iloc[0] == pytest.approx(0.5)
    assert lf["Target"].isna().tolist()[1:] == [True]  # no default target is ever shown
    bare = tables.logframe(hand_waves(), hand_participants(), None, wave="m6")
    assert bare["Target"].isna().all()
    assert bare["% of target"].isna().all()


def test_logframe_adds_the_minimum_wage_row_when_known() -> None:
    w = hand_waves().assign(
        above_min_wage=pd.array([True, True, False, None, None, True, False, None, True], dtype="boolean")
    )
    lf = tables.logframe(w, hand_participants(), None, wave="m6")
    row = lf[lf["Indicator"].str.contains("minimum wage")]
    assert row["Actual"].tolist() == [pytest.approx(3 / 5)]
    assert row[["Women", "Men"]].values.tolist() == [["67% (n=3)", "50% (n=2)"]]


def test_comparisons_shape_and_values() -> None:
    got = tables.comparisons(hand_waves(), wave="m6")
    assert list(got.columns) == [
        "comparison",
        "test",
        "estimate",
        "ci_low",
        "ci_high",
        "p_value",
        "n",
        "n_smallest_group",
        "caveat",
    ]
    assert got["test"].tolist() == ["Mann–Whitney U", "Wilcoxon signed-rank", "Kruskal–Wallis H"]
    assert got["n"].tolist() == [5, 5, 5]
    assert got["estimate"].iloc[0] == pytest.approx(0.75 - 0.625)
    # paired differences now − before: −1.0M, +0.2M, −1.0M, 0, −1.5M → median −1.0M
    assert got["estimate"].iloc[1] == -1_000_000
    assert got["p_value"].between(0, 1).all()


def test_comparisons_dtypes() -> None:
    got = tables.comparisons(hand_waves(), wave="m6")
    assert got[["estimate", "ci_low", "ci_high", "p_value"]].dtypes.eq("Float64").all()
    assert got["n"].dtype == "Int64"


# --- golden file: the main indicators on the bundled sample ---------------------------------------

GOLDEN_GROUPINGS = {"overall": [], "gender": ["gender"], "confederation": ["confederation"]}
GOLDEN_COLUMNS = [
    "cohort",
    "grouping",
    "group",
    "wave",
    "n_eligible",
    "n_responded",
    "n",
    "median_recovery_ratio",
    "median_recovery_ratio_low",
    "median_recovery_ratio_high",
    "share_recovered",
    "share_recovered_low",
    "share_recovered_high",
    "ratio_of_sums",
]


def golden_table(data) -> pd.DataFrame:
    """Per cohort: overall, by gender, by confederation at the latest wave, unsuppressed (internal)."""
    parts = []
    for cohort in sorted(data.participants["cohort"].dropna().unique()):
        r = results.build(data, cohort=cohort, audience="internal")
        wave = r.latest_wave
        for grouping, by in GOLDEN_GROUPINGS.items():
            t = tables.recovery_table(r.waves, wave=wave, by=by)
            group = t[by[0]] if by else pd.Series(tables.ALL, index=t.index)
            parts.append(t.assign(cohort=cohort, grouping=grouping, group=group, wave=wave)[GOLDEN_COLUMNS])
    out = pd.concat(parts, ignore_index=True)
    floats = [c for c in GOLDEN_COLUMNS if out[c].dtype == "Float64"]
    return out.assign(**{c: out[c].round(6) for c in floats})


def golden_text(data) -> str:
    buffer = io.StringIO()
    golden_table(data).to_csv(buffer, index=False, float_format="%.6f", lineterminator="\n")
    return buffer.getvalue()


def test_golden_indicators_on_the_sample(sample_clean) -> None:
    text = golden_text(sample_clean)
    if UPDATE_GOLDEN:
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(text, encoding="utf-8")
        pytest.skip(f"golden file rewritten: {GOLDEN}; review the change and commit it")
    how = (
        "If this change is intended, update the golden file on purpose with\n"
        "    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/measure/test_tables.py -k golden\n"
        "and review the diff of tests/golden/indicators_sample.csv before committing."
    )
    assert GOLDEN.is_file(), f"missing golden file {GOLDEN}.\n{how}"
    expected = GOLDEN.read_text(encoding="utf-8")
    if text != expected:
        diff = "\n".join(
            list(
                difflib.unified_diff(expected.splitlines(), text.splitlines(), "golden", "now", lineterm="")
            )[:40]
        )
        pytest.fail(f"indicators on the sample differ from {GOLDEN.name}:\n{diff}\n\n{how}", pytrace=False)


def test_golden_file_covers_each_cohorts_latest_wave(sample_clean) -> None:
    golden = pd.read_csv(
        GOLDEN,
        dtype={"cohort": str, "grouping": str, "group": str, "wave": str},
        keep_default_na=False,
        na_values=[""],
    )
    assert golden.groupby("cohort")["wave"].unique().map(list).to_dict() == {
        "bekasi-2024": ["m6"],
        "karawang-2023": ["m12"],
        "sukabumi-2023": ["m12"],
    }
    per_cohort = golden.groupby(["cohort", "grouping"]).size().unstack()
    assert per_cohort.loc[:, "overall"].tolist() == [1, 1, 1]
    assert per_cohort.loc[:, "gender"].tolist() == [3, 3, 3]
    assert per_cohort.loc[:, "confederation"].tolist() == [len(vocab.CONFEDERATIONS) + 1] * 3
