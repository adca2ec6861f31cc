"""Auditing a public release as an attacker would: the ``impact audit-disclosure`` command.

It reads back what was written — the public HTML reports (their tables, the data inside their
charts and their sentences, read by :mod:`impact.qa.release_read`) and the public Excel annexes
of every cohort under a reports folder — never the in-memory tables that made them, and asks
what a reader could work out.

**The model.** For each cohort every count of people the release talks about is a variable of
one contingency table per quantity (registered; answered, with income data and recovered at a
wave; with a reseller account; in the time-to-recovery curve), with a cell per (confederation,
sex) and the margins. Every report of the release fills in the cells it covers (a per-
confederation public report those of its confederation). The programme report's release is read
with its cohorts' as one program: its pooled counts are their sums (:mod:`impact.qa.release_joint`).
What the reader learns becomes linear constraints:

- a published count fixes its cell; a group listed in a table has at least one person;
- margins add up (the groups of a breakdown sum to its total; across reports too);
- ``recovered ≤ with data ≤ answered ≤ registered``; everyone in the time-to-recovery curve is
  registered, and at least as many as have data at any one wave;
- a published share gives ``share × n`` within its rounding (``29%`` of ``n`` recovered is
  between 28.5% and 29.5% of ``n``), for the recovery share, response rates, the share with an
  account, and each sex's value in the logframe (``18% (n=11)``);
- a comparison's ``n`` of women and men together is their sum.

For every hidden count, integer linear programming (``scipy.optimize.milp``) gives the smallest
and largest value consistent with everything published. The audit fails when:

1. a count of 1 to k − 1 people is shown (tables, the logframe, sentences, the annex);
2. a hidden count that may be small (1 to k − 1) is determined exactly, or narrowed to fewer
   than three possible values (:data:`PROTECTION`) — a hidden or missing group shown by the
   figures to hold k or more people is no small group;
3. a small hidden group's result is known exactly (how many recovered, of how many), or that
   none or all of it recovered, answered or held an account (:mod:`impact.qa.release_groups`);
4. a median or other quantile is shown (in a table or a chart) for fewer than ``k_quantile`` people;
5. the same figure differs between two files of the release (the two languages, HTML and annex);
6. a cell of a public annex is a formula.

Each failure is printed on one line with the figures it follows from. What it does not model
(and why the rules protect it anyway) is in ``docs/disclosure.md``.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from impact import config, vocab
from impact.qa.release_annex import audit_annex
from impact.qa.release_groups import check_groups
from impact.qa.release_joint import Stacked, View, solve_bounds
from impact.qa.release_read import ALL, Figure, Report, _array, _estimate, parse_figure, read_html

__all__ = ["AuditResult", "Figure", "Finding", "audit_release", "parse_figure", "read_html"]

#: quantities of the contingency tables (see the module docstring)
REG, RESP, N, REC, ACCT, KM = "registered", "answered", "with data", "recovered", "with account", "in curve"
#: a hidden group's size must keep at least this spread (``max − min``) given the release: the
#: reader may know "between 2 and 4", never "3" or "3 or 4"
PROTECTION = 2
#: the largest count the model allows when no count is published at all
UNBOUNDED = 1_000_000
#: figures that are not about people (rows of files) — not audited as counts
NOT_PEOPLE = frozenset({"data_quality"})
#: statistics of a group that are quantiles (need k_quantile people)
QUANTILE_STATS = frozenset(
    {
        "median_recovery_ratio",
        "median_income_before_idr",
        "median_income_baseline_idr",
        "median_target_monthly_idr",
        "median_commission_idr",
        "p25_commission_idr",
        "p75_commission_idr",
        "median_attainment_survey",
        "median_attainment_platform",
    }
)
#: counts of people, by table: stat → quantity (None: a count checked for size only)
COUNT_STATS: dict[str, dict[str, str | None]] = {
    "profile": {"n": REG},
    "participation": {"n": REG},  # and n_responded_<wave> (answered)
    "recovery": {"n_eligible": REG, "n_responded": RESP, "n": N},
    "survival": {"n": KM},
    # accounts with a sale are an attribute of the month's accounts (like "recovered" of a group),
    # not a group of their own; the commission quantiles over them need k_quantile (rule 4)
    "activity": {"n_accounts": None, "n_active": None},
    "commission": {"n_active": None},
    "income_sources": {"n": None},
    "targets": {"n": None, "n_platform": None},
    "comparisons": {"n": None},
    "custom": {"n_eligible": None, "n_responded": None, "n": None},  # an analyst's r.table(by=...)
    "trend": {"n_accounts": None, "n_active": None},  # r.trend(by=...): like "activity"
}
#: counts of an attribute within a published group (not groups themselves): read, not size-checked
ATTRIBUTE_COUNTS = frozenset({("activity", "n_active"), ("commission", "n_active"), ("trend", "n_active")})
#: the count a quantile of each table is computed over
QUANTILE_BASE = {"recovery": "n", "profile": "n", "commission": "n_active", "targets": "n", "custom": "n"}
QUANTILE_BASE_BY_STAT = {"median_attainment_platform": "n_platform", "median_commission_idr": "n_active"}
_PEOPLE = (
    r"(?:women|men|answered|registered|participants|people|union members|reseller accounts|"
    r"perempuan|laki-laki|menjawab|terdaftar|peserta|orang|anggota serikat|akun)"
)
_SENTENCE_COUNT = re.compile(rf"(?<![\d.,])(\d+) {_PEOPLE}\b|\bn=(\d+)")
_COUNT_RATE = re.compile(r"^(?P<count>[\d.,]+) \((?P<rate>[^()]*%)\)$")
_LOGFRAME = re.compile(r"^(?P<value>.*?) \(n=(?P<n>[\d.,]+)\)")


@dataclass(frozen=True)
class Finding:
    kind: str
    where: str
    message: str

    def line(self) -> str:
        return f"{self.kind}: {self.where}: {self.message}"


@dataclass
class AuditResult:
    findings: list[Finding] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    figures: int = 0
    hidden: int = 0
    solves: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings


# --- the model -----------------------------------------------------------------------------------------


class _Model:
    """Integer variables for the cells of each quantity's contingency table, and constraints."""

    def __init__(self, confs: Iterable[str], sexes: Iterable[str], waves: Iterable[str]) -> None:
        self.confs = [ALL, *sorted(set(confs) - {ALL})]
        self.sexes = [ALL, *sorted(set(sexes) - {ALL})]
        self.index: dict[tuple[str, str, str, str], int] = {}
        for q in (REG, ACCT, KM):
            self._add(q, "")
        for w in waves:
            for q in (RESP, N, REC):
                self._add(q, w)
        self.rows: list[tuple[dict[int, float], float, float, str]] = []
        self.fixed: dict[int, float] = {}

    def _add(self, q: str, w: str) -> None:
        for c in self.confs:
            for s in self.sexes:
                self.index[(q, w, c, s)] = len(self.index)

    def var(self, q: str, w: str, cell: tuple[str, str]) -> int | None:
        return self.index.get((q, w, *cell))

    def name(self, i: int) -> str:
        q, w, c, s = next(k for k, v in self.index.items() if v == i)
        group = " × ".join(x for x in (c if c != ALL else "", s if s != ALL else "") if x) or "everyone"
        return f"{q}{' at ' + w if w else ''} ({group})"

    def add(self, coefs: dict[int, float], low: float, high: float, why: str) -> None:
        self.rows.append((coefs, low, high, why))
        if len(coefs) == 1 and low == high:
            self.fixed[next(iter(coefs))] = low

    def explain(self, i: int) -> str:
        """How a determined cell follows from the published ones, if a single margin shows it
        (``answered at m6 (kspn) = 30 (everyone) − 9 (kspsi_rek) − …``); else the constraints on it."""
        for coefs, low, high, _ in self.rows:
            if i not in coefs or low != 0 or high != 0 or len(coefs) < 3:
                continue
            others = [j for j in coefs if j != i]
            if all(j in self.fixed for j in others):
                sign = -coefs[i]
                terms = []
                for j in others:
                    label = self.name(j).split("(", 1)[1].rstrip(")")
                    terms.append((coefs[j] * sign, f"{self.fixed[j]:g} ({label})"))
                total = [t for c, t in terms if c > 0]
                parts = [t for c, t in terms if c < 0]
                if total:
                    return f"{self.name(i)} = " + " − ".join([*total, *parts])
        why = sorted({w for coefs, _, _, w in self.rows if i in coefs and w})
        return "from " + "; ".join(why[:6])

    def structure(self) -> None:
        """Margins and orderings (true of any release)."""
        keys = {(q, w) for q, w, _, _ in self.index}
        inner_c, inner_s = self.confs[1:], self.sexes[1:]
        for q, w in keys:
            for s in self.sexes:
                if inner_c:
                    coefs = {self.index[(q, w, c, s)]: 1.0 for c in inner_c}
                    coefs[self.index[(q, w, ALL, s)]] = -1.0
                    self.add(coefs, 0, 0, f"{q}: confederations add up")
            for c in self.confs:
                if inner_s:
                    coefs = {self.index[(q, w, c, s)]: 1.0 for s in inner_s}
                    coefs[self.index[(q, w, c, ALL)]] = -1.0
                    self.add(coefs, 0, 0, f"{q}: sexes add up")
        waves = sorted({w for q, w in keys if w})
        for c in self.confs:
            for s in self.sexes:
                reg = self.index[(REG, "", c, s)]
                for small, big in ((ACCT, REG), (KM, REG)):
                    self.add(
                        {self.index[(small, "", c, s)]: 1.0, self.index[(big, "", c, s)]: -1.0},
                        -np.inf,
                        0,
                        "",
                    )
                for w in waves:
                    chain = [self.index[(q, w, c, s)] for q in (REC, N, RESP)] + [reg]
                    for a, b in itertools.pairwise(chain):
                        self.add({a: 1.0, b: -1.0}, -np.inf, 0, "")
                    self.add(
                        {self.index[(N, w, c, s)]: 1.0, self.index[(KM, "", c, s)]: -1.0}, -np.inf, 0, ""
                    )

    def bounds(self, targets: list[int], upper: float) -> tuple[dict[int, tuple[float, float]], int]:
        return solve_bounds(self.rows, len(self.index), targets, upper)


