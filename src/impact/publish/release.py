"""The disclosure model of a release: the one place that decides what a public reader sees.

A *release* is everything a reader gets together: a cohort's public report and its public
Excel annex (per-confederation reports are internal only, so they are not part of it). Every
number the release shows is a statistic of a *group cell* — the people of one group (everyone,
women, a confederation, …) at one follow-up wave, or in one platform month — and every table,
chart, sentence and logframe entry takes its values from the same :class:`Cells`, so a cell is
shown or hidden the same way everywhere. The rules, in order:

1. **Small groups** (``s``): a cell of 1 to ``k − 1`` people (``k`` = the minimum cell size) shows
   none of its figures — its count and every statistic of it.
2. **Complements** (``c``): a breakdown (the groups of one dimension plus their total) never hides
   exactly one group, and its hidden groups together hold enough people that none of them can be
   pinned down by subtracting the shown ones from the total (at least their number + 2): the
   smallest other groups are hidden too (else the total) — for the count and for every count
   behind its shares.
   Breakdowns are one-way in public (by sex; by confederation); people whose group is not known
   form their own group (``unknown``/``unmapped``) so the groups always add up to the total.
3. **Quantiles** (``q``): medians, percentiles and their intervals — of money and of ratios — need
   ``k_quantile = max(10, 2k)`` people (the median of five values *is* one person's value; five
   quantiles of five values give back all five).
4. **Dominance** (``d``): a ratio of sums is hidden when one or two people hold more than 90% of
   either sum.
5. **None or all** (``c``): "none of them recovered" (or "all of them answered") is an attribute
   disclosure about every person of a group. Where the hidden groups of a breakdown would be
   shown, by the total minus the shown groups, to have none or all of them with an attribute
   (recovered, answered) while the total has a mix, one more group's count of the attribute is
   hidden (:func:`protect_attribute`).

Public outputs show every hidden figure as ``c`` (one symbol, so the reason — which tells which
group is the small one — is not published); internal outputs show every figure, with the reason
and ``!`` (``3 s!``). What the rules leave visible is checked, on the files written, by
:mod:`impact.report.audit` (``impact audit-disclosure``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from impact.config import ReportParams
from impact.publish.i18n import Text

__all__ = [
    "HIDDEN",
    "MARKS",
    "PROTECTION",
    "Cells",
    "Published",
    "Rules",
    "complements",
    "inherit",
    "protect_attribute",
    "protect_counts_within",
    "protect_line",
]

#: a breakdown's hidden groups together hold at least (their number + PROTECTION) people, so a
#: reader who subtracts the shown ones from the total can narrow none of them to fewer than three
#: possible values (``impact audit-disclosure`` checks the same on the files written)
PROTECTION = 2
#: what a public output shows in place of a hidden figure
HIDDEN = "c"
#: reason codes (internal outputs show them, with "!")
MARKS = {"s": "small group", "c": "complement", "q": "quantile of a small group", "d": "dominated sum"}
TOTAL = "all"


@dataclass(frozen=True)
class Rules:
    """The thresholds of a release: ``k`` (minimum cell size) and ``k_quantile``; the audience."""

    k: int
    k_quantile: int
    audience: str

    @classmethod
    def of(cls, params: ReportParams) -> Rules:
        return cls(
            k=params.min_cell_size, k_quantile=max(10, 2 * params.min_cell_size), audience=params.audience
        )

    @property
    def public(self) -> bool:
        return self.audience == "public"


class Published:
    """What a results object (``params``: its :class:`ReportParams`) publishes under: the release
    :attr:`rules` and the :attr:`text` of its language."""

    params: ReportParams

    @property
    def rules(self) -> Rules:
        return Rules.of(self.params)

    @property
    def text(self) -> Text:
        return Text(self.params.lang)


@dataclass(frozen=True)
class Cells:
    """One breakdown's group cells (rows: group codes, the total ``all`` last) with what may be shown.

    ``values``: the numbers; ``reasons``: "" or a reason code per figure (see the module docstring).
    A figure is hidden from the public where its reason is not "".
    """

    values: pd.DataFrame
    reasons: pd.DataFrame
    count: str

    @property
    def hidden(self) -> pd.DataFrame:
        return self.reasons != ""

    def shown(self, group: str, stat: str, rules: Rules) -> float | None:
        """The value a reader of ``rules.audience`` sees (None when hidden or missing)."""
        if group not in self.values.index or stat not in self.values.columns:
            return None
        if rules.public and self.reasons.loc[group, stat]:
            return None
        value = self.values.loc[group, stat]
        return None if pd.isna(value) else float(value)

    def small_groups(self) -> list[str]:
        """The groups hidden as small (rule 1) — their count is 1 to k − 1."""
        return [g for g, why in self.reasons[self.count].items() if why == "s"]

    def visible(self, group: str, rules: Rules) -> bool:
        """Whether the group's count is shown to this audience."""
        return group in self.values.index and (not rules.public or not self.reasons.loc[group, self.count])

    def groups(self) -> list[str]:
        return [g for g in self.values.index if g != TOTAL]


