"""The Excel annex: sheets of published tables, formulas never run, numbers stay numbers."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from impact._text import first_line as _first_line
from impact.errors import ReportError
from impact.io.formulas import FORMULA_START, neutralise_formulas
from impact.publish.i18n import Text
from impact.report.provenance import for_cohort, reproducibility_stamp

__all__ = [
    "annex_name",
    "excel_ready",
    "excel_sheet_names",
    "write_cohort_annexes",
    "write_excel",
]

_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
_SHEET_MAX = 31


# --- Excel annex --------------------------------------------------------------------------------


def excel_sheet_names(names: Iterable[str], *, reserved: Iterable[str] = ("notes",)) -> list[str]:
    """Valid, unique (case-insensitively) Excel sheet names for table names, in order. Pure.

    ``[]:*?/\\`` become ``_``, names are cut to 31 characters, leading/trailing apostrophes are
    dropped, and clashes (with each other or with ``reserved``) get ``~2``, ``~3``, ….

    >>> excel_sheet_names(["a/b", "notes", "x" * 40])
    ['a_b', 'notes~2', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx']
    """
    taken = {r.casefold() for r in reserved}
    out = []
    for raw in names:
        base = _SHEET_BAD.sub("_", str(raw)).strip().strip("'")[:_SHEET_MAX] or "table"
        if base.casefold() == "history":  # reserved by Excel
            base += "_"
        name, k = base, 1
        while name.casefold() in taken:
            k += 1
            suffix = f"~{k}"
            name = base[: _SHEET_MAX - len(suffix)] + suffix
        taken.add(name.casefold())
        out.append(name)
    return out


def excel_ready(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of a table ready for a spreadsheet. Pure.

    A meaningful index becomes columns; column labels become text (MultiIndex joined with
    `` / ``); time zones are dropped from datetimes (Excel has none); text cells a spreadsheet
    would run as a formula get a leading ``'`` (:func:`impact.privacy.neutralise_formulas`) —
    numbers, including negative ones, stay numbers and missing values stay missing.
    """
    out = df
    if not isinstance(out.index, pd.RangeIndex) or any(n is not None for n in out.index.names):
        out = out.reset_index()
    out = out.copy()
    if isinstance(out.columns, pd.MultiIndex):
        out.columns = [" / ".join(str(p) for p in col if str(p) != "") for col in out.columns]
    else:
        out.columns = [str(c) for c in out.columns]
    text_cols = []
    for i, col in enumerate(out.columns):
        s = out.iloc[:, i]
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            out.isetitem(i, s.dt.tz_localize(None))
        elif pd.api.types.is_string_dtype(s.dtype) or isinstance(s.dtype, pd.CategoricalDtype):
            text_cols.append(col)
        elif s.dtype == object:
            values = s.dropna()
            if values.map(lambda v: isinstance(v, str)).all():
                text_cols.append(col)
            else:  # mixed: neutralise the text cells only, numbers stay numbers
                out.isetitem(
                    i, s.map(lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_START) else v)
                )
    if text_cols and len(set(out.columns)) == len(out.columns):
        out[text_cols] = neutralise_formulas(out[text_cols])
    elif text_cols:  # duplicate labels: column by column
        for i, col in enumerate(out.columns):
            if col in text_cols:
                out.isetitem(i, neutralise_formulas(out.iloc[:, [i]]).iloc[:, 0])
    return out


def _number_format(name: str, s: pd.Series) -> str | None:
    if pd.api.types.is_bool_dtype(s.dtype) or not pd.api.types.is_numeric_dtype(s.dtype):
        return None
    if re.search(r"(_rate|_share)$", name):  # 0–1 by convention (STYLE.md)
        return "0.0%"
    if name.endswith("_idr"):
        return "#,##0"
    if pd.api.types.is_integer_dtype(s.dtype):
        return "#,##0"
    return "#,##0.00"


def _column_width(name: str, s: pd.Series, *, cap: int) -> float:
    sample = s.head(500)
    longest = sample.astype("string").str.len().max() if len(sample) else 0
    longest = 0 if pd.isna(longest) else int(longest)
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        longest = min(longest, 14) + 2  # thousands separators
    return float(max(8, min(cap, max(len(name), longest) + 2)))