# --- the audit -----------------------------------------------------------------------------------------


def audit_release(
    reports_dir: str | Path,
    *,
    min_cell_size: int = config.MIN_CELL_SIZE,
    k_quantile: int | None = None,
    protection: int = PROTECTION,
) -> AuditResult:
    """Audit every public report and annex under ``reports_dir`` (``<cohort>/<slug>.html``,
    ``<cohort>/indicators_public*.xlsx``): a cohort's files are one release; the programme's are
    bounded together with the cohorts' (a reader holds them all)."""
    k = min_cell_size
    kq = k_quantile or max(10, 2 * k)
    root = Path(reports_dir)
    result = AuditResult()
    reports: dict[str, list[Report]] = defaultdict(list)
    for path in sorted(root.rglob("*.html")):
        report = read_html(path)
        if report is not None:
            reports[report.cohort].append(report)
            result.files.append(str(path))
    read = {c: _read_release(c, rs, k=k, kq=kq, result=result) for c, rs in reports.items()}
    pooled = {
        f.group for r in reports.get(config.PROGRAMME, []) for f in r.figures if f.table == "contributions"
    }
    stacked = Stacked(
        {c: r[0] for c, r in read.items()},
        programme=config.PROGRAMME,
        pooled=(REG, ACCT, RESP, N, REC),
        cohorts=pooled - {ALL},
    )
    joint = config.PROGRAMME in read
    largest = max((r[2] for r in read.values()), default=0.0)  # one bound for every variable
    for cohort, (model, hidden, upper) in read.items():
        view = View(model, stacked, cohort) if joint else model
        _judge(cohort, view, hidden, largest if joint else upper, k=k, protection=protection, result=result)
    for path in sorted(root.rglob("indicators_public*.xlsx")):
        result.files.append(str(path))
        audit_annex(path, k=k, skip=NOT_PEOPLE, finding=lambda *f: result.findings.append(Finding(*f)))
    return result