def protect_line(
    frame: pd.DataFrame,
    *,
    count: str,
    stats: Sequence[str],
    quantiles: Sequence[str] = (),
    dominated: pd.Series | None = None,
    dominance_stats: Sequence[str] = (),
    rules: Rules,
    fixed: Sequence[str] = (),
    counts: Sequence[str] = (),
    forced: Sequence[str] = (),
) -> Cells:
    """Decide what of one breakdown may be shown (rules 1–4 of the module docstring).

    ``frame``: one row per group (index: group codes, the total ``all`` last) with ``count`` and
    ``stats`` columns. ``quantiles``: the stats that are quantiles (rule 3); ``dominated``: a
    boolean per group (rule 4) for ``dominance_stats``. ``fixed``: columns shown whatever happens to
    their row (figures the programme has already published, like the number trained). ``counts``:
    the stats that are other counts of the group's people (registered, answered): still counts
    when ``count`` is 0, where the other statistics are undefined. ``forced``: groups hidden as
    small whatever ``count`` says — a small group of another breakdown of the same people (those
    registered), whose "0 with income data" would say what none of them did (rule 5).
    Pure; the input is not changed.
    """
    columns = [count, *stats]
    values = frame[columns].copy()
    n = values[count].astype("Float64").fillna(0).to_numpy(dtype=float)
    groups = np.array([g != TOTAL for g in values.index])
    force = np.array([g in set(forced) for g in values.index], dtype=bool) & groups
    small = ((n >= 1) & (n < rules.k)) | force
    hidden = complements(n, list(values.index), small, force=force)
    row_reason = np.where(small, "s", np.where(hidden, "c", ""))
    reasons = pd.DataFrame({c: row_reason for c in columns}, index=values.index, dtype=object)
    few = n < rules.k_quantile
    for q in quantiles:
        reasons[q] = np.where((reasons[q] == "") & few & (n > 0), "q", reasons[q])
    if dominated is not None:
        flag = dominated.reindex(values.index).fillna(False).to_numpy(dtype=bool)
        for d in dominance_stats:
            reasons[d] = np.where((reasons[d] == "") & flag, "d", reasons[d])
    for f in fixed:
        reasons[f] = ""
    empty = n == 0  # no people: statistics are undefined (missing), the 0 is shown
    for c in stats:
        if c not in counts:
            values[c] = values[c].astype("Float64").mask(empty)
    return Cells(values, reasons.astype(str), count)


def complements(
    n: np.ndarray, codes: Sequence[str], hidden: np.ndarray, *, force: np.ndarray | None = None
) -> np.ndarray:
    """Rule 2 on one breakdown: ``hidden`` (a mask over ``codes``, the groups and the total
    ``all``) with the smallest other groups hidden too (else the total) until the hidden groups
    hold at least their number + :data:`PROTECTION` people. ``n``: each group's size; ``force``:
    groups that count as holding people whatever ``n`` says (a small group of another breakdown).
    Returns a new mask."""
    hidden = hidden.copy()
    groups = np.array([g != TOTAL for g in codes])
    force = np.zeros(len(codes), dtype=bool) if force is None else force
    total_at = list(codes).index(TOTAL) if TOTAL in codes else None
    while (hidden & groups).any() and (total_at is None or not hidden[total_at]):
        # the hidden groups' sum is the total minus the shown ones: it must leave each of them
        # undetermined with room to spare (one group alone is its sum; two groups of one person
        # summing to 2 are each 1)
        people = hidden & groups & ((n > 0) | force)
        if people.sum() >= 2 and n[people].sum() >= people.sum() + PROTECTION:
            break
        candidates = groups & ~hidden & (n > 0)
        if candidates.any():
            hidden[np.flatnonzero(candidates)[np.argmin(n[candidates])]] = True
        elif total_at is not None:
            hidden[total_at] = True
        else:
            break
    return hidden


