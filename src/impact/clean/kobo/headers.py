"""Which header of a Kobo export is which field of its form, in every download layout (see :mod:`impact.clean.kobo`)."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from impact.clean.survey import META_FIELDS
from impact.io.raw import INCOMPLETE, SOURCE_COLUMNS
from impact.io.xlsform import FormDefinition, FormField

__all__ = [
    "KOBO_META_COLUMNS",
    "MIN_FORM_SCORE",
    "HeaderMapping",
    "header_key",
    "identify_form",
    "map_headers",
]


#: metadata columns kept under their own names (compared case-insensitively; ODK's ``-`` as ``/``)
KOBO_META_COLUMNS: tuple[str, ...] = (
    "start",
    "end",
    "today",
    "deviceid",
    "username",
    "phonenumber",
    "simserial",
    "subscriberid",
    "audit",
    "__version__",
    "_version_",
    "_id",
    "_uuid",
    "_submission_time",
    "_validation_status",
    "_notes",
    "_status",
    "_submitted_by",
    "_tags",
    "_index",
    "_parent_table_name",
    "_parent_index",
    "_xform_id_string",
    "_attachments",
    "_geolocation",
    "_duration",
    "_media_count",
    "_total_media",
    "_media_all_received",
    "meta/instanceID",
    "meta/instanceName",
    "meta/rootUuid",
    "meta/deprecatedID",
    "meta/audit",
    "formhub/uuid",
    # ODK Central
    "SubmissionDate",
    "KEY",
    "SubmitterID",
    "SubmitterName",
    "AttachmentsPresent",
    "AttachmentsExpected",
    "Status",
    "ReviewState",
    "DeviceID",
    "Edits",
    "FormVersion",
    "instanceID",
    *META_FIELDS,
)
#: a file is taken for a form when at least this share of its non-metadata headers are the form's
MIN_FORM_SCORE = 0.6
#: ``issue`` of :func:`choice_names` (missing where the value is blank or a name/label)

_PASSTHROUGH = frozenset((*SOURCE_COLUMNS, INCOMPLETE))
_WS = re.compile(r"\s+")
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060"), None)
_GEO_TYPES = ("geopoint", "start-geopoint", "background-geopoint", "gps")
_GEO_PARTS = ("latitude", "longitude", "altitude", "precision")
_MEDIA_TYPES = ("image", "audio", "video", "file", "background-audio", "audit")
_SELECTED = frozenset({"1", "true", "yes", "ya", "y", "x", "✓", "1.0"})
_NOT_SELECTED = frozenset({"0", "false", "no", "tidak", "n", "0.0"})
_UNKNOWN_TOKEN_COST = 1000


def header_key(text: object) -> str:
    """How headers and answers are compared: Unicode NFC, BOM and zero-width characters removed,
    runs of whitespace (also non-breaking) as one space, trimmed, case-folded.

    >>> header_key("\\ufeff Data  Responden/Nama\\xa0lengkap ")
    'data responden/nama lengkap'
    """
    text = unicodedata.normalize("NFC", str(text)).translate(_INVISIBLE)
    return _WS.sub(" ", text).strip().casefold()


_META = {header_key(m): m for m in KOBO_META_COLUMNS}


# --- header layouts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Target:
    """What a header can be: a field's column, one option column of a select_multiple, or a part
    formpack adds (a geopoint's ``_<name>_latitude``…, a media file's ``<name>_URL``)."""

    path: str  # the output column (XML path)
    field: str  # the field's path
    option: str | None  # the option name of an option column
    kind: str  # "field", "option" or "part"
    order: tuple[int, int]  # position in formpack's column order


@dataclass(frozen=True)
class _Layout:
    lang: str | bool | None  # False: XML names
    hierarchy: bool
    sep: str

    @property
    def names(self) -> bool:
        return self.lang is False


def _main_fields(form: FormDefinition) -> list[tuple[int, FormField]]:
    """The fields of an export's main sheet (repeat groups are on their own sheets)."""
    return [(i, f) for i, f in enumerate(form.fields) if f.repeat is None]


