"""Answers from fixed sets: gender, order status, yes/no, follow-up wave and confederation."""

from __future__ import annotations

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
from impact.clean.parse.matching import Matcher

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


def _with(table: dict[str, Any], aliases: dict[str, str] | None) -> dict[str, Any]:
    """An alias table plus a programme's extra spellings (keyed by :func:`impact.vocab.alias_key`)."""
    return table | {vocab.alias_key(k): v for k, v in (aliases or {}).items()} if aliases else table


def normalise_gender(s: pd.Series, *, aliases: dict[str, str] | None = None) -> pd.DataFrame:
    """Map gender answers to ``female``/``male``; ``value`` is ``vocab.GENDER_DTYPE``.

    Through ``vocab.GENDER_KEYS`` only (``L``/``P``, ``Laki-laki``, ``Perempuan``, ``Pria``,
    ``Wanita``, ``Laki2``, ``M``/``F``, any case and punctuation); never inferred from names.
    Anything else is invalid "unknown gender".

    >>> normalise_gender(pd.Series(["L", "Perempuan", "laki-laki"]))["value"].tolist()
    ['male', 'female', 'male']
    """
    one = functools.partial(_lookup_one, table=_with(vocab.GENDER_KEYS, aliases), reason="unknown gender")
    return _parse(s, one, vocab.GENDER_DTYPE)


def normalise_status(s: pd.Series, *, aliases: dict[str, str] | None = None) -> pd.DataFrame:
    """Map order statuses to ``completed``/``cancelled``/``returned``; ``value`` is ``vocab.STATUS_DTYPE``.

    Through ``vocab.STATUS_KEYS`` (``SELESAI``, `` selesai ``, ``Completed``, ``Dibatalkan``,
    ``Retur``, any case and spaces) and a programme's own spellings (``aliases``). Anything else is
    invalid "unknown order status".

    >>> normalise_status(pd.Series([" SELESAI ", "Batal"]))["value"].tolist()
    ['completed', 'cancelled']
    """
    one = functools.partial(
        _lookup_one, table=_with(vocab.STATUS_KEYS, aliases), reason="unknown order status"
    )
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


def _wave_one(text: str, *, table: dict[str, str] | None = None) -> _Out:
    """Normalise one follow-up wave (see :func:`normalise_wave`)."""
    if table and vocab.alias_key(text) in table:
        return _Out(table[vocab.alias_key(text)])
    t = re.sub(r"\s+", " ", text.strip().lower())
    months = 12 if _ONE_YEAR.fullmatch(t) else None
    for pattern in _WAVE_FORMS:
        if months is None and (match := pattern.fullmatch(t)):
            months = int(match.group(1))
    code = f"m{months}"
    return _Out(code) if code in vocab.WAVES else _invalid("unknown wave")


def normalise_wave(s: pd.Series, *, aliases: dict[str, str] | None = None) -> pd.DataFrame:
    """Normalise follow-up waves to ``m3``/``m6``/``m12``; ``value`` is ``vocab.WAVE_DTYPE``.

    Accepts ``m3``, ``M3``, ``m03``, ``3m``, ``3``, ``3 bulan``, ``6 bln``, ``12 bulan``,
    ``bulan ke-3``, ``Bulan ke 3``, ``3 months``, ``month 3``, and ``setahun``/``1 tahun``/
    ``1 year`` for m12. Only 3, 6 and 12 months exist; anything else, including ``wave 3``
    (a wave number is not a month count), is invalid "unknown wave" — unless a programme names it
    (``aliases``: spelling → wave code, e.g. ``{"Tindak lanjut 1": "m3"}``).

    >>> normalise_wave(pd.Series(["bulan ke-3", "6 bln", "setahun"]))["value"].tolist()
    ['m3', 'm6', 'm12']
    """
    one = functools.partial(_wave_one, table=_with({}, aliases)) if aliases else _wave_one
    return _parse(s, one, vocab.WAVE_DTYPE)


