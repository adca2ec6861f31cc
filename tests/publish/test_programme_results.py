"""The programme's results and the impact section through the public API (``impact.
programme_results``, ``r.impact()``): pooled views equal the cohorts' own figures, the release
rules hold across the programme and its cohorts, and the effect is found where there is a
comparison group."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import impact
from impact.errors import ParameterError
from impact.publish.release import TOTAL
from impact.publish.views import Note, Table

TRUTH = Path(__file__).resolve().parents[2] / "data" / "sample" / "truth"


@pytest.fixture(scope="module")
def internal(sample_clean):
    return impact.programme_results(sample_clean, audience="internal")


@pytest.fixture(scope="module")
def public(sample_clean):
    return impact.programme_results(sample_clean, audience="public")


def test_pooled_counts_are_the_cohorts_counts_added_up(internal):
    for wave in internal.answered_waves:
        for dimension in (None, "gender", "confederation"):
            pooled = internal.line(wave, dimension).values
            parts = [
                r.line(wave, dimension).values
                for c, r in internal.cohorts.items()
                if wave in r.answered_waves
            ]
            for stat in ("n", "n_responded", "n_recovered"):
                added = pd.concat([p[stat] for p in parts], axis=1).fillna(0).sum(axis=1)
                got = pooled[stat].astype("Float64").fillna(0)
                assert got.to_dict() == added.reindex(got.index).fillna(0).to_dict(), (wave, dimension, stat)
    # Bekasi (May 2024) has not reached 12 months: it is not pooled there
    assert set(internal.reached("m12")) == {"sukabumi-2023", "karawang-2023"}
    assert internal.line("m12").values.loc[TOTAL, "n"] == 28 + 30


def test_the_programme_repr_is_one_line(internal):
    assert repr(internal).startswith("ProgrammeResults(3 cohorts, 130 participants, internal")


def test_public_pooled_groups_hide_what_one_cohort_alone_hides(public):
    """link_cells: a group hidden by exactly one cohort's release is hidden in the pooled figure
    (the pooled count minus the other cohorts' shown counts would give it back)."""
    for wave in public.answered_waves:
        for dimension in ("gender", "confederation"):
            pooled = public.line(wave, dimension)
            pieces = [r.line(wave, dimension) for r in public.cohorts.values() if wave in r.answered_waves]
            for group in pooled.values.index:
                hiding = [
                    p
                    for p in pieces
                    if group in p.values.index
                    and p.reasons.loc[group, "n"]
                    and (p.values.loc[group, "n"] or 0) > 0
                ]
                if len(hiding) == 1:
                    assert pooled.reasons.loc[group, "n"] != "", (wave, dimension, group)


def test_by_must_be_one_of_the_programme_breakdowns(public):
    with pytest.raises(ParameterError, match="gender, confederation"):
        public.recovery(by=["gender", "confederation"])
    with pytest.raises(ParameterError, match="expected one of gender, confederation"):
        public.recovery(by="district")


def test_the_impact_of_a_cohort_with_a_comparison_group_covers_the_known_effect(sample_clean):
    truth = json.loads((TRUTH / "effect.json").read_text())
    e = impact.build(sample_clean, cohort="karawang-2023", audience="internal").impact()
    assert e.available
    got = e.estimates("recovery_ratio").set_index("period")
    for wave, effect in truth["effect_recovery_ratio"].items():
        assert got.loc[wave, "did_low"] <= effect <= got.loc[wave, "did_high"], wave
    # the pre-period (pre-layoff wage → registration): no difference beyond chance
    assert got.loc["before", "did_low"] <= 0 <= got.loc["before", "did_high"]
    assert isinstance(e.did("recovery_ratio"), Table)
    assert isinstance(e.balance(), Table)


def test_a_cohort_without_a_comparison_group_has_no_impact_section(sample_clean):
    e = impact.build(sample_clean, cohort="sukabumi-2023").impact()
    assert not e.available
    assert isinstance(e.design(), Note)
    assert repr(e) == "ImpactResults(sukabumi-2023): no comparison group"


def test_the_programme_impact_pools_the_cohorts_with_a_comparison_group(internal):
    e = internal.impact()
    assert e.available
    assert e.cohorts == ["karawang-2023"]
    assert repr(e) == "ImpactResults(karawang-2023): 42 participants, 40 comparison respondents"


def test_the_annex_of_a_cohort_with_a_comparison_group_carries_the_impact_tables(sample_clean):
    from impact.publish.annex import annex_tables

    tabs, _ = annex_tables(sample_clean, "karawang-2023", "public")
    impact_sheets = [k for k in tabs if k.startswith("impact")]
    assert impact_sheets == ["impact_recovery_ratio", "impact_income", "impact_balance"]
    ratio = tabs["impact_recovery_ratio"]
    assert len(ratio) == 4  # the pre-period and three waves
    assert ratio.iloc[:, -1].notna().all()  # every interval shown (groups of 27 to 42 people)
    tabs, _ = annex_tables(sample_clean, "sukabumi-2023", "public")
    assert not [k for k in tabs if k.startswith("impact")]
