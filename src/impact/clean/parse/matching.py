"""Matching free-text labels to a fixed vocabulary, tolerantly and with a record of how.

Field staff type a confederation many ways: ``KSPSI Rekonsiliasi``, ``Konfederasi Sarbumusi``,
``K-Saburmusi``, ``KSBSI``, ``Konfederasi Serikat Pekerja Nasional``. A :class:`Matcher` tries,
in order, and says which step matched (``how``):

1. ``alias``: the text's :func:`impact.vocab.alias_key` is a known spelling (the suite's own
   aliases, the programme's extra ones, the form's choice names and labels);
2. ``prefix``: the same after the usual prefix forms (``Konfederasi X`` ≡ ``K-X`` ≡ ``X``);
3. ``acronym``: the initials of a written-out name (``Konfederasi Serikat Pekerja Nasional`` → ``KSPN``);
4. ``token``: one word of the text is a spelling that belongs to one code only
   (``Konfederasi Sarbumusi Kabupaten Sukabumi`` → ``SARBUMUSI``);
5. ``fuzzy``: a typo within a small edit distance of exactly one code's spellings (the closest code
   must be clearly closer than any other).

Anything else is unmatched, with the closest codes as ``suggestions`` for a person to review.
A text matching two codes equally (``KSPSI``, which is two confederations) is never guessed.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from impact import vocab

__all__ = ["FUZZY_RATIO", "Match", "Matcher"]

#: similarity (difflib ratio of alias keys) a typo must reach to be matched
FUZZY_RATIO = 0.86
#: the best code must beat the second best by at least this much
FUZZY_MARGIN = 0.06
#: words that start a written-out organisation name and may be dropped or abbreviated to "K"
_PREFIX_WORDS = ("KONFEDERASI", "CONFEDERATION", "KONF")
_WORD = re.compile(r"[0-9A-Z]+")
#: words that never identify one organisation on their own
_COMMON_WORDS = frozenset(
    {
        "KONFEDERASI",
        "CONFEDERATION",
        "SERIKAT",
        "SARIKAT",
        "PEKERJA",
        "BURUH",
        "INDONESIA",
        "SELURUH",
        "OF",
        "THE",
        "DAN",
        "AND",
        "KABUPATEN",
        "KOTA",
        "KAB",
        "PC",
        "DPC",
        "DPD",
        "DPP",
        "PW",
        "FEDERASI",
        "UNION",
        "UNIONS",
        "WORKERS",
        "TRADE",
        "ALL",
        "INDONESIAN",
        "NASIONAL",
        "SP",
        "SB",
        "K",
    }
)


@dataclass(frozen=True)
class Match:
    """How one text matched: ``code`` (None when unmatched), ``how`` (see the module docstring),
    ``score`` (1.0 unless fuzzy) and ``suggestions`` (closest codes with their similarity)."""

    code: str | None
    how: str | None
    score: float = 0.0
    suggestions: tuple[tuple[str, float], ...] = ()


class Matcher:
    """Matches texts to codes through a table of spellings (see the module docstring).

    ``aliases``: spelling → code (any spelling; keyed here by :func:`impact.vocab.alias_key`).
    ``extra``: more spellings, reported as matched ``how="programme"`` (the programme's own).
    """

    def __init__(self, aliases: Mapping[str, str], *, extra: Mapping[str, str] | None = None) -> None:
        self.table = {vocab.alias_key(k): v for k, v in aliases.items() if vocab.alias_key(k)}
        self.extra = {vocab.alias_key(k): v for k, v in (extra or {}).items() if vocab.alias_key(k)}
        full = {**self.table, **self.extra}
        self.variants: dict[str, str] = {}
        for key, code in full.items():
            for variant in (key, *_prefix_variants(key)):
                self.variants.setdefault(variant, code)
        codes_of: dict[str, set[str]] = {}
        for key, code in self.variants.items():
            codes_of.setdefault(key, set()).add(code)
        self.tokens = {k: next(iter(c)) for k, c in codes_of.items() if len(c) == 1 and len(k) >= 4}
        self.tokens = {k: c for k, c in self.tokens.items() if k not in _COMMON_WORDS}

    def match(self, text: str) -> Match:
        key = vocab.alias_key(text)
        if not key:
            return Match(None, None)
        if key in self.table:
            return Match(self.table[key], "alias", 1.0)
        if key in self.extra:
            return Match(self.extra[key], "programme", 1.0)
        for variant in (key, *_prefix_variants(key)):
            if variant in self.variants:
                return Match(self.variants[variant], "prefix", 1.0)
        words = _WORD.findall(str(text).upper())
        acronym = "".join(w[0] for w in words if not w.isdigit())
        if len(words) >= 3 and acronym in self.variants:
            return Match(self.variants[acronym], "acronym", 1.0)
        token_codes = {self.tokens[w] for w in _words_and_variants(words) if w in self.tokens}
        if len(token_codes) == 1:
            return Match(token_codes.pop(), "token", 1.0)
        ranked = self._ranked([key, *_prefix_variants(key), *(w for w in words if w not in _COMMON_WORDS)])
        if not token_codes and ranked:
            (best, score), runner_up = ranked[0], (ranked[1][1] if len(ranked) > 1 else 0.0)
            if score >= FUZZY_RATIO and score - runner_up >= FUZZY_MARGIN:
                return Match(best, "fuzzy", round(score, 3), tuple(ranked[:3]))
        return Match(None, None, 0.0, tuple((c, round(s, 3)) for c, s in ranked[:3]))

    def _ranked(self, keys: Iterable[str]) -> list[tuple[str, float]]:
        """Codes by their best similarity to any of ``keys`` (highest first)."""
        best: dict[str, float] = {}
        keys = [k for k in dict.fromkeys(keys) if len(k) >= 3]
        for alias, code in self.variants.items():
            for key in keys:
                # a text that is part of a spelling (or holds one) is close, whatever its length
                contained = 0.8 if min(len(key), len(alias)) >= 4 and (key in alias or alias in key) else 0.0
                m = difflib.SequenceMatcher(None, key, alias)
                if max(m.real_quick_ratio(), contained) <= best.get(code, 0.0):
                    continue
                best[code] = max(best.get(code, 0.0), m.ratio(), contained)
        return sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))


def _prefix_variants(key: str) -> list[str]:
    """``KONFEDERASISARBUMUSI`` → ``KSARBUMUSI``, ``SARBUMUSI``; ``KSBSI`` → ``SBSI`` (keys only)."""
    out = []
    for word in _PREFIX_WORDS:
        if key.startswith(word) and len(key) > len(word) + 2:
            out += ["K" + key[len(word) :], key[len(word) :]]
    if key.startswith("K") and len(key) > 4:
        out.append(key[1:])
    return [k for k in dict.fromkeys(out) if k != key]


def _words_and_variants(words: list[str]) -> list[str]:
    out = []
    for w in words:
        out += [w, *_prefix_variants(w)]
    return out
