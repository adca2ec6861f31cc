"""Dates, months and timestamps: day first, Indonesian month names, Excel serials, time zones."""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa

from impact._compat import arrow_chunks, arrow_text, is_arrow_backed
from impact.clean.parse._core import (
    _IMPLAUSIBLE,
    _OK,
    _STRING,
    ISSUE_DTYPE,
    _by_unique,
    _FastPath,
    _frame,
    _invalid,
    _Out,
    _parse,
    _Parsed,
    _text_uniques,
    _true,
)

__all__ = ["parse_date", "parse_datetime", "parse_month", "parse_utc_timestamp"]

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
    """A canonical fixed-width timestamp shape, read digit by digit (see :func:`_fixed_width_micros`)."""

    group: _Formats
    #: one character per byte: ``d`` a digit 0-9, ``?`` ``T`` or a space, ``±`` ``+`` or ``-``,
    #: anything else itself (the shape's regular expression, checked on bytes)
    template: str
    #: (start, width) of year, month, day, hour, minute and (None: 0) second
    fields: tuple[tuple[int, int] | None, ...]
    #: start of ``+hh:mm`` (None: naive, or ``Z`` when ``utc``)
    offset: int | None = None
    utc: bool = False

    @property
    def width(self) -> int:
        return len(self.template)


_FIXED_WIDTH = (
    _FixedWidth(
        _WITH_OFFSET,
        "dddd-dd-dd?dd:dd:dd±dd:dd",
        ((0, 4), (5, 2), (8, 2), (11, 2), (14, 2), (17, 2)),
        offset=19,
    ),
    _FixedWidth(
        _WITH_OFFSET,
        "dddd-dd-dd?dd:dd:ddZ",
        ((0, 4), (5, 2), (8, 2), (11, 2), (14, 2), (17, 2)),
        utc=True,
    ),
    _FixedWidth(
        _NAIVE_ISO,
        "dddd-dd-dd?dd:dd:dd",
        ((0, 4), (5, 2), (8, 2), (11, 2), (14, 2), (17, 2)),
    ),
    _FixedWidth(
        _DAY_FIRST,
        "dd/dd/dddd dd:dd",
        ((6, 4), (3, 2), (0, 2), (11, 2), (14, 2), None),
    ),
)
#: years read by the fixed-width path (others, and anything unusual, go through pandas)
_FIXED_WIDTH_YEARS = (1970, 2200)
_MAX_OFFSET_HOURS = 14
_TEMPLATE_BYTES = {"?": b"T ", "±": b"+-"}


def _text_lengths(texts: pa.Array) -> np.ndarray:
    """Byte length of each text of a ``large_string`` array (nulls: -1)."""
    offsets = np.frombuffer(texts.buffers()[1], dtype=np.int64)[texts.offset : texts.offset + len(texts) + 1]
    lengths = np.diff(offsets)
    if texts.null_count:
        lengths[~texts.is_valid().to_numpy(zero_copy_only=False)] = -1
    return lengths


def _matching(matrix: np.ndarray, template: str) -> np.ndarray:
    """Rows of a ``(rows, width)`` byte matrix that have the shape of ``template``."""
    digits = [i for i, ch in enumerate(template) if ch == "d"]
    ok = ((matrix[:, digits] - np.uint8(48)) <= 9).all(axis=1)  # (bytes below '0' wrap around)
    for i, ch in enumerate(template):
        if ch != "d":
            column = matrix[:, i]
            allowed = _TEMPLATE_BYTES.get(ch, ch.encode())
            ok &= (column == allowed[0]) | (column == allowed[-1])
    return ok


def _number_at(matrix: np.ndarray, start: int, width: int) -> np.ndarray:
    number = matrix[:, start].astype(np.int32) - 48
    for k in range(start + 1, start + width):
        number = number * 10 + matrix[:, k] - 48
    return number


