"""Tests for impact.clean.audit: quarantine entries, the Ledger, lineage counts and the reconciliation."""

from __future__ import annotations

import pandas as pd
import pytest

from impact.clean.audit import (
    MASK,
    Ledger,
    build_audit,
    check_reconciled,
    lineage_counts,
    quarantine_entries,
)
from impact.contract import empty_quarantine
from impact.errors import AccountingError


def rows(files: list[str], source_rows: list[int], **columns: list) -> pd.DataFrame:
    """A frame of raw rows: ``source_file``, ``source_row`` and any text columns."""
    return pd.DataFrame({"source_file": files, "source_row": source_rows, **columns})


def quarantine(entries: list[tuple]) -> pd.DataFrame:
    """An expected quarantine table from (file, row, column, value, reason, scope) tuples."""
    names = ["source_file", "source_row", "column", "value", "reason", "scope"]
    dtypes = empty_quarantine().dtypes
    return pd.DataFrame(
        {name: pd.array([e[i] for e in entries], dtype=dtypes[name]) for i, name in enumerate(names)}
    )


# --- quarantine_entries ---------------------------------------------------------------------------


def test_quarantine_entries_keep_file_row_column_raw_value_reason_and_scope() -> None:
    frame = rows(["a.csv", "a.csv", "b.csv"], [2, 3, 2], wave=["m3", "x", "y"])
    mask = pd.Series([False, True, True])

    got = quarantine_entries(
        frame, mask, column="wave", raw=frame["wave"], reason="unknown wave", scope="row"
    )

    expected = quarantine(
        [
            ("a.csv", 3, "wave", "x", "unknown wave", "row"),
            ("b.csv", 2, "wave", "y", "unknown wave", "row"),
        ]
    )
    pd.testing.assert_frame_equal(got, expected)


def test_quarantine_entries_mask_personal_data_columns() -> None:
    frame = rows(["a.csv", "a.csv"], [2, 3], **{"respondent/phone": ["0812 3456 789", "6.28E+11"]})

    got = quarantine_entries(
        frame,
        pd.Series([True, True]),
        column="respondent/phone",
        raw=frame["respondent/phone"],
        reason="not a phone number",
        scope="cell",
    )

    assert got["value"].tolist() == [MASK, MASK] == ["[masked]", "[masked]"]
    assert "0812" not in got.to_csv()


def test_quarantine_entries_take_a_reason_per_row_from_a_series() -> None:
    frame = rows(["a.csv", "a.csv", "a.csv"], [2, 3, 4], wave=["p", "q", "r"])
    reasons = pd.Series(["first", "second", "third"])

    got = quarantine_entries(
        frame, pd.Series([True, False, True]), column="wave", raw=frame["wave"], reason=reasons, scope="cell"
    )

    assert got["reason"].tolist() == ["first", "third"]


def test_quarantine_entries_treat_a_missing_mask_as_false() -> None:
    frame = rows(["a.csv", "a.csv"], [2, 3], wave=["p", "q"])
    mask = pd.Series([pd.NA, True], dtype="boolean")

    got = quarantine_entries(frame, mask, column="wave", raw=frame["wave"], reason="r", scope="cell")

    assert got["source_row"].tolist() == [3]


def test_quarantine_entries_of_no_rows_are_the_empty_quarantine() -> None:
    frame = rows(["a.csv"], [2], wave=["p"])

    got = quarantine_entries(
        frame, pd.Series([False]), column="wave", raw=frame["wave"], reason="r", scope="row"
    )

    pd.testing.assert_frame_equal(got, empty_quarantine())


# --- Ledger ---------------------------------------------------------------------------------------


def test_ledger_count_adds_up_per_file_and_rule_across_calls() -> None:
    files = pd.Series(["a.csv", "a.csv", "b.csv", "b.csv"])
    ledger = Ledger()

    ledger.count(files, pd.Series([True, True, False, True]), "rule_x")
    ledger.count(files, pd.Series([True, False, False, False]), "rule_x")
    ledger.count(files, pd.Series([False, False, True, pd.NA], dtype="boolean"), "rule_y")

    assert ledger.corrections == {("a.csv", "rule_x"): 3, ("b.csv", "rule_x"): 1, ("b.csv", "rule_y"): 1}


def test_ledger_count_records_nothing_when_no_row_matches() -> None:
    ledger = Ledger()

    ledger.count(pd.Series(["a.csv"]), pd.Series([False]), "rule_x")

    assert ledger.corrections == {}


def test_ledger_set_aside_records_whole_rows_and_cells_records_cells() -> None:
    frame = rows(["a.csv", "a.csv"], [2, 3], participant_code=["", "SKB23-001"], wave=["m3", "m9"])
    ledger = Ledger()

    ledger.set_aside(
        frame,
        pd.Series([True, False]),
        column="participant_code",
        raw=frame["participant_code"],
        reason="no participant code",
    )
    ledger.cells(frame, pd.Series([False, True]), column="wave", raw=frame["wave"], reason="unknown wave")

    expected = quarantine(
        [
            ("a.csv", 2, "participant_code", "", "no participant code", "row"),
            ("a.csv", 3, "wave", "m9", "unknown wave", "cell"),
        ]
    )
    pd.testing.assert_frame_equal(ledger.quarantine_table(), expected)