def _read_release(
    cohort: str, reports: list[Report], *, k: int, kq: int, result: AuditResult
) -> tuple[_Model, dict[int, Figure], float]:
    """One release's files read into its model: (model, hidden counts, largest published count);
    what needs no bounding (small counts shown, quantiles, charts, sentences) is judged here."""
    figures = [f for r in reports for f in r.figures if f.table not in NOT_PEOPLE]
    result.figures += len(figures)
    _check_consistency(figures, result)
    # one copy of each figure (the editions agree, or a finding says they do not)
    unique: dict[tuple, Figure] = {}
    for f in figures:
        unique.setdefault((f.scope, f.table, f.wave, f.dimension, f.group, f.stat), f)
    figures = list(unique.values())
    grouped = [f for f in figures if f.table in ("profile", "participation", "recovery", "survival")]
    confs = {f.cell[0] for f in grouped}
    sexes = {f.cell[1] for f in grouped}
    waves = {f.wave for f in figures if f.wave} | {
        f.stat.removeprefix("n_responded_") for f in figures if f.stat.startswith("n_responded_")
    }
    model = _Model(confs, sexes, sorted(waves, key=lambda w: vocab.WAVES.get(w, 99)))
    model.structure()
    hidden: dict[int, Figure] = {}
    shown: dict[tuple[str, str, str, str, str, str], float] = {}
    upper = 0.0

    def count(q: str | None, w: str, f: Figure, text: str, *, listed: bool = True) -> None:
        nonlocal upper
        value = parse_figure(text, f.lang) if text not in ("c",) else None
        i = model.var(q, w, f.cell) if q else None
        if value is not None:
            shown[(f.scope, f.table, f.wave, f.dimension, f.group, f.stat)] = value
            if 1 <= value < k and (f.table, f.stat) not in ATTRIBUTE_COUNTS:
                result.findings.append(
                    Finding("shown-small", f.where(), f"a count of {value:g} people is shown (k = {k})")
                )
            if i is not None:
                model.add({i: 1.0}, value, value, f"{f.where()} = {value:g}")
                upper = max(upper, value)
        elif text == "c" and i is not None:
            hidden.setdefault(i, f)
        if listed and i is not None and q == REG:
            model.add({i: 1.0}, 1, np.inf, f"{f.where()}: listed")

    def share(num: str, den: str, w: str, f: Figure, text: str) -> None:
        value = parse_figure(_estimate(text), f.lang)

        def at(q: str) -> str:
            return "" if q in (REG, ACCT, KM) else w

        a, b = model.var(num, at(num), f.cell), model.var(den, at(den), f.cell)
        if value is None or a is None or b is None:
            return
        low, high = max(0.0, value - 0.005), min(1.0, value + 0.005)
        model.add({a: 1.0, b: -low}, 0, np.inf, f"{f.where()} ≥ {low:.3f}")
        model.add({a: 1.0, b: -high}, -np.inf, 0, f"{f.where()} ≤ {high:.3f}")

    for f in figures:
        table, stat, text = f.table, f.stat, f.text
        if table == "participation" and stat.startswith("n_responded_"):
            w = stat.removeprefix("n_responded_")
            m = _COUNT_RATE.match(text)
            count(RESP, w, f, m.group("count") if m else text)
            if m:
                share(RESP, REG, w, f, m.group("rate"))
            continue
        quantities = COUNT_STATS.get(table, {})
        if stat in quantities:
            count(
                quantities[stat],
                f.wave,
                f,
                _estimate(text),
                listed=table in ("profile", "participation", "recovery"),
            )
        elif table == "recovery" and stat == "share_recovered":
            share(REC, N, f.wave, f, text)
        elif table == "profile" and stat == "share_with_reseller_account":
            share(ACCT, REG, "", f, text)
        elif table == "logframe" and stat in ("female", "male"):
            _logframe(f, model, count, share, k=k, kq=kq, result=result)
        elif table == "comparisons" and f.group == "gap" and stat == "n":
            value = parse_figure(text, f.lang)
            ids = [model.var(N, f.wave, (f.scope, s)) for s in ("female", "male")]
            if value is not None and None not in ids:
                model.add(dict.fromkeys(ids, 1.0), value, value, f"{f.where()} = women + men = {value:g}")
    # a group of the cohort missing from a breakdown is hidden too (its count is the total minus
    # the others): bound it like a "c"
    listed: dict[tuple[str, str, str, str], set[str]] = defaultdict(set)
    for f in grouped:
        if f.dimension:
            listed[(f.file, f.table, f.wave, f.dimension)].add(f.group)
    for (file, table, wave, dimension), groups in listed.items():
        universe = (model.sexes if dimension == "gender" else model.confs)[1:]
        scope = next(f.scope for f in grouped if f.file == file)
        lang = next(f.lang for f in grouped if f.file == file)
        for g in set(universe) - groups:
            for stat, q in COUNT_STATS.get(table, {}).items():
                absent = Figure(file, cohort, scope, lang, table, wave, dimension, g, stat, "(absent)")
                i = model.var(q, "" if q in (REG, ACCT, KM) else wave, absent.cell) if q else None
                if i is not None:
                    hidden.setdefault(i, absent)
    _check_quantiles(figures, shown, k=k, kq=kq, result=result)
    for r in reports:
        _check_charts(r, shown, kq=kq, k=k, result=result)
        _check_prose(r, k=k, result=result)
    return model, hidden, upper


