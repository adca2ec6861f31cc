"""Everything one cohort report shows, built in one call and published safely.

>>> r = build("data/sample/processed", cohort="sukabumi-2023")   # doctest: +SKIP
>>> present(r.recovery(by=["gender"]))                           # doctest: +SKIP

Every table leaves through :mod:`impact.publish.disclosure` for the chosen audience: ``public``
hides cells below ``min_cell_size`` (and their partners); ``internal`` shows all, marked.
Figures are drawn from the published (suppressed) values only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from impact import io, vocab
from impact.config import ReportParams
from impact.contract import CleanData
from impact.errors import ParameterError
from impact.measure import indicators, stats, tables
from impact.measure.reference import missing_district_years, reference_tables, unknown_districts
from impact.programme import Programme
from impact.publish import disclosure, plots

__all__ = ["CohortResults", "build", "check_params"]


def check_params(params: ReportParams, data: CleanData) -> ReportParams:
    """Check parameters against the data (the cohort must be in it); raise
    :class:`~impact.errors.ParameterError` listing the valid cohorts."""
    cohorts = sorted(data.participants["cohort"].dropna().unique())
    if params.cohort not in cohorts:
        raise ParameterError(f"unknown cohort {params.cohort!r}; valid cohorts: {', '.join(cohorts)}")
    return params


@dataclass
class CohortResults:
    """Per-participant frames of one cohort (possibly one confederation) and published views of them."""

    params: ReportParams
    participants: pd.DataFrame
    waves: pd.DataFrame
    months: pd.DataFrame
    sales: pd.DataFrame
    audit: dict
    quarantine: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    programme: Programme = field(default_factory=Programme)
    _cache: dict = field(default_factory=dict, repr=False)

    # --- helpers -----------------------------------------------------------------------------
    @property
    def latest_wave(self) -> str:
        """The latest wave with any response."""
        got = self.waves.loc[self.waves["responded"], "wave"]
        return str(got.max()) if len(got) else str(self.waves["wave"].min())

    @property
    def wave_list(self) -> list[str]:
        return [str(w) for w in self.waves["wave"].dropna().unique().sort_values()]

    def _publish(
        self, table: pd.DataFrame, *, count: str, group_columns: list[str]
    ) -> disclosure.SuppressedTable:
        values = [
            c
            for c in table.columns
            if c not in (*group_columns, count) and pd.api.types.is_numeric_dtype(table[c])
        ]
        return disclosure.apply_audience(
            table,
            audience=self.params.audience,
            count=count,
            value_columns=values,
            min_cell_size=self.params.min_cell_size,
            group_columns=group_columns or None,
        )

    # --- tables -------------------------------------------------------------------------------
    def profile(self) -> disclosure.SuppressedTable:
        """Participants by confederation × gender (counts, with margins)."""
        p = self.participants
        rows = [{**labels, "n": len(g)} for labels, g in tables.group_cells(p, ["confederation", "gender"])]
        t = pd.DataFrame(rows).astype({"n": "Int64"})
        t["confederation"] = t["confederation"].map(lambda c: vocab.CONFEDERATIONS.get(c, c))
        return self._publish(t, count="n", group_columns=["confederation", "gender"])

    def baseline_profile(self) -> disclosure.SuppressedTable:
        """Baseline medians by gender: pre-layoff wage, income at registration, monthly target."""
        rows = []
        for labels, g in tables.group_cells(self.participants, ["gender"]):
            rows.append(
                {
                    **labels,
                    "n": len(g),
                    "median_income_before_idr": g["income_before_idr"].astype("Float64").median(),
                    "median_income_baseline_idr": g["income_baseline_idr"].astype("Float64").median(),
                    "median_target_monthly_idr": g["target_monthly_idr"].astype("Float64").median(),
                    "share_with_reseller_account": g["reseller_key"].notna().mean() if len(g) else np.nan,
                }
            )
        return self._publish(pd.DataFrame(rows).astype({"n": "Int64"}), count="n", group_columns=["gender"])

    def recovery(
        self, *, by: list[str] | tuple[str, ...] = (), wave: str | None = None
    ) -> disclosure.SuppressedTable:
        """The recovery table at a wave (default: the latest), published for the audience."""
        key = (tuple(by), wave or self.latest_wave)
        if key not in self._cache:
            self._cache[key] = self._recovery(by=by, wave=key[1])
        return self._cache[key]

    def _recovery(self, *, by: list[str] | tuple[str, ...], wave: str) -> disclosure.SuppressedTable:
        t = tables.recovery_table(self.waves, wave=wave, by=by, real_terms=self.params.real_terms)
        if "confederation" in by:
            t["confederation"] = t["confederation"].map(lambda c: vocab.CONFEDERATIONS.get(c, c))
        # public tables give the share recovered (with its CI), not the small count of people behind it
        drop = ["caveat"] + (["n_recovered"] if self.params.audience == "public" else [])
        return self._publish(t.drop(columns=drop), count="n", group_columns=list(by))

    def recovery_by_wave(self, *, by: str | None = None) -> pd.DataFrame:
        """Published recovery statistics for every wave (long), for trajectories."""
        parts = []
        for w in self.wave_list:
            pub = self.recovery(by=[by] if by else [], wave=w).values
            pub = pub.assign(wave=w, months_after_training=vocab.WAVES.get(w))
            parts.append(pub if by else pub.assign(group="all"))
        out = pd.concat(parts, ignore_index=True)
        return out

    def logframe(self, *, targets: dict | None = None) -> pd.DataFrame:
        """Logframe rows against the programme's targets (``targets`` overrides them; an indicator
        without a target has none); the women/men columns are hidden when a sex has fewer than
        min_cell_size."""
        if targets is None:
            targets = {t.indicator: t.target for t in self.programme.logframe if t.target is not None}
        lf = tables.logframe(
            self.waves, self.participants, self.sales, wave=self.latest_wave, targets=targets
        )
        if self.params.audience == "public":
            for col in ("Women", "Men"):
                n = lf[col].str.extract(r"n=(\d+)")[0].astype(float)
                lf[col] = lf[col].mask(n < self.params.min_cell_size, disclosure.MARK_PRIMARY)
        return lf

    def logframe_display(self, *, targets: dict | None = None) -> pd.DataFrame:
        """The logframe for reading: shares as percentages, ratios with two decimals."""
        lf = self.logframe(targets=targets)
        is_share = lf["Indicator"].str.startswith("Share")

        def fmt(v: pd.Series) -> pd.Series:
            pct = v.map(lambda a: f"{a:.0%}", na_action="ignore")
            num = v.map(lambda a: f"{a:.2f}", na_action="ignore")
            return pct.where(is_share, num).astype("string").fillna("–")

        out = lf.assign(**{c: fmt(lf[c].astype("Float64")) for c in ("Baseline", "Target", "Actual")})
        out["Target"] = out["Target"].mask(lf["Target"].isna(), "target not set")
        out["% of target"] = (
            lf["% of target"].map(lambda a: f"{a:.0%}", na_action="ignore").astype("string").fillna("–")
        )
        return out.set_index("Indicator")

    def comparisons(self) -> pd.DataFrame:
        t = tables.comparisons(self.waves, wave=self.latest_wave)
        if self.params.audience == "public":
            small = t["n_smallest_group"].fillna(0) < self.params.min_cell_size
            t.loc[small, ["estimate", "ci_low", "ci_high", "p_value"]] = pd.NA
            t.loc[small & (t["n"] > 0), "n"] = pd.NA  # a count from 1 to min_cell_size - 1 is hidden too
        return t

    def response(self, *, by: list[str] | tuple[str, ...] = ()) -> disclosure.SuppressedTable:
        t = tables.response_by_wave(self.waves, by=by)
        if "confederation" in by:
            t["confederation"] = t["confederation"].map(lambda c: vocab.CONFEDERATIONS.get(c, c))
        # the count protected is the responders (the smaller group); eligible counts hide with them
        return self._publish(t, count="n_responded", group_columns=["wave", *by])

    def attrition_balance(self) -> pd.DataFrame:
        return tables.attrition_balance(self.waves, self.participants, wave=self.latest_wave)

    def target_attainment(self) -> disclosure.SuppressedTable:
        """Share reaching their own monthly target, by wave: survey-reported and platform commission."""
        rows = []
        for w in self.wave_list:
            g = self.waves[(self.waves["wave"].astype(str) == w) & self.waves["responded"]]
            s = g["target_attainment_survey"].dropna()
            p = (
                g["target_attainment_platform"].dropna()
                if "target_attainment_platform" in g
                else pd.Series(dtype=float)
            )
            rows.append(
                {
                    "wave": w,
                    "n": len(s),
                    "share_reaching_target_survey": (s >= 1).mean() if len(s) else np.nan,
                    "median_attainment_survey": s.median() if len(s) else np.nan,
                    "n_platform": len(p),
                    "median_attainment_platform": p.median() if len(p) else np.nan,
                }
            )
        t = pd.DataFrame(rows).astype({"n": "Int64", "n_platform": "Int64"})
        return self._publish(t, count="n", group_columns=["wave"])

    def activity_table(self) -> pd.DataFrame:
        """Monthly active share of accounts by month since training (months with fewer than
        min cell size accounts, or active accounts, removed)."""
        curve = indicators.activity_curve(self.months)
        m = self.params.min_cell_size
        return curve[(curve["n_accounts"] >= m) & (curve["n_active"] >= m)].reset_index(drop=True)

    def commission_table(self) -> pd.DataFrame:
        """Quantiles of monthly commission (rupiah) among active accounts, by month since training."""
        columns = ["p10", "p25", "median", "p75", "p90"]
        act = self.months[self.months["active"]] if "active" in self.months else self.months.iloc[:0]
        if act.empty:
            return pd.DataFrame(columns=["months_since_training", *columns, "n_active"])
        g = act.groupby("months_since_training")["commission_idr"]
        q = g.quantile([0.1, 0.25, 0.5, 0.75, 0.9]).unstack()
        q.columns = columns
        q["n_active"] = g.size()
        q = q[q["n_active"] >= self.params.min_cell_size]
        return q.reset_index()

    def time_to_recovery(self) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
        """Kaplan–Meier curves (overall and by gender, groups below min cell size dropped),
        shares recovered at 3/6/12 months, and the log-rank test women vs men."""
        if "ttr" not in self._cache:
            self._cache["ttr"] = self._time_to_recovery()
        return self._cache["ttr"]

    def _time_to_recovery(self) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
        ttr = indicators.time_to_recovery(
            self.waves, column="real_recovered" if self.params.real_terms else "recovered"
        )
        curves, shares = [], []
        groups = [("all", ttr)] + [(g, ttr[ttr["gender"] == g]) for g in vocab.GENDERS]
        for name, g in groups:
            if len(g) < self.params.min_cell_size and (self.params.audience == "public" or len(g) == 0):
                continue
            km = stats.kaplan_meier(
                g["duration_months"].astype(float).to_numpy(), g["event"].to_numpy(dtype=bool)
            )
            curves.append(km.assign(group=name))
            at = stats.recovered_share_at(km, [3, 6, 12]).assign(group=name, n=len(g))
            med = stats.median_time(km)
            shares.append(at.assign(median_months=med.estimate, median_low=med.low, median_high=med.high))
        f = ttr[ttr["gender"] == "female"]
        m = ttr[ttr["gender"] == "male"]
        test = stats.logrank(
            np.concatenate([f["duration_months"].astype(float), m["duration_months"].astype(float)]),
            np.concatenate([f["event"].to_numpy(bool), m["event"].to_numpy(bool)]),
            np.array(["female"] * len(f) + ["male"] * len(m)),
        )
        curves_df = pd.concat(curves, ignore_index=True) if curves else pd.DataFrame()
        shares_df = pd.concat(shares, ignore_index=True) if shares else pd.DataFrame()
        return curves_df, shares_df, test

    def data_quality(self) -> pd.DataFrame:
        """Audit reconciliation per raw file (counts only — no raw values)."""
        rows = [
            {
                "file": name,
                **{
                    k: v
                    for k, v in f.items()
                    if k
                    in ("rows_read", "rows_clean", "rows_quarantined", "rows_duplicate", "cells_set_missing")
                },
            }
            for name, f in self.audit.get("files", {}).items()
        ]
        t = pd.DataFrame(rows)
        if len(t):
            t["reconciled"] = t["rows_read"] == t["rows_clean"] + t["rows_quarantined"] + t["rows_duplicate"]
        return t

    def quarantine_summary(self) -> pd.DataFrame:
        """Quarantine entries by file, column and reason (counts; values never shown)."""
        q = self.quarantine
        if q.empty:
            return pd.DataFrame(columns=["source_file", "column", "reason", "entries"])
        reason = q["reason"].astype(str).str.split(":").str[0]
        return (
            q.assign(reason=reason)
            .groupby(["source_file", "column", "reason"])
            .size()
            .rename("entries")
            .reset_index()
        )

    # --- figures ------------------------------------------------------------------------------
    def trajectory_figure(self, *, by: str = "gender"):
        t = self.recovery_by_wave(by=by)
        t = t[t[by] != tables.ALL] if by else t
        return plots.trajectory(
            t,
            group=by,
            title=f"Income relative to the pre-layoff wage, by {by}",
            threshold=self.params.recovery_threshold,
        )

    def survival_figure(self):
        curves, _, _ = self.time_to_recovery()
        return plots.survival(curves, group="group", title="Time to recovery (Kaplan–Meier, 95% CI)")

    def activity_figure(self):
        return plots.activity(
            self.activity_table(), title="Accounts with at least one completed sale, by month"
        )

    def commission_figure(self):
        return plots.commission_quantiles(
            self.commission_table(), title="Monthly commission of active accounts (Rp)"
        )

    # --- narrative ------------------------------------------------------------------------------
    def summary(self) -> list[str]:
        """Executive-summary sentences written from the numbers (with their CIs)."""
        w = self.latest_wave
        t = self.recovery(wave=w).values.iloc[0]
        n_all = len(self.participants)
        months = vocab.WAVES.get(w, "?")
        min_n = self.params.min_cell_size
        public = self.params.audience == "public"
        registered = (
            f"Fewer than {min_n} participants registered"
            if public and 0 < n_all < min_n
            else f"{n_all} participants registered"
        )
        if pd.isna(t["n"]):  # hidden (public): fewer than min_cell_size people with a ratio
            out = [
                f"{registered}; figures for the {months}-month follow-up are hidden because fewer than "
                f"{min_n} people have a recovery ratio."
            ]
        elif pd.isna(t["n_responded"]):  # n == 0: the row's statistics are undefined
            out = [f"{registered}; nobody has a recovery ratio at the {months}-month follow-up."]
        else:
            out = [
                f"{registered}; {int(t['n_responded'])} answered the {months}-month follow-up "
                f"({t['response_rate']:.0%})."
            ]
        if pd.notna(t["median_recovery_ratio"]):
            low, high = t["median_recovery_ratio_low"], t["median_recovery_ratio_high"]
            ci = (
                f"95% CI {low:.0%}–{high:.0%}"
                if pd.notna(low) and pd.notna(high)
                else "too few for an interval"
            )
            out.append(
                f"At {months} months the median participant earned {t['median_recovery_ratio']:.0%} of their pre-layoff wage "
                f"({ci}, n={int(t['n'])})."
            )
            out.append(
                f"{t['share_recovered']:.0%} had recovered their pre-layoff income (95% CI "
                f"{t['share_recovered_low']:.0%}–{t['share_recovered_high']:.0%}); taken together, the group earned "
                f"{t['ratio_of_sums']:.0%} of what it earned before the layoff."
            )
        g = self.recovery(by=["gender"], wave=w).values.set_index("gender")
        if {"female", "male"} <= set(g.index) and g.loc[
            ["female", "male"], "median_recovery_ratio"
        ].notna().all():
            out.append(
                f"Median recovery was {g.loc['female', 'median_recovery_ratio']:.0%} for women and "
                f"{g.loc['male', 'median_recovery_ratio']:.0%} for men."
            )
        elif self.params.audience == "public":
            out.append("Figures by gender are hidden where a group is smaller than the minimum cell size.")
        if public and 0 < len(self.sales) < min_n:
            out.append(f"Sales figures are hidden: fewer than {min_n} reseller accounts.")
        elif len(self.sales):
            out.append(
                f"{self.sales['ever_sold'].mean():.0%} of the {len(self.sales)} reseller accounts made at least one sale."
            )
        caveat = stats.size_caveat(int(t["n"])) if pd.notna(t["n"]) and t["n"] > 0 else ""
        if caveat:
            out.append(f"Caution: {caveat}.")
        out.append(
            "People who stopped answering may differ from those who stayed; see the attrition section."
        )
        return out


def _filter(data: CleanData, params: ReportParams) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    p = data.participants[data.participants["cohort"] == params.cohort]
    if params.confederation != "all":
        p = p[p["confederation"] == params.confederation]
    ids = set(p["participant_id"])
    fu = data.followups[data.followups["participant_id"].isin(ids)]
    keys = set(p["reseller_key"].dropna())
    rm = data.reseller_monthly[data.reseller_monthly["reseller_key"].isin(keys)]
    if params.as_of is not None:
        cut = pd.Timestamp(params.as_of)
        fu = fu[fu["interview_date"].isna() | (fu["interview_date"] <= cut)]
        rm = rm[rm["month"] <= cut]
    return p, fu, rm


def build(
    source: str | Path | CleanData,
    params: ReportParams | None = None,
    *,
    reference_dir: str | Path | None = None,
    **kwargs,
) -> CohortResults:
    """Load (if given a folder), check the parameters, and compute everything for one cohort.

    ``params`` is a :class:`~impact.config.ReportParams`, or give its fields as keywords
    (``build(data, cohort="sukabumi-2023", audience="internal")``).
    """
    data = source if isinstance(source, CleanData) else io.load(source, orders=False)
    params = check_params(params or ReportParams(**kwargs), data)
    programme = data.programme
    files = io.read_reference(reference_dir, spec=programme.reference)
    wages, cpi = reference_tables(files)
    p, fu, rm = _filter(data, params)
    waves = indicators.recovery_by_wave(
        p,
        fu,
        reseller_monthly=rm,
        min_wage=wages,
        cpi=cpi,
        unknown_district="missing",
        threshold=params.recovery_threshold,
        partial=params.partial_threshold,
        cohorts=programme.cohorts,
    )
    through = pd.Timestamp(params.as_of).to_period("M").to_timestamp() if params.as_of else None
    months = indicators.participant_months(
        p, rm if len(rm) else data.reseller_monthly.iloc[:0], through=through, cohorts=programme.cohorts
    )
    sales = (
        indicators.first_sales(months)
        if len(months)
        else pd.DataFrame(columns=["participant_id", "ever_sold", "gender"])
    )
    notes = _reference_notes(wages, p, waves, files.folder)
    cohort = programme.cohorts.get(params.cohort)
    if cohort is not None and cohort.inferred:
        notes.append(
            f"The cohort {params.cohort} is not in the programme configuration: its "
            f"{', '.join(f.replace('_', ' ') for f in cohort.inferred)} were taken from the data "
            f"(training month {cohort.training_month:%B %Y}, from the baseline registration dates)."
        )
    return CohortResults(params, p, waves, months, sales, data.audit, data.quarantine, notes, programme)


def _reference_notes(wages: pd.DataFrame, p: pd.DataFrame, waves: pd.DataFrame, where: str) -> list[str]:
    """What the reference data could not answer: districts and district-years without a UMK."""
    notes = []
    unknown = unknown_districts(wages, p["district"])
    if unknown:
        n = int(p["district"].isin(unknown).sum())
        notes.append(
            f"Minimum wage: {len(unknown)} district name(s) given by {n} participant(s) are not in the "
            "minimum-wage reference table; 'at least the minimum wage' is missing for them."
        )
    asked = waves.dropna(subset=["interview_date"])
    gaps = missing_district_years(wages, asked["district"], asked["interview_date"].dt.year)
    if gaps:
        listed = "; ".join(f"{d} {y}" for d, y in gaps)
        notes.append(
            f"Minimum wage: no sourced UMK for {listed} in the reference data ({where}); 'at least the "
            "minimum wage' is missing for interviews there and then (add the decree's figure to the "
            "programme's reference file to fill it)."
        )
    return notes
