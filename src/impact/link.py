"""Linking reseller accounts to survey participants, with a match report."""

from __future__ import annotations

import pandas as pd


def link_orders(orders: pd.DataFrame, participants: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Add ``participant_id`` to orders through the baseline's reseller account id.

    ``participants`` needs ``reseller_id`` (normalised) and ``participant_id``. Orders of
    accounts not in the survey keep ``participant_id`` missing. An account id given by
    two participants links to neither (ambiguous) and is reported.
    Returns (orders, match report).
    """
    acc = participants.dropna(subset=["reseller_id"])
    shared = acc["reseller_id"][acc["reseller_id"].duplicated(keep=False)]
    acc = acc[~acc["reseller_id"].isin(shared)]
    lookup = pd.Series(acc["participant_id"].to_numpy(), index=acc["reseller_id"].to_numpy())
    # only orders of survey accounts are looked up (a few among millions), by hash membership
    ids = orders["reseller_id"]
    candidate = ids.isin(lookup.index).to_numpy(dtype=bool)
    matched = ids[candidate].map(lookup)
    pid = pd.Series(pd.NA, index=orders.index, dtype="string")
    pid[candidate] = matched.astype("string")
    linked = pid.notna().to_numpy()
    linked_accounts = int(ids[linked].nunique())
    orders_linked = int(linked.sum())
    report = {
        "participants_with_account": int(len(acc) + shared.nunique()),
        "accounts_shared_by_participants": int(shared.nunique()),
        "participant_accounts_with_orders": linked_accounts,
        "participant_accounts_without_orders": int(len(acc) - linked_accounts),
        "orders_linked": orders_linked,
        "orders_not_in_survey": len(pid) - orders_linked,
        "order_match_rate": round(orders_linked / len(pid), 4) if len(pid) else None,
    }
    return orders.assign(participant_id=pid), report
