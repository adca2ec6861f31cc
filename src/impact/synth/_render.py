"""Rendering the scale generator's order records as messy export text, column by column in Arrow."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from impact.synth._platform import (
    _CATEGORY_NAMES,
    _COMMISSION_RP_RATE,
    _GARBAGE_TIME_RATE,
    _GARBAGE_TIMES,
    _GROSS_FORM_P_OTHER,
    _GROSS_FORM_P_THOUSANDS,
    _NOISY_ID_RATE,
    _ORDER_ID_DIGITS,
    _QUANTITY_TEXT,
    _SCHEMA,
    _STATUS_CASE_P,
    _STATUS_INDONESIAN_RATE,
    _STATUS_LABELS,
    _STATUS_PAD_P,
    _WIB_OFFSET,
    _Accounts,
    _Records,
)

__all__ = [
    "_assemble",
    "_digits",
    "_dotted",
    "_draw",
    "_fixed_width",
    "_format_times",
    "_join",
    "_render",
    "_status_text",
]

# --- rendering to text ------------------------------------------------------------------------


def _render(rng: np.random.Generator, records: _Records, accounts: _Accounts) -> pa.Table:
    """The records as the platform writes them: every column text, in mixed forms."""
    n = len(records["order_no"])

    order_id = _fixed_width("ORD-" + "0" * _ORDER_ID_DIGITS, [(4, _ORDER_ID_DIGITS, records["order_no"])])

    time_form = (rng.random(n) < 0.5).astype(np.int8)  # 0 ISO, 1 dd/mm/yyyy
    time_form[rng.random(n) < _GARBAGE_TIME_RATE] = 2
    seconds = records["wib_seconds"]
    order_time = _assemble(
        [
            _format_times(seconds[time_form == 0], iso=True),
            _format_times(seconds[time_form == 1], iso=False),
            _GARBAGE_TIMES.take(rng.integers(0, len(_GARBAGE_TIMES), int((time_form == 2).sum()))),
        ],
        time_form,
    )

    noisy = rng.random(n) < _NOISY_ID_RATE
    noise_kinds = np.where(accounts.has_leading_zero[records["reseller"]], 3, 2)
    variant = np.where(noisy, 1 + (rng.random(n) * noise_kinds).astype(np.int64), 0)
    reseller_id = accounts.id_variants.take(pa.array(variant * accounts.n + records["reseller"]))

    gross = records["gross"]
    thousands = gross % 1000 == 0
    gross_form = np.where(
        thousands,
        _draw(rng, _GROSS_FORM_P_THOUSANDS, n),
        _draw(rng, _GROSS_FORM_P_OTHER, n),
    )
    commission = records["commission"]
    commission_form = (rng.random(n) < _COMMISSION_RP_RATE).astype(np.int8)

    return pa.table(
        {
            "order_id": order_id,
            "order_time": order_time,
            "reseller_id": reseller_id,
            "category": _CATEGORY_NAMES.take(pa.array(records["category"])),
            "quantity": _QUANTITY_TEXT.take(pa.array(records["quantity"] - 1)),
            "gross_amount": _assemble(
                [
                    _digits(gross[gross_form == 0]),
                    _join("Rp ", _dotted(gross[gross_form == 1])),
                    _join("Rp", _dotted(gross[gross_form == 2]), ",00"),
                    _join(_digits(gross[gross_form == 3] // 1000), "rb"),
                    _dotted(gross[gross_form == 4]),
                ],
                gross_form,
            ),
            "reseller_commission": _assemble(
                [
                    _digits(commission[commission_form == 0]),
                    _join("Rp ", _dotted(commission[commission_form == 1])),
                ],
                commission_form,
            ),
            "status": _status_text(rng, records["status"]),
        },
        schema=_SCHEMA,
    )


def _status_text(rng: np.random.Generator, status: np.ndarray) -> pa.Array:
    """Status labels in Indonesian or English with case and surrounding-space noise."""
    n = len(status)
    labels = []
    for indonesian, english in _STATUS_LABELS:
        for usual in (indonesian, english):
            other = usual.lower() if usual[0].isupper() else usual.capitalize()
            for case in (usual, usual.upper(), other):
                labels += [case, " " + case, case + " "]
    language = (rng.random(n) >= _STATUS_INDONESIAN_RATE).astype(np.int64)
    code = ((status.astype(np.int64) * 2 + language) * 3 + _draw(rng, _STATUS_CASE_P, n)) * 3 + _draw(
        rng, _STATUS_PAD_P, n
    )
    return pa.array(labels, pa.string()).take(pa.array(code))


def _draw(rng: np.random.Generator, p: np.ndarray, n: int) -> np.ndarray:
    """``n`` category codes with probabilities ``p`` (inverse CDF, faster than ``choice``)."""
    return np.minimum(np.searchsorted(np.cumsum(p), rng.random(n), side="right"), len(p) - 1).astype(np.int64)


def _format_times(wib_seconds: np.ndarray, *, iso: bool) -> pa.Array:
    """WIB wall-clock seconds since 1970 as ``2024-03-01T06:00:00+07:00`` or ``01/03/2024 06:00``."""
    days = (wib_seconds // 86_400).astype("datetime64[D]")
    months = days.astype("datetime64[M]")
    year = months.astype(np.int64) // 12 + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (days - months).astype(np.int64) + 1
    of_day = wib_seconds % 86_400
    hour, minute, second = of_day // 3600, of_day // 60 % 60, of_day % 60
    if iso:
        template = "0000-00-00T00:00:00" + _WIB_OFFSET
        fields = [(0, 4, year), (5, 2, month), (8, 2, day), (11, 2, hour), (14, 2, minute), (17, 2, second)]
    else:
        template = "00/00/0000 00:00"
        fields = [(0, 2, day), (3, 2, month), (6, 4, year), (11, 2, hour), (14, 2, minute)]
    return _fixed_width(template, fields)


def _fixed_width(template: str, fields: list[tuple[int, int, np.ndarray]]) -> pa.Array:
    """Fixed-width strings: ``template`` with zero-padded non-negative numbers written at positions.

    ``fields`` are ``(position, width, values)``. Built as one byte matrix, handed to Arrow
    without a copy: no per-row Python.

    >>> _fixed_width("ID-000", [(3, 3, np.array([7, 42]))]).to_pylist()
    ['ID-007', 'ID-042']
    """
    width = len(template)
    n = len(fields[0][2])
    matrix = np.empty((n, width), dtype=np.uint8)
    matrix[:] = np.frombuffer(template.encode("ascii"), dtype=np.uint8)
    for position, digits, values in fields:
        rest = values.astype(np.int64)
        for k in range(digits - 1, -1, -1):
            matrix[:, position + k] = 48 + rest % 10
            rest = rest // 10
    offsets = np.arange(n + 1, dtype=np.int32) * width
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(matrix))


def _digits(values: np.ndarray) -> pa.Array:
    return pc.cast(pa.array(values, pa.int64()), pa.string())


def _dotted(values: np.ndarray) -> pa.Array:
    """Rupiah with dots between thousands (``1500000`` -> ``1.500.000``), below 10**12.

    >>> _dotted(np.array([0, 500, 150000, 1500000])).to_pylist()
    ['0', '500', '150.000', '1.500.000']
    """
    padded = pc.utf8_lpad(_digits(values), width=12, padding="0")
    groups = [pc.utf8_slice_codeunits(padded, i, i + 3) for i in range(0, 12, 3)]
    return pc.replace_substring_regex(
        pc.binary_join_element_wise(*groups, "."), pattern=r"^[0.]+(\d)", replacement=r"\1"
    )


def _join(*parts: pa.Array | str) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def _assemble(parts: Sequence[pa.Array], codes: np.ndarray) -> pa.Array:
    """Put rows rendered in several forms back in row order.

    ``parts[j]`` holds, in row order, the rows whose ``codes`` is ``j``.

    >>> _assemble([pa.array(["a", "c"]), pa.array(["B"])], np.array([0, 1, 0])).to_pylist()
    ['a', 'B', 'c']
    """
    order = np.argsort(codes, kind="stable")
    inverse = np.empty_like(order)
    inverse[order] = np.arange(len(order))
    return pa.concat_arrays([p.cast(pa.string()) for p in parts]).take(pa.array(inverse))
