"""Statistical disclosure control for published tables: small cells, their partners, dominated sums.

Every published table of group statistics goes through :func:`suppress_table` (or
:func:`apply_audience`). A table is a DataFrame with grouping columns (possibly with a
total category, ``"All"`` by default), one count column (people) and statistic columns.

Rules, in order:

* **Primary** (marker ``"s"``): a row whose count is 1 … ``min_cell_size - 1`` has its
  count and every statistic hidden. A count of 0 is shown; its statistics are set to
  missing because they are undefined (not flagged).
* **Secondary** (marker ``"c"``): hidden cells must not be recoverable from the totals.
  The table is read as a system of sums — each line (a row or column of the cross-table,
  margins included) adds up to its total — and every primary cell is put on a *cycle*
  of hidden cells: a closed path that turns only at cells in the same line. Then each
  line holds either no hidden cell or at least two, nothing can be recovered by
  subtraction, and every primary cell can move up or down by one without breaking any
  published sum. The cheapest cycle is chosen (fewest people hidden, then fewest cells,
  then table order); zero cells are never used as partners (they add no doubt).
  A margin total absent from the table is treated as published elsewhere and is never
  available as a partner. One-way tables are a single line: if exactly one cell of it
  is hidden, the smallest other positive category is hidden too, else the total.
* **Dominance** (marker ``"d"``): sums dominated by one or two contributors (see
  :func:`dominance`) are hidden in the named columns, with their own partners (``"c"``).

Pure functions; inputs are never mutated.

>>> t = pd.DataFrame({"gender": ["female", "male", "All"], "n": [3, 12, 15], "rate": [0.5, 0.25, 0.3]})
>>> suppress_table(t, count="n", value_columns=["rate"]).display()["n"].tolist()
['s', 'c', '15']
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from impact import config
from impact.publish._suppression import _Layout, _layout, _protect

__all__ = [
    "INTERNAL_NOTE",
    "INTERNAL_NOTE_CLEAN",
    "MARK_DOMINANCE",
    "MARK_INTERNAL",
    "MARK_PRIMARY",
    "MARK_SECONDARY",
    "TOTAL_LABEL",
    "SuppressedTable",
    "apply_audience",
    "check_published",
    "dominance",
    "legend",
    "suppress_table",
]

#: suppressed: fewer than ``min_cell_size`` people
MARK_PRIMARY = "s"
#: suppressed to protect another hidden cell (complementary suppression)
MARK_SECONDARY = "c"
#: suppressed: the sum is dominated by one or two contributors
MARK_DOMINANCE = "d"
#: appended to a marker in an internal table: shown here, hidden in the public version
MARK_INTERNAL = "!"
#: default label of the total category of a grouping column
TOTAL_LABEL = "All"
#: note carried by an internal table that shows cells a public one would hide
INTERNAL_NOTE = "INTERNAL — not for publication: contains cells below the minimum cell size"
#: note carried by an internal table with nothing to hide
INTERNAL_NOTE_CLEAN = "INTERNAL — not for publication"

Audience = Literal["public", "internal"]


@dataclass(frozen=True, eq=False)
class SuppressedTable:
    """A table ready to render: numbers, their markers and an optional note.

    ``values`` has the input's shape, index and columns; the count column is ``Int64``,
    numeric statistic columns are ``Int64``/``Float64``; hidden cells are ``<NA>``.
    ``flags`` has the same shape, as strings: ``""`` or a marker (``"s"``, ``"c"``,
    ``"d"``; with ``"!"`` appended in an internal table, where nothing is hidden).
    """

    values: pd.DataFrame
    flags: pd.DataFrame
    note: str = ""

    def display(self, *, decimals: int = 2) -> pd.DataFrame:
        """Strings for rendering: a hidden cell shows its marker, a flagged visible cell
        shows ``"value marker"`` (internal tables), a missing statistic shows ``""``.

        Integer columns print without decimals, float columns with ``decimals`` places.
        """
        out = {}
        for position, column in enumerate(self.values.columns):
            text = _format_column(self.values.iloc[:, position], decimals=decimals).to_numpy(dtype=object)
            flag = self.flags.iloc[:, position].to_numpy(dtype=object)
            shown = np.where(
                flag == "", text, np.where(text == "", flag, text + " " + flag.astype(str).astype(object))
            )
            out[column] = pd.array(shown, dtype="string")
        frame = pd.DataFrame(out, index=self.values.index)
        frame.columns = self.values.columns
        return frame


def legend(min_cell_size: int = config.MIN_CELL_SIZE, *, audience: Audience = "public") -> pd.DataFrame:
    """Plain-language meaning of each marker, for the data notes under a table.

    >>> legend(5)["meaning"].iloc[0]
    'fewer than 5 people: hidden to protect privacy'
    """
    _check_min_cell_size(min_cell_size)
    _check_audience(audience)
    rows = [
        (MARK_PRIMARY, f"fewer than {min_cell_size} people: hidden to protect privacy"),
        (
            MARK_SECONDARY,
            "hidden so that a small group hidden elsewhere in the table cannot be worked out from the totals",
        ),
        (MARK_DOMINANCE, "hidden because one or two people account for most of this amount"),
    ]
    if audience == "internal":
        marks = ", ".join(m + MARK_INTERNAL for m in (MARK_PRIMARY, MARK_SECONDARY, MARK_DOMINANCE))
        rows.append((marks, "internal only: shown here, hidden in the public version of this table"))
    return pd.DataFrame(
        {
            "marker": pd.array([r[0] for r in rows], dtype="string"),
            "meaning": pd.array([r[1] for r in rows], dtype="string"),
        }
    )


def dominance(
    contributions: pd.DataFrame,
    *,
    group_columns: Sequence[str],
    value: str,
    n: int = 2,
    k: float = 0.9,
    margins: bool = True,
    totals: Mapping[str, object] | None = None,
) -> pd.Series:
    """True for groups where the ``n`` largest contributors hold more than ``k`` of the group total.

    ``contributions`` has one row per contributor (e.g. one participant's income in rupiah).
    Missing values are not contributions; negative values are an error (the rule is
    defined for non-negative amounts). A group whose total is 0 is not dominated. A group
    with ``n`` or fewer contributors and a positive total is dominated.

    With ``margins`` (the default) the total groups are judged too — every combination of
    grouping columns replaced by their total label (``"All"``, or as given in ``totals``) —
    since one large contributor dominates the margins of its cell as well. The result is
    indexed by the groups (an Index for one column, a MultiIndex for several; groups in
    order of first appearance, totals after), named ``"dominated"``, and is what
    :func:`suppress_table` takes as ``dominance_flags``.

    >>> c = pd.DataFrame({"g": ["a", "a", "a", "b", "b", "b"], "idr": [90, 5, 5, 30, 30, 40]})
    >>> dominance(c, group_columns=["g"], value="idr").to_dict()
    {'a': True, 'b': False, 'All': False}
    """
    groups = [group_columns] if isinstance(group_columns, str) else list(group_columns)
    if not groups:
        raise ValueError("dominance needs at least one grouping column in group_columns")
    _require_columns(contributions, [*groups, value])
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(f"n must be a whole number of contributors >= 1, got {n!r}")
    if not 0 < k <= 1:
        raise ValueError(f"k must be a share in (0, 1], got {k!r}")
    totals = dict(totals or {})
    unknown = [g for g in totals if g not in groups]
    if unknown:
        raise ValueError(f"totals names {unknown}, which are not grouping columns {groups}")
    amounts = contributions[value]
    if pd.api.types.is_bool_dtype(amounts) or not pd.api.types.is_numeric_dtype(amounts):
        raise ValueError(f"value column {value!r} must be numeric, got dtype {amounts.dtype}")
    amount = amounts.astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
    negative = amount < 0
    if negative.any():
        raise ValueError(
            f"{value!r} has negative contributions (e.g. {amount[negative][0]:g} at row "
            f"{contributions.index[negative][0]!r}); the dominance rule needs amounts >= 0"
        )
    cells = contributions[groups].astype(object).reset_index(drop=True)
    layers = [cells]
    if margins:
        for collapse in itertools.product([False, True], repeat=len(groups)):
            if any(collapse):
                labels = {g: totals.get(g, TOTAL_LABEL) for g, c in zip(groups, collapse, strict=True) if c}
                layers.append(cells.assign(**labels) if labels else cells)
    keys_frame = pd.concat(layers, ignore_index=True)
    keys = [keys_frame[g] for g in groups]
    amount_s = pd.Series(np.tile(amount, len(layers)))
    rank = amount_s.groupby(keys, observed=True, dropna=False).rank(method="first", ascending=False)
    total = amount_s.groupby(keys, observed=True, dropna=False, sort=False).sum()
    top = amount_s.where(rank <= n).groupby(keys, observed=True, dropna=False, sort=False).sum()
    dominated = (top > k * total) & (total > 0)
    return dominated.astype(bool).rename("dominated")


def suppress_table(
    table: pd.DataFrame,
    *,
    count: str,
    value_columns: Sequence[str],
    min_cell_size: int = config.MIN_CELL_SIZE,
    group_columns: Sequence[str] | None = None,
    totals: Mapping[str, object] | None = None,
    dominance_flags: pd.Series | None = None,
    dominance_columns: Sequence[str] | None = None,
) -> SuppressedTable:
    """Hide small cells and the cells that would give them away; see the module docstring.

    Parameters
    ----------
    table : one row per group (grouping values in columns, not the index), with margins
        as rows whose grouping value is the total label.
    count : the column of people counted in each row (whole numbers >= 0, none missing).
    value_columns : statistic columns, hidden together with the count of their row.
    min_cell_size : smallest count that may be shown (0 is always shown).
    group_columns : the grouping columns (one or two); default: every column that is
        neither ``count`` nor a value column. With explicit grouping columns, other text
        columns (labels) pass through unchanged; other numeric columns are refused.
    totals : label of the total category per grouping column; default ``"All"`` for each.
        A table without a total row is protected as if its totals were published elsewhere.
    dominance_flags : a boolean Series from :func:`dominance`, indexed by the grouping
        values; rows flagged True have ``dominance_columns`` hidden (``"d"``).
    dominance_columns : the sum columns protected by ``dominance_flags`` (required with
        it). Name means of the same amounts too: mean × n gives the sum.

    >>> t = pd.DataFrame({"g": ["a", "b", "c", "All"], "n": [3, 9, 7, 19], "rate": [0.1, 0.2, 0.3, 0.25]})
    >>> suppress_table(t, count="n", value_columns=["rate"]).flags["n"].tolist()
    ['s', '', 'c', '']
    """
    counts, groups, labels = _prepare(table, count, value_columns, min_cell_size, group_columns, totals)
    layout = _layout(table, groups, labels)
    primary = (counts >= 1) & (counts < min_cell_size)
    hidden = _protect(layout, counts, primary, primary)
    row_flag = np.where(primary, MARK_PRIMARY, np.where(hidden, MARK_SECONDARY, ""))

    cell_flags: dict[str, np.ndarray] = {count: row_flag}
    for column in value_columns:
        cell_flags[column] = row_flag
    if dominance_flags is not None or dominance_columns is not None:
        cell_flags.update(
            _dominance_pass(
                table, counts, row_flag, layout, groups, value_columns, dominance_flags, dominance_columns
            )
        )
    hide = {column: flag != "" for column, flag in cell_flags.items()}
    return SuppressedTable(
        values=_values_frame(table, count, value_columns, counts, hide),
        flags=_flags_frame(table, cell_flags),
    )


def apply_audience(
    table: pd.DataFrame,
    *,
    audience: Audience,
    count: str,
    value_columns: Sequence[str],
    min_cell_size: int = config.MIN_CELL_SIZE,
    group_columns: Sequence[str] | None = None,
    totals: Mapping[str, object] | None = None,
    dominance_flags: pd.Series | None = None,
    dominance_columns: Sequence[str] | None = None,
) -> SuppressedTable:
    """The table as its audience may see it.

    ``"public"``: :func:`suppress_table`. ``"internal"``: nothing hidden (statistics of
    0-count rows are still missing); cells a public table would hide carry their marker
    plus ``"!"`` (``"s!"``, ``"c!"``, ``"d!"``) and ``note`` says the table is not for
    publication.

    >>> t = pd.DataFrame({"g": ["a", "b", "All"], "n": [3, 12, 15], "rate": [0.5, 0.25, 0.3]})
    >>> r = apply_audience(t, audience="internal", count="n", value_columns=["rate"], min_cell_size=5)
    >>> r.flags["n"].tolist(), r.values["n"].tolist()
    (['s!', 'c!', ''], [3, 12, 15])
    """
    _check_audience(audience)
    public = suppress_table(
        table,
        count=count,
        value_columns=value_columns,
        min_cell_size=min_cell_size,
        group_columns=group_columns,
        totals=totals,
        dominance_flags=dominance_flags,
        dominance_columns=dominance_columns,
    )
    if audience == "public":
        return public
    public_flags = public.flags
    flagged = public_flags.ne("")
    flags = public_flags.mask(flagged, public_flags + MARK_INTERNAL)
    values = _values_frame(table, count, value_columns, _counts(table, count), {})
    note = INTERNAL_NOTE if bool(flagged.to_numpy().any()) else INTERNAL_NOTE_CLEAN
    return SuppressedTable(values=values, flags=flags, note=note)


def check_published(
    table: pd.DataFrame, *, count: str, min_cell_size: int = config.MIN_CELL_SIZE
) -> list[str]:
    """Problems that make a table unfit to publish: visible counts from 1 to ``min_cell_size - 1``,
    and a one-way table hiding a single count (given back by subtraction from the total).

    Works on numbers (``SuppressedTable.values``) and on rendered strings
    (``SuppressedTable.display()``: a marker alone is hidden, ``"3 s!"`` is a visible 3).
    An empty list means no problem was found.

    >>> check_published(pd.DataFrame({"n": [3, 0, 12]}), count="n", min_cell_size=5)
    ['row 0: n = 3 is shown but below the minimum cell size 5 (counts from 1 to 4 must be hidden)']
    """
    _check_min_cell_size(min_cell_size)
    _require_columns(table, [count])
    column = table[count]
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        numbers = column.astype("Float64")
    else:
        text = column.astype("string").str.strip().str.replace(",", "", regex=False)
        numbers = pd.to_numeric(text.str.extract(r"^(\d+(?:\.\d+)?)", expand=False)).astype("Float64")
    small = ((numbers >= 1) & (numbers < min_cell_size)).fillna(False).to_numpy(dtype=bool)
    problems = [
        f"row {label!r}: {count} = {value:g} is shown but below the minimum cell size {min_cell_size} "
        f"(counts from 1 to {min_cell_size - 1} must be hidden)"
        for label, value in zip(table.index[small], numbers[small], strict=True)
    ]
    hidden = numbers.isna().to_numpy(dtype=bool)
    if hidden.sum() == 1 and len(table) >= 3:
        # one hidden count next to shown ones and their total: the total minus the others gives it
        label = table.index[hidden][0]
        problems.append(
            f"row {label!r}: the only hidden {count} — with the others and the total shown it is their "
            "difference; hide a second cell (secondary suppression)"
        )
    return problems


# --- preparation ----------------------------------------------------------------------------------


def _check_min_cell_size(min_cell_size: object) -> None:
    if (
        isinstance(min_cell_size, bool)
        or not isinstance(min_cell_size, int | np.integer)
        or min_cell_size < 1
    ):
        raise ValueError(f"min_cell_size must be a whole number >= 1, got {min_cell_size!r}")


def _check_audience(audience: object) -> None:
    if audience not in ("public", "internal"):
        raise ValueError(f"audience must be 'public' or 'internal', got {audience!r}")


def _require_columns(table: pd.DataFrame, columns: Sequence[object]) -> None:
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, got {type(table).__name__}")
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(f"columns {missing} are not in the table (it has {list(table.columns)})")


def _as_list(names: Sequence[str] | None, what: str) -> list[str]:
    if names is None:
        return []
    if isinstance(names, str):
        raise TypeError(f"{what} must be a list of column names, got the string {names!r}; write [{names!r}]")
    return list(names)


def _prepare(
    table: pd.DataFrame,
    count: str,
    value_columns: Sequence[str],
    min_cell_size: int,
    group_columns: Sequence[str] | None,
    totals: Mapping[str, object] | None,
) -> tuple[np.ndarray, list[str], list[object]]:
    """Validated counts (int64), grouping columns and their total labels."""
    _check_min_cell_size(min_cell_size)
    values = _as_list(value_columns, "value_columns")
    _require_columns(table, [count, *values])
    if table.columns.duplicated().any():
        raise ValueError(f"duplicated column names {list(table.columns[table.columns.duplicated()])}")
    if count in values:
        raise ValueError(f"the count column {count!r} is also listed in value_columns")
    if group_columns is None:
        groups = [c for c in table.columns if c != count and c not in values]
        if len(groups) > 1:
            # never guessed: a label or caveat column taken for a grouping makes every row its own
            # "group", and only the small cell is hidden (its n is then the total minus the others)
            raise ValueError(
                f"columns {groups} could each be a grouping or a label: pass group_columns=[...] "
                "naming the grouping columns (labels pass through unchanged)"
            )
    else:
        groups = _as_list(group_columns, "group_columns")
        _require_columns(table, groups)
        clash = [g for g in groups if g == count or g in values]
        if clash:
            raise ValueError(f"grouping columns {clash} are also the count or value columns")
        loose = [
            c
            for c in table.columns
            if c != count and c not in values and c not in groups and pd.api.types.is_numeric_dtype(table[c])
        ]
        if loose:
            raise ValueError(
                f"numeric columns {loose} are neither the count, value_columns nor group_columns: list them "
                "in value_columns (hidden with their row) or drop them, so no statistic escapes suppression"
            )
    if len(groups) > 2:
        raise ValueError(
            f"secondary suppression is implemented for one- and two-way tables; got {len(groups)} grouping "
            f"columns {groups}. List every statistic in value_columns, pass group_columns explicitly, "
            "or publish one two-way table per layer"
        )
    if not groups and len(table) > 1:
        raise ValueError(
            "the table has several rows but no grouping columns: pass group_columns=[...] "
            "(move index levels into columns with reset_index() first)"
        )
    totals = dict(totals or {})
    unknown = [g for g in totals if g not in groups]
    if unknown:
        raise ValueError(f"totals names {unknown}, which are not grouping columns {groups}")
    labels = [totals.get(g, TOTAL_LABEL) for g in groups]
    return _counts(table, count), groups, labels


def _counts(table: pd.DataFrame, count: str) -> np.ndarray:
    column = table[count]
    if pd.api.types.is_bool_dtype(column) or not pd.api.types.is_numeric_dtype(column):
        raise ValueError(f"count column {count!r} must be numeric, got dtype {column.dtype}")
    missing = column.isna().to_numpy()
    if missing.any():
        raise ValueError(
            f"count column {count!r} is missing in rows {list(table.index[missing][:5])}: "
            "every row of a table to publish needs its count"
        )
    numbers = column.astype("Float64").to_numpy(dtype="float64")
    bad = ~np.isfinite(numbers) | (numbers < 0) | (numbers != np.round(numbers))
    if bad.any():
        raise ValueError(
            f"count column {count!r} must hold whole numbers >= 0; row {table.index[bad][0]!r} "
            f"has {numbers[bad][0]!r}"
        )
    return numbers.astype(np.int64)


# --- dominance ----------------------------------------------------------------------------------


def _dominance_pass(
    table: pd.DataFrame,
    counts: np.ndarray,
    row_flag: np.ndarray,
    layout: _Layout,
    groups: list[str],
    value_columns: Sequence[str],
    dominance_flags: pd.Series | None,
    dominance_columns: Sequence[str] | None,
) -> dict[str, np.ndarray]:
    """Markers of the dominance columns: the count pattern, then "d" and its partners "c".

    Dominated sums get partners exactly as small counts do (cheapest cycle, costs in people),
    since a sum hidden alone is the published total minus the others.
    """
    if dominance_flags is None:
        raise ValueError("dominance_columns was given without dominance_flags (from dominance())")
    columns = _as_list(dominance_columns, "dominance_columns")
    if not columns:
        raise ValueError(
            "name the sum columns protected by dominance_flags: dominance_columns=[...] "
            "(include means of the same amounts: mean × n gives the sum)"
        )
    outside = [c for c in columns if c not in value_columns]
    if outside:
        raise ValueError(f"dominance_columns {outside} are not among value_columns {list(value_columns)}")
    if not groups:
        raise ValueError("dominance_flags needs grouping columns to match rows to groups")
    hidden = row_flag != ""
    dominated = _match_flags(table, groups, dominance_flags) & ~hidden & (counts > 0)
    # a sum already missing in a row with people is unknown to readers: it needs no partner
    unknown = table[columns].isna().all(axis=1).to_numpy(dtype=bool) & (counts > 0)
    protected = _protect(layout, counts, hidden | dominated | unknown, dominated)
    partner = protected & ~hidden & ~dominated & ~unknown
    flag = np.where(dominated, MARK_DOMINANCE, np.where(partner, MARK_SECONDARY, row_flag))
    return dict.fromkeys(columns, flag)


def _match_flags(table: pd.DataFrame, groups: list[str], flags: pd.Series) -> np.ndarray:
    if not isinstance(flags, pd.Series):
        raise TypeError(
            f"dominance_flags must be a boolean Series from dominance(), got {type(flags).__name__}"
        )
    if flags.index.nlevels != len(groups):
        raise ValueError(
            f"dominance_flags is indexed by {flags.index.nlevels} level(s) but the table has "
            f"{len(groups)} grouping column(s) {groups}"
        )
    known = flags.astype("boolean").fillna(True)  # unknown dominance: hide
    lookup = {(key if isinstance(key, tuple) else (key,)): bool(flag) for key, flag in known.items()}
    rows = table[groups].astype(object).itertuples(index=False, name=None)
    return np.array([lookup.get(row, False) for row in rows], dtype=bool)


# --- output -------------------------------------------------------------------------------------


def _nullable(column: pd.Series) -> pd.Series:
    if pd.api.types.is_bool_dtype(column):
        return column.astype("boolean")
    if pd.api.types.is_integer_dtype(column):
        return column.astype("Int64")
    if pd.api.types.is_float_dtype(column):
        return column.astype("Float64")
    return column


def _values_frame(
    table: pd.DataFrame,
    count: str,
    value_columns: Sequence[str],
    counts: np.ndarray,
    hide: Mapping[str, np.ndarray],
) -> pd.DataFrame:
    """Numbers with hidden cells set to NA; statistics of 0-count rows are NA (undefined)."""
    empty = counts == 0
    nothing = np.zeros(len(table), dtype=bool)
    out = table.copy()
    out[count] = pd.Series(pd.array(counts, dtype="Int64"), index=table.index).mask(hide.get(count, nothing))
    for column in value_columns:
        out[column] = _nullable(table[column]).mask(empty | hide.get(column, nothing))
    return out


def _flags_frame(table: pd.DataFrame, cell_flags: Mapping[str, np.ndarray]) -> pd.DataFrame:
    blank = np.full(len(table), "", dtype=object)
    data = {
        position: pd.array(cell_flags.get(column, blank).astype(object), dtype="string")
        for position, column in enumerate(table.columns)
    }
    frame = pd.DataFrame(data, index=table.index)
    frame.columns = table.columns
    return frame


def _format_column(column: pd.Series, *, decimals: int) -> pd.Series:
    if pd.api.types.is_float_dtype(column):
        text = column.map(lambda x: f"{x:.{decimals}f}", na_action="ignore").astype("string")
    else:
        text = column.astype("string")
    return text.fillna("")
