"""The report's views of platform data and own targets, each from the release's cells.

Reselling income against all income (:func:`income_sources`), accounts with a sale and their
commission by month since training (:func:`activity`, :func:`commission`), and attainment of the
participants' own income targets (:func:`targets`). Like :mod:`impact.publish.sections`, every
function takes a :class:`~impact.publish.results.CohortResults` (``r``) and returns a
:class:`~impact.publish.views.Table`, a plotly figure, or a :class:`~impact.publish.views.Note`.
"""

from __future__ import annotations

import pandas as pd

from impact.publish import plots
from impact.publish.release import Cells
from impact.publish.views import Column, Note, Table, table_from_cells

__all__ = ["activity", "commission", "income_sources", "targets"]


def income_sources(r) -> Table | Note:
    """How much of participants' income last month came from reselling: reported and recorded."""
    t = r.text
    cells = r.income_source_cells()
    if cells is None:
        return Note(t.t("chart_hidden", why=t.t("why_no_wave")))
    labels = {"survey": t.t("col_survey"), "platform": t.t("col_platform")}
    columns = [Column("n", "n"), Column("share_of_income", t.t("col_share_income_reselling"), "share")]
    return table_from_cells(
        "income_sources",
        cells,
        columns,
        rules=r.rules,
        text=t,
        wave=r.latest_wave or "",
        labels=labels,
        group_label="",
    )


def _month_frame(r) -> tuple[Cells | None, Note | None]:
    t = r.text
    cells = r.month_cells()
    if cells is None:
        return None, Note(t.t("no_sales"))
    if r.rules.public and (cells.values["n_accounts"] < r.rules.k).all():
        return None, Note(t.t("too_few_accounts", k=r.rules.k))
    return cells, None


def activity(r, *, figure: bool = True, **style):
    """Share of participant accounts with at least one completed sale, by month since training."""
    t = r.text
    cells, note = _month_frame(r)
    if note is not None:
        return note
    columns = [
        Column("n_accounts", t.t("col_accounts")),
        Column("n_active", t.t("col_active")),
        Column("share_active", t.t("col_share_active"), "share"),
    ]
    if not figure:
        return _month_table(r, "activity", cells, columns)
    months = [int(m) for m in cells.values.index]
    share = [
        round(v, 2) if (v := cells.shown(m, "share_active", r.rules)) is not None else None
        for m in cells.values.index
    ]
    frame = pd.DataFrame({"month": months, "share": share})
    return plots.activity(
        frame,
        title=t.t("col_share_active"),
        x=t.t("col_month"),
        y=t.t("col_share_active"),
        meta={"table": "activity", "stat": "share_active"},
        **style,
    )


def _month_table(r, table_id: str, cells, columns: list[Column]) -> Table:
    """A table by month since training (every month listed, hidden figures as ``c``)."""
    return table_from_cells(
        table_id,
        cells,
        columns,
        rules=r.rules,
        text=r.text,
        labels={m: m for m in cells.values.index},
        group_label=r.text.t("col_month"),
        omit_empty=False,
    )


def commission(r, *, figure: bool = True, **style):
    """Monthly commission of accounts with a sale: median and middle half (months with enough
    accounts with a sale only)."""
    t = r.text
    cells, note = _month_frame(r)
    if note is not None:
        return note
    shown = [m for m in cells.values.index if cells.shown(m, "median_commission_idr", r.rules) is not None]
    if not shown:
        return Note(t.t("chart_hidden", why=t.t("why_few_months", kq=r.rules.k_quantile)))
    columns = [
        Column("n_active", t.t("col_active")),
        Column("median_commission_idr", t.t("col_commission_median"), "idr"),
        Column("p25_commission_idr", "25%", "idr"),
        Column("p75_commission_idr", "75%", "idr"),
    ]
    if not figure:
        return _month_table(r, "commission", cells, columns)
    step = 1000 if r.rules.public else 1

    def rounded(m: str, stat: str) -> float | None:
        v = cells.shown(m, stat, r.rules)
        return None if v is None else round(v / step) * step

    frame = pd.DataFrame(
        {
            "month": [int(m) for m in cells.values.index],
            "median": [rounded(m, "median_commission_idr") for m in cells.values.index],
            "p25": [rounded(m, "p25_commission_idr") for m in cells.values.index],
            "p75": [rounded(m, "p75_commission_idr") for m in cells.values.index],
        }
    )
    return plots.commission(
        frame,
        title=t.t("col_commission_median"),
        x=t.t("col_month"),
        y="Rp",
        band_label=t.t("col_commission_iqr"),
        median_label=t.t("col_commission_median"),
        meta={"table": "commission"},
        **style,
    )


def targets(r) -> Table:
    t = r.text
    cells = r.target_cells()
    columns = [
        Column("n", "n"),
        Column("share_reaching_target", t.t("col_reached_target"), "share"),
        Column("median_attainment_survey", t.t("col_attainment") + " (" + t.t("col_survey") + ")", "share"),
        Column("n_platform", "n (" + t.t("col_platform") + ")"),
        Column(
            "median_attainment_platform", t.t("col_attainment") + " (" + t.t("col_platform") + ")", "share"
        ),
    ]
    labels = {w: t.wave(w) for w in cells.values.index}
    return table_from_cells(
        "targets",
        cells,
        columns,
        rules=r.rules,
        text=t,
        labels=labels,
        group_label=t.t("col_wave"),
        omit_empty=False,
    )
