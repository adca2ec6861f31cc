"""Income-recovery indicators per participant × wave and per participant × month.

Definitions (formula, unit, denominator, missing values) are in ``docs/indicators.md``.
All functions are pure and vectorised (merges and column arithmetic; no row loops).
"""

from __future__ import annotations

import pandas as pd

from impact import config, vocab
from impact.reference import cpi_at, min_wage_for

#: the income target attainment and recovery measures use monthly incomes in rupiah


def _training_month(cohort: pd.Series) -> pd.Series:
    months = {c: pd.Timestamp(v.training_month) for c, v in vocab.COHORTS.items()}
    return cohort.astype("string").map(months).astype("datetime64[us]")


def eligible_waves(participants: pd.DataFrame, followups: pd.DataFrame) -> pd.DataFrame:
    """Every participant × every wave of their cohort (the denominator of response rates).

    A cohort's waves come from :data:`impact.vocab.COHORTS`; for a cohort not registered
    there, the waves observed in its follow-ups.
    """
    observed = followups.merge(participants[["participant_id", "cohort"]], on="participant_id")
    pairs = [(c, w) for c, spec in vocab.COHORTS.items() for w in spec.waves]
    known = set(vocab.COHORTS)
    pairs += [
        (c, str(w))
        for c, w in observed[["cohort", "wave"]].drop_duplicates().itertuples(index=False)
        if c not in known
    ]
    waves = pd.DataFrame(pairs, columns=["cohort", "wave"]).astype({"cohort": "string"})
    out = participants.merge(waves, on="cohort", how="inner")
    return out.assign(wave=out["wave"].astype(vocab.WAVE_DTYPE))


def recovery_by_wave(
    participants: pd.DataFrame,
    followups: pd.DataFrame,
    *,
    reseller_monthly: pd.DataFrame | None = None,
    min_wage: pd.DataFrame | None = None,
    cpi: pd.Series | None = None,
    threshold: float = config.RECOVERY_THRESHOLD,
    partial: float = config.PARTIAL_THRESHOLD,
) -> pd.DataFrame:
    """One row per participant × wave of their cohort, responded or not.

    - ``recovery_ratio`` = ``income_total_idr`` / ``income_before_idr``; missing when either
      is missing or the baseline is 0 (never inf, never "not recovered").
    - ``recovered`` = ratio ≥ ``threshold``; ``partially_recovered`` = ratio ≥ ``partial``
      (missing where the ratio is missing).
    - ``reseller_share`` = reseller income / total income (missing when total is 0 or missing).
    - ``target_attainment_survey`` = reported reseller income / own monthly target;
      ``target_attainment_platform`` = platform commission in the month before the interview
      (the survey's "last month") / own monthly target; 0 commission for an account without
      completed orders that month, missing without an account.
    - ``above_min_wage``: total income ≥ the UMK of the participant's district for the
      interview year (see :func:`impact.reference.min_wage_for`).
    - real terms: ``income_before_real_idr`` = before × CPI(interview month) / CPI(layoff month);
      ``real_recovery_ratio`` = total / that.
    """
    base = eligible_waves(participants, followups)
    fu = followups.assign(wave=followups["wave"].astype(vocab.WAVE_DTYPE))
    df = base.merge(fu, on=["participant_id", "wave"], how="left", validate="one_to_one")
    training = _training_month(df["cohort"])
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
        rm = reseller_monthly[["reseller_key", "month", "commission_idr"]].rename(
            columns={"month": "survey_reference_month", "commission_idr": "commission_last_month_idr"}
        )
        df = df.merge(
            rm.astype({"survey_reference_month": "datetime64[us]"}),
            on=["reseller_key", "survey_reference_month"],
            how="left",
        )
        has_account = df["reseller_key"].notna() & df["survey_reference_month"].notna()
        df["commission_last_month_idr"] = (
            df["commission_last_month_idr"]
            .astype("Int64")
            .mask(has_account & df["commission_last_month_idr"].isna(), 0)
        )
        df["target_attainment_platform"] = df["commission_last_month_idr"].astype("Float64") / target
    if min_wage is not None:
        mw = min_wage_for(min_wage, df["district"], df["interview_date"].dt.year)
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
    return df.sort_values(["cohort", "participant_id", "wave"], ignore_index=True)