def inherit(cells: Cells, stat: str, base: Cells, *, dependents: Sequence[str] = ()) -> Cells:
    """``cells`` with ``stat`` shown exactly where ``base`` shows its count for the same group, and
    each of ``dependents`` (rates over ``stat``) hidden wherever ``stat`` is.

    For a figure that several tables repeat — the number registered per group is in the profile,
    in every wave's recovery table and in the participation table — one breakdown (``base``)
    decides, so no table shows what another hides (``48 − 28`` and ``14 ÷ 74%`` would give back the
    hidden women). Groups missing from ``base`` keep their own reasons. Pure.
    """
    reasons = cells.reasons.copy()
    source = base.reasons[base.count].reindex(reasons.index)
    known = source.notna().to_numpy()
    reasons.loc[known, stat] = source[known].astype(str).to_numpy()
    hidden = reasons[stat] != ""
    for d in dependents:
        reasons[d] = reasons[d].mask(hidden & (reasons[d] == ""), reasons[stat])
    return Cells(cells.values, reasons, cells.count)


def protect_attribute(cells: Cells, stat: str, base: str, *, dependents: Sequence[str] = ()) -> Cells:
    """``cells`` with rule 5 applied to the attribute count ``stat`` (e.g. ``n_recovered``) of the
    people counted in ``base`` (e.g. ``n``): while the groups hiding ``stat`` are, by subtraction,
    all without the attribute (or all with it) and the total is not, the shown group with the
    fewest people that has a mix is hidden too (``stat`` and its ``dependents``, the rates over
    it), else the total. Pure.
    """
    values, reasons = cells.values, cells.reasons.copy()
    if stat not in values or base not in values or TOTAL not in values.index:
        return cells
    a = values[stat].astype("Float64").fillna(0).to_numpy(dtype=float)
    b = values[base].astype("Float64").fillna(0).to_numpy(dtype=float)
    codes = list(values.index)
    total = codes.index(TOTAL)
    groups = np.array([g != TOTAL for g in codes])
    while reasons.iloc[total][stat] == "":
        hidden = groups & (reasons[stat] != "").to_numpy()
        if not hidden.any() or b[hidden].sum() == 0:
            break
        none = a[hidden].sum() == 0 and a[total] > 0
        every = a[hidden].sum() == b[hidden].sum() and a[total] < b[total]
        if not (none or every):
            break
        mixed = groups & ~hidden & (b > 0) & ((a > 0) if none else (a < b))
        at = np.flatnonzero(mixed)[np.argmin(b[mixed])] if mixed.any() else total
        for column in (stat, *dependents):
            if column in reasons:
                reasons.iloc[at, reasons.columns.get_loc(column)] = "c"
    return Cells(values, reasons, cells.count)


def protect_counts_within(cells: Cells) -> Cells:
    """A recovery breakdown (:meth:`impact.publish.results.CohortResults.line`) with rules 1 and 5
    applied to the counts within each group: a group whose registered count (``n_eligible``) is a
    small group (``s``) shows none of its counts (not even "none answered"); a group whose
    registered count is hidden shows no count of none or all of it (it may be small, for all a
    reader knows); and the hidden groups are never, by subtraction, all or none answered or with
    income data (of those registered) or recovered (of those with data)."""
    reasons = cells.reasons.copy()
    values = cells.values
    row = list(reasons.columns)  # hiding the group's count hides its row
    base_hidden = (reasons["n_eligible"] != "").to_numpy()
    small = (reasons["n_eligible"] == "s").to_numpy()

    def number(column: str) -> np.ndarray:
        return values[column].astype("Float64").fillna(0).to_numpy(dtype=float)

    registered = number("n_eligible")
    extremes = {
        "n_responded": (number("n_responded"), registered, ("n_responded", "response_rate")),
        cells.count: (number(cells.count), registered, row),
        "n_recovered": (number("n_recovered"), number(cells.count), ("n_recovered", *_RECOVERED)),
    }
    for column, (a, b, hide) in extremes.items():
        if column not in reasons:
            continue
        extreme = base_hidden & (b > 0) & ((a == 0) | (a >= b))
        if column == cells.count:  # a row with people and data is hidden only as a whole
            extreme = base_hidden & (a == 0) & (registered > 0)
        mask = extreme | (small if column == "n_responded" else False)
        for c in hide:
            if c in reasons:
                reasons[c] = reasons[c].mask(mask & (reasons[c] == "").to_numpy(), "c")
    cells = Cells(values, reasons, cells.count)
    cells = protect_attribute(cells, "n_responded", "n_eligible", dependents=("response_rate",))
    cells = protect_attribute(cells, cells.count, "n_eligible", dependents=row)
    return protect_attribute(cells, "n_recovered", cells.count, dependents=_RECOVERED)


#: the statistics of a group's recovered count
_RECOVERED = ("share_recovered", "share_recovered_low", "share_recovered_high")
