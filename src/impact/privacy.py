"""Pseudonymisation and spreadsheet-safe text.

Names, phones and NIKs never leave the cleaning stage. Participants and reseller
accounts are identified downstream only by keyed hashes (HMAC-SHA256 with a secret
held outside the data), so the same person gets the same pseudonym across runs
with the same secret, and nobody without the secret can recompute it from a code.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

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

    >>> len(pseudonymise(pd.Series(["SKB23-001"]), secret="s", prefix="P-", namespace="participant").iloc[0])
    18
    """
    codes, uniques = pd.factorize(values)
    hashed = pseudonyms_of(uniques, secret=secret, prefix=prefix, namespace=namespace)
    return pseudonyms_by_code(hashed, codes, values.index)


def pseudonyms_of(uniques, *, secret: str, prefix: str, namespace: str) -> pa.Array:
    """The pseudonym of each of ``uniques`` (distinct, non-missing values), as an Arrow array."""
    hmac_of = _hmac_sha256(secret.encode(), f"{namespace}:".encode())
    return pa.array(
        [prefix + hmac_of(f"{u}".encode())[:PSEUDONYM_HEX] for u in uniques], type=pa.large_string()
    )


def pseudonyms_by_code(hashed: pa.Array, codes: np.ndarray, index: pd.Index) -> pd.Series:
    """``hashed[codes]`` as a ``string`` Series (code -1: missing), what :func:`pseudonymise` returns."""
    taken = hashed.take(pa.array(codes, mask=codes < 0))
    return pd.Series(pd.arrays.ArrowStringArray(taken), index=index, dtype="string")


def _hmac_sha256(key: bytes, start: bytes) -> Callable[[bytes], str]:
    """``message -> HMAC-SHA256(key, start + message).hexdigest()``, fast for many short messages.

    RFC 2104 (what :func:`hmac.new` computes): the inner and outer hashes of the padded key,
    and the fixed ``start`` of every message, are hashed once and copied per message.
    """
    block = hashlib.sha256().block_size
    key = hashlib.sha256(key).digest() if len(key) > block else key
    key = key.ljust(block, b"\0")
    inner = hashlib.sha256(bytes(k ^ 0x36 for k in key))
    inner.update(start)
    outer = hashlib.sha256(bytes(k ^ 0x5C for k in key))

    def one(message: bytes) -> str:
        h = inner.copy()
        h.update(message)
        o = outer.copy()
        o.update(h.digest())
        return o.hexdigest()

    return one


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