def _text(labels: Mapping[str | None, str], lang: str | bool | None, name: str) -> str:
    """A field's, group's or option's header text in a layout: its label, else its name (formpack)."""
    if lang is False:
        return name
    return labels.get(lang) or name  # type: ignore[arg-type]


def _candidates(form: FormDefinition, layout: _Layout) -> dict[str, list[_Target]]:
    """Every header formpack (or ODK Central) can write for ``form`` in ``layout``, by header key."""
    table: dict[str, list[_Target]] = {}

    def add(header: str, target: _Target) -> None:
        hits = table.setdefault(header_key(header), [])
        if target not in hits:
            hits.append(target)

    lang, sep = layout.lang, layout.sep
    for i, f in _main_fields(form):
        leaf = _text(f.labels, lang, f.name)
        groups = [_text(gl, lang, g) for g, gl in zip(f.groups, f.group_labels, strict=True)]
        head = sep.join([*groups, leaf]) if layout.hierarchy else leaf
        # formpack never puts groups before a geopoint's own column (only before its parts)
        add(leaf if f.base_type in _GEO_TYPES else head, _Target(f.path, f.path, None, "field", (i, 0)))
        if f.is_select_multiple:
            for j, c in enumerate(form.choices_of(f), start=1):
                target = _Target(f"{f.path}/{c.name}", f.path, c.name, "option", (i, j))
                option = _text(c.labels, lang, c.name)
                for s in dict.fromkeys((sep, "/")):  # formpack uses the separator; ODK Central "/"
                    add(f"{head}{s}{option}", target)
        elif f.base_type in _GEO_TYPES:
            prefix = sep.join(groups) + sep if layout.hierarchy and groups else ""
            for j, (part, path) in enumerate(zip(_GEO_PARTS, _part_paths(f), strict=True), start=1):
                target = _Target(path, f.path, None, "part", (i, j))
                add(f"{prefix}_{leaf}_{part}", target)
                add(f"{head}{sep}{part.capitalize()}", target)  # ODK Central: gps-Latitude
        elif f.base_type in _MEDIA_TYPES:  # with "include media URLs"
            add(f"{head}_URL", _Target(_part_paths(f)[0], f.path, None, "part", (i, 1)))
    return table


def _part_paths(f: FormField) -> list[str]:
    """The output columns of the extra columns formpack writes for a geopoint or media field."""
    if f.base_type in _GEO_TYPES:
        return ["/".join((*f.groups, f"_{f.name}_{part}")) for part in _GEO_PARTS]
    if f.base_type in _MEDIA_TYPES:
        return [f"{f.path}_URL"]
    return []


def _detect_separators(keys: Sequence[str], form: FormDefinition) -> list[str]:
    """Group separators other than ``/`` and ``-`` that the headers use: any short text found
    twice or more between a top-level group's label or name and its field's, or between a
    select_multiple's label or name and an option's."""
    counts: Counter[str] = Counter()
    langs: list[str | bool | None] = [False, *form.languages]
    pairs = set()
    for _, f in _main_fields(form):
        for lang in langs:
            leaf = header_key(_text(f.labels, lang, f.name))
            if len(f.groups) == 1:
                pairs.add((header_key(_text(f.group_labels[0], lang, f.groups[0])), leaf))
            if f.is_select_multiple:
                for c in form.choices_of(f):
                    pairs.add((leaf, header_key(_text(c.labels, lang, c.name))))
    for k in set(keys):
        for head, tail in pairs:
            if head and tail and len(k) > len(head) + len(tail) and k.startswith(head) and k.endswith(tail):
                sep = k[len(head) : len(k) - len(tail)]
                if len(sep) <= 5 and sep not in ("/", "-"):
                    counts[sep] += 1
    return [s for s, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if n >= 2][:3]


def _layouts(form: FormDefinition, seps: list[str]) -> list[_Layout]:
    """Every layout to try, most likely first (ties are broken by this order)."""
    langs: list[str | bool | None] = [False]
    if form.default_language in form.languages:
        langs.append(form.default_language)
    langs += [lang for lang in form.languages if lang not in langs]
    if None not in langs:
        langs.append(None)  # a plain label column may be missing: labels then fall back to names
    return [_Layout(lang, h, s) for lang in langs for h in (True, False) for s in ["/", "-", *seps]]


