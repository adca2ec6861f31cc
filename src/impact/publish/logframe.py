"""The donor logframe: Indicator | Baseline | Target | Actual | % of target | Women | Men | Source.

Targets come from the programme configuration only (an indicator without one says "target not
set"); every value comes from the release's cells at the latest wave — the same figures the
report's tables show, hidden where they are hidden there.
"""

from __future__ import annotations

import pandas as pd

from impact import vocab
from impact.measure.indicators import baseline_ratio
from impact.publish.release import TOTAL, Cells, protect_line
from impact.publish.views import Column, Note, Table, excel_value

__all__ = ["logframe", "logframe_cells"]


def _share_cells(r, frame: pd.DataFrame, column: str) -> Cells:
    """A share (``column`` True/False, missing left out) overall and by sex, protected as a line."""
    frame = r.frame_with_groups(frame, "gender")
    rows = {}
    for code in (
        [*(str(c) for c in frame["gender"].cat.categories), TOTAL]
        if isinstance(frame["gender"].dtype, pd.CategoricalDtype)
        else [TOTAL]
    ):
        g = frame if code == TOTAL else frame[frame["gender"].astype(str) == code]
        v = g[column].dropna().astype(bool)
        rows[code] = {"n": len(v), "value": v.mean() if len(v) else float("nan")}
    table = pd.DataFrame.from_dict(rows, orient="index")
    return protect_line(table, count="n", stats=["value"], rules=r.rules)


def logframe_cells(r) -> dict[str, tuple[Cells, str, str]]:
    """Indicator → (cells with ``n``/``value`` overall and by sex, unit, source key)."""
    wave = r.latest_wave
    out: dict[str, tuple[Cells, str, str]] = {}
    if wave is not None:
        line = r.line(wave, "gender")
        for indicator, stat, unit in (
            ("share_recovered", "share_recovered", "share"),
            ("median_recovery_ratio", "median_recovery_ratio", "ratio"),
        ):
            values = line.values[["n", stat]].rename(columns={stat: "value"})
            reasons = line.reasons[["n", stat]].rename(columns={stat: "value"})
            out[indicator] = (Cells(values, reasons, "n"), unit, "src_survey")
        w = r.waves[(r.waves["wave"].astype(str) == wave)]
        if "above_min_wage" in w and w["above_min_wage"].notna().any():
            out["share_above_min_wage"] = (_share_cells(r, w, "above_min_wage"), "share", "src_survey_umk")
    if len(r.sales) and "ever_sold" in r.sales:
        sales = r.sales.assign(gender=r.sales["gender"].astype(pd.CategoricalDtype(list(vocab.GENDERS))))
        out["share_ever_sold"] = (_share_cells(r, sales, "ever_sold"), "share", "src_platform")
    return out


def logframe(r) -> Table | Note:
    cohort = r.cohort
    trained = cohort.trained if cohort is not None else None
    return logframe_table(r, logframe_cells(r), trained=trained, wave=r.latest_wave)


def logframe_table(x, indicators: dict, *, trained: int | None, wave: str | None) -> Table | Note:
    """The logframe of a cohort's or the programme's results ``x`` (its ``text``, ``rules``,
    ``programme`` and ``participants``): the number trained (a published programme fact) and each
    indicator's cells (indicator → (cells, unit, source key)) against the programme's targets."""
    t = x.text
    fmt = {"share": t.pct, "ratio": t.ratio}
    rows, excel = [], []
    if trained is not None:  # a published programme fact, not a statistic
        rows.append(
            (
                "trained",
                t.t("lf_trained"),
                {
                    "baseline": "–",
                    "target": t.t("target_not_set"),
                    "actual": t.int(trained),
                    "achieved": "–",
                    "female": "–",
                    "male": "–",
                    "source": t.t("src_programme"),
                },
            )
        )
        excel.append(
            {
                t.t("col_indicator"): t.t("lf_trained"),
                t.t("col_actual"): trained,
                t.t("col_source"): t.t("src_programme"),
            }
        )
    base = baseline_ratio(x.participants)
    baselines = {
        "share_recovered": float((base >= 1)[base.notna()].mean()) if base.notna().any() else None,
        "median_recovery_ratio": float(base.median()) if base.notna().sum() >= x.rules.k_quantile else None,
    }
    public = x.rules.public
    for indicator, (cells, unit, source) in indicators.items():
        target = x.programme.target(indicator)
        actual = cells.shown(TOTAL, "value", x.rules)
        hidden_total = actual is None and bool(cells.reasons.loc[TOTAL, "value"]) and public
        by_sex = {}
        for g in vocab.GENDERS:
            value = cells.shown(g, "value", x.rules) if g in cells.values.index else None
            n = cells.shown(g, "n", x.rules) if g in cells.values.index else None
            hidden = g in cells.values.index and cells.values.loc[g, "n"] > 0 and (value is None or n is None)
            text = (
                "c" if hidden and public else ("–" if value is None else f"{fmt[unit](value)} (n={t.int(n)})")
            )
            sex_target = getattr(target, "women" if g == "female" else "men", None) if target else None
            if sex_target is not None:
                text += f"; {t.t('col_target').lower()} {fmt[unit](sex_target)}"
            by_sex[g] = text
        target_value = target.target if target else None
        achieved = actual / target_value if actual is not None and target_value else None
        baseline = target.baseline if target and target.baseline is not None else baselines.get(indicator)
        src = t.t(source, wave=t.wave(wave) if wave else "–")
        rows.append(
            (
                indicator,
                t.t(f"lf_{indicator}"),
                {
                    "baseline": fmt[unit](baseline),
                    "target": fmt[unit](target_value) if target_value is not None else t.t("target_not_set"),
                    "actual": "c" if hidden_total else fmt[unit](actual),
                    "achieved": t.pct(achieved),
                    "female": by_sex["female"],
                    "male": by_sex["male"],
                    "source": src,
                },
            )
        )
        excel.append(
            {
                t.t("col_indicator"): t.t(f"lf_{indicator}"),
                t.t("col_baseline"): excel_value(baseline, unit, public=public),
                t.t("col_target"): excel_value(target_value, unit, public=public),
                t.t("col_actual"): "c" if hidden_total else excel_value(actual, unit, public=public),
                t.t("col_achieved"): excel_value(achieved, "share", public=public),
                t.t("female"): by_sex["female"],
                t.t("male"): by_sex["male"],
                t.t("col_source"): src,
            }
        )
    if not rows:
        return Note(t.t("no_data"))
    columns = [
        Column(k, t.t(label), "text")
        for k, label in (
            ("baseline", "col_baseline"),
            ("target", "col_target"),
            ("actual", "col_actual"),
            ("achieved", "col_achieved"),
            ("female", "female"),
            ("male", "male"),
            ("source", "col_source"),
        )
    ]
    return Table(
        "logframe",
        columns,
        rows,
        pd.DataFrame(excel, columns=list(dict.fromkeys(k for row in excel[1:] or excel for k in row))),
        wave=wave or "",
        dimension="gender",
        group_label=t.t("col_indicator"),
    )
