"""Tests for impact.disclosure: hand-worked tables, markers and dtypes, and an attacker who solves the margins."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from impact import config
from impact.publish import disclosure
from impact.publish.disclosure import (
    MARK_DOMINANCE,
    MARK_PRIMARY,
    MARK_SECONDARY,
    TOTAL_LABEL,
    check_published,
    dominance,
    legend,
)

PROPERTY = settings(max_examples=100, deadline=None, derandomize=True)
ALL = TOTAL_LABEL


def one_way(counts: dict[str, int], *, total: bool = True) -> pd.DataFrame:
    """A one-way table by confederation with a rate and a rupiah sum per row."""
    labels = list(counts)
    n = list(counts.values())
    if total:
        labels.append(ALL)
        n.append(sum(n))
    return pd.DataFrame(
        {
            "confederation": labels,
            "n": np.array(n, dtype="int64"),
            "recovery_rate": [0.5] * len(n),
            "income_sum_idr": np.array(n, dtype="int64") * 1_000_000,
        }
    )


def cross(cells: dict[str, dict[str, int]], *, margins: bool = True) -> pd.DataFrame:
    """A confederation × gender table with row, column and grand totals (``"All"``)."""
    genders = list(next(iter(cells.values())))
    rows = []
    for conf, by_gender in cells.items():
        rows += [(conf, g, by_gender[g]) for g in genders]
        if margins:
            rows.append((conf, ALL, sum(by_gender.values())))
    if margins:
        rows += [(ALL, g, sum(c[g] for c in cells.values())) for g in genders]
        rows.append((ALL, ALL, sum(sum(c.values()) for c in cells.values())))
    frame = pd.DataFrame(rows, columns=["confederation", "gender", "n"])
    return frame.assign(recovery_rate=0.25, median_income_idr=2_500_000.0)


def flag_of(result: disclosure.SuppressedTable, conf: str, gender: str | None = None) -> str:
    table = result.values
    row = table["confederation"].eq(conf)
    if gender is not None:
        row &= table["gender"].eq(gender)
    assert row.sum() == 1
    return result.flags.loc[row, "n"].iloc[0]


VALUES = ["recovery_rate", "income_sum_idr"]
CROSS_VALUES = ["recovery_rate", "median_income_idr"]
GROUPS = ["confederation", "gender"]


def suppress_table(table: pd.DataFrame, **kw) -> disclosure.SuppressedTable:
    """The module's tables name their groupings: ``group``, ``confederation``, ``gender``."""
    kw.setdefault("group_columns", [c for c in ("group", "sex", *GROUPS) if c in table.columns])
    return disclosure.suppress_table(table, **kw)


def apply_audience(table: pd.DataFrame, **kw) -> disclosure.SuppressedTable:
    kw.setdefault("group_columns", [c for c in ("group", "sex", *GROUPS) if c in table.columns])
    return disclosure.apply_audience(table, **kw)


# --- primary and one-way secondary ----------------------------------------------------------


def test_one_way_small_cell_and_next_smallest_hidden():
    table = one_way({"A": 3, "B": 12, "C": 7, "D": 20})
    result = suppress_table(table, count="n", value_columns=VALUES)
    assert result.flags["n"].tolist() == [MARK_PRIMARY, "", MARK_SECONDARY, "", ""]
    for column in ["n", *VALUES]:
        assert result.flags[column].tolist() == result.flags["n"].tolist()
        assert result.values[column].isna().tolist() == [True, False, True, False, False]
    assert result.values["n"].tolist()[3:] == [20, 42]


def test_one_way_two_small_cells_protect_each_other():
    result = suppress_table(one_way({"A": 3, "B": 12, "C": 2}), count="n", value_columns=VALUES)
    assert result.flags["n"].tolist() == [MARK_PRIMARY, "", MARK_PRIMARY, ""]


def test_one_way_tie_for_partner_goes_to_first_in_table_order():
    result = suppress_table(one_way({"A": 9, "B": 3, "C": 9}), count="n", value_columns=VALUES)
    assert result.flags["n"].tolist() == [MARK_SECONDARY, MARK_PRIMARY, "", ""]


def test_one_way_hides_total_when_no_other_category_can_be_hidden():
    # the total also counts 6 people of unknown confederation, not shown as a row
    table = pd.DataFrame(
        {"confederation": ["A", "B", ALL], "n": [3, 0, 9], "recovery_rate": [0.5, np.nan, 0.4]}
    )
    result = suppress_table(table, count="n", value_columns=["recovery_rate"])
    assert result.flags["n"].tolist() == [MARK_PRIMARY, "", MARK_SECONDARY]


