"""Bounding hidden counts over several releases read together: the programme's and its cohorts'.

The programme report pools every cohort, and every cohort's own public report is published too,
so a reader holds them all. Each release is read into its own model
(:class:`impact.qa.release_audit._Model`); this module stacks the models into one integer program
and adds what ties them: every pooled count of the programme is the sum of the same count of the
cohorts it pools — everyone registered (and with an account) over every cohort, and those who
answered, gave their income and recovered at a follow-up over the cohorts whose reports have
that follow-up. A hidden count of any release is then bounded by everything published in all of
them (:class:`View` gives each release's checks its own variable numbers).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np

__all__ = ["Stacked", "View", "constraint_of", "reduced", "solve_bounds"]


def constraint_of(rows: list[tuple[dict[int, float], float, float, str]], n: int):
    """The rows (``low ≤ Σ coef × x ≤ high``) over ``n`` variables as one sparse constraint."""
    from scipy.optimize import LinearConstraint
    from scipy.sparse import csr_array

    r = [k for k, (coefs, *_) in enumerate(rows) for _ in coefs]
    c = [i for coefs, *_ in rows for i in coefs]
    v = [x for coefs, *_ in rows for x in coefs.values()]
    a = csr_array((np.array(v, dtype=float), (r, c)), shape=(len(rows), n))
    return LinearConstraint(a, [row[1] for row in rows], [row[2] for row in rows])


def reduced(
    rows: list[tuple[dict[int, float], float, float, str]], n: int
) -> tuple[list[tuple[dict[int, float], float, float, str]], dict[int, float], dict[int, int]] | None:
    """The program with every variable that a published figure fixes substituted: (rows over the
    free variables, renumbered; the fixed values; old → new number of the free ones), or None
    when the fixed values contradict the rows. Smaller programs solve several times faster."""
    fixed: dict[int, float] = {}
    for coefs, low, high, _ in rows:
        if len(coefs) == 1 and low == high:
            ((i, v),) = coefs.items()
            if i in fixed and fixed[i] != low / v:
                return None
            fixed[i] = low / v
    free = {i: k for k, i in enumerate(i for i in range(n) if i not in fixed)}
    out = []
    for coefs, low, high, why in rows:
        known = sum(v * fixed[i] for i, v in coefs.items() if i in fixed)
        rest = {free[i]: v for i, v in coefs.items() if i not in fixed}
        if not rest:
            if not (low - 1e-9 <= known <= high + 1e-9):
                return None
            continue
        out.append((rest, low - known, high - known, why))
    return out, fixed, free


def solve_bounds(
    rows: list[tuple[dict[int, float], float, float, str]],
    n: int,
    targets: Iterable[int],
    upper: float,
    *,
    constraint=None,
) -> tuple[dict[int, tuple[float, float]], int]:
    """Smallest and largest integer value of each target variable (of ``n``, each 0…``upper``)
    under ``rows`` (``low ≤ Σ coef × x ≤ high``; or their ``constraint``, built once by the
    caller); (nan, nan) when they contradict each other. Returns the bounds and how many integer
    programs were solved."""
    from scipy.optimize import Bounds, milp

    targets = list(targets)
    if not rows:
        return {i: (0, upper) for i in targets}, 0
    constraint = constraint if constraint is not None else constraint_of(rows, n)
    bounds = Bounds(np.zeros(n), np.full(n, upper))
    integrality = np.ones(n)
    out, solves = {}, 0
    for i in targets:
        got = []
        for sign in (1.0, -1.0):
            c = np.zeros(n)
            c[i] = sign
            res = milp(c, constraints=constraint, bounds=bounds, integrality=integrality)
            solves += 1
            got.append(None if res.x is None else round(float(res.x[i])))
        out[i] = (np.nan, np.nan) if None in got else (got[0], got[1])
    return out, solves


class Stacked:
    """Several releases' models as one integer program, with the programme's counts tied to the
    sums of its cohorts'. ``models``: release name → model (``index``: (quantity, wave,
    confederation, sex) → variable; ``rows``: constraints); ``cohorts``: those the programme
    pools (its cohorts table)."""

    def __init__(
        self,
        models: Mapping[str, object],
        *,
        programme: str | None,
        pooled: Iterable[str],
        cohorts: Iterable[str] = (),
    ) -> None:
        self.models = dict(models)
        self.offset: dict[str, int] = {}
        self.rows: list[tuple[dict[int, float], float, float, str]] = []
        n = 0
        for name, model in self.models.items():
            self.offset[name] = n
            self.rows += [({i + n: v for i, v in c.items()}, lo, hi, why) for c, lo, hi, why in model.rows]
            n += len(model.index)
        self.n = n
        self._constraint = None
        self._reduced = None
        if programme in self.models:
            self._tie(programme, set(pooled), complete=set(cohorts) <= set(self.models))

    def _tie(self, programme: str, pooled: set[str], *, complete: bool) -> None:
        """Each pooled count = the sum of the cohorts' same count (0 for a cohort without it: a
        cohort without a follow-up's figures has not reached it, and is not pooled there); at
        least that sum when a pooled cohort's report is not among those read (``complete``)."""
        p = self.models[programme]
        cohorts = [c for c in self.models if c != programme]
        for key, i in p.index.items():
            if key[0] not in pooled:
                continue
            coefs = {i + self.offset[programme]: 1.0}
            for c in cohorts:
                j = self.models[c].index.get(key)
                if j is None:
                    continue
                coefs[j + self.offset[c]] = -1.0
            high = 0.0 if complete else np.inf
            self.rows.append((coefs, 0.0, high, f"{programme}: pooled over the cohorts' reports"))

    def bounds(self, name: str, targets: Iterable[int], upper: float) -> tuple[dict, int]:
        shift = self.offset[name]
        if self._reduced is None:
            self._reduced = reduced(self.rows, self.n) or ([], {}, {})
            rows, _, free = self._reduced
            self._constraint = constraint_of(rows, len(free)) if rows else None
        rows, fixed, free = self._reduced
        if not free and not fixed:  # the published figures contradict each other
            return {i: (np.nan, np.nan) for i in targets}, 0
        out = {i: (fixed[i + shift], fixed[i + shift]) for i in targets if i + shift in fixed}
        todo = [i for i in targets if i + shift not in fixed]
        got, solves = solve_bounds(
            rows, len(free), [free[i + shift] for i in todo], upper, constraint=self._constraint
        )
        out |= {i: got[free[i + shift]] for i in todo}
        return out, solves


class View:
    """One release's model as its checks see it, bounded over the stacked program."""

    def __init__(self, model, stacked: Stacked, name: str) -> None:
        self.model, self.stacked, self.release = model, stacked, name
        self.index = model.index

    def name(self, i: int) -> str:
        return self.model.name(i)

    def explain(self, i: int) -> str:
        own = self.model.explain(i)
        return own if len(self.stacked.models) == 1 else f"{own} (with the other reports of the programme)"

    def bounds(self, targets: list[int], upper: float) -> tuple[dict, int]:
        return self.stacked.bounds(self.release, targets, upper)
