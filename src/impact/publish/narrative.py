"""The report's words: title block, executive summary, methods, notes and the symbols' legend.

Every number in a sentence is read from the release's cells (:mod:`impact.publish.release`) and
formatted as its table formats it, so the summary says exactly what the tables show — and says
nothing of a hidden figure. Caveats are generated from the data (who stopped answering, which
waves exist, real or nominal terms), not written in advance.
"""

from __future__ import annotations

import pandas as pd

from impact import config, vocab
from impact.measure import stats
from impact.publish.release import TOTAL, Cells

__all__ = [
    "comparison_respondents",
    "evidence",
    "legend",
    "methods",
    "notes",
    "summary",
    "summary_sentences",
    "title_block",
]

#: a normalised difference at least this large, between those who stayed and those who left, is named
IMBALANCE = 0.25


def title_block(r) -> str:
    """Markdown: the report's title, the programme's identity, cohort, period, sources, version."""
    t, prog, p = r.text, r.programme, r.params
    name = prog.cohort_name(p.cohort)
    title = p.title or f"{t.t('report_title')} — {name}"
    scope = t.t("all_confederations") if p.confederation == "all" else vocab.CONFEDERATIONS[p.confederation]
    lines = [f"# {title}"]
    audience = t.t("audience_internal") if p.internal else t.t("audience_public")
    facts = []
    for key, value in (
        ("programme", prog.name),
        ("agency", prog.agency),
        ("donor", prog.donor),
        ("country", prog.country),
        ("platform", prog.platform),
    ):
        if value:
            facts.append(f"**{t.t(key)}:** {value}")
    if prog.partners:
        facts.append(f"**{t.t('partners')}:** {', '.join(prog.partners)}")
    facts.append(f"**{t.t('cohort')}:** {name} · **{t.t('scope')}:** {scope}")
    period = _collection_period(r)
    if prog.reporting_period:
        facts.append(f"**{t.t('reporting_period')}:** {prog.reporting_period}")
    if period:
        facts.append(f"**{t.t('data_collection')}:** {period}")
    waves = ", ".join(t.wave(w) for w in r.wave_list) or "–"
    months = _platform_months(r)
    facts.append(
        f"**{t.t('data_sources')}:** " + t.t("data_sources_text", waves=waves, platform_months=months)
    )
    facts.append(f"**{t.t('version')}:** impact {r.audit.get('impact_version', '')} · {audience}")
    lines.append("  \n".join(facts))
    if p.internal:
        lines.append(f"> **{t.t('audience_internal')}**")
    return "\n\n".join(lines)


def _collection_period(r) -> str:
    dates = pd.concat([r.waves["interview_date"].dropna()])
    if dates.empty:
        return ""
    first, last = dates.min(), dates.max()
    return f"{r.text.month(first.date())} – {r.text.month(last.date())}"


def _platform_months(r) -> str:
    if r.months.empty:
        return ""
    first, last = r.months["month"].min(), r.months["month"].max()
    return f" ({r.text.month(first.date())} – {r.text.month(last.date())})"


# --- the executive summary -------------------------------------------------------------------------


def _fmt(cells: Cells, group: str, stat: str, kind: str, r) -> str | None:
    value = cells.shown(group, stat, r.rules)
    if value is None:
        return None
    return {"share": r.text.pct, "ratio": r.text.ratio, "count": r.text.int}[kind](value)


def _ci(cells: Cells, group: str, stat: str, kind: str, r) -> str | None:
    est = _fmt(cells, group, stat, kind, r)
    if est is None:
        return None
    low, high = _fmt(cells, group, f"{stat}_low", kind, r), _fmt(cells, group, f"{stat}_high", kind, r)
    return r.text.ci(est, low or "–", high or "–")


