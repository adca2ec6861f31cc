"""The analysts' workbench: tables of a cohort by any participant column, protected for the public.

Each function takes a :class:`~impact.publish.results.CohortResults` (``r``) first and is also
its method of the same name (``r.table(...)`` is ``table(r, ...)``), as are those of
:mod:`impact.publish.trend` (platform activity by month) and :mod:`impact.publish.people` (the
one-row-per-participant drill-down and subsets, internal only)::

    r = impact.build(data, cohort="sukabumi-2023")                        # public: small groups hidden
    r.table(by="district", wave="m6")                                     # any participant column
    r.participants = r.participants.assign(                               # or one you derive
        attendance=pd.cut(r.participants["sessions_attended"], [-1, 1, 2, 3], labels=["0–1", "2", "3"])
    )
    r.table(by="attendance", wave="all", measures=["median_recovery_ratio", "share_recovered"])
    r.trend(by="gender")                                                  # platform activity by month

For a public audience every figure goes through the release's rules
(:func:`impact.publish.release.protect_line`): a one-way breakdown with its own total, small
groups and their complements hidden, medians of fewer than ``k_quantile`` people hidden, sums
dominated by one or two people hidden; the breakdowns the report publishes (by sex, by
confederation) are the report's own cells. Two-way tables and one-row-per-person views are for an
internal audience only. Cohorts side by side: :func:`impact.publish.compare.compare`; files:
:func:`impact.publish.export.export`.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import pandas as pd

from impact.errors import ParameterError
from impact.measure import tables
from impact.publish import disclosure
from impact.publish.release import TOTAL, Cells, inherit, protect_line
from impact.publish.views import Column, Note, Table, table_from_cells

__all__ = [
    "MAX_GROUPS",
    "MAX_NUMBER_GROUPS",
    "MEASURES",
    "TREND_MEASURES",
    "Stacked",
    "by_list",
    "choose_measures",
    "columns_of",
    "groups_of",
    "guard_linked",
    "label_terms",
    "stack",
    "table",
]

#: a grouping column may have at most this many values (more is one group per few people)
MAX_GROUPS = 20
#: a numeric column with more values than this is a measurement, not a grouping: bin it first
MAX_NUMBER_GROUPS = 6
#: the breakdowns of the report itself (their cells are the release's, shared with the report)
STANDARD = ("gender", "confederation")
#: measure → the statistic it shows, its label (catalogue key; real terms: the ``_real`` key), kind
MEASURES: dict[str, tuple[str, str, str]] = {
    "registered": ("n_eligible", "col_registered", "count"),
    "answered": ("n_responded", "col_responded", "count"),
    "response_rate": ("response_rate", "col_response_rate", "share"),
    "n": ("n", "col_n", "count"),
    "median_recovery_ratio": ("median_recovery_ratio", "col_median_ratio", "ratio"),
    "share_recovered": ("share_recovered", "col_share_recovered", "share"),
    "ratio_of_sums": ("ratio_of_sums", "col_ratio_of_sums", "ratio"),
    "median_income_before_idr": ("median_income_before_idr", "col_median_before", "idr"),
    "median_income_now_idr": ("median_income_now_idr", "col_median_now", "idr"),
}
#: the measures whose meaning changes in real terms (labelled so)
REAL = ("median_recovery_ratio", "share_recovered", "ratio_of_sums", "median_income_before_idr")
DEFAULT_MEASURES = ("registered", "answered", "median_recovery_ratio", "share_recovered")
#: platform measures by month since training (:func:`trend`)
TREND_MEASURES: dict[str, tuple[str, str, str]] = {
    "accounts": ("n_accounts", "col_accounts", "count"),
    "active": ("n_active", "col_active", "count"),
    "share_active": ("share_active", "col_share_active", "share"),
    "median_commission_idr": ("median_commission_idr", "col_commission_median", "idr"),
}


# --- checking what the analyst asked for -----------------------------------------------------------


def by_list(by: object) -> list[str]:
    """``by`` as a list of column names: ``None`` → ``[]``, ``"gender"`` → ``["gender"]``, a list or
    tuple of names as it is; anything else is a :class:`~impact.errors.ParameterError` saying so.

    >>> by_list("gender"), by_list(["confederation", "gender"]), by_list(None)
    (['gender'], ['confederation', 'gender'], [])
    """
    if by is None:
        return []
    if isinstance(by, str):
        return [by]
    if isinstance(by, list | tuple) and all(isinstance(b, str) for b in by):
        return list(by)
    raise ParameterError(
        f"by={by!r} ({type(by).__name__}): give a column name or a list of names, "
        "e.g. by='gender' or by=['confederation', 'gender']"
    )


def groups_of(r, name: str) -> pd.Series:
    """The participants' column ``name`` as groups (text; missing as ``unknown``), checked: it must
    exist, and have few enough values to be a grouping (a number with many values is to be binned)."""
    p = r.participants
    valid = [c for c in p.columns if c not in ("participant_id", "reseller_key")]
    if name not in p.columns:
        raise ParameterError(
            f"by={name!r}: no such participant column; valid: {', '.join(valid)} (or add your own: "
            f"r.participants = r.participants.assign({name}=...))"
        )
    s = p[name]
    values = s.dropna().unique()
    numeric = (
        pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_datetime64_any_dtype(s.dtype)
    ) and not (pd.api.types.is_bool_dtype(s.dtype) or isinstance(s.dtype, pd.CategoricalDtype))
    if numeric and len(values) > MAX_NUMBER_GROUPS:
        raise ParameterError(
            f"by={name!r}: a number with {len(values)} different values would make a group of each; "
            f"bin it first into a few groups, e.g. r.participants = r.participants.assign("
            f"{name}_band=pd.qcut(r.participants[{name!r}], 3)) and by='{name}_band' (as for sessions "
            "attended: pd.cut(r.participants['sessions_attended'], [-1, 1, 2, 3], labels=['0–1', '2', '3+']))"
        )
    if len(values) > MAX_GROUPS:
        raise ParameterError(
            f"by={name!r}: {len(values)} different values (at most {MAX_GROUPS}); "
            "group them first (r.participants = r.participants.assign(...)) and group by that"
        )
    text = s.astype("string")
    if isinstance(s.dtype, pd.CategoricalDtype):
        order = [str(c) for c in s.cat.categories]
    else:  # in the order of the values (numbers as numbers, dates as dates), as text
        order = list(dict.fromkeys(text.loc[s.dropna().sort_values(kind="stable").index]))
    if TOTAL in order or tables.ALL in order:
        raise ParameterError(f"by={name!r}: a group called {TOTAL!r} clashes with the total; rename it")
    if text.isna().any():
        order += [] if "unknown" in order else ["unknown"]
        text = text.fillna("unknown")
    return pd.Series(pd.Categorical(text, categories=order), index=p.index, name=name)


def _dimension(r, names: list[str]) -> tuple[str | None, pd.Series | None]:
    """The dimension asked for: ``None`` (everyone), a standard one (by sex, by confederation, or
    both, internal) or a custom column (its groups, per participant)."""
    if not names:
        return None, None
    if sorted(names) == ["confederation", "gender"] or (len(names) == 1 and names[0] in STANDARD):
        return r._by(names), None
    if len(names) > 2:
        raise ParameterError(f"by={names!r}: at most two columns")
    if len(names) == 2 and r.rules.public:
        raise ParameterError(
            f"by={names!r}: a two-way table is internal only (published next to the one-way tables "
            "it could be differenced); give one column, or build with audience='internal'"
        )
    parts = [groups_of(r, n) for n in names]
    if len(parts) == 1:
        guard_linked(r, parts[0])
        return names[0], parts[0]
    combined = parts[0].astype(str) + "|" + parts[1].astype(str)
    order = [f"{a}|{b}" for a in parts[0].cat.categories for b in parts[1].cat.categories]
    name = "|".join(names)
    return name, pd.Series(pd.Categorical(combined, categories=order), index=combined.index, name=name)


def guard_linked(r, groups: pd.Series) -> None:
    """Public: a custom group that differs from a published group (women, men, a confederation) by
    1 to k − 1 people would let those people's figures be worked out from the two tables (groups
    of fewer than k people show nothing, so only groups of k or more are compared)."""
    if not r.rules.public:
        return
    k = r.rules.k
    for dimension in r.dimensions:
        published = r.frame_with_groups(r.participants, dimension)[dimension].astype(str)
        for g in groups.cat.categories:
            mine = (groups == g).to_numpy()
            if mine.sum() < k:
                continue
            for h in published.unique():
                theirs = (published == h).to_numpy()
                if theirs.sum() < k:
                    continue
                differ = int((mine != theirs).sum())
                if 0 < differ < k:
                    raise ParameterError(
                        f"by={groups.name!r}: its group {g!r} differs from the published group "
                        f"{r.text.group(dimension, h)!r} by {differ} people; a public table of it would let "
                        "them be worked out from the two tables. Merge groups, or build with "
                        "audience='internal'"
                    )


def _waves(r, wave: object) -> list[str]:
    """The waves asked for (``None``: the latest with answers; ``"all"``: every wave with answers)."""
    if wave is None:
        return [r.latest_wave] if r.latest_wave else []
    if isinstance(wave, str) and wave == "all":
        return list(r.answered_waves)
    asked = [wave] if isinstance(wave, str) else wave
    if not isinstance(asked, list | tuple) or not all(isinstance(w, str) for w in asked):
        raise ParameterError(f"wave={wave!r}: give a wave name like 'm6', a list of them, or 'all'")
    when = f" as of {r.params.as_of}" if r.params.as_of else ""
    for w in asked:
        if w not in r.wave_list:
            raise ParameterError(
                f"wave {w!r} is not a wave of {r.params.cohort}; its waves: {', '.join(r.wave_list)}"
            )
        if w not in r.answered_waves:
            raise ParameterError(
                f"wave {w!r} of {r.params.cohort} has no answers{when}; waves with answers: "
                f"{', '.join(r.answered_waves) or 'none yet'}"
            )
    return list(asked)


def choose_measures(asked: object, catalogue: dict, default: Sequence[str], always: str) -> list[str]:
    names = list(default) if asked is None else ([asked] if isinstance(asked, str) else asked)
    if not isinstance(names, list | tuple) or not all(isinstance(m, str) for m in names):
        raise ParameterError(f"measures={asked!r}: give a list of names from {', '.join(catalogue)}")
    unknown = [m for m in names if m not in catalogue]
    if unknown:
        raise ParameterError(f"unknown measure(s) {unknown}; valid: {', '.join(catalogue)}")
    # counts first (the number of people behind the figures always), then the rest as asked
    counts = [m for m, v in catalogue.items() if v[2] == "count" and (m in names or m == always)]
    return [*counts, *dict.fromkeys(m for m in names if m not in counts)]


def columns_of(r, measures: list[str], catalogue: dict, *, real: bool) -> list[Column]:
    out = []
    for m in measures:
        stat, key, kind = catalogue[m]
        label = r.text.t(f"{key}_real" if real and m in REAL else key)
        ci = stat in ("median_recovery_ratio", "share_recovered")
        out.append(Column(stat, label, kind, f"{stat}_low" if ci else None, f"{stat}_high" if ci else None))
    return out


# --- one wave: recovery by any grouping ------------------------------------------------------------


def table(r, *, by=None, wave=None, measures=None, real_terms: bool | None = None) -> Table | Note:
    """Recovery at a wave by any participant column (a name, or two names for an internal table),
    including columns you add to ``r.participants``.

    ``wave``: a wave (``"m6"``), a list of waves or ``"all"`` (every wave with answers), default
    the latest with answers. ``measures``: from :data:`MEASURES` (default registered, answered,
    median recovery ratio, share recovered); the number with income data (``n``) is always shown.
    ``real_terms``: compare with the CPI-deflated pre-layoff wage (default: the results' setting);
    the caption and the column labels say so. For a public audience the table is protected by the
    release's rules (see the module docstring).

    >>> r.table(by="gender", wave="all", measures=["median_recovery_ratio"])     # doctest: +SKIP
    """
    real = r.params.real_terms if real_terms is None else real_terms
    if not isinstance(real, bool):
        raise ParameterError(f"real_terms must be True or False, not {real_terms!r}")
    dimension, groups = _dimension(r, by_list(by))
    waves = _waves(r, wave)
    chosen = choose_measures(measures, MEASURES, DEFAULT_MEASURES, "n")
    if not waves:
        return Note(r.text.t("chart_hidden", why=r.text.t("why_no_wave")))
    columns = columns_of(r, chosen, MEASURES, real=real)
    made = [_wave_table(r, dimension, groups, w, columns, real=real) for w in waves]
    if len(made) == 1:
        return made[0]
    return stack(
        [(w, r.text.wave(w), t) for w, t in zip(waves, made, strict=True)],
        table_id=made[0].id,
        block_label=r.text.t("col_wave"),
        caption=_caption(r, dimension, None, real=real),
        html_blocks=True,
    )


def _caption(r, dimension: str | None, wave: str | None, *, real: bool) -> str:
    t = r.text
    parts = [t.t("sec_recovery")]
    if wave:
        parts.append(t.wave(wave))
    if dimension == "gender":
        parts.append(t.t("sec_by_sex"))
    elif dimension == "confederation":
        parts.append(t.t("sec_by_confederation"))
    elif dimension:
        parts.append(t.t("wb_by_column", column=dimension.replace("|", " × ")))
    caption = " — ".join(parts)
    if r.params.as_of:
        caption += f" ({t.t('wb_as_of', date=r.params.as_of)})"
    return caption + (f" — {t.t('wb_real_terms')}" if real else "")


def _wave_table(r, dimension, groups, wave: str, columns: list[Column], *, real: bool) -> Table:
    if groups is None and real == r.params.real_terms:
        cells = r.line(wave, dimension)  # the report's own cells
    else:
        cells = _custom_cells(r, dimension, groups, wave, real=real)
    labels = None
    if groups is not None and "|" in (dimension or ""):
        a, b = dimension.split("|")
        labels = {
            c: f"{r.text.group(a, c.split('|')[0])} · {r.text.group(b, c.split('|')[1])}"
            for c in cells.values.index
            if "|" in c
        }
    made = table_from_cells(
        "recovery" if groups is None else "custom",
        cells,
        columns,
        rules=r.rules,
        text=r.text,
        dimension=dimension or "",
        wave=wave,
        caption=_caption(r, dimension, wave, real=real),
        group_label=r.text.t("col_group"),
        size="n_eligible",
        labels=labels,
    )
    if real:
        made.notes.append(r.text.t("real_terms_note"))
    return made


def _custom_cells(r, dimension: str | None, groups: pd.Series | None, wave: str, *, real: bool) -> Cells:
    """The cells of one wave by a grouping the report does not publish (or in the other terms)."""
    standard = groups is None
    if standard and dimension is not None:  # a breakdown of the report, in the other terms
        groups = r.frame_with_groups(r.participants, dimension)[dimension]
    column = dimension or "_all"
    mapping = pd.DataFrame({"participant_id": r.participants["participant_id"]})
    if groups is not None:
        mapping[column] = groups
    w = r.waves.drop(columns=[column], errors="ignore").merge(mapping, on="participant_id", how="left")
    by = [column] if groups is not None else []
    t = tables.recovery_table(w, wave=wave, by=by, real_terms=real)
    t.index = pd.Index([TOTAL if x == tables.ALL else str(x) for x in t[column]] if by else [TOTAL])
    t = t.drop(columns=[*by, "caveat"])
    stats = [c for c in t.columns if c != "n"]
    cells = protect_line(
        t,
        count="n",
        stats=stats,
        quantiles=[c for c in stats if c.startswith("median_")],
        dominated=_dominated(w, column, wave, real=real) if by else None,
        dominance_stats=("ratio_of_sums",),
        rules=r.rules,
        counts=("n_eligible", "n_responded"),
    )
    # the registered counts are the same in every wave: one decision for all of them
    registered = r.profile_cells(dimension) if standard else _registered_cells(r, groups)
    cells = inherit(cells, "n_eligible", registered, dependents=("response_rate",))
    # the answered counts are protected as a breakdown of their own too
    answered = protect_line(
        t[["n_responded"]].rename(columns={"n_responded": "n"}), count="n", stats=[], rules=r.rules
    )
    reasons = cells.reasons.copy()
    own = answered.reasons["n"]
    for stat in ("n_responded", "response_rate"):
        reasons[stat] = reasons[stat].where(reasons[stat] != "", own)
    return Cells(cells.values, reasons, cells.count)


def _registered_cells(r, groups: pd.Series) -> Cells:
    counts = groups.value_counts(sort=False).reindex(groups.cat.categories, fill_value=0)
    frame = pd.DataFrame({"n": [*counts.to_list(), len(groups)]}, index=[*map(str, counts.index), TOTAL])
    return protect_line(frame, count="n", stats=[], rules=r.rules)


def _dominated(w: pd.DataFrame, column: str, wave: str, *, real: bool) -> pd.Series:
    """Groups whose sums of income (now or before) are dominated by one or two people."""
    ratio = "real_recovery_ratio" if real else "recovery_ratio"
    before = "income_before_real_idr" if real else "income_before_idr"
    has = w[(w["wave"].astype(str) == wave) & w[ratio].notna()]
    if has.empty:
        return pd.Series(dtype=bool)
    out = None
    for amount in ("income_total_idr", before):
        contributions = has[[column, amount]].assign(**{column: has[column].astype(str)})
        flags = disclosure.dominance(
            contributions, group_columns=[column], value=amount, totals={column: TOTAL}
        )
        out = flags if out is None else (out | flags.reindex(out.index, fill_value=False))
    return out.rename(index=str)


# --- several blocks side by side (waves, cohorts) --------------------------------------------------


@dataclass(repr=False)  # shown as a table, like its blocks
class Stacked(Table):
    """A :class:`~impact.publish.views.Table` of several blocks (see :func:`stack`) that renders as
    its blocks' own HTML tables, each tagged with its wave, as the release audit reads them."""

    blocks: list[Table] = field(default_factory=list)

    def to_html(self) -> str:
        if not self.blocks:
            return super().to_html()
        caption = f'<p class="impact-caption">{html.escape(self.caption)}</p>' if self.caption else ""
        return caption + "\n".join(b.to_html() for b in self.blocks)


def stack(
    blocks: list[tuple[str, str, Table]],
    *,
    table_id: str,
    block_label: str,
    caption: str,
    html_blocks: bool = False,
) -> Table:
    """One table of several (one per wave, per cohort, …) with the same columns: rows ``block · group``
    (codes ``block|group``), and a first column ``block_label`` in the spreadsheet version. Each
    block keeps its own protection. ``html_blocks``: render as the blocks' own tables (blocks of
    one cohort's release, such as its waves). Pure."""
    rows, excel, notes = [], [], []
    for key, label, t in blocks:
        single = len(t.rows) == 1
        for code, group, cells in t.rows:
            rows.append((f"{key}|{code}", label if single else f"{label} · {group}", cells))
        frame = t.for_excel()
        frame.insert(0, block_label, label)
        excel.append(frame)
        notes += [f"{label}: {n}" for n in t.notes if n not in notes]
    first = blocks[0][2]
    waves = {t.wave for _, _, t in blocks}
    return Stacked(
        table_id,
        first.columns,
        rows,
        pd.concat(excel, ignore_index=True) if excel else pd.DataFrame(),
        caption=caption,
        wave=waves.pop() if len(waves) == 1 else "",
        dimension=first.dimension,
        notes=list(dict.fromkeys(notes)),
        group_label=first.group_label,
        blocks=[t for _, _, t in blocks] if html_blocks else [],
    )


# --- labels --------------------------------------------------------------------------------------


def label_terms(r, shown):
    """A report table or chart in real terms, labelled so: a table's caption and the labels of the
    figures that compare with the deflated wage, a chart's title (nominal ones, and notes, come
    back as they are)."""
    if not r.params.real_terms:
        return shown
    if hasattr(shown, "update_layout"):  # a plotly figure
        title = shown.layout.title.text or ""
        return shown.update_layout(title_text=f"{title} — {r.text.t('wb_real_terms')}")
    if not isinstance(shown, Table):
        return shown
    keys = {v[0]: v[1] for m, v in MEASURES.items() if m in REAL}
    renamed, columns = {}, []
    for c in shown.columns:
        label = r.text.t(f"{keys[c.stat]}_real") if c.stat in keys else c.label
        renamed[c.label] = label
        columns.append(replace(c, label=label))
    excel = shown.for_excel().rename(
        columns=lambda name: next(
            (
                renamed[old] + name[len(old) :]
                for old in renamed
                if name == old or name.startswith(f"{old}: ")
            ),
            name,
        )
    )
    caption = f"{shown.caption} — {r.text.t('wb_real_terms')}" if shown.caption else r.text.t("wb_real_terms")
    return replace(shown, columns=columns, excel=excel, caption=caption)