# --- mapping headers -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HeaderMapping:
    """Which export header is which field, position by position.

    ``paths[i]`` is the output column of ``headers[i]``: a field's XML path, ``<field path>/<option>``
    for an option column of a select_multiple, a metadata name, the header itself for
    pass-through columns (``source_file``, ``source_row``), or ``None`` when unmatched.
    ``kinds[i]`` is ``"field"``, ``"option"``, ``"part"`` (a geopoint's ``_<name>_latitude``…, a
    media field's ``<name>_URL``), ``"meta"``, ``"passthrough"`` or ``""``.
    ``layout`` is ``"names"`` (XML names) or ``"labels"``, in ``language`` (``None``: the plain
    ``label`` column), with group names or labels in headers (``hierarchy``) joined by
    ``group_sep``. ``notes`` explain ambiguous headers and how they were resolved (by column
    order, which formpack keeps), duplicates and headers matched outside the detected layout.
    """

    headers: tuple[str, ...]
    paths: tuple[str | None, ...]
    kinds: tuple[str, ...]
    fields: tuple[str | None, ...]
    options: tuple[str | None, ...]
    layout: str
    language: str | None
    hierarchy: bool
    group_sep: str
    unmatched: tuple[str, ...]
    notes: tuple[str, ...]

    @property
    def matched(self) -> int:
        """How many headers are a field, option or part column of the form."""
        return sum(k in ("field", "option", "part") for k in self.kinds)

    @property
    def score(self) -> float:
        """How well the form explains the file, 0–1: the share of the file's content columns that
        are fields of the form, counting a select_multiple's summary and option columns as one and
        leaving out metadata (``start``, ``_id``, ``__version__``, … even when the form has them)."""
        units: set[tuple[str, object]] = set()
        matched: set[tuple[str, object]] = set()
        for i, (h, kind, f) in enumerate(zip(self.headers, self.kinds, self.fields, strict=True)):
            k = header_key(h)
            if kind in ("meta", "passthrough") or not k or k in _META:
                continue
            unit = ("field", f) if f else ("column", i)
            units.add(unit)
            if f:
                matched.add(unit)
        return len(matched) / len(units) if units else 0.0

    def position(self, path: str) -> int | None:
        """The position of the (first) header mapped to ``path``, or None."""
        for i, p in enumerate(self.paths):
            if p == path:
                return i
        return None


def _assign(
    keys: list[str], candidates: list[list[_Target]], notes: list[str], headers: list[str]
) -> list[_Target | None]:
    """Choose one target per header: unique candidates first, then ambiguous headers by column
    order (a target must sit between its neighbours' targets, as formpack writes form order)."""
    out: list[_Target | None] = [None] * len(keys)
    used: dict[_Target, int] = {}
    for i, cands in enumerate(candidates):
        if len(cands) == 1:
            t = cands[0]
            if t in used:
                notes.append(f"column {headers[i]!r} repeats column {used[t] + 1} ({t.path}); left out")
                continue
            out[i], used[t] = t, i
    fixed = [i for i, t in enumerate(out) if t is not None]
    for i, cands in enumerate(candidates):
        if len(cands) < 2:
            continue
        before = [out[j] for j in range(i) if out[j] is not None]
        lo = before[-1].order if before else (-1, -1)
        after = [j for j in fixed if j > i]
        hi = out[after[0]].order if after else (1 << 30, 0)
        pool = [t for t in cands if t not in used]
        within = [t for t in pool if lo < t.order < hi]
        choice = (within or pool or [None])[0]
        paths = ", ".join(t.path for t in cands)
        if choice is None:
            notes.append(f"column {headers[i]!r} (could be {paths}) repeats earlier columns; left out")
            continue
        if len(within) == 1:
            notes.append(f"column {headers[i]!r} could be {paths}: taken as {choice.path} from its position")
        else:
            notes.append(
                f"column {headers[i]!r} is ambiguous ({paths}): taken as {choice.path}, the first unused"
            )
        out[i], used[choice] = choice, i
    return out


