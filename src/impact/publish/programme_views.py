"""The programme report's tables, charts and words, each from the programme's cells.

Every function takes a :class:`~impact.publish.programme.ProgrammeResults` (``p``) and returns a
:class:`~impact.publish.views.Table`, a plotly figure, markdown, or a
:class:`~impact.publish.views.Note` saying why there is nothing to show. Like a cohort report's
views (:mod:`impact.publish.sections`), no view computes a figure its cells do not hold, and
table ids, groups and statistics are those the release audit reads (``participation``,
``recovery``, ``logframe``; ``contributions`` and ``cohort_comparison`` are the programme's own).
"""

from __future__ import annotations

import pandas as pd

from impact import config, vocab
from impact.publish import plots
from impact.publish.logframe import logframe_table
from impact.publish.narrative import comparison_respondents
from impact.publish.release import TOTAL, Cells, protect_line
from impact.publish.views import Column, Note, Table, excel_value, table_from_cells

__all__ = [
    "cohort_comparison",
    "contributions",
    "logframe",
    "methods",
    "participation",
    "recovery",
    "summary",
    "summary_sentences",
    "title_block",
    "trajectory",
]


def title_block(p) -> str:
    """Markdown: the title, the programme's identity, its cohorts, sources and version."""
    t, prog, params = p.text, p.programme, p.params
    title = params.title or f"{t.t('report_title')} — {t.t('prog_title')}"
    facts = [
        f"**{t.t(key)}:** {value}"
        for key, value in (
            ("programme", prog.name),
            ("agency", prog.agency),
            ("donor", prog.donor),
            ("country", prog.country),
            ("platform", prog.platform),
        )
        if value
    ]
    if prog.partners:
        facts.append(f"**{t.t('partners')}:** {', '.join(prog.partners)}")
    names = "; ".join(prog.cohort_name(c) for c in p.cohorts)
    facts.append(f"**{t.t('prog_cohorts')}:** {names}")
    if prog.reporting_period:
        facts.append(f"**{t.t('reporting_period')}:** {prog.reporting_period}")
    waves = ", ".join(t.wave(w) for w in p.wave_list) or "–"
    facts.append(f"**{t.t('data_sources')}:** " + t.t("data_sources_text", waves=waves, platform_months=""))
    audience = t.t("audience_internal") if params.internal else t.t("audience_public")
    facts.append(f"**{t.t('version')}:** impact {p.audit.get('impact_version', '')} · {audience}")
    lines = [f"# {title}", "  \n".join(facts)]
    if params.internal:
        lines.append(f"> **{t.t('audience_internal')}**")
    return "\n\n".join(lines)


# --- tables ----------------------------------------------------------------------------------------


def contributions(p) -> Table:
    """Each cohort's part in the pooled figures (its own release's totals) and the programme's."""
    t = p.text
    cells = p.contribution_cells()
    waves = [c.removeprefix("n_responded_") for c in cells.values.columns if c.startswith("n_responded_")]
    columns = [
        Column("training", t.t("prog_col_training"), "text"),
        Column("trained", t.t("prog_col_trained"), "text"),
        Column("n", t.t("col_registered")),
        *(Column(f"n_responded_{w}", f"{t.t('col_responded')}: {t.wave(w)}") for w in waves),
    ]
    labels = {c: p.programme.cohort_name(c) for c in p.cohorts} | {TOTAL: t.t("prog_all_cohorts")}
    table = table_from_cells(
        "contributions",
        cells,
        [c for c in columns if c.stat not in ("training", "trained")],
        rules=p.rules,
        text=t,
        dimension="cohort",
        group_label=t.t("cohort"),
        labels=labels,
        omit_empty=False,
    )
    rows, excel = [], []
    for (code, label, shown), xl in zip(table.rows, table.excel.to_dict("records"), strict=True):
        r = p.cohorts.get(code)
        month = t.month(r.cohort.training_month) if r is not None and r.cohort else "–"
        trained = r.cohort.trained if r is not None and r.cohort else p.trained()
        for w in waves:  # a wave the cohort has not reached yet: not "0 answered"
            if r is not None and w not in r.answered_waves:
                shown[f"n_responded_{w}"] = "–"
                xl[f"{t.t('col_responded')}: {t.wave(w)}"] = None
        rows.append((code, label, {"training": month, "trained": t.int(trained), **shown}))
        excel.append(
            {t.t("cohort"): label, t.t("prog_col_training"): month, t.t("prog_col_trained"): trained, **xl}
        )
    return Table(
        "contributions",
        columns,
        rows,
        pd.DataFrame(excel),
        dimension="cohort",
        group_label=t.t("cohort"),
        notes=[t.t("prog_contributions_note")],
    )