def summary_sentences(r) -> list[str]:
    """The executive summary, one sentence per item (see the module docstring)."""
    t = r.text
    out = []
    profile = r.profile_cells("gender")
    registered = profile.values.loc[TOTAL, "n"]
    cohort = r.cohort
    first = []
    if cohort is not None and cohort.trained is not None:
        first.append(t.t("sum_trained", n=t.int(cohort.trained)))
    women, men = _fmt(profile, "female", "n", "count", r), _fmt(profile, "male", "n", "count", r)
    if _fmt(profile, TOTAL, "n", "count", r) is None:  # the whole group is too small to show
        first.append(t.t("sum_registered_hidden", k=r.rules.k))
        out.append("; ".join(first) + ".")
        return out + _caveats(r)
    if women and men:
        first.append(
            t.t("sum_registered_by_sex", n=t.int(registered), sexes=t.t("sum_sexes", women=women, men=men))
        )
    elif women or men:
        # one sex hidden (a small "not stated" group hides the smaller sex with it): say what the
        # published figures already give, the rest together
        shown_sex = "female" if women else "male"
        rest = t.int(registered - profile.values.loc[shown_sex, "n"])
        sexes = (
            t.t("sum_women_rest", women=women, rest=rest)
            if women
            else t.t("sum_men_rest", men=men, rest=rest)
        )
        first.append(t.t("sum_registered_by_sex", n=t.int(registered), sexes=sexes))
    else:
        first.append(t.t("sum_registered", n=t.int(registered)))
    wave = r.latest_wave
    if wave is None:
        first.append(t.t("sum_no_wave"))
        out.append("; ".join(first) + ".")
        return out + _caveats(r)
    line = r.line(wave)
    months = vocab.WAVES[wave]
    answered = _fmt(line, TOTAL, "n_responded", "count", r)
    if answered:
        first.append(_answered(r, wave, answered))
    out.append("; ".join(first) + ".")
    median = _ci(line, TOTAL, "median_recovery_ratio", "ratio", r)
    if median:
        n = _fmt(line, TOTAL, "n", "count", r)
        out.append(t.t("sum_median", months=months, median=median, n=n))
    share = _ci(line, TOTAL, "share_recovered", "share", r)
    ros = _fmt(line, TOTAL, "ratio_of_sums", "ratio", r)
    if share:
        out.append(
            t.t("sum_recovered_together", share=share, ros=ros) if ros else t.t("sum_recovered", share=share)
        )
    out.append(_by_sex(r, wave))
    source = _income_source_sentence(r)
    if source:
        out.append(source)
    return [s for s in out if s] + _caveats(r)


def _answered(r, wave: str, answered: str) -> str:
    """Who answered the latest wave: the count, the response rate and, when both are shown, by sex."""
    t = r.text
    line, sexes = r.line(wave), r.line(wave, "gender")
    rate = _fmt(line, TOTAL, "response_rate", "share", r) or "–"
    months = vocab.WAVES[wave]
    women = _fmt(sexes, "female", "n_responded", "count", r)
    men = _fmt(sexes, "male", "n_responded", "count", r)
    if women and men:
        by_sex = t.t("sum_sexes", women=women, men=men)
        return t.t("sum_answered_by_sex", n=answered, months=months, rate=rate, sexes=by_sex)
    return t.t("sum_answered", n=answered, months=months, rate=rate)


def _by_sex(r, wave: str) -> str:
    t = r.text
    sexes = r.line(wave, "gender")
    f = _ci(sexes, "female", "median_recovery_ratio", "ratio", r)
    m = _ci(sexes, "male", "median_recovery_ratio", "ratio", r)
    if not (f and m):
        return t.t("sum_by_sex_hidden", months=vocab.WAVES[wave], kq=r.rules.k_quantile)
    ratio = "real_recovery_ratio" if r.params.real_terms else "recovery_ratio"
    w = r.waves[(r.waves["wave"].astype(str) == wave) & r.waves[ratio].notna()]
    gap = stats.difference_in_medians(
        w.loc[w["gender"] == "female", ratio].astype(float).to_numpy(),
        w.loc[w["gender"] == "male", ratio].astype(float).to_numpy(),
    )
    gap_text = t.ci(t.ratio(gap["estimate"]), t.ratio(gap.get("low")), t.ratio(gap.get("high")))
    return t.t("sum_by_sex", women=f, men=m, gap=gap_text)


def _income_source_sentence(r) -> str | None:
    t = r.text
    cells = r.income_source_cells()
    if cells is None:
        return None
    survey = cells.shown("survey", "share_of_income", r.rules)
    platform = cells.shown("platform", "share_of_income", r.rules)
    if survey is None and platform is None:
        return None
    parts = []
    if survey is not None:
        parts.append(t.t("sum_source_survey", share=t.pct(survey)))
    if platform is not None:
        parts.append(t.t("sum_source_platform", share=t.pct(platform)))
    small = max(v for v in (survey, platform) if v is not None) < 0.25
    return t.t("sum_source_small" if small else "sum_source_share", shares="; ".join(parts))


