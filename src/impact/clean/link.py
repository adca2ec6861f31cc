"""Linking reseller accounts to survey participants, with a match report."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa

from impact._compat import take_by_code

__all__ = ["link_accounts", "link_counts", "match_report"]


def _accounts(participants: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """(account id → participant id for accounts given by one participant, accounts given by several)."""
    acc = participants.dropna(subset=["reseller_id"])
    shared = acc["reseller_id"][acc["reseller_id"].duplicated(keep=False)]
    acc = acc[~acc["reseller_id"].isin(shared)]
    return pd.Series(acc["participant_id"].to_numpy(), index=acc["reseller_id"].to_numpy()), shared


def link_accounts(orders: pd.DataFrame, participants: pd.DataFrame) -> pd.DataFrame:
    """Add ``participant_id`` to orders through the baseline's reseller account id.

    ``participants`` needs ``reseller_id`` (normalised) and ``participant_id``. Orders of
    accounts not in the survey keep ``participant_id`` missing. An account id given by
    two participants links to neither (ambiguous; see :func:`match_report`).
    """
    lookup, _ = _accounts(participants)
    ids = orders["reseller_id"]
    if isinstance(ids.dtype, pd.CategoricalDtype):
        # each distinct account is looked up once; rows take their participant by code
        at = lookup.index.get_indexer(ids.cat.categories)  # -1: not a survey account
        found = np.append(np.append(lookup.to_numpy(dtype=object), None)[at], None)
        codes = ids.cat.codes.to_numpy()
        texts = take_by_code(pa.array(found, pa.large_string()), codes)
        pid = pd.Series(pd.array(texts, dtype=pd.StringDtype("pyarrow")), index=orders.index)
        return orders.assign(participant_id=pid)
    # only orders of survey accounts are looked up (a few among millions), by hash membership
    candidate = ids.isin(lookup.index).to_numpy(dtype=bool)
    matched = ids[candidate].map(lookup)
    pid = pd.Series(pd.NA, index=orders.index, dtype="string")
    pid[candidate] = matched.astype("string")
    return orders.assign(participant_id=pid)


def link_counts(linked: pd.DataFrame) -> dict:
    """What :func:`match_report` needs of (a part of) the linked orders; parts add up."""
    has = linked["participant_id"].notna().to_numpy()
    return {
        "orders": len(linked),
        "orders_linked": int(has.sum()),
        "accounts": np.asarray(linked["reseller_id"][has].unique().astype(object)),
    }


def match_report(participants: pd.DataFrame, counts: Iterable[dict]) -> dict:
    """The match report of linked orders, from the :func:`link_counts` of all their parts."""
    counts = list(counts)
    lookup, shared = _accounts(participants)
    accounts = set().union(*(set(c["accounts"]) for c in counts)) if counts else set()
    n_orders = sum(c["orders"] for c in counts)
    orders_linked = sum(c["orders_linked"] for c in counts)
    return {
        "participants_with_account": int(len(lookup) + shared.nunique()),
        "accounts_shared_by_participants": int(shared.nunique()),
        "participant_accounts_with_orders": len(accounts),
        "participant_accounts_without_orders": int(len(lookup) - len(accounts)),
        "orders_linked": orders_linked,
        "orders_not_in_survey": n_orders - orders_linked,
        "order_match_rate": round(orders_linked / n_orders, 4) if n_orders else None,
    }