def test_one_way_without_total_row_still_gets_a_partner():
    # the overall n is published elsewhere in a report, so it is treated as known
    result = suppress_table(one_way({"A": 3, "B": 9, "C": 7}, total=False), count="n", value_columns=VALUES)
    assert result.flags["n"].tolist() == [MARK_PRIMARY, "", MARK_SECONDARY]


def test_small_total_row_is_itself_suppressed():
    result = suppress_table(one_way({"A": 2, "B": 1}), count="n", value_columns=VALUES)
    assert result.flags["n"].tolist() == [MARK_PRIMARY] * 3


def test_strict_threshold_suppresses_more():
    table = one_way({"A": 7, "B": 12, "C": 30})
    assert suppress_table(table, count="n", value_columns=VALUES).flags["n"].eq("").all()
    strict = suppress_table(table, count="n", value_columns=VALUES, min_cell_size=config.MIN_CELL_SIZE_STRICT)
    assert strict.flags["n"].tolist() == [MARK_PRIMARY, MARK_SECONDARY, "", ""]


def test_zero_count_is_shown_with_missing_statistics():
    table = cross({"A": {"F": 0, "M": 9}, "B": {"F": 8, "M": 6}})
    result = suppress_table(table, count="n", value_columns=CROSS_VALUES, group_columns=GROUPS)
    row = (table["confederation"] == "A") & (table["gender"] == "F")
    assert result.values.loc[row, "n"].tolist() == [0]
    assert result.values.loc[row, CROSS_VALUES].isna().all(axis=None)
    assert result.flags.loc[row].eq("").all(axis=None)
    assert result.display().loc[row, ["n", *CROSS_VALUES]].iloc[0].tolist() == ["0", "", ""]
    assert result.flags["n"].eq("").all()


# --- two-way secondary ----------------------------------------------------------------------


def test_two_way_small_cell_gets_row_and_column_partners():
    cells = {"A": {"F": 3, "M": 8}, "B": {"F": 6, "M": 9}, "C": {"F": 10, "M": 7}}
    result = suppress_table(cross(cells), count="n", value_columns=CROSS_VALUES, group_columns=GROUPS)
    expected = {
        ("A", "F"): MARK_PRIMARY,
        ("A", "M"): MARK_SECONDARY,  # row partner (the only other cell of row A)
        ("B", "F"): MARK_SECONDARY,  # column partner: row B closes the cheapest cycle (6 + 9 < 10 + 7)
        ("B", "M"): MARK_SECONDARY,
    }
    for conf, gender in zip(result.values["confederation"], result.values["gender"], strict=True):
        assert flag_of(result, conf, gender) == expected.get((conf, gender), ""), (conf, gender)
    hidden = result.flags["n"].ne("")
    assert result.flags.loc[hidden, CROSS_VALUES].eq(result.flags.loc[hidden, "n"], axis=0).all(axis=None)
    assert result.values.loc[hidden, ["n", *CROSS_VALUES]].isna().all(axis=None)


def test_two_way_line_with_single_category_hides_its_margin():
    # gender has one category shown; "All" also counts people of unknown gender
    table = pd.DataFrame(
        {
            "confederation": ["A", "A", "B", "B", ALL, ALL],
            "gender": ["F", ALL, "F", ALL, "F", ALL],
            "n": [3, 7, 9, 12, 12, 19],
            "recovery_rate": 0.5,
        }
    )
    result = suppress_table(table, count="n", value_columns=["recovery_rate"])
    assert flag_of(result, "A", "F") == MARK_PRIMARY
    assert flag_of(result, "A", ALL) == MARK_SECONDARY
    assert flag_of(result, "B", "F") == MARK_SECONDARY
    assert flag_of(result, "B", ALL) == MARK_SECONDARY
    assert flag_of(result, ALL, "F") == flag_of(result, ALL, ALL) == ""


def test_two_way_zero_cells_are_never_partners():
    # column M holds a single positive cell, so its margin is hidden instead of the 0
    table = cross({"A": {"F": 3, "M": 6}, "B": {"F": 8, "M": 0}})
    result = suppress_table(table, count="n", value_columns=CROSS_VALUES, group_columns=GROUPS)
    assert flag_of(result, "B", "M") == ""
    assert flag_of(result, "A", "M") == MARK_SECONDARY
    assert flag_of(result, ALL, "M") == MARK_SECONDARY
    assert flag_of(result, ALL, "F") == MARK_SECONDARY
    assert flag_of(result, "A", "F") == MARK_PRIMARY