def participation(p, *, by: str | None = "gender") -> Table:
    """Registered, due a follow-up (their cohort has reached it) and answering, at each wave."""
    t = p.text
    reg = p.profile_cells(by)
    frame = reg.values[["n"]].copy()
    reasons = reg.reasons[["n"]].copy()
    columns = [Column("n", t.t("col_registered"))]
    for w in p.answered_waves:
        due, line = p.eligible_cells(w, by), p.line(w, by)
        frame[f"n_eligible_{w}"] = due.values["n"].reindex(frame.index)
        reasons[f"n_eligible_{w}"] = due.reasons["n"].reindex(frame.index).fillna("")
        frame[f"n_responded_{w}"] = line.values["n_responded"].reindex(frame.index)
        reasons[f"n_responded_{w}"] = line.reasons["n_responded"].reindex(frame.index).fillna("")
        columns += [
            Column(f"n_eligible_{w}", f"{t.t('prog_col_due')}: {t.wave(w)}"),
            Column(f"n_responded_{w}", f"{t.t('col_responded')}: {t.wave(w)}"),
        ]
    return table_from_cells(
        "participation",
        Cells(frame, reasons.astype(str), "n"),
        columns,
        rules=p.rules,
        text=t,
        dimension=by or "",
        group_label=t.t("col_group"),
        caption=t.t("prog_participation_caption"),
        size="n",
    )


def _recovery_columns(t) -> list[Column]:
    return [
        Column("n_responded", t.t("col_responded")),
        Column("n", t.t("col_n")),
        Column(
            "median_recovery_ratio",
            t.t("col_median_ratio"),
            "ratio",
            "median_recovery_ratio_low",
            "median_recovery_ratio_high",
        ),
        Column(
            "share_recovered",
            t.t("col_share_recovered"),
            "share",
            "share_recovered_low",
            "share_recovered_high",
        ),
        Column(
            "ratio_of_sums", t.t("prog_col_ratio_of_sums"), "ratio", "ratio_of_sums_low", "ratio_of_sums_high"
        ),
        Column("cohorts", t.t("prog_col_cohorts"), "number"),
    ]


def recovery(p, *, by: str | None = None, wave: str | None = None) -> Table | Note:
    """Pooled recovery at a wave (default: the latest with answers), overall or by sex / confederation."""
    t = p.text
    wave = wave or p.latest_wave
    if wave is None:
        return Note(t.t("chart_hidden", why=t.t("why_no_wave")))
    if wave not in p.wave_list:
        raise ValueError(f"wave {wave!r} is not a wave of the programme; its waves: {', '.join(p.wave_list)}")
    cells = p.line(wave, by)
    columns = _recovery_columns(t)
    columns[-1] = Column("cohorts", t.t("prog_col_cohorts"), "count")
    names = ", ".join(p.programme.cohort_name(c) for c in p.reached(wave))
    table = table_from_cells(
        "recovery",
        cells,
        [c for c in columns if c.stat != "cohorts"],
        rules=p.rules,
        text=t,
        dimension=by or "",
        wave=wave,
        caption=f"{t.t('sec_recovery')} — {t.wave(wave)} — {t.t('prog_pooled')}",
        group_label=t.t("col_group"),
        size="n_eligible",  # a group is left out only when nobody in it is due (not "nobody answered")
    )
    table.notes.append(t.t("prog_pooled_over", cohorts=names))
    return table


def trajectory(p, *, by: str | None = None, **style):
    """Pooled median recovery ratio at each wave, one line per published group, with 95% intervals."""
    t = p.text
    points = []
    for w in p.answered_waves:
        cells = p.line(w, by)
        for code in cells.values.index:
            if by and code == TOTAL:
                continue
            est = cells.shown(code, "median_recovery_ratio", p.rules)
            if est is None:
                continue
            low = cells.shown(code, "median_recovery_ratio_low", p.rules)
            high = cells.shown(code, "median_recovery_ratio_high", p.rules)
            points.append(
                {
                    "group": code,
                    "label": t.group(by, code) if by else t.t("prog_all_cohorts"),
                    "months": vocab.WAVES[w],
                    "estimate": round(est, 2),
                    "low": None if low is None else round(low, 2),
                    "high": None if high is None else round(high, 2),
                    "n": cells.shown(code, "n", p.rules),
                }
            )
    title = f"{t.t('col_median_ratio')} — {t.t('prog_pooled')}"
    if not points:
        return Note(f"{title}. {t.t('chart_hidden', why=t.t('why_small_median', k=p.rules.k_quantile))}.")
    return plots.trajectory(
        pd.DataFrame(points),
        title=title,
        x=t.t("col_month"),
        y=t.t("col_median_ratio"),
        threshold_label="1.00",
        meta={"table": "recovery", "stat": "median_recovery_ratio", "dimension": by or ""},
        **style,
    )


