"""Small-sample statistics for income recovery: intervals, tests, time to recovery.

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
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from impact import config

__all__ = [
    "CAVEAT_NO_DATA",
    "CAVEAT_SMALL",
    "CAVEAT_TOO_FEW",
    "CAVEAT_VERY_SMALL",
    "SMALL_BELOW",
    "TOO_FEW_BELOW",
    "VERY_SMALL_BELOW",
    "Estimate",
    "balance_table",
    "difference_in_medians",
    "kaplan_meier",
    "kruskal_groups",
    "logrank",
    "median_ci",
    "median_time",
    "normalised_difference",
    "paired_change",
    "proportion_ci",
    "ratio_of_sums",
    "recovered_share_at",
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
#: bootstrap (same coverage at that size, without 2,000 resamples of a platform-sized array)
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


# --- proportions and medians -----------------------------------------------------------------------


def proportion_ci(
    successes: int,
    n: int,
    *,
    level: float = 0.95,
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
    level: float = 0.95,
    n_resamples: int = 2000,
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
    level: float = 0.95,
    n_resamples: int = 2000,
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


# --- comparing groups ------------------------------------------------------------------------------


def difference_in_medians(
    a: ArrayLike,
    b: ArrayLike,
    *,
    level: float = 0.95,
    n_resamples: int = 2000,
    seed: int = config.SEED,
) -> dict[str, Any]:
    """Median of ``a`` minus median of ``b`` with a bootstrap CI and the Mann–Whitney p-value.

    Returns a dict: ``estimate`` (in the unit of the values), ``low``, ``high`` (percentile
    bootstrap, each group resampled on its own, seeded; ``nan`` when either group has fewer
    than 5 values), ``p_value`` (two-sided Mann–Whitney U; exact for small groups without
    ties), ``median_a``, ``median_b``, ``n_a``, ``n_b`` (non-missing counts — missing values
    are dropped) and ``caveat`` (driven by the smaller group). An empty group gives ``nan``.

    >>> difference_in_medians([1.0, 1.25, 0.75], [0.5, 0.75])["estimate"]
    0.375
    """
    _check_level(level)
    _check_resamples(n_resamples)
    x, y = _present(a, "a"), _present(b, "b")
    n_a, n_b = x.size, y.size
    median_a = float(np.median(x)) if n_a else math.nan
    median_b = float(np.median(y)) if n_b else math.nan
    out: dict[str, Any] = {
        "estimate": median_a - median_b,
        "low": math.nan,
        "high": math.nan,
        "p_value": math.nan,
        "median_a": median_a,
        "median_b": median_b,
        "n_a": n_a,
        "n_b": n_b,
    }
    smaller = min(n_a, n_b)
    if smaller == 0:
        return out | {"caveat": _join("a group has no observations", "no comparison possible")}
    out["p_value"] = float(stats.mannwhitneyu(x, y, alternative="two-sided").pvalue)
    if smaller < TOO_FEW_BELOW:
        return out | {"caveat": _join(size_caveat(smaller), _NO_INTERVAL)}
    if smaller > LARGE_N:  # Price–Bonett: combine the two order-statistic intervals
        z = stats.norm.ppf(0.5 + level / 2)
        se = [
            (hi - lo) / (2 * z) for lo, hi in (_order_statistic_ci(x, level), _order_statistic_ci(y, level))
        ]
        half = z * math.hypot(*se)
        return out | {
            "low": out["estimate"] - half,
            "high": out["estimate"] + half,
            "caveat": size_caveat(smaller),
        }
    out["low"], out["high"] = _bootstrap_ci(
        (x, y), _difference_of_medians_of, paired=False, level=level, n_resamples=n_resamples, seed=seed
    )
    return out | {"caveat": size_caveat(smaller)}


def paired_change(before: ArrayLike, after: ArrayLike) -> dict[str, Any]:
    """Change within people (``after − before``): median change and Wilcoxon signed-rank test.

    Returns a dict: ``estimate`` (median of ``after − before``, in the unit of the values,
    e.g. rupiah), ``n`` (pairs with both values; incomplete pairs are dropped),
    ``n_changed`` (pairs whose difference is not 0 — the Wilcoxon test drops zero
    differences, ``zero_method="wilcox"``), ``statistic``, ``p_value`` (two-sided) and
    ``caveat``. With no pairs, or when nobody's value changed, the test is undefined:
    ``statistic`` and ``p_value`` are ``nan`` and the caveat says why.

    >>> paired_change([100, 200, 300], [150, 260, 290])["estimate"]
    50.0
    """
    x, y = _paired(before, after, ("before", "after"))
    keep = ~np.isnan(x) & ~np.isnan(y)
    diff = y[keep] - x[keep]
    n = diff.size
    n_changed = int(np.count_nonzero(diff))
    out: dict[str, Any] = {
        "estimate": float(np.median(diff)) if n else math.nan,
        "n": n,
        "n_changed": n_changed,
        "statistic": math.nan,
        "p_value": math.nan,
    }
    if n == 0:
        return out | {"caveat": _join(CAVEAT_NO_DATA, "no complete pairs")}
    if n_changed == 0:
        return out | {"caveat": _join(size_caveat(n), "no one's value changed: test undefined")}
    result = stats.wilcoxon(diff, zero_method="wilcox", alternative="two-sided")
    out["statistic"], out["p_value"] = float(result.statistic), float(result.pvalue)
    return out | {"caveat": size_caveat(n)}


def kruskal_groups(values: ArrayLike, groups: ArrayLike) -> dict[str, Any]:
    """Kruskal–Wallis test that ``values`` have the same distribution in every group.

    Pairs with a missing value or a missing group are dropped. Returns a dict:
    ``statistic`` (H), ``p_value`` (chi-square approximation), ``n`` (dict group → number
    of values; a categorical's unused categories appear with 0 and are left out of the test),
    ``n_groups`` (groups tested: those with at least one value) and ``caveat`` (driven by the
    smallest tested group). Fewer than two groups with values, or all values identical:
    ``statistic`` and ``p_value`` are ``nan``.

    >>> kruskal_groups([1, 2, 3, 7, 8, 9], ["a", "a", "a", "b", "b", "b"])["n"]
    {'a': 3, 'b': 3}
    """
    x = _as_float(values, "values")
    labels = _as_labels(groups, values, "groups")
    codes = np.asarray(labels.codes)
    keep = ~np.isnan(x) & (codes >= 0)
    counts = np.bincount(codes[keep], minlength=len(labels.categories))
    n = {label: int(c) for label, c in zip(labels.categories.tolist(), counts, strict=True)}
    tested = np.flatnonzero(counts > 0)
    out: dict[str, Any] = {"statistic": math.nan, "p_value": math.nan, "n": n, "n_groups": int(tested.size)}
    empty = [str(label) for label, c in n.items() if c == 0]
    left_out = f"left out (no values): {', '.join(empty)}" if empty else ""
    if tested.size < 2:
        return out | {"caveat": _join("need at least two groups with values: test undefined", left_out)}
    smallest = int(counts[tested].min())
    caveat = _join(
        size_caveat(smallest),
        "p-value is a rough chi-square approximation with groups this small"
        if smallest < TOO_FEW_BELOW
        else "",
        left_out,
    )
    kept, kept_codes = x[keep], codes[keep]
    if np.ptp(kept) == 0:
        return out | {"caveat": _join(caveat, "all values identical: test undefined")}
    samples = [kept[kept_codes == i] for i in tested]  # loop over a handful of groups, not rows
    result = stats.kruskal(*samples)
    out["statistic"], out["p_value"] = float(result.statistic), float(result.pvalue)
    return out | {"caveat": caveat}


def normalised_difference(a: ArrayLike, b: ArrayLike) -> float:
    """Imbens–Rubin normalised difference (mean_a − mean_b) / sqrt((var_a + var_b) / 2).

    Sample variances (ddof=1); missing values dropped. Unitless: about |0.25| or more is
    usually read as an imbalance worth noting. ``nan`` when undefined: a group with fewer
    than 2 values, or no variation in either group (zero denominator).

    >>> round(normalised_difference([1, 2, 3], [2, 3, 4]), 3)
    -1.0
    """
    x, y = _present(a, "a"), _present(b, "b")
    if x.size < 2 or y.size < 2:
        return math.nan
    scale = math.sqrt((np.var(x, ddof=1) + np.var(y, ddof=1)) / 2)
    if scale == 0:
        return math.nan
    return float((x.mean() - y.mean()) / scale)


def _welch_p(x: np.ndarray, y: np.ndarray) -> float:
    """Welch t-test p-value; nan when a group has < 2 values or neither varies."""
    if x.size < 2 or y.size < 2:
        return math.nan
    constant_x, constant_y = np.ptp(x) == 0, np.ptp(y) == 0
    if constant_x and constant_y:
        return math.nan
    with warnings.catch_warnings():
        if constant_x or constant_y:  # scipy flags exact zero variance as precision loss; it is exact here
            warnings.filterwarnings("ignore", message=_PRECISION_LOSS, category=RuntimeWarning)
        return float(stats.ttest_ind(x, y, equal_var=False).pvalue)


def _fisher_p(x: np.ndarray, y: np.ndarray) -> float:
    if x.size == 0 or y.size == 0:
        return math.nan
    yes_x, yes_y = int(x.sum()), int(y.sum())
    table = [[yes_x, x.size - yes_x], [yes_y, y.size - yes_y]]
    return float(stats.fisher_exact(table).pvalue)


_BALANCE_DTYPES = {
    "characteristic": "str",
    "kind": "str",
    "mean_true": "float64",
    "mean_false": "float64",
    "n_true": "int64",
    "n_false": "int64",
    "difference": "float64",
    "normalised_difference": "float64",
    "p_value": "float64",
    "test": "str",
    "caveat": "str",
}


def balance_table(frame: pd.DataFrame, *, group: str, columns: list[str]) -> pd.DataFrame:
    """Compare the ``group == True`` rows with the ``False`` rows on each of ``columns``.

    For attrition: stayers (True) vs leavers (False) on baseline characteristics. One row
    per column, in order:

    - ``characteristic``; ``kind``: ``"share"`` for boolean or 0/1 columns (mean = share in
      0–1), else ``"mean"`` (in the column's unit);
    - ``mean_true``, ``mean_false``, ``n_true``, ``n_false`` (non-missing values per group;
      rows with a missing value or a missing group are dropped for that column);
    - ``difference`` = mean_true − mean_false; ``normalised_difference`` (Imbens–Rubin,
      :func:`normalised_difference`);
    - ``p_value``: Fisher exact test for shares, Welch t-test for means (``nan`` when a group
      is empty, or for means when a group has < 2 values or neither group varies); ``test``
      names it; ``caveat`` is driven by the smaller group.

    ``group`` must be boolean (True/False or 1/0); ``columns`` numeric or boolean.

    >>> frame = pd.DataFrame({"stayer": [True, True, False], "female": [True, False, True]})
    >>> balance_table(frame, group="stayer", columns=["female"])["difference"].tolist()
    [-0.5]
    """
    missing = [c for c in [group, *columns] if c not in frame.columns]
    if missing:
        raise ValueError(f"columns {missing} are not in the frame; it has {list(frame.columns)}")
    membership = _as_float(frame[group], f"group column {group!r}")
    bad = ~np.isnan(membership) & ~np.isin(membership, (0.0, 1.0))
    if bad.any():
        raise ValueError(
            f"group column {group!r} must be True/False (or 1/0); got values {np.unique(membership[bad])[:5].tolist()}"
        )
    in_group, out_group = membership == 1, membership == 0
    rows = []
    for column in columns:  # loop over a handful of characteristics, not rows
        values = _as_float(frame[column], f"column {column!r}")
        present = ~np.isnan(values)
        x, y = values[present & in_group], values[present & out_group]
        is_share = pd.api.types.is_bool_dtype(frame[column]) or bool(
            present.any() and np.isin(values[present], (0.0, 1.0)).all()
        )
        mean_x = float(x.mean()) if x.size else math.nan
        mean_y = float(y.mean()) if y.size else math.nan
        rows.append(
            {
                "characteristic": column,
                "kind": "share" if is_share else "mean",
                "mean_true": mean_x,
                "mean_false": mean_y,
                "n_true": x.size,
                "n_false": y.size,
                "difference": mean_x - mean_y,
                "normalised_difference": normalised_difference(x, y),
                "p_value": _fisher_p(x, y) if is_share else _welch_p(x, y),
                "test": "Fisher exact" if is_share else "Welch t",
                "caveat": size_caveat(min(x.size, y.size)),
            }
        )
    return pd.DataFrame(rows, columns=list(_BALANCE_DTYPES)).astype(_BALANCE_DTYPES)


# --- time to recovery ------------------------------------------------------------------------------


def _survival_data(durations: ArrayLike, events: ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(durations, events as bool, kept mask) with incomplete pairs dropped; validates values."""
    time, event = _paired(durations, events, ("durations", "events"))
    keep = ~np.isnan(time) & ~np.isnan(event)
    time, event = time[keep], event[keep]
    if (time < 0).any():
        raise ValueError(f"durations must be >= 0; got {np.unique(time[time < 0])[:5].tolist()}")
    bad = ~np.isin(event, (0.0, 1.0))
    if bad.any():
        raise ValueError(f"events must be True/False (or 1/0); got {np.unique(event[bad])[:5].tolist()}")
    return time, event == 1, keep


def _censored(time: np.ndarray, event: np.ndarray) -> stats.CensoredData:
    return stats.CensoredData(uncensored=time[event], right=time[~event])


def kaplan_meier(
    durations: ArrayLike,
    events: ArrayLike,
    *,
    level: float = 0.95,
    ci_method: Literal["linear", "log-log"] = "linear",
) -> pd.DataFrame:
    """Kaplan–Meier table of the probability of *not yet* having recovered, with Greenwood CIs.

    ``durations``: time from the start (training) to recovery or censoring, ≥ 0, e.g. months.
    ``events``: True (or 1) if the person recovered at that time, False (0) if censored —
    not recovered by their last observation, dropouts included (censoring may be
    informative: those doing badly may stop answering; say so when reporting). Pairs with
    either value missing are dropped.

    One row per distinct time, starting at time 0 with survival 1 (when someone has a
    duration of exactly 0 that row also carries their events, and survival may be below 1):

    - ``time`` (unit of ``durations``); ``at_risk``: people still followed and not recovered
      just before ``time``; ``events``: recoveries at ``time``; ``censored``: people whose
      follow-up ends at ``time`` without recovery (counted at risk at ``time``);
    - ``survival``: share not yet recovered after ``time`` (0–1), from
      ``scipy.stats.ecdf`` on ``scipy.stats.CensoredData``;
    - ``survival_low``/``survival_high``: pointwise ``level`` confidence band from
      Greenwood's variance — ``ci_method="linear"`` (S ± z·SE, clipped to [0, 1]) or
      ``"log-log"`` (always inside [0, 1]). Before the first recovery the band is (1, 1);
      where survival reaches 0 (everyone still at risk recovered) Greenwood's formula divides
      by zero and the band is ``nan``.

    No people: an empty table with these columns.

    >>> km = kaplan_meier([3, 3, 6, 6, 6, 12, 12, 12], [1, 0, 1, 1, 0, 1, 0, 0])
    >>> km["survival"].round(4).tolist()
    [1.0, 0.875, 0.5833, 0.3889]
    """
    _check_level(level)
    if ci_method not in _KM_CI_METHODS:
        raise ValueError(f"ci_method must be one of {list(_KM_CI_METHODS)}; got {ci_method!r}")
    time, event, _ = _survival_data(durations, events)
    if time.size == 0:
        return pd.DataFrame(
            {
                c: pd.Series(dtype="int64" if c in ("at_risk", "events", "censored") else "float64")
                for c in _KM_COLUMNS
            }
        )
    fit = stats.ecdf(_censored(time, event)).sf
    with warnings.catch_warnings():
        # scipy warns where the band is undefined (survival 0); we report nan there by design
        warnings.filterwarnings("ignore", message=_KM_CI_UNDEFINED, category=RuntimeWarning)
        band = fit.confidence_interval(confidence_level=level, method=ci_method)

    times, index = np.unique(time, return_inverse=True)
    if times[0] > 0:
        times = np.concatenate([[0.0], times])
        index = index + 1
    n_events = np.bincount(index, weights=event, minlength=times.size).astype("int64")
    n_leaving = np.bincount(index, minlength=times.size).astype("int64")
    at_risk = time.size - np.concatenate([[0], np.cumsum(n_leaving)[:-1]])

    survival = fit.evaluate(times)
    low, high = band.low.evaluate(times), band.high.evaluate(times)
    before_first_event = np.cumsum(n_events) == 0  # Greenwood variance is 0 here; log-log gives nan
    low = np.where(before_first_event, 1.0, low)
    high = np.where(before_first_event, 1.0, high)
    return pd.DataFrame(
        {
            "time": times,
            "at_risk": at_risk.astype("int64"),
            "events": n_events,
            "censored": n_leaving - n_events,
            "survival": survival.astype("float64"),
            "survival_low": low.astype("float64"),
            "survival_high": high.astype("float64"),
        }
    )


def _check_km(km: pd.DataFrame) -> None:
    missing = [c for c in _KM_COLUMNS if c not in km.columns]
    if missing:
        raise ValueError(f"km must be a kaplan_meier() table; columns {missing} are missing")


def recovered_share_at(km: pd.DataFrame, times: ArrayLike) -> pd.DataFrame:
    """Cumulative share recovered (1 − survival) by each of ``times``, with its CI.

    Reads the step function of a :func:`kaplan_meier` table: the value at the last table
    time ≤ t (before time 0: 0). Columns: ``time``, ``share_recovered`` (0–1),
    ``share_recovered_low``, ``share_recovered_high`` (1 − the survival band; ``nan`` where
    the band is undefined), ``at_risk`` (people still followed and not recovered at t;
    0 means t is beyond everyone's follow-up and the last value is carried forward).
    An empty ``km`` gives ``nan`` shares. ``times`` must not contain missing values.

    >>> km = kaplan_meier([3, 3, 6, 6, 6, 12, 12, 12], [1, 0, 1, 1, 0, 1, 0, 0])
    >>> recovered_share_at(km, [3, 6, 12])["share_recovered"].round(4).tolist()
    [0.125, 0.4167, 0.6111]
    """
    _check_km(km)
    t = _as_float(times, "times")
    if np.isnan(t).any():
        raise ValueError("times must not contain missing values")
    table_times = km["time"].to_numpy(dtype="float64")
    at_risk_col = km["at_risk"].to_numpy(dtype="int64")
    if table_times.size == 0:
        share = low = high = np.full(t.size, np.nan)
        at_risk = np.zeros(t.size, dtype="int64")
    else:
        row = np.searchsorted(table_times, t, side="right") - 1
        started = row >= 0
        take = np.clip(row, 0, None)

        def complement(column: str) -> np.ndarray:
            return np.where(started, 1.0 - km[column].to_numpy(dtype="float64")[take], 0.0)

        share, low, high = complement("survival"), complement("survival_high"), complement("survival_low")
        at_risk = np.append(at_risk_col, 0)[np.searchsorted(table_times, t, side="left")]
    return pd.DataFrame(
        {
            "time": t,
            "share_recovered": share,
            "share_recovered_low": low,
            "share_recovered_high": high,
            "at_risk": at_risk.astype("int64"),
        }
    )


def median_time(km: pd.DataFrame) -> Estimate:
    """Median time to recovery from a :func:`kaplan_meier` table, in the unit of its ``time``.

    The median is the first time survival ≤ 0.5. Its interval is read where the survival
    band crosses 0.5: ``low`` = first time the lower band ≤ 0.5, ``high`` = first time the
    upper band ≤ 0.5 (Brookmeyer–Crowley style). ``nan`` when not reached — fewer than
    half recovered by the end of follow-up (or the band never crosses) — and the caveat
    says so. ``n`` is the number of people in the table.

    >>> km = kaplan_meier([3, 3, 6, 6, 6, 12, 12, 12], [1, 0, 1, 1, 0, 1, 0, 0])
    >>> median_time(km).estimate
    12.0
    """
    _check_km(km)
    if km.empty:
        return Estimate(math.nan, math.nan, math.nan, 0, CAVEAT_NO_DATA)
    n = int(km["at_risk"].iloc[0])
    times = km["time"].to_numpy(dtype="float64")

    def first_at_or_below_half(column: str) -> float:
        hits = np.flatnonzero(km[column].to_numpy(dtype="float64") <= 0.5)
        return float(times[hits[0]]) if hits.size else math.nan

    estimate = first_at_or_below_half("survival")
    low = first_at_or_below_half("survival_low")
    high = first_at_or_below_half("survival_high")
    if math.isnan(estimate):
        note = "median not reached: fewer than half recovered by the end of follow-up"
    else:
        unreached = [side for side, limit in (("lower", low), ("upper", high)) if math.isnan(limit)]
        note = f"{' and '.join(unreached)} limit not reached within follow-up" if unreached else ""
    return Estimate(estimate, low, high, n, _join(size_caveat(n), note))


def logrank(durations: ArrayLike, events: ArrayLike, groups: ArrayLike) -> dict[str, Any]:
    """Log-rank test that time to recovery is the same in two groups (``scipy.stats.logrank``).

    ``durations``/``events`` as in :func:`kaplan_meier`; ``groups``: exactly two labels
    (a boolean puts True first; a categorical uses its categories, so an unused one is an
    empty group; otherwise sorted labels). People with a missing duration, event or group
    are dropped. Returns a dict: ``groups`` (the two labels, first = x), ``statistic``
    (scipy's signed z: positive when the first group recovers more often than expected if
    both were alike; its square is the usual chi-square), ``p_value`` (two-sided), ``n`` and
    ``events`` (dicts label → count) and ``caveat``. When a group is empty, nobody
    recovered in either group, or the groups were never at risk together, ``statistic`` and
    ``p_value`` are ``nan``. (A group with no recoveries while the other has some is a valid
    test — often the clearest difference — and is computed, with a caveat.)

    >>> logrank([3, 6, 6, 12, 3, 3, 6, 12], [1, 1, 0, 0, 1, 1, 1, 1], ["m"] * 4 + ["f"] * 4)["groups"]
    ('f', 'm')
    """
    labels = _as_labels(groups, durations, "groups")
    if len(labels.categories) > 2:
        raise ValueError(
            f"logrank compares exactly two groups; got {len(labels.categories)}: "
            f"{labels.categories.tolist()[:10]} (use kruskal_groups or compare two at a time)"
        )
    codes = np.asarray(labels.codes).astype("float64")
    codes[codes < 0] = np.nan
    time, event, keep = _survival_data(durations, events)
    code = codes[keep]
    has_group = ~np.isnan(code)
    time, event, code = time[has_group], event[has_group], code[has_group]
    names = tuple(labels.categories.tolist())
    n = {label: int((code == i).sum()) for i, label in enumerate(names)}
    n_events = {label: int(event[code == i].sum()) for i, label in enumerate(names)}
    out: dict[str, Any] = {
        "groups": names,
        "statistic": math.nan,
        "p_value": math.nan,
        "n": n,
        "events": n_events,
    }
    if len(names) < 2 or min(n.values()) == 0:
        return out | {"caveat": "a group is empty: test undefined"}
    caveat = size_caveat(min(n.values()))
    if sum(n_events.values()) == 0:
        return out | {"caveat": _join(caveat, "no one recovered in either group: test undefined")}
    x, y = (_censored(time[code == i], event[code == i]) for i in (0, 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        result = stats.logrank(x=x, y=y)
    statistic, p_value = float(result.statistic), float(result.pvalue)
    if not (math.isfinite(statistic) and math.isfinite(p_value)):
        return out | {"caveat": _join(caveat, "groups never at risk together at a recovery: test undefined")}
    no_events = [str(label) for label, k in n_events.items() if k == 0]
    return out | {
        "statistic": statistic,
        "p_value": p_value,
        "caveat": _join(caveat, f"no recoveries in {', '.join(no_events)}" if no_events else ""),
    }