def test_two_way_without_margins_uses_interior_rectangle():
    table = cross({"A": {"F": 3, "M": 8}, "B": {"F": 6, "M": 9}, "C": {"F": 10, "M": 7}}, margins=False)
    result = suppress_table(table, count="n", value_columns=CROSS_VALUES, group_columns=GROUPS)
    assert result.flags["n"].tolist() == [
        MARK_PRIMARY,
        MARK_SECONDARY,
        MARK_SECONDARY,
        MARK_SECONDARY,
        "",
        "",
    ]


def test_custom_total_labels():
    table = pd.DataFrame({"sex": ["female", "male", "Total"], "n": [3, 12, 15], "rate": [0.1, 0.2, 0.3]})
    result = suppress_table(table, count="n", value_columns=["rate"], totals={"sex": "Total"})
    assert result.flags["n"].tolist() == [MARK_PRIMARY, MARK_SECONDARY, ""]


# --- values, flags, display -----------------------------------------------------------------


def test_values_stay_numeric_and_flags_are_strings():
    table = one_way({"A": 3, "B": 12, "C": 7, "D": 20})
    result = suppress_table(table, count="n", value_columns=VALUES)
    assert result.values["n"].dtype == pd.Int64Dtype()
    assert result.values["recovery_rate"].dtype == pd.Float64Dtype()
    assert result.values["income_sum_idr"].dtype == pd.Int64Dtype()
    assert result.values["confederation"].tolist() == table["confederation"].tolist()
    assert (result.flags.dtypes == pd.StringDtype()).all()
    assert result.flags.shape == result.values.shape == table.shape
    assert list(result.flags.columns) == list(table.columns)
    assert result.flags["confederation"].eq("").all()


def test_display_shows_markers_in_place_of_hidden_numbers():
    table = one_way({"A": 3, "B": 12, "C": 7, "D": 20})
    shown = suppress_table(table, count="n", value_columns=VALUES).display(decimals=1)
    expected = pd.DataFrame(
        {
            "confederation": ["A", "B", "C", "D", ALL],
            "n": ["s", "12", "c", "20", "42"],
            "recovery_rate": ["s", "0.5", "c", "0.5", "0.5"],
            "income_sum_idr": ["s", "12000000", "c", "20000000", "42000000"],
        },
        dtype="string",
    )
    pd.testing.assert_frame_equal(shown, expected)


def test_input_is_not_mutated():
    table = cross({"A": {"F": 3, "M": 8}, "B": {"F": 6, "M": 9}})
    before = table.copy()
    suppress_table(table, count="n", value_columns=CROSS_VALUES, group_columns=GROUPS)
    apply_audience(table, audience="internal", count="n", value_columns=CROSS_VALUES, group_columns=GROUPS)
    pd.testing.assert_frame_equal(table, before)


def test_index_is_kept():
    table = one_way({"A": 3, "B": 12, "C": 7}).set_axis(["w", "x", "y", "z"])
    result = suppress_table(table, count="n", value_columns=VALUES)
    assert list(result.values.index) == list(result.flags.index) == ["w", "x", "y", "z"]


def test_legend_in_plain_language():
    notes = legend(config.MIN_CELL_SIZE_STRICT)
    assert list(notes.columns) == ["marker", "meaning"]
    assert notes["marker"].tolist() == [MARK_PRIMARY, MARK_SECONDARY, MARK_DOMINANCE]
    assert notes["meaning"].iloc[0] == "fewer than 10 people: hidden to protect privacy"
    assert "s!" in legend(5, audience="internal")["marker"].iloc[-1]


# --- dominance ------------------------------------------------------------------------------


def contributions() -> pd.DataFrame:
    rows = (
        [("A", v) for v in [100, 5, 5, 5]]  # top two hold 105 / 115 = 91 %
        + [("B", v) for v in [10, 10, 10, 10, 10]]  # 40 %
        + [("C", v) for v in [3, 4]]  # two contributors hold everything
        + [("D", v) for v in [0, 0, 0]]  # nothing to reveal
        + [("E", v) for v in [50, 30, 10, 10, np.nan]]  # 80 %; the missing value is not a contribution
    )
    return pd.DataFrame(rows, columns=["confederation", "income_idr"])


def test_dominance_rule_by_hand():
    flags = dominance(contributions(), group_columns=["confederation"], value="income_idr", margins=False)
    expected = pd.Series(
        [True, False, True, False, False],
        index=pd.Index(["A", "B", "C", "D", "E"], name="confederation"),
        name="dominated",
    )
    pd.testing.assert_series_equal(flags, expected, check_index_type=False)
    looser = dominance(contributions(), group_columns=["confederation"], value="income_idr", k=0.75)
    assert looser["E"]
    assert not dominance(contributions(), group_columns=["confederation"], value="income_idr", n=1)["A"]


