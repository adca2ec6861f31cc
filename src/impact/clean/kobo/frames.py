"""A whole Kobo export → the XML-path frame the survey cleaning expects, with a report; and the hint for label exports without their form."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import pandas as pd

from impact.clean.kobo.choices import choice_names
from impact.clean.kobo.headers import (
    _META,
    _NOT_SELECTED,
    _PASSTHROUGH,
    _SELECTED,
    _main_fields,
    _part_paths,
    header_key,
    map_headers,
)
from impact.clean.survey import BASELINE_FIELDS, FOLLOWUP_FIELDS
from impact.io.xlsform import Choice, FormDefinition, FormField

__all__ = ["KoboReport", "label_export_hint", "to_xml_frame"]

# --- whole frames ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class KoboReport:
    """What :func:`to_xml_frame` found and did, for the audit.

    ``layout`` (``"names"``/``"labels"``), ``language``, ``hierarchy``, ``group_sep`` as detected;
    ``multiple_select`` ``"both"``, ``"summary"``, ``"details"``, ``"mixed"`` or ``None`` (no
    select_multiple column); ``unmatched`` headers (kept under their names); ``not_in_choices``:
    per field path, each answer that is not an option of the form → rows; ``notes``: ambiguous
    headers and answers, disagreements between summary and option columns, odd option cells.
    """

    form_id: str | None
    form: str
    layout: str
    language: str | None
    hierarchy: bool
    group_sep: str
    multiple_select: str | None
    unmatched: tuple[str, ...]
    not_in_choices: Mapping[str, Mapping[str, int]]
    notes: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict[str, object]:
        """The report as plain JSON-ready values."""
        return {
            "form_id": self.form_id,
            "form": self.form,
            "layout": self.layout,
            "language": self.language,
            "hierarchy_in_headers": self.hierarchy,
            "group_sep": self.group_sep,
            "multiple_select": self.multiple_select,
            "unmatched_columns": list(self.unmatched),
            "not_in_choices": {k: dict(v) for k, v in self.not_in_choices.items()},
            "notes": list(self.notes),
        }


def _as_text(s: pd.Series) -> pd.Series:
    """A column as text (``object`` dtype, as the raw readers give), missing as ``""``."""
    return s.astype(object).where(s.notna(), "").astype(str).astype(object)


def _blank(s: pd.Series) -> pd.Series:
    return _as_text(s).str.strip()


def _option_cells(
    column: pd.Series, choice: Choice, path: str, notes: list[str]
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(selected, not selected, blank) masks of one option column: ``1``/``0`` (formpack), also
    true/false, yes/no, or the option's name or label / blank. Other values are noted and count as
    neither."""
    text = _blank(column)
    codes, uniques = pd.factorize(text, sort=False)
    mine = {header_key(choice.name), *(header_key(v) for v in choice.labels.values())}
    keys = [header_key(u) for u in uniques]
    kinds = np.array(
        [
            "on"
            if (k in _SELECTED or k in mine)
            else "off"
            if k in _NOT_SELECTED
            else "blank"
            if k == ""
            else "odd"
            for k in keys
        ]
        + ["blank"],
        dtype=object,
    )[np.asarray(codes)]
    odd = kinds == "odd"
    if odd.any():
        examples = ", ".join(repr(v) for v in pd.unique(text[odd])[:3])
        notes.append(
            f"{path}: {int(odd.sum())} cell(s) neither 0/1 nor the option ({examples}); not counted as chosen"
        )
    return (
        pd.Series(kinds == "on", index=column.index),
        pd.Series(kinds == "off", index=column.index),
        pd.Series(kinds == "blank", index=column.index),
    )


