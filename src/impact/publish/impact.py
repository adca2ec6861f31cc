"""The impact section: the programme's effect against a comparison group, where there is one.

>>> ir = impact_results(data, ReportParams("karawang-2023"))     # doctest: +SKIP
>>> ir.available, ir.did()                                       # doctest: +SKIP

A cohort with comparison respondents (:mod:`impact.clean.arms`) gets a difference in differences
(:mod:`impact.measure.did`) of the recovery ratio and of income at each wave, with
cluster-bootstrap intervals, an event-study figure, a balance table at registration, and a plain
statement of the design, its assumption (parallel trends) and what the pre-period says. The
programme report pools every cohort that has a comparison group. Without one, :attr:`available` is
False and the report says instead what kind of evidence it is
(:func:`impact.publish.narrative.evidence`).

Public figures follow the release's rules: an estimate is shown when both groups have at least
``k_quantile`` people at that period; a share at registration only when neither group's count
behind it is small. Comparison respondents are never counted as participants: they appear here,
and only here, as the comparison group.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from impact import vocab
from impact.config import PROGRAMME, ReportParams
from impact.contract import CleanData
from impact.errors import ParameterError
from impact.measure import did, indicators
from impact.publish import plots
from impact.publish.quality import balance_format
from impact.publish.release import HIDDEN, Published
from impact.publish.views import Column, Note, Prose, Table, excel_value

__all__ = ["ImpactResults", "impact_results"]

#: a normalised difference at registration at least this large is called large
LARGE = 0.25
_KIND = {"recovery_ratio": "ratio", "income_idr": "idr"}


@dataclass
class ImpactResults(Published):
    """Difference in differences against the comparison group(s) of the cohorts in scope."""

    params: ReportParams
    cohorts: list[str]  #: cohorts in scope that have a comparison group
    panel: pd.DataFrame  #: :func:`impact.measure.did.impact_panel`
    names: dict[str, str] = field(default_factory=dict)
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def available(self) -> bool:
        """Whether there is a comparison group to estimate the effect against."""
        return bool(self.cohorts) and bool((~self.panel["treated"].astype(bool)).any())

    def __repr__(self) -> str:
        if not self.available:
            return f"ImpactResults({self.params.cohort}): no comparison group"
        n_t, n_c = int(self.panel["treated"].sum()), int((~self.panel["treated"]).sum())
        return f"ImpactResults({', '.join(self.cohorts)}): {n_t} participants, {n_c} comparison respondents"

    def estimates(self, outcome: str = "recovery_ratio") -> pd.DataFrame:
        """The DiD of ``outcome`` at each period (:func:`impact.measure.did.difference_in_differences`),
        with ``shown``: whether a reader of this audience may see the row."""
        if outcome not in self._cache:
            t = did.difference_in_differences(self.panel, outcome=outcome)
            kq = self.rules.k_quantile
            shown = (
                (t["n_treated"] >= kq) & (t["n_comparison"] >= kq) if self.rules.public else t["did"].notna()
            )
            self._cache[outcome] = t.assign(shown=shown.fillna(False).astype(bool))
        return self._cache[outcome]

    def balance_frame(self) -> pd.DataFrame:
        """:func:`impact.measure.did.baseline_balance`, with ``shown`` per row (see the module docstring)."""
        if "balance" not in self._cache:
            b = did.baseline_balance(self.panel)
            k, kq = self.rules.k, self.rules.k_quantile
            big = (b["n_true"] >= kq) & (b["n_false"] >= kq)
            counts_ok = pd.Series(True, index=b.index)
            share = b["kind"] == "share"
            for side in ("true", "false"):
                n, m = b[f"n_{side}"].astype(float), b[f"mean_{side}"].astype(float)
                counts_ok &= ~share | (((n * m).round() >= k) & ((n * (1 - m)).round() >= k))
            self._cache["balance"] = b.assign(shown=(big & counts_ok) if self.rules.public else True)
        return self._cache["balance"]

    # --- what the report shows ------------------------------------------------------------------
    def design(self) -> Prose | Note:
        """The design, its assumption and what the pre-period and the balance at registration say."""
        t = self.text
        if not self.available:
            return Note(t.t("imp_none"))
        est = self.estimates("recovery_ratio")
        n_t, n_c = int(self.panel["treated"].sum()), int((~self.panel["treated"]).sum())
        names = ", ".join(self.names.get(c, c) for c in self.cohorts)
        items = [t.t("imp_design", participants=t.int(n_t), comparison=t.int(n_c), cohorts=names)]
        items.append(t.t("imp_assumption"))
        pre = est[est["period"] == did.BEFORE].iloc[0]
        if pre["shown"] and not math.isnan(pre["did_low"]):
            value = t.ci(t.ratio(pre["did"]), t.ratio(pre["did_low"]), t.ratio(pre["did_high"]))
            same = pre["did_low"] <= 0 <= pre["did_high"]
            items.append(t.t("imp_pre_same" if same else "imp_pre_differ", value=value))
        else:
            items.append(t.t("imp_pre_none"))
        b = self.balance_frame()
        b = b[b["shown"]]
        if len(b):
            i = b["normalised_difference"].abs().astype(float).idxmax()
            nd = float(b.loc[i, "normalised_difference"])
            key = "imp_balance_large" if abs(nd) >= LARGE else "imp_balance_ok"
            items.append(
                t.t(
                    key,
                    variable=t.t(f"imp_var_{b.loc[i, 'characteristic']}").lower(),
                    nd=t.ratio(nd),
                    large=t.ratio(LARGE),
                )
            )
        return Prose("\n".join(f"- {i}" for i in items))

    def summary_sentence(self) -> str | None:
        """One sentence for the executive summary: the latest shown estimate of the effect on the ratio."""
        if not self.available:
            return None
        t = self.text
        est = self.estimates("recovery_ratio")
        shown = est[est["shown"] & (est["period"] != did.BEFORE) & est["did_low"].notna()]
        if shown.empty:
            return None
        row = shown.iloc[-1]
        value = t.ci(t.ratio(row["did"]), t.ratio(row["did_low"]), t.ratio(row["did_high"]))
        clear = not (row["did_low"] <= 0 <= row["did_high"])
        return t.t("imp_sum" if clear else "imp_sum_unclear", months=int(row["months"]), value=value)

    def did(self, outcome: str = "recovery_ratio") -> Table | Note:
        """The difference in differences of ``outcome`` (``recovery_ratio`` or ``income_idr``) by period."""
        t, rules = self.text, self.rules
        if not self.available:
            return Note(t.t("imp_none"))
        est = self.estimates(outcome)
        kind = _KIND[outcome]

        def fmt(v):
            return t.idr(v, step=1000 if rules.public else 1) if kind == "idr" else t.ratio(v)

        rows, excel = [], []
        for _, e in est.iterrows():
            label = t.t("imp_before") if e["period"] == did.BEFORE else t.wave(e["period"])
            n_shown = {
                side: (
                    t.int(e[f"n_{side}"])
                    if not rules.public or e[f"n_{side}"] >= rules.k or e[f"n_{side}"] == 0
                    else HIDDEN
                )
                for side in ("treated", "comparison")
            }
            if e["shown"]:
                figures = {
                    "change_treated": fmt(e["change_treated"]),
                    "change_comparison": fmt(e["change_comparison"]),
                    "did": t.ci(fmt(e["did"]), fmt(e["did_low"]), fmt(e["did_high"])),
                }
            else:
                figures = dict.fromkeys(
                    ("change_treated", "change_comparison", "did"), HIDDEN if rules.public else "–"
                )
            rows.append(
                (
                    e["period"],
                    label,
                    {"n_treated": n_shown["treated"], "n_comparison": n_shown["comparison"], **figures},
                )
            )
            excel.append(
                {
                    t.t("imp_col_period"): label,
                    t.t("imp_col_n_treated"): n_shown["treated"]
                    if n_shown["treated"] == HIDDEN
                    else excel_value(e["n_treated"], "count", public=rules.public),
                    t.t("imp_col_n_comparison"): n_shown["comparison"]
                    if n_shown["comparison"] == HIDDEN
                    else excel_value(e["n_comparison"], "count", public=rules.public),
                    **{
                        t.t(key): (excel_value(e[stat], kind, public=rules.public) if e["shown"] else HIDDEN)
                        for stat, key in (
                            ("change_treated", "imp_col_change_treated"),
                            ("change_comparison", "imp_col_change_comparison"),
                            ("did", "imp_col_did"),
                            ("did_low", "imp_col_did_low"),
                            ("did_high", "imp_col_did_high"),
                        )
                    },
                }
            )
        columns = [
            Column("n_treated", t.t("imp_col_n_treated"), "text"),
            Column("n_comparison", t.t("imp_col_n_comparison"), "text"),
            Column("change_treated", t.t("imp_col_change_treated"), "text"),
            Column("change_comparison", t.t("imp_col_change_comparison"), "text"),
            Column("did", t.t("imp_col_did_ci"), "text"),
        ]
        return Table(
            "impact",
            columns,
            rows,
            pd.DataFrame(excel),
            caption=t.t(f"imp_caption_{outcome}"),
            dimension=outcome,
            group_label=t.t("imp_col_period"),
            notes=[t.t("imp_table_note")],
        )

    def balance(self) -> Table | Note:
        """Participants against the comparison group at registration (normalised differences)."""
        t, rules = self.text, self.rules
        if not self.available:
            return Note(t.t("imp_none"))
        b = self.balance_frame()
        rows, excel = [], []
        for _, row in b.iterrows():
            var = str(row["characteristic"])
            kind, fmt = balance_format(t, var, row["kind"])
            shown = bool(row["shown"])
            cells = {
                "participants": fmt(row["mean_true"]) if shown else HIDDEN,
                "comparison": fmt(row["mean_false"]) if shown else HIDDEN,
                "nd": t.ratio(row["normalised_difference"]) if shown else HIDDEN,
            }
            rows.append((var, t.t(f"imp_var_{var}"), cells))
            excel.append(
                {
                    t.t("col_variable"): t.t(f"imp_var_{var}"),
                    t.t("imp_col_participants"): excel_value(row["mean_true"], kind, public=rules.public)
                    if shown
                    else HIDDEN,
                    t.t("imp_col_comparison"): excel_value(row["mean_false"], kind, public=rules.public)
                    if shown
                    else HIDDEN,
                    t.t("col_nd"): excel_value(row["normalised_difference"], "ratio", public=rules.public)
                    if shown
                    else HIDDEN,
                }
            )
        n_t, n_c = int(self.panel["treated"].sum()), int((~self.panel["treated"]).sum())
        columns = [
            Column("participants", f"{t.t('imp_col_participants')} (n={t.int(n_t)})", "text"),
            Column("comparison", f"{t.t('imp_col_comparison')} (n={t.int(n_c)})", "text"),
            Column("nd", t.t("col_nd"), "text"),
        ]
        return Table(
            "impact_balance",
            columns,
            rows,
            pd.DataFrame(excel),
            group_label=t.t("col_variable"),
            notes=[t.t("imp_balance_note", large=t.ratio(LARGE))],
        )

    def event_study_figure(self, outcome: str = "recovery_ratio", **style):
        """The DiD at each period against months since training (registration = 0, the reference;
        the last normal wage before it), with 95% intervals: the event study."""
        t = self.text
        if not self.available:
            return Note(t.t("imp_none"))
        est = self.estimates(outcome)
        shown = est[est["shown"] & est["did"].notna()]
        if shown.empty:
            return Note(t.t("chart_hidden", why=t.t("why_small_median", k=self.rules.k_quantile)))
        lag = self.panel["months_since_layoff"].astype(float).median()
        before = -round(lag) if pd.notna(lag) else -6
        xs = [before if p == did.BEFORE else int(vocab.WAVES[p]) for p in shown["period"]]
        points = sorted(
            [*zip(xs, shown["did"], shown["did_low"], shown["did_high"], strict=True), (0, 0.0, 0.0, 0.0)]
        )
        fig = go.Figure(
            go.Scatter(
                x=[x for x, *_ in points],
                y=[round(float(y), 3) for _, y, _, _ in points],
                mode="lines+markers",
                name=t.t("imp_col_did"),
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": [max(float(h) - float(y), 0) if pd.notna(h) else 0 for _, y, _, h in points],
                    "arrayminus": [
                        max(float(y) - float(lo), 0) if pd.notna(lo) else 0 for _, y, lo, _ in points
                    ],
                },
                meta={"table": "impact", "stat": f"did_{outcome}", "dimension": outcome},
                hovertemplate="%{x}: %{y:.2f}<extra></extra>",
                **plots.style(0, style.pop("colors", None)),
            )
        )
        fig.add_hline(y=0, line_dash="dot", line_color="grey")
        fig.add_vline(
            x=0,
            line_dash="dot",
            line_color="grey",
            annotation_text=t.t("imp_registration"),
            annotation_position="top right",
        )
        fig.update_xaxes(tickvals=[x for x, *_ in points])
        return plots._layout(
            fig, title=t.t(f"imp_figure_{outcome}"), x=t.t("col_month"), y=t.t("imp_col_did"), **style
        )


def impact_results(
    data: CleanData | None,
    params: ReportParams,
    *,
    cohorts: dict | None = None,
) -> ImpactResults:
    """The impact section of a cohort report (``params.cohort``) or of the programme report
    (``params.cohort == "programme"``: every cohort with a comparison group, pooled).

    ``cohorts``: the cohorts' results (cohort → :class:`~impact.publish.results.CohortResults`),
    one for each cohort in scope — :meth:`CohortResults.impact` and :meth:`ProgrammeResults.impact`
    pass them. A per-confederation report compares that confederation's participants with that
    confederation's comparison respondents.
    """

    empty = ImpactResults(params, [], did.impact_panel(pd.DataFrame(), pd.DataFrame()))
    if data is None or data.comparison.empty:
        return empty
    comparison = data.comparison
    scope = sorted(set(comparison["cohort"].astype(str)) & set(data.participants["cohort"].astype(str)))
    if params.cohort != PROGRAMME:
        scope = [c for c in scope if c == params.cohort]
    if not scope:
        return empty
    cohorts = cohorts or {}
    treated = []
    for c in scope:
        if c not in cohorts:
            raise ParameterError(f"impact_results: the results of cohort {c!r} are needed (cohorts={{...}})")
        treated.append(cohorts[c].waves)
    people = comparison[comparison["cohort"].astype(str).isin(scope)]
    if params.confederation != "all":
        people = people[people["confederation"] == params.confederation]
    fu = data.comparison_followups[data.comparison_followups["participant_id"].isin(people["participant_id"])]
    if params.as_of is not None:
        fu = fu[fu["interview_date"].isna() | (fu["interview_date"] <= pd.Timestamp(params.as_of))]
    control = indicators.recovery_by_wave(
        people, fu, cohorts=data.programme.cohorts, threshold=params.recovery_threshold
    )
    panel = did.impact_panel(pd.concat(treated, ignore_index=True), control)
    names = {c: data.programme.cohort_name(c) for c in scope}
    return ImpactResults(params, scope, panel, names)