def cohort_comparison(p) -> Table | Note:
    """At each wave, the cohort trained last against the earlier ones: shares and medians, and the
    difference (later − earlier) with its cluster-bootstrap interval."""
    t = p.text
    frame = p.comparison_frame()
    shown = frame[frame["shown"]]
    if shown.empty:
        why = t.t("prog_why_one_cohort") if frame.empty else t.t("why_small_median", k=p.rules.k_quantile)
        return Note(t.t("chart_hidden", why=why))
    name = p.programme.cohort_name
    rows, excel = [], []
    for _, c in shown.iterrows():
        earlier = ", ".join(name(x) for x in c["earlier"].split(","))
        share = t.ci(
            t.pct(c["share_difference"]), t.pct(c["share_difference_low"]), t.pct(c["share_difference_high"])
        )
        median = t.ci(
            t.ratio(c["median_difference"]),
            t.ratio(c["median_difference_low"]),
            t.ratio(c["median_difference_high"]),
        )
        rows.append(
            (
                c["wave"],
                t.wave(c["wave"]),
                {
                    "later": f"{name(c['later'])} (n={t.int(c['n_later'])})",
                    "earlier": f"{earlier} (n={t.int(c['n_earlier'])})",
                    "share_later": t.pct(c["share_later"]),
                    "share_earlier": t.pct(c["share_earlier"]),
                    "share_difference": share,
                    "median_later": t.ratio(c["median_later"]),
                    "median_earlier": t.ratio(c["median_earlier"]),
                    "median_difference": median,
                },
            )
        )
        excel.append(
            {
                t.t("col_wave"): t.wave(c["wave"]),
                t.t("prog_col_later"): name(c["later"]),
                "n " + t.t("prog_col_later"): excel_value(c["n_later"], "count", public=p.rules.public),
                t.t("prog_col_earlier"): earlier,
                "n " + t.t("prog_col_earlier"): excel_value(c["n_earlier"], "count", public=p.rules.public),
                **{
                    f"{t.t(label)}{suffix}": excel_value(c[f"{stat}{end}"], kind, public=p.rules.public)
                    for stat, label, kind in (
                        ("share_difference", "prog_col_share_difference", "share"),
                        ("median_difference", "prog_col_median_difference", "ratio"),
                    )
                    for end, suffix in (("", ""), ("_low", ": low"), ("_high", ": high"))
                },
            }
        )
    columns = [
        Column("later", t.t("prog_col_later"), "text"),
        Column("earlier", t.t("prog_col_earlier"), "text"),
        Column(
            "share_later", f"{t.t('col_share_recovered').split(' (')[0]}: {t.t('prog_col_later')}", "text"
        ),
        Column(
            "share_earlier", f"{t.t('col_share_recovered').split(' (')[0]}: {t.t('prog_col_earlier')}", "text"
        ),
        Column("share_difference", t.t("prog_col_share_difference"), "text"),
        Column("median_later", f"{t.t('prog_col_median')}: {t.t('prog_col_later')}", "text"),
        Column("median_earlier", f"{t.t('prog_col_median')}: {t.t('prog_col_earlier')}", "text"),
        Column("median_difference", t.t("prog_col_median_difference"), "text"),
    ]
    return Table(
        "cohort_comparison",
        columns,
        rows,
        pd.DataFrame(excel),
        group_label=t.t("col_wave"),
        notes=[t.t("prog_comparison_note")],
    )


def _share_cells(p, frame: pd.DataFrame, column: str) -> Cells:
    """A share (``column`` True/False, missing left out) overall and by sex, protected as a line."""
    frame = p.frame_with_groups(frame, "gender")
    rows = {}
    for code in [*vocab.GENDERS, "unknown", TOTAL]:
        g = frame if code == TOTAL else frame[frame["gender"].astype(str) == code]
        v = g[column].dropna().astype(bool)
        if code == "unknown" and not len(v):
            continue
        rows[code] = {"n": len(v), "value": v.mean() if len(v) else float("nan")}
    return protect_line(
        pd.DataFrame.from_dict(rows, orient="index"), count="n", stats=["value"], rules=p.rules
    )


def logframe(p) -> Table | Note:
    """The programme's logframe: each indicator pooled over the cohorts at the logframe wave (the
    latest every cohort has reached), against the programme's targets, with its value by sex."""
    wave = p.logframe_wave
    indicators: dict[str, tuple[Cells, str, str]] = {}
    if wave is not None:
        line = p.line(wave, "gender")
        for indicator, stat, unit in (
            ("share_recovered", "share_recovered", "share"),
            ("median_recovery_ratio", "median_recovery_ratio", "ratio"),
        ):
            values = line.values[["n", stat]].rename(columns={stat: "value"})
            reasons = line.reasons[["n", stat]].rename(columns={stat: "value"})
            indicators[indicator] = (Cells(values, reasons, "n"), unit, "prog_src_survey")
        w = p.waves[p.waves["wave"].astype(str) == wave]
        if "above_min_wage" in w and w["above_min_wage"].notna().any():
            indicators["share_above_min_wage"] = (
                _share_cells(p, w, "above_min_wage"),
                "share",
                "prog_src_survey_umk",
            )
    sales = p.sales()
    if len(sales) and "ever_sold" in sales:
        indicators["share_ever_sold"] = (_share_cells(p, sales, "ever_sold"), "share", "src_platform")
    return logframe_table(p, indicators, trained=p.trained(), wave=wave)


