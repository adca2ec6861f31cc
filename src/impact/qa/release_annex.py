"""The public Excel annex as a reader opens it: small counts and formulas (for
:mod:`impact.qa.release_audit`)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from pathlib import Path

__all__ = ["audit_annex"]


def audit_annex(
    path: Path, *, k: int, skip: Collection[str], finding: Callable[[str, str, str], None]
) -> None:
    """Rules 1 and 6 on a public Excel annex: a count of 1 to k − 1 people in a count column, and
    any formula (sheets named in ``skip`` — not about people — and the notes sheet are not
    counts). Each finding goes to ``finding(kind, where, message)``."""
    from openpyxl import load_workbook

    from impact.publish.i18n import MESSAGES

    count_labels = {
        v
        for key in ("col_registered", "col_responded", "col_n", "col_accounts")
        if key in MESSAGES
        for v in MESSAGES[key]
    } | {"n"}
    wb = load_workbook(path)
    for ws in wb.worksheets:
        rows = list(ws.iter_rows())
        if not rows or ws.title in skip or ws.title == "notes":
            continue
        header = [str(c.value) if c.value is not None else "" for c in rows[0]]
        for row in rows:
            for cell in row:
                if cell.data_type == "f":
                    finding("formula", f"{path.name}:{ws.title}!{cell.coordinate}", "a formula")
        for j, label in enumerate(header):
            if (
                label in count_labels
                or label.startswith(tuple(f"{c}: " for c in count_labels))
                or label.startswith("n ")
            ):
                for row in rows[1:]:
                    v = row[j].value if j < len(row) else None
                    if isinstance(v, int | float) and 1 <= v < k:
                        where = f"{path.name}:{ws.title}!{row[j].coordinate}"
                        finding("shown-small", where, f"a count of {v:g} people")
