"""Formatting for people: column labels, rupiah and percentages, report headings and narrative
helpers, and published tables shaped for a spreadsheet.
"""

from __future__ import annotations

import pandas as pd

from impact import config, vocab
from impact.publish import disclosure
from impact.publish.results import CohortResults

__all__ = [
    "COLUMN_LABELS",
    "balance_published",
    "for_excel",
    "heading",
    "methods_markdown",
    "present",
    "summary_markdown",
    "survival_summary",
]


COLUMN_LABELS = {
    "confederation": "Confederation",
    "gender": "Gender",
    "wave": "Wave",
    "n_eligible": "Eligible",
    "n_responded": "Responded",
    "response_rate": "Response rate",
    "n": "n",
    "median_recovery_ratio": "Median recovery ratio",
    "median_recovery_ratio_low": "Median: 95% CI low",
    "median_recovery_ratio_high": "Median: 95% CI high",
    "n_recovered": "Recovered (n)",
    "share_recovered": "Share recovered",
    "share_recovered_low": "Share: 95% CI low",
    "share_recovered_high": "Share: 95% CI high",
    "ratio_of_sums": "Ratio of sums",
    "median_income_before_idr": "Median pre-layoff wage",
    "median_income_now_idr": "Median income now",
    "median_income_baseline_idr": "Median income at registration",
    "median_target_monthly_idr": "Median monthly target",
    "share_with_reseller_account": "Has reseller account",
    "share_reaching_target_survey": "Reached own target",
    "median_attainment_survey": "Median attainment (survey)",
    "n_platform": "n (platform)",
    "median_attainment_platform": "Median attainment (platform commission)",
}


def _fmt(name: str, v: pd.Series) -> pd.Series:
    x = v.astype("Float64")
    if name.endswith("_idr"):
        text = x.map(lambda a: f"Rp {a:,.0f}", na_action="ignore")
    elif name.startswith(("share_", "response_rate")) or name.endswith("_rate"):
        text = x.map(lambda a: f"{a:.0%}", na_action="ignore")
    elif name.startswith("n") and (name == "n" or name.startswith("n_")):
        text = x.map(lambda a: f"{a:,.0f}", na_action="ignore")
    else:
        text = x.map(lambda a: f"{a:.2f}", na_action="ignore")
    return text.astype("string").fillna("")


def present(table: disclosure.SuppressedTable) -> pd.DataFrame:
    """Reader-friendly strings of a published table: rupiah, percentages, markers for hidden cells.

    Hidden cells show their marker (``s``, ``c``, ``d``); in internal tables a cell that a
    public table would hide shows its value followed by the marker and ``!``.
    """
    out = {}
    for col in table.values.columns:
        v = table.values[col]
        flag = table.flags[col].astype("string").fillna("")
        text = _fmt(col, v) if pd.api.types.is_numeric_dtype(v) else v.astype("string").fillna("")
        text = text.where(flag == "", (text + " " + flag).str.strip())
        out[COLUMN_LABELS.get(col, col)] = text
    frame = pd.DataFrame(out, index=table.values.index)
    # an estimate and its interval in one cell: "0.56 (0.48–0.99)"
    for est, label in (
        ("median_recovery_ratio", "Median recovery ratio (95% CI)"),
        ("share_recovered", "Share recovered (95% CI)"),
    ):
        lo, hi = f"{est}_low", f"{est}_high"
        if {est, lo, hi} <= set(table.values.columns):
            e, low, high = (frame[COLUMN_LABELS[c]] for c in (est, lo, hi))
            both = (low != "") & (high != "") & (table.flags[lo].astype("string").fillna("") == "")
            frame[COLUMN_LABELS[est]] = e.where(~both, e + " (" + low + "–" + high + ")")
            frame = frame.drop(columns=[COLUMN_LABELS[lo], COLUMN_LABELS[hi]]).rename(
                columns={COLUMN_LABELS[est]: label}
            )
    # the leading label columns (groups) become the index: no meaningless 0, 1, 2 in reports
    labels = []
    for col in table.values.columns:
        if pd.api.types.is_numeric_dtype(table.values[col]):
            break
        labels.append(COLUMN_LABELS.get(col, col))
    return frame.set_index(labels) if labels else frame


