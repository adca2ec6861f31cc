"""Tests for impact.clean.schema: the sample's processed tables keep the contract; broken ones do not."""

from __future__ import annotations

import pandas as pd
import pytest

from impact.clean.schema import SCHEMAS, validate
from impact.contract import FOLLOWUP_COLUMNS, OPTIONAL_TABLES, ORDER_COLUMNS, PARTICIPANT_COLUMNS, TABLES
from impact.errors import ContractError


@pytest.fixture
def participants(sample_clean) -> pd.DataFrame:
    """A copy of the sample's participants (the session fixture is shared: never changed in place)."""
    return sample_clean.participants.copy()


def test_every_processed_table_has_a_schema() -> None:
    assert tuple(SCHEMAS) == (*TABLES, *OPTIONAL_TABLES)


def test_schema_columns_are_the_contract_columns_in_order() -> None:
    assert tuple(SCHEMAS["participants"].columns) == PARTICIPANT_COLUMNS
    assert tuple(SCHEMAS["followups"].columns) == FOLLOWUP_COLUMNS
    assert tuple(SCHEMAS["orders"].columns) == ORDER_COLUMNS
    assert tuple(SCHEMAS["comparison"].columns) == PARTICIPANT_COLUMNS
    assert tuple(SCHEMAS["comparison_followups"].columns) == FOLLOWUP_COLUMNS


@pytest.mark.parametrize("name", TABLES)
def test_sample_tables_keep_the_contract(sample_clean, name: str) -> None:
    table = getattr(sample_clean, name)
    assert len(table) > 0

    validated = validate(name, table)

    pd.testing.assert_frame_equal(validated, table)


def test_a_participant_id_not_matching_the_pseudonym_pattern_breaks_the_contract(participants) -> None:
    participants.loc[0, "participant_id"] = "P-NOT-A-HASH"

    with pytest.raises(ContractError) as caught:
        validate("participants", participants)

    message = str(caught.value)
    assert message.startswith("processed table 'participants' breaks the contract:")
    assert "participant_id" in message
    assert "str_matches('^P-[0-9a-f]{16}$')" in message
    assert "P-NOT-A-HASH" in message


def test_a_negative_money_value_breaks_the_contract(participants) -> None:
    participants.loc[1, "income_before_idr"] = -5

    with pytest.raises(ContractError, match=r"income_before_idr\s+greater_than_or_equal_to\(0\)\s+-5"):
        validate("participants", participants)


def test_a_duplicate_participant_id_breaks_the_contract(participants) -> None:
    duplicated = participants.loc[0, "participant_id"]
    participants.loc[1, "participant_id"] = duplicated

    with pytest.raises(ContractError) as caught:
        validate("participants", participants)

    message = str(caught.value)
    assert "multiple_fields_uniqueness" in message
    assert duplicated in message


def test_an_extra_column_breaks_the_contract(participants) -> None:
    with pytest.raises(ContractError, match=r"column_in_schema\s+full_name"):
        validate("participants", participants.assign(full_name="Siti"))


def test_a_missing_column_breaks_the_contract(participants) -> None:
    with pytest.raises(ContractError, match=r"column_in_dataframe\s+gender"):
        validate("participants", participants.drop(columns="gender"))


def test_columns_out_of_order_break_the_contract(participants) -> None:
    swapped = participants[["cohort", "participant_id", *PARTICIPANT_COLUMNS[2:]]]

    with pytest.raises(ContractError, match="column_ordered"):
        validate("participants", swapped)


def test_every_failure_is_listed_at_once(participants) -> None:
    participants.loc[0, "participant_id"] = "P-NOT-A-HASH"
    participants.loc[1, "income_before_idr"] = -5

    with pytest.raises(ContractError) as caught:
        validate("participants", participants)

    message = str(caught.value)
    assert "P-NOT-A-HASH" in message
    assert "income_before_idr" in message


def test_a_missing_cohort_breaks_the_contract(participants) -> None:
    participants.loc[0, "cohort"] = pd.NA

    with pytest.raises(ContractError, match=r"cohort\s+not_nullable"):
        validate("participants", participants)


def test_a_followup_wave_twice_for_one_participant_breaks_the_contract(sample_clean) -> None:
    followups = sample_clean.followups
    twice = pd.concat([followups, followups.iloc[[0]]], ignore_index=True)

    with pytest.raises(
        ContractError,
        match=r"(?s)processed table 'followups' breaks the contract:.*multiple_fields_uniqueness",
    ):
        validate("followups", twice)


def test_hours_per_week_above_a_week_break_the_contract(sample_clean) -> None:
    followups = sample_clean.followups.copy()
    followups.loc[0, "hours_per_week"] = 169

    with pytest.raises(ContractError, match=r"hours_per_week\s+in_range\(0, 168\)\s+169"):
        validate("followups", followups)


def test_an_order_reseller_key_not_matching_the_pattern_breaks_the_contract(sample_clean) -> None:
    orders = sample_clean.orders.copy()
    orders.loc[0, "reseller_key"] = "EVM-00000001"

    with pytest.raises(ContractError, match=r"reseller_key.*EVM-00000001"):
        validate("orders", orders)


def test_a_reseller_month_without_completed_orders_breaks_the_contract(sample_clean) -> None:
    monthly = sample_clean.reseller_monthly.copy()
    monthly.loc[0, "orders_completed"] = 0

    with pytest.raises(ContractError, match=r"orders_completed\s+greater_than_or_equal_to\(1\)\s+0"):
        validate("reseller_monthly", monthly)
