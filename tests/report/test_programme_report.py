"""The programme report and the impact section, as the report engine makes them (the shared run of
``conftest.py``): what kind of evidence each report says it is, the programme release's audit,
and the time budget of the bundled manifest."""

from __future__ import annotations

import json
import re

import pytest

from impact.qa.release_audit import audit_release
from impact.report.manifest import bundled_manifest, load_budget


def _text(path) -> str:
    """The visible words of a report (tags and the embedded plotly code dropped)."""
    page = path.read_text(encoding="utf-8")
    page = re.sub(r"<script.*?</script>", " ", page, flags=re.DOTALL)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


@pytest.fixture(scope="module")
def reports(cohort_reports):
    root, *_ = cohort_reports
    return root / "reports"


def test_a_report_without_a_comparison_group_says_it_does_not_measure_the_effect(reports):
    text = _text(reports / "sukabumi-2023" / "sukabumi-2023_all_public.html")
    # in the summary and in the methods, and no impact section
    assert "they do not by themselves measure the programme's effect" in text
    assert "What this evidence is : a description of participants before and after training" in text
    assert "compares their change since registration" not in text


def test_a_report_with_a_comparison_group_states_the_design_and_its_assumption(reports):
    text = _text(reports / "karawang-2023" / "karawang-2023_all_public.html")
    assert "comparison group of 40 people" in text
    assert "difference in differences" in text
    assert "parallel trends" in text
    assert "compares their change since registration" in text  # the methods
    assert "do not by themselves measure" not in text


def test_the_programme_report_pools_every_cohort_and_states_its_evidence(reports):
    text = _text(reports / "programme" / "programme_all_public.html")
    for name in ("Sukabumi, September 2023", "Karawang, November 2023", "Bekasi, May 2024"):
        assert name in text
    assert "130 registered" in text
    assert "the other figures describe participants only" in text
    assert "parallel trends" in text


def test_the_programme_release_and_the_cohort_releases_give_nothing_away(reports):
    result = audit_release(reports)
    assert any("programme_all_public.html" in f for f in result.files)
    assert any("programme" in f and f.endswith("indicators_public.xlsx") for f in result.files)
    assert result.findings == [], [f.line() for f in result.findings]


def test_every_report_of_the_run_is_within_the_bundled_manifests_budget(cohort_reports):
    root, *_ = cohort_reports
    budget = load_budget(bundled_manifest())
    assert budget == 120
    seconds = json.loads((root / "report_seconds.json").read_text())
    assert "programme_all_public" in seconds
    assert max(seconds.values()) <= budget, seconds


def test_the_run_counts_cohorts_and_the_programme_apart(cohort_reports):
    """A bug once: the programme was counted as a cohort ("for 3 cohort(s)")."""
    root, *_ = cohort_reports
    said = (root / "progress.txt").read_text(encoding="utf-8")
    assert "running 6 report(s) for 2 cohort(s) and the programme with 2 worker(s)" in said
