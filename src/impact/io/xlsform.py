"""Reading an XLSForm (the form definition KoboToolbox and ODK let you download as ``.xlsx``).

A programme may put its forms in ``RAW_DIR/survey/forms/*.xlsx`` (KoboToolbox: the project's Form
tab, ⋮ → *Download XLS*). With them, :mod:`impact.clean.kobo` can read exports whose headers and
answers are *labels* (KoboToolbox's default download) instead of XML names.

An XLSForm has three sheets:

- ``survey``: one row per question (``type``, ``name``, ``label`` and ``label::<Language (code)>``
  columns, …), with ``begin_group``/``end_group`` and ``begin_repeat``/``end_repeat`` rows around
  groups. A question's *path* joins the names of its groups and its own: ``respondent/gender``.
- ``choices``: the options of each list (``list_name``, ``name``, labels), used by
  ``select_one <list>`` and ``select_multiple <list>`` questions.
- ``settings``: ``form_title``, ``form_id``, ``version``, ``default_language``.

Languages are read the way KoboToolbox's formpack reads them: a plain ``label`` column is the
unnamed language (key ``None``); ``label::English (en)`` (or ``label:English (en)``) is the
language ``"English (en)"``; any other ``<column>::<language>`` column (``hint::…``) also adds
the language. The default language is ``settings.default_language`` when it names one of them
(KoboToolbox moves it first), else the first one. ``select_one x or_other`` adds an ``other``
choice and a ``<name>_other`` text question after the select, as pyxform and formpack do.

Every cell is read as text (numbers as their plain text). Everything here is I/O plus a frozen
model; nothing is cleaned. Problems are :class:`~impact.errors.InputError` naming the file, the
sheet and the spreadsheet row (the header is row 1).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from types import MappingProxyType

from impact._text import first_line as _first_line
from impact.errors import InputError
from impact.io.raw import MAX_XLSX_BOMB_SIZE, MAX_XLSX_RATIO, MAX_XLSX_UNCOMPRESSED

__all__ = [
    "FORMS_DIR",
    "Choice",
    "FormDefinition",
    "FormField",
    "list_forms",
    "read_forms",
    "read_xlsform",
]

#: where a raw folder keeps its form definitions (relative to RAW_DIR)
FORMS_DIR = "survey/forms"

Labels = Mapping[str | None, str]

_GROUP_TYPES = {"begin_group", "end_group", "begin_repeat", "end_repeat"}
_SELECT_TYPES = ("select_one", "select_multiple", "rank")
# types whose list comes from a file or another question, not the choices sheet
_LISTLESS_SELECTS = (
    "select_one_from_file",
    "select_multiple_from_file",
    "select_one_external",
)
_TYPE_ALIASES = {
    "begin group": "begin_group",
    "end group": "end_group",
    "begin repeat": "begin_repeat",
    "end repeat": "end_repeat",
    "begin_group": "begin_group",
    "end_group": "end_group",
    "begin_repeat": "begin_repeat",
    "end_repeat": "end_repeat",
    "begin_loop": "begin_repeat",
    "end_loop": "end_repeat",
    # KoboToolbox's own blocks (matrix, score, rank) open and close like groups
    "begin_kobomatrix": "begin_group",
    "end_kobomatrix": "end_group",
    "begin_score": "begin_group",
    "end_score": "end_group",
    "begin_rank": "begin_group",
    "end_rank": "end_group",
}
_SELECT_ALIASES = {
    "select_one": "select_one",
    "select one": "select_one",
    "select_multiple": "select_multiple",
    "select multiple": "select_multiple",
    "select all that apply": "select_multiple",
    "select_all_that_apply": "select_multiple",
    "rank": "rank",
}
_TRUE = {"yes", "true", "1", "y", "true()"}
# ``label::English (en)``, ``label:English``, ``media::image::English``, ``image::English``
_TRANSLATED = re.compile(r"^([^:]+?)\s*::?\s*([^:]+)$")
_MEDIA_TRANSLATED = re.compile(r"^media\s*::?\s*([^:]+?)\s*::?\s*([^:]+)$")


@dataclass(frozen=True)
class Choice:
    """One option of a choice list: its XML name and its label per language (``None`` = plain ``label``)."""

    name: str
    labels: Labels


@dataclass(frozen=True)
class FormField:
    """One question (or calculate, note, metadata field) of the ``survey`` sheet.

    ``path`` is the full XML path (``respondent/gender``); ``groups`` the names of the enclosing
    groups and repeats, outermost first, with their labels in ``group_labels``; ``repeat`` the
    path of the innermost enclosing repeat (``None`` outside repeats: such fields are on the main
    sheet of an export). ``type`` is normalised (``select_one gender``, ``select_multiple
    income_source``, ``integer``, ``calculate``, ``note``, ``start``, …; ``or_other`` is split off
    into its own flag), ``list_name`` the choice list of a select. ``row`` is the spreadsheet row.
    """

    name: str
    path: str
    type: str
    list_name: str | None
    labels: Labels
    groups: tuple[str, ...]
    group_labels: tuple[Labels, ...]
    repeat: str | None
    or_other: bool
    row: int

    @property
    def base_type(self) -> str:
        """The type without its list name: ``select_one``, ``integer``, …"""
        return self.type.split(" ", 1)[0]

    @property
    def is_select_one(self) -> bool:
        return self.base_type == "select_one"

    @property
    def is_select_multiple(self) -> bool:
        return self.base_type == "select_multiple"


@dataclass(frozen=True)
class FormDefinition:
    """A form definition read from an XLSForm: settings, fields in order, choice lists.

    ``source`` is the name the file was read under (for messages). ``languages`` lists the
    languages in column order (``None`` for a plain ``label`` column), ``default_language`` the
    one KoboToolbox exports by default. ``choices`` maps each list name to its options in order.
    ``repeats`` lists the paths of repeat groups.
    """

    source: str
    form_id: str | None
    title: str | None
    version: str | None
    default_language: str | None
    languages: tuple[str | None, ...]
    fields: tuple[FormField, ...]
    choices: Mapping[str, tuple[Choice, ...]]
    repeats: tuple[str, ...]

    @property
    def paths(self) -> tuple[str, ...]:
        """Every field's XML path, in form order."""
        return tuple(f.path for f in self.fields)

    def field(self, path: str) -> FormField:
        """The field at ``path`` (``KeyError`` if the form has none)."""
        for f in self.fields:
            if f.path == path:
                return f
        raise KeyError(f"{self.source}: no field {path!r}")

    def choices_of(self, field: FormField) -> tuple[Choice, ...]:
        """The options of a select field, in order (``other`` added for ``or_other``); () otherwise."""
        if field.list_name is None:
            return ()
        options = self.choices.get(field.list_name, ())
        if field.or_other and not any(c.name == "other" for c in options):
            options = (*options, Choice("other", MappingProxyType({})))
        return options

    @property
    def label(self) -> str:
        """A short description for messages: title and id."""
        return f"{self.title or self.source}" + (f" ({self.form_id})" if self.form_id else "")