def _judge(
    cohort: str,
    model,
    hidden: dict[int, Figure],
    upper: float,
    *,
    k: int,
    protection: int,
    result: AuditResult,
) -> None:
    """Bound a release's hidden counts (over ``model``: its own, or a view of the programme's
    releases read together) and report what a reader could work out."""
    targets = sorted(hidden)
    result.hidden += len(targets)
    if not targets:
        return
    # no cell exceeds the largest published count; with none published, nothing bounds them
    limit = upper if upper >= 1 else UNBOUNDED
    bounds, solves = model.bounds(targets, upper=limit)
    result.solves += solves
    for i, (lo, hi) in bounds.items():
        f = hidden[i]
        name = f"{cohort}: {model.name(i)}"
        if np.isnan(lo):
            result.findings.append(
                Finding("inconsistent", f.where(), f"{name}: the published figures contradict each other")
            )
            continue
        # a group known to hold k or more people is not a small group, however exactly it is known
        if lo == hi and 1 <= lo < k:
            result.findings.append(
                Finding("derived", f.where(), f"{name} is hidden but must be {lo:g}: {model.explain(i)}")
            )
        elif hi - lo < protection and model.name(i).startswith((REG, RESP, N, KM)) and 1 <= lo < k:
            result.findings.append(
                Finding(
                    "narrow", f.where(), f"{name} is hidden but must be {lo:g}–{hi:g}: {model.explain(i)}"
                )
            )

    # what the release says about the people inside a hidden small group (rule 3)
    def solve(targets: list[int]) -> dict[int, tuple[float, float]]:
        got, solves = model.bounds(targets, upper=limit)
        result.solves += solves
        return got

    check_groups(
        model,
        hidden,
        bounds,
        solve=solve,
        k=k,
        cohort=cohort,
        finding=lambda kind, where, message: result.findings.append(Finding(kind, where, message)),
    )


