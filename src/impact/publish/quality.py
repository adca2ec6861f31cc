"""The report's views of data quality: who stopped answering, and what cleaning set aside.

Stayers against leavers at registration (:func:`balance`), rows per raw file
(:func:`data_quality`) and the quarantine by file, field and reason (:func:`quarantine_summary`,
internal only). Like :mod:`impact.publish.sections`, every function takes a
:class:`~impact.publish.results.CohortResults` (``r``) and returns a
:class:`~impact.publish.views.Table` or a :class:`~impact.publish.views.Note`.
"""

from __future__ import annotations

import pandas as pd

from impact.measure.reference import missing_district_years, unknown_districts
from impact.publish.release import TOTAL
from impact.publish.views import Column, Note, Table, excel_value

__all__ = ["balance", "balance_format", "data_quality", "quarantine_summary", "reference_notes"]


def balance_format(t, characteristic: str, kind: str):
    """``(unit, format)`` of one characteristic's means in a balance table: shares as
    percentages, rupiah to the thousand, birth years plain, recovery ratios as ratios, other
    numbers to one decimal (``unit`` for :func:`~impact.publish.views.excel_value`)."""
    unit = "share" if kind == "share" else "idr" if characteristic.endswith("_idr") else "number"
    if characteristic == "birth_year":
        return unit, t.plain
    if characteristic == "ratio_baseline":
        return unit, t.ratio
    if unit == "share":
        return unit, t.pct
    if unit == "idr":
        return unit, lambda v: t.idr(v, step=1000)
    return unit, lambda v: t._num(v, 1) if pd.notna(v) else "–"


def balance(r) -> Table | Note:
    """Those still answering at the latest wave against those who stopped, at registration."""
    t = r.text
    got = r.balance_cells()
    if got is None:
        return Note(t.t("chart_hidden", why=t.t("why_no_wave")))
    frame, ok = got
    if not ok or frame.empty:
        return Note(t.t("chart_hidden", why=t.t("why_small", k=r.rules.k)))
    rows, excel = [], []
    for _, b in frame.iterrows():
        var = str(b["characteristic"])
        kind, fmt = balance_format(t, var, b["kind"])
        rows.append(
            (
                var,
                t.t(f"var_{var}"),
                {
                    "stayers": fmt(b["mean_true"]),
                    "leavers": fmt(b["mean_false"]),
                    "nd": t.ratio(b["normalised_difference"]),
                    **({} if r.rules.public else {"n": f"{t.int(b['n_true'])} / {t.int(b['n_false'])}"}),
                },
            )
        )
        excel.append(
            {
                t.t("col_variable"): t.t(f"var_{var}"),
                t.t("stayers"): excel_value(b["mean_true"], kind, public=r.rules.public),
                t.t("leavers"): excel_value(b["mean_false"], kind, public=r.rules.public),
                t.t("col_nd"): excel_value(b["normalised_difference"], "ratio", public=r.rules.public),
                "n " + t.t("stayers"): excel_value(b["n_true"], "count", public=r.rules.public),
                "n " + t.t("leavers"): excel_value(b["n_false"], "count", public=r.rules.public),
            }
        )
    # public: the two groups' sizes once (a count per row would give the missing values of each
    # characteristic — counts of one or two people); internal: per row
    line = r.line(r.latest_wave)
    stayers, leavers = line.values.loc[TOTAL, "n_responded"], line.values.loc[TOTAL, "n_eligible"]
    leavers = leavers - stayers if pd.notna(leavers) and pd.notna(stayers) else None
    columns = [
        Column(
            "stayers", f"{t.t('stayers')} (n={t.int(stayers)})" if r.rules.public else t.t("stayers"), "text"
        ),
        Column(
            "leavers", f"{t.t('leavers')} (n={t.int(leavers)})" if r.rules.public else t.t("leavers"), "text"
        ),
        Column("nd", t.t("col_nd"), "text"),
        *([] if r.rules.public else [Column("n", "n", "text")]),
    ]
    if r.rules.public:
        for row in excel:
            row.pop("n " + t.t("stayers"), None)
            row.pop("n " + t.t("leavers"), None)
    return Table(
        "balance",
        columns,
        rows,
        pd.DataFrame(excel),
        wave=r.latest_wave or "",
        group_label=t.t("col_variable"),
    )


def data_quality(r) -> Table:
    """Rows read, clean, set aside and duplicate per raw file (no raw values)."""
    t = r.text
    keys = [
        ("rows_read", "col_rows_read"),
        ("rows_clean", "col_rows_clean"),
        ("rows_quarantined", "col_rows_quarantined"),
        ("rows_duplicate", "col_rows_duplicate"),
        ("cells_set_missing", "col_cells_missing"),
    ]
    columns = [Column(k, t.t(label), "text") for k, label in keys]
    rows, excel = [], []
    for name, f in r.audit.get("files", {}).items():
        rows.append((name, name, {k: t.int(f.get(k)) for k, _ in keys}))
        excel.append({t.t("col_file"): name, **{t.t(label): f.get(k) for k, label in keys}})
    return Table("data_quality", columns, rows, pd.DataFrame(excel), group_label=t.t("col_file"))


def quarantine_summary(r) -> Table | Note:
    """Quarantine entries by file, field and reason (internal only: counts, never raw values)."""
    t = r.text
    q = r.quarantine
    if r.rules.public or q.empty:
        return Note(t.t("no_data"))
    reason = q["reason"].astype(str).str.split(":").str[0]
    g = (
        q.assign(reason=reason)
        .groupby(["source_file", "column", "reason"])
        .size()
        .rename("entries")
        .reset_index()
    )
    rows = [
        (f"{a}|{b}|{c}", a, {"column": b, "reason": c, "entries": t.int(n)})
        for a, b, c, n in g.itertuples(index=False)
    ]
    columns = [
        Column("column", t.t("col_column"), "text"),
        Column("reason", t.t("col_reason"), "text"),
        Column("entries", t.t("col_entries"), "text"),
    ]
    return Table("quarantine", columns, rows, g, group_label=t.t("col_file"))


def reference_notes(wages: pd.DataFrame, p: pd.DataFrame, waves: pd.DataFrame, where: str) -> list[str]:
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
            f"Minimum wage: no sourced UMK for {listed} in the reference data; 'at least the minimum wage' "
            "is missing for interviews there and then (add the decree's figure to the programme's reference "
            "file to fill it)."
        )
    return notes