def test_dominance_judges_the_margins_too():
    flags = dominance(contributions(), group_columns=["confederation"], value="income_idr")
    assert flags.index.tolist() == ["A", "B", "C", "D", "E", ALL]
    assert not flags[ALL]  # 150 of 272
    one_giant = pd.DataFrame({"g": ["a", "a", "b", "b", "b"], "x": [1000, 5, 5, 5, 5]})
    both = dominance(one_giant, group_columns=["g"], value="x", totals={"g": "Total"})
    assert both.to_dict() == {"a": True, "b": False, "Total": True}


def test_dominated_cell_and_its_margins_are_protected_together():
    people = pd.DataFrame(
        {
            "confederation": ["A"] * 12 + ["B"] * 12,
            "gender": (["F"] * 6 + ["M"] * 6) * 2,
            "income_idr": [90_000_000] + [1_000_000] * 23,
        }
    )
    cells = people.groupby(["confederation", "gender"]).size().unstack().to_dict(orient="index")
    table = cross(cells).assign(
        income_sum_idr=lambda t: (
            t["n"] * 1_000_000
            + np.where(t["confederation"].isin(["A", ALL]) & t["gender"].isin(["F", ALL]), 89_000_000, 0)
        )
    )
    flags = dominance(people, group_columns=["confederation", "gender"], value="income_idr")
    result = suppress_table(
        table,
        count="n",
        value_columns=[*CROSS_VALUES, "income_sum_idr"],
        dominance_flags=flags,
        dominance_columns=["income_sum_idr"],
    )
    shown = result.flags["income_sum_idr"].set_axis(
        pd.MultiIndex.from_frame(table[["confederation", "gender"]])
    )
    assert shown["A", "F"] == shown["A", ALL] == MARK_DOMINANCE  # 90 of 95 and of 101 million
    assert shown[ALL, "F"] == MARK_DOMINANCE  # 90 of 101 million; the grand total (91 of 113) is not
    assert shown[ALL, ALL] == ""
    hidden = shown.ne("").unstack()
    assert not hidden.sum(axis=0).eq(1).any()
    assert not hidden.sum(axis=1).eq(1).any()
    assert result.flags["n"].eq("").all()


def test_dominance_rejects_negative_amounts():
    frame = pd.DataFrame({"g": ["a", "a"], "x": [5, -1]})
    with pytest.raises(ValueError, match="negative"):
        dominance(frame, group_columns=["g"], value="x")


def test_dominated_sum_is_hidden_with_a_partner():
    table = one_way({"A": 7, "B": 12, "C": 6, "D": 30})
    flags = pd.Series([True, False, False, False], index=pd.Index(["A", "B", "C", "D"], name="confederation"))
    result = suppress_table(
        table, count="n", value_columns=VALUES, dominance_flags=flags, dominance_columns=["income_sum_idr"]
    )
    assert result.flags["income_sum_idr"].tolist() == [MARK_DOMINANCE, "", MARK_SECONDARY, "", ""]
    assert result.values["income_sum_idr"].isna().tolist() == [True, False, True, False, False]
    assert result.flags["n"].eq("").all()
    assert result.flags["recovery_rate"].eq("").all()
    assert result.values["n"].notna().all()


def test_dominance_needs_the_sum_columns_named():
    table = one_way({"A": 7, "B": 12})
    flags = pd.Series([True, False], index=pd.Index(["A", "B"], name="confederation"))
    with pytest.raises(ValueError, match="dominance_columns"):
        suppress_table(table, count="n", value_columns=VALUES, dominance_flags=flags)


# --- audiences and the publication check ----------------------------------------------------


def test_internal_audience_hides_nothing_but_marks_what_public_would_hide():
    table = one_way({"A": 3, "B": 12, "C": 7})
    internal = apply_audience(table, audience="internal", count="n", value_columns=VALUES)
    assert internal.values["n"].tolist() == [3, 12, 7, 22]
    assert internal.flags["n"].tolist() == ["s!", "", "c!", ""]
    assert internal.note == disclosure.INTERNAL_NOTE
    assert internal.note.startswith("INTERNAL — not for publication")
    assert internal.display()["n"].tolist() == ["3 s!", "12", "7 c!", "22"]


def test_public_audience_is_suppress_table():
    table = one_way({"A": 3, "B": 12, "C": 7})
    public = apply_audience(table, audience="public", count="n", value_columns=VALUES)
    direct = suppress_table(table, count="n", value_columns=VALUES)
    pd.testing.assert_frame_equal(public.values, direct.values)
    pd.testing.assert_frame_equal(public.flags, direct.flags)
    assert public.note == ""


def test_unknown_audience_is_refused():
    with pytest.raises(ValueError, match="'press'"):
        apply_audience(one_way({"A": 9}), audience="press", count="n", value_columns=VALUES)


