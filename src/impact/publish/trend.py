"""Platform activity by month since training, by any participant column (``r.trend``, ``r.trend_figure``).

Each month is a breakdown of its own, protected for the public by the release's rules
(:func:`impact.publish.release.protect_line`); see :mod:`impact.publish.workbench`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from impact.errors import ParameterError
from impact.measure import tables
from impact.publish import plots
from impact.publish.release import TOTAL, Cells, protect_line
from impact.publish.views import Note, Table, table_from_cells
from impact.publish.workbench import (
    STANDARD,
    TREND_MEASURES,
    by_list,
    choose_measures,
    columns_of,
    groups_of,
    guard_linked,
    stack,
)

__all__ = ["trend", "trend_figure"]


def trend(r, *, by=None, measures=None) -> Table | Note:
    """Platform activity by month since training, by any participant column: accounts (always
    shown), accounts with a sale, their share, and the median commission of accounts with a sale
    (:data:`TREND_MEASURES`). Each month is protected as a breakdown of its own; a median needs
    ``k_quantile`` accounts with a sale.

    >>> r.trend(by="gender", measures=["share_active", "median_commission_idr"])   # doctest: +SKIP
    """
    names = by_list(by)
    if len(names) > 1:
        raise ParameterError(f"by={names!r}: a trend is by one column (or none)")
    chosen = choose_measures(
        measures, TREND_MEASURES, ("active", "share_active", "median_commission_idr"), "accounts"
    )
    if r.months.empty:
        return Note(r.text.t("no_sales"))
    groups = None
    if names and names[0] in STANDARD:
        groups = r.frame_with_groups(r.participants, names[0])[names[0]]
    elif names:
        groups = groups_of(r, names[0])
        guard_linked(r, groups)
    columns = columns_of(r, chosen, TREND_MEASURES, real=False)
    blocks = []
    for month, cells in _trend_cells(r, names[0] if names else None, groups).items():
        t = table_from_cells(
            "trend",
            cells,
            columns,
            rules=r.rules,
            text=r.text,
            dimension=names[0] if names else "",
            group_label=r.text.t("col_group"),
            size="n_accounts",
        )
        blocks.append((month, month, t))
    caption = r.text.t("wb_trend") + (
        f" ({r.text.t('wb_as_of', date=r.params.as_of)})" if r.params.as_of else ""
    )
    return stack(blocks, table_id="trend", block_label=r.text.t("col_month"), caption=caption)


def _trend_cells(r, column: str | None, groups: pd.Series | None) -> dict[str, Cells]:
    m = r.months
    if groups is not None:
        mapping = pd.DataFrame({"participant_id": r.participants["participant_id"], column: groups})
        m = m.drop(columns=[column], errors="ignore").merge(mapping, on="participant_id", how="left")
    out = {}
    for month, g in m.groupby("months_since_training", sort=True):
        rows = {}
        for labels, gg in tables.group_cells(g, [column] if column else []):
            code = TOTAL if not labels or labels[column] == tables.ALL else str(labels[column])
            active = gg.loc[gg["active"], "commission_idr"].astype(float)
            rows[code] = {
                "n_accounts": len(gg),
                "n_active": int(gg["active"].sum()),
                "share_active": gg["active"].mean() if len(gg) else np.nan,
                "median_commission_idr": active.median() if len(active) else np.nan,
            }
        frame = pd.DataFrame.from_dict(rows, orient="index")
        frame = frame.loc[[*(c for c in frame.index if c != TOTAL), TOTAL]]
        cells = protect_line(
            frame,
            count="n_accounts",
            stats=["n_active", "share_active", "median_commission_idr"],
            rules=r.rules,
            counts=("n_active",),
        )
        reasons = cells.reasons.copy()
        few = (frame["n_active"] < r.rules.k_quantile).to_numpy() & (reasons["median_commission_idr"] == "")
        reasons.loc[few, "median_commission_idr"] = "q"
        out[str(int(month))] = Cells(cells.values, reasons, cells.count)
    return out


def trend_figure(r, *, by=None, measure: str = "share_active", **style):
    """A line per group of one :func:`trend` measure by month since training, with the number of
    accounts behind each point on hover (figures the table hides are gaps). Style keywords:
    ``colors``, ``width``, ``height``, ``template``.

    >>> r.trend_figure(by="gender", measure="median_commission_idr", width=640)  # doctest: +SKIP
    """
    if measure not in TREND_MEASURES or TREND_MEASURES[measure][2] == "count":
        shown = [m for m, v in TREND_MEASURES.items() if v[2] != "count"]
        raise ParameterError(f"measure={measure!r}: give one of {', '.join(shown)}")
    unknown = sorted(set(style) - {"colors", "width", "height", "template"})
    if unknown:
        raise ParameterError(f"unknown style option(s) {unknown}; valid: colors, width, height, template")
    base = "active" if measure == "median_commission_idr" else "accounts"  # whom the figure is about
    t = trend(r, by=by, measures=[base, measure])
    if isinstance(t, Note):
        return t
    import plotly.graph_objects as go

    stat, key, kind = TREND_MEASURES[measure]
    label = r.text.t(key)
    n_label = r.text.t(TREND_MEASURES[base][1])
    value = "%{y:.0%}" if kind == "share" else "Rp %{y:,.0f}"
    frame = t.for_excel()
    month_col, group_col = frame.columns[0], frame.columns[1]
    frame = frame.assign(_month=frame[month_col].astype(int))
    colors = style.pop("colors", None)
    fig = go.Figure()
    for i, (group, g) in enumerate(frame.groupby(group_col, sort=False)):
        y = pd.to_numeric(g[label], errors="coerce")
        n = pd.to_numeric(g[n_label], errors="coerce")
        fig.add_trace(
            go.Scatter(
                x=g["_month"].tolist(),
                y=y.tolist(),
                mode="lines+markers",
                name=str(group),
                connectgaps=False,
                meta={"table": "trend", "stat": stat, "group": str(group)},
                customdata=n.tolist(),
                hovertemplate=f"%{{x}}: {value} (n=%{{customdata}})<extra>%{{fullData.name}}</extra>",
                **plots.style(i, colors),
            )
        )
    fig.update_layout(
        title={"text": f"{label} — {t.caption}", "x": 0, "xanchor": "left", "font": {"size": 14}},
        autosize=style.get("width") is None,
        width=style.get("width"),
        height=style.get("height") or plots.HEIGHT,
        template=style.get("template", "plotly_white"),
        legend={"orientation": "h", "yanchor": "top", "y": -0.2, "x": 0},
        margin={"l": 60, "r": 20, "t": 50, "b": 70},
    )
    fig.update_xaxes(title_text=r.text.t("col_month"))
    fig.update_yaxes(title_text=label, tickformat=".0%" if kind == "share" else ",.0f")
    return fig