def _logframe(f: Figure, model: _Model, count, share, *, k: int, kq: int, result: AuditResult) -> None:
    """A logframe cell by sex: ``18% (n=11)``, ``0.56 (n=11)``, ``c``."""
    m = _LOGFRAME.match(f.text)
    cell = Figure(f.file, f.cohort, f.scope, f.lang, f.table, f.wave, "gender", f.stat, f.stat, f.text)
    if not m:
        return
    n_text = m.group("n")
    quantity = {"share_recovered": N, "median_recovery_ratio": N, "share_ever_sold": ACCT}.get(f.group)
    wave = f.wave if quantity == N else ""
    count(quantity, wave, cell, n_text, listed=False)
    if f.group == "share_recovered":
        share(REC, N, wave, cell, m.group("value"))
    n = parse_figure(n_text, f.lang)
    if f.group.startswith("median") and n is not None and n < kq:
        result.findings.append(
            Finding("quantile", f.where(), f"a median of {n:g} people is shown (needs {kq})")
        )


def _check_consistency(figures: list[Figure], result: AuditResult) -> None:
    seen: dict[tuple, tuple[float | None, Figure]] = {}
    for f in figures:
        key = (f.scope, f.table, f.wave, f.dimension, f.group, f.stat)
        value = None if f.text == "c" else parse_figure(_estimate(f.text), f.lang)
        hidden = f.text == "c"
        if key in seen:
            other, g = seen[key]
            other_hidden = g.text == "c"
            if hidden != other_hidden or (
                other is not None and value is not None and abs(other - value) > 1e-9
            ):
                result.findings.append(
                    Finding("inconsistent", f.where(), f"{f.text!r} here, {g.text!r} in {Path(g.file).name}")
                )
        else:
            seen[key] = (value, f)


