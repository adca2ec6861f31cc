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

from impact.clean.parse._core import ISSUE_DTYPE
from impact.clean.parse.ids import normalise_participant_code, normalise_phone, normalise_reseller_id
from impact.clean.parse.labels import (
    normalise_confederation,
    normalise_gender,
    normalise_status,
    normalise_wave,
    parse_yes_no,
)
from impact.clean.parse.numbers import parse_int, parse_rupiah
from impact.clean.parse.times import parse_date, parse_datetime, parse_month, parse_utc_timestamp

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
