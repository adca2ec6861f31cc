"""Income-recovery indicators per participant × wave and per participant × month.

Definitions (formula, unit, denominator, missing values) are in ``docs/indicators.md``.
All functions are pure and vectorised (merges and column arithmetic; no row loops).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from impact import config, vocab
from impact.measure.reference import cpi_at, min_wage_for
from impact.programme import Cohort

__all__ = [
    "activity_curve",
    "baseline_ratio",
    "eligible_waves",
    "first_sales",
    "participant_months",
    "recovery_by_wave",
    "time_to_recovery",
]

#: the income target attainment and recovery measures use monthly incomes in rupiah


def _training_month(cohort: pd.Series, cohorts: Mapping[str, Cohort]) -> pd.Series:
    """Each row's cohort's training month (month start); missing for a cohort not in ``cohorts``."""
    months = {c: pd.Timestamp(v.training_month) for c, v in cohorts.items()}
    return cohort.astype("string").map(months).astype("datetime64[us]")


def _positions(values: pd.Series, lookup: pd.Series) -> np.ndarray:
    """Position of each of ``values`` in ``lookup`` (distinct strings); -1 where absent or missing.

    An Arrow hash lookup: several times faster than ``Index.get_indexer`` on millions of strings.
    """
    found = pc.index_in(
        pa.array(values.astype("string"), type=pa.large_string()),
        value_set=pa.array(lookup.astype("string"), type=pa.large_string()),
    )
    return found.fill_null(-1).to_numpy().astype("int64")


def eligible_waves(
    participants: pd.DataFrame, followups: pd.DataFrame, *, cohorts: Mapping[str, Cohort] | None = None
) -> pd.DataFrame:
    """Every participant × every wave of their cohort (the denominator of response rates).

    A cohort's waves come from ``cohorts`` (the programme configuration); for a cohort not in
    it, the waves observed in its follow-ups.
    """
    cohorts = cohorts or {}
    observed = followups.merge(participants[["participant_id", "cohort"]], on="participant_id")
    pairs = [(c, w) for c, spec in cohorts.items() for w in spec.waves]
    known = set(cohorts)
    extra = {(c, str(w)) for c, w in observed[["cohort", "wave"]].drop_duplicates().itertuples(index=False)}
    # each cohort's waves in order, so that every participant's rows come in wave order
    pairs += sorted(
        ((c, w) for c, w in extra if c not in known), key=lambda cw: (cw[0], vocab.WAVES.get(cw[1], 0))
    )
    waves = pd.DataFrame(pairs, columns=["cohort", "wave"]).astype({"cohort": "string"})
    out = participants.merge(waves, on="cohort", how="inner")
    return out.assign(wave=out["wave"].astype(vocab.WAVE_DTYPE))


def recovery_by_wave(
    participants: pd.DataFrame,
    followups: pd.DataFrame,
    *,
    reseller_monthly: pd.DataFrame | None = None,
    min_wage: pd.DataFrame | None = None,
    unknown_district: str = "raise",
    cpi: pd.Series | None = None,
    threshold: float = config.RECOVERY_THRESHOLD,
    partial: float = config.PARTIAL_THRESHOLD,
    cohorts: Mapping[str, Cohort] | None = None,
) -> pd.DataFrame:
    """One row per participant × wave of their cohort, responded or not (waves and training months
    from ``cohorts``, the programme configuration; see :func:`eligible_waves`).

    - ``recovery_ratio`` = ``income_total_idr`` / ``income_before_idr``; missing when either
      is missing or the baseline is 0 (never inf, never "not recovered").
    - ``recovered`` = ratio ≥ ``threshold``; ``partially_recovered`` = ratio ≥ ``partial``
      (missing where the ratio is missing).
    - ``reseller_share`` = reseller income / total income (missing when total is 0 or missing).
    - ``target_attainment_survey`` = reported reseller income / own monthly target;
      ``target_attainment_platform`` = platform commission in the month before the interview
      (the survey's "last month") / own monthly target; 0 commission for an account without
      completed orders that month, missing without an account or when the month lies after
      the last month of platform data.
    - ``above_min_wage``: total income ≥ the UMK of the participant's district for the
      interview year (see :func:`impact.reference.min_wage_for`); a district not in the table
      raises, or with ``unknown_district="missing"`` gives missing.
    - real terms: ``income_before_real_idr`` = before × CPI(interview month) / CPI(layoff month);
      ``real_recovery_ratio`` = total / that.
    """
    # people in output order (cohort, participant id); every merge below keeps the left order
    cohorts = cohorts or {}
    base = eligible_waves(
        participants.sort_values(["cohort", "participant_id"], kind="stable"), followups, cohorts=cohorts
    )
    fu = followups.assign(wave=followups["wave"].astype(vocab.WAVE_DTYPE))
    df = base.merge(fu, on=["participant_id", "wave"], how="left", validate="one_to_one")
    training = _training_month(df["cohort"], cohorts)
    df["months_after_training"] = (
        df["wave"].astype("string").map({k: v for k, v in vocab.WAVES.items()}).astype("Int64")
    )
    df["responded"] = df["interview_date"].notna() | df["income_total_idr"].notna()
    before = df["income_before_idr"].astype("Float64")
    total = df["income_total_idr"].astype("Float64")
    ratio = total / before.where(before > 0)
    df["recovery_ratio"] = ratio
    df["recovered"] = (ratio >= threshold).astype("boolean").mask(ratio.isna())
    df["partially_recovered"] = (ratio >= partial).astype("boolean").mask(ratio.isna())
    reseller = df["income_reseller_idr"].astype("Float64")
    df["reseller_share"] = reseller / total.where(total > 0)
    target = df["target_monthly_idr"].astype("Float64")
    target = target.where(target > 0)
    df["target_attainment_survey"] = reseller / target

    interview_month = df["interview_date"].dt.to_period("M").dt.to_timestamp().astype("datetime64[us]")
    last_month = (interview_month.dt.to_period("M") - 1).dt.to_timestamp().astype("datetime64[us]")
    df["survey_reference_month"] = last_month
    if reseller_monthly is not None:
        needed = reseller_monthly["month"].isin(df["survey_reference_month"].dropna().unique())
        rm = reseller_monthly.loc[needed, ["reseller_key", "month", "commission_idr"]].rename(
            columns={"month": "survey_reference_month", "commission_idr": "commission_last_month_idr"}
        )
        df = df.merge(
            rm.astype({"survey_reference_month": "datetime64[us]"}),
            on=["reseller_key", "survey_reference_month"],
            how="left",
        )
        # an account without completed orders that month earned 0 — if the platform data cover that month
        last = reseller_monthly["month"].max()
        covered = (df["survey_reference_month"] <= last).fillna(False) if pd.notna(last) else False
        has_account = df["reseller_key"].notna() & df["survey_reference_month"].notna() & covered
        df["commission_last_month_idr"] = (
            df["commission_last_month_idr"]
            .astype("Int64")
            .mask(has_account & df["commission_last_month_idr"].isna(), 0)
        )
        df["target_attainment_platform"] = df["commission_last_month_idr"].astype("Float64") / target
    if min_wage is not None:
        mw = min_wage_for(min_wage, df["district"], df["interview_date"].dt.year, unknown=unknown_district)
        df = df.join(mw)
        df["above_min_wage"] = (
            (total >= df["min_wage_idr"].astype("Float64"))
            .astype("boolean")
            .mask(total.isna() | df["min_wage_idr"].isna())
        )
    if cpi is not None:
        has = df["layoff_month"].notna() & interview_month.notna()
        now = cpi_at(cpi, interview_month.where(has))
        then = cpi_at(cpi, df["layoff_month"].where(has))
        df["income_before_real_idr"] = (before * now / then).round().astype("Int64")
        real = df["income_before_real_idr"].astype("Float64")
        df["real_recovery_ratio"] = total / real.where(real > 0)
        df["real_recovered"] = (
            (df["real_recovery_ratio"] >= threshold).astype("boolean").mask(df["real_recovery_ratio"].isna())
        )
    df["training_month"] = training
    return df


def baseline_ratio(participants: pd.DataFrame) -> pd.Series:
    """Income at registration / pre-layoff wage (missing when either is missing or the wage is 0)."""
    before = participants["income_before_idr"].astype("Float64")
    return participants["income_baseline_idr"].astype("Float64") / before.where(before > 0)


def participant_months(
    participants: pd.DataFrame,
    reseller_monthly: pd.DataFrame,
    *,
    through: pd.Timestamp | None = None,
    cohorts: Mapping[str, Cohort] | None = None,
) -> pd.DataFrame:
    """Participant (with a reseller account) × calendar month from the training month to ``through``.

    ``through`` defaults to the last month in ``reseller_monthly``. Months without a completed
    order have ``orders_completed`` 0 and ``commission_idr`` 0 (the platform records every
    order, so no order means no commission — not missing). ``months_since_training`` is 0 in
    the training month. ``active`` = at least one completed order. Rows come sorted by
    participant and month. An account × month given twice in ``reseller_monthly`` is an error
    (the contract has one row per account × month).
    """
    acc = participants.loc[
        participants["reseller_key"].notna(),
        ["participant_id", "reseller_key", "cohort", "confederation", "gender"],
    ]
    acc = acc.assign(training_month=_training_month(acc["cohort"], cohorts or {})).dropna(
        subset=["training_month"]
    )
    # sorted people, months ascending within each: the output order without sorting the long table
    acc = acc.sort_values("participant_id", kind="stable", ignore_index=True)
    last = pd.Timestamp(through) if through is not None else reseller_monthly["month"].max()
    # calendar months as integers (months since 1970-01): the grid is built by numpy repeats, not a cross join
    start = acc["training_month"].to_numpy("datetime64[M]").astype("int64")
    if len(acc) and pd.notna(last):
        n_months = np.clip(np.datetime64(last, "M").astype("int64") - start + 1, 0, None)
    else:  # nobody with an account, or no platform data: no rows (same columns and dtypes)
        n_months = np.zeros(len(acc), dtype="int64")
    rows = np.repeat(np.arange(len(acc)), n_months)
    since = np.arange(rows.size) - np.repeat(np.cumsum(n_months) - n_months, n_months)
    month = start[rows] + since
    out = acc.take(rows).reset_index(drop=True)
    out["month"] = month.astype("datetime64[M]").astype("datetime64[us]")

    # platform months of these accounts, looked up by an integer (account, month) position
    accounts = acc["reseller_key"].drop_duplicates()
    rm = reseller_monthly[["reseller_key", "month", "orders_completed", "commission_idr", "gross_idr"]]
    rm_account = _positions(rm["reseller_key"], accounts)
    rm_month = rm["month"].to_numpy("datetime64[M]").astype("int64")
    lowest = int(month.min()) if month.size else 0
    width = int(month.max()) - lowest + 1 if month.size else 1
    inside = (rm_account >= 0) & (rm_month >= lowest) & (rm_month < lowest + width)
    rm = rm[inside]
    rm_cell = rm_account[inside] * width + (rm_month[inside] - lowest)
    row_of_cell = np.full(len(accounts) * width, -1, dtype="int64")
    row_of_cell[rm_cell] = np.arange(rm_cell.size)
    if not np.array_equal(row_of_cell[rm_cell], np.arange(rm_cell.size)):
        twice = rm.iloc[np.flatnonzero(row_of_cell[rm_cell] != np.arange(rm_cell.size))[0]]
        raise ValueError(
            f"reseller_monthly has account {twice['reseller_key']} in {twice['month']:%Y-%m} more than once; "
            "it must have one row per reseller_key × month (docs/data-contract.md)"
        )
    at = row_of_cell[_positions(acc["reseller_key"], accounts)[rows] * width + (month - lowest)]
    for c in ("orders_completed", "commission_idr", "gross_idr"):
        values = rm[c].astype("Int64").fillna(0).to_numpy("int64")  # a missing platform sum counts as 0
        out[c] = pd.array(np.where(at >= 0, values[at], 0), dtype="Int64")
    out["months_since_training"] = since
    out["active"] = out["orders_completed"] > 0
    return out


def first_sales(months: pd.DataFrame) -> pd.DataFrame:
    """Per participant: months observed, months active, first-sale month and months from training to it.

    ``months_to_first_sale`` counts from the training month (0 = sold in the training month);
    missing for those who never sold in the window (``ever_sold`` False).
    """
    g = months.groupby("participant_id", sort=True)
    out = g.agg(
        cohort=("cohort", "first"),
        confederation=("confederation", "first"),
        gender=("gender", "first"),
        months_observed=("month", "size"),
        months_active=("active", "sum"),
        commission_total_idr=("commission_idr", "sum"),
    )
    active = months.loc[months["active"], ["participant_id", "month", "months_since_training"]]
    first = active.groupby("participant_id").agg(
        first_sale_month=("month", "min"), months_to_first_sale=("months_since_training", "min")
    )
    out = out.join(first)
    out["ever_sold"] = out["first_sale_month"].notna()
    out["months_to_first_sale"] = out["months_to_first_sale"].astype("Int64")
    return out.reset_index()


def activity_curve(months: pd.DataFrame, *, by: list[str] | None = None) -> pd.DataFrame:
    """Share of accounts active (≥ 1 completed order) by month since training.

    The denominator is every participant account observed that month (0 active counts).
    """
    keys = [*(by or []), "months_since_training"]
    g = months.groupby(keys, observed=False)
    out = g.agg(
        n_accounts=("active", "size"),
        n_active=("active", "sum"),
        median_commission_idr=("commission_idr", "median"),
    ).reset_index()
    out["share_active"] = out["n_active"] / out["n_accounts"].where(out["n_accounts"] > 0)
    return out


def time_to_recovery(waves: pd.DataFrame, *, column: str = "recovered") -> pd.DataFrame:
    """Per participant: months from training to the first recovered observation, or censoring.

    ``event`` True: recovered at ``duration_months`` (the wave's months after training).
    ``event`` False: not (yet) recovered; right-censored at the last wave with an observed
    ratio — dropouts included (censoring may be informative: say so when reporting).
    Participants with no observed ratio at any wave are left out (``n`` reported by callers).
    """
    keys = ["participant_id", "cohort", "confederation", "gender"]
    obs = waves.loc[waves[column].notna(), [*keys, "months_after_training", column]]
    rec = obs[obs[column].astype(bool)].groupby("participant_id")["months_after_training"].min()
    last = obs.groupby("participant_id")["months_after_training"].max()
    people = obs.drop_duplicates("participant_id")[keys].set_index("participant_id")
    first = rec.reindex(people.index)  # months to the first recovered wave; missing if never
    people["event"] = first.notna().to_numpy()
    people["duration_months"] = first.fillna(last.reindex(people.index)).astype("Int64")
    return people.reset_index()