def test_check_published_finds_visible_small_counts():
    table = one_way({"A": 3, "B": 12, "C": 0})
    problems = check_published(table, count="n", min_cell_size=5)
    assert len(problems) == 1
    assert "n = 3" in problems[0]
    result = suppress_table(table, count="n", value_columns=VALUES)
    assert check_published(result.values, count="n", min_cell_size=5) == []
    assert check_published(result.display(), count="n", min_cell_size=5) == []
    internal = apply_audience(table, audience="internal", count="n", value_columns=VALUES)
    assert len(check_published(internal.display(), count="n", min_cell_size=5)) == 1


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.assign(n=[3.0, np.nan, 7.0, 10.0]), "missing"),
        (lambda t: t.assign(n=[3.5, 1.0, 7.0, 11.5]), "whole numbers"),
        (lambda t: t.assign(n=[-3, 1, 7, 5]), "whole numbers"),
        (lambda t: t.assign(n=["3", "1", "7", "11"]), "numeric"),
        (lambda t: pd.concat([t, t.iloc[[0]]]), "more than once"),
        (lambda t: t.drop(columns="recovery_rate"), "not in the table"),
    ],
)
def test_bad_tables_are_refused_with_the_reason(change, message):
    table = change(one_way({"A": 3, "B": 1, "C": 7}))
    with pytest.raises(ValueError, match=message):
        suppress_table(table, count="n", value_columns=VALUES)


def test_three_way_tables_are_refused():
    table = cross({"A": {"F": 3, "M": 8}}).assign(wave="baseline")
    with pytest.raises(ValueError, match="one- and two-way"):
        suppress_table(table, count="n", value_columns=CROSS_VALUES, group_columns=[*GROUPS, "wave"])
    with pytest.raises(ValueError, match="could each be a grouping or a label"):
        disclosure.suppress_table(table, count="n", value_columns=CROSS_VALUES)


def test_a_text_column_is_never_guessed_to_be_a_grouping():
    # bug fixed: with a caveat column and no group_columns, every row was its own "group": only
    # the small cell was hidden, and its n was the total minus the others (32 − 28)
    table = one_way({"A": 4, "B": 28}).assign(caveat=["small group", "", ""])
    with pytest.raises(ValueError, match="pass group_columns"):
        disclosure.apply_audience(table, audience="public", count="n", value_columns=VALUES)
    safe = disclosure.apply_audience(
        table, audience="public", count="n", value_columns=VALUES, group_columns=["confederation"]
    )
    assert safe.flags["n"].tolist() == ["s", "c", ""]


def test_check_published_finds_a_lone_hidden_count():
    shown = pd.DataFrame({"n": ["s", "28", "32"]}, index=["A", "B", "All"])
    assert any("only hidden" in p for p in check_published(shown, count="n"))
    both = pd.DataFrame({"n": ["s", "c", "32"]}, index=["A", "B", "All"])
    assert check_published(both, count="n") == []


# --- the attacker: solve the published margins ------------------------------------------------


class TooSlow(Exception):
    """The brute-force search exceeded its budget."""


def completion_exists(n_unknowns: int, constraints: list[tuple[list[int], int]], budget: int) -> bool:
    """Is there a non-negative integer assignment of the unknowns meeting every sum exactly?

    Depth-first over the unknowns in order; an unknown is bounded by what its sums have
    left, and forced when it is the last unknown of a sum.
    """
    member_of: list[list[int]] = [[] for _ in range(n_unknowns)]
    closes: list[list[int]] = [[] for _ in range(n_unknowns)]
    for index, (members, rhs) in enumerate(constraints):
        if not members:
            if rhs != 0:
                return False
            continue
        if rhs < 0:
            return False
        for m in members:
            member_of[m].append(index)
        closes[max(members)].append(index)
    left = [rhs for _, rhs in constraints]
    nodes = 0

    def search(u: int) -> bool:
        nonlocal nodes
        if u == n_unknowns:
            return True
        nodes += 1
        if nodes > budget:
            raise TooSlow
        high = min((left[c] for c in member_of[u]), default=0)  # an unconstrained unknown: 0 will do
        low = 0
        for c in closes[u]:
            low, high = max(low, left[c]), min(high, left[c])
        for value in range(low, high + 1):
            for c in member_of[u]:
                left[c] -= value
            found = search(u + 1)
            for c in member_of[u]:
                left[c] += value
            if found:
                return True
        return False

    return search(0)