def write_excel(
    tables: dict[str, pd.DataFrame],
    path: Path,
    *,
    notes: pd.DataFrame,
    stamp: dict[str, Any] | None = None,
    marking: str | None = None,
) -> Path:
    """Write an Excel annex: a ``notes`` sheet first, then one sheet per table.

    Strings are never written as formulas or links (xlsxwriter ``strings_to_formulas`` and
    ``strings_to_urls`` off, and text passed through :func:`excel_ready`); numbers stay
    numeric, missing values are empty cells; header row frozen, filters on, widths set.
    ``stamp`` (see :func:`reproducibility_stamp`) is appended to the notes as the source.
    ``marking`` (e.g. "INTERNAL — not for publication") is written on every sheet: its first row
    (the table starts below it) and its printed header and footer. Written to a temporary file
    and renamed into place.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.tmp-{os.getpid()}.xlsx")
    names = excel_sheet_names(tables)
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    try:
        with pd.ExcelWriter(tmp, engine="xlsxwriter", engine_kwargs={"options": options}) as xw:
            notes_df = excel_ready(notes)
            _write_sheet(xw, "notes", notes_df, cap=100, wrap=True, marking=marking)
            if stamp:
                first_row = len(notes_df) + 2 + (1 if marking else 0)
                _write_stamp(xw.sheets["notes"], stamp, first_row=first_row, book=xw.book)
            for name, df in zip(names, tables.values(), strict=True):
                _write_sheet(xw, name, excel_ready(df), cap=50, wrap=False, marking=marking)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _write_sheet(
    xw: pd.ExcelWriter, name: str, df: pd.DataFrame, *, cap: int, wrap: bool, marking: str | None = None
) -> None:
    top = 1 if marking else 0  # the table's header row
    df.to_excel(xw, sheet_name=name, index=False, na_rep="", startrow=top)
    ws = xw.sheets[name]
    book = xw.book
    if marking:
        _mark_sheet(ws, marking, book=book)
    for i, col in enumerate(df.columns):
        s = df.iloc[:, i]
        props: dict[str, Any] = {"valign": "top"}
        if fmt := _number_format(col, s):
            props["num_format"] = fmt
        if wrap and not pd.api.types.is_numeric_dtype(s.dtype):
            props["text_wrap"] = True
        ws.set_column(i, i, _column_width(col, s, cap=cap), book.add_format(props))
    ws.freeze_panes(top + 1, 0)
    if len(df.columns) and not wrap:
        ws.autofilter(top, 0, top + max(len(df), 1), len(df.columns) - 1)


def _mark_sheet(ws: Any, marking: str, *, book: Any) -> None:
    """``marking`` in the sheet's first row, and in its printed header and footer (page N of M)."""
    ws.write_string(0, 0, marking, book.add_format({"bold": True, "font_color": "#B00020"}))
    text = marking.replace("&", "&&")[:200]  # Excel: & starts a code; 255 characters at most
    ws.set_header(f'&C&"-,Bold"{text}')
    ws.set_footer(f"&L{text}&R&P / &N")
    ws.repeat_rows(0, 1)  # the marking and the column labels on every printed page


def _write_stamp(ws: Any, stamp: dict[str, Any], *, first_row: int, book: Any) -> None:
    bold = book.add_format({"bold": True})
    rows: list[tuple[str, str]] = [
        ("generated (UTC)", str(stamp.get("generated_utc", ""))),
        ("impact version", str(stamp.get("impact_version", ""))),
        ("git commit", str(stamp.get("git_commit") or "not in a git working tree")),
        ("processed by impact", str(stamp.get("processed_by") or "unknown")),
    ]
    rows += [(f"parameter {k}", str(v)) for k, v in stamp.get("parameters", {}).items()]
    rows += [(f"input sha256 {name}", h) for name, h in stamp.get("input_sha256", {}).items()]
    ws.write_string(first_row, 0, "source", bold)
    for r, (key, value) in enumerate(rows, start=first_row + 1):
        ws.write_string(r, 0, key)
        ws.write_string(r, 1, value)


def annex_name(audience: str, lang: str = "en") -> str:
    """``indicators_public.xlsx``, ``indicators_public_id.xlsx`` (the report slugs' convention)."""
    return f"indicators_{audience}{'' if lang == 'en' else '_' + lang}.xlsx"


def _editions(audiences: Iterable[str | tuple[str, str]]) -> list[tuple[str, str]]:
    return [(a, "en") if isinstance(a, str) else (a[0], a[1]) for a in audiences]


def write_cohort_annexes(
    processed_dir: Path,
    reports_dir: Path,
    *,
    cohorts: Iterable[str],
    audiences: Iterable[str | tuple[str, str]],
    build_tables: Callable[..., tuple[dict[str, pd.DataFrame], pd.DataFrame]],
) -> list[Path]:
    """Write ``reports_dir/<cohort>/indicators_<audience>[_<lang>].xlsx`` for each cohort × edition.

    ``audiences``: audience names (English) or ``(audience, lang)`` pairs.
    ``build_tables(cohort, audience, lang)`` returns ``(tables, notes)``. Every annex is attempted;
    if any failed, :class:`ReportError` lists them after the others were written.
    """
    paths, errors = _write_annexes(processed_dir, reports_dir, cohorts, audiences, build_tables)
    if errors:
        raise ReportError("Excel annex failed: " + "; ".join(errors))
    return paths


def _write_annexes(
    processed_dir: Path,
    dirs: Path | dict[str, Path],
    cohorts: Iterable[str],
    audiences: Iterable[str | tuple[str, str]],
    build_tables: Callable[..., tuple[dict[str, pd.DataFrame], pd.DataFrame]],
) -> tuple[list[Path], list[str]]:
    paths, errors = [], []
    editions = _editions(audiences)
    for cohort in cohorts:
        folder = dirs[cohort] if isinstance(dirs, dict) else Path(dirs) / cohort
        for audience, lang in editions:
            path = folder / annex_name(audience, lang)
            try:
                tables, notes = build_tables(cohort, audience, lang)
                stamp = for_cohort(
                    reproducibility_stamp(
                        processed_dir, {"cohort": cohort, "audience": audience, "lang": lang}
                    ),
                    processed_dir,
                    cohort,
                )
                marking = None if audience == "public" else Text(lang).t("audience_internal")
                paths.append(write_excel(tables, path, notes=notes, stamp=stamp, marking=marking))
            except Exception as e:  # the builder is caller code: report any failure, keep going
                errors.append(f"{path.name} ({cohort}, {audience}): {type(e).__name__}: {_first_line(e)}")
    return paths, errors