def _multiple(
    form: FormDefinition,
    f: FormField,
    summary: pd.Series | None,
    option_cols: dict[str, pd.Series],
    index: pd.Index,
    prefer: str,
    notes: list[str],
    not_in: dict[str, dict[str, int]],
) -> dict[str, pd.Series]:
    """The summary column (names in list order) and one ``1``/``0``/blank column per option of a
    select_multiple, from whichever of them the export has."""
    options = form.choices_of(f)
    out: dict[str, pd.Series] = {}
    if summary is not None:
        parsed = choice_names(summary, f, form, prefer=prefer)
        _count_issues(parsed, f, form, not_in, notes)
        names = parsed["value"].astype(str)
    if option_cols:
        on: dict[str, pd.Series] = {}
        answered = pd.Series(False, index=index)
        for c in options:
            col = option_cols.get(c.name)
            if col is None:
                continue
            sel, off, _ = _option_cells(col, c, f"{f.path}/{c.name}", notes)
            on[c.name] = sel
            answered |= sel | off
        if summary is None:
            built = pd.Series("", index=index, dtype=object)
            for c in options:
                if c.name in on:
                    built = built.where(~on[c.name], built + " " + c.name)
            names = built.str.strip()
        else:
            # the summary wins; say where the option columns disagree with it
            padded = " " + names + " "
            differ = pd.Series(False, index=index)
            for name, sel in on.items():
                differ |= (padded.str.contains(f" {name} ", regex=False) != sel) & (names != "")
            if differ.any():
                notes.append(
                    f"{f.path}: {int(differ.sum())} row(s) where the option columns disagree with the "
                    "summary column; the summary was kept"
                )
    padded = " " + names + " "
    blank = names == ""
    if summary is None and option_cols:
        blank = ~answered
    out[f.path] = names.astype(object)
    for c in options:
        chosen = padded.str.contains(f" {c.name} ", regex=False)
        out[f"{f.path}/{c.name}"] = pd.Series(
            np.where(blank, "", np.where(chosen, "1", "0")), index=index, dtype=object
        )
    return out


def _count_issues(
    parsed: pd.DataFrame,
    f: FormField,
    form: FormDefinition,
    not_in: dict[str, dict[str, int]],
    notes: list[str],
) -> None:
    """Record the answers of ``f`` not in its choices (each unknown word of a select_multiple
    separately) and the ambiguous ones."""
    issue = parsed["issue"]
    missing = issue == "not_in_choices"
    if missing.any():
        counts = parsed.loc[missing, "value"].value_counts(sort=False)
        names = {c.name for c in form.choices_of(f)}
        found: Counter[str] = Counter()
        for value, n in counts.items():
            words = str(value).split(" ") if f.is_select_multiple else [str(value)]
            for w in dict.fromkeys(words):
                if w not in names or not f.is_select_multiple:
                    found[w] += int(n)
        not_in[f.path] = dict(sorted(found.items()))
    amb = issue == "ambiguous"
    if amb.any():
        for reason in pd.unique(parsed.loc[amb, "reason"].astype(str))[:3]:
            notes.append(f"{f.path}: {reason}")


