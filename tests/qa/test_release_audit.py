"""Attacks on the public release, read back from written files (``impact audit-disclosure``).

Each kind of derivation a reader could try — subtraction within a table, across tables and across
reports, share × n, quantiles of few people, sentences, the data inside charts — finds nothing in
the release the rules make, and finds the leak when the rule that stops it is switched off (so
each test can fail). Releases are written here straight from the results API (tables, charts and
sentences as the report notebook shows them) to keep the tests fast; the real notebook's output is
audited in tests/report (the sample manifest and generated cohorts).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from impact.cli import main
from impact.config import ReportParams
from impact.publish import release, results, sections
from impact.publish.views import Table
from impact.qa.release_audit import audit_release, parse_figure
from impact.report.excel import write_excel

COHORT = "sukabumi-2023"


def write_report(r: results.CohortResults, folder: Path, *, slug: str | None = None) -> Path:
    """A page with what the cohort report shows (tables, charts, sentences) for ``r``."""
    parts = [f"<ul>{''.join(f'<li>{html.escape(s[2:])}</li>' for s in r.summary().splitlines())}</ul>"]
    views = [r.participation(), *(r.profile(by=d) for d in r.dimensions)]
    for w in r.answered_waves:
        views += [r.recovery(wave=w), *(r.recovery(by=d, wave=w) for d in r.dimensions)]
    views += [r.comparisons(), r.time_to_recovery(), r.income_sources(), r.activity_table()]
    views += [r.commission_table(), r.targets(), r.logframe(), r.balance()]
    figures = [r.trajectory_figure(by=d) for d in r.dimensions]
    figures += [r.survival_figure(), r.activity_figure(), r.commission_figure()]
    for v in views:
        parts.append(v.to_html() if isinstance(v, Table) else f"<p>{html.escape(str(v))}</p>")
    for f in figures:
        if hasattr(f, "to_html"):
            parts.append(f.to_html(full_html=False, include_plotlyjs=False))
    path = folder / r.params.cohort / f"{slug or r.params.slug}.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"<html><body>{''.join(parts)}</body></html>", encoding="utf-8")
    return path


def release_of(sample_clean, folder: Path, *, confederations=("all",), lang=("en",)) -> Path:
    for conf in confederations:
        for language in lang:
            r = results.build(sample_clean, ReportParams(COHORT, confederation=conf, lang=language))
            write_report(r, folder)
    return folder


def kinds(result) -> set[str]:
    return {f.kind for f in result.findings}


def test_parse_figure_reads_both_languages():
    assert parse_figure("Rp 3,250,000", "en") == 3_250_000
    assert parse_figure("Rp 3.250.000", "id") == 3_250_000
    assert parse_figure("\u2212Rp 1.025.000", "id") == -1_025_000
    assert parse_figure("0,70", "id") == pytest.approx(0.70)
    assert parse_figure("74%", "en") == pytest.approx(0.74)
    assert parse_figure("c", "en") is None
    assert parse_figure("–", "en") is None


def test_the_release_as_made_gives_nothing_away(sample_clean, tmp_path):
    result = audit_release(release_of(sample_clean, tmp_path, lang=("en", "id")))
    assert result.findings == []
    assert result.hidden >= 10  # the check is not vacuous: there are hidden counts to bound
    assert result.figures > 500


# --- subtraction within a table ---------------------------------------------------------------------


def _no_rule_5(monkeypatch):
    """Without rule 5 (the small group of unknown sex hidden in every line, with a complement)."""
    original = release.protect_line
    monkeypatch.setattr(results, "protect_line", lambda frame, **kw: original(frame, **{**kw, "forced": ()}))
    monkeypatch.setattr(results, "protect_counts_within", lambda cells: cells)


def _no_complements(monkeypatch):
    original = release.protect_line

    def weakened(frame, **kw):
        cells = original(frame, **kw)
        reasons = cells.reasons.mask(cells.reasons == "c", "")
        return release.Cells(cells.values, reasons, cells.count)

    monkeypatch.setattr(results, "protect_line", weakened)


def test_subtraction_within_a_table_finds_a_lone_hidden_group(sample_clean, tmp_path, monkeypatch):
    _no_complements(monkeypatch)
    result = audit_release(release_of(sample_clean, tmp_path))
    derived = [f for f in result.findings if f.kind == "derived"]
    # 48 registered − 19 women − 28 men: the one person of unknown sex
    assert any("registered (unknown) is hidden but must be 1" in f.message for f in derived), derived


# --- subtraction across tables ----------------------------------------------------------------------


def test_subtraction_across_tables_finds_counts_one_table_hides_and_another_shows(
    sample_clean, tmp_path, monkeypatch
):
    # without one decision per repeated figure, the recovery tables show the registered women
    # the profile hides: 48 − 28 − 19 = the unknown one
    monkeypatch.setattr(results, "inherit", lambda cells, *a, **k: cells)
    monkeypatch.setattr(sections, "HIDDEN", "c")
    _no_rule_5(monkeypatch)
    result = audit_release(release_of(sample_clean, tmp_path))
    assert {"derived", "shown-small"} & kinds(result), result.findings


# --- share × n ---------------------------------------------------------------------------------------


def test_share_times_n_finds_a_count_behind_a_rate(sample_clean, tmp_path, monkeypatch):
    # the registered women are hidden, but "14 (74%)" answered gives 14 ÷ 0.74 = 19 of them, and
    # so the one person of unknown sex: 48 − 28 − 19
    original = release.inherit
    monkeypatch.setattr(results, "inherit", lambda cells, stat, base, **k: original(cells, stat, base))
    _no_rule_5(monkeypatch)
    result = audit_release(release_of(sample_clean, tmp_path))
    assert any(
        f.kind == "derived" and "registered (unknown) is hidden but must be 1" in f.message
        for f in result.findings
    ), result.findings


# --- across reports -----------------------------------------------------------------------------------


def test_per_confederation_public_reports_next_to_the_cohort_report_are_audited_together(
    sample_clean, tmp_path
):
    # public per-confederation reports are not made by default: their by-sex tables, published
    # next to the cohort report's by-sex table, can be differenced — the audit shows it
    confederations = ("all", "kspsi_rek", "kspsi_caitu", "ksbsi", "sarbumusi", "kspn")
    result = audit_release(release_of(sample_clean, tmp_path, confederations=confederations))
    assert {"derived", "narrow"} & kinds(result), result.findings
    # the cohort report alone is fine
    alone = audit_release(release_of(sample_clean, tmp_path / "alone"))
    assert alone.findings == []


# --- quantiles ----------------------------------------------------------------------------------------


def test_quantiles_of_few_people_are_found_in_tables_and_charts(sample_clean, tmp_path, monkeypatch):
    # a median of 5–9 values is (nearly) one person's value: needs k_quantile = 10
    monkeypatch.setattr(
        release.Rules,
        "of",
        classmethod(lambda cls, p: cls(k=p.min_cell_size, k_quantile=p.min_cell_size, audience=p.audience)),
    )
    result = audit_release(release_of(sample_clean, tmp_path))
    quantiles = [f for f in result.findings if f.kind == "quantile"]
    assert any("chart" in f.where for f in quantiles), quantiles
    assert any("chart" not in f.where for f in quantiles), quantiles


# --- sentences and chart data -------------------------------------------------------------------------


def test_sentences_and_charts_of_an_unprotected_report_are_found(sample_clean, tmp_path):
    # an internal report (nothing hidden) published by mistake under a public name
    r = results.build(sample_clean, ReportParams(COHORT, confederation="kspn", audience="internal"))
    write_report(r, tmp_path, slug=f"{COHORT}_kspn_public")
    result = audit_release(tmp_path)
    assert "sentence" in kinds(result)
    assert "shown-small" in kinds(result)
    r = results.build(sample_clean, ReportParams(COHORT, audience="internal"))
    write_report(r, tmp_path / "charts", slug=f"{COHORT}_all_public")
    assert "quantile" in kinds(audit_release(tmp_path / "charts"))


def test_editions_that_disagree_are_found(sample_clean, tmp_path):
    folder = release_of(sample_clean, tmp_path, lang=("en", "id"))
    page = folder / COHORT / f"{COHORT}_all_public_id.html"
    text = page.read_text()
    page.write_text(text.replace('data-stat="n">48<', 'data-stat="n">47<', 1))
    assert "inconsistent" in kinds(audit_release(folder))


# --- the annex and the command ---------------------------------------------------------------------


def test_annex_small_counts_and_formulas_are_found(tmp_path):
    import pandas as pd

    notes = pd.DataFrame({"item": ["title"], "text": ["x"]})
    good = {"recovery_m12": pd.DataFrame({"Group": ["All", "KSPN"], "Registered": [48, "c"]})}
    write_excel(good, tmp_path / COHORT / "indicators_public.xlsx", notes=notes)
    assert audit_release(tmp_path).findings == []
    bad = {"recovery_m12": pd.DataFrame({"Group": ["All", "KSPN"], "Registered": [48, 3]})}
    write_excel(bad, tmp_path / COHORT / "indicators_public.xlsx", notes=notes)
    assert kinds(audit_release(tmp_path)) == {"shown-small"}


def test_command_exits_1_on_a_leak_and_prints_one_line_each(sample_clean, tmp_path, capsys, monkeypatch):
    release_of(sample_clean, tmp_path)
    assert main(["audit-disclosure", str(tmp_path)]) == 0
    assert "nothing hidden can be worked out" in capsys.readouterr().out
    _no_complements(monkeypatch)
    release_of(sample_clean, tmp_path)
    assert main(["audit-disclosure", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    leaks = [line for line in out.splitlines() if line.startswith("LEAK ")]
    assert leaks
    assert all(re.search(r" must be |is shown|is drawn|is determined", line) for line in leaks)
    assert any(" = 34 (everyone) − " in line for line in leaks)  # the derivation, in one line
    assert main(["audit-disclosure", str(tmp_path / "missing")]) == 2


# --- none or all of a hidden group (rule 5) ----------------------------------------------------------


def test_none_of_a_hidden_small_group_answering_is_found_without_rule_5(sample_clean, tmp_path, monkeypatch):
    # the one participant of unknown sex gave no follow-up: with the women's and the men's counts
    # shown beside the total, "answered: c" for that group is 29 − 11 − 18 = 0 — none of them
    original = release.protect_line
    monkeypatch.setattr(results, "protect_line", lambda frame, **kw: original(frame, **{**kw, "forced": ()}))
    monkeypatch.setattr(results, "protect_counts_within", lambda cells: cells)
    result = audit_release(release_of(sample_clean, tmp_path))
    group = [f.message for f in result.findings if f.kind == "group"]
    assert any("registered (unknown): none of them" in m for m in group), result.findings


def test_with_rule_5_the_unknown_group_and_one_sex_are_hidden_at_each_wave(sample_clean):
    r = results.build(sample_clean, ReportParams(COHORT))
    for w in r.answered_waves:
        line = r.line(w, "gender")
        assert line.reasons.loc["unknown", "n_responded"] == "s"
        hidden = [g for g in ("female", "male") if line.reasons.loc[g, "n"]]
        assert hidden == ["female"]  # the smaller one, with the unknown group: its complement
        assert line.reasons.loc["female", "n_responded"] == "c"
