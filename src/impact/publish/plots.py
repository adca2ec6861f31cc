"""Plotly figures of aggregated (already disclosure-controlled) indicator tables.

Each function takes a small table and returns a ``plotly.graph_objects.Figure``; none
saves or shows anything. Figures are at most 700 px wide so that printed PDFs are not
clipped, and use a colour-blind-safe palette.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

__all__ = [
    "HEIGHT",
    "PALETTE",
    "WIDTH",
    "activity",
    "bars",
    "commission_quantiles",
    "empty",
    "survival",
    "trajectory",
]

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
WIDTH = 680
HEIGHT = 380


def _layout(fig: go.Figure, *, title: str, x: str, y: str, yformat: str | None = None) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 15}},
        width=WIDTH,
        height=HEIGHT,
        margin={"l": 60, "r": 20, "t": 50, "b": 80},
        template="plotly_white",
        legend={"orientation": "h", "yanchor": "top", "y": -0.18, "x": 0},
        font={"family": "Helvetica, Arial, sans-serif", "size": 12},
    )
    fig.update_xaxes(title_text=x)
    fig.update_yaxes(title_text=y, tickformat=yformat)
    return fig


def trajectory(table: pd.DataFrame, *, group: str, title: str, threshold: float = 1.0) -> go.Figure:
    """Median recovery ratio by wave, one line per group, with 95% CI error bars.

    ``table`` columns: ``months_after_training``, ``group``, ``median_recovery_ratio``,
    ``median_recovery_ratio_low``/``_high``, ``n``. Suppressed (missing) points are not drawn.
    """
    if table.empty:
        return empty(title, "Too few people to show this chart without identifying anyone.")
    fig = go.Figure()
    for i, (name, g) in enumerate(table.groupby(group, sort=False, observed=True)):
        g = g.dropna(subset=["median_recovery_ratio"]).sort_values("months_after_training")
        if g.empty:
            continue
        est = g["median_recovery_ratio"].astype(float)
        fig.add_trace(
            go.Scatter(
                x=g["months_after_training"].astype(int),
                y=est,
                mode="lines+markers",
                name=str(name),
                line={"color": PALETTE[i % len(PALETTE)]},
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": (g["median_recovery_ratio_high"].astype(float) - est).clip(lower=0),
                    "arrayminus": (est - g["median_recovery_ratio_low"].astype(float)).clip(lower=0),
                },
                customdata=g[["n"]].astype(float).to_numpy(),
                hovertemplate="%{x} months: median %{y:.2f} (n=%{customdata[0]:.0f})<extra>"
                + str(name)
                + "</extra>",
            )
        )
    fig.add_hline(
        y=threshold,
        line_dash="dot",
        line_color="grey",
        annotation_text="pre-layoff wage",
        annotation_position="top left",
    )
    fig.update_xaxes(tickvals=sorted(table["months_after_training"].dropna().astype(int).unique()))
    return _layout(fig, title=title, x="months after training", y="income now / pre-layoff wage (median)")


def survival(curves: pd.DataFrame, *, group: str, title: str) -> go.Figure:
    """Kaplan–Meier share recovered (1 − S(t)) as step lines with 95% CI bands, per group."""
    if curves.empty:
        return empty(title, "Too few people to show this chart without identifying anyone.")
    fig = go.Figure()
    for i, (name, g) in enumerate(curves.groupby(group, sort=False, observed=True)):
        color = PALETTE[i % len(PALETTE)]
        x = g["time"].astype(float)
        lo = 1 - g["survival_high"].astype(float)
        hi = 1 - g["survival_low"].astype(float)
        fig.add_trace(
            go.Scatter(
                x=x, y=hi, mode="lines", line={"width": 0, "shape": "hv"}, showlegend=False, hoverinfo="skip"
            )
        )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=lo,
                mode="lines",
                line={"width": 0, "shape": "hv"},
                fill="tonexty",
                fillcolor=_rgba(color, 0.15),
                showlegend=False,
                hoverinfo="skip",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=1 - g["survival"].astype(float),
                mode="lines",
                name=str(name),
                line={"color": color, "shape": "hv"},
                hovertemplate="%{x} months: %{y:.0%} recovered<extra>" + str(name) + "</extra>",
            )
        )
    fig.update_yaxes(range=[0, 1])
    return _layout(fig, title=title, x="months after training", y="share recovered", yformat=".0%")


def empty(title: str, message: str) -> go.Figure:
    """A figure that says why there is nothing to draw (e.g. every group below the minimum cell size)."""
    fig = go.Figure()
    fig.add_annotation(
        text=message, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False, font={"size": 14}
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _layout(fig, title=title, x="", y="")


def _rgba(hex_color: str, alpha: float) -> str:
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def activity(curve: pd.DataFrame, *, title: str, group: str | None = None) -> go.Figure:
    """Share of participant accounts with at least one completed order, by month since training."""
    if curve.empty:
        return empty(title, "Too few people to show this chart without identifying anyone.")
    fig = go.Figure()
    groups = curve.groupby(group, sort=False, observed=True) if group else [("all participants", curve)]
    for i, (name, g) in enumerate(groups):
        g = g.dropna(subset=["share_active"])
        fig.add_trace(
            go.Scatter(
                x=g["months_since_training"],
                y=g["share_active"],
                mode="lines+markers",
                name=str(name),
                line={"color": PALETTE[i % len(PALETTE)]},
                customdata=g[["n_accounts"]].astype(float).to_numpy(),
                hovertemplate="month %{x}: %{y:.0%} active (of %{customdata[0]:.0f})<extra></extra>",
            )
        )
    fig.update_yaxes(range=[0, 1])
    return _layout(
        fig, title=title, x="months since training (0 = training month)", y="share active", yformat=".0%"
    )


def commission_quantiles(table: pd.DataFrame, *, title: str) -> go.Figure:
    """Monthly commission (rupiah) of active accounts: median with the 25–75% and 10–90% ranges.

    ``table`` columns: ``months_since_training``, ``p10``, ``p25``, ``median``, ``p75``, ``p90``
    (rows with fewer than the minimum cell size already removed). Commission, never GMV.
    """
    if table.empty:
        return empty(title, "Too few people to show this chart without identifying anyone.")
    x = table["months_since_training"]
    fig = go.Figure()
    for lo, hi, alpha, label in (
        ("p10", "p90", 0.12, "10–90% of active accounts"),
        ("p25", "p75", 0.25, "25–75%"),
    ):
        fig.add_trace(
            go.Scatter(x=x, y=table[hi], mode="lines", line={"width": 0}, showlegend=False, hoverinfo="skip")
        )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=table[lo],
                mode="lines",
                line={"width": 0},
                fill="tonexty",
                fillcolor=_rgba(PALETTE[0], alpha),
                name=label,
                hoverinfo="skip",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=table["median"],
            mode="lines+markers",
            name="median",
            line={"color": PALETTE[0]},
            hovertemplate="month %{x}: median Rp %{y:,.0f}<extra></extra>",
        )
    )
    return _layout(fig, title=title, x="months since training", y="commission per month (Rp)", yformat=",.0f")


def bars(
    table: pd.DataFrame,
    *,
    x: str,
    y: str,
    title: str,
    color: str | None = None,
    yformat: str | None = None,
    ytitle: str | None = None,
) -> go.Figure:
    """Grouped bars of an aggregated table (suppressed values are simply absent)."""
    fig = go.Figure()
    groups = table.groupby(color, sort=False, observed=True) if color else [(y, table)]
    for i, (name, g) in enumerate(groups):
        fig.add_trace(
            go.Bar(x=g[x].astype(str), y=g[y], name=str(name), marker_color=PALETTE[i % len(PALETTE)])
        )
    fig.update_layout(barmode="group")
    return _layout(fig, title=title, x="", y=ytitle or y, yformat=yformat)
