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
    codes, uniques = pd.factorize(orders["reseller_id"])
    pid_u = pd.Series(uniques).map(lookup)
    pid = pd.Series(pid_u.to_numpy()[codes], index=orders.index, dtype="string")
    pid[codes < 0] = pd.NA
    linked_accounts = set(orders.loc[pid.notna(), "reseller_id"].unique())
    report = {
        "participants_with_account": int(len(acc) + shared.nunique()),
        "accounts_shared_by_participants": int(shared.nunique()),
        "participant_accounts_with_orders": len(linked_accounts),
        "participant_accounts_without_orders": int(len(acc) - len(linked_accounts)),
        "orders_linked": int(pid.notna().sum()),
        "orders_not_in_survey": int(pid.isna().sum()),
        "order_match_rate": round(float(pid.notna().mean()), 4) if len(pid) else None,
    }
    return orders.assign(participant_id=pid), report
