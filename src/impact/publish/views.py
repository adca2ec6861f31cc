"""Published tables for people and for machines: labelled, formatted per language, hidden figures
marked, and tagged so that the release audit can read back exactly what a reader sees.

A :class:`Table` renders as an HTML table (in a notebook, a report, a PDF) without index numbers,
``<NA>`` or truncated cells; every figure carries ``data-stat`` and every row ``data-group``, the
table ``data-table``/``data-wave``/``data-dimension`` (names of what is shown, never extra
values). :meth:`Table.for_excel` gives the same table as numbers for the annex.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import pandas as pd

from impact.publish.i18n import Text
from impact.publish.release import HIDDEN, Cells, Rules

__all__ = ["Column", "Note", "Prose", "Table", "table_from_cells"]

#: how each kind of figure is formatted (see :class:`impact.publish.i18n.Text`)
KINDS = ("count", "share", "ratio", "idr", "p", "text", "number")


@dataclass(frozen=True)
class Column:
    """A column: the statistic it shows (``stat``; with ``low``/``high`` for an estimate with its
    interval), its label and kind of figure."""

    stat: str
    label: str
    kind: str = "count"
    low: str | None = None
    high: str | None = None


@dataclass
class Table:
    """A table ready to publish (see the module docstring)."""

    id: str
    columns: list[Column]
    rows: list[tuple[str, str, dict[str, str]]]  #: (group code, label, stat → text)
    excel: pd.DataFrame  #: the same figures as numbers (hidden: the marker), for the annex
    caption: str = ""
    wave: str = ""
    dimension: str = ""
    notes: list[str] = field(default_factory=list)
    group_label: str = ""

    def to_html(self) -> str:
        esc = html.escape
        attrs = f'class="impact-table" data-table="{esc(self.id)}"'
        if self.wave:
            attrs += f' data-wave="{esc(self.wave)}"'
        if self.dimension:
            attrs += f' data-dimension="{esc(self.dimension)}"'
        out = [f"<table {attrs}>"]
        if self.caption:
            out.append(f"<caption>{esc(self.caption)}</caption>")
        head = "".join(f'<th scope="col">{esc(c.label)}</th>' for c in self.columns)
        out.append(f'<thead><tr><th scope="col">{esc(self.group_label)}</th>{head}</tr></thead><tbody>')
        for code, label, cells in self.rows:
            tds = []
            for c in self.columns:
                ci = f' data-ci="{esc(c.low)},{esc(c.high)}"' if c.low else ""
                tds.append(f'<td data-stat="{esc(c.stat)}"{ci}>{esc(cells.get(c.stat, "–"))}</td>')
            out.append(f'<tr data-group="{esc(code)}"><th scope="row">{esc(label)}</th>{"".join(tds)}</tr>')
        out.append("</tbody></table>")
        notes = "".join(f'<p class="impact-note">{esc(n)}</p>' for n in self.notes)
        return "\n".join(out) + notes

    def _repr_html_(self) -> str:
        return self.to_html()

    def frame(self) -> pd.DataFrame:
        """The displayed text as a DataFrame (group labels as the index)."""
        data = {c.label: [cells.get(c.stat, "–") for _, _, cells in self.rows] for c in self.columns}
        return pd.DataFrame(data, index=pd.Index([label for _, label, _ in self.rows], name=self.group_label))

    def __repr__(self) -> str:
        return self.frame().to_string()

    def for_excel(self) -> pd.DataFrame:
        return self.excel


@dataclass
class Prose:
    """Text of the report (markdown): headings, introductions, the summary."""

    text: str

    def _repr_markdown_(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text


@dataclass
class Note:
    """A sentence in place of a table or chart that cannot be shown (and why)."""

    text: str

    def _repr_markdown_(self) -> str:
        return f"*{self.text}*"

    def __repr__(self) -> str:
        return self.text


def _format(value: object, kind: str, text: Text, *, public: bool) -> str:
    if kind == "share":
        return text.pct(value)
    if kind == "ratio":
        return text.ratio(value)
    if kind == "idr":
        return text.idr(value, step=1000 if public else 1)
    if kind == "p":
        return text.p(value)
    if kind == "text":
        return "–" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
    if kind == "number":
        return text._num(float(value), 1) if value is not None and not pd.isna(value) else "–"
    return text.int(value)


def excel_value(value: object, kind: str, *, public: bool) -> float | int | None:
    """A figure as the annex stores it: the number the report shows, at the precision it shows
    (counts whole, ratios to 0.01, shares to 0.01 = whole percent, p-values to 0.001, public
    money to Rp 1,000), so the annex and the report never disagree and publish nothing finer."""
    if value is None or pd.isna(value):
        return None
    v = float(value)
    if kind == "count":
        return round(v)
    if kind in ("ratio", "share"):
        return round(v, 2)
    if kind == "p":
        return round(v, 3)
    if kind == "idr":
        return round(v / 1000) * 1000 if public else round(v)
    if kind == "number":
        return round(v, 1)
    return v


def table_from_cells(
    table_id: str,
    cells: Cells,
    columns: list[Column],
    *,
    rules: Rules,
    text: Text,
    dimension: str = "",
    wave: str = "",
    caption: str = "",
    group_label: str = "",
    omit_empty: bool = True,
    labels: dict[str, str] | None = None,
    size: str | None = None,
) -> Table:
    """A :class:`Table` of :class:`~impact.publish.release.Cells`: hidden figures as ``c`` for the
    public, shown with their reason and ``!`` for an internal reader; groups with nobody left out
    (named in a note). ``size``: the column that says how many people a group has (default: the
    cells' count) — a group with none is left out, a group whose size is hidden as small is
    hidden whole."""
    rows, excel_rows, empty = [], [], []
    values, reasons = cells.values, cells.reasons
    for code in values.index:
        label = (labels or {}).get(code) or text.group(dimension or None, code)
        people = values.loc[code, size or cells.count]
        if omit_empty and code != "all" and (pd.isna(people) or people == 0):
            empty.append(label)
            continue
        # a group too small to show is not shown at all (not even "none answered")
        whole_row = bool(rules.public and size and reasons.loc[code, size] == "s")
        shown, excel = {}, {group_label or "group": label}
        for c in columns:
            stats = [c.stat, *(s for s in (c.low, c.high) if s)]
            reason = next(
                (reasons.loc[code, s] for s in stats if s in reasons.columns and reasons.loc[code, s]),
                "s" if whole_row else "",
            )
            figures = [values.loc[code, s] if s in values.columns else None for s in stats]
            parts = [_format(v, c.kind, text, public=rules.public) for v in figures]
            display = text.ci(*parts) if c.low else parts[0]
            if reason and rules.public:
                shown[c.stat] = HIDDEN
            elif reason:
                shown[c.stat] = f"{display} {reason}!"
            else:
                shown[c.stat] = display
            for s, v in zip(stats, figures, strict=True):
                name = c.label if s == c.stat else f"{c.label}: {'low' if s == c.low else 'high'}"
                hidden = bool(reason) and rules.public
                excel[name] = HIDDEN if hidden else excel_value(v, c.kind, public=rules.public)
            if reason and not rules.public:
                excel[f"{c.label}: flag"] = f"{reason}!"
        rows.append((code, label, shown))
        excel_rows.append(excel)
    notes = [text.t("omitted_empty", groups=", ".join(empty))] if empty else []
    return Table(
        table_id,
        columns,
        rows,
        pd.DataFrame(excel_rows),
        caption=caption,
        wave=wave,
        dimension=dimension,
        notes=notes,
        group_label=group_label,
    )
