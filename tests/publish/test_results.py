"""Tests for impact.results on the bundled sample: parameters, disclosure by audience, summary, filters."""

from __future__ import annotations

import re

import pytest

from impact import vocab
from impact.config import ReportParams
from impact.errors import ParameterError
from impact.measure import tables
from impact.publish import disclosure, results

COHORT = "sukabumi-2023"
COUNTS = ("n", "n_eligible", "n_responded")


@pytest.fixture(scope="module")
def public(sample_clean) -> results.CohortResults:
    return results.build(sample_clean, cohort=COHORT)


@pytest.fixture(scope="module")
def internal(sample_clean) -> results.CohortResults:
    return results.build(sample_clean, cohort=COHORT, audience="internal")


def percent(x: float) -> str:
    return f"{x:.0%}"


# --- parameters -------------------------------------------------------------------------------


def test_unknown_cohort_is_a_parameter_error_listing_the_valid_cohorts(sample_clean) -> None:
    with pytest.raises(ParameterError, match=r"'jakarta-2030'.*bekasi-2024, sukabumi-2023"):
        results.build(sample_clean, cohort="jakarta-2030")


def test_bad_audience_is_a_parameter_error_naming_the_valid_ones(sample_clean) -> None:
    with pytest.raises(ParameterError, match=r"'public' or 'internal', not 'press'"):
        results.build(sample_clean, cohort=COHORT, audience="press")


def test_unknown_confederation_is_a_parameter_error_listing_the_valid_ones(sample_clean) -> None:
    with pytest.raises(ParameterError, match=r"'kspx'.*all, kspsi_rek"):
        results.build(sample_clean, cohort=COHORT, confederation="kspx")


def test_public_report_needs_the_minimum_cell_size(sample_clean) -> None:
    with pytest.raises(ParameterError, match="min_cell_size >= 5"):
        results.build(sample_clean, cohort=COHORT, min_cell_size=3)


def test_valid_parameters_are_returned_unchanged(sample_clean) -> None:
    params = ReportParams(cohort=COHORT, audience="internal", min_cell_size=3)
    assert results.check_params(params, sample_clean) is params


# --- build ------------------------------------------------------------------------------------


def test_build_keeps_only_the_cohort(public, sample_clean) -> None:
    expected = sample_clean.participants.loc[sample_clean.participants["cohort"] == COHORT, "participant_id"]
    assert set(public.participants["participant_id"]) == set(expected)
    assert set(public.waves["cohort"]) == {COHORT}


def test_build_has_every_wave_of_the_cohort_for_everyone(public) -> None:
    assert public.wave_list == ["m3", "m6", "m12"]
    assert len(public.waves) == 3 * len(public.participants)
    assert public.latest_wave == "m12"


def test_confederation_filter_restricts_participants(sample_clean) -> None:
    r = results.build(sample_clean, cohort=COHORT, confederation="kspn")
    everyone = sample_clean.participants
    expected = everyone[(everyone["cohort"] == COHORT) & (everyone["confederation"] == "kspn")]
    assert len(r.participants) == len(expected) > 0
    assert set(r.participants["confederation"].astype(str)) == {"kspn"}
    assert set(r.waves["confederation"].astype(str)) == {"kspn"}
    assert set(r.months["participant_id"]) <= set(expected["participant_id"])


# --- disclosure by audience -------------------------------------------------------------------


def test_public_recovery_shows_no_count_between_1_and_4(public) -> None:
    table = public.recovery(by=["confederation", "gender"])
    problems = [p for count in COUNTS for p in disclosure.check_published(table.values, count=count)]
    assert problems == []
    assert table.note == ""


def test_public_recovery_hides_something_in_the_sample(public) -> None:
    # the check above is not vacuous: the sample has small confederation × gender cells
    flags = public.recovery(by=["confederation", "gender"]).flags["n"]
    assert (flags == disclosure.MARK_PRIMARY).any()


def test_public_recovery_rendered_shows_no_small_count(public) -> None:
    shown = public.recovery(by=["confederation", "gender"]).display()
    assert [p for count in COUNTS for p in disclosure.check_published(shown, count=count)] == []


def test_internal_recovery_shows_small_counts_and_carries_the_internal_note(internal) -> None:
    table = internal.recovery(by=["confederation", "gender"])
    assert disclosure.check_published(table.values, count="n") != []
    assert table.note == disclosure.INTERNAL_NOTE
    assert table.flags["n"].str.endswith(disclosure.MARK_INTERNAL).any()


