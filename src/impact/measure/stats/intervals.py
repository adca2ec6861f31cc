"""Intervals for shares, medians and ratios of sums (exact, Wilson or bootstrap)."""

from __future__ import annotations

import math
import operator
from typing import Literal

import numpy as np
from scipy import stats

from impact import config
from impact.measure.stats._base import (
    _NO_INTERVAL,
    _PROPORTION_METHODS,
    CAVEAT_NO_DATA,
    LARGE_N,
    TOO_FEW_BELOW,
    ArrayLike,
    Estimate,
    _bootstrap_ci,
    _check_level,
    _check_resamples,
    _join,
    _median_of,
    _order_statistic_ci,
    _paired,
    _present,
    _ratio_linearised_ci,
    _ratio_of_sums_of,
    size_caveat,
)

__all__ = ["median_ci", "proportion_ci", "ratio_of_sums"]

# --- proportions and medians -----------------------------------------------------------------------


def proportion_ci(
    successes: int,
    n: int,
    *,
    level: float = config.CONFIDENCE_LEVEL,
    method: Literal["clopper-pearson", "wilson"] = "clopper-pearson",
) -> tuple[float, float]:
    """Confidence interval (0–1) for a share ``successes / n``.

    ``method="clopper-pearson"`` (default) is the exact binomial interval — conservative,
    valid at any n; ``"wilson"`` is the Wilson score interval (no continuity correction),
    narrower and close to nominal coverage. Both stay within [0, 1] and contain the
    observed share. ``n == 0`` gives ``(nan, nan)``. Counts must be whole numbers with
    ``0 <= successes <= n``.

    >>> [round(v, 4) for v in proportion_ci(3, 10)]
    [0.0667, 0.6525]
    """
    k, total = operator.index(successes), operator.index(n)
    _check_level(level)
    if method not in _PROPORTION_METHODS:
        raise ValueError(f"method must be one of {sorted(_PROPORTION_METHODS)}; got {method!r}")
    if total < 0 or not 0 <= k <= total:
        raise ValueError(f"need 0 <= successes <= n; got successes={k}, n={total}")
    if total == 0:
        return (math.nan, math.nan)
    ci = stats.binomtest(k, total).proportion_ci(confidence_level=level, method=_PROPORTION_METHODS[method])
    # exact ends at the boundaries (Wilson's formula gives them up to rounding)
    low = 0.0 if k == 0 else float(ci.low)
    high = 1.0 if k == total else float(ci.high)
    return (low, high)


def median_ci(
    values: ArrayLike,
    *,
    level: float = config.CONFIDENCE_LEVEL,
    n_resamples: int = config.BOOTSTRAP_RESAMPLES,
    seed: int = config.SEED,
) -> Estimate:
    """Median with a percentile-bootstrap confidence interval, in the unit of ``values``.

    Above :data:`LARGE_N` values the interval is the distribution-free order-statistic
    interval (binomial ranks) — same coverage, no resampling of platform-sized arrays.

    Missing values are dropped; ``n`` is the non-missing count. With fewer than 5 values
    the median is still given but the interval is ``nan`` ("too few to estimate"); with
    none, everything is ``nan``. When every value is the same the interval is ``(v, v)``.
    The same ``seed`` always gives the same interval.

    >>> median_ci([0.5, 0.75, 1.0, 1.25, 1.5, 0.25]).estimate
    0.875
    """
    _check_level(level)
    _check_resamples(n_resamples)
    x = _present(values, "values")
    n = x.size
    if n == 0:
        return Estimate(math.nan, math.nan, math.nan, 0, CAVEAT_NO_DATA)
    estimate = float(np.median(x))
    if n < TOO_FEW_BELOW:
        return Estimate(estimate, math.nan, math.nan, n, _join(size_caveat(n), _NO_INTERVAL))
    if np.ptp(x) == 0:
        return Estimate(estimate, estimate, estimate, n, size_caveat(n))
    if n > LARGE_N:
        return Estimate(estimate, *_order_statistic_ci(x, level), n, size_caveat(n))
    low, high = _bootstrap_ci((x,), _median_of, paired=False, level=level, n_resamples=n_resamples, seed=seed)
    return Estimate(estimate, low, high, n, size_caveat(n))


def ratio_of_sums(
    numerator: ArrayLike,
    denominator: ArrayLike,
    *,
    level: float = config.CONFIDENCE_LEVEL,
    n_resamples: int = config.BOOTSTRAP_RESAMPLES,
    seed: int = config.SEED,
) -> Estimate:
    """Cohort replacement rate: sum of ``numerator`` / sum of ``denominator`` over complete pairs.

    E.g. sum of incomes now / sum of pre-layoff wages (unitless). Only pairs where both are
    present and the denominator is > 0 count (``n`` = those pairs); the interval resamples
    whole pairs (percentile bootstrap, seeded); above :data:`LARGE_N` pairs it is the
    delta-method (linearised) interval. Fewer than 5 pairs: no interval.

    >>> ratio_of_sums([2, 3], [4, 4]).estimate
    0.625
    """
    _check_level(level)
    _check_resamples(n_resamples)
    num, den = _paired(numerator, denominator, ("numerator", "denominator"))
    keep = ~np.isnan(num) & ~np.isnan(den) & (den > 0)
    num, den = num[keep], den[keep]
    n = int(keep.sum())
    if n == 0:
        return Estimate(math.nan, math.nan, math.nan, 0, CAVEAT_NO_DATA)
    estimate = float(num.sum() / den.sum())
    if n < TOO_FEW_BELOW:
        return Estimate(estimate, math.nan, math.nan, n, _join(size_caveat(n), _NO_INTERVAL))
    if n > LARGE_N:
        return Estimate(estimate, *_ratio_linearised_ci(num, den, level), n, size_caveat(n))
    low, high = _bootstrap_ci(
        (num, den), _ratio_of_sums_of, paired=True, level=level, n_resamples=n_resamples, seed=seed
    )
    return Estimate(estimate, low, high, n, size_caveat(n))
