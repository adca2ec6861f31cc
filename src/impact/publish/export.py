"""Safe exports in one call: a table (or a frame, internally) to CSV or XLSX.

Whatever is written: text a spreadsheet would run as a formula (``=HYPERLINK(...)``, ``+``, ``-``,
``@``) is neutralised with a leading ``'`` (numbers stay numbers), column labels included; notes
travel with the figures (an XLSX ``notes`` sheet, or ``#`` lines at the top of a CSV: read it back
with ``pd.read_csv(path, comment="#")``); an internal export says "INTERNAL — not for
publication" on every sheet (its first row, printed header and footer) and on the first line of a
CSV. A public export takes only tables built for the public (small groups hidden as ``c``): a
DataFrame is not protected, nor is an internal table. Written to a temporary file and renamed
into place.

>>> impact.export(r.table(by="gender"), "recovery.xlsx", audience="public")    # doctest: +SKIP
>>> r.export(r.participants_view(), "drill_down.csv")                         # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from impact import config
from impact.errors import ParameterError
from impact.io.formulas import FORMULA_START, neutralise_formulas
from impact.publish.i18n import Text
from impact.publish.release import HIDDEN
from impact.publish.views import Note, Table

__all__ = ["export", "export_results"]

SUFFIXES = (".csv", ".xlsx")


def export(
    what,
    path: str | Path,
    *,
    audience: str,
    notes: Iterable[str] = (),
    lang: str = "en",
    min_cell_size: int = config.MIN_CELL_SIZE,
) -> Path:
    """Write ``what`` — a table from the results (``r.table()``, ``r.recovery()``, …), a Note, a
    DataFrame (internal only) or a dict of them (one XLSX sheet each) — to ``path`` (``.csv`` or
    ``.xlsx``) for ``audience`` ("public" or "internal"), safely (see the module docstring).

    ``notes``: your own lines, written after the tables' captions and notes and the legend of
    the symbols. Returns the path written.
    """
    if audience not in config.AUDIENCES:
        raise ParameterError(f"audience must be 'public' or 'internal', not {audience!r}")
    path = Path(path)
    if path.suffix.lower() not in SUFFIXES:
        raise ParameterError(f"export to {path.name!r}: give a file name ending in .csv or .xlsx")
    items = dict(what) if isinstance(what, Mapping) else {_name(what): what}
    if not items:
        raise ParameterError("nothing to export: give a table, a DataFrame or a dict of them")
    if path.suffix.lower() == ".csv" and len(items) > 1:
        raise ParameterError(f"a CSV holds one table, not {len(items)}: export to .xlsx for several sheets")
    text = Text(lang)
    frames, lines = {}, []
    for name, item in items.items():
        frame, item_notes = _frame(
            item, audience=audience, name=str(name) if isinstance(what, Mapping) else ""
        )
        frames[str(name)] = _safe(frame)
        lines += [n for n in item_notes if n not in lines]
    k = min_cell_size
    if audience == "public":
        lines.append(f"{HIDDEN}: {text.t('legend_hidden', k=k)}")
        lines.append(text.t("legend_quantile", kq=max(10, 2 * k)))
    else:
        lines.append(text.t("legend_internal", marks=text.t("legend_marks")))
    lines += [str(n) for n in notes]
    marking = text.t("audience_internal") if audience == "internal" else None
    lines = [_safe_text(line) for line in lines]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.tmp-{os.getpid()}{path.suffix}")
    try:
        if path.suffix.lower() == ".csv":
            _write_csv(tmp, next(iter(frames.values())), lines, marking)
        else:
            _write_xlsx(tmp, frames, lines, marking)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def export_results(r, what, path: str | Path, *, notes: Iterable[str] = ()) -> Path:
    """:func:`export` for the audience and language of the results ``r``, with what they were
    built from (cohort, confederation, as-of date, terms) and their data notes.

    >>> r.export(r.table(by="district"), "by_district.xlsx")                    # doctest: +SKIP
    """
    p = r.params
    source = (
        f"{p.cohort}, confederation {p.confederation}; "
        f"{'as of ' + p.as_of if p.as_of else 'all data'}; {'real' if p.real_terms else 'nominal'} terms"
    )
    return export(
        what,
        path,
        audience=p.audience,
        notes=[source, *r.notes, *notes],
        lang=p.lang,
        min_cell_size=p.min_cell_size,
    )


def _name(item) -> str:
    return item.id if isinstance(item, Table) else "table"


def _frame(item, *, audience: str, name: str) -> tuple[pd.DataFrame, list[str]]:
    """The figures of one item as a frame, and its notes (caption first)."""
    if isinstance(item, Table):
        internal = (
            item.dimension == "confederation_gender"
            or "|" in item.dimension
            or any(str(v).endswith("!") for _, _, cells in item.rows for v in cells.values())
        )
        if audience == "public" and internal:
            raise ParameterError(
                f"table {item.id!r} shows what the public may not see (internal figures or a two-way "
                "breakdown): export it with audience='internal', or build the results with "
                "audience='public'"
            )
        return item.for_excel(), [x for x in (item.caption, *item.notes) if x]
    if isinstance(item, Note):
        return pd.DataFrame({"note": [item.text]}), []
    if isinstance(item, pd.DataFrame):
        if audience == "public":
            raise ParameterError(
                f"{name + ': ' if name else ''}a DataFrame is not disclosure-protected, so it cannot be exported "
                "for the public; "
                "export a table of results built with audience='public' (r.table(...), r.recovery(...)), "
                "or export with audience='internal'"
            )
        return item, []
    raise ParameterError(
        f"cannot export a {type(item).__name__}: give a table (r.table(...)), a DataFrame or a dict of them"
    )


def _safe_text(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_START) else value


def _safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy ready for a spreadsheet: a meaningful index as columns, text labels (neutralised),
    text cells neutralised, time zones dropped (spreadsheets have none). Numbers stay numbers."""
    out = frame
    if not isinstance(out.index, pd.RangeIndex) or any(n is not None for n in out.index.names):
        out = out.reset_index()
    out = out.copy()
    if isinstance(out.columns, pd.MultiIndex):
        labels = [" / ".join(str(p) for p in col if str(p) != "") for col in out.columns]
    else:
        labels = [str(c) for c in out.columns]
    out.columns = [_safe_text(c) for c in labels]
    for i in range(out.shape[1]):
        s = out.iloc[:, i]
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            out.isetitem(i, s.dt.tz_localize(None))
        elif isinstance(s.dtype, pd.CategoricalDtype):
            out.isetitem(i, s.astype("string"))
    return neutralise_formulas(out)


