"""Pseudonymisation and spreadsheet-safe text.

Names, phones and NIKs never leave the cleaning stage. Participants and reseller
accounts are identified downstream only by keyed hashes (HMAC-SHA256 with a secret
held outside the data), so the same person gets the same pseudonym across runs
with the same secret, and nobody without the secret can recompute it from a code.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

import numpy as np
import pandas as pd

from impact import config

#: hex characters of the HMAC kept in a pseudonym (64 bits: no collisions at platform scale)
PSEUDONYM_HEX = 16
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class SecretError(Exception):
    """No usable pseudonymisation secret."""


def resolve_secret(
    raw_dir: Path, *, secret: str | None = None, secret_file: Path | None = None
) -> tuple[str, str]:
    """The pseudonymisation secret and where it came from (never the secret itself in messages).

    Order: ``secret`` argument, ``secret_file``, the ``IMPACT_SECRET`` environment
    variable; the documented demo secret only for a synthetic sample folder (one
    holding ``SYNTHETIC_SAMPLE.txt``). Otherwise :class:`SecretError`.
    """
    if secret:
        return secret, "argument"
    if secret_file is not None:
        text = Path(secret_file).read_text().strip()
        if not text:
            raise SecretError(f"{secret_file}: secret file is empty")
        return text, "secret file"
    env = os.environ.get(config.SECRET_ENV, "").strip()
    if env:
        return env, f"${config.SECRET_ENV}"
    if (Path(raw_dir) / config.SAMPLE_MARKER).is_file():
        return config.DEMO_SECRET, "demo secret (synthetic sample)"
    raise SecretError(
        f"no pseudonymisation secret: set {config.SECRET_ENV} or pass --secret-file "
        "(keep it outside the data folder; the same secret gives the same pseudonyms)"
    )


def pseudonymise(values: pd.Series, *, secret: str, prefix: str, namespace: str) -> pd.Series:
    """Keyed hash of each value: ``prefix`` + first 16 hex of HMAC-SHA256(secret, namespace:value).

    Computed once per distinct value (vectorised over the frame). Missing stays missing.

    >>> pseudonymise(pd.Series(["SKB23-001"]), secret="s", prefix="P-", namespace="participant").str.len().iloc[0]
    18
    """
    codes, uniques = pd.factorize(values)
    key = secret.encode()
    hashed = np.array(
        [
            prefix + hmac.new(key, f"{namespace}:{u}".encode(), hashlib.sha256).hexdigest()[:PSEUDONYM_HEX]
            for u in uniques
        ],
        dtype=object,
    )
    out = pd.Series(pd.NA, index=values.index, dtype="string")
    ok = codes >= 0
    out[ok] = hashed[codes[ok]]
    return out


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """Prefix ``'`` to text cells a spreadsheet would run as a formula (``= + - @``, tab, CR).

    Only text columns are touched; numbers (including negative ones) stay numbers.
    Returns a new frame.
    """
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if not (
            pd.api.types.is_string_dtype(s.dtype)
            or s.dtype == object
            or isinstance(s.dtype, pd.CategoricalDtype)
        ):
            continue
        text = s.astype("string")
        risky = text.str.startswith(FORMULA_START).fillna(False)
        if risky.any():
            out[col] = text.mask(risky, "'" + text)
    return out
