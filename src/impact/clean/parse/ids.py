"""Identifiers: Indonesian mobile phones, participant codes and reseller account ids."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from impact.clean.parse._core import (
    _NO_ANSWER_KEYS,
    _STRING,
    _arrow_text,
    _invalid,
    _Out,
    _parse,
)

__all__ = ["normalise_participant_code", "normalise_phone", "normalise_reseller_id"]

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
    prefix is not checked against the programme's cohorts.

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
