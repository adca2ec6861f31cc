"""The programme as a whole: every cohort pooled by months since training, built in one call.

>>> p = programme_results("data/sample/processed", audience="public")    # doctest: +SKIP
>>> p.recovery(by="gender", wave="m6")                                  # doctest: +SKIP

Donors fund a programme, not a cohort: :func:`programme_results` builds each cohort's results
(:func:`impact.publish.results.build`, same parameters) and pools them by event time — a cohort's
``m3`` is three months after *its* training, so the programme's ``m3`` holds everyone of every
cohort that has reached it. :class:`ProgrammeResults` holds the pooled per-participant frames and
the *cells* its views read (:mod:`impact.publish.release`, the same disclosure rules as a cohort's).

**The release is the programme.** Its public report is audited as a release of its own
(``reports/programme/programme_all_public.html``; cohort key :data:`PROGRAMME`). Because every
cohort's public report is published too, a pooled figure is also *linked* to the cohorts' figures
it sums: where a cohort's own release hides a group and the others show theirs, the pooled figure
minus the shown ones would give it back. :func:`link_cells` hides such pooled groups (with their
complements), so nothing a cohort's release hides can be recovered from the programme's.

The views (tables, charts, sentences) are in :mod:`impact.publish.programme_views`; the impact
section (comparison groups) in :mod:`impact.publish.impact`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from impact import io, vocab
from impact.config import PROGRAMME, ReportParams
from impact.contract import CleanData
from impact.errors import ParameterError
from impact.measure import pooled
from impact.programme import Programme
from impact.publish.release import (
    HIDDEN,
    PROTECTION,
    TOTAL,
    Cells,
    Published,
    Rules,
    complements,
    inherit,
    protect_counts_within,
    protect_line,
)
from impact.publish.results import QUANTILE_STATS, CohortResults, build

__all__ = ["PROGRAMME", "ProgrammeResults", "link_cells", "programme_results"]

#: the one-way breakdowns of the programme report
DIMENSIONS = ("gender", "confederation")
#: the statistics of a pooled recovery cell
POOLED_STATS = (
    "n_responded",
    "median_recovery_ratio",
    "median_recovery_ratio_low",
    "median_recovery_ratio_high",
    "share_recovered",
    "share_recovered_low",
    "share_recovered_high",
    "ratio_of_sums",
    "ratio_of_sums_low",
    "ratio_of_sums_high",
    "n_recovered",
    "cohorts",
)


def link_cells(
    cells: Cells, sets: list[dict[str, Cells]], *, rules: Rules, count: str | None = None
) -> Cells:
    """``cells`` (a pooled breakdown) with every group hidden that a reader could recover a cohort's
    hidden group from, and the complements that this needs (rule 2 of :mod:`impact.publish.release`).

    ``sets``: each a mapping cohort → that cohort's published cells of the same figure whose sum
    a pooled figure is (or, for a difference of two pooled figures, the cohorts in it). For each
    group: if the cohorts that hide it are one, or hold fewer than their number + 2 people, the
    pooled group is hidden (``c``). Internal results are returned unchanged. Pure.
    """
    if not rules.public:
        return cells
    count = count or cells.count
    forced = set()
    for group in cells.values.index:
        for pieces in sets:
            hidden = []
            for c in pieces.values():
                if (
                    group in c.values.index
                    and (c.values.loc[group, c.count] or 0) > 0
                    and c.reasons.loc[group, c.count]
                ):
                    hidden.append(float(c.values.loc[group, c.count]))
            if len(hidden) == 1 or (len(hidden) > 1 and sum(hidden) < len(hidden) + PROTECTION):
                forced.add(group)
    if not forced:
        return cells
    return _hide(cells, forced, count=count)


def _hide(cells: Cells, forced: set[str], *, count: str) -> Cells:
    """``cells`` with the ``forced`` groups hidden whole, and then as many more of the breakdown
    (smallest first, else the total) as rule 2 needs."""
    values, reasons = cells.values, cells.reasons
    n = values[count].astype("Float64").fillna(0).to_numpy(dtype=float)
    codes = list(values.index)
    hidden = (reasons[count] != "").to_numpy() | np.array([g in forced for g in codes])
    hidden = complements(n, codes, hidden)
    marks = reasons.to_numpy(dtype=object, copy=True)
    marks[hidden] = np.where(marks[hidden] == "", HIDDEN, marks[hidden])
    return Cells(
        values, pd.DataFrame(marks, index=reasons.index, columns=reasons.columns).astype(str), cells.count
    )


@dataclass
class ProgrammeResults(Published):
    """Every cohort of a programme, pooled by months since training (see the module docstring)."""

    params: ReportParams
    cohorts: dict[str, CohortResults]
    participants: pd.DataFrame
    waves: pd.DataFrame
    audit: dict
    quarantine: pd.DataFrame
    programme: Programme = field(default_factory=Programme)
    notes: list[str] = field(default_factory=list)
    data: CleanData | None = field(default=None, repr=False)
    _cache: dict = field(default_factory=dict, repr=False)

    # --- basics ----------------------------------------------------------------------------------------
    dimensions = DIMENSIONS

    @property
    def training(self) -> dict[str, object]:
        """Cohort → training month (the order of "earlier" and "later")."""
        return {c: r.cohort.training_month if r.cohort else None for c, r in self.cohorts.items()}

    @property
    def wave_list(self) -> list[str]:
        """Every wave of any cohort, in order."""
        found = {w for r in self.cohorts.values() for w in r.wave_list}
        return [w for w in vocab.WAVES if w in found]

    @property
    def answered_waves(self) -> list[str]:
        got = set(self.waves.loc[self.waves["responded"], "wave"].astype(str))
        return [w for w in self.wave_list if w in got]

    @property
    def latest_wave(self) -> str | None:
        answered = self.answered_waves
        return answered[-1] if answered else None

    def reached(self, wave: str) -> list[str]:
        """The cohorts with at least one answer at ``wave`` (the ones pooled there)."""
        return [c for c, r in self.cohorts.items() if wave in r.answered_waves]

    @property
    def logframe_wave(self) -> str | None:
        """The wave the logframe reports: the latest that every cohort with answers has reached."""
        answering = [r for r in self.cohorts.values() if r.answered_waves]
        common = [w for w in self.answered_waves if all(w in r.answered_waves for r in answering)]
        return common[-1] if common else self.latest_wave

    def __repr__(self) -> str:
        p = self.params
        by_wave = ", ".join(f"{w}: {len(self.reached(w))} cohort(s)" for w in self.answered_waves)
        return (
            f"ProgrammeResults({len(self.cohorts)} cohorts, {len(self.participants)} participants, "
            f"{p.audience}, lang={p.lang}): {by_wave or 'no follow-up yet'}; min cell {p.min_cell_size}"
        )

    def _repr_html_(self) -> str:
        import html

        return f"<pre>{html.escape(repr(self))}</pre>"

    def frame_with_groups(self, frame: pd.DataFrame, dimension: str | None) -> pd.DataFrame:
        return (
            next(iter(self.cohorts.values())).frame_with_groups(frame, dimension) if self.cohorts else frame
        )

    def _by(self, by) -> str | None:
        if by is None or by in ([], ()):
            return None
        if isinstance(by, list | tuple):
            if len(by) != 1:
                raise ParameterError(
                    f"by={by!r}: the programme report has one-way breakdowns: gender, confederation"
                )
            by = by[0]
        if by not in DIMENSIONS:
            raise ParameterError(f"by={by!r}: expected one of {', '.join(DIMENSIONS)}")
        return by

    # --- the release's cells -------------------------------------------------------------------------
    def profile_cells(self, dimension: str | None) -> Cells:
        """Registered participants of every cohort, overall or by one dimension."""
        key = ("profile", dimension)
        if key not in self._cache:
            p = self.frame_with_groups(self.participants, dimension)
            frame = _counts(p, dimension, {"n": lambda g: len(g)})
            frame["median_income_before_idr"] = _by_group(
                p, dimension, lambda g: g["income_before_idr"].astype("Float64").median(), frame.index
            )
            frame["share_with_reseller_account"] = _by_group(
                p, dimension, lambda g: g["reseller_key"].notna().mean() if len(g) else np.nan, frame.index
            )
            cells = protect_line(
                frame,
                count="n",
                stats=["median_income_before_idr", "share_with_reseller_account"],
                quantiles=("median_income_before_idr",),
                rules=self.rules,
            )
            pieces = {c: r.profile_cells(dimension) for c, r in self.cohorts.items()}
            self._cache[key] = link_cells(cells, [pieces], rules=self.rules)
        return self._cache[key]

    def eligible_cells(self, wave: str, dimension: str | None) -> Cells:
        """Registered participants of the cohorts that have reached ``wave`` (due a follow-up)."""
        key = ("eligible", wave, dimension)
        if key not in self._cache:
            due = [c for c, r in self.cohorts.items() if wave in r.wave_list and _reached(r, wave)]
            p = self.frame_with_groups(self.participants[self.participants["cohort"].isin(due)], dimension)
            frame = _counts(
                p, dimension, {"n": lambda g: len(g)}, like=self.profile_cells(dimension).values.index
            )
            cells = protect_line(frame, count="n", stats=[], rules=self.rules)
            profiles = {c: r.profile_cells(dimension) for c, r in self.cohorts.items()}
            sets = [{c: profiles[c] for c in due}]
            if set(due) != set(self.cohorts):  # all registered − those due: the cohorts not due yet
                sets.append({c: v for c, v in profiles.items() if c not in due})
            self._cache[key] = link_cells(cells, sets, rules=self.rules)
        return self._cache[key]

    def line(self, wave: str, dimension: str | None = None) -> Cells:
        """Pooled recovery cells of one wave, overall or by sex / confederation."""
        key = ("line", wave, dimension)
        if key not in self._cache:
            by = [dimension] if dimension else []
            w = self.frame_with_groups(self.waves, dimension)
            t = pooled.pooled_recovery_table(w, wave=wave, by=by, real_terms=self.params.real_terms)
            t.index = pd.Index(
                [str(x) if x != "All" else TOTAL for x in t[dimension]] if dimension else [TOTAL]
            )
            t = t.drop(columns=by)
            cells = protect_line(
                t,
                count="n",
                stats=("n_eligible", *POOLED_STATS),
                quantiles=QUANTILE_STATS[:3],
                rules=self.rules,
                counts=("n_eligible", "n_responded", "n_recovered"),
                forced=self.eligible_cells(wave, dimension).small_groups(),
            )
            # those due are the eligible cells' (hidden where they hide them); rule 5 within groups
            cells = protect_counts_within(inherit(cells, "n_eligible", self.eligible_cells(wave, dimension)))
            pieces = {c: r.line(wave, dimension) for c, r in self.cohorts.items() if wave in r.answered_waves}
            self._cache[key] = link_cells(cells, [pieces], rules=self.rules)
        return self._cache[key]

    def contribution_cells(self) -> Cells:
        """Each cohort's registered and answering people (its own release's totals) and the programme's."""
        if "contributions" not in self._cache:
            t = pooled.cohort_contributions(self.participants, self.waves, real_terms=self.params.real_terms)
            waves = [w for w in self.wave_list if f"answered_{w}" in t]
            frame = t[["registered", *(f"answered_{w}" for w in waves)]].copy()
            frame.loc[TOTAL] = frame.sum()
            frame = frame.rename(
                columns={"registered": "n", **{f"answered_{w}": f"n_responded_{w}" for w in waves}}
            )
            reasons = pd.DataFrame("", index=frame.index, columns=frame.columns, dtype=object)
            if self.rules.public:
                for c, r in self.cohorts.items():  # what the cohort's own release hides, hidden here too
                    if not r.profile_cells(None).visible(TOTAL, r.rules):
                        reasons.loc[c, "n"] = HIDDEN
                    for w in waves:
                        if w in r.answered_waves and r.line(w).reasons.loc[TOTAL, "n_responded"]:
                            reasons.loc[c, f"n_responded_{w}"] = HIDDEN
                for col in frame.columns:
                    if (reasons.loc[list(self.cohorts), col] != "").sum() == 1:
                        reasons.loc[TOTAL, col] = HIDDEN
            self._cache["contributions"] = Cells(frame.astype("Float64"), reasons.astype(str), "n")
        return self._cache["contributions"]

    def comparison_frame(self) -> pd.DataFrame:
        """Later against earlier cohorts at each wave (:func:`impact.measure.pooled.cohort_comparison`),
        with ``shown``: whether a reader of this audience may see the row (both sides of at least
        ``k_quantile`` people, and each cohort's own release showing its group)."""
        if "cohort_comparison" not in self._cache:
            t = pooled.cohort_comparison(
                self.waves, training=self.training, real_terms=self.params.real_terms
            )
            kq = self.rules.k_quantile
            shown = ((t["n_later"] >= kq) & (t["n_earlier"] >= kq)).fillna(False).to_numpy(dtype=bool)
            if self.rules.public:
                shown &= np.array(
                    [
                        all(self.cohorts[c].line(w).visible(TOTAL, self.rules) for c in [a, *b.split(",")])
                        for w, a, b in zip(t["wave"], t["later"], t["earlier"], strict=True)
                    ],
                    dtype=bool,
                )
            self._cache["cohort_comparison"] = t.assign(shown=shown)
        return self._cache["cohort_comparison"]

    def sales(self) -> pd.DataFrame:
        """Every cohort's reseller accounts: ever sold (:func:`impact.measure.indicators.first_sales`)."""
        parts = [r.sales for r in self.cohorts.values() if len(r.sales)]
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["ever_sold", "gender"])

    def trained(self) -> int | None:
        """The number trained across cohorts (the programme's published facts), None when any is missing."""
        counts = [r.cohort.trained if r.cohort else None for r in self.cohorts.values()]
        return sum(counts) if counts and None not in counts else None

    # --- what the report shows (tables, charts and words: impact.publish.programme_views) ----------
    def title_block(self) -> str:
        from impact.publish import programme_views

        return programme_views.title_block(self)

    def summary(self) -> str:
        from impact.publish import programme_views

        return programme_views.summary(self)

    def contributions(self):
        """Each cohort's part: training month, trained, registered, answering at each wave."""
        from impact.publish import programme_views

        return programme_views.contributions(self)

    def participation(self, *, by: str | None = "gender"):
        """Registered, due a follow-up and answering at each wave, by sex or confederation."""
        from impact.publish import programme_views

        return programme_views.participation(self, by=self._by(by))

    def recovery(self, *, by: str | None = None, wave: str | None = None):
        """Pooled recovery at a wave (default: the latest with answers), overall or by group."""
        from impact.publish import programme_views

        return programme_views.recovery(self, by=self._by(by), wave=wave)

    def trajectory_figure(self, *, by: str | None = None, **style):
        from impact.publish import programme_views

        return programme_views.trajectory(self, by=self._by(by), **style)

    def cohort_comparison(self):
        """Later against earlier cohorts at each wave, with intervals."""
        from impact.publish import programme_views

        return programme_views.cohort_comparison(self)

    def logframe(self):
        from impact.publish import programme_views

        return programme_views.logframe(self)

    def impact(self):
        """The impact section: difference in differences against the comparison groups of the
        cohorts that have one (:class:`impact.publish.impact.ImpactResults`)."""
        from impact.publish.impact import impact_results

        if "impact" not in self._cache:
            self._cache["impact"] = impact_results(self.data, self.params, cohorts=self.cohorts)
        return self._cache["impact"]

    def methods(self) -> str:
        from impact.publish import programme_views

        return programme_views.methods(self)

    def notes_markdown(self) -> str:
        return "\n".join(f"- {n}" for n in self.notes) or "–"

    def legend(self) -> str:
        from impact.publish import narrative

        return narrative.legend(self)

    def section(self, key: str, intro: str | None = None, *, level: int = 2):
        """A section heading, and its introduction, in the report's language (shown as markdown)."""
        from impact.publish.views import Prose

        body = f"{'#' * level} {self.text.t(key)}"
        return Prose(body + (f"\n\n{self.text.t(intro)}" if intro else ""))