# --- confederations --------------------------------------------------------------------------------


def _is_other(text: str) -> bool:
    """Whether an answer means "other, see the text field"."""
    return vocab.alias_key(text) in vocab.CONFEDERATION_OTHER


def _is_blank(text: str) -> bool:
    return _missing_issue(text) == _BLANK


@functools.lru_cache(maxsize=32)
def _confederation_matcher(extra: tuple[tuple[str, str], ...]) -> Matcher:
    codes = {vocab.alias_key(v): k for k, v in vocab.CONFEDERATIONS.items()} | {
        k: k for k in vocab.CONFEDERATIONS
    }
    return Matcher({**vocab.CONFEDERATION_ALIASES, **codes}, extra=dict(extra))


def normalise_confederation(
    s: pd.Series, *, other: pd.Series | None = None, aliases: dict[str, str] | None = None
) -> pd.DataFrame:
    """Map confederation answers to codes; ``value`` is ``vocab.CONFEDERATION_DTYPE``.

    Through the suite's spellings (``vocab.CONFEDERATION_ALIASES``: ``KSPSI Rekonsiliasi``,
    ``K-SBSI``, ``Sarbumusi``, ``K.S.P.N``, written-out names; any case and punctuation) and the
    programme's own (``aliases``: spelling → code), tolerating the usual forms (``Konfederasi X``,
    ``K-X``, initials of a written-out name, one identifying word) and typos within a small edit
    distance (see :mod:`impact.clean.parse.matching`). Where the answer is "other"
    (``vocab.CONFEDERATION_OTHER``: ``Other``, ``Lainnya``, ...) and ``other`` (the ``_other``
    text Series, same index as ``s``) is given, its text is used instead; "other" with no
    usable text is invalid "'other' confederation not named".

    Extra columns: ``corrected`` (bool: matched by anything but an exact spelling), ``how`` (the
    step that matched: alias, programme, prefix, acronym, token, fuzzy) and ``suggestions`` (for
    unmatched answers: the closest codes with their similarity, e.g. ``"kspn 0.71; ksbsi 0.6"``).
    Anything unmatched is invalid "unknown confederation".

    >>> answers, other = pd.Series(["K-SBSI", "Lainnya"]), pd.Series([None, "KSPN"])
    >>> normalise_confederation(answers, other=other)["value"].tolist()
    ['ksbsi', 'kspn']
    >>> normalise_confederation(pd.Series(["Konfederasi Sarbumusi"]))["how"].tolist()
    ['prefix']
    """
    if other is not None:
        if not other.index.equals(s.index):
            raise ValueError("other must have the same index as s (the _other column of the same table)")
        use_other = _row_flags(s, _is_other, missing=False)
        s = s.astype(object).where(~use_other, other.astype(object))
        no_text = use_other & _row_flags(s, _is_blank, missing=True)
        s = s.where(~no_text, "other")  # "other" with no text stays "other" (invalid below)
    matcher = _confederation_matcher(tuple(sorted((aliases or {}).items())))
    how: dict[str, str | None] = {}
    suggestions: dict[str, str | None] = {}

    def one(text: str) -> _Out:
        if vocab.alias_key(text) in vocab.CONFEDERATION_OTHER:
            return _invalid("'other' confederation not named")
        m = matcher.match(text)
        how[text] = m.how
        if m.code is None:
            suggestions[text] = "; ".join(f"{c} {score:.2f}" for c, score in m.suggestions) or None
            return _invalid("unknown confederation")
        return _Out(m.code, flag=m.how not in ("alias", "programme"))

    parsed, codes = _by_unique(s, one, vocab.CONFEDERATION_DTYPE)
    out = _frame(s, parsed, codes, flag="corrected")
    texts = pd.Series(s.astype(object).where(s.notna(), None), index=s.index).astype("string").str.strip()
    return out.assign(
        how=texts.map(how).astype("string"),
        suggestions=texts.map(suggestions).astype("string"),
    )
