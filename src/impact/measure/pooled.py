"""Programme-level figures: every cohort pooled by months since training (event time).

A cohort's waves are already event time (``m3`` is three months after *its* training), so the
programme's figure at ``m3`` pools everyone of every cohort that has reached ``m3``. Intervals
come from the cluster bootstrap over participants within cohort
(:mod:`impact.measure.stats.cluster`): each cohort keeps its weight in every resample. Numbers
only, no display strings; definitions in ``docs/indicators.md``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from impact import config, vocab
from impact.measure.stats import proportion_ci
from impact.measure.stats._base import TOO_FEW_BELOW
from impact.measure.stats.cluster import percentile_interval, resample_within, stratified_interval
from impact.measure.tables import group_cells

__all__ = ["cohort_comparison", "cohort_contributions", "pooled_recovery_table"]


def _waves(waves: pd.DataFrame) -> list[str]:
    """The waves of a frame in time order (categorical or text ``wave``)."""
    return sorted({str(x) for x in waves["wave"].dropna()}, key=lambda w: (vocab.WAVES.get(w, 999), w))


def _columns(real_terms: bool) -> tuple[str, str, str]:
    if real_terms:
        return "real_recovery_ratio", "real_recovered", "income_before_real_idr"
    return "recovery_ratio", "recovered", "income_before_idr"


def pooled_recovery_table(
    waves: pd.DataFrame,
    *,
    wave: str,
    by: Sequence[str] = (),
    real_terms: bool = False,
    n_resamples: int = config.BOOTSTRAP_RESAMPLES,
    seed: int = config.SEED,
) -> pd.DataFrame:
    """Recovery at one wave, all cohorts pooled, by group: the columns of
    :func:`impact.measure.tables.recovery_table` (``n_eligible`` … ``median_income_now_idr``) plus
    ``ratio_of_sums_low``/``_high`` and ``cohorts`` (how many cohorts contribute answers).

    ``waves``: one row per participant × wave of their cohort (:func:`impact.measure.indicators.
    recovery_by_wave` of every cohort, stacked), with ``cohort``. Intervals of the median ratio,
    the share recovered and the ratio of sums: cluster bootstrap over participants within cohort.
    """
    ratio_col, rec_col, before_col = _columns(real_terms)
    needed = [*by, "cohort", "responded", ratio_col, rec_col, before_col, "income_total_idr"]
    w = waves.loc[waves["wave"].astype("string") == wave, list(dict.fromkeys(needed))]
    rows = []
    for labels, g in group_cells(w, by):
        has = g[g[ratio_col].notna()]
        n = len(has)
        ratio = has[ratio_col].astype(float).to_numpy()
        rec = has[rec_col].astype(bool).to_numpy(dtype=float)
        now = has["income_total_idr"].astype(float).to_numpy()
        before = has[before_col].astype(float).to_numpy()
        strata = has["cohort"].astype(str).to_numpy()
        med, share, ros = _intervals(ratio, rec, now, before, strata, n_resamples=n_resamples, seed=seed)
        k = int(rec.sum())
        # no variation (everyone or nobody, or each cohort's people all alike): the bootstrap gives
        # a point; the Wilson interval does not
        if n >= TOO_FEW_BELOW and (k in (0, n) or share[0] == share[1]):
            share = proportion_ci(k, n, method="wilson")
        rows.append(
            {
                **labels,
                "n_eligible": len(g),
                "n_responded": int(g["responded"].sum()),
                "response_rate": g["responded"].mean() if len(g) else np.nan,
                "n": n,
                "median_recovery_ratio": float(np.median(ratio)) if n else np.nan,
                "median_recovery_ratio_low": med[0],
                "median_recovery_ratio_high": med[1],
                "n_recovered": k,
                "share_recovered": k / n if n else np.nan,
                "share_recovered_low": share[0],
                "share_recovered_high": share[1],
                "ratio_of_sums": float(now.sum() / before.sum()) if n and before.sum() > 0 else np.nan,
                "ratio_of_sums_low": ros[0],
                "ratio_of_sums_high": ros[1],
                "median_income_before_idr": float(np.median(before)) if n else np.nan,
                "median_income_now_idr": float(np.median(now)) if n else np.nan,
                "cohorts": int(has["cohort"].nunique()),
            }
        )
    out = pd.DataFrame(rows)
    ints = ["n_eligible", "n_responded", "n", "n_recovered", "cohorts"]
    floats = [c for c in out.columns if c not in ints and c not in by]
    return out.astype(dict.fromkeys(ints, "Int64") | dict.fromkeys(floats, "Float64"))


def _intervals(
    ratio: np.ndarray,
    rec: np.ndarray,
    now: np.ndarray,
    before: np.ndarray,
    strata: np.ndarray,
    *,
    n_resamples: int,
    seed: int,
) -> tuple[tuple[float, float], tuple[float, float], tuple[float, float]]:
    """Cluster-bootstrap intervals of the median ratio, the share recovered and the ratio of sums
    (one set of resamples for the three; none with fewer than 5 people)."""
    if len(ratio) < TOO_FEW_BELOW:
        return (np.nan, np.nan), (np.nan, np.nan), (np.nan, np.nan)
    idx = resample_within(strata, n_resamples=n_resamples, seed=seed)
    sums = before[idx].sum(axis=1)
    ros = now[idx].sum(axis=1) / np.where(sums > 0, sums, np.nan)
    return (
        percentile_interval(np.median(ratio[idx], axis=1)),
        percentile_interval(rec[idx].mean(axis=1)),
        percentile_interval(ros),
    )


def cohort_contributions(
    participants: pd.DataFrame, waves: pd.DataFrame, *, real_terms: bool = False
) -> pd.DataFrame:
    """Each cohort's part in the pooled figures: registered, and at each wave those eligible (the
    cohort has reached it), answering, and with income data (the ``n`` of the pooled figures).

    One row per cohort (in the order of ``participants``), columns ``registered`` and
    ``eligible_<wave>``, ``answered_<wave>``, ``n_<wave>`` for every wave in ``waves`` (0 where the
    cohort has not reached it).
    """
    ratio_col = _columns(real_terms)[0]
    cohorts = list(dict.fromkeys(participants["cohort"].astype(str)))
    out = pd.DataFrame(index=pd.Index(cohorts, name="cohort"))
    out["registered"] = participants["cohort"].astype(str).value_counts().reindex(cohorts).fillna(0)
    w = waves.assign(cohort=waves["cohort"].astype(str), wave=waves["wave"].astype(str))
    for wave in _waves(waves):
        at = w[w["wave"] == wave]
        out[f"eligible_{wave}"] = at.groupby("cohort").size().reindex(cohorts).fillna(0)
        out[f"answered_{wave}"] = at[at["responded"]].groupby("cohort").size().reindex(cohorts).fillna(0)
        out[f"n_{wave}"] = at[at[ratio_col].notna()].groupby("cohort").size().reindex(cohorts).fillna(0)
    return out.astype("Int64")


def cohort_comparison(
    waves: pd.DataFrame,
    *,
    training: Mapping[str, object],
    real_terms: bool = False,
    n_resamples: int = config.BOOTSTRAP_RESAMPLES,
    seed: int = config.SEED,
) -> pd.DataFrame:
    """Do later cohorts do better? At each wave, the cohort trained last among those with answers
    (``later``) against all earlier ones pooled (``earlier``): the difference (later − earlier) in
    the share recovered and in the median recovery ratio, with cluster-bootstrap intervals
    (people resampled within their cohort, each side keeping its cohorts' sizes).

    ``training``: cohort → training month (anything sortable). One row per wave with at least two
    cohorts answering: ``wave``, ``later``, ``earlier`` (codes joined by ``,``), ``n_later``,
    ``n_earlier``, ``share_later``, ``share_earlier``, ``share_difference`` (+ ``_low``/``_high``),
    ``median_later``, ``median_earlier``, ``median_difference`` (+ ``_low``/``_high``).
    """
    ratio_col, rec_col, _ = _columns(real_terms)
    rows = []
    for wave in _waves(waves):
        at = waves[(waves["wave"].astype(str) == wave) & waves[ratio_col].notna()]
        present = sorted(
            set(at["cohort"].astype(str)), key=lambda c: (training.get(c) is None, training.get(c), c)
        )
        if len(present) < 2:
            continue
        later, earlier = present[-1], present[:-1]
        is_later = (at["cohort"].astype(str) == later).to_numpy()
        ratio = at[ratio_col].astype(float).to_numpy()
        rec = at[rec_col].astype(bool).to_numpy(dtype=float)
        strata = at["cohort"].astype(str).to_numpy()

        def diff(values: np.ndarray, fn, late: np.ndarray = is_later):
            def statistic(idx: np.ndarray) -> np.ndarray:
                v = values[idx]
                side = late[idx]  # strata keep their side: every resample has both
                a = np.where(side, v, np.nan)
                b = np.where(side, np.nan, v)
                return fn(a) - fn(b)

            return statistic

        nanmedian = lambda v: np.nanmedian(v, axis=1)  # noqa: E731
        nanmean = lambda v: np.nanmean(v, axis=1)  # noqa: E731
        kw = {"n_resamples": n_resamples, "seed": seed}
        share_ci = stratified_interval(diff(rec, nanmean), strata, **kw)
        median_ci = stratified_interval(diff(ratio, nanmedian), strata, **kw)
        share_a, share_b = rec[is_later].mean(), rec[~is_later].mean()
        med_a, med_b = float(np.median(ratio[is_later])), float(np.median(ratio[~is_later]))
        rows.append(
            {
                "wave": wave,
                "later": later,
                "earlier": ",".join(earlier),
                "n_later": int(is_later.sum()),
                "n_earlier": int((~is_later).sum()),
                "share_later": share_a,
                "share_earlier": share_b,
                "share_difference": share_a - share_b,
                "share_difference_low": share_ci[0],
                "share_difference_high": share_ci[1],
                "median_later": med_a,
                "median_earlier": med_b,
                "median_difference": med_a - med_b,
                "median_difference_low": median_ci[0],
                "median_difference_high": median_ci[1],
            }
        )
    columns = [
        "wave",
        "later",
        "earlier",
        "n_later",
        "n_earlier",
        "share_later",
        "share_earlier",
        "share_difference",
        "share_difference_low",
        "share_difference_high",
        "median_later",
        "median_earlier",
        "median_difference",
        "median_difference_low",
        "median_difference_high",
    ]
    return pd.DataFrame(rows, columns=columns).astype({"n_later": "Int64", "n_earlier": "Int64"})