def baseline_ratio(participants: pd.DataFrame) -> pd.Series:
    """Income at registration / pre-layoff wage (missing when either is missing or the wage is 0)."""
    before = participants["income_before_idr"].astype("Float64")
    return participants["income_baseline_idr"].astype("Float64") / before.where(before > 0)


def participant_months(
    participants: pd.DataFrame, reseller_monthly: pd.DataFrame, *, through: pd.Timestamp | None = None
) -> pd.DataFrame:
    """Participant (with a reseller account) × calendar month from the training month to ``through``.

    ``through`` defaults to the last month in ``reseller_monthly``. Months without a completed
    order have ``orders_completed`` 0 and ``commission_idr`` 0 (the platform records every
    order, so no order means no commission — not missing). ``months_since_training`` is 0 in
    the training month. ``active`` = at least one completed order.
    """
    acc = participants.loc[
        participants["reseller_key"].notna(),
        ["participant_id", "reseller_key", "cohort", "confederation", "gender"],
    ]
    acc = acc.assign(training_month=_training_month(acc["cohort"])).dropna(subset=["training_month"])
    last = pd.Timestamp(through) if through is not None else reseller_monthly["month"].max()
    if acc.empty or pd.isna(last):
        return pd.DataFrame(
            columns=[
                "participant_id",
                "month",
                "months_since_training",
                "orders_completed",
                "commission_idr",
                "gross_idr",
                "active",
            ]
        )
    first = acc["training_month"].min()
    months = pd.date_range(first, last, freq="MS").astype("datetime64[us]")
    grid = acc.merge(pd.DataFrame({"month": months}), how="cross")
    grid = grid[grid["month"] >= grid["training_month"]]
    rm = reseller_monthly[
        ["reseller_key", "month", "orders_completed", "commission_idr", "gross_idr"]
    ].astype({"month": "datetime64[us]"})
    out = grid.merge(rm, on=["reseller_key", "month"], how="left")
    for c in ("orders_completed", "commission_idr", "gross_idr"):
        out[c] = out[c].astype("Int64").fillna(0)
    mp = out["month"].dt.to_period("M")
    tp = out["training_month"].dt.to_period("M")
    out["months_since_training"] = (mp.dt.year - tp.dt.year) * 12 + (mp.dt.month - tp.dt.month)
    out["active"] = out["orders_completed"] > 0
    return out.sort_values(["participant_id", "month"], ignore_index=True)


def first_sales(months: pd.DataFrame) -> pd.DataFrame:
    """Per participant: months observed, months active, first-sale month and months from training to it.

    ``months_to_first_sale`` counts from the training month (0 = sold in the training month);
    missing for those who never sold in the window (``ever_sold`` False).
    """
    g = months.groupby("participant_id", sort=True)
    out = g.agg(
        cohort=("cohort", "first"), confederation=("confederation", "first"), gender=("gender", "first"),
        months_observed=("month", "size"), months_active=("active", "sum"),
        commission_total_idr=("commission_idr", "sum"),
    )  # fmt: skip
    active = months[months["active"]]
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
    obs = waves[waves[column].notna()]
    keys = ["participant_id", "cohort", "confederation", "gender"]
    rec = obs[obs[column].astype(bool)].groupby("participant_id")["months_after_training"].min()
    last = obs.groupby("participant_id")["months_after_training"].max()
    people = obs.drop_duplicates("participant_id")[keys].set_index("participant_id")
    people["event"] = people.index.isin(rec.index)
    people["duration_months"] = rec.reindex(people.index).fillna(last.reindex(people.index)).astype("Int64")
    return people.reset_index()