def map_headers(headers: Iterable[object], form: FormDefinition) -> HeaderMapping:
    """Map export headers to the form's fields, whatever download options made the export.

    Every layout formpack writes is tried (XML names or labels in each of the form's languages;
    group names/labels in headers or not; separator ``/``, ``-`` or one found in the headers;
    option columns after the separator or ``/``) and the one matching most headers wins; headers
    it does not explain are then looked up in every layout (reported in ``notes``). Comparison
    ignores case, surrounding and repeated whitespace, BOM and zero-width characters. Metadata
    columns (:data:`KOBO_META_COLUMNS`) keep their names; ``source_file``, ``source_row`` and the
    reader's incomplete-row column pass through. A header matching several fields (duplicate
    labels) is resolved by column order and noted; never raises on any header text.
    """
    headers = ["" if h is None else str(h) for h in headers]
    keys = [header_key(h) for h in headers]
    content = [k for h, k in zip(headers, keys, strict=True) if h not in _PASSTHROUGH and k]
    layouts = _layouts(form, _detect_separators(content, form))
    tables = [_candidates(form, layout) for layout in layouts]
    present = Counter(content)
    scores = [sum(n for k, n in present.items() if k in table) for table in tables]
    best = int(np.argmax(scores)) if scores else 0  # first of the best: the preferred layout
    primary = tables[best]
    fallback: dict[str, list[_Target]] = {}
    for table in tables:
        for k, targets in table.items():
            hits = fallback.setdefault(k, [])
            hits.extend(t for t in targets if t not in hits)

    notes: list[str] = []
    candidates: list[list[_Target]] = []
    for h, k in zip(headers, keys, strict=True):
        if h in _PASSTHROUGH or not k:
            candidates.append([])
            continue
        hits = primary.get(k)
        if not hits and k in fallback:
            hits = fallback[k]
            notes.append(
                f"column {h!r} matched {', '.join(t.path for t in hits)} outside the export's layout"
            )
        candidates.append(hits or [])
    chosen = _assign(keys, candidates, notes, headers)

    paths: list[str | None] = []
    kinds: list[str] = []
    unmatched: list[str] = []
    seen_meta: set[str] = set()
    for h, k, t in zip(headers, keys, chosen, strict=True):
        if h in _PASSTHROUGH:
            paths.append(h)
            kinds.append("passthrough")
        elif t is not None:
            paths.append(t.path)
            kinds.append(t.kind)
        elif (meta := _META.get(k) or _META.get(k.replace("-", "/"))) and meta not in seen_meta:
            seen_meta.add(meta)
            paths.append(meta)
            kinds.append("meta")
        else:
            paths.append(None)
            kinds.append("")
            unmatched.append(h)
    layout = layouts[best]
    return HeaderMapping(
        headers=tuple(headers),
        paths=tuple(paths),
        kinds=tuple(kinds),
        fields=tuple(t.field if t else None for t in chosen),
        options=tuple(t.option if t else None for t in chosen),
        layout="names" if layout.names else "labels",
        language=None if layout.names else layout.lang,  # type: ignore[arg-type]
        hierarchy=layout.hierarchy,
        group_sep=layout.sep,
        unmatched=tuple(unmatched),
        notes=tuple(notes),
    )


def identify_form(
    headers: Iterable[object], forms: Sequence[FormDefinition], *, min_score: float = MIN_FORM_SCORE
) -> tuple[FormDefinition | None, float]:
    """The form whose names or labels best fit a file's headers, and its score (0–1).

    The score is the share of the file's content columns that are fields of the form
    (:attr:`HeaderMapping.score`: metadata left out, a select_multiple's columns counted once); ties go to the form covering more of its own
    fields, then to the earlier form. Returns ``(None, best score)`` when no form reaches
    ``min_score`` (a file of another form, or a form definition that is not the export's).
    """
    headers = list(headers)
    best: tuple[float, float, int] | None = None
    chosen: FormDefinition | None = None
    for n, form in enumerate(forms):
        mapping = map_headers(headers, form)
        main = len(_main_fields(form)) or 1
        coverage = len({f for f in mapping.fields if f}) / main
        rank = (mapping.score, coverage, -n)
        if best is None or rank > best:
            best, chosen = rank, form
    if best is None:
        return None, 0.0
    score = round(best[0], 6)
    return (chosen, score) if score >= min_score else (None, score)
