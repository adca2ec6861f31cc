"""Comparing groups on small samples: gaps with intervals, paired changes, rank tests, balance."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from impact import config
from impact.measure.stats._base import (
    _NO_INTERVAL,
    _PRECISION_LOSS,
    CAVEAT_NO_DATA,
    LARGE_N,
    TOO_FEW_BELOW,
    ArrayLike,
    _as_float,
    _as_labels,
    _bootstrap_ci,
    _check_level,
    _check_resamples,
    _difference_of_medians_of,
    _join,
    _order_statistic_ci,
    _paired,
    _present,
    size_caveat,
)

__all__ = [
    "balance_table",
    "difference_in_medians",
    "kruskal_groups",
    "normalised_difference",
    "paired_change",
]

# --- comparing groups ------------------------------------------------------------------------------


def difference_in_medians(
    a: ArrayLike,
    b: ArrayLike,
    *,
    level: float = config.CONFIDENCE_LEVEL,
    n_resamples: int = config.BOOTSTRAP_RESAMPLES,
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
