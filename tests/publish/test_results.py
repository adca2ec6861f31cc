"""Tests for impact.results on the bundled sample: parameters, disclosure by audience, summary, filters."""

from __future__ import annotations

import re

import pytest

from impact import vocab
from impact.config import ReportParams
from impact.errors import ParameterError
from impact.measure import tables
from impact.publish import results

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
    with pytest.raises(ParameterError, match=r"'jakarta-2030'.*bekasi-2024, karawang-2023, sukabumi-2023"):
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


def _visible_counts(cells, rules) -> list[float]:
    """Every count of people a reader of ``rules.audience`` sees in a breakdown."""
    out = []
    for stat in (cells.count, *COUNTS):
        if stat not in cells.values.columns:
            continue
        for g in cells.values.index:
            v = cells.shown(g, stat, rules)
            if v is not None:
                out.append(v)
    return out


@pytest.mark.parametrize("dimension", [None, "gender", "confederation"])
def test_public_recovery_shows_no_count_between_1_and_4(public, dimension) -> None:
    for wave in public.answered_waves:
        cells = public.line(wave, dimension)
        assert [v for v in _visible_counts(cells, public.rules) if 1 <= v < 5] == []


def test_public_recovery_hides_the_small_confederations_and_their_complements(public) -> None:
    # KSPSI-CAITU and KSPN have 4 and 3 people with an answer at 12 months (internal view):
    # both hidden; the registered counts stay (the profile shows them: every group has >= 5)
    cells = public.line("m12", "confederation")
    assert cells.values.loc[["kspsi_caitu", "kspn"], "n"].tolist() == [4, 3]
    assert cells.reasons.loc[["kspsi_caitu", "kspn"], "n"].tolist() == ["s", "s"]
    frame = public.recovery(by="confederation").frame()
    assert frame.loc["KSPN", "With income data (n)"] == "c"
    assert frame.loc["KSPN", "Registered"] == "6"
    assert frame.loc["All", "With income data (n)"] == "28"


def test_registered_counts_are_hidden_the_same_way_in_every_table(public) -> None:
    # one person of unknown sex: hidden with the smaller sex in the profile, and so in the
    # recovery tables of every wave (48 − 28 would give the women back) and in participation,
    # whose response rate would too (14 ÷ 74% = 19)
    profile = public.profile(by="gender").frame()
    assert profile.loc[["Women", "Men", "Not stated", "All"], "Registered"].tolist() == ["c", "28", "c", "48"]
    for wave in public.answered_waves:
        frame = public.recovery(by="gender", wave=wave).frame()
        assert frame.loc["Women", "Registered"] == "c"
        assert frame.loc["Not stated"].eq("c").all()
    participation = public.participation().frame()
    # rule 5: the person of unknown sex gave no follow-up; with the women's answers shown beside
    # the men's and the total, "answered: c" for them would be 0 — none of them. The women's
    # answers are hidden with theirs (their complement), at every wave
    assert participation.loc["Women"].tolist() == ["c", "c", "c", "c"]
    assert participation.loc["Men"].tolist() == ["28", "20 (71%)", "19 (68%)", "18 (64%)"]
    assert participation.loc["Not stated"].eq("c").all()


def test_public_recovery_html_shows_no_small_count(public) -> None:
    html = public.recovery(by="confederation").to_html()
    counts = re.findall(r'data-stat="(?:n|n_eligible|n_responded)">([^<]*)<', html)
    assert counts
    assert all(c == "c" or int(c) >= 5 for c in counts)


def test_internal_recovery_shows_small_counts_with_their_reason(internal) -> None:
    frame = internal.recovery(by="confederation").frame()
    assert frame.loc["KSPN", "With income data (n)"] == "3 s!"
    assert frame.loc["KSPSI-CAITU", "With income data (n)"] == "4 s!"


def test_internal_recovery_counts_equal_the_unsuppressed_table(internal) -> None:
    raw = tables.recovery_table(
        internal.frame_with_groups(internal.waves, "gender"), wave="m12", by=["gender"]
    )
    cells = internal.line("m12", "gender")
    for count in COUNTS:
        assert (
            cells.values[count].astype(float).fillna(0).tolist()
            == raw[count].astype(float).fillna(0).tolist()
        )


def test_confederation_by_sex_is_internal_only(public, internal) -> None:
    with pytest.raises(ParameterError, match="internal only"):
        public.recovery(by=["confederation", "gender"])
    frame = internal.recovery(by=["gender", "confederation"]).frame()
    assert "KSPN · Women" in frame.index
    registered = [int(v.split()[0]) for v in frame.drop(index="All")["Registered"]]
    assert sum(registered) == len(internal.participants)


