"""Pseudonymisation: participants and reseller accounts get keyed hashes.

Names, phones and NIKs never leave the cleaning stage. Participants and reseller
accounts are identified downstream only by keyed hashes (HMAC-SHA256 with a secret
held outside the data), so the same person gets the same pseudonym across runs
with the same secret, and nobody without the secret can recompute it from a code.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa

from impact._compat import take_by_code

__all__ = ["PSEUDONYM_HEX", "pseudonymise", "pseudonyms_by_code", "pseudonyms_of"]

#: hex characters of the HMAC kept in a pseudonym (64 bits: no collisions at platform scale)
PSEUDONYM_HEX = 16


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
    texts = (
        uniques.to_pylist() if isinstance(uniques, pa.Array | pa.ChunkedArray) else pd.Index(uniques).tolist()
    )
    return pa.array(
        [prefix + hmac_of(f"{u}".encode())[:PSEUDONYM_HEX] for u in texts], type=pa.large_string()
    )


def pseudonyms_by_code(hashed: pa.Array, codes: np.ndarray, index: pd.Index) -> pd.Series:
    """``hashed[codes]`` as a ``string`` Series (code -1: missing), what :func:`pseudonymise` returns."""
    taken = take_by_code(hashed, codes)
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
