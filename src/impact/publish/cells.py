"""The cells of platform data and own targets (:class:`~impact.publish.release.Cells`).

Each function takes a :class:`~impact.publish.results.CohortResults` (``r``) and builds one set
of cells its views (:mod:`impact.publish.platform`) show: platform activity and commission by
month since training, own-target attainment by wave, and where income came from. The results
object's methods of the same names call these; the month and target cells are kept in the
object's cache (``r._cache``), built once per results object.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from impact.publish.release import Cells, protect_line

__all__ = ["income_source_cells", "month_cells", "target_cells"]


def month_cells(r) -> Cells | None:
    """Platform activity per month since training (all participant accounts): accounts, share with
    a sale, and commission quantiles among accounts with a sale (None without platform data)."""
    if "months" in r._cache:
        return r._cache["months"]
    m = r.months
    if m.empty:
        r._cache["months"] = None
        return None
    rows = {}
    for month, g in m.groupby("months_since_training", sort=True):
        active = g.loc[g["active"], "commission_idr"].astype(float)
        q = (
            active.quantile([0.1, 0.25, 0.5, 0.75, 0.9])
            if len(active)
            else pd.Series(np.nan, index=[0.1, 0.25, 0.5, 0.75, 0.9])
        )
        rows[str(int(month))] = {
            "n_accounts": len(g),
            "n_active": int(g["active"].sum()),
            "share_active": g["active"].mean(),
            "p10_commission_idr": q[0.1],
            "p25_commission_idr": q[0.25],
            "median_commission_idr": q[0.5],
            "p75_commission_idr": q[0.75],
            "p90_commission_idr": q[0.9],
        }
    frame = pd.DataFrame.from_dict(rows, orient="index")
    reasons = pd.DataFrame("", index=frame.index, columns=frame.columns, dtype=object)
    k, kq = r.rules.k, r.rules.k_quantile
    small = (frame["n_accounts"] < k).to_numpy()
    reasons.loc[small, :] = "s"
    quant = ["p25_commission_idr", "median_commission_idr", "p75_commission_idr"]
    reasons.loc[(frame["n_active"] < kq).to_numpy() & ~small, quant] = "q"
    tails = ["p10_commission_idr", "p90_commission_idr"]
    reasons.loc[(frame["n_active"] < 2 * kq).to_numpy() & ~small, tails] = "q"
    cells = Cells(frame, reasons.astype(str), "n_accounts")
    r._cache["months"] = cells
    return cells


def target_cells(r) -> Cells:
    """Own-target attainment per wave (everyone who answered and set a target)."""
    if "targets" in r._cache:
        return r._cache["targets"]
    rows = {}
    for w in r.wave_list:
        g = r.waves[(r.waves["wave"].astype(str) == w) & r.waves["responded"]]
        s = g["target_attainment_survey"].dropna()
        p = (
            g["target_attainment_platform"].dropna()
            if "target_attainment_platform" in g
            else pd.Series(dtype=float)
        )
        rows[w] = {
            "n": len(s),
            "share_reaching_target": (s >= 1).mean() if len(s) else np.nan,
            "median_attainment_survey": s.median() if len(s) else np.nan,
            "n_platform": len(p),
            "median_attainment_platform": p.median() if len(p) else np.nan,
        }
    frame = pd.DataFrame.from_dict(rows, orient="index")
    cells = protect_line(
        frame.assign(_row=0),
        count="n",
        stats=[
            "share_reaching_target",
            "median_attainment_survey",
            "n_platform",
            "median_attainment_platform",
        ],
        quantiles=["median_attainment_survey"],
        rules=r.rules,
    )
    values = cells.values
    reasons = cells.reasons.copy()
    few_platform = values["n_platform"].fillna(0) < r.rules.k_quantile
    small_platform = (values["n_platform"].fillna(0) >= 1) & (values["n_platform"].fillna(0) < r.rules.k)
    reasons.loc[small_platform, "n_platform"] = np.where(
        reasons.loc[small_platform, "n_platform"] == "", "s", reasons.loc[small_platform, "n_platform"]
    )
    reasons.loc[
        few_platform & (reasons["median_attainment_platform"] == ""), "median_attainment_platform"
    ] = "q"
    cells = Cells(values, reasons, "n")
    r._cache["targets"] = cells
    return cells


def income_source_cells(r) -> Cells | None:
    """Where income came from at the latest wave: the share of all participants' income last month
    that was reselling income (as they reported it) and platform commission (as recorded)."""
    wave = r.latest_wave
    if wave is None:
        return None
    g = r.waves[(r.waves["wave"].astype(str) == wave) & r.waves["income_total_idr"].notna()]
    g = g[g["income_total_idr"].astype(float) > 0]
    survey = g.dropna(subset=["income_reseller_idr"])
    platform = (
        g.dropna(subset=["commission_last_month_idr"]) if "commission_last_month_idr" in g else g.iloc[:0]
    )

    def share(frame: pd.DataFrame, part: str) -> float:
        total = frame["income_total_idr"].astype(float).sum()
        return float(frame[part].astype(float).sum() / total) if len(frame) and total > 0 else np.nan

    def top2(frame: pd.DataFrame, part: str) -> bool:
        values = frame[part].astype(float).sort_values(ascending=False)
        return bool(values.sum() > 0 and values.head(2).sum() > 0.9 * values.sum())

    frame = pd.DataFrame(
        {
            "n": [len(survey), len(platform)],
            "share_of_income": [
                share(survey, "income_reseller_idr"),
                share(platform, "commission_last_month_idr") if len(platform) else np.nan,
            ],
        },
        index=["survey", "platform"],
    )
    reasons = pd.DataFrame("", index=frame.index, columns=frame.columns, dtype=object)
    for row, data, part in (
        ("survey", survey, "income_reseller_idr"),
        ("platform", platform, "commission_last_month_idr"),
    ):
        n = frame.loc[row, "n"]
        if 1 <= n < r.rules.k:
            reasons.loc[row, :] = "s"
        elif n and top2(data, part):
            reasons.loc[row, "share_of_income"] = "d"
    return Cells(frame, reasons.astype(str), "n")
