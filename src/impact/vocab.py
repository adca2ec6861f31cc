"""Canonical vocabularies, alias tables and the categorical dtypes built from them.

Every fixed set of values in the suite (confederations, genders, waves, order
statuses) is defined here once; cohorts are programme data (:mod:`impact.programme`). Alias tables map a *normalised key*
(see :func:`alias_key`) to the canonical code, so spelling, case, spaces and
punctuation variants from the field all land on one value.
"""

from __future__ import annotations

import re

import pandas as pd

__all__ = [
    "BLANK_TOKENS",
    "CONFEDERATIONS",
    "CONFEDERATION_ALIASES",
    "CONFEDERATION_DTYPE",
    "CONFEDERATION_KEYS",
    "CONFEDERATION_OTHER",
    "DONT_KNOW",
    "DONT_KNOW_NUMBERS",
    "GENDERS",
    "GENDER_DTYPE",
    "GENDER_KEYS",
    "ORDER_STATUSES",
    "STATUS_DTYPE",
    "STATUS_KEYS",
    "TARGET_PERIOD_DTYPE",
    "UNMAPPED",
    "WAVES",
    "WAVE_DTYPE",
    "YES_NO_KEYS",
    "alias_key",
    "alias_table",
]

# --- confederations -------------------------------------------------------------------------

#: canonical code -> display name
CONFEDERATIONS: dict[str, str] = {
    "kspsi_rek": "KSPSI-Reconciliation",
    "kspsi_caitu": "KSPSI-CAITU",
    "ksbsi": "K-SBSI",
    "sarbumusi": "K-Sarbumusi",
    "kspn": "KSPN",
}

#: spellings seen in the field (any case, any punctuation) -> canonical code
CONFEDERATION_ALIASES: dict[str, str] = {
    # KSPSI Rekonsiliasi
    "KSPSI Rekonsiliasi": "kspsi_rek",
    "KSPSI-Reconciliation": "kspsi_rek",
    "KSPSI Reconciliation": "kspsi_rek",
    "KSPSI Rekon": "kspsi_rek",
    "KSPSI Rekonsilasi": "kspsi_rek",
    "KSPSI Rekonsialisi": "kspsi_rek",
    "KSPSI Rekonsiliasi (Andi Gani)": "kspsi_rek",
    "KSPSI AGN": "kspsi_rek",
    "Rekonsiliasi": "kspsi_rek",
    "Konfederasi Serikat Pekerja Seluruh Indonesia Rekonsiliasi": "kspsi_rek",
    "kspsi_rek": "kspsi_rek",
    "kspsi_rekonsiliasi": "kspsi_rek",
    # KSPSI CAITU
    "KSPSI CAITU": "kspsi_caitu",
    "Confederation of All Indonesian Trade Unions": "kspsi_caitu",
    "KSPSI-CAITU": "kspsi_caitu",
    "KSPSI Caitu": "kspsi_caitu",
    "CAITU": "kspsi_caitu",
    "KSPSI CAITO": "kspsi_caitu",
    "kspsi_caitu": "kspsi_caitu",
    # K-SBSI
    "K-SBSI": "ksbsi",
    "KSBSI": "ksbsi",
    "K SBSI": "ksbsi",
    "SBSI": "ksbsi",
    "KSBSI 1992": "ksbsi",
    "Konfederasi Serikat Buruh Sejahtera Indonesia": "ksbsi",
    # K-Sarbumusi
    "K-Sarbumusi": "sarbumusi",
    "K-SARBUMUSI": "sarbumusi",
    "Sarbumusi": "sarbumusi",
    "K-Saburmusi": "sarbumusi",
    "Saburmusi": "sarbumusi",
    "K-Sarbumusi NU": "sarbumusi",
    "Sarbumusi NU": "sarbumusi",
    "Konfederasi Sarikat Buruh Muslimin Indonesia": "sarbumusi",
    "Sarikat Buruh Muslimin Indonesia": "sarbumusi",
    # KSPN
    "KSPN": "kspn",
    "K-SPN": "kspn",
    "K.S.P.N": "kspn",
    "Konfederasi Serikat Pekerja Nasional": "kspn",
}

#: answers to the confederation question meaning "other, see the text field"
CONFEDERATION_OTHER = frozenset({"OTHER", "LAINNYA", "LAIN", "LAINLAIN"})

# --- gender -------------------------------------------------------------------------------

#: the confederation of a participant whose answer matched no confederation (kept, and counted)
UNMAPPED = "unmapped"