def test_recovery_shows_confederation_display_names(public) -> None:
    names = public.recovery(by="confederation").frame().index.tolist()
    assert names == [*vocab.CONFEDERATIONS.values(), "All"]


def test_public_comparisons_hide_small_groups(sample_clean) -> None:
    # bug fixed: the n of a comparison (e.g. 3) was shown in a public report
    r = results.build(sample_clean, cohort=COHORT, confederation="kspn")
    # one confederation: no test across confederations; the overall figures are all hidden
    assert "Not shown" in str(r.comparisons())


def test_public_trajectory_by_confederation_says_why_it_is_not_drawn(public) -> None:
    # medians need 10 people; at most one confederation has that many at any wave
    note = public.trajectory_figure(by="confederation")
    assert "a median needs at least 10 people" in str(note)


# --- summary ----------------------------------------------------------------------------------


def _summary(r) -> str:
    return r.summary().replace("\n", " ")


def test_summary_numbers_equal_the_recovery_table(public) -> None:
    t = public.recovery().frame().loc["All"]
    text = _summary(public)
    assert f"was {t['Median recovery ratio (95% CI)']} (n={t['With income data (n)']})" in text
    assert f"{t['Recovered (95% CI)']} had an income at least equal" in text
    assert f"together they earned {t['All incomes ÷ all pre-layoff wages']} of their pre-layoff wages" in text
    assert t["Median recovery ratio (95% CI)"] == "0.70 (0.55–0.96)"


def test_summary_counts_equal_the_participation_table(public) -> None:
    p = public.participation().frame()
    text = _summary(public)
    assert f"48 union members were trained; {p.loc['All', 'Registered']} registered" in text
    assert p.loc["All", "Answered: 12 months"] == "29 (60%)"
    assert "29 answered the 12-month follow-up (60%)." in text  # by sex: see rule 5 above
    assert "11 women" not in text
    assert f"({p.loc['Men', 'Registered']} men; 20 women or sex not stated)" in text


def test_summary_sex_medians_equal_the_table_by_sex(public, internal) -> None:
    # public: the women are hidden with the one person of unknown sex (rule 5), so the summary
    # says why there is no comparison by sex — and gives no gap, which would be about the women
    g = public.recovery(by="gender").frame()["Median recovery ratio (95% CI)"]
    assert g["Women"] == "c"
    assert "Figures by sex are not published for the 12-month follow-up" in _summary(public)
    assert "the gap (women − men)" not in _summary(public)
    g = internal.recovery(by="gender").frame()["Median recovery ratio (95% CI)"]
    assert g["Women"] == "0.56 (0.48–0.99) c!"  # shown to the team, marked as hidden in public
    assert "women 0.56 (0.48–0.99), men 0.81 (0.57–1.00)" in _summary(internal)
    assert "the gap (women − men) is −0.25 (−0.49 to 0.19)" in _summary(internal)


def test_summary_reseller_shares_equal_the_income_sources_table(public) -> None:
    shares = public.income_sources().frame().iloc[:, -1].tolist()
    assert f"{shares[0]} as participants reported it; {shares[1]} in commission" in _summary(public)


@pytest.mark.parametrize(("cohort", "confederation"), [(COHORT, "kspn"), ("bekasi-2024", "sarbumusi")])
def test_public_summary_of_a_small_group_hides_its_figures_instead_of_failing(
    sample_clean, cohort: str, confederation: str
) -> None:
    # bug fixed: the summary raised TypeError (int(<NA>)) when the overall row was suppressed
    r = results.build(sample_clean, cohort=cohort, confederation=confederation)
    text = _summary(r)
    assert not re.search(r"\b[1-4] (answered|registered|women|men)\b", text)
    assert "median recovery ratio" not in text.split("Nominal")[0].lower() or "(n=" not in text
    assert "<NA>" not in text
    assert "nan" not in text


def test_internal_summary_of_a_small_group_gives_the_numbers(sample_clean) -> None:
    r = results.build(sample_clean, cohort=COHORT, confederation="kspn", audience="internal")
    cells = r.line("m12")
    text = _summary(r)
    assert f"{int(cells.values.loc['all', 'n_responded'])} answered the 12-month follow-up" in text
    assert "<NA>" not in text


def test_summary_of_an_early_cut_off_uses_the_latest_answered_wave(sample_clean) -> None:
    r = results.build(sample_clean, cohort=COHORT, as_of="2024-04-30")
    assert r.latest_wave == "m6"
    assert "6-month follow-up" in _summary(r)
    assert "Not yet available: 12 months." in _summary(r)


def test_summary_before_any_answer_says_so(sample_clean) -> None:
    r = results.build(sample_clean, cohort=COHORT, as_of="2023-10-31")
    assert r.latest_wave is None
    assert "no follow-up has answers yet" in _summary(r)
    assert "Not shown" in str(r.time_to_recovery())
