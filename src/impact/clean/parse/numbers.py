"""Numbers: whole numbers and rupiah amounts in Indonesian, English and Excel notation."""

from __future__ import annotations

import itertools
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from impact.clean.parse._core import (
    _BLANK,
    _IMPLAUSIBLE,
    _INT64_MAX,
    _arrow_text,
    _by_unique,
    _check_bounds,
    _frame,
    _invalid,
    _Out,
    _rupiah_text,
    _text_uniques,
    _true,
)

__all__ = ["parse_int", "parse_rupiah"]

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