# --- words -------------------------------------------------------------------------------------------


def _fmt(cells: Cells, group: str, stat: str, kind: str, p) -> str | None:
    value = cells.shown(group, stat, p.rules)
    if value is None:
        return None
    return {"share": p.text.pct, "ratio": p.text.ratio, "count": p.text.int}[kind](value)


def _ci(cells: Cells, group: str, stat: str, kind: str, p) -> str | None:
    est = _fmt(cells, group, stat, kind, p)
    if est is None:
        return None
    low, high = _fmt(cells, group, f"{stat}_low", kind, p), _fmt(cells, group, f"{stat}_high", kind, p)
    return p.text.ci(est, low or "–", high or "–")


def evidence(p) -> str:
    """What kind of evidence the programme report is (a description, or with comparison groups)."""
    n = comparison_respondents(p.audit)
    return (
        p.text.t("prog_evidence_comparison", n=p.text.int(n)) if n else p.text.t("cav_evidence_descriptive")
    )


def summary_sentences(p) -> list[str]:
    """The programme's executive summary, one sentence per item (figures from the cells only)."""
    t = p.text
    out = []
    first = [t.t("prog_sum_cohorts", n=t.int(len(p.cohorts)))]
    trained = p.trained()
    if trained is not None:
        first.append(t.t("sum_trained", n=t.int(trained)))
    profile = p.profile_cells("gender")
    registered = _fmt(profile, TOTAL, "n", "count", p)
    if registered:
        women, men = _fmt(profile, "female", "n", "count", p), _fmt(profile, "male", "n", "count", p)
        sexes = t.t("sum_sexes", women=women, men=men) if women and men else None
        first.append(
            t.t("sum_registered_by_sex", n=registered, sexes=sexes)
            if sexes
            else t.t("sum_registered", n=registered)
        )
    out.append("; ".join(first) + ".")
    for w in p.answered_waves:
        line = p.line(w)
        median = _ci(line, TOTAL, "median_recovery_ratio", "ratio", p)
        share = _ci(line, TOTAL, "share_recovered", "share", p)
        n = _fmt(line, TOTAL, "n", "count", p)
        if median and share and n:
            cohorts = t.int(len(p.reached(w)))
            out.append(
                t.t("prog_sum_wave", months=vocab.WAVES[w], n=n, cohorts=cohorts, median=median, share=share)
            )
    compared = p.comparison_frame()
    compared = compared[compared["shown"]]
    if len(compared):
        c = compared.iloc[-1]
        diff = t.ci(
            t.pct(c["share_difference"]), t.pct(c["share_difference_low"]), t.pct(c["share_difference_high"])
        )
        covers = c["share_difference_low"] <= 0 <= c["share_difference_high"]
        out.append(
            t.t(
                "prog_sum_later_unclear" if covers else "prog_sum_later",
                months=vocab.WAVES[c["wave"]],
                later=p.programme.cohort_name(c["later"]),
                diff=diff,
            )
        )
    out.append(evidence(p))
    waves = ", ".join(t.wave(w) for w in p.answered_waves) or "–"
    out.append(t.t("cav_waves", waves=waves))
    out.append(t.t("real_terms_note") if p.params.real_terms else t.t("nominal_note"))
    return out


def summary(p) -> str:
    return "\n".join(f"- {s}" for s in summary_sentences(p))


def methods(p) -> str:
    """What each figure means, with the settings this report used (markdown)."""
    params, t = p.params, p.text
    items = [
        t.t("prog_meth_pooling"),
        t.t("meth_ratio"),
        t.t("meth_recovered", threshold=t.ratio(params.recovery_threshold)),
        t.t("prog_meth_intervals", resamples=t.int(config.BOOTSTRAP_RESAMPLES)),
        t.t("prog_meth_comparison"),
        t.t("meth_ratio_of_sums"),
        t.t("meth_min_wage"),
        t.t("real_terms_note") if params.real_terms else t.t("nominal_note"),
        t.t("meth_privacy", k=params.min_cell_size, kq=p.rules.k_quantile),
        t.t("prog_meth_linked"),
        t.t("meth_evidence_comparison" if comparison_respondents(p.audit) else "meth_evidence_descriptive"),
    ]
    return "\n".join(f"- {i}" for i in items)