def published_system(
    grid: np.ndarray, hidden: np.ndarray, line: list[tuple[int, int]]
) -> tuple[int, list[tuple[list[int], int]], list[int], int]:
    """What an attacker knows: unknowns, equations, and ``line`` as (unknown members, visible part).

    ``grid`` is the full table with margins in the last row and column; the unknowns are the
    hidden interior cells, every visible margin is an equation over them.
    """
    n_rows, n_cols = grid.shape[0] - 1, grid.shape[1] - 1
    unknowns = [(i, j) for i in range(n_rows) for j in range(n_cols) if hidden[i, j]]
    index = {cell: k for k, cell in enumerate(unknowns)}

    def equation(cells: list[tuple[int, int]], total: int) -> tuple[list[int], int]:
        members = [index[c] for c in cells if c in index]
        return members, total - sum(int(grid[c]) for c in cells if c not in index)

    equations = []
    for i in range(n_rows):
        if not hidden[i, n_cols]:
            equations.append(equation([(i, j) for j in range(n_cols)], int(grid[i, n_cols])))
    for j in range(n_cols):
        if not hidden[n_rows, j]:
            equations.append(equation([(i, j) for i in range(n_rows)], int(grid[n_rows, j])))
    if not hidden[n_rows, n_cols]:
        everything = [(i, j) for i in range(n_rows) for j in range(n_cols)]
        equations.append(equation(everything, int(grid[n_rows, n_cols])))
    target, minus_visible = equation(line, 0)
    return len(unknowns), equations, target, -minus_visible


def feasible_values(
    grid: np.ndarray, hidden: np.ndarray, line: list[tuple[int, int]], *, budget: int = 20_000
) -> set[int] | None:
    """Values (the first two found) that the sum of ``line`` can take; None if unbounded."""
    n_unknowns, equations, target, visible = published_system(grid, hidden, line)
    bounds = []
    for member in target:
        limits = [rhs for members, rhs in equations if member in members]
        if not limits:
            return None
        bounds.append(min(limits))
    found: set[int] = set()
    for value in range(visible, visible + sum(bounds) + 1):
        if completion_exists(n_unknowns, [*equations, (target, value - visible)], budget):
            found.add(value)
            if len(found) == 2:
                break
    return found


def is_feasible(grid: np.ndarray, hidden: np.ndarray, line: list[tuple[int, int]], value: int) -> bool:
    n_unknowns, equations, target, visible = published_system(grid, hidden, line)
    return completion_exists(n_unknowns, [*equations, (target, value - visible)], 20_000)


def interior_of(cell: tuple[int, int], shape: tuple[int, int]) -> list[tuple[int, int]]:
    """The interior cells whose sum is ``cell`` (itself if interior; its line if a margin)."""
    n_rows, n_cols = shape[0] - 1, shape[1] - 1
    i, j = cell
    rows = range(n_rows) if i == n_rows else [i]
    cols = range(n_cols) if j == n_cols else [j]
    return [(r, c) for r in rows for c in cols]


@st.composite
def cross_tables(draw: st.DrawFn) -> tuple[np.ndarray, int, list[int]]:
    n_rows = draw(st.integers(2, 5))
    n_cols = draw(st.integers(2, 3))
    counts = draw(st.lists(st.integers(0, 12), min_size=n_rows * n_cols, max_size=n_rows * n_cols))
    interior = np.array(counts, dtype=np.int64).reshape(n_rows, n_cols)
    grid = np.zeros((n_rows + 1, n_cols + 1), dtype=np.int64)
    grid[:n_rows, :n_cols] = interior
    grid[:n_rows, n_cols] = interior.sum(axis=1)
    grid[n_rows, :n_cols] = interior.sum(axis=0)
    grid[n_rows, n_cols] = interior.sum()
    min_cell_size = draw(st.sampled_from([config.MIN_CELL_SIZE, config.MIN_CELL_SIZE_STRICT]))
    order = draw(st.permutations(range(grid.size)))
    return grid, min_cell_size, order


def grid_frame(grid: np.ndarray, order: list[int]) -> pd.DataFrame:
    n_rows, n_cols = grid.shape[0] - 1, grid.shape[1] - 1
    confs = [f"conf{i}" for i in range(n_rows)] + [ALL]
    genders = [f"gender{j}" for j in range(n_cols)] + [ALL]
    cells = [(i, j) for i in range(n_rows + 1) for j in range(n_cols + 1)]
    cells = [cells[k] for k in order]
    n = np.array([grid[c] for c in cells], dtype=np.int64)
    return pd.DataFrame(
        {
            "confederation": [confs[i] for i, _ in cells],
            "gender": [genders[j] for _, j in cells],
            "n": n,
            "recovery_rate": 0.5,
            "income_sum_idr": n * 1_000_000,
        }
    )


