"""Plotly figures of published (already disclosure-controlled) values.

Each function takes a small frame of published values and returns a ``plotly.graph_objects.Figure``
(none saves or shows anything). Lines differ by colour *and* dash and marker, so they stay apart
in grayscale print; a missing point breaks its line (``connectgaps=False``: a gap is not drawn as
a trend). Width follows the page (``autosize``) unless asked; colours, size and template are
keyword options. Every trace names what it shows in ``meta`` (``table``, ``stat``, ``wave`` or
``dimension``, ``groups``), which the release audit reads back: a chart publishes data too.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

__all__ = [
    "DASHES",
    "HEIGHT",
    "PALETTE",
    "SYMBOLS",
    "activity",
    "commission",
    "footnote",
    "style",
    "survival",
    "trajectory",
]

#: colour-blind-safe (Okabe–Ito)
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "cross")
HEIGHT = 360


def style(i: int, colors: Sequence[str] | None = None) -> dict:
    """Line and marker of the ``i``-th group: colour, dash and marker symbol all differ."""
    palette = colors or PALETTE
    color = palette[i % len(palette)]
    return {
        "line": {"color": color, "dash": DASHES[i % len(DASHES)], "width": 2.5},
        "marker": {"color": color, "symbol": SYMBOLS[i % len(SYMBOLS)], "size": 8},
    }


def footnote(fig: go.Figure, text: str, *, width: int = 100) -> go.Figure:
    """``fig`` with ``text`` under the plot (wrapped at ``width`` characters), e.g. which groups
    are not drawn and why — so a chart never drops a group silently."""
    import textwrap

    lines = textwrap.wrap(text, width) or [""]
    extra = 18 * len(lines)
    margin = fig.layout.margin.b or 70
    fig.add_annotation(
        text="<br>".join(lines),
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        yshift=-(margin + extra - 10),
        xanchor="left",
        yanchor="bottom",
        align="left",
        showarrow=False,
        font={"size": 11},
    )
    fig.update_layout(margin={"b": margin + extra}, height=(fig.layout.height or HEIGHT) + extra)
    return fig


def _layout(
    fig: go.Figure,
    *,
    title: str,
    x: str,
    y: str,
    yformat: str | None = None,
    width: int | None = None,
    height: int | None = None,
    template: str = "plotly_white",
) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 14}},
        autosize=width is None,
        width=width,
        height=height or HEIGHT,
        margin={"l": 60, "r": 20, "t": 50, "b": 70},
        template=template,
        legend={"orientation": "h", "yanchor": "top", "y": -0.2, "x": 0},
        font={"family": "Helvetica, Arial, sans-serif", "size": 12},
    )
    fig.update_xaxes(title_text=x)
    fig.update_yaxes(title_text=y, tickformat=yformat)
    return fig


def trajectory(
    points: pd.DataFrame,
    *,
    title: str,
    x: str,
    y: str,
    threshold: float = 1.0,
    threshold_label: str = "",
    meta: dict | None = None,
    colors: Sequence[str] | None = None,
    width: int | None = None,
    height: int | None = None,
    template: str = "plotly_white",
) -> go.Figure:
    """Median recovery ratio by months after training, one line per group, with 95% CIs.

    ``points``: ``group`` (code), ``label``, ``months``, ``estimate``, ``low``, ``high`` (missing
    where not published: the line breaks there), optionally ``n`` (people behind each point, shown
    on hover and kept in ``customdata``).
    """
    fig = go.Figure()
    months = sorted(points["months"].dropna().astype(int).unique())
    for i, (code, g) in enumerate(points.groupby("group", sort=False)):
        g = g.set_index("months").reindex(months)
        est = g["estimate"].astype(float)
        fig.add_trace(
            go.Scatter(
                x=months,
                y=est.tolist(),
                mode="lines+markers",
                name=str(g["label"].dropna().iloc[0]) if g["label"].notna().any() else str(code),
                connectgaps=False,
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": (g["high"].astype(float) - est).clip(lower=0).tolist(),
                    "arrayminus": (est - g["low"].astype(float)).clip(lower=0).tolist(),
                },
                meta={**(meta or {}), "group": str(code)},
                customdata=g["n"].astype(float).tolist() if "n" in g else None,
                hovertemplate="%{x}: %{y:.2f}"
                + (" (n=%{customdata})" if "n" in g else "")
                + "<extra>%{fullData.name}</extra>",
                **style(i, colors),
            )
        )
    fig.add_hline(
        y=threshold,
        line_dash="dot",
        line_color="grey",
        annotation_text=threshold_label,
        annotation_position="top left",
    )
    fig.update_xaxes(tickvals=months)
    return _layout(fig, title=title, x=x, y=y, width=width, height=height, template=template)


def survival(
    curves: dict[str, tuple[str, pd.DataFrame]],
    *,
    title: str,
    x: str,
    y: str,
    meta: dict | None = None,
    colors: Sequence[str] | None = None,
    width: int | None = None,
    height: int | None = None,
    template: str = "plotly_white",
) -> go.Figure:
    """Kaplan–Meier share recovered (1 − S(t)) as step lines with markers at each step, per group.

    ``curves``: group code → (label, Kaplan–Meier table with ``time``, ``survival``). A line at
    0% is drawn just above the axis so that it stays visible.
    """
    fig = go.Figure()
    for i, (code, (label, km)) in enumerate(curves.items()):
        times = [0.0, *km["time"].astype(float).tolist()]
        share = [0.0, *(1 - km["survival"].astype(float)).round(3).tolist()]
        fig.add_trace(
            go.Scatter(
                x=times,
                y=share,
                mode="lines+markers",
                name=label,
                line_shape="hv",
                meta={**(meta or {}), "group": code},
                hovertemplate="%{x} months: %{y:.0%}<extra>%{fullData.name}</extra>",
                **style(i, colors),
            )
        )
    fig.update_yaxes(range=[-0.03, 1.03])
    return _layout(fig, title=title, x=x, y=y, yformat=".0%", width=width, height=height, template=template)


def activity(
    frame: pd.DataFrame,
    *,
    title: str,
    x: str,
    y: str,
    meta: dict | None = None,
    colors: Sequence[str] | None = None,
    width: int | None = None,
    height: int | None = None,
    template: str = "plotly_white",
) -> go.Figure:
    """Share of accounts with a completed sale, by month since training (``month``, ``share``;
    missing months break the line)."""
    fig = go.Figure(
        go.Scatter(
            x=frame["month"].tolist(),
            y=frame["share"].tolist(),
            mode="lines+markers",
            connectgaps=False,
            name=y,
            meta=meta or {},
            hovertemplate="%{x}: %{y:.0%}<extra></extra>",
            **style(0, colors),
        )
    )
    fig.update_yaxes(range=[0, 1])
    return _layout(fig, title=title, x=x, y=y, yformat=".0%", width=width, height=height, template=template)


def commission(
    frame: pd.DataFrame,
    *,
    title: str,
    x: str,
    y: str,
    band_label: str,
    median_label: str,
    meta: dict | None = None,
    colors: Sequence[str] | None = None,
    width: int | None = None,
    height: int | None = None,
    template: str = "plotly_white",
) -> go.Figure:
    """Monthly commission of accounts with a sale: the median and the middle half (``month``,
    ``median``, ``p25``, ``p75``; missing months break the line)."""
    palette = colors or PALETTE
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=frame["month"].tolist(),
            y=frame["p75"].tolist(),
            mode="lines",
            line={"width": 0},
            showlegend=False,
            hoverinfo="skip",
            connectgaps=False,
            meta={**(meta or {}), "stat": "p75_commission_idr"},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=frame["month"].tolist(),
            y=frame["p25"].tolist(),
            mode="lines",
            line={"width": 0},
            fill="tonexty",
            fillcolor="rgba(0,114,178,0.18)",
            name=band_label,
            hoverinfo="skip",
            connectgaps=False,
            meta={**(meta or {}), "stat": "p25_commission_idr"},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=frame["month"].tolist(),
            y=frame["median"].tolist(),
            mode="lines+markers",
            name=median_label,
            connectgaps=False,
            meta={**(meta or {}), "stat": "median_commission_idr"},
            hovertemplate="%{x}: Rp %{y:,.0f}<extra></extra>",
            **style(0, palette),
        )
    )
    return _layout(fig, title=title, x=x, y=y, yformat=",.0f", width=width, height=height, template=template)
