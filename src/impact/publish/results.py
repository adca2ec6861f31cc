"""One cohort's results: the per-participant frames and the release's group cells, built in one call.

>>> r = build("data/sample/processed", cohort="sukabumi-2023", audience="internal")   # doctest: +SKIP
>>> r.recovery(by="gender")                                                         # doctest: +SKIP

:func:`build` computes the indicators of a cohort (or of one confederation of it);
:class:`CohortResults` holds them and the *cells* every published view takes its numbers from
(:mod:`impact.publish.release`: one decision per cell, whatever shows it). The views — tables,
charts, sentences — are in :mod:`impact.publish.sections`, :mod:`impact.publish.platform`,
:mod:`impact.publish.quality` and :mod:`impact.publish.narrative`; the cells of platform data and
targets are built in :mod:`impact.publish.cells`.
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
from impact.measure.reference import reference_tables
from impact.programme import Programme
from impact.publish import disclosure, people, workbench
from impact.publish import trend as monthly
from impact.publish.as_of import check_as_of, cut_platform
from impact.publish.export import export_results
from impact.publish.quality import reference_notes
from impact.publish.release import (
    TOTAL,
    Cells,
    Published,
    inherit,
    protect_counts_within,
    protect_line,
)

__all__ = ["DIMENSIONS", "INTERSECTION", "CohortResults", "build", "check_params"]

#: the one-way breakdowns a public release shows
DIMENSIONS = ("gender", "confederation")
#: The confederation × sex breakdown (internal reports and annexes only: a two-way table published
#: next to its margins can be differenced, which one-way suppression does not protect against).
INTERSECTION = "confederation_gender"
#: the statistics of a recovery cell that are quantiles (rule 3 of the release)
QUANTILE_STATS = (
    "median_recovery_ratio",
    "median_recovery_ratio_low",
    "median_recovery_ratio_high",
    "median_income_before_idr",
    "median_income_now_idr",
)
RECOVERY_STATS = (
    "n_eligible",
    "n_responded",
    "response_rate",
    "median_recovery_ratio",
    "median_recovery_ratio_low",
    "median_recovery_ratio_high",
    "n_recovered",
    "share_recovered",
    "share_recovered_low",
    "share_recovered_high",
    "ratio_of_sums",
    "median_income_before_idr",
    "median_income_now_idr",
)


def check_params(params: ReportParams, data: CleanData) -> ReportParams:
    """Check parameters against the data (the cohort must be in it); raise
    :class:`~impact.errors.ParameterError` listing the valid cohorts."""
    cohorts = sorted(data.participants["cohort"].dropna().unique())
    if params.cohort not in cohorts:
        raise ParameterError(
            f"unknown cohort {params.cohort!r}; valid cohorts: {', '.join(cohorts) or 'none'}"
        )
    check_as_of(params.as_of, data.programme.cohorts.get(params.cohort))
    return params


@dataclass
class CohortResults(Published):
    """Per-participant frames of one cohort (possibly one confederation), and the release's cells."""

    params: ReportParams
    participants: pd.DataFrame
    waves: pd.DataFrame
    months: pd.DataFrame
    sales: pd.DataFrame
    audit: dict
    quarantine: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    programme: Programme = field(default_factory=Programme)
    review: pd.DataFrame | None = None
    #: the cleaned data the results were built from (for the comparison group of :meth:`impact`)
    source: CleanData | None = field(default=None, repr=False)
    _cache: dict = field(default_factory=dict, repr=False)

    # --- basics --------------------------------------------------------------------------------------
    @property
    def cohort(self):
        return self.programme.cohorts.get(self.params.cohort)

    @property
    def wave_list(self) -> list[str]:
        """The cohort's waves (configured, else observed), in order."""
        if self.cohort is not None:
            return list(self.cohort.waves)
        return [str(w) for w in self.waves["wave"].dropna().unique().sort_values()]

    @property
    def answered_waves(self) -> list[str]:
        """The waves with at least one answer, in order."""
        got = set(self.waves.loc[self.waves["responded"], "wave"].astype(str))
        return [w for w in self.wave_list if w in got]

    @property
    def latest_wave(self) -> str | None:
        """The latest wave with any answer (None before the first follow-up)."""
        answered = self.answered_waves
        return answered[-1] if answered else None

    def __repr__(self) -> str:
        p = self.params
        n = len(self.participants)
        by_wave = ", ".join(
            f"{w}: {int(self.line(w).values.loc[TOTAL, 'n_responded'])}" for w in self.answered_waves
        )
        return (
            f"CohortResults({p.cohort}, {p.confederation}, {p.audience}, lang={p.lang}): {n} participants; "
            f"answered {by_wave or 'no follow-up yet'}; waves {', '.join(self.wave_list)}; "
            f"min cell {p.min_cell_size}, {'real' if p.real_terms else 'nominal'} terms"
            + (f"; as of {p.as_of}" if p.as_of else "")
        )

    def _repr_html_(self) -> str:
        import html

        return f"<pre>{html.escape(repr(self))}</pre>"

    # --- what a report shows (tables, charts and words; see publish.sections / platform / quality) --
    def title_block(self) -> str:
        from impact.publish import narrative

        return narrative.title_block(self)

    def summary(self) -> str:
        from impact.publish import narrative

        return narrative.summary(self)

    def profile(self, *, by: str | None = "gender"):
        from impact.publish import sections

        return sections.profile(self, by=self._by(by))

    def participation(self):
        from impact.publish import sections

        return sections.participation(self)

    def recovery(self, *, by: str | None = None, wave: str | None = None):
        """Recovery at a wave (default: the latest with answers), overall or by ``"gender"`` or
        ``"confederation"`` (internal reports also ``["confederation", "gender"]``)."""
        from impact.publish import sections

        return workbench.label_terms(self, sections.recovery(self, by=self._by(by), wave=wave))

    def trajectory_figure(self, *, by: str | None = "gender", **style):
        from impact.publish import sections

        return workbench.label_terms(self, sections.trajectory(self, by=self._by(by, two_way=False), **style))

    def comparisons(self):
        from impact.publish import sections

        return sections.comparisons(self)

    def time_to_recovery(self):
        from impact.publish import sections

        return workbench.label_terms(self, sections.survival(self))

    def survival_figure(self, **style):
        from impact.publish import sections

        return workbench.label_terms(self, sections.survival_figure(self, **style))

    def income_sources(self):
        from impact.publish import platform

        return platform.income_sources(self)

    def activity_figure(self, **style):
        from impact.publish import platform

        return platform.activity(self, **style)

    def activity_table(self):
        from impact.publish import platform

        return platform.activity(self, figure=False)

    def commission_figure(self, **style):
        from impact.publish import platform

        return platform.commission(self, **style)

    def commission_table(self):
        from impact.publish import platform

        return platform.commission(self, figure=False)

    def targets(self):
        from impact.publish import platform

        return platform.targets(self)

    # --- the analysts' workbench (publish.workbench, .trend, .people; files: publish.export) ---------
    table = workbench.table
    trend = monthly.trend
    trend_figure = monthly.trend_figure
    participants_view = people.participants_view
    subset = people.subset
    export = export_results

    def impact(self):
        """The programme's effect against the cohort's comparison group, if it has one: difference
        in differences at each wave, event study and balance (:class:`impact.publish.impact.
        ImpactResults`; ``.available`` is False without one).

        >>> e = build(data, cohort="karawang-2023").impact()                        # doctest: +SKIP
        >>> e.did("recovery_ratio"), e.event_study_figure(), e.balance()            # doctest: +SKIP
        """
        from impact.publish.impact import impact_results

        if "impact" not in self._cache:
            self._cache["impact"] = impact_results(
                self.source, self.params, cohorts={self.params.cohort: self}
            )
        return self._cache["impact"]

    def logframe(self):
        from impact.publish.logframe import logframe

        return logframe(self)

    def balance(self):
        from impact.publish import quality

        return quality.balance(self)

    def data_quality(self):
        from impact.publish import quality

        return quality.data_quality(self)

    def quarantine_summary(self):
        from impact.publish import quality

        return quality.quarantine_summary(self)

    def methods(self) -> str:
        from impact.publish import narrative

        return narrative.methods(self)

    def notes_markdown(self) -> str:
        from impact.publish import narrative

        return narrative.notes(self)

    def legend(self) -> str:
        from impact.publish import narrative

        return narrative.legend(self)

    @property
    def dimensions(self) -> tuple[str, ...]:
        """The breakdowns this report has: by sex, and by confederation when it covers several."""
        return DIMENSIONS if self.params.confederation == "all" else ("gender",)

    def section(self, key: str, intro: str | None = None, *, level: int = 2):
        """A section heading, and its introduction, in the report's language (shown as markdown),
        e.g. ``r.section("sec_recovery", "sec_recovery_intro")``."""
        from impact.publish.views import Prose

        body = f"{'#' * level} {self.text.t(key)}"
        return Prose(body + (f"\n\n{self.text.t(intro)}" if intro else ""))

    def heading(self, key: str) -> str:
        """A section heading (markdown) in the report's language, e.g. ``r.heading("sec_recovery")``."""
        return f"## {self.text.t(key)}"

    def say(self, key: str, **fields) -> str:
        """A sentence of the catalogue in the report's language."""
        return self.text.t(key, **fields)

    # --- the release's cells ---------------------------------------------------------------------------
    def frame_with_groups(self, frame: pd.DataFrame, dimension: str | None) -> pd.DataFrame:
        """``frame`` with its ``dimension`` column's missing values as their own group (``unknown``);
        for :data:`INTERSECTION`, a column ``confederation|gender`` built from the two."""
        if dimension == INTERSECTION:
            both = self.frame_with_groups(self.frame_with_groups(frame, "confederation"), "gender")
            combined = both["confederation"].astype(str) + "|" + both["gender"].astype(str)
            return frame.assign(**{INTERSECTION: combined})
        if dimension is None or not frame[dimension].isna().any():
            return frame
        column = frame[dimension]
        if isinstance(column.dtype, pd.CategoricalDtype):
            column = column.cat.add_categories(["unknown"]).fillna("unknown")
        else:
            column = column.astype("string").fillna("unknown")
        return frame.assign(**{dimension: column})

    def _by(self, by, *, two_way: bool = True) -> str | None:
        """``by`` as one dimension name: ``"gender"``, ``["gender"]`` and ``("gender",)`` are the
        same; ``["confederation", "gender"]`` (either order) is :data:`INTERSECTION`, internal only."""
        by = workbench.by_list(by)  # a name or a list of names; anything else says so
        if not by:
            return None
        if sorted(by) == ["confederation", "gender"] and two_way:
            if self.rules.public:
                raise ParameterError(
                    "by=['confederation', 'gender']: the confederation × sex table is internal "
                    "only (published next to the one-way tables it could be differenced); "
                    "give one of gender, confederation, or build with audience='internal'"
                )
            return INTERSECTION
        if len(by) != 1:
            raise ParameterError(
                f"by={by!r}: give one of {', '.join(DIMENSIONS)}"
                + (" or ['confederation', 'gender']" if two_way else "")
            )
        by = by[0]
        if by not in DIMENSIONS:
            raise ParameterError(
                f"by={by!r}: expected one of {', '.join(DIMENSIONS)} (any participant column: r.table(by=...))"
            )
        return by

    def line(self, wave: str, dimension: str | None = None) -> Cells:
        """The recovery cells of one wave, overall (``dimension=None``) or by sex / confederation."""
        key = ("line", wave, dimension)
        if key not in self._cache:
            self._cache[key] = self._line(wave, dimension)
        return self._cache[key]

    def _line(self, wave: str, dimension: str | None) -> Cells:
        by = [dimension] if dimension else []
        w = self.frame_with_groups(self.waves, dimension)
        t = tables.recovery_table(w, wave=wave, by=by, real_terms=self.params.real_terms)
        t.index = pd.Index(
            [str(x) if x != tables.ALL else TOTAL for x in t[dimension]] if dimension else [TOTAL]
        )
        t = t.drop(columns=[*by, "caveat"])
        dominated = self._dominated(w, wave, dimension) if dimension else None
        cells = protect_line(
            t,
            count="n",
            stats=RECOVERY_STATS,
            quantiles=QUANTILE_STATS,
            dominated=dominated,
            dominance_stats=("ratio_of_sums",),
            rules=self.rules,
            counts=("n_eligible", "n_responded"),
            forced=self.profile_cells(dimension).small_groups(),
        )
        # the registered counts are the profile's: hidden where it hides them, in every wave
        cells = inherit(cells, "n_eligible", self.profile_cells(dimension), dependents=("response_rate",))
        return protect_counts_within(cells)  # none or all of a hidden group: rule 5

    def _dominated(self, w: pd.DataFrame, wave: str, dimension: str) -> pd.Series:
        """Groups whose sums of income (now or before) are dominated by one or two people."""
        ratio = "real_recovery_ratio" if self.params.real_terms else "recovery_ratio"
        before = "income_before_real_idr" if self.params.real_terms else "income_before_idr"
        has = w[(w["wave"].astype(str) == wave) & w[ratio].notna()]
        if has.empty:
            return pd.Series(dtype=bool)
        out = None
        for amount in ("income_total_idr", before):
            contributions = has[[dimension, amount]].assign(**{dimension: has[dimension].astype(str)})
            flags = disclosure.dominance(
                contributions, group_columns=[dimension], value=amount, totals={dimension: TOTAL}
            )
            out = flags if out is None else (out | flags.reindex(out.index, fill_value=False))
        return out.rename(index=str)

    def profile_cells(self, dimension: str | None) -> Cells:
        """Registered participants overall or by one dimension, and their situation at registration."""
        key = ("profile", dimension)
        if key in self._cache:
            return self._cache[key]
        p = self.frame_with_groups(self.participants, dimension)
        rows = {}
        for labels, g in tables.group_cells(p, [dimension] if dimension else []):
            code = TOTAL if not labels or labels[dimension] == tables.ALL else str(labels[dimension])
            rows[code] = {
                "n": len(g),
                "median_income_before_idr": g["income_before_idr"].astype("Float64").median(),
                "median_income_baseline_idr": g["income_baseline_idr"].astype("Float64").median(),
                "median_target_monthly_idr": g["target_monthly_idr"].astype("Float64").median(),
                "share_with_reseller_account": g["reseller_key"].notna().mean() if len(g) else np.nan,
                "mean_sessions_attended": g["sessions_attended"].astype("Float64").mean(),
            }
        frame = pd.DataFrame.from_dict(rows, orient="index")
        frame = frame.loc[[*(c for c in frame.index if c != TOTAL), TOTAL]]
        stats_ = [c for c in frame.columns if c != "n"]
        cells = protect_line(
            frame,
            count="n",
            stats=stats_,
            quantiles=("median_income_before_idr", "median_income_baseline_idr", "median_target_monthly_idr"),
            rules=self.rules,
        )
        self._cache[key] = cells
        return cells

    def km(self) -> dict[str, tuple[pd.DataFrame, int]]:
        """Kaplan–Meier curves per published group (``all``; ``female``/``male`` when both sexes are
        published at the latest wave and have enough people), with each group's n."""
        if "km" in self._cache:
            return self._cache["km"]
        column = "real_recovered" if self.params.real_terms else "recovered"
        ttr = indicators.time_to_recovery(self.waves, column=column)
        groups = {"all": ttr}
        if self.params.audience == "internal" or self._sexes_published():
            groups |= {g: ttr[ttr["gender"] == g] for g in vocab.GENDERS}
        out = {}
        for name, g in groups.items():
            if len(g) == 0 or (self.rules.public and len(g) < self.rules.k):
                continue
            curve = stats.kaplan_meier(
                g["duration_months"].astype(float).to_numpy(), g["event"].to_numpy(dtype=bool)
            )
            out[name] = (curve, len(g))
        if self.rules.public and set(out) & set(vocab.GENDERS) != set(vocab.GENDERS):
            out = {k: v for k, v in out.items() if k == "all"}
        if self.rules.public and len(out) > 1:
            # the curve's own breakdown: with a small "not stated" group in it, all − women − men
            # would give that group's size (29 − 12 − 16 = 1), so the sexes go with it
            sex = ttr["gender"].astype("string").fillna("unknown")
            codes = [*vocab.GENDERS, "unknown"]
            sizes = pd.DataFrame(
                {"n": [int((sex == g).sum()) for g in codes] + [len(ttr)]}, index=[*codes, TOTAL]
            )
            cells = protect_line(
                sizes[(sizes["n"] > 0) | (sizes.index == TOTAL)], count="n", stats=[], rules=self.rules
            )
            if not all(cells.visible(g, self.rules) for g in vocab.GENDERS):
                out = {k: v for k, v in out.items() if k == "all"}
        self._cache["km"] = out
        return out

    def _sexes_published(self) -> bool:
        wave = self.latest_wave
        if wave is None:
            return False
        cells = self.line(wave, "gender")
        return all(cells.visible(g, self.rules) for g in vocab.GENDERS if g in cells.values.index) and all(
            g in cells.values.index for g in vocab.GENDERS
        )

    def month_cells(self) -> Cells | None:
        """Platform activity per month since training (all participant accounts): accounts, share with
        a sale, and commission quantiles among accounts with a sale (None without platform data)."""
        from impact.publish import cells

        return cells.month_cells(self)

    def target_cells(self) -> Cells:
        """Own-target attainment per wave (everyone who answered and set a target)."""
        from impact.publish import cells

        return cells.target_cells(self)

    def income_source_cells(self) -> Cells | None:
        """Where income came from at the latest wave: the share of all participants' income last month
        that was reselling income (as they reported it) and platform commission (as recorded)."""
        from impact.publish import cells

        return cells.income_source_cells(self)

    def balance_cells(self) -> tuple[pd.DataFrame, bool] | None:
        """Stayers (answered the latest wave) against leavers, on baseline characteristics; and
        whether a reader of this audience may see it (both groups of at least k people)."""
        wave = self.latest_wave
        if wave is None:
            return None
        t = tables.attrition_balance(self.waves, self.participants, wave=wave)
        ok = (
            bool(len(t))
            and int(t["n_true"].max()) >= self.rules.k
            and int(t["n_false"].max()) >= self.rules.k
        )
        if self.rules.public:
            small = (t["n_true"] < self.rules.k) | (t["n_false"] < self.rules.k)
            # the share of women among stayers and leavers gives the number of women, which the
            # profile hides when a sex group is hidden (38% × 29 + 44% × 18 = 19 women)
            sexes = self.profile_cells("gender")
            if sexes.hidden[sexes.count].any():
                small |= t["characteristic"].astype(str) == "female"
            ok = ok and not small.all()
            t = t[~small]
        return t, ok or not self.rules.public