def _fixed_width_micros(
    texts: pa.Array, lengths: np.ndarray, shape: _FixedWidth, tz: str
) -> tuple[np.ndarray, np.ndarray]:
    """Read the texts of one canonical shape (e.g. ``2024-03-01T06:00:00+07:00``) as numbers.

    ``texts``: ``large_string``; ``lengths``: their byte lengths (:func:`_text_lengths`).
    Returns the positions read and their times as microseconds since the epoch (UTC). Only real
    calendar dates and times in ordinary ranges are read (the rest is left to the explicit
    pandas formats, which give the same value for these texts), so nothing ever rolls over.
    """
    width = shape.width
    where = np.flatnonzero(lengths == width)
    if not len(where):
        return where, np.zeros(0, dtype=np.int64)
    chosen = texts.take(pa.array(where))
    offsets = np.frombuffer(chosen.buffers()[1], dtype=np.int64)[
        chosen.offset : chosen.offset + len(chosen) + 1
    ]
    matrix = np.frombuffer(chosen.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]].reshape(-1, width)
    shaped = _matching(matrix, shape.template)
    if not shaped.all():
        where, matrix = where[shaped], matrix[shaped]
    year, month, day, hour, minute = (_number_at(matrix, *f) for f in shape.fields[:5])
    second = _number_at(matrix, *shape.fields[5]) if shape.fields[5] else np.zeros_like(year)
    month_start = ((year.astype(np.int64) - 1970) * 12 + np.clip(month, 1, 12) - 1).astype("datetime64[M]")
    first_day = month_start.astype("datetime64[D]").astype(np.int64)
    days_in_month = (month_start + 1).astype("datetime64[D]").astype(np.int64) - first_day
    ok = (
        (year >= _FIXED_WIDTH_YEARS[0])
        & (year <= _FIXED_WIDTH_YEARS[1])
        & (month >= 1)
        & (month <= 12)
        & (day >= 1)
        & (day <= days_in_month)
        & (hour <= 23)
        & (minute <= 59)
        & (second <= 59)
    )
    seconds = (first_day + day - 1) * 86_400 + (hour * 3600 + minute * 60 + second)
    if shape.offset is not None:
        sign = np.where(matrix[:, shape.offset] == ord("-"), -1, 1)
        off_h, off_m = _number_at(matrix, shape.offset + 1, 2), _number_at(matrix, shape.offset + 4, 2)
        ok &= (off_h <= _MAX_OFFSET_HOURS) & (off_m <= 59)
        seconds = seconds - sign * (off_h * 3600 + off_m * 60)
    where, micros = where[ok], seconds[ok] * 1_000_000
    if shape.offset is None and not shape.utc:  # local time in ``tz``: nonexistent or ambiguous ones are left
        local = pd.DatetimeIndex(micros.view("datetime64[us]")).tz_localize(
            tz, ambiguous="NaT", nonexistent="NaT"
        )
        real = ~local.isna()
        where, micros = where[real], local[real].as_unit("us").asi8
    return where, micros


def _fixed_width_stamps(texts: pa.Array, shape: _FixedWidth, tz: str) -> tuple[np.ndarray, pd.DatetimeIndex]:
    """:func:`_fixed_width_micros` of ``large_string`` texts as times in ``tz``."""
    where, micros = _fixed_width_micros(texts, _text_lengths(texts), shape, tz)
    return where, pd.DatetimeIndex(micros.view("datetime64[us]")).tz_localize("UTC").tz_convert(tz)


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
    arrow = arrow_text(texts)
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
    if not is_arrow_backed(s):
        return False
    kind = arrow_chunks(s).type
    return pa.types.is_string(kind) or pa.types.is_large_string(kind)


def _datetime_rows(s: pd.Series, fast: _FastPath, *, groups: tuple[_Formats, ...], tz: str) -> pd.DataFrame:
    """:func:`parse_datetime` (no bounds) with the fixed-width shapes read on the rows themselves.

    A row a shape reads gets the value the per-unique path gives its text (same function, and
    such texts have no spaces to strip); every other row goes through the per-unique path.
    """
    arrow = arrow_text(s)
    lengths = _text_lengths(arrow)
    micros = np.full(len(s), np.iinfo(np.int64).min, dtype=np.int64)  # NaT
    settled = np.zeros(len(s), dtype=bool)
    for shape in _FIXED_WIDTH:
        if shape.group in groups:
            where, read = _fixed_width_micros(arrow, lengths, shape, tz)
            micros[where] = read
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