def test_internal_recovery_counts_equal_the_unsuppressed_table(internal) -> None:
    raw = tables.recovery_table(internal.waves, wave="m12", by=["gender"])
    shown = internal.recovery(by=["gender"]).values
    for count in COUNTS:
        assert shown[count].tolist() == raw[count].tolist()


def test_recovery_shows_confederation_display_names(public) -> None:
    names = public.recovery(by=["confederation"]).values["confederation"].tolist()
    assert names == [*vocab.CONFEDERATIONS.values(), tables.ALL]


def test_public_comparisons_hide_small_counts(sample_clean) -> None:
    # bug fixed: the n of a comparison (e.g. 3) was shown in a public report
    r = results.build(sample_clean, cohort=COHORT, confederation="kspn")
    assert disclosure.check_published(r.comparisons(), count="n") == []


# --- summary ----------------------------------------------------------------------------------


def test_summary_numbers_equal_the_recovery_table(public) -> None:
    t = public.recovery().values.iloc[0]
    text = " ".join(public.summary())
    assert f"{len(public.participants)} participants registered" in text
    assert f"{int(t['n_responded'])} answered the 12-month follow-up ({percent(t['response_rate'])})" in text
    assert f"earned {percent(t['median_recovery_ratio'])} of their pre-layoff wage" in text
    assert (
        f"95% CI {percent(t['median_recovery_ratio_low'])}–{percent(t['median_recovery_ratio_high'])}, n={int(t['n'])}"
        in text
    )
    assert f"{percent(t['share_recovered'])} had recovered" in text
    assert f"the group earned {percent(t['ratio_of_sums'])} of what it earned" in text


def test_summary_gender_medians_equal_the_table_by_gender(public) -> None:
    g = public.recovery(by=["gender"]).values.set_index("gender")["median_recovery_ratio"]
    sentence = f"Median recovery was {percent(g['female'])} for women and {percent(g['male'])} for men."
    assert sentence in public.summary()


def test_summary_share_of_accounts_that_sold_equals_first_sales(public) -> None:
    share, n = public.sales["ever_sold"].mean(), len(public.sales)
    assert f"{percent(share)} of the {n} reseller accounts made at least one sale." in public.summary()


@pytest.mark.parametrize(("cohort", "confederation"), [(COHORT, "kspn"), ("bekasi-2024", "sarbumusi")])
def test_public_summary_of_a_small_group_hides_its_figures_instead_of_failing(
    sample_clean, cohort: str, confederation: str
) -> None:
    # bug fixed: the summary raised TypeError (int(<NA>)) when the overall row was suppressed
    r = results.build(sample_clean, cohort=cohort, confederation=confederation)
    text = " ".join(r.summary())
    assert "are hidden because fewer than 5 people have a recovery ratio" in text
    assert not re.search(r"\b[1-4] (answered|reseller accounts)\b", text)
    assert "<NA>" not in text


def test_internal_summary_of_a_small_group_gives_the_numbers_without_an_interval(sample_clean) -> None:
    r = results.build(sample_clean, cohort=COHORT, confederation="kspn", audience="internal")
    t = r.recovery().values.iloc[0]
    text = " ".join(r.summary())
    assert f"{int(t['n_responded'])} answered" in text
    assert "too few for an interval" in text
    assert "<NA>" not in text


def test_summary_of_an_early_cut_off_uses_the_latest_answered_wave(sample_clean) -> None:
    r = results.build(sample_clean, cohort=COHORT, as_of="2024-04-30")
    assert r.latest_wave == "m6"
    assert "6-month follow-up" in r.summary()[0]


# --- other published views ------------------------------------------------------------------


def test_recovery_by_wave_is_long_over_every_wave(public) -> None:
    t = public.recovery_by_wave(by="gender")
    assert t["wave"].unique().tolist() == ["m3", "m6", "m12"]
    assert t.groupby("wave").size().tolist() == [3, 3, 3]


def test_response_counts_match_the_waves(public) -> None:
    t = public.response().values
    expected = public.waves.groupby("wave", observed=True)["responded"].sum()
    assert t.set_index("wave")["n_responded"].loc[["m3", "m6", "m12"]].tolist() == expected.tolist()
