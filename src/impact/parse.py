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

import datetime as dt
import difflib
import functools
import itertools
import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from impact import vocab

__all__ = [
    "ISSUE_DTYPE",
    "normalise_confederation",
    "normalise_gender",
    "normalise_participant_code",
    "normalise_phone",
    "normalise_reseller_id",
    "normalise_status",
    "normalise_wave",
    "parse_date",
    "parse_datetime",
    "parse_int",
    "parse_month",
    "parse_rupiah",
    "parse_utc_timestamp",
    "parse_yes_no",
]

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


# --- numbers ---------------------------------------------------------------------------------------

_NUMBER_FORMS = (
    # 1.500.000 / 1.500.000,00 : dots followed by exactly 3 digits are thousands separators
    (re.compile(r"[1-9][0-9]{0,2}(?:\.[0-9]{3})+(?:,[0-9]{1,2})?"), {".": "", ",": "."}),
    # 1,500,000 / 1,500,000.50 : commas in groups of 3 are thousands separators
    (re.compile(r"[1-9][0-9]{0,2}(?:,[0-9]{3})+(?:\.[0-9]{1,2})?"), {",": ""}),
    (re.compile(r"[0-9]+"), {}),
    # 1500000.0 / 1.5 / 1.5000 : a lone dot followed by 1-2 or 4+ digits is a decimal point
    (re.compile(r"[0-9]+\.(?:[0-9]{1,2}|[0-9]{4,})"), {}),
    # 1,5 / 1500000,00 : a lone comma followed by 1-2 digits is a decimal comma
    (re.compile(r"[0-9]+,[0-9]{1,2}"), {",": "."}),
)
_EXPONENT = re.compile(r"([0-9.,]+?)e([+-]?[0-9]{1,3})")


def _decimal(text: str) -> Decimal | None:
    """An unsigned number in Indonesian, English or Excel notation, or None.

    >>> _decimal("1.500.000,50"), _decimal("1,500,000"), _decimal("1.5"), _decimal("1.5e+06")
    (Decimal('1500000.50'), Decimal('1500000'), Decimal('1.5'), Decimal('1.5E+6'))
    """
    text = text.lower()
    exponent = _EXPONENT.fullmatch(text)
    if exponent:
        mantissa = _decimal(exponent.group(1))
        return None if mantissa is None else mantissa.scaleb(int(exponent.group(2)))
    for pattern, replacements in _NUMBER_FORMS:
        if pattern.fullmatch(text):
            for old, new in replacements.items():
                text = text.replace(old, new)
            return Decimal(text)
    return None