def test_ledger_duplicate_records_file_and_row_of_the_dropped_rows() -> None:
    frame = rows(["a.csv", "a.csv", "b.csv"], [2, 3, 2], participant_code=["X", "X", "Y"])
    ledger = Ledger()

    ledger.duplicate(frame, pd.Series([True, False, False]))
    ledger.duplicate(frame, pd.Series([False, False, False]))

    assert len(ledger.duplicates) == 1
    pd.testing.assert_frame_equal(
        ledger.duplicates[0], pd.DataFrame({"source_file": ["a.csv"], "source_row": [2]})
    )


def test_empty_ledger_has_the_empty_quarantine_and_no_records() -> None:
    ledger = Ledger()

    pd.testing.assert_frame_equal(ledger.quarantine_table(), empty_quarantine())
    pd.testing.assert_frame_equal(ledger.records(), empty_quarantine())


def _filled_ledger() -> Ledger:
    frame = rows(["a.csv", "a.csv", "a.csv", "b.csv"], [2, 3, 4, 2], wave=["x", "m3", "m3", "m99"])
    ledger = Ledger()
    ledger.set_aside(
        frame, pd.Series([True, False, False, False]), column="wave", raw=frame["wave"], reason="r"
    )
    ledger.cells(frame, pd.Series([False, False, False, True]), column="wave", raw=frame["wave"], reason="c")
    ledger.duplicate(frame, pd.Series([False, True, False, False]))
    ledger.count(frame["source_file"], pd.Series([True, True, False, True]), "rule")
    return ledger


def test_ledger_records_hold_quarantine_entries_then_duplicates() -> None:
    got = _filled_ledger().records()

    expected = quarantine(
        [
            ("a.csv", 2, "wave", "x", "r", "row"),
            ("b.csv", 2, "wave", "m99", "c", "cell"),
            ("a.csv", 3, pd.NA, pd.NA, pd.NA, "duplicate"),
        ]
    )
    pd.testing.assert_frame_equal(got, expected)


def test_ledger_records_absorbed_into_a_new_ledger_give_the_same_audit() -> None:
    original = _filled_ledger()
    copy = Ledger()

    copy.absorb(original.records(), original.corrections)

    pd.testing.assert_frame_equal(copy.quarantine_table(), original.quarantine_table())
    pd.testing.assert_frame_equal(copy.records(), original.records())
    assert copy.corrections == original.corrections
    read, clean = {"a.csv": 3, "b.csv": 1}, {"a.csv": 1, "b.csv": 1}
    assert build_audit(read, copy, clean) == build_audit(read, original, clean)


def test_ledger_absorb_adds_to_what_is_already_there() -> None:
    ledger = _filled_ledger()
    other = _filled_ledger()

    ledger.absorb(other.records(), other.corrections)

    assert ledger.corrections == {("a.csv", "rule"): 4, ("b.csv", "rule"): 2}
    assert len(ledger.quarantine_table()) == 4
    assert sum(len(d) for d in ledger.duplicates) == 2


# --- lineage_counts -------------------------------------------------------------------------------


def test_lineage_counts_count_clean_rows_per_text_source_file() -> None:
    lineage = pd.DataFrame({"source_file": pd.array(["a.csv", "b.csv", "a.csv"], dtype="string")})

    assert lineage_counts(lineage) == {"a.csv": 2, "b.csv": 1}


def test_lineage_counts_count_categorical_codes_skipping_unused_categories_and_missing() -> None:
    files = pd.Categorical(["b.csv", "a.csv", None, "b.csv"], categories=["a.csv", "b.csv", "never.csv"])

    assert lineage_counts(pd.DataFrame({"source_file": files})) == {"a.csv": 1, "b.csv": 2}


def test_lineage_counts_of_several_lineages_add_up() -> None:
    text = pd.DataFrame({"source_file": ["a.csv", "b.csv"]})
    categorical = pd.DataFrame({"source_file": pd.Categorical(["b.csv", "c.csv", "c.csv"])})
    empty = pd.DataFrame({"source_file": pd.Series([], dtype="string")})

    assert lineage_counts(text, categorical, empty) == {"a.csv": 1, "b.csv": 2, "c.csv": 2}


def test_lineage_counts_of_nothing_are_empty() -> None:
    assert lineage_counts() == {}


# --- build_audit / check_reconciled ---------------------------------------------------------------


def _ledger_for_audit() -> Ledger:
    """a.csv: rows 2-7 read; row 3 set aside, row 4 a duplicate, one cell of row 5 set missing,
    two corrections; b.csv: two rows read, both clean, one correction."""
    frame = rows(["a.csv"] * 6, [2, 3, 4, 5, 6, 7], wave=["m3", "?", "m3", "m99", "m6", "m6"])
    ledger = Ledger()
    ledger.set_aside(frame, frame["source_row"] == 3, column="wave", raw=frame["wave"], reason="unknown wave")
    ledger.duplicate(frame, frame["source_row"] == 4)
    ledger.cells(frame, frame["source_row"] == 5, column="wave", raw=frame["wave"], reason="odd")
    ledger.count(frame["source_file"], frame["source_row"] >= 6, "wave_normalised")
    ledger.count(pd.Series(["b.csv", "b.csv"]), pd.Series([True, False]), "cohort_from_participant_code")
    return ledger


