"""What a release says about the people *inside* a hidden small group (rule 3 of
:mod:`impact.qa.release_audit`).

Hiding a small group's size is not enough when the rest of the release pins down what its people
did: "0 of them recovered" (or "all of them") is an attribute disclosure about every one of them,
whatever their number (``docs/disclosure.md``). For each hidden group that may be small (1 to
k − 1 people), each attribute count within it — recovered (of those with income data), answered a
follow-up, giving their income at it and holding a reseller account (of those registered) — is bounded by integer
programming over everything published; the audit fails when it must be 0, must equal the group,
or when both the count and the group's size are known exactly.
"""

from __future__ import annotations

from collections.abc import Callable

from impact.qa.release_read import ALL as _ALL
from impact.qa.release_read import Figure

__all__ = ["ATTRIBUTES", "check_groups"]

#: (attribute, base): an attribute count of a group and the count of the same group it is out of;
#: quantities as in :mod:`impact.qa.release_audit` (``w`` = the wave of both; registered has none)
ATTRIBUTES = (
    ("recovered", "with data", "recovered"),
    ("answered", "registered", "answered"),
    ("with data", "registered", "gave their income"),
    ("with account", "registered", "held a reseller account"),
)


def check_groups(
    model,
    hidden: dict[int, Figure],
    bounds: dict[int, tuple[float, float]],
    *,
    solve: Callable[[list[int]], dict[int, tuple[float, float]]],
    k: int,
    cohort: str,
    finding: Callable[[str, str, str], None],
) -> None:
    """Add a ``group`` finding for every hidden group (a base count in ``hidden``, bounded in
    ``bounds``) that may hold 1 to k − 1 people and of whom the release says that none or all
    have an attribute, and a ``derived`` finding where both the attribute count and the group's
    size are determined. ``solve(vars)`` bounds more variables. Pure apart from ``finding``."""
    keys = {v: key for key, v in model.index.items()}
    known: dict[tuple[int, ...], dict[int, tuple[float, float]]] = {}

    def bound(targets: list[int]) -> dict[int, tuple[float, float]]:
        if tuple(targets) not in known:
            known[tuple(targets)] = solve(targets)
        return known[tuple(targets)]

    for i, f in hidden.items():
        q, w, c, s = keys[i]
        n_lo, n_hi = bounds[i]
        if not (n_hi >= 1 and n_lo < k):  # no small group, or nobody in it
            continue
        for attribute, base, verb in ATTRIBUTES:
            if q != base:
                continue
            for wave in [w] if base != "registered" else _waves(model, attribute):
                a = model.index.get((attribute, wave, c, s))
                if a is None:
                    continue
                r_lo, r_hi = bound([a])[a]
                # what is true of everyone (nobody in the cohort recovered) is no finding about a group
                everyone = _everyone(model, bound, attribute, base, wave, w)
                where = f"{cohort}: {model.name(i)}"
                if n_lo == n_hi and r_lo == r_hi and n_lo >= 1:
                    finding("derived", f.where(), f"{where}: {r_lo:g} of {n_lo:g} {verb} is determined")
                elif n_lo >= 1 and r_hi == 0 and everyone != "none":
                    finding("group", f.where(), f"{where}: none of them {verb}{_at(wave)}")
                elif n_lo >= 1 and r_lo >= n_hi and everyone != "all":
                    finding("group", f.where(), f"{where}: all of them {verb}{_at(wave)}")


def _everyone(model, solve, attribute: str, base: str, wave: str, w: str) -> str:
    """ "none" or "all" when the release shows that of everyone (the total of the cohort), else ""."""
    a = model.index.get((attribute, wave, _ALL, _ALL))
    b = model.index.get((base, w, _ALL, _ALL))
    if a is None or b is None:
        return ""
    got = solve([a, b])
    (a_lo, a_hi), b_hi = got[a], got[b][1]
    if a_hi == 0:
        return "none"
    return "all" if a_lo >= b_hi else ""


def _waves(model, attribute: str) -> list[str]:
    """The waves of an attribute counted out of those registered ("" for the account)."""
    return sorted({w for q, w, _, _ in model.index if q == attribute})


def _at(wave: str) -> str:
    return f" at {wave}" if wave else ""
