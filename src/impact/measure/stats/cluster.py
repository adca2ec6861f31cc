"""The cluster bootstrap: intervals that respect how the people of a programme are grouped.

A programme pools cohorts trained at different times, in different places: people of one cohort
share its labour market, its trainers and its timing. Resampling people *within* each cohort
(stratified by cohort) keeps every cohort's weight in the pooled figure what it is, and
resampling a *person* (the cluster) keeps all their follow-ups together, so that a person's
answers at 3, 6 and 12 months stay correlated in every resample — what an interval for
changes over time (difference in differences, an event study) needs.

Everything is vectorised: one matrix of resampled row positions (resamples × people) serves every
statistic, so an interval costs a few array operations, seeded (``config.SEED``) and reproducible.

>>> idx = resample_within([0, 0, 0, 1, 1], n_resamples=3, seed=1)
>>> idx.shape, bool(((idx[:, :3] < 3) & (idx[:, 3:] >= 3).all(axis=1, keepdims=True)).all())
((3, 5), True)
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from impact import config
from impact.measure.stats._base import TOO_FEW_BELOW, ArrayLike, _check_level, _check_resamples

__all__ = ["percentile_interval", "resample_within", "stratified_interval"]


def resample_within(
    strata: ArrayLike, *, n_resamples: int = config.BOOTSTRAP_RESAMPLES, seed: int = config.SEED
) -> np.ndarray:
    """Row positions of ``n_resamples`` bootstrap samples (``n_resamples × len(strata)`` integers):
    within each stratum, as many rows drawn with replacement as it has, in the stratum's own
    columns — so each resample keeps every stratum's size. Rows are clusters (one per person)."""
    _check_resamples(n_resamples)
    labels = np.asarray(strata)
    rng = np.random.default_rng(seed)
    out = np.empty((n_resamples, labels.size), dtype=np.int64)
    for value in dict.fromkeys(labels.tolist()):  # strata in order of first appearance: deterministic
        rows = np.flatnonzero(labels == value)
        out[:, rows] = rows[rng.integers(0, rows.size, size=(n_resamples, rows.size))]
    return out


def percentile_interval(values: np.ndarray, *, level: float = config.CONFIDENCE_LEVEL) -> tuple[float, float]:
    """The percentile interval of bootstrap ``values`` (missing ones left out; nan when none)."""
    _check_level(level)
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    if v.size == 0:
        return math.nan, math.nan
    low, high = np.quantile(v, [(1 - level) / 2, (1 + level) / 2])
    return float(low), float(high)


def stratified_interval(
    statistic: Callable[[np.ndarray], np.ndarray],
    strata: ArrayLike,
    *,
    level: float = config.CONFIDENCE_LEVEL,
    n_resamples: int = config.BOOTSTRAP_RESAMPLES,
    seed: int = config.SEED,
    min_n: int = TOO_FEW_BELOW,
) -> tuple[float, float]:
    """Percentile interval of ``statistic`` under the stratified cluster bootstrap.

    ``statistic(idx)`` takes a matrix of row positions (resamples × rows, see
    :func:`resample_within`) and returns one value per resample (vectorised), e.g.
    ``lambda idx: np.median(ratio[idx], axis=1)``. Fewer than ``min_n`` rows: no interval (nan),
    as for every other interval of the suite.

    >>> x = np.array([0.2, 0.4, 0.6, 0.8, 1.0, 1.2])
    >>> low, high = stratified_interval(lambda idx: x[idx].mean(axis=1), [0, 0, 0, 1, 1, 1])
    >>> bool(low < x.mean() < high)
    True
    """
    labels = np.asarray(strata)
    if labels.size < min_n:
        return math.nan, math.nan
    idx = resample_within(labels, n_resamples=n_resamples, seed=seed)
    return percentile_interval(statistic(idx), level=level)