def test_build_audit_gives_per_file_counts() -> None:
    files = build_audit({"a.csv": 6, "b.csv": 2}, _ledger_for_audit(), {"a.csv": 4, "b.csv": 2})

    assert files == {
        "a.csv": {
            "rows_read": 6,
            "rows_clean": 4,
            "rows_quarantined": 1,
            "rows_duplicate": 1,
            "reconciled": True,
            "cells_set_missing": 1,
            "corrections": {"wave_normalised": 2},
        },
        "b.csv": {
            "rows_read": 2,
            "rows_clean": 2,
            "rows_quarantined": 0,
            "rows_duplicate": 0,
            "reconciled": True,
            "cells_set_missing": 0,
            "corrections": {"cohort_from_participant_code": 1},
        },
    }


def test_build_audit_is_not_reconciled_when_a_row_is_lost() -> None:
    files = build_audit({"a.csv": 6, "b.csv": 2}, _ledger_for_audit(), {"a.csv": 3, "b.csv": 2})

    assert files["a.csv"]["reconciled"] is False
    assert files["b.csv"]["reconciled"] is True


def test_build_audit_is_not_reconciled_when_a_row_is_counted_twice() -> None:
    files = build_audit({"a.csv": 6, "b.csv": 2}, _ledger_for_audit(), {"a.csv": 5, "b.csv": 2})

    assert files["a.csv"]["reconciled"] is False


def test_build_audit_counts_a_row_set_aside_twice_once() -> None:
    frame = rows(["a.csv", "a.csv"], [2, 3], code=["", ""], wave=["?", "m3"])
    ledger = Ledger()
    first_row = pd.Series([True, False])
    ledger.set_aside(frame, first_row, column="code", raw=frame["code"], reason="no code")
    ledger.set_aside(frame, first_row, column="wave", raw=frame["wave"], reason="unknown wave")

    files = build_audit({"a.csv": 2}, ledger, {"a.csv": 1})

    assert files["a.csv"]["rows_quarantined"] == 1
    assert files["a.csv"]["reconciled"] is True


def test_build_audit_counts_a_file_with_no_clean_rows_as_zero_clean() -> None:
    frame = rows(["a.csv"], [2], wave=["?"])
    ledger = Ledger()
    ledger.set_aside(frame, pd.Series([True]), column="wave", raw=frame["wave"], reason="r")

    files = build_audit({"a.csv": 1, "empty.csv": 0}, ledger, {})

    assert files["a.csv"]["rows_clean"] == 0
    assert files["a.csv"]["reconciled"] is True
    assert files["empty.csv"] == {
        "rows_read": 0,
        "rows_clean": 0,
        "rows_quarantined": 0,
        "rows_duplicate": 0,
        "reconciled": True,
        "cells_set_missing": 0,
        "corrections": {},
    }


def test_build_audit_adds_the_extra_notes_of_each_file() -> None:
    files = build_audit({"a.csv": 1}, Ledger(), {"a.csv": 1}, extra={"a.csv": {"encoding": "cp1252"}})

    assert files["a.csv"]["encoding"] == "cp1252"
    assert files["a.csv"]["reconciled"] is True


def test_build_audit_refuses_clean_rows_from_a_file_never_read() -> None:
    with pytest.raises(AccountingError, match=r"clean rows recorded for file\(s\) never read: ghost\.csv"):
        build_audit({"a.csv": 1}, Ledger(), {"a.csv": 1, "ghost.csv": 2})


def test_check_reconciled_accepts_reconciled_files() -> None:
    files = build_audit({"a.csv": 6, "b.csv": 2}, _ledger_for_audit(), {"a.csv": 4, "b.csv": 2})

    check_reconciled(files)  # does not raise


def test_check_reconciled_names_the_file_and_its_four_numbers() -> None:
    files = build_audit({"a.csv": 6, "b.csv": 2}, _ledger_for_audit(), {"a.csv": 4, "b.csv": 1})

    with pytest.raises(AccountingError) as caught:
        check_reconciled(files)

    message = str(caught.value)
    assert message.startswith("rows are not all accounted for")
    assert "b.csv: read 2 ≠ clean 1 + quarantined 0 + duplicate 0" in message
    assert "a.csv" not in message


def test_check_reconciled_formats_large_numbers_with_thousands_separators() -> None:
    files = {
        "big.csv": {
            "rows_read": 1_234_567,
            "rows_clean": 1_234_000,
            "rows_quarantined": 500,
            "rows_duplicate": 60,
            "reconciled": False,
        }
    }

    with pytest.raises(
        AccountingError,
        match=r"big\.csv: read 1,234,567 ≠ clean 1,234,000 \+ quarantined 500 \+ duplicate 60",
    ):
        check_reconciled(files)