# --- reading ---------------------------------------------------------------------------------------


def _cell(v: object) -> str:
    """A spreadsheet cell as text: numbers without a spurious ``.0``, dates in ISO format."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    if isinstance(v, datetime):
        return v.isoformat(sep=" ") if (v.hour or v.minute or v.second) else v.date().isoformat()
    if isinstance(v, date):
        return v.isoformat()
    return str(v).replace("\xa0", " ").strip()


def _check_zip(path: Path, name: str) -> None:
    if not zipfile.is_zipfile(path):
        raise InputError(f"{name}: not a valid XLSX file (not a zip archive); save the XLSForm as .xlsx")
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise InputError(f"{name}: not a valid XLSX file ({_first_line(e)})") from None
    total = sum(i.file_size for i in infos)
    packed = max(sum(i.compress_size for i in infos), 1)
    if total > MAX_XLSX_UNCOMPRESSED or (total > MAX_XLSX_BOMB_SIZE and total / packed > MAX_XLSX_RATIO):
        raise InputError(
            f"{name}: XLSX would inflate to {total:,} bytes from {packed:,} — refusing (zip bomb?)"
        )


def _read_sheets(path: Path, name: str) -> dict[str, list[list[str]]]:
    """Every worksheet as rows of text, keyed by lower-case sheet name."""
    from openpyxl import load_workbook

    _check_zip(path, name)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many types for broken files
        raise InputError(f"{name}: not a readable XLSX file ({_first_line(e)})") from None
    sheets: dict[str, list[list[str]]] = {}
    try:
        for ws in wb.worksheets:
            if ws.__class__.__name__ == "Chartsheet":
                continue
            try:
                rows = [[_cell(v) for v in r] for r in ws.iter_rows(values_only=True)]
            except Exception as e:  # broken sheet XML surfaces only while iterating
                raise InputError(f"{name}: sheet {ws.title!r} cannot be read ({_first_line(e)})") from None
            sheets.setdefault(ws.title.strip().lower(), rows)
    finally:
        wb.close()
    return sheets


def _columns(header: list[str]) -> list[tuple[str, str | None]]:
    """Each header cell as (column, language): ``label::English (en)`` → ``("label", "English (en)")``.

    Columns without a language have language ``None``; unnamed columns are ``("", None)``.
    """
    out: list[tuple[str, str | None]] = []
    for h in header:
        h = h.strip()
        low = h.lower()
        if not h or low.startswith(("bind:", "body:", "instance:")):
            out.append((low, None))
            continue
        m = _MEDIA_TRANSLATED.match(h)
        if m:
            out.append((f"media::{m.group(1).strip().lower()}", m.group(2).strip()))
            continue
        m = _TRANSLATED.match(h)
        if m:
            out.append((m.group(1).strip().lower(), m.group(2).strip()))
        else:
            out.append((low.replace(" ", "_") if low == "list name" else low, None))
    return out


def _table(rows: list[list[str]]) -> tuple[list[tuple[str, str | None]], list[tuple[int, list[str]]]]:
    """(columns, [(spreadsheet row, cells)]) of a sheet, blank rows left out."""
    if not rows:
        return [], []
    cols = _columns(rows[0])
    width = len(cols)
    body = [
        (i, (r + [""] * width)[:width]) for i, r in enumerate(rows[1:], start=2) if any(c.strip() for c in r)
    ]
    return cols, body


def _languages(*tables: list[tuple[str, str | None]]) -> list[str | None]:
    """Languages in column order, as formpack collects them (a plain ``label`` is ``None``)."""
    found: list[str | None] = []
    for cols in tables:
        for col, lang in cols:
            if lang is not None or col == "label":
                if lang not in found:
                    found.append(lang)
    return found


def _labels(cells: list[str], cols: list[tuple[str, str | None]]) -> Labels:
    out: dict[str | None, str] = {}
    for (col, lang), value in zip(cols, cells, strict=True):
        if col == "label" and value:
            out.setdefault(lang, value)
    return MappingProxyType(out)


def _get(cells: list[str], cols: list[tuple[str, str | None]], *names: str) -> str:
    for (col, lang), value in zip(cols, cells, strict=True):
        if lang is None and col in names and value:
            return value.strip()
    return ""


def _normal_type(raw: str) -> tuple[str, str | None, bool]:
    """``(type, list name, or_other)`` from a survey ``type`` cell (aliases and spacing unified)."""
    text = re.sub(r"\s+", " ", raw.strip())
    low = text.lower()
    block = low.split(" ", 1)[0]  # "begin_kobomatrix list": the block's list does not matter here
    if low in _TYPE_ALIASES or block in _TYPE_ALIASES:
        return _TYPE_ALIASES.get(low) or _TYPE_ALIASES[block], None, False
    or_other = False
    m = re.search(r"\s+or[_ ]other$", text, flags=re.IGNORECASE)
    if m:
        text, or_other = text[: m.start()], True
    low = text.lower()
    if low.startswith(("select_one_or_other ", "select_multiple_or_other ")):
        text, or_other = text.replace("_or_other", "", 1), True
        low = text.lower()
    for alias, canonical in sorted(_SELECT_ALIASES.items(), key=lambda kv: -len(kv[0])):
        if low.startswith(alias + " "):
            list_name = text[len(alias) :].strip()
            return f"{canonical} {list_name}", list_name, or_other
    first, _, rest = text.partition(" ")
    base = first.lower()
    return (
        (f"{base} {rest}".strip(), rest.strip() or None, or_other)
        if base in _LISTLESS_SELECTS
        else (
            base,
            None,
            or_other,
        )
    )


def _parse_choices(rows: list[list[str]] | None, name: str) -> tuple[dict[str, tuple[Choice, ...]], list]:
    if rows is None:
        return {}, []
    cols, body = _table(rows)
    if body and not any(c == "list_name" for c, _ in cols):
        raise InputError(f"{name}: sheet 'choices' has no 'list_name' column")
    lists: dict[str, dict[str, Choice]] = {}
    for row, cells in body:
        list_name = _get(cells, cols, "list_name")
        choice = _get(cells, cols, "name", "value")
        if not list_name and not choice:
            continue  # e.g. a row with only a comment or image
        if not list_name:
            raise InputError(f"{name}: sheet 'choices' row {row}: choice {choice!r} has no list_name")
        if not choice:
            raise InputError(
                f"{name}: sheet 'choices' row {row}: an option of list {list_name!r} has no name"
            )
        # a repeated name replaces the earlier labels and keeps its place, as in formpack
        lists.setdefault(list_name, {})[choice] = Choice(choice, _labels(cells, cols))
    return {k: tuple(v.values()) for k, v in lists.items()}, cols


def _default_language(wanted: str, languages: list[str | None]) -> str | None:
    if not languages:
        return None
    if wanted:
        key = wanted.strip().casefold()
        for lang in languages:
            if lang is not None and lang.casefold() == key:
                return lang
        for lang in languages:  # "English" for "English (en)", or the code "en"
            if lang is None:
                continue
            m = re.match(r"^(.*?)\s*\(([^()]*)\)\s*$", lang)
            if m and key in (m.group(1).casefold(), m.group(2).casefold()):
                return lang
        if None in languages:  # the plain label column is the default language, named in settings
            return None
    return languages[0]


def read_xlsform(path: Path, name: str | None = None) -> FormDefinition:
    """Read an XLSForm ``.xlsx`` (sheets ``survey``, ``choices``, ``settings``) into a :class:`FormDefinition`.

    ``name`` is how the file is named in messages (default: the file name). Raises
    :class:`InputError` for a file that is not an XLSX, has no ``survey`` sheet, a survey row
    without ``type`` or ``name``, a select whose list is not in ``choices``, an unbalanced
    ``begin_group``/``end_group`` (or repeat), or a path used twice.
    """
    path = Path(path)
    name = name or path.name
    sheets = _read_sheets(path, name)
    if "survey" not in sheets:
        found = ", ".join(repr(s) for s in sheets) or "none"
        raise InputError(f"{name}: no 'survey' sheet (sheets: {found}); is this an XLSForm?")
    choices, choice_cols = _parse_choices(sheets.get("choices"), name)
    cols, body = _table(sheets["survey"])
    if not any(c == "type" for c, _ in cols):
        raise InputError(f"{name}: sheet 'survey' has no 'type' column")
    if not any(c == "name" for c, _ in cols):
        raise InputError(f"{name}: sheet 'survey' has no 'name' column")

    settings_cols, settings_body = _table(sheets.get("settings", []))
    settings = settings_body[0][1] if settings_body else []
    languages = _languages(cols, choice_cols)

    fields: list[FormField] = []
    repeats: list[str] = []
    # the open groups: (name, labels, is_repeat, row)
    stack: list[tuple[str, Labels, bool, int]] = []
    seen: dict[str, int] = {}
    for row, cells in body:
        raw_type = _get(cells, cols, "type")
        field_name = _get(cells, cols, "name")
        if _get(cells, cols, "disabled").lower() in _TRUE:
            continue
        if not raw_type:
            if field_name or any(v for (c, _), v in zip(cols, cells, strict=True) if c == "label"):
                what = f"field {field_name!r}" if field_name else "a row with a label"
                raise InputError(f"{name}: sheet 'survey' row {row}: {what} has no type")
            continue
        type_, list_name, or_other = _normal_type(raw_type)
        if type_ in ("end_group", "end_repeat"):
            is_repeat = type_ == "end_repeat"
            if not stack:
                raise InputError(f"{name}: sheet 'survey' row {row}: {type_} without a matching begin")
            open_name, _, open_repeat, open_row = stack.pop()
            if open_repeat != is_repeat:
                begin = "begin_repeat" if open_repeat else "begin_group"
                raise InputError(
                    f"{name}: sheet 'survey' row {row}: {type_} closes {begin} {open_name!r} of row {open_row}"
                )
            continue
        if not field_name:
            raise InputError(f"{name}: sheet 'survey' row {row}: a {type_!r} row has no name")
        labels = _labels(cells, cols)
        if type_ in ("begin_group", "begin_repeat"):
            stack.append((field_name, labels, type_ == "begin_repeat", row))
            if type_ == "begin_repeat":
                repeats.append("/".join(g[0] for g in stack))
            continue
        base = type_.split(" ", 1)[0]
        if base in _SELECT_TYPES:
            if not list_name:
                raise InputError(f"{name}: sheet 'survey' row {row}: {type_!r} names no choice list")
            if not list_name.startswith("${") and list_name not in choices:
                raise InputError(
                    f"{name}: sheet 'survey' row {row}: field {field_name!r} uses list {list_name!r}, "
                    "which is not in the 'choices' sheet"
                )
        groups = tuple(g[0] for g in stack)
        group_labels = tuple(g[1] for g in stack)
        repeat_depth = max((i for i, g in enumerate(stack, start=1) if g[2]), default=0)
        repeat = "/".join(groups[:repeat_depth]) or None
        new = [
            FormField(
                name=field_name,
                path="/".join((*groups, field_name)),
                type=type_,
                list_name=list_name if base in _SELECT_TYPES else None,
                labels=labels,
                groups=groups,
                group_labels=group_labels,
                repeat=repeat,
                or_other=or_other,
                row=row,
            )
        ]
        if or_other and base in ("select_one", "select_multiple"):
            new.append(
                FormField(
                    name=f"{field_name}_other",
                    path="/".join((*groups, f"{field_name}_other")),
                    type="text",
                    list_name=None,
                    labels=MappingProxyType({}),
                    groups=groups,
                    group_labels=group_labels,
                    repeat=repeat,
                    or_other=False,
                    row=row,
                )
            )
        for f in new:
            if f.path in seen:
                raise InputError(
                    f"{name}: sheet 'survey' row {row}: {f.path!r} is already defined in row {seen[f.path]}"
                )
            seen[f.path] = row
            fields.append(f)
    if stack:
        open_name, _, open_repeat, open_row = stack[-1]
        kind = "begin_repeat" if open_repeat else "begin_group"
        end = "end_repeat" if open_repeat else "end_group"
        raise InputError(f"{name}: sheet 'survey' row {open_row}: {kind} {open_name!r} has no {end}")

    def setting(*keys: str) -> str | None:
        return _get(settings, settings_cols, *keys) or None if settings else None

    return FormDefinition(
        source=name,
        form_id=setting("form_id", "id_string"),
        title=setting("form_title", "title"),
        version=setting("version"),
        default_language=_default_language(setting("default_language") or "", languages),
        languages=tuple(languages),
        fields=tuple(fields),
        choices=MappingProxyType(choices),
        repeats=tuple(repeats),
    )


# --- the forms folder ------------------------------------------------------------------------------


def list_forms(raw_dir: Path) -> list[Path]:
    """The XLSForms in ``RAW_DIR/survey/forms/`` (``*.xlsx``, any case), in name order.

    Names starting with ``.`` or ``~$`` (hidden files, Excel's lock files) are skipped; a missing
    folder gives an empty list.
    """
    folder = Path(raw_dir) / FORMS_DIR
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() == ".xlsx" and not p.name.startswith((".", "~$"))
    )


def read_forms(raw_dir: Path, paths: Iterable[Path] | None = None) -> list[FormDefinition]:
    """Read every form of :func:`list_forms` (or ``paths``), each named relative to ``raw_dir``."""
    raw_dir = Path(raw_dir)
    out = []
    for p in list_forms(raw_dir) if paths is None else paths:
        try:
            name = Path(p).relative_to(raw_dir).as_posix()
        except ValueError:
            name = Path(p).name
        out.append(read_xlsform(p, name))
    return out
