"""Choice labels (any language) back to choice names, for select_one and select_multiple answers."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd

from impact.clean.kobo.headers import _INVISIBLE, _UNKNOWN_TOKEN_COST, _WS, header_key
from impact.io.xlsform import Choice, FormDefinition, FormField

__all__ = ["CHOICE_ISSUE_DTYPE", "choice_names"]

CHOICE_ISSUE_DTYPE = pd.CategoricalDtype(["not_in_choices", "ambiguous"])

# --- choice values -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _ChoiceIndex:
    exact: Mapping[str, str]  # name as written -> name
    names: Mapping[str, tuple[str, ...]]  # key of a name -> names
    labels: Mapping[str, tuple[str, ...]]  # key of a label (any language) -> names
    order: Mapping[str, int]  # name -> position in the list
    longest: int  # most words in a name or label


def _choice_index(options: Sequence[Choice]) -> _ChoiceIndex:
    names: dict[str, list[str]] = {}
    labels: dict[str, list[str]] = {}
    for c in options:
        names.setdefault(header_key(c.name), []).append(c.name)
        for label in c.labels.values():
            k = header_key(label)
            if k and c.name not in labels.setdefault(k, []):
                labels[k].append(c.name)
    words = [len(k.split(" ")) for k in (*names, *labels)] or [1]
    return _ChoiceIndex(
        exact=MappingProxyType({c.name: c.name for c in options}),
        names=MappingProxyType({k: tuple(v) for k, v in names.items()}),
        labels=MappingProxyType({k: tuple(v) for k, v in labels.items()}),
        order=MappingProxyType({c.name: i for i, c in enumerate(options)}),
        longest=max(words),
    )


def _lookup(index: _ChoiceIndex, key: str, prefer: str) -> tuple[str, ...]:
    """The choice names a key can stand for, the preferred kind (names or labels) first."""
    by_name, by_label = index.names.get(key, ()), index.labels.get(key, ())
    first, second = (by_label, by_name) if prefer == "labels" else (by_name, by_label)
    return tuple(dict.fromkeys((*first, *second)))


def _one(value: str, index: _ChoiceIndex, prefer: str) -> tuple[str, str | None, str | None]:
    """(names, issue, reason) of one distinct select_one answer."""
    text = value.strip()
    if not text:
        return "", None, None
    if text in index.exact and prefer != "labels":
        return text, None, None
    hits = _lookup(index, header_key(text), prefer)
    if not hits:
        return text, "not_in_choices", f"{text!r} is neither a name nor a label of the choices"
    if len(hits) > 1:
        return hits[0], "ambiguous", f"{text!r} could be {', '.join(hits)}: taken as {hits[0]}"
    return hits[0], None, None


def _many(value: str, index: _ChoiceIndex, prefer: str) -> tuple[str, str | None, str | None]:
    """(names, issue, reason) of one distinct select_multiple answer: names or labels separated by
    spaces, split back into whole names/labels (fewest pieces; unknown words cost most)."""
    text = unicodedata.normalize("NFC", value).translate(_INVISIBLE).strip()
    if not text:
        return "", None, None
    raw = _WS.split(text)
    keys = [w.casefold() for w in raw]
    n = len(keys)
    # best[i] = (cost, pieces) for the first i words; a piece is (start, end, names or None)
    best: list[tuple[int, list[tuple[int, int, tuple[str, ...] | None]]] | None] = [None] * (n + 1)
    best[0] = (0, [])
    for i in range(n):
        if best[i] is None:
            continue
        cost, pieces = best[i]  # type: ignore[misc]
        for j in range(i + 1, min(n, i + index.longest) + 1):
            hits = _lookup(index, " ".join(keys[i:j]), prefer)
            step: tuple[int, tuple[str, ...] | None] | None = (1, hits) if hits else None
            if step is None and j == i + 1:
                step = (_UNKNOWN_TOKEN_COST, None)
            if step is None:
                continue
            candidate = (cost + step[0], [*pieces, (i, j, step[1])])
            if best[j] is None or candidate[0] < best[j][0]:  # type: ignore[index]
                best[j] = candidate
    _, pieces = best[n]  # type: ignore[misc]
    known: list[str] = []
    unknown: list[str] = []
    ambiguous: list[str] = []
    for i, j, hits in pieces:
        if hits is None:
            unknown.append(raw[i])
            continue
        if len(hits) > 1:
            ambiguous.append(f"{' '.join(raw[i:j])!r} could be {', '.join(hits)}")
        known.append(hits[0])
    names = sorted(dict.fromkeys(known), key=index.order.__getitem__)
    out = " ".join([*names, *dict.fromkeys(unknown)])
    if unknown:
        return out, "not_in_choices", f"{', '.join(map(repr, dict.fromkeys(unknown)))} not in the choices"
    if ambiguous:
        return out, "ambiguous", "; ".join(ambiguous) + ": the first taken"
    return out, None, None


def choice_names(
    values: pd.Series, field: FormField, form: FormDefinition, *, prefer: str = "names"
) -> pd.DataFrame:
    """Answers of a select field (names, or labels in any of the form's languages) → option names.

    Returns a frame on the same index with ``value`` (text: the option name; for a
    select_multiple the names separated by single spaces, in the order of the choice list; blank
    stays ``""``; an answer that is neither a name nor a label is kept as written, trimmed),
    ``issue`` (:data:`CHOICE_ISSUE_DTYPE`: ``not_in_choices``, or ``ambiguous`` when a text is the
    name or label of several options — the ``prefer``-red kind, ``"names"`` or ``"labels"``, then
    the first in the list wins; missing otherwise) and ``reason`` (text or missing). Matching ignores
    case and spacing. Each distinct answer is looked up once. A field that is not a select gets
    its values back unchanged.
    """
    text = values.astype(object).where(values.notna(), "").astype(str)
    options = form.choices_of(field)
    if not (field.is_select_one or field.is_select_multiple) or not options:
        return pd.DataFrame(
            {
                "value": text,
                "issue": pd.Series(pd.NA, index=values.index, dtype=CHOICE_ISSUE_DTYPE),
                "reason": pd.Series(pd.NA, index=values.index, dtype="string"),
            },
            index=values.index,
        )
    index = _choice_index(options)
    one = _many if field.is_select_multiple else _one
    codes, uniques = pd.factorize(text, sort=False)
    results = [one(u, index, prefer) for u in uniques]
    take = np.asarray(codes)
    value = np.array([r[0] for r in results] + [""], dtype=object)[take]
    issue = np.array([r[1] for r in results] + [None], dtype=object)[take]
    reason = np.array([r[2] for r in results] + [None], dtype=object)[take]
    return pd.DataFrame(
        {
            "value": pd.Series(value, index=values.index, dtype=object),
            "issue": pd.Series(pd.Categorical(issue, dtype=CHOICE_ISSUE_DTYPE), index=values.index),
            "reason": pd.Series(reason, index=values.index, dtype="string"),
        },
        index=values.index,
    )