def hidden_grid(result: disclosure.SuppressedTable, shape: tuple[int, int], order: list[int]) -> np.ndarray:
    cells = [(i, j) for i in range(shape[0]) for j in range(shape[1])]
    hidden = np.zeros(shape, dtype=bool)
    for position, k in enumerate(order):
        hidden[cells[k]] = bool(pd.isna(result.values["n"].iloc[position]))
    return hidden


@PROPERTY
@given(cross_tables())
def test_no_suppressed_cell_can_be_recovered_from_the_margins(drawn):
    grid, min_cell_size, order = drawn
    table = grid_frame(grid, order)
    result = suppress_table(
        table, count="n", value_columns=["recovery_rate", "income_sum_idr"], min_cell_size=min_cell_size
    )
    hidden = hidden_grid(result, grid.shape, order)
    small = (grid >= 1) & (grid < min_cell_size)
    assert (hidden[small]).all(), "every count from 1 to min - 1 is hidden"
    assert not hidden[grid == 0].any(), "zeros stay visible"

    # by subtraction: no row or column (margins included) holds exactly one hidden cell
    assert not (hidden.sum(axis=1) == 1).any()
    assert not (hidden.sum(axis=0) == 1).any()

    # by solving everything published at once: each small hidden count keeps two possible values
    try:
        for cell in map(tuple, np.argwhere(hidden & small)):
            line = interior_of(cell, grid.shape)
            assert is_feasible(grid, hidden, line, int(grid[cell])), "the attacker must allow the truth"
            values = feasible_values(grid, hidden, line)
            if values is not None:
                assert len(values) >= 2, f"cell {cell} = {grid[cell]} is pinned down to {values}"
    except TooSlow:
        assume(False)


def test_the_attacker_pins_an_unprotected_cell():
    """The brute force itself works: hiding one cell alone is caught."""
    grid = np.array([[3, 8, 11], [6, 9, 15], [9, 17, 26]])
    hidden = np.zeros_like(grid, dtype=bool)
    hidden[0, 0] = True
    assert feasible_values(grid, hidden, [(0, 0)]) == {3}
    hidden[[0, 1, 1], [1, 0, 1]] = True  # a 2 × 2 rectangle
    assert feasible_values(grid, hidden, [(0, 0)]) == {0, 1}


# --- properties -------------------------------------------------------------------------------


@st.composite
def one_way_tables(draw: st.DrawFn) -> tuple[pd.DataFrame, int]:
    k = draw(st.integers(1, 6))
    counts = draw(st.lists(st.integers(0, 15), min_size=k, max_size=k))
    table = one_way({f"c{i}": n for i, n in enumerate(counts)}, total=draw(st.booleans()))
    missing = draw(st.lists(st.booleans(), min_size=len(table), max_size=len(table)))
    table = table.assign(recovery_rate=table["recovery_rate"].mask(missing))
    return table, draw(st.sampled_from([config.MIN_CELL_SIZE, config.MIN_CELL_SIZE_STRICT]))


@PROPERTY
@given(st.one_of(one_way_tables(), cross_tables().map(lambda d: (grid_frame(d[0], d[2]), d[1]))))
def test_suppression_only_hides(drawn):
    table, min_cell_size = drawn
    before = table.copy()
    result = suppress_table(table, count="n", value_columns=VALUES, min_cell_size=min_cell_size)
    pd.testing.assert_frame_equal(table, before)
    assert result.values.shape == result.flags.shape == result.display().shape == table.shape
    assert list(result.values.columns) == list(table.columns)
    for column in ["n", *VALUES]:
        out = result.values[column]
        original = table[column].astype("Float64")
        assert not (original.isna() & out.notna()).any(), "a missing cell was un-hidden"
        visible = out.notna().to_numpy()
        assert (out[visible].astype("Float64") == original[visible]).all(), "a visible value changed"
        flagged = result.flags[column].ne("").to_numpy()
        assert out[flagged].isna().all()
    empty = table["n"].eq(0).to_numpy()
    assert result.values.loc[empty, VALUES].isna().all(axis=None)
    assert check_published(result.values, count="n", min_cell_size=min_cell_size) == []
    assert check_published(result.display(), count="n", min_cell_size=min_cell_size) == []


@PROPERTY
@given(one_way_tables())
def test_one_way_never_leaves_a_single_hidden_cell_beside_a_known_total(drawn):
    table, min_cell_size = drawn
    result = suppress_table(table, count="n", value_columns=VALUES, min_cell_size=min_cell_size)
    hidden = result.values["n"].isna()
    if hidden.sum() == 1:
        # only acceptable when nothing else positive could be hidden
        others = table.loc[~hidden & table["confederation"].ne(ALL), "n"]
        total_in_table = table["confederation"].eq(ALL).any()
        assert others.eq(0).all()
        assert not total_in_table