# --- building ---------------------------------------------------------------------------------------


def _filter(data: CleanData, params: ReportParams) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, list]:
    p = data.participants[data.participants["cohort"] == params.cohort]
    if params.confederation != "all":
        p = p[p["confederation"] == params.confederation]
    ids = set(p["participant_id"])
    fu = data.followups[data.followups["participant_id"].isin(ids)]
    keys = set(p["reseller_key"].dropna())
    rm = data.reseller_monthly[data.reseller_monthly["reseller_key"].isin(keys)]
    notes = []
    if params.as_of is not None:
        cut = pd.Timestamp(params.as_of)
        fu = fu[fu["interview_date"].isna() | (fu["interview_date"] <= cut)]
        rm, note = cut_platform(rm, data.orders, as_of=params.as_of)
        notes += [note] if note else []
    return p, fu, rm, notes


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

    ``as_of="YYYY-MM-DD"`` shows the cohort as it stood at the end of that day: follow-up answers
    interviewed by then, platform months before it whole and its own month up to that day — cut
    by day from the order table when it is loaded (``impact.load(folder)`` loads it; given a folder
    with ``as_of``, build reads it), else the whole month, which ``r.notes`` then says. A day
    before the cohort's training month is a :class:`~impact.errors.ParameterError`.

    >>> r = build(data, cohort="sukabumi-2023", as_of="2024-06-15")             # doctest: +SKIP
    """
    params = params or ReportParams(**kwargs)
    data = source if isinstance(source, CleanData) else io.load(source, orders=params.as_of is not None)
    params = check_params(params, data)
    programme = data.programme
    files = io.read_reference(reference_dir, spec=programme.reference)
    wages, cpi = reference_tables(files)
    p, fu, rm, cut_notes = _filter(data, params)
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
    # through the as-of month, or the platform data's last month if that is earlier
    through = pd.Timestamp(params.as_of).to_period("M").to_timestamp() if params.as_of else None
    through = min(through, data.reseller_monthly["month"].max()) if through and len(rm) else through
    months = indicators.participant_months(
        p, rm if len(rm) else data.reseller_monthly.iloc[:0], through=through, cohorts=programme.cohorts
    )
    sales = (
        indicators.first_sales(months)
        if len(months)
        else pd.DataFrame(columns=["participant_id", "ever_sold", "gender"])
    )
    notes = [*cut_notes, *reference_notes(wages, p, waves, files.folder)]
    cohort = programme.cohorts.get(params.cohort)
    if cohort is not None and cohort.inferred:
        notes.append(
            f"The cohort {params.cohort} is not in the programme configuration: its "
            f"{', '.join(f.replace('_', ' ') for f in cohort.inferred)} were taken from the data "
            f"(training month {cohort.training_month:%B %Y}, from the baseline registration dates)."
        )
    return CohortResults(
        params, p, waves, months, sales, data.audit, data.quarantine, notes, programme, data.review, data
    )