def heading(r: CohortResults, title: str = "") -> str:
    """The report's title block (markdown)."""
    scope = (
        "all confederations"
        if r.params.confederation == "all"
        else vocab.CONFEDERATIONS[r.params.confederation]
    )
    head = title or f"Income recovery after layoff — {r.programme.cohort_name(r.params.cohort)}"
    lines = [
        f"# {head}",
        f"**Cohort:** {r.programme.cohort_name(r.params.cohort)} · **Scope:** {scope} · "
        f"**Audience:** {r.params.audience}",
    ]
    if r.params.audience == "internal":
        lines.append(
            "> **INTERNAL — not for publication.** Small groups are shown; cells marked `!` are hidden in the public version."
        )
    return "\n\n".join(lines)


def methods_markdown(r: CohortResults) -> str:
    """The methods and definitions section (markdown), with the settings this report used."""
    return "\n".join(
        [
            "- **Recovery ratio** = income last month ÷ last normal monthly wage before the layoff; missing",
            '  when either is missing (never counted as "not recovered").',
            "- **Recovered** = ratio at or above the threshold; **partially recovered** at or above the partial threshold.",
            "- **Confidence intervals**: medians and ratio of sums by percentile bootstrap "
            f"({config.BOOTSTRAP_RESAMPLES:,} resamples,",
            "  fixed seed); shares by the Wilson method; time to recovery by Kaplan–Meier with Greenwood intervals.",
            "- **Minimum wage**: regional UMK of the participant's district; **real terms**: the pre-layoff",
            "  wage is brought to interview-month prices with the BPS consumer price index.",
            "- Full definitions: `docs/indicators.md` in the project.",
        ]
    )


def summary_markdown(r: CohortResults) -> str:
    """The executive summary as a markdown bullet list."""
    return "\n".join(f"- {s}" for s in r.summary())


def survival_summary(r: CohortResults) -> tuple[pd.DataFrame, str]:
    """Share recovered at 3/6/12 months per group (formatted) and a sentence on the log-rank test."""
    _, shares, test = r.time_to_recovery()
    if shares.empty:
        return shares, "Too few participants to estimate time to recovery."
    t = shares.assign(
        share=shares["share_recovered"].map("{:.0%}".format),
        ci=shares["share_recovered_low"].map("{:.0%}".format)
        + "–"
        + shares["share_recovered_high"].map("{:.0%}".format),
    )
    table = t.pivot(index="group", columns="time", values="share").rename(
        columns=lambda m: f"by {m:g} months"
    )
    table.insert(0, "n", t.groupby("group")["n"].first())
    p = test.get("p_value")
    sentence = (
        f"Women vs men (log-rank): p = {p:.2f}" + (f" — {test['caveat']}" if test.get("caveat") else "") + "."
        if p is not None and pd.notna(p)
        else "A log-rank comparison of women and men is not possible with these data"
        + (f" ({test['caveat']})" if test.get("caveat") else "")
        + "."
    )
    return table.reset_index(), sentence


def balance_published(r: CohortResults) -> pd.DataFrame:
    """The stayers-vs-leavers table; for the public, rows where either group is below min cell size are hidden."""
    t = r.attrition_balance()
    if r.params.audience == "public":
        small = (t["n_true"] < r.params.min_cell_size) | (t["n_false"] < r.params.min_cell_size)
        cols = ["mean_true", "mean_false", "difference", "normalised_difference", "p_value"]
        t = t.astype({c: "Float64" for c in cols})
        t.loc[small, cols] = pd.NA
    return t.rename(
        columns={
            "mean_true": "stayers",
            "mean_false": "leavers",
            "n_true": "n stayers",
            "n_false": "n leavers",
        }
    )


def for_excel(table: disclosure.SuppressedTable) -> pd.DataFrame:
    """A published table for a spreadsheet: numbers stay numbers, hidden cells show their marker.

    Internal tables keep every value and add a ``flags`` column listing what a public table hides.
    """
    values = table.values.astype(object).where(table.values.notna(), None)
    flags = table.flags.astype("string").fillna("")
    internal = flags.apply(lambda col: col.str.endswith(disclosure.MARK_INTERNAL))  # per column, not per row
    hidden = (flags != "") & ~internal
    out = values.mask(hidden, flags)
    if internal.to_numpy().any():
        out["flags"] = [
            "; ".join(f"{c}: {f}" for c, f in zip(flags.columns, row, strict=True) if f)
            for row in flags.to_numpy()
        ]
    return out.rename(columns=COLUMN_LABELS)