def _write_csv(path: Path, frame: pd.DataFrame, lines: list[str], marking: str | None) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        for line in ([marking] if marking else []) + lines:
            f.write("# " + " ".join(line.split()) + "\n")  # whole lines of comment, whatever they hold
        frame.to_csv(f, index=False, lineterminator="\n")


def _write_xlsx(path: Path, frames: dict[str, pd.DataFrame], lines: list[str], marking: str | None) -> None:
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    names = _sheet_names(frames)
    with pd.ExcelWriter(path, engine="xlsxwriter", engine_kwargs={"options": options}) as xw:
        _sheet(xw, "notes", pd.DataFrame({"notes": lines}), marking)
        for name, frame in zip(names, frames.values(), strict=True):
            _sheet(xw, name, frame, marking)


def _sheet_names(frames: dict[str, pd.DataFrame]) -> list[str]:
    taken, out = {"notes"}, []
    for raw in frames:
        base = "".join("_" if ch in "[]:*?/\\" else ch for ch in raw).strip("'")[:28] or "table"
        name, k = base, 1
        while name.casefold() in taken:
            k += 1
            name = f"{base}~{k}"
        taken.add(name.casefold())
        out.append(name)
    return out


def _sheet(xw: pd.ExcelWriter, name: str, frame: pd.DataFrame, marking: str | None) -> None:
    top = 1 if marking else 0
    frame.to_excel(xw, sheet_name=name, index=False, na_rep="", startrow=top)
    ws = xw.sheets[name]
    if marking:
        ws.write_string(0, 0, marking, xw.book.add_format({"bold": True, "font_color": "#B00020"}))
        text = marking.replace("&", "&&")[:200]
        ws.set_header(f'&C&"-,Bold"{text}')
        ws.set_footer(f"&L{text}&R&P / &N")
    ws.freeze_panes(top + 1, 0)
    for i, col in enumerate(frame.columns):
        width = max([len(str(col)), *(len(str(v)) for v in frame.iloc[:50, i])])
        ws.set_column(i, i, min(max(width + 2, 8), 60 if name == "notes" else 40))
