"""Time to recovery: Kaplan–Meier with Greenwood intervals, shares recovered by a time, median time, log-rank."""

from __future__ import annotations

import math
import warnings
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from impact import config
from impact.measure.stats._base import (
    _KM_CI_METHODS,
    _KM_CI_UNDEFINED,
    _KM_COLUMNS,
    CAVEAT_NO_DATA,
    ArrayLike,
    Estimate,
    _as_float,
    _as_labels,
    _check_level,
    _join,
    _paired,
    size_caveat,
)

__all__ = ["kaplan_meier", "logrank", "median_time", "recovered_share_at"]

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
    level: float = config.CONFIDENCE_LEVEL,
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
