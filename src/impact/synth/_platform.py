"""The synthetic platform's parameters (categories, prices, volumes, statuses), how messy its
exports are, and the record types the scale generator passes around."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from impact.clean.sales import SALES_FIELDS

__all__ = [
    "_ACCOUNT_DIGITS",
    "_ACCOUNT_WEIGHT_SIGMA",
    "_CANDIDATE_RATE",
    "_CATEGORIES",
    "_CATEGORY_NAMES",
    "_CATEGORY_SHARE",
    "_COMMISSION_RATE",
    "_COMMISSION_RP_RATE",
    "_COMPLETED",
    "_DUPLICATE_RATE",
    "_GARBAGE_TIMES",
    "_GARBAGE_TIME_RATE",
    "_GROSS_FORM_P_OTHER",
    "_GROSS_FORM_P_THOUSANDS",
    "_GROSS_RANGE_IDR",
    "_GROSS_STEP_IDR",
    "_GROWTH",
    "_HOURLY",
    "_HOURLY_P",
    "_MAIN_CATEGORY_SHARE",
    "_MAX_CHUNK_ROWS",
    "_NOISY_ID_RATE",
    "_ORDER_ID_DIGITS",
    "_ORDER_NUMBER_MAX_GAP",
    "_QUANTITY_P",
    "_QUANTITY_TEXT",
    "_REEXPORT_RATE",
    "_RETURNED",
    "_SCHEMA",
    "_STATUS_CASE_P",
    "_STATUS_CHANGE_RATE",
    "_STATUS_INDONESIAN_RATE",
    "_STATUS_LABELS",
    "_STATUS_P",
    "_STATUS_PAD_P",
    "_UNIT_PRICE_MEDIAN",
    "_UNIT_PRICE_SIGMA",
    "_WIB_OFFSET",
    "_Accounts",
    "_Records",
]

_SCHEMA = pa.schema([(name, pa.string()) for name in SALES_FIELDS])
_Records = dict[str, np.ndarray]

# --- the synthetic platform -------------------------------------------------------------------

#: category -> (share of orders, commission rate, median unit price in rupiah)
_CATEGORIES: dict[str, tuple[float, float, int]] = {
    "fashion": (0.22, 0.15, 85_000),
    "kecantikan": (0.14, 0.18, 70_000),
    "rumah_tangga": (0.11, 0.12, 90_000),
    "makanan": (0.10, 0.10, 50_000),
    "elektronik": (0.07, 0.08, 300_000),
    "kesehatan": (0.07, 0.12, 80_000),
    "ibu_bayi": (0.07, 0.12, 105_000),
    "olahraga": (0.04, 0.12, 150_000),
    "aksesoris": (0.06, 0.20, 40_000),
    "mainan": (0.05, 0.14, 90_000),
    "otomotif": (0.03, 0.10, 170_000),
    "buku": (0.04, 0.15, 65_000),
}
_CATEGORY_NAMES = pa.array(list(_CATEGORIES), pa.string())
_CATEGORY_SHARE = np.array([v[0] for v in _CATEGORIES.values()])
_COMMISSION_RATE = np.array([v[1] for v in _CATEGORIES.values()])
_UNIT_PRICE_MEDIAN = np.array([v[2] for v in _CATEGORIES.values()], dtype=np.float64)
#: chance that an order is in its account's main category rather than any category
_MAIN_CATEGORY_SHARE = 0.7
#: spread (log scale) of unit prices around the category median
_UNIT_PRICE_SIGMA = 0.7
_GROSS_STEP_IDR = 500
_GROSS_RANGE_IDR = (10_000, 5_000_000)
#: items per order, 1..10
_QUANTITY_P = np.array([0.46, 0.24, 0.13, 0.06, 0.04, 0.03, 0.015, 0.01, 0.01, 0.005])
_QUANTITY_TEXT = pa.array([str(q) for q in range(1, 11)], pa.string())
#: spread (log scale) of the accounts' order weights: most accounts sell little, a few very much
_ACCOUNT_WEIGHT_SIGMA = 1.6
#: last day's order volume relative to the first day's (the platform grows)
_GROWTH = 1.5
#: share of orders per WIB hour of day
_HOURLY = np.array(
    [
        *(1.0, 0.6, 0.4, 0.3, 0.4, 0.8, 1.6, 2.4, 3.2, 3.8, 4.2, 4.6),  # 00-11
        *(5.4, 5.2, 4.6, 4.2, 4.2, 4.6, 5.0, 6.4, 7.2, 7.0, 5.6, 3.2),  # 12-23
    ]
)
_HOURLY_P = _HOURLY / _HOURLY.sum()

# status codes 0 completed, 1 cancelled, 2 returned (the order of vocab.ORDER_STATUSES)
_STATUS_P = np.array([0.85, 0.08, 0.07])
_COMPLETED, _RETURNED = 0, 2
_STATUS_LABELS = (("Selesai", "completed"), ("Dibatalkan", "cancelled"), ("Dikembalikan", "returned"))

# --- messiness rates --------------------------------------------------------------------------

_REEXPORT_RATE = 0.01
#: share of re-exported rows whose status changed since the earlier export (completed -> returned)
_STATUS_CHANGE_RATE = 0.30
_DUPLICATE_RATE = 0.002
#: share of each chunk's distinct orders kept as candidates for re-export in later files
_CANDIDATE_RATE = 0.03
_NOISY_ID_RATE = 0.01
_GARBAGE_TIME_RATE = 0.0001
_GARBAGE_TIMES = pa.array(["00/00/0000 00:00", "", "kemarin"], pa.string())
#: gross text forms: plain, "Rp 150.000", "Rp150.000,00", "150rb", "150.000" (rb only for whole thousands)
_GROSS_FORM_P_THOUSANDS = np.array([0.65, 0.15, 0.05, 0.10, 0.05])
_GROSS_FORM_P_OTHER = np.array([0.75, 0.15, 0.05, 0.00, 0.05])
_COMMISSION_RP_RATE = 0.10
#: status written in Indonesian (else English)
_STATUS_INDONESIAN_RATE = 0.6
#: status case: as usual, UPPER, the other case (selesai / Completed)
_STATUS_CASE_P = np.array([0.80, 0.12, 0.08])
#: status padding: none, leading space, trailing space
_STATUS_PAD_P = np.array([0.96, 0.02, 0.02])

_ORDER_ID_DIGITS = 10
_ACCOUNT_DIGITS = 8
#: order numbers advance by 1-3 per distinct order
_ORDER_NUMBER_MAX_GAP = 3
#: Asia/Jakarta (config.TIMEZONE) has kept a fixed UTC+7 offset, without daylight saving, since 1964
_WIB_OFFSET = "+07:00"
_MAX_CHUNK_ROWS = 20_000_000


@dataclass(frozen=True)
class _Accounts:
    #: clean ids, then lower case, then space for dash, then leading zeros dropped (4 x n)
    id_variants: pa.Array
    #: the id has zeros to drop (``EVM-00123456``), so the third noise variant differs from it
    has_leading_zero: np.ndarray
    n: int
    #: cumulative order weights (heavy-tailed) for weighted draws
    cumulative_weight: np.ndarray
    #: a random order of all accounts: each gets one guaranteed order, spread over the period
    coverage: np.ndarray
    main_category: np.ndarray
