"""Impact against a comparison group: difference in differences, event study, baseline balance.

**Design.** Participants and a comparison group (people who were not trained, surveyed with the
same forms at registration and at each follow-up) are compared on their *change* since
registration. The difference between the two groups' mean changes — the difference in
differences (DiD) — estimates the programme's effect on the participants **if**, without the
programme, both groups' outcomes would have changed alike (*parallel trends*). That assumption
cannot be proved; the only pre-training evidence is the change from the last normal wage (before
the layoff) to registration, which the event study shows as its pre-period.

**Estimator.** For each period ``p`` (each wave, and ``before`` = the last normal wage), the
change ``Y_p − Y_registration`` of everyone observed at both; per cohort with both groups, the
participants' mean change minus the comparison group's; the programme's estimate is the average
over cohorts weighted by the participants observed (with one cohort: that cohort's). Outcomes: the
recovery ratio (income / pre-layoff wage; 1 before the layoff by definition) and monthly income
(rupiah). Intervals: cluster bootstrap over people within cohort and group — a person's answers
at every wave are resampled together, so the periods of the event study share one set of
resamples.

Numbers only; the report's words are in :mod:`impact.publish.impact`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from impact import config, vocab
from impact.measure.stats import balance_table
from impact.measure.stats._base import TOO_FEW_BELOW
from impact.measure.stats.cluster import percentile_interval, resample_within

__all__ = ["BEFORE", "OUTCOMES", "baseline_balance", "difference_in_differences", "impact_panel"]

#: the pre-period: the last normal monthly wage before the layoff
BEFORE = "before"
#: outcome → (column at registration, column prefix at each wave, value before the layoff)
OUTCOMES = {
    "recovery_ratio": ("ratio_baseline", "ratio_", "ratio_before"),
    "income_idr": ("income_baseline_idr", "income_", "income_before_idr"),
}


def impact_panel(participants: pd.DataFrame, comparison: pd.DataFrame) -> pd.DataFrame:
    """One row per person of both groups, wide: ``participant_id``, ``cohort``, ``treated``,
    ``gender``, ``birth_year``, ``months_since_layoff`` (at training), ``income_before_idr``,
    ``income_baseline_idr``, ``ratio_before`` (1 where the wage is known and positive),
    ``ratio_baseline``, and ``income_<wave>``/``ratio_<wave>`` for each wave (missing when the
    person did not answer it).

    ``participants`` and ``comparison``: one row per person × wave of their cohort, as
    :func:`impact.measure.indicators.recovery_by_wave` gives (with ``training_month``).
    """
    parts = []
    for treated, frame in ((True, participants), (False, comparison)):
        if frame.empty:
            continue
        people = frame.drop_duplicates("participant_id")
        before = people["income_before_idr"].astype("Float64")
        wage = before.where(before > 0)
        months = (
            (people["training_month"].dt.year - people["layoff_month"].dt.year) * 12
            + people["training_month"].dt.month
            - people["layoff_month"].dt.month
        )
        wide = pd.DataFrame(
            {
                "participant_id": people["participant_id"].astype("string").to_numpy(),
                "cohort": people["cohort"].astype("string").to_numpy(),
                "treated": treated,
                "gender": people["gender"].astype("string").to_numpy(),
                "birth_year": people["birth_year"].astype("Float64").to_numpy(),
                "months_since_layoff": months.astype("Float64").to_numpy(),
                "income_before_idr": before.to_numpy(),
                "income_baseline_idr": people["income_baseline_idr"].astype("Float64").to_numpy(),
                "ratio_before": (wage / wage).to_numpy(),
                "ratio_baseline": (people["income_baseline_idr"].astype("Float64") / wage).to_numpy(),
            }
        )
        for wave in vocab.WAVES:
            at = frame[frame["wave"].astype("string") == wave].set_index("participant_id")
            if at.empty:
                continue
            ids = wide["participant_id"]
            wide[f"income_{wave}"] = (
                ids.map(at["income_total_idr"].astype("Float64")).astype("Float64").to_numpy()
            )
            wide[f"ratio_{wave}"] = (
                ids.map(at["recovery_ratio"].astype("Float64")).astype("Float64").to_numpy()
            )
        parts.append(wide)
    if not parts:
        return pd.DataFrame(columns=["participant_id", "cohort", "treated"])
    return pd.concat(parts, ignore_index=True)


def _changes(panel: pd.DataFrame, outcome: str, periods: Sequence[str]) -> np.ndarray:
    """people × periods: ``Y_period − Y_registration`` (nan where either is missing)."""
    base_col, prefix, before_col = OUTCOMES[outcome]
    base = panel[base_col].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    out = np.full((len(panel), len(periods)), np.nan)
    for j, p in enumerate(periods):
        col = before_col if p == BEFORE else f"{prefix}{p}"
        if col in panel:
            out[:, j] = panel[col].astype("Float64").to_numpy(dtype=float, na_value=np.nan) - base
    return out


def _means(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Mean over axis -2 of ``values`` (… × people × periods) where present, for the people with
    ``weights`` 1 (… × people); nan where nobody is present."""
    present = ~np.isnan(values) & (weights[..., None] > 0)
    total = np.where(present, values, 0.0).sum(axis=-2)
    count = present.sum(axis=-2)
    return np.divide(total, count, out=np.full(total.shape, np.nan), where=count > 0)


