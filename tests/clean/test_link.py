"""Tests for impact.clean.link: reseller accounts linked to participants, link counts, the match report."""

from __future__ import annotations

import numpy as np
import pandas as pd

from impact.clean.link import link_accounts, link_counts, match_report


def participants(pairs: list[tuple[str, str | None]]) -> pd.DataFrame:
    """Participants from (participant_id, reseller_id or None) pairs."""
    return pd.DataFrame(
        {
            "participant_id": pd.array([p for p, _ in pairs], dtype="string"),
            "reseller_id": pd.array([r for _, r in pairs], dtype="string"),
        }
    )


def orders(reseller_ids: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "order_id": [f"o{i}" for i in range(1, len(reseller_ids) + 1)],
            "reseller_id": pd.array(reseller_ids, dtype="string"),
        }
    )


#: three participants with their own account, one without; EVM-9 is an account outside the survey
PEOPLE = participants([("P-a", "EVM-1"), ("P-b", "EVM-2"), ("P-c", "EVM-3"), ("P-d", None)])
#: 6 orders: EVM-1 ×2, EVM-2 ×1 (survey accounts), EVM-9 ×3 (not in the survey); EVM-3 has none
ORDERS = orders(["EVM-1", "EVM-9", "EVM-1", "EVM-2", "EVM-9", "EVM-9"])


# --- link_accounts --------------------------------------------------------------------------------


def test_link_accounts_gives_orders_of_survey_accounts_their_participant_id() -> None:
    linked = link_accounts(ORDERS, PEOPLE)

    expected = ORDERS.assign(
        participant_id=pd.array(["P-a", pd.NA, "P-a", "P-b", pd.NA, pd.NA], dtype="string")
    )
    pd.testing.assert_frame_equal(linked, expected)


def test_link_accounts_keeps_the_orders_index() -> None:
    indexed = ORDERS.set_axis([10, 11, 12, 13, 14, 15])

    linked = link_accounts(indexed, PEOPLE)

    assert linked.index.tolist() == [10, 11, 12, 13, 14, 15]
    assert linked["participant_id"].tolist() == ["P-a", pd.NA, "P-a", "P-b", pd.NA, pd.NA]


def test_link_accounts_does_not_change_its_input() -> None:
    before = ORDERS.copy()

    link_accounts(ORDERS, PEOPLE)

    pd.testing.assert_frame_equal(ORDERS, before)


def test_an_account_given_by_two_participants_links_to_neither() -> None:
    people = participants([("P-a", "EVM-1"), ("P-b", "EVM-7"), ("P-c", "EVM-7")])

    linked = link_accounts(orders(["EVM-7", "EVM-1", "EVM-7"]), people)

    assert linked["participant_id"].tolist() == [pd.NA, "P-a", pd.NA]


def test_link_accounts_with_no_participant_accounts_links_nothing() -> None:
    linked = link_accounts(ORDERS, participants([("P-a", None)]))

    assert linked["participant_id"].isna().all()
    assert linked["participant_id"].dtype == "string"


# --- link_counts ----------------------------------------------------------------------------------


def test_link_counts_counts_orders_linked_orders_and_linked_accounts() -> None:
    counts = link_counts(link_accounts(ORDERS, PEOPLE))

    assert counts["orders"] == 6
    assert counts["orders_linked"] == 3
    assert sorted(counts["accounts"]) == ["EVM-1", "EVM-2"]
    assert isinstance(counts["accounts"], np.ndarray)


def test_link_counts_of_no_orders_are_zero() -> None:
    counts = link_counts(link_accounts(ORDERS.iloc[:0], PEOPLE))

    assert counts["orders"] == 0
    assert counts["orders_linked"] == 0
    assert len(counts["accounts"]) == 0


# --- match_report ---------------------------------------------------------------------------------


def test_match_report_numbers_by_hand() -> None:
    report = match_report(PEOPLE, [link_counts(link_accounts(ORDERS, PEOPLE))])

    assert report == {
        "participants_with_account": 3,  # P-a, P-b, P-c (P-d gave none)
        "accounts_shared_by_participants": 0,
        "participant_accounts_with_orders": 2,  # EVM-1, EVM-2
        "participant_accounts_without_orders": 1,  # EVM-3
        "orders_linked": 3,
        "orders_not_in_survey": 3,  # the EVM-9 orders
        "order_match_rate": 0.5,
    }


def test_match_report_counts_a_shared_account_and_leaves_it_unlinked() -> None:
    people = participants([("P-a", "EVM-1"), ("P-b", "EVM-7"), ("P-c", "EVM-7")])
    linked = link_accounts(orders(["EVM-7", "EVM-1", "EVM-7"]), people)

    report = match_report(people, [link_counts(linked)])

    assert report["accounts_shared_by_participants"] == 1
    assert report["participant_accounts_with_orders"] == 1  # EVM-1 only: EVM-7 links to nobody
    assert report["participant_accounts_without_orders"] == 0
    assert report["orders_linked"] == 1
    assert report["orders_not_in_survey"] == 2


def test_match_report_rounds_the_match_rate_to_four_decimals() -> None:
    linked = link_accounts(orders(["EVM-1", "EVM-9", "EVM-9"]), PEOPLE)

    report = match_report(PEOPLE, [link_counts(linked)])

    assert report["order_match_rate"] == 0.3333  # 1 of 3


def test_match_report_of_parts_equals_the_report_of_the_whole() -> None:
    linked = link_accounts(ORDERS, PEOPLE)
    whole = match_report(PEOPLE, [link_counts(linked)])

    # EVM-1 has orders in both parts: an account is counted once, not once per part
    parts = match_report(PEOPLE, [link_counts(linked.iloc[:2]), link_counts(linked.iloc[2:])])

    assert parts == whole


def test_match_report_of_many_small_parts_equals_the_report_of_the_whole() -> None:
    linked = link_accounts(ORDERS, PEOPLE)

    one_by_one = match_report(PEOPLE, [link_counts(linked.iloc[[i]]) for i in range(len(linked))])

    assert one_by_one == match_report(PEOPLE, [link_counts(linked)])


def test_match_report_of_no_orders_has_no_match_rate() -> None:
    report = match_report(PEOPLE, [])

    assert report == {
        "participants_with_account": 3,
        "accounts_shared_by_participants": 0,
        "participant_accounts_with_orders": 0,
        "participant_accounts_without_orders": 3,
        "orders_linked": 0,
        "orders_not_in_survey": 0,
        "order_match_rate": None,
    }