GENDERS: tuple[str, ...] = ("female", "male")

GENDER_ALIASES: dict[str, str] = {
    "P": "female",
    "PEREMPUAN": "female",
    "WANITA": "female",
    "F": "female",
    "FEMALE": "female",
    "W": "female",
    "IBU": "female",
    "L": "male",
    "LAKILAKI": "male",
    "LAKI2": "male",
    "LAKI": "male",
    "PRIA": "male",
    "M": "male",
    "MALE": "male",
    "BAPAK": "male",
    "LK": "male",
    "PR": "female",
}

# --- waves ----------------------------------------------------------------------------------

#: follow-up wave code -> months after training
WAVES: dict[str, int] = {"m3": 3, "m6": 6, "m12": 12}

# --- order statuses ----------------------------------------------------------------------------

ORDER_STATUSES: tuple[str, ...] = ("completed", "cancelled", "returned")

STATUS_ALIASES: dict[str, str] = {
    "SELESAI": "completed",
    "COMPLETED": "completed",
    "COMPLETE": "completed",
    "DONE": "completed",
    "DITERIMA": "completed",
    "DIBATALKAN": "cancelled",
    "BATAL": "cancelled",
    "CANCELLED": "cancelled",
    "CANCELED": "cancelled",
    "CANCEL": "cancelled",
    "DIKEMBALIKAN": "returned",
    "RETURNED": "returned",
    "RETUR": "returned",
    "RETURN": "returned",
}

# --- yes / no, don't know -------------------------------------------------------------------

YES_NO_ALIASES: dict[str, bool] = {
    "YA": True,
    "Y": True,
    "YES": True,
    "IYA": True,
    "1": True,
    "TRUE": True,
    "TIDAK": False,
    "T": False,
    "NO": False,
    "N": False,
    "TDK": False,
    "0": False,
    "FALSE": False,
    "GAK": False,
    "ENGGAK": False,
    "NGGAK": False,
    "GA": False,
}

#: "don't know" / refused answers (compared on :func:`alias_key`); they become missing and
#: are counted, never treated as errors
DONT_KNOW: frozenset[str] = frozenset(
    {
        "TIDAKTAHU",
        "TIDAKTAU",
        "GATAU",
        "GAKTAU",
        "TT",
        "TIDAKMENJAWAB",
        "TOLAK",
        "MENOLAK",
        "DK",
        "DONTKNOW",
        "REFUSED",
        "RAHASIA",
    }
)
#: numeric codes for don't know (-99) and refused (-98)
DONT_KNOW_NUMBERS: frozenset[str] = frozenset({"-99", "-98", "-88", "-999"})
#: cell contents that mean "no answer" (compared on :func:`alias_key`; the empty string too)
BLANK_TOKENS: frozenset[str] = frozenset({"", "NA", "NAN", "NULL", "NONE", "N/A"})

# --- dtypes ------------------------------------------------------------------------------

CONFEDERATION_DTYPE = pd.CategoricalDtype([*CONFEDERATIONS, UNMAPPED], ordered=False)
GENDER_DTYPE = pd.CategoricalDtype(list(GENDERS), ordered=False)
WAVE_DTYPE = pd.CategoricalDtype(list(WAVES), ordered=True)
STATUS_DTYPE = pd.CategoricalDtype(list(ORDER_STATUSES), ordered=False)
TARGET_PERIOD_DTYPE = pd.CategoricalDtype(["monthly", "weekly", "daily", "yearly"], ordered=False)

_NON_ALNUM = re.compile(r"[^0-9A-Z]+")


def alias_key(text: str) -> str:
    """Normalise a free-text label for alias lookup: upper case, letters and digits only.

    >>> alias_key(" k-Sarbumusi ")
    'KSARBUMUSI'
    """
    return _NON_ALNUM.sub("", str(text).upper())


def alias_table(aliases: dict[str, str]) -> dict[str, str]:
    """An alias table keyed by :func:`alias_key`, for vectorised ``map`` lookups."""
    return {alias_key(k): v for k, v in aliases.items()}


CONFEDERATION_KEYS = alias_table(CONFEDERATION_ALIASES) | {alias_key(v): k for k, v in CONFEDERATIONS.items()}
GENDER_KEYS = alias_table(GENDER_ALIASES)
STATUS_KEYS = alias_table(STATUS_ALIASES)
YES_NO_KEYS = {alias_key(k): v for k, v in YES_NO_ALIASES.items()}
