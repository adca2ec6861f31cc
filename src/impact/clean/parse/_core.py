"""Vectorised parsers for messy field values from Indonesian survey and sales exports.

Every public parser takes a pandas Series of text (dtype ``object``, ``str`` or ``string``;
missing values allowed; numbers are accepted and read as their text) and returns a new
DataFrame with the same index and these columns:

``value``
    the parsed value, with an explicit dtype (``Int64``, ``datetime64[us]``, ``string``,
    ``boolean`` or a categorical from :mod:`impact.vocab`); missing (``<NA>``/``NaT``)
    whenever ``issue`` is set.
``issue``
    :data:`ISSUE_DTYPE`, missing where the value parsed fine, else one of

    - ``blank``: missing, empty, whitespace, dashes or a token from ``vocab.BLANK_TOKENS``
      (``NA``, ``N/A``, ``null``, ...), compared with :func:`impact.vocab.alias_key`;
    - ``dont_know``: a "don't know"/refused answer, from ``vocab.DONT_KNOW`` (by alias key)
      or a numeric code from ``vocab.DONT_KNOW_NUMBERS`` (``-99``, ``-98``, ...);
    - ``invalid``: could not be parsed;
    - ``implausible``: parsed, but outside the bounds passed in (the value is then missing).
``reason``
    ``string``: a short human-readable reason for ``invalid`` and ``implausible`` rows
    (``"not a rupiah amount"``, ``"above Rp 100.000.000"``), missing otherwise.

:func:`normalise_confederation` adds a fourth column, ``corrected`` (``bool``), True where a
typo was corrected.

Speed: every parser factorises its input, parses each *distinct* value once and takes the
results back by code (see :func:`_by_unique`), so a 10-million-row column with a few thousand
distinct spellings costs a few thousand parses. No parser raises on any text, and none
mutates its input.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa

from impact import vocab
from impact._compat import arrow_text, is_arrow_backed

__all__ = ["ISSUE_DTYPE"]
#: dtype of the ``issue`` column of every parser
ISSUE_DTYPE = pd.CategoricalDtype(["blank", "dont_know", "invalid", "implausible"], ordered=False)

# issue codes (positions in ISSUE_DTYPE); _OK is the categorical code for missing
_OK, _BLANK, _DONT_KNOW, _INVALID, _IMPLAUSIBLE = -1, 0, 1, 2, 3

_STRING = pd.StringDtype()
_INT64_MAX = 2**63 - 1


# --- the factorise / parse uniques / take pattern -------------------------------------------------


class _Out(NamedTuple):
    """What a per-value parser says about one distinct text."""

    value: Any = None
    issue: int = _OK
    reason: str | None = None
    flag: bool = False


def _invalid(reason: str) -> _Out:
    return _Out(issue=_INVALID, reason=reason)


class _Parsed:
    """Results for the distinct values of a Series (one slot per unique)."""

    def __init__(self, n: int, dtype: Any) -> None:
        self.value = pd.array([], dtype=dtype).take(np.full(n, -1, dtype=np.intp), allow_fill=True)
        self.issue = np.full(n, _OK, dtype=np.int8)
        self.reason = np.full(n, None, dtype=object)
        self.flag = np.zeros(n, dtype=bool)

    def mark(self, mask: np.ndarray, issue: int, reason: str) -> None:
        """Set ``issue`` and ``reason`` where ``mask`` and clear the value there."""
        if not mask.any():
            return
        self.issue[mask] = issue
        self.reason[mask] = reason
        self.value[mask] = None


_FastPath = Callable[[pd.Index], "tuple[np.ndarray, Any]"]


def _as_text(value: object) -> str:
    """The text of one distinct value (numbers as their ``str``), never raising."""
    if isinstance(value, str):
        return value
    try:
        return str(value)
    except Exception:  # an object whose __str__ fails is simply not parseable
        return "\x00"


def _text_uniques(uniques: pd.Index, *, strip: bool = True) -> pd.Series:
    """The uniques as a Series of text (numbers as their ``str``), stripped unless told not to."""
    if pd.api.types.is_string_dtype(uniques.dtype) and uniques.dtype != object:
        texts = pd.Series(uniques, dtype=uniques.dtype)
    else:
        texts = pd.Series([_as_text(u) for u in np.asarray(uniques, dtype=object)], dtype=object)
    return texts.str.strip() if strip else texts


def _by_unique(
    s: pd.Series, parse_one: Callable[[str], _Out], dtype: Any, *, fast: _FastPath | None = None
) -> tuple[_Parsed, np.ndarray]:
    """Factorise ``s`` and parse each distinct non-missing value once.

    ``fast`` (optional) gets the uniques and returns ``(settled, values)``: a boolean mask of
    the uniques it parsed in one vectorised pass and a full-length array of their values.
    The other uniques are screened for blank / don't-know answers, then given to
    ``parse_one``. Returns the per-unique results and the codes to take them back with.
    """
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    parsed = _Parsed(len(uniques), dtype)
    settled = np.zeros(len(uniques), dtype=bool)
    if fast is not None and len(uniques):
        settled, values = fast(uniques)
        parsed.value[settled] = values[settled]
    todo = np.flatnonzero(~settled)
    if len(todo):
        raw = np.asarray(uniques, dtype=object)[todo]
        outs = [_screen_then(parse_one, _as_text(u)) for u in raw]
        parsed.value[todo] = pd.array([o.value for o in outs], dtype=dtype)
        parsed.issue[todo] = [o.issue for o in outs]
        parsed.reason[todo] = [o.reason for o in outs]
        parsed.flag[todo] = [o.flag for o in outs]
    return parsed, codes


def _frame(s: pd.Series, parsed: _Parsed, codes: np.ndarray, *, flag: str | None = None) -> pd.DataFrame:
    """Take the per-unique results back to the rows of ``s`` (missing rows are blank)."""
    parsed.value[parsed.issue != _OK] = None
    issue_codes = np.append(parsed.issue, np.int8(_BLANK))[codes]  # code -1 takes the last: blank
    columns = {
        "value": parsed.value.take(codes, allow_fill=True),
        "issue": pd.Categorical.from_codes(issue_codes, dtype=ISSUE_DTYPE),
        "reason": pd.array(parsed.reason, dtype=_STRING).take(codes, allow_fill=True),
    }
    if flag is not None:
        columns[flag] = np.append(parsed.flag, False)[codes]
    return pd.DataFrame(columns, index=s.index)


def _parse(
    s: pd.Series, parse_one: Callable[[str], _Out], dtype: Any, *, fast: _FastPath | None = None
) -> pd.DataFrame:
    parsed, codes = _by_unique(s, parse_one, dtype, fast=fast)
    return _frame(s, parsed, codes)


def _row_flags(s: pd.Series, test: Callable[[str], bool], *, missing: bool) -> np.ndarray:
    """A per-row bool array from a per-text test, run once per distinct value (``missing`` for NA)."""
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    flags = [test(_as_text(u)) for u in np.asarray(uniques, dtype=object)]
    return np.append(np.array(flags, dtype=bool), missing)[codes]


# --- blank and don't-know screening ---------------------------------------------------------------

_BLANK_PUNCT = re.compile(r"[-\u2012-\u2015_.]+")
_DONT_KNOW_NUMBER = re.compile(r"(-[0-9]+)(?:[.,]0+)?")


def _missing_issue(text: str) -> int | None:
    """``_BLANK`` or ``_DONT_KNOW`` when the text is no answer, else None."""
    stripped = text.strip()
    if not stripped or _BLANK_PUNCT.fullmatch(stripped):
        return _BLANK
    key = vocab.alias_key(stripped)
    if key and key in vocab.BLANK_TOKENS:
        return _BLANK
    if key in vocab.DONT_KNOW:
        return _DONT_KNOW
    number = _DONT_KNOW_NUMBER.fullmatch(stripped)
    if number and number.group(1) in vocab.DONT_KNOW_NUMBERS:
        return _DONT_KNOW
    return None


def _screen_then(parse_one: Callable[[str], _Out], text: str) -> _Out:
    missing = _missing_issue(text)
    if missing is not None:
        return _Out(issue=missing)
    return parse_one(text)


# --- bounds ----------------------------------------------------------------------------------------


def _true(comparison: Any) -> np.ndarray:
    """A comparison result as a plain bool array, missing counted as False."""
    return np.asarray(pd.array(comparison, dtype="boolean").fillna(False), dtype=bool)


def _check_bounds(parsed: _Parsed, lower: Any, upper: Any, show: Callable[[Any], str]) -> None:
    """Mark values outside ``[lower, upper]`` implausible ("below x" / "above x")."""
    if lower is not None:
        parsed.mark(_true(parsed.value < lower), _IMPLAUSIBLE, f"below {show(lower)}")
    if upper is not None:
        parsed.mark(_true(parsed.value > upper), _IMPLAUSIBLE, f"above {show(upper)}")


def _rupiah_text(amount: int) -> str:
    """``1500000`` -> ``"Rp 1.500.000"``."""
    return "Rp " + f"{amount:,}".replace(",", ".")


#: alias keys that are no answer (screened before parsing); none has a digit, checked in the fast path
_NO_ANSWER_KEYS = pa.array(sorted(vocab.BLANK_TOKENS | set(vocab.DONT_KNOW)), pa.string())


def _arrow_text(uniques: pd.Index) -> pa.Array:
    """The uniques' text (numbers as their ``str``, not stripped) as one Arrow string array."""
    texts = _text_uniques(uniques, strip=False)
    if is_arrow_backed(texts):
        return arrow_text(texts)
    return pa.array(texts.astype(object).tolist(), pa.large_string())