def to_xml_frame(frame: pd.DataFrame, form: FormDefinition) -> tuple[pd.DataFrame, KoboReport]:
    """An export read as text (any layout, see the module notes) → columns named by XML path.

    The result has, in form order, one column per field of the form found in the export
    (``respondent/gender``), select answers as option names (:func:`choice_names`), and for every
    select_multiple the summary (``income/sources``: names separated by spaces, in list order)
    plus one column per option (``income/sources/reseller``: ``1``, ``0``, or blank when the
    question was not answered), rebuilt from whichever of the two the export has. Then the
    metadata columns under their names, unmatched columns under their own headers (a repeated
    header only once), and ``source_file``/``source_row``/the incomplete-row column unchanged.
    Cells are text, blank ``""``; the index is kept. Nothing is dropped silently: everything
    unusual is in the :class:`KoboReport`.
    """
    headers = [str(c) for c in frame.columns]
    mapping = map_headers(headers, form)
    prefer = mapping.layout
    notes = list(mapping.notes)
    not_in: dict[str, dict[str, int]] = {}
    index = frame.index

    by_path: dict[str, pd.Series] = {}
    meta: dict[str, pd.Series] = {}
    extra: dict[str, pd.Series] = {}
    passthrough: dict[str, pd.Series] = {}
    for j, (h, path, kind) in enumerate(zip(headers, mapping.paths, mapping.kinds, strict=True)):
        column = frame.iloc[:, j]
        if kind == "passthrough":
            passthrough.setdefault(h, column)
        elif kind == "meta":
            meta.setdefault(path, _as_text(column))  # type: ignore[arg-type]
        elif path is None:
            if h in extra or h == "":
                notes.append(f"column {h!r} (unmatched) appears more than once; kept once")
            else:
                extra[h] = _as_text(column)
        else:
            by_path.setdefault(path, _as_text(column))

    columns: dict[str, pd.Series] = {}
    styles: list[str] = []
    for f in (f for _, f in _main_fields(form)):
        if f.is_select_multiple:
            option_cols = {
                c.name: by_path[f"{f.path}/{c.name}"]
                for c in form.choices_of(f)
                if f"{f.path}/{c.name}" in by_path
            }
            summary = by_path.get(f.path)
            if summary is None and not option_cols:
                continue
            styles.append(
                "both"
                if summary is not None and option_cols
                else "summary"
                if option_cols == {}
                else "details"
            )
            columns.update(_multiple(form, f, summary, option_cols, index, prefer, notes, not_in))
        elif f.path in by_path:
            value = by_path[f.path]
            if f.is_select_one and form.choices_of(f):
                parsed = choice_names(value, f, form, prefer=prefer)
                _count_issues(parsed, f, form, not_in, notes)
                value = parsed["value"]
            columns[f.path] = value
        for path in _part_paths(f):
            if path in by_path:
                columns[path] = by_path[path]
    for name, col in meta.items():
        columns.setdefault(name, col)
    for name, col in extra.items():
        if name in columns:
            notes.append(f"column {name!r} (unmatched) has the name of a form column; left out")
        else:
            columns[name] = col
    for name, col in passthrough.items():
        columns[name] = col
    out = pd.DataFrame(columns, index=index) if columns else pd.DataFrame(index=index)
    kinds = set(styles)
    report = KoboReport(
        form_id=form.form_id,
        form=form.label,
        layout=mapping.layout,
        language=mapping.language,
        hierarchy=mapping.hierarchy,
        group_sep=mapping.group_sep,
        multiple_select=(kinds.pop() if len(kinds) == 1 else "mixed") if kinds else None,
        unmatched=mapping.unmatched,
        not_in_choices=MappingProxyType({k: MappingProxyType(v) for k, v in not_in.items()}),
        notes=tuple(notes),
    )
    return out, report


# --- without a form ------------------------------------------------------------------------------

_XML_NAME = re.compile(r"^[A-Za-z_:][A-Za-z0-9_.:/-]*$")
_CONTRACT = {header_key(p) for p in (*BASELINE_FIELDS, *FOLLOWUP_FIELDS)} | {
    header_key(p.rsplit("/", 1)[-1]) for p in (*BASELINE_FIELDS, *FOLLOWUP_FIELDS)
}


def label_export_hint(headers: Iterable[object]) -> str | None:
    """A one-line fix when headers look like KoboToolbox *labels* rather than XML names, else None.

    Headers "look like labels" when they are not XML names (spaces, parentheses, punctuation):
    at least three of them, making up at least a third of the non-metadata headers, while fewer
    than half of the survey contract's fields are found by name.
    """
    headers = ["" if h is None else str(h) for h in headers]
    keys = [header_key(h) for h in headers]
    keys = [k for k in keys if k and k not in _META and k not in _PASSTHROUGH]
    if not keys:
        return None
    labelish = [k for k in keys if not _XML_NAME.match(k)]
    named = sum(k.replace("-", "/") in _CONTRACT for k in keys)
    if len(labelish) < 3 or len(labelish) * 3 < len(keys) or named * 2 >= len(keys):
        return None
    example = next(h for h in headers if header_key(h) == labelish[0])
    return (
        f"looks like a Kobo export with labels as headers ({len(labelish)} of {len(keys)} columns, "
        f"e.g. {example.strip()!r}): put the form's XLSForm (.xlsx, from the project's Form tab: "
        "⋮ → Download XLS) in survey/forms/, or download the data again with 'XML values and headers'"
    )