def _check_quantiles(figures: list[Figure], shown: dict, *, k: int, kq: int, result: AuditResult) -> None:
    for f in figures:
        if f.stat not in QUANTILE_STATS or f.text == "c" or parse_figure(_estimate(f.text), f.lang) is None:
            continue
        base = QUANTILE_BASE_BY_STAT.get(f.stat) or QUANTILE_BASE.get(f.table)
        n = shown.get((f.scope, f.table, f.wave, f.dimension, f.group, base)) if base else None
        if n is None:
            result.findings.append(
                Finding("quantile", f.where(), f"a quantile is shown while its group's size ({base}) is not")
            )
        elif n < kq:
            result.findings.append(
                Finding("quantile", f.where(), f"a quantile of {n:g} people is shown (needs {kq})")
            )


def _check_charts(report: Report, shown: dict, *, k: int, kq: int, result: AuditResult) -> None:
    """Chart data: medians only for groups of k_quantile; curves and counts only for groups of k."""
    months = {m: w for w, m in vocab.WAVES.items()}
    for trace in report.traces:
        meta = trace.get("meta") or {}
        if not isinstance(meta, dict) or "stat" not in meta:
            if _array(trace.get("y")):
                result.findings.append(
                    Finding(
                        "chart", report.path.name, f"trace {trace.get('name')!r} publishes data without meta"
                    )
                )
            continue
        table, stat, group = meta.get("table", ""), meta["stat"], str(meta.get("group", ALL))
        dimension = meta.get("dimension", "")
        xs, ys = _array(trace.get("x")), _array(trace.get("y"))
        ns = _array(trace.get("customdata")) or [None] * len(xs)
        where = f"{report.path.name}: chart {table}/{stat}/{group}"
        for x, y, n_point in zip(xs, ys, ns, strict=False):
            if y is None or (isinstance(y, float) and np.isnan(y)):
                continue
            if table == "recovery":
                wave = months.get(int(x)) if isinstance(x, int | float) else None
                n = shown.get((report.scope, "recovery", wave, dimension, group, "n"))
                if n is not None and n_point is not None and n != n_point:
                    result.findings.append(
                        Finding(
                            "inconsistent",
                            where,
                            f"n={n_point:g} at {x} months in the chart, {n:g} in the table",
                        )
                    )
                n = n if n is not None else n_point
                if n is None or n < kq:
                    result.findings.append(
                        Finding(
                            "quantile",
                            where,
                            f"the median at {x} months is drawn for {n if n is not None else 'a hidden number of'} people (needs {kq})",
                        )
                    )
            elif table == "commission":
                n = shown.get((report.scope, "commission", "", "", str(int(x)), "n_active"))
                if n is None or n < kq:
                    result.findings.append(
                        Finding(
                            "quantile",
                            where,
                            f"a commission quantile at month {x} is drawn for {n} accounts (needs {kq})",
                        )
                    )
        if table == "survival":
            n = shown.get((report.scope, "survival", "", "gender", group, "n"))
            if n is None or n < k:
                result.findings.append(
                    Finding("chart", where, f"a curve is drawn for {n} people (needs {k})")
                )


def _check_prose(report: Report, *, k: int, result: AuditResult) -> None:
    for sentence in report.prose:
        for m in _SENTENCE_COUNT.finditer(sentence):
            value = int(m.group(1) or m.group(2))
            if 1 <= value < k:
                result.findings.append(
                    Finding(
                        "sentence",
                        report.path.name,
                        f"a count of {value} people is stated: {sentence[:120]!r}",
                    )
                )