def comparison_respondents(audit: dict, cohort: str | None = None) -> int:
    """How many comparison respondents (surveyed, not trained) the cleaning found for ``cohort``
    (every cohort when None): ``audit.json``'s ``comparison.respondents``; 0 without any."""
    found = (audit or {}).get("comparison", {}).get("respondents", {})
    return int(sum(found.values()) if cohort is None else found.get(cohort, 0))


def evidence(r) -> str:
    """What kind of evidence the report is: a description of participants, or (with a comparison
    group for its cohort) that plus an estimate of the effect against the comparison group."""
    n = comparison_respondents(r.audit, r.params.cohort)
    return r.text.t("cav_evidence_comparison", n=r.text.int(n)) if n else r.text.t("cav_evidence_descriptive")


def _caveats(r) -> list[str]:
    t = r.text
    out = [evidence(r)]
    answered, planned = r.answered_waves, r.wave_list
    waves = ", ".join(t.wave(w) for w in answered) or "–"
    missing = [t.wave(w) for w in planned if w not in answered]
    line = t.t("cav_waves", waves=waves)
    if missing:
        line += " " + t.t("cav_waves_missing", waves=", ".join(missing))
    out.append(line)
    got = r.balance_cells()
    if got is not None:
        frame, ok = got
        if ok and len(frame):
            nd = frame["normalised_difference"].astype(float)
            if nd.abs().max() >= IMBALANCE:
                i = int(nd.abs().to_numpy().argmax())
                var = str(frame["characteristic"].iloc[i])
                out.append(
                    t.t(
                        "cav_imbalance",
                        variable=t.t("var_" + var).lower(),
                        nd=t.ratio(nd.iloc[i]),
                        large=t.ratio(IMBALANCE),
                    )
                )
    out.append(t.t("real_terms_note") if r.params.real_terms else t.t("nominal_note"))
    wave = r.latest_wave
    if wave is not None:
        n = r.line(wave).values.loc[TOTAL, "n"]
        shown = _fmt(r.line(wave), TOTAL, "n", "count", r)
        if shown and 0 < n < stats.SMALL_BELOW:
            out.append(t.t("cav_small_n", n=shown))
    return out


def summary(r) -> str:
    """The executive summary as a markdown bullet list."""
    return "\n".join(f"- {s}" for s in summary_sentences(r))


# --- methods, notes, legend ----------------------------------------------------------------------------


def methods(r) -> str:
    """What each figure means, with the settings this report used (markdown)."""
    p, t = r.params, r.text
    items = [
        t.t("meth_ratio"),
        t.t("meth_recovered", threshold=t.ratio(p.recovery_threshold)),
        t.t("meth_intervals", resamples=t.int(config.BOOTSTRAP_RESAMPLES)),
        t.t("meth_ratio_of_sums"),
        t.t("meth_time"),
        t.t("meth_min_wage"),
        t.t("real_terms_note") if p.real_terms else t.t("nominal_note"),
        t.t("meth_privacy", k=p.min_cell_size, kq=r.rules.k_quantile),
        t.t(
            "meth_evidence_comparison"
            if comparison_respondents(r.audit, p.cohort)
            else "meth_evidence_descriptive"
        ),
    ]
    return "\n".join(f"- {i}" for i in items)


def notes(r) -> str:
    """Notes on the data (reference gaps, cohorts described from the data) as markdown."""
    items = list(r.notes)
    if not items:
        return "–"
    return "\n".join(f"- {n}" for n in items)


def legend(r) -> str:
    """What the symbols in the tables mean, for this report's audience (markdown)."""
    t = r.text
    lines = [
        f"- **c**: {t.t('legend_hidden', k=r.rules.k)}",
        f"- {t.t('legend_quantile', kq=r.rules.k_quantile)}",
        f"- **–**: {t.t('legend_missing')}",
    ]
    if r.params.internal:
        lines.append(f"- **s!, c!, q!, d!**: {t.t('legend_internal', marks=t.t('legend_marks'))}")
    return "\n".join(lines)