def _round_half_up(number: Decimal) -> int | None:
    """The nearest integer (halves away from zero), or None when it does not fit in Int64."""
    if abs(number) > _INT64_MAX:
        return None
    try:
        return int(number.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    except InvalidOperation:
        return None


# --- rupiah ----------------------------------------------------------------------------------------

_MULTIPLIERS = {
    "juta": 10**6,
    "jt": 10**6,
    "ribu": 10**3,
    "rb": 10**3,
    "k": 10**3,
    "miliar": 10**9,
    "milyar": 10**9,
    "m": 10**9,
}
_MULTIPLIER = "|".join(sorted(_MULTIPLIERS, key=len, reverse=True))
_CURRENCY = re.compile(r"(?<![a-z])(?:rp|idr|rupiah)\.?(?![a-z])")
_TRAILER = re.compile(r"(?:[.,]?\s*[-=]+|\.)\Z")  # "1.500.000,-", "50.000,=", "150rb."
_NUMBER = r"[0-9][0-9.,]*(?:e[+-]?[0-9]{1,3})?"
_RANGE = re.compile(
    rf"(?<![0-9.,]){_NUMBER}\s*(?:{_MULTIPLIER})?\s*(?:-|\u2013|\u2014|~|s/d|s\.d\.?|sd|sampai|hingga|to)\s*[0-9]"
)
_SIGN = re.compile(r"^[-\u2212\u2013]\s*")
_SPACE_THOUSANDS = re.compile(r"(?<![0-9.,])[0-9]{1,3}(?: [0-9]{3})+(?![0-9])")
_DIGIT_SPACE_DIGIT = re.compile(r"[0-9]\s+[0-9]")
_PART = re.compile(rf"({_NUMBER})({_MULTIPLIER})?")


def _amount_parts(text: str) -> list[tuple[Decimal, int]] | None:
    """``"1jt500rb"`` -> ``[(1, 10**6), (500, 10**3)]``; None unless the parts cover the text."""
    parts, position = [], 0
    for match in _PART.finditer(text):
        number = _decimal(match.group(1))
        if match.start() != position or number is None:
            return None
        parts.append((number, _MULTIPLIERS.get(match.group(2) or "", 1)))
        position = match.end()
    return parts if parts and position == len(text) else None


def _combine_parts(parts: list[tuple[Decimal, int]]) -> Decimal | None:
    """One part, or several like ``1 jt 500 rb`` (every part with a smaller multiplier)."""
    if len(parts) == 1:
        return parts[0][0] * parts[0][1]
    for (_, big), (number, small) in itertools.pairwise(parts):
        if big == 1 or small == 1 or small >= big or number * small >= big:
            return None
    return sum((number * multiplier for number, multiplier in parts), Decimal(0))


def _rupiah_one(text: str) -> _Out:
    """Parse one rupiah text (see :func:`parse_rupiah` for the rules)."""
    t = _CURRENCY.sub(" ", text.strip().lower()).strip()
    t = _TRAILER.sub("", t).strip()
    if not t:
        return _Out(issue=_BLANK)  # "Rp", "Rp -", "Rp. ,-"
    if _RANGE.search(t):
        return _invalid("a range, not one amount")
    negative = _SIGN.match(t) is not None
    t = _SIGN.sub("", t)
    t = _SPACE_THOUSANDS.sub(lambda m: m.group().replace(" ", "."), t)
    if _DIGIT_SPACE_DIGIT.search(t):
        return _invalid("not a rupiah amount")
    parts = _amount_parts(re.sub(r"\s+", "", t))
    amount = None if parts is None else _combine_parts(parts)
    if amount is None:
        return _invalid("not a rupiah amount")
    rupiah = _round_half_up(-amount if negative else amount)
    if rupiah is None:
        return _invalid("amount too large")
    return _Out(rupiah)


_PLAIN_DIGITS = re.compile(r"[0-9]{1,18}")
#: "Rp 150.000", "Rp. 150.000", "Rp150.000,00", "150.000": dots between thousands, no decimals
_DOTTED_RUPIAH = r"^(?:[Rr][Pp]\.? ?)?(?P<digits>[1-9][0-9]{0,2}(?:\.[0-9]{3}){1,5})(?:,0{1,2})?$"
#: "150rb", "150 rb": thousands
_THOUSANDS_RUPIAH = r"^(?P<digits>[0-9]{1,12}) ?[Rr][Bb]$"


def _rupiah_fast(uniques: pd.Index) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised path for uniques that are numbers already or digit-only text."""
    n = len(uniques)
    values = np.zeros(n, dtype=np.int64)
    if pd.api.types.is_bool_dtype(uniques.dtype):
        return np.zeros(n, dtype=bool), values
    if pd.api.types.is_integer_dtype(uniques.dtype):
        numbers = np.asarray(uniques)
        settled = (numbers >= 0) & (numbers <= _INT64_MAX)
        values[settled] = numbers[settled]
        return settled, values
    if pd.api.types.is_float_dtype(uniques.dtype):
        numbers = np.asarray(uniques, dtype=np.float64)
        settled = np.isfinite(numbers) & (numbers >= 0) & (numbers < 9.2e18)
        values[settled] = np.floor(numbers[settled] + 0.5)
        return settled, values
    texts = _text_uniques(uniques, strip=False)
    settled = _true(texts.str.fullmatch(_PLAIN_DIGITS.pattern))
    if settled.any():
        values[settled] = pd.to_numeric(texts[settled]).to_numpy(dtype=np.int64)
    # the usual text forms: "Rp 150.000", "Rp150.000,00", "150.000", "150rb"
    arrow = _arrow_text(uniques)
    for pattern, scale in ((_DOTTED_RUPIAH, 1), (_THOUSANDS_RUPIAH, 1000)):
        digits = pc.struct_field(pc.extract_regex(arrow, pattern), 0)
        found = pc.is_valid(digits).to_numpy(zero_copy_only=False) & ~settled
        if found.any():
            number = pc.replace_substring(digits.filter(pa.array(found)), ".", "")
            values[found] = pc.cast(number, pa.int64()).to_numpy() * scale
            settled = settled | found
    return settled, values


def parse_rupiah(s: pd.Series, *, lower: int | None = 0, upper: int | None = None) -> pd.DataFrame:
    """Parse rupiah amounts written in any of the ways seen in the field; ``value`` is ``Int64``.

    The value is whole rupiah, rounded half up (``1,5`` rupiah -> 2). Rules:

    - currency marks anywhere are ignored: ``Rp``, ``Rp.``, ``IDR``, ``rupiah``, any case;
      so are a trailing ``,-`` / ``.-`` / ``,=`` and spaces (``Rp 1 500 000`` is 1500000);
    - a dot followed by exactly 3 digits is a thousands separator (``1.500`` is 1500,
      ``1.500.000`` is 1500000); a lone dot followed by 1-2 or 4+ digits is a decimal point
      (``1500000.0``, ``1.5jt``);
    - commas in groups of 3 are thousands separators (``1,500,000``, also ``1,500``);
      otherwise a comma followed by 1-2 digits is a decimal comma (``1,5 jt``,
      ``Rp1.500.000,00``); any other mix of dots and commas is invalid;
    - scientific notation from Excel: ``1.5E+06`` is 1500000;
    - multipliers (any case, with or without a space): ``jt``/``juta`` 10^6, ``rb``/``ribu``/``k``
      10^3, ``m``/``miliar``/``milyar`` 10^9 (``3 M`` is three *billion*, never million);
      parts may be combined with falling multipliers: ``1 jt 500 rb`` is 1500000;
    - ``Rp 0`` is 0; ``Rp`` or ``Rp -`` alone is blank;
    - a range (``1-2 jt``, ``1 - 2 juta``, ``1 s/d 2 jt``, ``500rb sampai 1jt``) is invalid:
      "a range, not one amount";
    - ``-99``, ``-98`` (``vocab.DONT_KNOW_NUMBERS``) are don't know; any other negative
      amount (``-50000``, ``Rp -50.000``) is implausible "negative amount" when ``lower`` is
      0 or more;
    - below ``lower`` or above ``upper`` (rupiah, inclusive bounds, None for no bound) is
      implausible, e.g. "above Rp 100.000.000";
    - anything else is invalid: "not a rupiah amount" (or "amount too large" beyond Int64).

    Series that hold numbers, or digit-only text, take a vectorised fast path.

    >>> parse_rupiah(pd.Series(["Rp 1.500.000", "1,5 jt", "150rb", "3 M", "1-2 jt"]))["value"].tolist()
    [1500000, 1500000, 150000, 3000000000, <NA>]
    """
    parsed, codes = _by_unique(s, _rupiah_one, "Int64", fast=_rupiah_fast)
    if lower is not None and lower >= 0:
        parsed.mark(_true(parsed.value < 0), _IMPLAUSIBLE, "negative amount")
    _check_bounds(parsed, lower, upper, _rupiah_text)
    return _frame(s, parsed, codes)


# --- whole numbers -----------------------------------------------------------------------------------

_SIGNED = re.compile(r"([-+]?)\s*(.+)", re.DOTALL)


def _int_one(text: str) -> _Out:
    """Parse one whole number (see :func:`parse_int`)."""
    sign, body = _SIGNED.fullmatch(text.strip()).groups()  # type: ignore[union-attr]
    number = _decimal(body)
    if number is None:
        return _invalid("not a number")
    if number != number.to_integral_value():
        return _invalid("not a whole number")
    value = _round_half_up(-number if sign == "-" else number)
    return _invalid("number too large") if value is None else _Out(value)


def parse_int(s: pd.Series, *, lower: int | None = None, upper: int | None = None) -> pd.DataFrame:
    """Parse whole numbers (counts, years, hours); ``value`` is ``Int64``.

    Accepts ``3``, `` 3 ``, ``3.0`` / ``3,0`` (Excel float text), ``1985``, ``+3``, ``-3`` and
    thousands separators as in :func:`parse_rupiah` (``1.500`` is 1500). ``-99``, ``-98``... are
    don't know. A fraction (``2.5``) is invalid "not a whole number", other text invalid
    "not a number". Outside the inclusive ``[lower, upper]`` is implausible ("below 1940").

    >>> parse_int(pd.Series(["3", "3.0", "2.5", "-99"]))["value"].tolist()
    [3, 3, <NA>, <NA>]
    """
    parsed, codes = _by_unique(s, _int_one, "Int64")
    _check_bounds(parsed, lower, upper, str)
    return _frame(s, parsed, codes)


# --- dates -----------------------------------------------------------------------------------------

_MONTHS: dict[str, int] = {
    **dict.fromkeys(["januari", "january", "jan"], 1),
    **dict.fromkeys(["februari", "pebruari", "february", "feb", "peb"], 2),
    **dict.fromkeys(["maret", "march", "mar"], 3),
    **dict.fromkeys(["april", "apr"], 4),
    **dict.fromkeys(["mei", "may"], 5),
    **dict.fromkeys(["juni", "june", "jun"], 6),
    **dict.fromkeys(["juli", "july", "jul"], 7),
    **dict.fromkeys(["agustus", "august", "agu", "agt", "ags", "agus", "aug"], 8),
    **dict.fromkeys(["september", "sept", "sep"], 9),
    **dict.fromkeys(["oktober", "october", "okt", "oct"], 10),
    **dict.fromkeys(["november", "nopember", "nov", "nop"], 11),
    **dict.fromkeys(["desember", "december", "des", "dec"], 12),
}
_TIME = r"(?:[t ]+[0-9]{1,2}[:.][0-9]{2}(?:[:.][0-9]{2}(?:\.[0-9]+)?)?\s*(?:z|[+-][0-9]{2}:?[0-9]{2})?)?"
_SEP = r" ?[-/.] ?"
_ISO_DATE = re.compile(rf"([0-9]{{4}}){_SEP}([0-9]{{1,2}}){_SEP}([0-9]{{1,2}}){_TIME}")
_DMY_DATE = re.compile(rf"([0-9]{{1,2}}){_SEP}([0-9]{{1,2}}){_SEP}([0-9]{{4}}|[0-9]{{2}}){_TIME}")
_NAMED_DATE = re.compile(r"([0-9]{1,2})\s*[-/.\s]\s*([a-z]+)\.?\s*[-/.,\s]\s*([0-9]{4}|[0-9]{2})")
_NAMED_MONTH = re.compile(r"([a-z]+)\.?\s*[-/.,\s]\s*([0-9]{4})")
_NUMERIC_MONTH = re.compile(r"([0-9]{1,2})[-/.]([0-9]{4})|([0-9]{4})[-/.]([0-9]{1,2})")
_EXCEL_SERIAL = re.compile(r"([0-9]{5})(?:\.[0-9]+)?")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_EXCEL_RANGE = (20_000, 80_000)


def _year(text: str) -> int:
    """Four-digit years as written; two-digit years are 20yy."""
    return int(text) + 2000 if len(text) == 2 else int(text)


def _calendar(year: int, month: int, day: int | None) -> dt.date | str:
    """A real date (day None: the month start), or the reason it is not one (never rolls over)."""
    try:
        return dt.date(year, month, day or 1)
    except ValueError:
        return "not a real calendar date"


def _date_parts(text: str) -> tuple[dt.date, bool] | str:
    """``(date, month_only)`` for one date text, or the reason it is not a date."""
    t = re.sub(r"\s+", " ", text.strip().lower())
    if match := _ISO_DATE.fullmatch(t):
        year, month, day = match.groups()
    elif match := _DMY_DATE.fullmatch(t):
        day, month, year = match.groups()
    elif (match := _NAMED_DATE.fullmatch(t)) and match.group(2) in _MONTHS:
        day, month, year = match.group(1), str(_MONTHS[match.group(2)]), match.group(3)
    elif (match := _NAMED_MONTH.fullmatch(t)) and match.group(1) in _MONTHS:
        day, month, year = None, str(_MONTHS[match.group(1)]), match.group(2)
    elif match := _NUMERIC_MONTH.fullmatch(t):
        day, month, year = None, match.group(1) or match.group(4), match.group(2) or match.group(3)
    elif (match := _EXCEL_SERIAL.fullmatch(t)) and _EXCEL_RANGE[0] <= int(match.group(1)) <= _EXCEL_RANGE[1]:
        return _EXCEL_EPOCH + dt.timedelta(days=int(match.group(1))), False
    else:
        return "not a date"
    date = _calendar(_year(year), int(month), None if day is None else int(day))
    return date if isinstance(date, str) else (date, day is None)


def _date_one(text: str) -> _Out:
    """Parse one calendar date (see :func:`parse_date`)."""
    parts = _date_parts(text)
    if isinstance(parts, str):
        return _invalid(parts)
    date, month_only = parts
    return (
        _invalid("month only, no day") if month_only else _Out(dt.datetime(date.year, date.month, date.day))
    )


def _month_one(text: str) -> _Out:
    """Parse one month (see :func:`parse_month`)."""
    parts = _date_parts(text)
    if isinstance(parts, str):
        return _invalid(parts)
    return _Out(dt.datetime(parts[0].year, parts[0].month, 1))


def _show_date(bound: pd.Timestamp) -> str:
    return bound.date().isoformat() if bound == bound.normalize() else bound.isoformat()


def _check_date_bounds(parsed: _Parsed, lower: Any, upper: Any, *, tz: str | None = None) -> None:
    """Mark dates outside the inclusive ``[lower, upper]`` implausible ("date before 2015-01-01")."""
    for bound, before in ((lower, True), (upper, False)):
        if bound is None:
            continue
        stamp = pd.Timestamp(bound)
        if tz is not None:
            stamp = stamp.tz_localize(tz) if stamp.tz is None else stamp.tz_convert(tz)
        outside = parsed.value < stamp if before else parsed.value > stamp
        word = "before" if before else "after"
        parsed.mark(np.asarray(outside, dtype=bool), _IMPLAUSIBLE, f"date {word} {_show_date(stamp)}")


def parse_date(s: pd.Series, *, lower: Any = None, upper: Any = None) -> pd.DataFrame:
    """Parse calendar dates, day first; ``value`` is naive ``datetime64[us]`` at midnight.

    Accepts, in any case and with spaces around separators:

    - ISO ``2022-08-15`` (also ``2022/08/15``), optionally with a time part that is dropped
      (``2022-08-15 10:30:00``, ``2022-08-15T10:30:00+07:00``: the date as written);
    - day first, always: ``15/08/2022``, ``15-08-2022``, ``15.08.2022``, ``15/8/22``
      (a two-digit year is 20yy);
    - Indonesian and English month names, full or short: ``15 Agustus 2022``, ``15 Agu 2022``,
      ``15 Agt 2022``, ``15-Aug-22``, ``1 Mei 2022``, ``3 Okt 2022``, ``31 Des 2022``;
    - Excel serial day numbers as text, 20000 to 80000 only: ``44788`` is 2022-08-15 (a
      fraction, the time of day, is dropped: ``44788.75``).

    A month without a day (``Maret 2022``, ``08/2022``) is invalid "month only, no day"
    (use :func:`parse_month`); impossible dates (``2022-02-30``) are invalid "not a real
    calendar date" (never rolled over); other text invalid "not a date". Dates outside the
    inclusive ``[lower, upper]`` (anything :class:`pandas.Timestamp` accepts) are implausible,
    e.g. "date before 2015-01-01".

    >>> parse_date(pd.Series(["15 Agustus 2022", "15/8/22", "44788"]))["value"].dt.day.tolist()
    [15, 15, 15]
    """
    parsed, codes = _by_unique(s, _date_one, "datetime64[us]")
    _check_date_bounds(parsed, lower, upper)
    return _frame(s, parsed, codes)


def parse_month(s: pd.Series, *, lower: Any = None, upper: Any = None) -> pd.DataFrame:
    """Parse months; ``value`` is naive ``datetime64[us]`` on the first day of the month.

    Accepts everything :func:`parse_date` accepts (the day is dropped) plus month-only forms:
    ``Maret 2022``, ``Mar 2022``, ``Mei 2022``, ``Okt 2022``, ``Des 2022``, ``August 2022``,
    ``08/2022``, ``2022-08``. Month-only forms need a four-digit year (``Mar 22`` is invalid).
    Bounds are compared with the month start.

    >>> parse_month(pd.Series(["Maret 2022", "15/08/2022"]))["value"].dt.strftime("%Y-%m-%d").tolist()
    ['2022-03-01', '2022-08-01']
    """
    parsed, codes = _by_unique(s, _month_one, "datetime64[us]")
    _check_date_bounds(parsed, lower, upper)
    return _frame(s, parsed, codes)


# --- timestamps --------------------------------------------------------------------------------------


class _Formats(NamedTuple):
    """Explicit timestamp formats for one shape of text (checked first, vectorised)."""

    shape: str
    formats: tuple[str, ...]
    has_offset: bool


_YMD_HMS = r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}[T ][0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,9})?"
_WITH_OFFSET = _Formats(
    _YMD_HMS + r"(?:Z|[+-][0-9]{2}(?::?[0-9]{2})?)",
    ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d %H:%M:%S%z", "%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%d %H:%M:%S.%f%z"),
    has_offset=True,
)
_NAIVE_ISO = _Formats(
    _YMD_HMS,
    ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%d %H:%M:%S.%f"),
    False,
)
_DAY_FIRST = _Formats(
    r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{4} [0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?",
    ("%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S"),
    False,
)
_TIMESTAMP_SHAPE = re.compile(
    r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}[T ][0-9]{1,2}:[0-9]{2}.*"
    r"|[0-9]{1,2}/[0-9]{1,2}/[0-9]{4} [0-9]{1,2}:[0-9]{2}.*"
)
_FORMAT_SAMPLE = 1_000


def _by_hits(texts: pd.Series, formats: tuple[str, ...]) -> list[str]:
    """Formats ordered by how many of a sample of ``texts`` they parse, most first (few texts: as given)."""
    if len(texts) <= _FORMAT_SAMPLE:
        return list(formats)
    sample = texts.iloc[:_FORMAT_SAMPLE]
    hits = {
        fmt: pd.to_datetime(sample, format=fmt, errors="coerce", utc=True).notna().sum() for fmt in formats
    }
    return sorted(formats, key=lambda fmt: -hits[fmt])


class _FixedWidth(NamedTuple):
    """A canonical fixed-width timestamp shape, read digit by digit (see :func:`_fixed_width_stamps`)."""

    group: _Formats
    pattern: str
    width: int
    #: (start, width) of year, month, day, hour, minute and (None: 0) second
    fields: tuple[tuple[int, int] | None, ...]
    #: start of ``+hh:mm`` (None: naive, or ``Z`` when ``utc``)
    offset: int | None = None
    utc: bool = False


_FIXED_WIDTH = (
    _FixedWidth(_WITH_OFFSET, r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2}$", 25,
                ((0, 4), (5, 2), (8, 2), (11, 2), (14, 2), (17, 2)), offset=19),
    _FixedWidth(_WITH_OFFSET, r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}Z$", 20,
                ((0, 4), (5, 2), (8, 2), (11, 2), (14, 2), (17, 2)), utc=True),
    _FixedWidth(_NAIVE_ISO, r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}$", 19,
                ((0, 4), (5, 2), (8, 2), (11, 2), (14, 2), (17, 2))),
    _FixedWidth(_DAY_FIRST, r"^[0-9]{2}/[0-9]{2}/[0-9]{4} [0-9]{2}:[0-9]{2}$", 16,
                ((6, 4), (3, 2), (0, 2), (11, 2), (14, 2), None)),
)  # fmt: skip
#: years read by the fixed-width path (others, and anything unusual, go through pandas)
_FIXED_WIDTH_YEARS = (1970, 2200)
_MAX_OFFSET_HOURS = 14


def _digits_at(matrix: np.ndarray, start: int, width: int) -> np.ndarray:
    number = np.zeros(len(matrix), dtype=np.int64)
    for k in range(start, start + width):
        number = number * 10 + (matrix[:, k].astype(np.int64) - 48)
    return number


def _fixed_width_stamps(texts: pa.Array, shape: _FixedWidth, tz: str) -> tuple[np.ndarray, pd.DatetimeIndex]:
    """Read the texts of one canonical shape (e.g. ``2024-03-01T06:00:00+07:00``) as numbers.

    Returns the positions read and their times in ``tz``. Only real calendar dates and
    times in ordinary ranges are read (the rest is left to the explicit pandas formats,
    which give the same value for these texts), so nothing ever rolls over.
    """
    width = shape.width
    # the pattern is matched only on the texts of the shape's width
    right_width = pc.fill_null(pc.equal(pc.binary_length(texts), width), False)
    where = np.flatnonzero(right_width.to_numpy(zero_copy_only=False))
    matches = pc.match_substring_regex(texts.take(pa.array(where)), shape.pattern)
    where = where[pc.fill_null(matches, False).to_numpy(zero_copy_only=False)]
    if not len(where):
        return where, pd.DatetimeIndex([], dtype=pd.DatetimeTZDtype("us", tz))
    chosen = texts.take(pa.array(where))
    offsets = np.frombuffer(chosen.buffers()[1], dtype=np.int64)[
        chosen.offset : chosen.offset + len(chosen) + 1
    ]
    data = np.frombuffer(chosen.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
    matrix = data.reshape(len(chosen), width)
    year, month, day, hour, minute = (_digits_at(matrix, *f) for f in shape.fields[:5])
    second = _digits_at(matrix, *shape.fields[5]) if shape.fields[5] else np.zeros_like(year)
    month_start = ((year - 1970) * 12 + np.clip(month, 1, 12) - 1).astype("datetime64[M]")
    days_in_month = ((month_start + 1).astype("datetime64[D]") - month_start.astype("datetime64[D]")).astype(
        np.int64
    )
    ok = (
        (year >= _FIXED_WIDTH_YEARS[0]) & (year <= _FIXED_WIDTH_YEARS[1])
        & (month >= 1) & (month <= 12) & (day >= 1) & (day <= days_in_month)
        & (hour <= 23) & (minute <= 59) & (second <= 59)
    )  # fmt: skip
    seconds = (
        (month_start.astype("datetime64[D]").astype(np.int64) + day - 1) * 86_400
        + hour * 3600
        + minute * 60
        + second
    )
    if shape.offset is not None:
        sign = np.where(matrix[:, shape.offset] == ord("-"), -1, 1)
        off_h, off_m = _digits_at(matrix, shape.offset + 1, 2), _digits_at(matrix, shape.offset + 4, 2)
        ok &= (off_h <= _MAX_OFFSET_HOURS) & (off_m <= 59)
        seconds = seconds - sign * (off_h * 3600 + off_m * 60)
    where, seconds = where[ok], seconds[ok]
    stamps = pd.DatetimeIndex((seconds * 1_000_000).astype("datetime64[us]"))
    if shape.offset is not None or shape.utc:
        stamps = stamps.tz_localize("UTC").tz_convert(tz)
    else:
        stamps = stamps.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
        real = ~stamps.isna()
        where, stamps = where[real], stamps[real]
    return where, stamps


def _timestamps(uniques: pd.Index, *, groups: tuple[_Formats, ...], tz: str) -> tuple[np.ndarray, Any]:
    """Parse the uniques with explicit formats; returns ``(settled, values)`` in ``tz``.

    Canonical fixed-width texts of the groups (``2024-03-01T06:00:00+07:00``, ``...Z``,
    ``2024-03-01 06:00:00``, ``01/03/2024 06:00``) are read digit by digit in one vectorised
    pass (:func:`_fixed_width_stamps`). Every other unique is routed by a vectorised shape
    check to its group, then each format of the group is tried
    (``pd.to_datetime(format=..., errors="coerce")``) on the still-unparsed ones. Text with an
    offset is converted to ``tz``; naive text is local time in ``tz``.
    """
    texts = _text_uniques(uniques)
    if texts.dtype == object:
        texts = texts.astype(_STRING)
    values = pd.Series(pd.NaT, index=texts.index, dtype=pd.DatetimeTZDtype("us", tz))
    arrow = texts.array._pa_array.combine_chunks().cast(pa.large_string())
    for shape in _FIXED_WIDTH:
        if shape.group in groups:
            where, stamps = _fixed_width_stamps(arrow, shape, tz)
            values.iloc[where] = stamps
    rest = texts[values.isna().to_numpy()]
    as_object = rest.astype(object)
    for group in groups:
        in_group = _true(rest.str.fullmatch(group.shape))
        if not in_group.any():
            continue
        for fmt in _by_hits(as_object[in_group], group.formats):
            todo = as_object[in_group & values[rest.index].isna().to_numpy()]
            if todo.empty:
                break
            stamps = pd.to_datetime(todo, format=fmt, errors="coerce", utc=group.has_offset)
            if not group.has_offset:
                stamps = stamps.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
            stamps = stamps.dropna()
            values[stamps.index] = stamps.dt.tz_convert(tz).dt.as_unit("us")
    return values.notna().to_numpy(), values.array


def _timestamp_one(text: str) -> _Out:
    """Explain a text that no timestamp format parsed."""
    if _TIMESTAMP_SHAPE.fullmatch(text.strip()):
        return _invalid("not a real date and time")
    return _invalid("not a date and time")


def parse_datetime(
    s: pd.Series, *, tz: str = "Asia/Jakarta", lower: Any = None, upper: Any = None
) -> pd.DataFrame:
    """Parse timestamps; ``value`` is ``datetime64[us, tz]`` (default Asia/Jakarta, WIB).

    Explicit formats only, each tried on the still-unparsed distinct values:

    - ISO 8601 with an offset, converted to ``tz``: ``2024-03-01T06:00:00+07:00``,
      ``2024-03-01 06:00:00+07:00``, ``2024-03-01T06:00:00Z``, with optional fraction seconds;
    - naive ISO ``2024-03-01T06:00:00`` / ``2024-03-01 06:00:00`` (fraction optional) and day
      first ``01/03/2024 06:00`` / ``01/03/2024 06:00:05``, read as local time in ``tz``.

    Impossible dates or times (``2024-02-30 06:00:00``) are invalid "not a real date and time";
    other text invalid "not a date and time". Outside the inclusive ``[lower, upper]``
    (naive bounds are read in ``tz``) is implausible, e.g. "date before 2020-01-01".

    >>> texts = pd.Series(["2024-03-01T06:00:00+07:00", "01/03/2024 06:00", "2024-03-01T00:00Z"])
    >>> out = parse_datetime(texts)
    >>> out["value"].dt.strftime("%Y-%m-%d %H:%M %z").tolist()
    ['2024-03-01 06:00 +0700', '2024-03-01 06:00 +0700', nan]
    """
    groups = (_WITH_OFFSET, _NAIVE_ISO, _DAY_FIRST)
    fast = functools.partial(_timestamps, groups=groups, tz=tz)
    if lower is None and upper is None and len(s) >= _ROWWISE_MIN and _is_arrow_text(s):
        return _datetime_rows(s, fast, groups=groups, tz=tz)
    parsed, codes = _by_unique(s, _timestamp_one, pd.DatetimeTZDtype("us", tz), fast=fast)
    _check_date_bounds(parsed, lower, upper, tz=tz)
    return _frame(s, parsed, codes)


#: from this many rows on, :func:`parse_datetime` reads canonical texts row by row (mostly distinct
#: times make factorising them cost more than reading them) and factorises only the rest
_ROWWISE_MIN = 100_000


def _is_arrow_text(s: pd.Series) -> bool:
    return isinstance(s.array, pd.arrays.ArrowExtensionArray) and (
        pa.types.is_string(s.array._pa_array.type) or pa.types.is_large_string(s.array._pa_array.type)
    )


def _datetime_rows(s: pd.Series, fast: _FastPath, *, groups: tuple[_Formats, ...], tz: str) -> pd.DataFrame:
    """:func:`parse_datetime` (no bounds) with the fixed-width shapes read on the rows themselves.

    A row a shape reads gets the value the per-unique path gives its text (same function, and
    such texts have no spaces to strip); every other row goes through the per-unique path.
    """
    arrow = s.array._pa_array.combine_chunks().cast(pa.large_string())
    micros = np.full(len(s), np.iinfo(np.int64).min, dtype=np.int64)  # NaT
    settled = np.zeros(len(s), dtype=bool)
    for shape in _FIXED_WIDTH:
        if shape.group in groups:
            where, stamps = _fixed_width_stamps(arrow, shape, tz)
            micros[where] = stamps.tz_convert("UTC").as_unit("us").asi8
            settled[where] = True
    rest_at = np.flatnonzero(~settled)
    rest = s.iloc[rest_at]
    parsed, codes = _by_unique(rest, _timestamp_one, pd.DatetimeTZDtype("us", tz), fast=fast)
    part = _frame(rest, parsed, codes)
    micros[rest_at] = part["value"].array.as_unit("us").asi8
    issue_codes = np.full(len(s), _OK, dtype=np.int8)
    issue_codes[rest_at] = part["issue"].cat.codes.to_numpy()
    reason_at = np.full(len(s), -1, dtype=np.intp)
    reason_at[rest_at] = np.arange(len(rest_at))
    value = pd.DatetimeIndex(micros.view("datetime64[us]")).tz_localize("UTC").tz_convert(tz)
    return pd.DataFrame(
        {
            "value": value.array,
            "issue": pd.Categorical.from_codes(issue_codes, dtype=ISSUE_DTYPE),
            "reason": part["reason"].array.take(reason_at, allow_fill=True),
        },
        index=s.index,
    )


def parse_utc_timestamp(s: pd.Series) -> pd.DataFrame:
    """Parse Kobo ``_submission_time`` values; ``value`` is ``datetime64[us, UTC]``.

    ``2023-09-20T03:14:15`` (UTC, no offset), with optional fraction seconds
    (``2023-09-20T03:14:15.123``), a space instead of ``T``, or an offset
    (``2023-09-20T10:14:15+07:00``, ``Z``), converted to UTC. Impossible dates are invalid
    "not a real date and time"; other text invalid "not a date and time".

    >>> parse_utc_timestamp(pd.Series(["2023-09-20T03:14:15"]))["value"].dt.strftime("%H:%M %Z").tolist()
    ['03:14 UTC']
    """
    fast = functools.partial(_timestamps, groups=(_WITH_OFFSET, _NAIVE_ISO), tz="UTC")
    return _parse(s, _timestamp_one, pd.DatetimeTZDtype("us", "UTC"), fast=fast)


# --- phones and ids ----------------------------------------------------------------------------------

_SCIENTIFIC = re.compile(r"\+?[0-9]+(?:[.,][0-9]+)?\s*e\s*\+?[0-9]+", re.IGNORECASE)
_EXCEL_FLOAT = re.compile(r"([0-9]+)\.0+")
_PHONE_TEXT = re.compile(r"\+?[0-9 ().\-]+")
_MOBILE = re.compile(r"8[0-9]{8,11}")
_NOT_MOBILE = "not an Indonesian mobile number"


def _phone_one(text: str) -> _Out:
    """Normalise one phone number (see :func:`normalise_phone`)."""
    t = text.strip()
    if _SCIENTIFIC.fullmatch(t):
        return _invalid("number mangled by Excel (scientific notation)")
    if excel := _EXCEL_FLOAT.fullmatch(t):
        t = excel.group(1)
    if not _PHONE_TEXT.fullmatch(t):
        return _invalid("not a phone number")
    digits = re.sub(r"[^0-9]", "", t)
    for prefix in ("0062", "62", "0") if not t.startswith("+") else ("62",):
        if digits.startswith(prefix):
            digits = digits[len(prefix) :]
            break
    else:
        if t.startswith("+") or not digits.startswith("8"):
            return _invalid(_NOT_MOBILE)
    digits = digits.removeprefix("0")  # +62 0812...
    return _Out("+62" + digits) if _MOBILE.fullmatch(digits) else _invalid(_NOT_MOBILE)


def normalise_phone(s: pd.Series) -> pd.DataFrame:
    """Normalise Indonesian mobile numbers to E.164 ``+628...``; ``value`` is ``string``.

    Accepts ``08...``, ``+62 8...``, ``628...``, ``0062 8...``, ``62-8...``, ``+62 0812...``,
    ``(0812) 3456-789``, with spaces, dashes, dots and brackets anywhere, Excel float text
    (``81234567890.0``) and a leading zero lost in Excel (``812...``). The number after
    ``+62`` must be 9-12 digits starting with 8, else invalid "not an Indonesian mobile
    number". Scientific notation (``6.28123E+11``) is invalid "number mangled by Excel
    (scientific notation)": the digits are gone. Letters make it invalid "not a phone number".

    >>> normalise_phone(pd.Series(["0812-3456-789", "+62 812 3456 789", "6.28123E+11"]))["value"].tolist()
    ['+628123456789', '+628123456789', <NA>]
    """
    return _parse(s, _phone_one, _STRING)


_PARTICIPANT_CODE = re.compile(r"([A-Z]{3})\s*[-_.]?\s*([0-9]{2})\s*[-_.]?\s*([0-9]+)")


def _participant_code_one(text: str) -> _Out:
    """Normalise one participant code (see :func:`normalise_participant_code`)."""
    match = _PARTICIPANT_CODE.fullmatch(text.strip().upper())
    number = match.group(3).lstrip("0") if match else ""
    if not match or not 1 <= len(number) <= 6:
        return _invalid("not a participant code like SKB23-007")
    return _Out(f"{match.group(1)}{match.group(2)}-{number.zfill(3)}")


def normalise_participant_code(s: pd.Series) -> pd.DataFrame:
    """Normalise participant codes to ``SKB23-007`` form; ``value`` is ``string``.

    A code is three letters and a two-digit year, then the participant number zero-padded to
    three digits (``SKB23-1234`` keeps its four). Accepts any case, spaces around and inside,
    ``-``, ``_``, ``.``, a space or nothing as separators, and missing or extra zero padding:
    ``skb23-7``, ``SKB23 - 0007``, ``skb 23 007`` and ``SKB23007`` are all ``SKB23-007``.
    Number 0 and anything else are invalid "not a participant code like SKB23-007". The
    prefix is not checked against ``vocab.COHORTS``.

    >>> normalise_participant_code(pd.Series(["skb23-7", "SKB23 - 0007", "x"]))["value"].tolist()
    ['SKB23-007', 'SKB23-007', <NA>]
    """
    return _parse(s, _participant_code_one, _STRING)


_RESELLER_ID = re.compile(r"([A-Z]{2,5})\s*[-_.]?\s*([0-9]+)")


def _reseller_id_one(text: str) -> _Out:
    """Normalise one reseller id (see :func:`normalise_reseller_id`)."""
    match = _RESELLER_ID.fullmatch(text.strip().upper())
    number = match.group(2).lstrip("0") if match else ""
    if not match or not 1 <= len(number) <= 8:
        return _invalid("not a reseller id like EVM-00123456")
    return _Out(f"{match.group(1)}-{number.zfill(8)}")


#: the usual shapes, in plain ASCII: letters, an optional separator, 1-8 significant digits
_RESELLER_ID_ASCII = r"^ *(?P<letters>[A-Za-z]{2,5}) *[-_.]? *(?P<zeros>0*)(?P<number>[1-9][0-9]{0,7}) *$"
#: alias keys that are no answer (screened before parsing); none has a digit, checked in the fast path
_NO_ANSWER_KEYS = pa.array(sorted(vocab.BLANK_TOKENS | set(vocab.DONT_KNOW)), pa.string())


def _arrow_text(uniques: pd.Index) -> pa.Array:
    """The uniques' text (numbers as their ``str``, not stripped) as one Arrow string array."""
    texts = _text_uniques(uniques, strip=False)
    if isinstance(texts.array, pd.arrays.ArrowStringArray):
        return texts.array._pa_array.combine_chunks().cast(pa.large_string())
    return pa.array(texts.astype(object).tolist(), pa.large_string())


def _reseller_id_fast(uniques: pd.Index) -> tuple[np.ndarray, Any]:
    """Vectorised path for ids in the usual ASCII shapes (``EVM-00123456``, ``evm 123456``).

    Gives exactly what :func:`_reseller_id_one` gives for them; anything else (other
    whitespace, non-ASCII letters, too many digits, ...) is left to it.
    """
    texts = _arrow_text(uniques)
    parts = pc.extract_regex(texts, _RESELLER_ID_ASCII)
    prefix = pc.utf8_upper(pc.struct_field(parts, 0))
    number = pc.struct_field(parts, 2)
    nothing, dash = pa.scalar("", pa.large_string()), pa.scalar("-", pa.large_string())
    key = pc.binary_join_element_wise(prefix, pc.struct_field(parts, 1), number, nothing)  # vocab.alias_key
    settled = pc.and_(pc.is_valid(parts), pc.invert(pc.is_in(key, _NO_ANSWER_KEYS)))
    settled = settled.to_numpy(zero_copy_only=False) & True
    ids = pc.binary_join_element_wise(prefix, pc.utf8_lpad(number, 8, "0"), dash)
    return settled, pd.array(ids, dtype=_STRING)


def normalise_reseller_id(s: pd.Series) -> pd.DataFrame:
    """Normalise reseller ids to ``EVM-00123456`` form; ``value`` is ``string``.

    An id is 2-5 letters, a dash and 8 digits. Accepts any case, spaces, a missing dash (or
    ``_``/``.``) and lost leading zeros: ``evm-123456``, ``EVM 00123456`` and ``EVM00123456``
    are ``EVM-00123456``. More than 8 significant digits, an all-zero number or anything else
    is invalid "not a reseller id like EVM-00123456".

    >>> normalise_reseller_id(pd.Series(["evm-123456", "EVM00123456"]))["value"].tolist()
    ['EVM-00123456', 'EVM-00123456']
    """
    return _parse(s, _reseller_id_one, _STRING, fast=_reseller_id_fast)


# --- vocabularies ----------------------------------------------------------------------------------


def _lookup_one(text: str, *, table: dict[str, Any], reason: str) -> _Out:
    """Look one text up in an alias table keyed by :func:`impact.vocab.alias_key`."""
    key = vocab.alias_key(text)
    return _Out(table[key]) if key in table else _invalid(reason)


def normalise_gender(s: pd.Series) -> pd.DataFrame:
    """Map gender answers to ``female``/``male``; ``value`` is ``vocab.GENDER_DTYPE``.

    Through ``vocab.GENDER_KEYS`` only (``L``/``P``, ``Laki-laki``, ``Perempuan``, ``Pria``,
    ``Wanita``, ``Laki2``, ``M``/``F``, any case and punctuation); never inferred from names.
    Anything else is invalid "unknown gender".

    >>> normalise_gender(pd.Series(["L", "Perempuan", "laki-laki"]))["value"].tolist()
    ['male', 'female', 'male']
    """
    one = functools.partial(_lookup_one, table=vocab.GENDER_KEYS, reason="unknown gender")
    return _parse(s, one, vocab.GENDER_DTYPE)


def normalise_status(s: pd.Series) -> pd.DataFrame:
    """Map order statuses to ``completed``/``cancelled``/``returned``; ``value`` is ``vocab.STATUS_DTYPE``.

    Through ``vocab.STATUS_KEYS`` (``SELESAI``, `` selesai ``, ``Completed``, ``Dibatalkan``,
    ``Retur``, any case and spaces). Anything else is invalid "unknown order status".

    >>> normalise_status(pd.Series([" SELESAI ", "Batal"]))["value"].tolist()
    ['completed', 'cancelled']
    """
    one = functools.partial(_lookup_one, table=vocab.STATUS_KEYS, reason="unknown order status")
    return _parse(s, one, vocab.STATUS_DTYPE)


_BINARY_FLOAT = re.compile(r"\s*([01])\.0+\s*")


def _yes_no_one(text: str) -> _Out:
    """Parse one yes/no answer (see :func:`parse_yes_no`)."""
    binary = _BINARY_FLOAT.fullmatch(text)
    return _lookup_one(
        binary.group(1) if binary else text, table=vocab.YES_NO_KEYS, reason="not a yes/no answer"
    )


def parse_yes_no(s: pd.Series) -> pd.DataFrame:
    """Parse yes/no answers; ``value`` is ``boolean``.

    Through ``vocab.YES_NO_KEYS`` (``Ya``, ``Y``, ``Yes``, ``Iya``, ``1``, ``Tidak``, ``Tdk``,
    ``T``, ``No``, ``0``, ``gak``, any case; also ``1.0``/``0.0``). Don't-know answers
    (``Tidak tahu``) are dont_know; anything else is invalid "not a yes/no answer".

    >>> parse_yes_no(pd.Series(["Ya", "tidak", "Tidak tahu"]))["value"].tolist()
    [True, False, <NA>]
    """
    return _parse(s, _yes_no_one, "boolean")


_WAVE_FORMS = (
    re.compile(r"m\s*0*([0-9]{1,3})"),  # m3, M3, m03
    re.compile(r"0*([0-9]{1,3})\s*(?:m|mo|bln|bulan|months?)\.?"),  # 3m, 3 bulan, 6 bln, 3 months
    re.compile(r"(?:bulan|bln|months?)\s*(?:ke)?\s*[-.]?\s*0*([0-9]{1,3})"),  # bulan ke-3, month 3
    re.compile(r"0*([0-9]{1,3})(?:\.0+)?"),  # 3, 3.0
)
_ONE_YEAR = re.compile(r"setahun|satu\s*tahun|1\s*(?:tahun|thn|th|years?|yr)")


def _wave_one(text: str) -> _Out:
    """Normalise one follow-up wave (see :func:`normalise_wave`)."""
    t = re.sub(r"\s+", " ", text.strip().lower())
    months = 12 if _ONE_YEAR.fullmatch(t) else None
    for pattern in _WAVE_FORMS:
        if months is None and (match := pattern.fullmatch(t)):
            months = int(match.group(1))
    code = f"m{months}"
    return _Out(code) if code in vocab.WAVES else _invalid("unknown wave")


def normalise_wave(s: pd.Series) -> pd.DataFrame:
    """Normalise follow-up waves to ``m3``/``m6``/``m12``; ``value`` is ``vocab.WAVE_DTYPE``.

    Accepts ``m3``, ``M3``, ``m03``, ``3m``, ``3``, ``3 bulan``, ``6 bln``, ``12 bulan``,
    ``bulan ke-3``, ``Bulan ke 3``, ``3 months``, ``month 3``, and ``setahun``/``1 tahun``/
    ``1 year`` for m12. Only 3, 6 and 12 months exist; anything else, including ``wave 3``
    (a wave number is not a month count), is invalid "unknown wave".

    >>> normalise_wave(pd.Series(["bulan ke-3", "6 bln", "setahun"]))["value"].tolist()
    ['m3', 'm6', 'm12']
    """
    return _parse(s, _wave_one, vocab.WAVE_DTYPE)


# --- confederations --------------------------------------------------------------------------------

_TYPO_RATIO = 0.88


def _closest_confederation(key: str) -> str | None:
    """The code of the unique alias key within :data:`_TYPO_RATIO` of ``key``, else None."""
    codes = set()
    for alias, code in vocab.CONFEDERATION_KEYS.items():
        matcher = difflib.SequenceMatcher(None, key, alias)
        if matcher.real_quick_ratio() >= _TYPO_RATIO and matcher.ratio() >= _TYPO_RATIO:
            codes.add(code)
    return codes.pop() if len(codes) == 1 else None


def _confederation_one(text: str) -> _Out:
    """Normalise one confederation (see :func:`normalise_confederation`)."""
    key = vocab.alias_key(text)
    if key in vocab.CONFEDERATION_KEYS:
        return _Out(vocab.CONFEDERATION_KEYS[key])
    if key in vocab.CONFEDERATION_OTHER:
        return _invalid("'other' confederation not named")
    code = _closest_confederation(key)
    return _invalid("unknown confederation") if code is None else _Out(code, flag=True)


def _is_other(text: str) -> bool:
    """Whether an answer means "other, see the text field"."""
    return vocab.alias_key(text) in vocab.CONFEDERATION_OTHER


def _is_blank(text: str) -> bool:
    return _missing_issue(text) == _BLANK


def normalise_confederation(s: pd.Series, *, other: pd.Series | None = None) -> pd.DataFrame:
    """Map confederation answers to codes; ``value`` is ``vocab.CONFEDERATION_DTYPE``.

    Through ``vocab.CONFEDERATION_KEYS`` (``KSPSI Rekonsiliasi``, ``K-SBSI``, ``Sarbumusi``,
    ``K.S.P.N``, any case and punctuation). Where the answer is "other"
    (``vocab.CONFEDERATION_OTHER``: ``Other``, ``Lainnya``, ...) and ``other`` (the ``_other``
    text Series, same index as ``s``) is given, its text is used instead; "other" with no
    usable text is invalid "'other' confederation not named".

    A key not in the table is corrected conservatively when exactly one canonical code has
    alias keys with a :class:`difflib.SequenceMatcher` ratio of 0.88 or more
    (``KSPSI Rekonsilliasi``); the extra ``bool`` column ``corrected`` is True there.
    Anything else is invalid "unknown confederation".

    >>> answers, other = pd.Series(["K-SBSI", "Lainnya"]), pd.Series([None, "KSPN"])
    >>> normalise_confederation(answers, other=other)["value"].tolist()
    ['ksbsi', 'kspn']
    """
    if other is not None:
        if not other.index.equals(s.index):
            raise ValueError("other must have the same index as s (the _other column of the same table)")
        use_other = _row_flags(s, _is_other, missing=False)
        s = s.astype(object).where(~use_other, other.astype(object))
        no_text = use_other & _row_flags(s, _is_blank, missing=True)
        s = s.where(~no_text, "other")  # "other" with no text stays "other" (invalid below)
    parsed, codes = _by_unique(s, _confederation_one, vocab.CONFEDERATION_DTYPE)
    return _frame(s, parsed, codes, flag="corrected")
