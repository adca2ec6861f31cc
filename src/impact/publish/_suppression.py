"""Secondary suppression: where a table's hidden cells sit, and the cheapest cells to hide with them
so that none can be recovered from the published totals (see :mod:`impact.publish.disclosure`)."""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["_Layout", "_axis_codes", "_cheapest_cycle", "_layout", "_protect", "_protect_line"]

# --- structure of a table: one line or a cross-table with margins ---------------------------------


@dataclass(frozen=True)
class _Layout:
    """Where each table row sits: ``kind`` 0 (no structure), 1 (one line) or 2 (cross-table).

    For a cross-table ``grid[i, j]`` is the table position of category ``i`` × category ``j``
    (the last row and column are the margins), or -1 where the table has no such row.
    For one line, ``grid`` is a single row whose last cell is the total.
    """

    kind: int
    grid: np.ndarray


def _axis_codes(values: pd.Series, label: object) -> tuple[np.ndarray, int]:
    """Category code per row in order of first appearance; the total gets the last code."""
    is_total = values.isin([label]).to_numpy(dtype=bool)
    codes = np.empty(len(values), dtype=np.int64)
    inner, uniques = pd.factorize(values[~is_total].astype(object), use_na_sentinel=False)
    codes[~is_total] = inner
    codes[is_total] = len(uniques)
    return codes, len(uniques)


def _layout(table: pd.DataFrame, groups: list[str], labels: list[object]) -> _Layout:
    if not groups:
        return _Layout(kind=0, grid=np.arange(len(table)).reshape(1, -1))
    rows, n_rows = _axis_codes(table[groups[0]], labels[0])
    if len(groups) == 1:
        cols, n_cols = rows, n_rows
        rows, n_rows = np.zeros(len(table), dtype=np.int64), 0
    else:
        cols, n_cols = _axis_codes(table[groups[1]], labels[1])
    grid = np.full((n_rows + 1, n_cols + 1), -1, dtype=np.int64)
    keys = rows * (n_cols + 1) + cols
    _, first, seen = np.unique(keys, return_index=True, return_counts=True)
    if (seen > 1).any():
        position = int(first[seen > 1][0])
        raise ValueError(
            f"the grouping values {table.iloc[position][groups].tolist()} (row {table.index[position]!r}) "
            f"appear more than once in {groups}; a published table has one row per group"
        )
    grid[rows, cols] = np.arange(len(table))
    return _Layout(kind=len(groups), grid=grid)


def _protect(layout: _Layout, counts: np.ndarray, hidden: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Rows hidden after protecting each target row (which must already be hidden)."""
    if layout.kind == 0 or not targets.any():
        return hidden.copy()
    present = layout.grid >= 0
    size = np.where(present, counts[np.maximum(layout.grid, 0)], 0)
    usable = present & (size > 0)
    grid_hidden = present & hidden[np.maximum(layout.grid, 0)]
    if layout.kind == 1:
        grid_hidden = _protect_line(size[0], grid_hidden[0], usable[0])[np.newaxis, :]
    else:
        where = np.argwhere(present & targets[np.maximum(layout.grid, 0)])
        for i, j in sorted(map(tuple, where), key=lambda cell: layout.grid[cell]):
            for cell in _cheapest_cycle(size, grid_hidden, usable, (int(i), int(j))):
                grid_hidden[cell] = True
    out = hidden.copy()
    out[layout.grid[present & grid_hidden]] = True
    return out


def _protect_line(size: np.ndarray, hidden: np.ndarray, usable: np.ndarray) -> np.ndarray:
    """One line (categories then the total): no line may hold exactly one hidden cell.

    The partner is the smallest positive visible category (first in table order on ties),
    else the total. Nothing can be done if neither is in the table.
    """
    hidden = hidden.copy()
    if hidden.sum() != 1:
        return hidden
    candidates = usable & ~hidden
    candidates[-1] = False
    if candidates.any():
        cost = np.where(candidates, size, np.iinfo(np.int64).max)
        hidden[int(np.argmin(cost))] = True
    elif usable[-1] and not hidden[-1]:
        hidden[-1] = True
    return hidden


def _cheapest_cycle(
    size: np.ndarray, hidden: np.ndarray, usable: np.ndarray, target: tuple[int, int]
) -> list[tuple[int, int]]:
    """Cells to hide so that ``target`` lies on a cycle of hidden cells (none if it already does).

    Rows and columns of the grid are the nodes of a bipartite graph, each cell an edge.
    The cheapest path from the target's row to its column that avoids the target closes
    the cycle: hidden cells cost 0, a visible positive cell costs its count, zero and
    absent cells cannot be used. Ties go to fewer new cells, then to lower node numbers.
    Returns the new cells, or [] when no cycle exists (margins absent from the table).
    """
    n_rows, n_cols = size.shape
    start, goal = (0, target[0]), (1, target[1])
    best: dict[tuple[int, int], tuple[int, int]] = {start: (0, 0)}
    previous: dict[tuple[int, int], tuple[tuple[int, int], tuple[int, int]]] = {}
    heap = [(0, 0, *start)]
    done: set[tuple[int, int]] = set()
    while heap:
        cost, cells, side, index = heapq.heappop(heap)
        node = (side, index)
        if node in done:
            continue
        done.add(node)
        if node == goal:
            break
        if side == 0:
            steps = [((index, c), (1, c)) for c in range(n_cols)]
        else:
            steps = [((r, index), (0, r)) for r in range(n_rows)]
        for cell, nxt in steps:
            if cell == target or nxt in done:
                continue
            if hidden[cell]:
                candidate = (cost, cells)
            elif usable[cell]:
                candidate = (cost + int(size[cell]), cells + 1)
            else:
                continue
            if nxt not in best or candidate < best[nxt]:
                best[nxt] = candidate
                previous[nxt] = (node, cell)
                heapq.heappush(heap, (*candidate, *nxt))
    if goal not in done:
        return []
    path = []
    node = goal
    while node != start:
        node, cell = previous[node]
        if not hidden[cell]:
            path.append(cell)
    return path
