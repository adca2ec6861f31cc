"""Shared pieces of the statistics: small-n caveats, :class:`Estimate`, input checks, the
bootstrap.

Small-sample statistics for income recovery: intervals, tests, time to recovery.

The cohort is small (48 people, subgroups of 3–15), so every function here

- reports the number of people actually used (``n``): missing values (``NaN``/``NA``/``None``)
  are dropped first, pairwise where two measures belong together, and ``n`` counts what is left;
- attaches a plain-language ``caveat`` when that ``n`` is small (see :func:`size_caveat`);
- returns ``nan`` rather than raising, warning or inventing a number when a statistic is
  undefined (no people, no variation, no events), and says why in the caveat;
- is pure: arrays or Series in, numbers / dataclasses / DataFrames out; no I/O; bootstrap
  resampling uses ``numpy.random.default_rng(seed)`` with ``seed=config.SEED`` by default,
  so the same inputs always give the same interval.

Units: estimates carry the unit of their inputs (a median recovery ratio is a ratio, a
median paired change of rupiah incomes is rupiah, a median time is in the unit of the
durations — months in this project). Shares and survival probabilities are in 0–1.

Pairs given as two Series must share the same index (else ``ValueError``: align them first);
arrays and lists are paired by position. Text columns are rejected — parse them first
(:mod:`impact.parse`). Infinite values are rejected.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

__all__ = [
    "CAVEAT_NO_DATA",
    "CAVEAT_SMALL",
    "CAVEAT_TOO_FEW",
    "CAVEAT_VERY_SMALL",
    "LARGE_N",
    "SMALL_BELOW",
    "TOO_FEW_BELOW",
    "VERY_SMALL_BELOW",
    "ArrayLike",
    "Estimate",
    "size_caveat",
]

# --- small-n caveats ---------------------------------------------------------------------------------

#: below this many people an estimate is flagged "too few to estimate" and bootstrap intervals are not computed
TOO_FEW_BELOW = 5
#: below this many people an interval is "wide and approximate"
VERY_SMALL_BELOW = 15
#: below this many people a result is to be "treated with caution"; from here on no caveat
SMALL_BELOW = 30

CAVEAT_NO_DATA = "no observations"
CAVEAT_TOO_FEW = "too few to estimate: fewer than 5 people"
CAVEAT_VERY_SMALL = "very small group: interval is wide and approximate"
CAVEAT_SMALL = "small group: treat with caution"
_NO_INTERVAL = "no interval computed"

ArrayLike = Sequence[Any] | np.ndarray | pd.Series | pd.api.extensions.ExtensionArray
_NUMERIC_KINDS = {"boolean", "integer", "floating", "mixed-integer-float", "decimal", "empty"}
_KM_COLUMNS = ["time", "at_risk", "events", "censored", "survival", "survival_low", "survival_high"]
_KM_CI_UNDEFINED = "The confidence interval is undefined at some observations"
_PRECISION_LOSS = "Precision loss occurred in moment calculation"
_PROPORTION_METHODS = {"clopper-pearson": "exact", "wilson": "wilson"}
_KM_CI_METHODS = ("linear", "log-log")


def size_caveat(n: int) -> str:
    """Plain-language warning for a result based on ``n`` people ("" when n ≥ 30).

    >>> size_caveat(3), size_caveat(12), size_caveat(20), size_caveat(48)
    ('too few to estimate: fewer than 5 people', 'very small group: interval is wide and approximate', 'small group: treat with caution', '')
    """
    if n <= 0:
        return CAVEAT_NO_DATA
    if n < TOO_FEW_BELOW:
        return CAVEAT_TOO_FEW
    if n < VERY_SMALL_BELOW:
        return CAVEAT_VERY_SMALL
    if n < SMALL_BELOW:
        return CAVEAT_SMALL
    return ""


@dataclass(frozen=True)
class Estimate:
    """A point estimate, its confidence interval, the n behind it and a plain-language caveat.

    ``low``/``high`` are ``nan`` when no interval could (or should) be computed; the caveat
    says why. ``n`` is the number of non-missing observations (people or pairs) used.
    """

    estimate: float
    low: float
    high: float
    n: int
    caveat: str


# --- input helpers ---------------------------------------------------------------------------------


def _join(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


def _as_float(values: ArrayLike, name: str) -> np.ndarray:
    """1-D float array with missing values as ``nan``; booleans become 0/1."""
    if np.ndim(values) != 1:
        raise ValueError(
            f"{name} must be one-dimensional (a list, array or Series); got {np.ndim(values)} dimensions"
        )
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    kind = pd.api.types.infer_dtype(series, skipna=True)
    if kind not in _NUMERIC_KINDS:
        example = series.dropna().iloc[:3].tolist()
        raise ValueError(
            f"{name} must be numbers or booleans; got {kind} values such as {example!r} "
            "(parse text with impact.parse first)"
        )
    out = series.astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
    if np.isinf(out).any():
        raise ValueError(
            f"{name} contains {int(np.isinf(out).sum())} infinite value(s); use NA for unknown values"
        )
    return out


def _check_aligned(x: object, y: object, names: tuple[str, str]) -> None:
    if isinstance(x, pd.Series) and isinstance(y, pd.Series) and not x.index.equals(y.index):
        raise ValueError(
            f"{names[0]} and {names[1]} are Series with different indexes; align them first "
            "(e.g. take both from one DataFrame) so that each pair belongs to one person"
        )
    if len(x) != len(y):  # type: ignore[arg-type]
        raise ValueError(f"{names[0]} and {names[1]} must have the same length; got {len(x)} and {len(y)}")  # type: ignore[arg-type]


def _paired(x: ArrayLike, y: ArrayLike, names: tuple[str, str]) -> tuple[np.ndarray, np.ndarray]:
    a, b = _as_float(x, names[0]), _as_float(y, names[1])
    _check_aligned(x, y, names)
    return a, b


def _present(values: ArrayLike, name: str) -> np.ndarray:
    x = _as_float(values, name)
    return x[~np.isnan(x)]


def _as_labels(groups: ArrayLike, values: ArrayLike, name: str) -> pd.Categorical:
    """Group labels as a categorical: its own categories if categorical, True before False if boolean."""
    if np.ndim(groups) != 1:
        raise ValueError(f"{name} must be one-dimensional; got {np.ndim(groups)} dimensions")
    _check_aligned(values, groups, ("values", name))
    series = groups if isinstance(groups, pd.Series) else pd.Series(groups)
    if pd.api.types.is_bool_dtype(series) or pd.api.types.infer_dtype(series, skipna=True) == "boolean":
        return pd.Categorical(series.astype("boolean"), categories=[True, False])
    return pd.Categorical(series)


def _check_level(level: float) -> None:
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1 (e.g. 0.95); got {level!r}")


def _check_resamples(n_resamples: int) -> None:
    if operator.index(n_resamples) < 1:
        raise ValueError(f"n_resamples must be a positive whole number; got {n_resamples!r}")


def _bootstrap_ci(
    data: tuple[np.ndarray, ...],
    statistic: Callable[..., np.ndarray],
    *,
    paired: bool,
    level: float,
    n_resamples: int,
    seed: int,
) -> tuple[float, float]:
    """Percentile bootstrap interval (BCa is unstable for tiny n), seeded."""
    result = stats.bootstrap(
        data,
        statistic,
        paired=paired,
        vectorized=True,
        n_resamples=n_resamples,
        confidence_level=level,
        method="percentile",
        rng=np.random.default_rng(seed),
    )
    low, high = result.confidence_interval
    return float(low), float(high)


#: above this many values, medians and ratios of sums use closed-form intervals instead of the
#: bootstrap (same coverage at that size, without thousands of resamples of a platform-sized array)
LARGE_N = 5000


def _order_statistic_ci(x: np.ndarray, level: float) -> tuple[float, float]:
    """Distribution-free CI for a median from order statistics (binomial, n > LARGE_N)."""
    n = x.size
    r = int(stats.binom.ppf((1 - level) / 2, n, 0.5))  # 1-based rank of the lower bound
    r = max(r, 1)
    lo_i, hi_i = r - 1, n - r
    part = np.partition(x, (lo_i, hi_i))
    return float(part[lo_i]), float(part[hi_i])


def _ratio_linearised_ci(num: np.ndarray, den: np.ndarray, level: float) -> tuple[float, float]:
    """Delta-method CI for a ratio of sums (n > LARGE_N): se = sd(y - R x) / (sqrt(n) * mean(x))."""
    n = num.size
    ratio = num.sum() / den.sum()
    se = np.std(num - ratio * den, ddof=1) / (math.sqrt(n) * den.mean())
    z = stats.norm.ppf(0.5 + level / 2)
    return float(ratio - z * se), float(ratio + z * se)


def _median_of(x: np.ndarray, axis: int = -1) -> np.ndarray:
    return np.median(x, axis=axis)


def _ratio_of_sums_of(num: np.ndarray, den: np.ndarray, axis: int = -1) -> np.ndarray:
    return np.sum(num, axis=axis) / np.sum(den, axis=axis)


def _difference_of_medians_of(a: np.ndarray, b: np.ndarray, axis: int = -1) -> np.ndarray:
    return np.median(a, axis=axis) - np.median(b, axis=axis)