def _reached(r: CohortResults, wave: str) -> bool:
    return wave in r.answered_waves


def _counts(
    frame: pd.DataFrame, dimension: str | None, stats: dict, *, like: pd.Index | None = None
) -> pd.DataFrame:
    from impact.measure import tables

    rows = {}
    for labels, g in tables.group_cells(frame, [dimension] if dimension else []):
        code = TOTAL if not labels or labels[dimension] == tables.ALL else str(labels[dimension])
        rows[code] = {name: fn(g) for name, fn in stats.items()}
    out = pd.DataFrame.from_dict(rows, orient="index")
    if like is not None:
        out = out.reindex([c for c in like if c in out.index or c == TOTAL]).fillna(0)
    return out.loc[[*(c for c in out.index if c != TOTAL), TOTAL]]


def _by_group(frame: pd.DataFrame, dimension: str | None, fn, index: pd.Index) -> list:
    from impact.measure import tables

    out = {}
    for labels, g in tables.group_cells(frame, [dimension] if dimension else []):
        code = TOTAL if not labels or labels[dimension] == tables.ALL else str(labels[dimension])
        out[code] = fn(g)
    return [out.get(c, np.nan) for c in index]


def programme_results(
    source: str | Path | CleanData,
    params: ReportParams | None = None,
    *,
    reference_dir: str | Path | None = None,
    **kwargs,
) -> ProgrammeResults:
    """Load (if given a folder) and compute everything for the programme: each cohort's results
    with the same parameters, pooled. ``params`` is a :class:`~impact.config.ReportParams` whose
    cohort is ``"programme"`` (or give its fields as keywords:
    ``programme_results(data, audience="internal")``); its confederation must be ``all``.
    """
    data = source if isinstance(source, CleanData) else io.load(source, orders=False)
    params = params or ReportParams(**{"cohort": PROGRAMME, **kwargs})
    if params.confederation != "all":
        raise ParameterError("the programme report covers every confederation: use confederation='all'")
    found = set(data.participants["cohort"].dropna().astype(str))
    if PROGRAMME in found:
        raise ParameterError(f"a cohort is coded {PROGRAMME!r}, which names the programme report; rename it")
    codes = [c for c in data.programme.cohorts if c in found] + sorted(found - set(data.programme.cohorts))
    if not codes:
        raise ParameterError("the processed data has no participants: nothing to pool")
    cohorts = {c: build(data, params.with_(cohort=c, title=""), reference_dir=reference_dir) for c in codes}
    participants = pd.concat([r.participants for r in cohorts.values()], ignore_index=True)
    waves = pd.concat([r.waves for r in cohorts.values()], ignore_index=True)
    notes = list(dict.fromkeys(n for r in cohorts.values() for n in r.notes))
    return ProgrammeResults(
        params, cohorts, participants, waves, data.audit, data.quarantine, data.programme, notes, data
    )