def test_cell_bridging_two_protected_blocks_is_not_pinned():
    """Every line holds two hidden cells, yet the 2 in row 2 is pinned if it is only a bridge
    between two separately protected blocks (the literal "partner per line" rule does this)."""
    grid = np.array(
        [[4, 0, 0, 4], [0, 1, 11, 12], [2, 6, 1, 9], [4, 0, 0, 4], [10, 7, 12, 29]],
        dtype=np.int64,
    )
    line_rule = np.zeros(grid.shape, dtype=bool)
    line_rule[[0, 0, 1, 1, 2, 2, 2, 3, 3], [0, 3, 1, 2, 0, 1, 2, 0, 3]] = True
    assert feasible_values(grid, line_rule, [(2, 0)]) == {2}

    order = list(range(grid.size))
    result = suppress_table(grid_frame(grid, order), count="n", value_columns=VALUES)
    hidden = hidden_grid(result, grid.shape, order)
    small = (grid >= 1) & (grid < config.MIN_CELL_SIZE)
    for cell in map(tuple, np.argwhere(small)):
        assert len(feasible_values(grid, hidden, interior_of(cell, grid.shape))) >= 2, cell


def test_unlisted_numeric_column_is_refused():
    table = one_way({"A": 3, "B": 12}).assign(n_recovered=[1, 6, 7])
    with pytest.raises(ValueError, match="n_recovered"):
        suppress_table(table, count="n", value_columns=VALUES, group_columns=["confederation"])
    labelled = one_way({"A": 3, "B": 12}).assign(note="x")
    result = suppress_table(labelled, count="n", value_columns=VALUES, group_columns=["confederation"])
    assert result.values["note"].tolist() == ["x"] * 3


# --- rule 5: none or all of a hidden group -------------------------------------------------------------


def _attribute_cells(recovered, with_data, hidden):
    from impact.publish.release import TOTAL, Cells

    index = ["a", "b", "c", TOTAL]
    values = pd.DataFrame(
        {"n": [*with_data, sum(with_data)], "n_recovered": [*recovered, sum(recovered)]}, index=index
    ).astype("Float64")
    values["share_recovered"] = values["n_recovered"] / values["n"]
    reasons = pd.DataFrame("", index=index, columns=values.columns, dtype=object)
    for g in hidden:
        reasons.loc[g] = "s"
    return Cells(values, reasons, "n")


def test_protect_attribute_hides_one_more_group_when_the_hidden_have_none():
    from impact.publish.release import protect_attribute

    # a (3 people, hidden) recovered none; b recovered 2 of 6, c none of 9: the total has 2
    cells = protect_attribute(
        _attribute_cells([0, 2, 0], [3, 6, 9], ["a"]), "n_recovered", "n", dependents=("share_recovered",)
    )
    assert cells.reasons["n_recovered"].tolist() == ["s", "c", "", ""]  # b has a mix: hidden too
    assert cells.reasons.loc["b", "share_recovered"] == "c"


def test_protect_attribute_hides_one_more_group_when_the_hidden_all_have_it():
    from impact.publish.release import protect_attribute

    cells = protect_attribute(_attribute_cells([3, 6, 2], [3, 6, 9], ["a"]), "n_recovered", "n")
    assert cells.reasons["n_recovered"].tolist() == ["s", "", "c", ""]  # c: 2 of 9, a mix


def test_protect_attribute_leaves_what_is_true_of_everyone_and_mixed_hidden_groups():
    from impact.publish.release import protect_attribute

    nobody = _attribute_cells([0, 0, 0], [3, 6, 9], ["a"])  # nobody recovered: said of everyone
    assert protect_attribute(nobody, "n_recovered", "n").reasons["n_recovered"].tolist() == ["s", "", "", ""]
    mixed = _attribute_cells([1, 0, 0], [3, 6, 9], ["a"])
    assert protect_attribute(mixed, "n_recovered", "n").reasons["n_recovered"].tolist() == ["s", "", "", ""]


def test_protect_line_forces_a_small_group_of_another_breakdown_with_its_complement():
    from impact.publish.release import TOTAL, Rules, protect_line

    frame = pd.DataFrame({"n": [11.0, 17.0, 0.0, 28.0]}, index=["female", "male", "unknown", TOTAL])
    plain = protect_line(frame, count="n", stats=[], rules=Rules(5, 10, "public"))
    assert plain.reasons["n"].tolist() == ["", "", "", ""]
    forced = protect_line(frame, count="n", stats=[], rules=Rules(5, 10, "public"), forced=["unknown"])
    assert forced.reasons["n"].tolist() == ["c", "", "s", ""]
