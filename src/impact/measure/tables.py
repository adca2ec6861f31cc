"""Disaggregated indicator tables: recovery by group, comparisons, attrition, logframe.

Each function takes the per-participant frames from :mod:`impact.indicators` and returns
a new DataFrame. Every category is kept (empty ones too), with an ``All`` total so that
disclosure control (:mod:`impact.disclosure`) can protect small cells. Loops here run
over groups (a handful), never over rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from impact import config, vocab
from impact.measure import stats
from impact.measure.indicators import baseline_ratio
from impact.programme import LOGFRAME_INDICATORS

__all__ = [
    "ALL",
    "attrition_balance",
    "comparisons",
    "group_cells",
    "logframe",
    "recovery_table",
    "response_by_wave",
]

ALL = "All"


def _levels(frame: pd.DataFrame, col: str) -> list[str]:
    """The levels of a grouping column: every category (empty ones too), except ``unmapped``
    (answers that matched no confederation) when nobody has it."""
    s = frame[col]
    if isinstance(s.dtype, pd.CategoricalDtype):
        used = set(s.dropna().astype(str))
        return [str(c) for c in s.cat.categories if c != vocab.UNMAPPED or c in used]
    return sorted(s.dropna().astype(str).unique())


def group_cells(frame: pd.DataFrame, by: Sequence[str]) -> list[tuple[dict[str, str], pd.DataFrame]]:
    """Every combination of the levels of ``by`` (empty ones too) plus margins and the total.

    Returns (labels, rows) pairs; a margin's label is ``All`` for the collapsed dimension.
    Rows with a missing grouping value count only in the margins and total.
    """
    by = list(by)
    out = []
    if not by:
        return [({}, frame)]
    text = {c: frame[c].astype("string") for c in by}
    levels = {c: [*_levels(frame, c), ALL] for c in by}
    for combo in pd.MultiIndex.from_product([levels[c] for c in by]):
        combo = combo if isinstance(combo, tuple) else (combo,)
        mask = pd.Series(True, index=frame.index)
        for c, v in zip(by, combo, strict=True):
            if v != ALL:
                mask &= (text[c] == v).fillna(False)
        out.append((dict(zip(by, combo, strict=True)), frame[mask]))
    return out


def recovery_table(
    waves: pd.DataFrame,
    *,
    wave: str,
    by: Sequence[str] = (),
    real_terms: bool = False,
    seed: int = config.SEED,
) -> pd.DataFrame:
    """Recovery at one wave by group: response, median ratio (bootstrap CI), share recovered (Wilson CI).

    Columns: grouping columns, ``n_eligible``, ``n_responded``, ``response_rate``, ``n`` (people
    with a recovery ratio: the denominator of every statistic), ``median_recovery_ratio`` with
    ``_low``/``_high``, ``n_recovered``, ``share_recovered`` with ``_low``/``_high``,
    ``ratio_of_sums`` (sum of incomes now / sum before over the same people),
    ``median_income_before_idr``, ``median_income_now_idr``, ``caveat``.
    """
    ratio_col, rec_col = (
        ("real_recovery_ratio", "real_recovered") if real_terms else ("recovery_ratio", "recovered")
    )
    before_col = "income_before_real_idr" if real_terms else "income_before_idr"
    needed = [*by, "responded", ratio_col, rec_col, before_col, "income_total_idr"]
    w = waves.loc[waves["wave"].astype("string") == wave, needed]  # narrow first: cells are sliced many times
    rows = []
    for labels, g in group_cells(w, by):
        has = g[g[ratio_col].notna()]
        n = len(has)
        med = stats.median_ci(has[ratio_col].astype(float).to_numpy(), seed=seed)
        k = int(has[rec_col].astype(bool).sum())
        lo, hi = stats.proportion_ci(k, n, method="wilson")
        ros = stats.ratio_of_sums(
            has["income_total_idr"].astype(float).to_numpy(), has[before_col].astype(float).to_numpy()
        )
        rows.append(
            {
                **labels,
                "n_eligible": len(g),
                "n_responded": int(g["responded"].sum()),
                "response_rate": g["responded"].mean() if len(g) else np.nan,
                "n": n,
                "median_recovery_ratio": med.estimate,
                "median_recovery_ratio_low": med.low,
                "median_recovery_ratio_high": med.high,
                "n_recovered": k,
                "share_recovered": k / n if n else np.nan,
                "share_recovered_low": lo,
                "share_recovered_high": hi,
                "ratio_of_sums": ros.estimate,
                "median_income_before_idr": has[before_col].astype(float).median() if n else np.nan,
                "median_income_now_idr": has["income_total_idr"].astype(float).median() if n else np.nan,
                "caveat": med.caveat,
            }
        )
    out = pd.DataFrame(rows)
    ints = ["n_eligible", "n_responded", "n", "n_recovered"]
    floats = [c for c in out.columns if c not in ints and c not in (*by, "caveat")]
    return out.astype(dict.fromkeys(ints, "Int64") | dict.fromkeys(floats, "Float64"))


def response_by_wave(waves: pd.DataFrame, *, by: Sequence[str] = ()) -> pd.DataFrame:
    """Eligible, responded and response rate per wave and group (with ``All`` totals)."""
    parts = []
    for wave in waves["wave"].dropna().astype("string").unique():
        w = waves[waves["wave"].astype("string") == wave]
        for labels, g in group_cells(w, by):
            parts.append(
                {"wave": wave, **labels, "n_eligible": len(g), "n_responded": int(g["responded"].sum())}
            )
    out = pd.DataFrame(parts)
    out["response_rate"] = (out["n_responded"] / out["n_eligible"].where(out["n_eligible"] > 0)).astype(
        "Float64"
    )
    return out.astype({"n_eligible": "Int64", "n_responded": "Int64"})


def comparisons(waves: pd.DataFrame, *, wave: str, seed: int = config.SEED) -> pd.DataFrame:
    """Gender gap, before-vs-now and across-confederation tests at one wave, each with n and a caveat."""
    w = waves[(waves["wave"].astype("string") == wave) & waves["recovery_ratio"].notna()]
    f = w.loc[w["gender"] == "female", "recovery_ratio"].astype(float).to_numpy()
    m = w.loc[w["gender"] == "male", "recovery_ratio"].astype(float).to_numpy()
    gap = stats.difference_in_medians(f, m, seed=seed)
    paired = stats.paired_change(
        w["income_before_idr"].astype(float).to_numpy(), w["income_total_idr"].astype(float).to_numpy()
    )
    kw = stats.kruskal_groups(
        w["recovery_ratio"].astype(float).to_numpy(), w["confederation"].astype(str).to_numpy()
    )
    rows = [
        {
            "comparison": "Gender gap in median recovery ratio (women − men)",
            "test": "Mann–Whitney U",
            "estimate": gap["estimate"],
            "ci_low": gap.get("low"),
            "ci_high": gap.get("high"),
            "p_value": gap["p_value"],
            "n": gap["n_a"] + gap["n_b"],
            "n_smallest_group": min(gap["n_a"], gap["n_b"]),
            "caveat": gap["caveat"],
        },
        {
            "comparison": "Income now vs pre-layoff wage (median paired difference, rupiah)",
            "test": "Wilcoxon signed-rank",
            "estimate": paired["estimate"],
            "ci_low": np.nan,
            "ci_high": np.nan,
            "p_value": paired["p_value"],
            "n": paired["n"],
            "n_smallest_group": paired["n"],
            "caveat": paired["caveat"],
        },
        {
            "comparison": "Recovery ratio differs across confederations",
            "test": "Kruskal–Wallis H",
            "estimate": kw["statistic"],
            "ci_low": np.nan,
            "ci_high": np.nan,
            "p_value": kw["p_value"],
            "n": int(sum(kw["n"].values())),
            "n_smallest_group": min([v for v in kw["n"].values() if v > 0], default=0),
            "caveat": kw["caveat"],
        },
    ]
    return pd.DataFrame(rows).astype(
        {"estimate": "Float64", "ci_low": "Float64", "ci_high": "Float64", "p_value": "Float64", "n": "Int64"}
    )


def attrition_balance(waves: pd.DataFrame, participants: pd.DataFrame, *, wave: str) -> pd.DataFrame:
    """Stayers (responded at ``wave``) vs leavers, compared on baseline characteristics."""
    w = waves[waves["wave"].astype("string") == wave][["participant_id", "responded"]]
    p = participants.merge(w, on="participant_id")
    frame = pd.DataFrame(
        {
            "stayer": p["responded"].astype(bool),
            "female": (p["gender"] == "female").astype("boolean").mask(p["gender"].isna()),
            "birth_year": p["birth_year"].astype("Float64"),
            "income_before_idr": p["income_before_idr"].astype("Float64"),
            "income_baseline_idr": p["income_baseline_idr"].astype("Float64"),
            "sessions_attended": p["sessions_attended"].astype("Float64"),
            "has_reseller_account": p["reseller_key"].notna(),
        }
    )
    return stats.balance_table(frame, group="stayer", columns=[c for c in frame.columns if c != "stayer"])


def logframe(
    waves: pd.DataFrame,
    participants: pd.DataFrame,
    sales: pd.DataFrame | None,
    *,
    wave: str,
    targets: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Donor logframe: Indicator | Baseline | Target | Actual | % of target | Women | Men | Source.

    ``sales`` is :func:`impact.indicators.first_sales` output (or None). Shares are 0–1;
    "% of target" = actual / target. Women/Men give the actual with its n (``30% (n=10)`` for
    shares, ``0.62 (n=10)`` for ratios).
    """
    t = (
        {k: targets.get(k, np.nan) for k in LOGFRAME_INDICATORS}
        if targets
        else dict.fromkeys(LOGFRAME_INDICATORS, np.nan)
    )
    w = waves[waves["wave"].astype("string") == wave]
    has = w[w["recovery_ratio"].notna()]
    base_ratio = baseline_ratio(participants)

    def by_sex(values: pd.Series, genders: pd.Series, fn) -> tuple[str, str]:
        out = []
        for g in ("female", "male"):
            v = values[(genders == g).fillna(False).to_numpy()]
            text = f"{fn(v):.0%}" if fn is share else f"{fn(v):.2f}"
            out.append(f"{text} (n={len(v)})" if len(v) else "–")
        return out[0], out[1]

    share = lambda v: float(np.mean(v.astype(bool))) if len(v) else np.nan  # noqa: E731
    median = lambda v: float(np.median(v.astype(float))) if len(v) else np.nan  # noqa: E731
    rows = []
    rec = has["recovered"].astype(bool)
    rows.append(
        (
            "Share whose income is at least their pre-layoff wage",
            share((base_ratio >= 1)[base_ratio.notna()]),
            t["share_recovered"],
            share(rec),
            *by_sex(rec, has["gender"], share),
            f"Follow-up survey, {wave}",
        )
    )
    ratio = has["recovery_ratio"].astype(float)
    rows.append(
        (
            "Median recovery ratio (income now / pre-layoff wage)",
            median(base_ratio.dropna()),
            t["median_recovery_ratio"],
            median(ratio),
            *by_sex(ratio, has["gender"], median),
            f"Follow-up survey, {wave}",
        )
    )
    if "above_min_wage" in has.columns:
        mw = has[has["above_min_wage"].notna()]
        rows.append(
            (
                "Share earning at least the regional minimum wage",
                np.nan,
                t["share_above_min_wage"],
                share(mw["above_min_wage"]),
                *by_sex(mw["above_min_wage"], mw["gender"], share),
                f"Follow-up survey, {wave}; UMK reference table",
            )
        )
    if sales is not None and len(sales):
        rows.append(
            (
                "Share of reseller accounts with at least one completed sale",
                0.0,
                t["share_ever_sold"],
                share(sales["ever_sold"]),
                *by_sex(sales["ever_sold"], sales["gender"], share),
                "Platform order exports",
            )
        )
    out = pd.DataFrame(rows, columns=["Indicator", "Baseline", "Target", "Actual", "Women", "Men", "Source"])
    out.insert(4, "% of target", out["Actual"] / out["Target"])
    return out.astype(
        {"Baseline": "Float64", "Target": "Float64", "Actual": "Float64", "% of target": "Float64"}
    )
