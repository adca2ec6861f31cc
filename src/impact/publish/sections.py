"""The report's tables and charts, each from the release's cells (:mod:`impact.publish.release`).

Every function takes a :class:`~impact.publish.results.CohortResults` (``r``) and returns a
:class:`~impact.publish.views.Table`, a plotly figure, or a :class:`~impact.publish.views.Note`
saying why there is nothing to show. Words come from the report's language
(:mod:`impact.publish.i18n`); no view computes a figure the cells do not hold, so a group is
shown or hidden the same way in every table, chart and sentence.

Here: recovery, profile, participation, trajectory, time to recovery and comparisons. The views
of platform data and own targets are in :mod:`impact.publish.platform`; attrition balance and
data quality in :mod:`impact.publish.quality`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from impact import vocab
from impact.measure import stats
from impact.publish import plots
from impact.publish.release import HIDDEN, TOTAL, Cells
from impact.publish.views import Column, Note, Table, excel_value, table_from_cells

__all__ = [
    "comparisons",
    "participation",
    "profile",
    "recovery",
    "survival",
    "survival_figure",
    "trajectory",
]


def _columns(r) -> list[Column]:
    t = r.text
    return [
        Column("n_eligible", t.t("col_registered")),
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
        Column("ratio_of_sums", t.t("col_ratio_of_sums"), "ratio"),
    ]


def recovery(r, *, by: str | None = None, wave: str | None = None) -> Table | Note:
    """Recovery at a wave (default: the latest with answers), overall or by ``gender`` /
    ``confederation``."""
    wave = wave or r.latest_wave
    if wave is None:
        return Note(r.text.t("chart_hidden", why=r.text.t("why_no_wave")))
    if wave not in r.wave_list:
        raise ValueError(
            f"wave {wave!r} is not a wave of {r.params.cohort}; its waves: {', '.join(r.wave_list)}"
        )
    cells = r.line(wave, by)
    caption = f"{r.text.t('sec_recovery')} — {r.text.wave(wave)}"
    table = table_from_cells(
        "recovery",
        cells,
        _columns(r),
        rules=r.rules,
        text=r.text,
        dimension=by or "",
        wave=wave,
        caption=caption,
        group_label=r.text.t("col_group"),
        size="n_eligible",
    )
    if (
        r.rules.public
        and by
        and all(cells.reasons.loc[g, "n"] for g in cells.groups() if cells.values.loc[g, "n"] > 0)
    ):
        table.notes.append(r.text.t("hidden_table", k=r.rules.k))
    return table


def profile(r, *, by: str | None = "gender") -> Table:
    """Registered participants overall or by one dimension, and their situation at registration."""
    t = r.text
    cells = r.profile_cells(by)
    columns = [
        Column("n", t.t("col_registered")),
        Column("median_income_before_idr", t.t("col_median_before"), "idr"),
        Column("median_income_baseline_idr", t.t("col_median_baseline"), "idr"),
        Column("median_target_monthly_idr", t.t("col_median_target"), "idr"),
        Column("share_with_reseller_account", t.t("col_has_account"), "share"),
        Column("mean_sessions_attended", t.t("col_sessions"), "number"),
    ]
    return table_from_cells(
        "profile", cells, columns, rules=r.rules, text=t, dimension=by or "", group_label=t.t("col_group")
    )


def participation(r) -> Table:
    """Registered and answering at each wave, overall and by sex (counts and response rates)."""
    t = r.text
    profile_cells = r.profile_cells("gender")
    rows, excel = [], []
    codes = list(profile_cells.values.index)
    columns = [Column("n", t.t("col_registered"))]
    for w in r.wave_list:
        columns.append(Column(f"n_responded_{w}", f"{t.t('col_responded')}: {t.wave(w)}"))
    empty = []
    for code in codes:
        label = t.group("gender", code)
        n = profile_cells.values.loc[code, "n"]
        if code != TOTAL and not n:
            empty.append(label)
            continue
        shown = {"n": _shown(profile_cells, code, "n", "count", r)}
        xl = {t.t("col_group"): label, t.t("col_registered"): _excel(profile_cells, code, "n", r)}
        # a group too small to show is not shown at all (not even "none answered")
        small = bool(r.rules.public and profile_cells.reasons.loc[code, "n"] == "s")
        for w in r.wave_list:
            line = r.line(w, "gender") if w in r.answered_waves else None
            key = f"n_responded_{w}"
            if small:
                shown[key], xl[columns[-1].label] = HIDDEN, HIDDEN
                continue
            if line is None or code not in line.values.index:
                shown[key], xl[columns[-1].label] = "–", None
                continue
            count = _shown(line, code, "n_responded", "count", r)
            rate = _shown(line, code, "response_rate", "share", r)
            shown[key] = count if count in (HIDDEN, "–") or rate in (HIDDEN, "–") else f"{count} ({rate})"
            xl[f"{t.t('col_responded')}: {t.wave(w)}"] = _excel(line, code, "n_responded", r)
        rows.append((code, label, shown))
        excel.append(xl)
    notes = [t.t("omitted_empty", groups=", ".join(empty))] if empty else []
    return Table(
        "participation",
        columns,
        rows,
        pd.DataFrame(excel),
        dimension="gender",
        notes=notes,
        group_label=t.t("col_group"),
    )


def _shown(cells: Cells, group: str, stat: str, kind: str, r) -> str:
    reason = cells.reasons.loc[group, stat]
    value = cells.values.loc[group, stat]
    text = {"count": r.text.int, "share": r.text.pct, "ratio": r.text.ratio}[kind](value)
    if reason and r.rules.public:
        return HIDDEN
    return f"{text} {reason}!" if reason else text


def _excel(cells: Cells, group: str, stat: str, r):
    if r.rules.public and cells.reasons.loc[group, stat]:
        return HIDDEN
    return excel_value(cells.values.loc[group, stat], "count", public=r.rules.public)


def trajectory(r, *, by: str | None = "gender", **style):
    """Median recovery ratio at each wave, one line per published group, with 95% CIs."""
    t = r.text
    points, missing = [], []
    for w in r.answered_waves:
        cells = r.line(w, by)
        for code in cells.values.index:
            if by and code == TOTAL:
                continue
            est = cells.shown(code, "median_recovery_ratio", r.rules)
            if est is None:
                # named only when its count is shown (naming a hidden group says it answered)
                if cells.values.loc[code, "n"] > 0 and cells.visible(code, r.rules):
                    missing.append(f"{t.group(by, code)} ({t.wave(w)})")
                continue
            points.append(
                {
                    "group": code,
                    "label": t.group(by, code),
                    "months": vocab.WAVES[w],
                    "estimate": round(est, 2),
                    "low": _round(cells.shown(code, "median_recovery_ratio_low", r.rules)),
                    "high": _round(cells.shown(code, "median_recovery_ratio_high", r.rules)),
                    "n": cells.shown(code, "n", r.rules),
                }
            )
    drawn = {p["group"] for p in points}
    title = t.t("col_median_ratio") + (
        f" — {t.t('sec_by_sex') if by == 'gender' else t.t('sec_by_confederation')}" if by else ""
    )
    if not points or (by and len(drawn) < 2):
        why = t.t("why_no_wave") if not r.answered_waves else t.t("why_small_median", k=r.rules.k_quantile)
        return Note(f"{title}. {t.t('chart_hidden', why=why)}.")
    fig = plots.trajectory(
        pd.DataFrame(points),
        title=title,
        x=t.t("col_month"),
        y=t.t("col_median_ratio"),
        threshold_label="1.00",
        meta={"table": "recovery", "stat": "median_recovery_ratio", "dimension": by or ""},
        **style,
    )
    if missing:
        plots.footnote(fig, t.t("chart_missing", k=r.rules.k_quantile, groups=", ".join(missing)))
    return fig


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def survival(r) -> Table | Note:
    """Share recovered by each of the cohort's waves (Kaplan–Meier), per published group."""
    t = r.text
    curves = r.km()
    if not curves:
        return Note(
            t.t("chart_hidden", why=t.t("why_small", k=r.rules.k) if r.answered_waves else t.t("why_no_wave"))
        )
    months = [vocab.WAVES[w] for w in r.wave_list]
    columns = [Column("n", t.t("col_n"))] + [
        Column(f"by_{m}", t.t("col_by_months", m=m), "share", f"by_{m}_low", f"by_{m}_high") for m in months
    ]
    frame = {}
    for code, (km, n) in curves.items():
        at = stats.recovered_share_at(km, months)
        row = {"n": n}
        for m, (_, a) in zip(months, at.iterrows(), strict=True):
            row[f"by_{m}"], row[f"by_{m}_low"], row[f"by_{m}_high"] = (
                a["share_recovered"],
                a["share_recovered_low"],
                a["share_recovered_high"],
            )
        frame[code] = row
    values = pd.DataFrame.from_dict(frame, orient="index")
    reasons = pd.DataFrame("", index=values.index, columns=values.columns)
    if not r.rules.public:
        small = values["n"] < r.rules.k
        reasons.loc[small, :] = "s"
    cells = Cells(values, reasons, "n")
    return table_from_cells(
        "survival",
        cells,
        columns,
        rules=r.rules,
        text=t,
        dimension="gender",
        group_label=t.t("col_group"),
        omit_empty=False,
    )