def _estimate(changes: np.ndarray, treated: np.ndarray, cohorts: np.ndarray, labels: list[str]) -> np.ndarray:
    """The DiD per period (… × periods): per cohort, participants' mean change − comparison's,
    averaged over cohorts weighted by the participants present."""
    num = 0.0
    den = 0.0
    for c in labels:
        mine = cohorts == c
        t_mean = _means(changes, (treated & mine).astype(float))
        c_mean = _means(changes, (~treated & mine).astype(float))
        weight = ((~np.isnan(changes)) & (treated & mine)[..., None]).sum(axis=-2).astype(float)
        ok = ~np.isnan(t_mean) & ~np.isnan(c_mean)
        num = num + np.where(ok, (t_mean - c_mean) * weight, 0.0)
        den = den + np.where(ok, weight, 0.0)
    return np.divide(num, den, out=np.full(np.shape(num), np.nan), where=np.asarray(den) > 0)


def difference_in_differences(
    panel: pd.DataFrame,
    *,
    outcome: str = "recovery_ratio",
    periods: Sequence[str] | None = None,
    level: float = config.CONFIDENCE_LEVEL,
    n_resamples: int = config.BOOTSTRAP_RESAMPLES,
    seed: int = config.SEED,
) -> pd.DataFrame:
    """The DiD of ``outcome`` (``recovery_ratio`` or ``income_idr``) at each period, with its
    cluster-bootstrap interval (see the module docstring).

    ``periods``: default ``before`` and every wave in the panel. One row per period: ``period``,
    ``months`` (months after training; ``nan`` for ``before``), ``n_treated``, ``n_comparison``
    (people with the outcome at the period and at registration, in cohorts with both groups),
    ``change_treated``, ``change_comparison`` (mean change since registration), ``did``,
    ``did_low``, ``did_high``. Fewer than 5 people in either group: no interval.
    """
    if outcome not in OUTCOMES:
        raise ValueError(f"outcome must be one of {', '.join(OUTCOMES)}, not {outcome!r}")
    if periods is None:
        periods = [BEFORE, *(w for w in vocab.WAVES if f"ratio_{w}" in panel)]
    periods = list(periods)
    if panel.empty or OUTCOMES[outcome][0] not in panel:  # nobody to compare (no comparison group)
        panel = pd.DataFrame(columns=["cohort", "treated", OUTCOMES[outcome][0]])
    treated = panel["treated"].astype(bool).to_numpy() if len(panel) else np.zeros(0, dtype=bool)
    cohorts = panel["cohort"].astype(str).to_numpy() if len(panel) else np.zeros(0, dtype=str)
    both = [
        c
        for c in dict.fromkeys(cohorts.tolist())
        if treated[cohorts == c].any() and (~treated[cohorts == c]).any()
    ]
    keep = np.isin(cohorts, both)
    changes = _changes(panel, outcome, periods)[keep]
    treated, cohorts = treated[keep], cohorts[keep]
    estimate = _estimate(changes, treated, cohorts, both)
    present = ~np.isnan(changes)
    n_t = (present & treated[:, None]).sum(axis=0)
    n_c = (present & ~treated[:, None]).sum(axis=0)
    strata = np.char.add(np.char.add(cohorts.astype(str), "|"), treated.astype(str))
    draws = None
    if len(changes) and min(n_t.max(initial=0), n_c.max(initial=0)) >= TOO_FEW_BELOW:
        idx = resample_within(strata, n_resamples=n_resamples, seed=seed)
        draws = _estimate(changes[idx], treated[idx], cohorts[idx], both)
    rows = []
    for j, p in enumerate(periods):
        low = high = math.nan
        if draws is not None and min(n_t[j], n_c[j]) >= TOO_FEW_BELOW:
            low, high = percentile_interval(draws[:, j], level=level)
        rows.append(
            {
                "period": p,
                "months": float(vocab.WAVES[p]) if p in vocab.WAVES else math.nan,
                "n_treated": int(n_t[j]),
                "n_comparison": int(n_c[j]),
                "change_treated": float(_means(changes[:, [j]], treated.astype(float))[0])
                if len(changes)
                else math.nan,
                "change_comparison": float(_means(changes[:, [j]], (~treated).astype(float))[0])
                if len(changes)
                else math.nan,
                "did": float(estimate[j]) if len(changes) else math.nan,
                "did_low": low,
                "did_high": high,
            }
        )
    return pd.DataFrame(rows).astype({"n_treated": "Int64", "n_comparison": "Int64"})


_BALANCE_NUMBERS = (
    "birth_year",
    "months_since_layoff",
    "income_before_idr",
    "income_baseline_idr",
    "ratio_baseline",
)


def baseline_balance(panel: pd.DataFrame) -> pd.DataFrame:
    """Participants against the comparison group at registration: :func:`impact.measure.stats.
    balance_table` (``true`` = participants) on the share of women, birth year, months since the
    layoff, pre-layoff wage, income at registration and the recovery ratio at registration. A
    normalised difference above 0.25 in absolute value is usually taken as large."""
    if panel.empty or "gender" not in panel:  # nobody to compare: the table's columns, no rows
        panel = pd.DataFrame(columns=["treated", "gender", *_BALANCE_NUMBERS])
    frame = pd.DataFrame(
        {
            "treated": panel["treated"].astype(bool),
            "female": (panel["gender"] == "female").astype("boolean").mask(panel["gender"].isna()),
            "birth_year": panel["birth_year"].astype("Float64"),
            "months_since_layoff": panel["months_since_layoff"].astype("Float64"),
            "income_before_idr": panel["income_before_idr"].astype("Float64"),
            "income_baseline_idr": panel["income_baseline_idr"].astype("Float64"),
            "ratio_baseline": panel["ratio_baseline"].astype("Float64"),
        }
    )
    return balance_table(frame, group="treated", columns=[c for c in frame.columns if c != "treated"])
