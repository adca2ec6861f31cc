"""Formatting an analyst's own published table for people: labels, rupiah, percentages, markers.

The report's own tables are :class:`impact.publish.views.Table` (formatted per language);
:func:`present` is for tables an analyst builds and protects with
:func:`impact.publish.disclosure.apply_audience`.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["COLUMN_LABELS", "present"]


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


def present(table) -> pd.DataFrame:
    """Reader-friendly strings of a published table: rupiah, percentages, markers for hidden cells.

    A report table (:class:`~impact.publish.views.Table`, what ``r.recovery()`` and the other
    results methods return) is already formatted: its displayed text comes back as it is.

    Hidden cells show their marker (``s``, ``c``, ``d``); in internal tables a cell that a
    public table would hide shows its value followed by the marker and ``!``.
    """
    from impact.publish.views import Table

    if isinstance(table, Table):
        return table.frame()
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