def survival_figure(r, **style):
    t = r.text
    curves = r.km()
    if not curves:
        return Note(
            t.t("chart_hidden", why=t.t("why_small", k=r.rules.k) if r.answered_waves else t.t("why_no_wave"))
        )
    labelled = {code: (t.group("gender", code), km) for code, (km, _) in curves.items()}
    return plots.survival(
        labelled,
        title=t.t("sec_time"),
        x=t.t("col_month"),
        y=t.t("col_share_recovered"),
        meta={"table": "survival", "stat": "share_recovered_km"},
        **style,
    )


def comparisons(r) -> Table | Note:
    """The gap between women and men, income now against before, and differences across the
    confederations shown — each only from published groups."""
    t = r.text
    wave = r.latest_wave
    if wave is None:
        return Note(t.t("chart_hidden", why=t.t("why_no_wave")))
    ratio = "real_recovery_ratio" if r.params.real_terms else "recovery_ratio"
    before = "income_before_real_idr" if r.params.real_terms else "income_before_idr"
    w = r.waves[(r.waves["wave"].astype(str) == wave) & r.waves[ratio].notna()]
    rows = []
    sexes = r.line(wave, "gender")
    if all(
        sexes.visible(g, r.rules) and sexes.shown(g, "median_recovery_ratio", r.rules) is not None
        for g in vocab.GENDERS
        if g in sexes.values.index
    ) and all(g in sexes.values.index for g in vocab.GENDERS):
        f = w.loc[w["gender"] == "female", ratio].astype(float).to_numpy()
        m = w.loc[w["gender"] == "male", ratio].astype(float).to_numpy()
        gap = stats.difference_in_medians(f, m)
        rows.append(
            (
                "gap",
                t.t("cmp_gap"),
                gap["estimate"],
                gap.get("low"),
                gap.get("high"),
                gap["p_value"],
                t.t("test_mw"),
                len(f) + len(m),
            )
        )
    overall = r.line(wave)
    if overall.visible(TOTAL, r.rules) and len(w) >= r.rules.k_quantile:
        paired = stats.paired_change(
            w[before].astype(float).to_numpy(), w["income_total_idr"].astype(float).to_numpy()
        )
        rows.append(
            (
                "paired",
                t.t("cmp_paired"),
                paired["estimate"],
                np.nan,
                np.nan,
                paired["p_value"],
                t.t("test_wilcoxon"),
                paired["n"],
            )
        )
    confs = r.line(wave, "confederation")
    shown = [
        g
        for g in confs.groups()
        if g in vocab.CONFEDERATIONS and confs.visible(g, r.rules) and confs.values.loc[g, "n"] > 0
    ]
    if "confederation" in r.dimensions and len(shown) >= 2:
        sub = w[w["confederation"].astype(str).isin(shown)]
        kw = stats.kruskal_groups(
            sub[ratio].astype(float).to_numpy(), sub["confederation"].astype(str).to_numpy()
        )
        rows.append(
            (
                "confederations",
                t.t("cmp_confederations"),
                kw["statistic"],
                np.nan,
                np.nan,
                kw["p_value"],
                t.t("test_kw"),
                len(sub),
            )
        )
    if not rows:
        return Note(t.t("chart_hidden", why=t.t("why_small", k=r.rules.k_quantile)))
    table_rows, excel = [], []
    for code, label, est, lo, hi, p, test, n in rows:
        kind = "idr" if code == "paired" else "ratio"
        fmt = (lambda v: t.idr(v, step=1000)) if kind == "idr" else t.ratio
        estimate = t.ci(fmt(est), fmt(lo), fmt(hi)) if code != "confederations" else t.ratio(est)
        table_rows.append((code, label, {"estimate": estimate, "p": t.p(p), "test": test, "n": t.int(n)}))
        excel.append(
            {
                t.t("col_comparison"): label,
                t.t("col_estimate"): excel_value(est, kind, public=r.rules.public),
                "low": excel_value(lo, kind, public=r.rules.public),
                "high": excel_value(hi, kind, public=r.rules.public),
                t.t("col_p"): excel_value(p, "p", public=r.rules.public),
                t.t("col_test"): test,
                "n": excel_value(n, "count", public=r.rules.public),
            }
        )
    columns = [
        Column("estimate", t.t("col_estimate"), "text"),
        Column("p", t.t("col_p"), "text"),
        Column("test", t.t("col_test"), "text"),
        Column("n", "n", "text"),
    ]
    return Table(
        "comparisons", columns, table_rows, pd.DataFrame(excel), wave=wave, group_label=t.t("col_comparison")
    )
