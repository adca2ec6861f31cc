"""Answers from fixed sets: gender, order status, yes/no, follow-up wave and confederation."""

from __future__ import annotations

import difflib
import functools
import re
from typing import Any

import pandas as pd

from impact import vocab
from impact.clean.parse._core import (
    _BLANK,
    _by_unique,
    _frame,
    _invalid,
    _missing_issue,
    _Out,
    _parse,
    _row_flags,
)

__all__ = [
    "normalise_confederation",
    "normalise_gender",
    "normalise_status",
    "normalise_wave",
    "parse_yes_no",
]

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
