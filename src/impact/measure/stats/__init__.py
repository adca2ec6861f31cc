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

from impact.measure.stats._base import (
    CAVEAT_NO_DATA,
    CAVEAT_SMALL,
    CAVEAT_TOO_FEW,
    CAVEAT_VERY_SMALL,
    LARGE_N,
    SMALL_BELOW,
    TOO_FEW_BELOW,
    VERY_SMALL_BELOW,
    Estimate,
    size_caveat,
)
from impact.measure.stats.comparisons import (
    balance_table,
    difference_in_medians,
    kruskal_groups,
    normalised_difference,
    paired_change,
)
from impact.measure.stats.intervals import median_ci, proportion_ci, ratio_of_sums
from impact.measure.stats.survival import kaplan_meier, logrank, median_time, recovered_share_at

__all__ = [
    "CAVEAT_NO_DATA",
    "CAVEAT_SMALL",
    "CAVEAT_TOO_FEW",
    "CAVEAT_VERY_SMALL",
    "LARGE_N",
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
