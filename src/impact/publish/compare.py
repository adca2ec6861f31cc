"""Cohorts side by side: each cohort's own table (its own release, protected on its own), stacked.

>>> impact.compare(data, cohorts=["sukabumi-2023", "bekasi-2024"], wave="m3", by="gender")  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from impact import config, io, vocab
from impact.config import ReportParams
from impact.contract import CleanData
from impact.errors import ParameterError
from impact.publish import workbench
from impact.publish.results import build
from impact.publish.views import Table

__all__ = ["compare"]


def compare(
    source: str | Path | CleanData,
    *,
    cohorts: Sequence[str] | None = None,
    wave: str | None = None,
    as_of: str | None = None,
    by=None,
    measures: Sequence[str] | None = None,
    audience: str = "public",
    confederation: str = "all",
    subset: Mapping[str, object] | None = None,
    real_terms: bool = False,
    lang: str = "en",
    min_cell_size: int = config.MIN_CELL_SIZE,
    reference_dir: str | Path | None = None,
) -> Table:
    """Cohorts side by side at the same follow-up wave: one block of rows per cohort (overall, or
    ``by`` a participant column), the measures of :meth:`CohortResults.table
    <impact.publish.workbench.table>` as columns.

    ``cohorts``: default every cohort in the data. ``wave``: default the latest wave every cohort
    has answers for. ``as_of`` (``"YYYY-MM-DD"``) cuts every cohort's data at that day, so cohorts
    trained at different times are compared as they stood then. ``subset``: participants to keep
    (``{"gender": "female"}``; internal only). Each cohort is built with :func:`impact.build` and
    protected as its own release for a public audience.

    >>> compare(data, measures=["registered", "answered", "response_rate"])      # doctest: +SKIP
    """
    data = source if isinstance(source, CleanData) else io.load(source, orders=as_of is not None)
    chosen = _cohorts(cohorts, sorted(data.participants["cohort"].dropna().unique()))
    params = ReportParams(
        cohort=chosen[0],
        confederation=confederation,
        audience=audience,
        as_of=as_of,
        real_terms=real_terms,
        lang=lang,
        min_cell_size=min_cell_size,
    )
    built = {}
    for c in chosen:
        r = build(data, params.with_(cohort=c), reference_dir=reference_dir)
        built[c] = r.subset(**dict(subset)) if subset else r
    wave = _common_wave(built, wave, as_of)
    blocks = [(c, c, r.table(by=by, wave=wave, measures=measures)) for c, r in built.items()]
    first = next(iter(built.values()))
    t = first.text
    caption = f"{t.t('wb_compare')} — {t.wave(wave)}"
    if as_of:
        caption += f" ({t.t('wb_as_of', date=as_of)})"
    if real_terms:
        caption += f" — {t.t('wb_real_terms')}"
    return workbench.stack(blocks, table_id="compare", block_label=t.t("wb_col_cohort"), caption=caption)


def _cohorts(cohorts: object, available: list[str]) -> list[str]:
    if cohorts is None:
        return available
    chosen = [cohorts] if isinstance(cohorts, str) else cohorts
    if not isinstance(chosen, list | tuple) or not chosen or not all(isinstance(c, str) for c in chosen):
        raise ParameterError(f"cohorts={cohorts!r}: give a list of cohort names from {', '.join(available)}")
    unknown = [c for c in chosen if c not in available]
    if unknown:
        raise ParameterError(f"unknown cohort(s) {unknown}; valid cohorts: {', '.join(available)}")
    return list(dict.fromkeys(chosen))


def _common_wave(built: dict, wave: object, as_of: str | None) -> str:
    when = f" as of {as_of}" if as_of else ""
    if wave is None:
        common = set.intersection(*(set(r.answered_waves) for r in built.values()))
        if not common:
            answered = "; ".join(f"{c}: {', '.join(r.answered_waves) or 'none'}" for c, r in built.items())
            raise ParameterError(f"no wave has answers in every cohort{when} ({answered})")
        return max(common, key=lambda w: vocab.WAVES.get(w, 0))
    if not isinstance(wave, str):
        raise ParameterError(
            f"wave={wave!r}: give one wave name like 'm6' (cohorts are compared at one wave)"
        )
    lacking = [c for c, r in built.items() if wave not in r.wave_list]
    if lacking:
        waves = "; ".join(f"{c}: {', '.join(built[c].wave_list)}" for c in lacking)
        raise ParameterError(f"wave {wave!r} is not a wave of {', '.join(lacking)} (their waves: {waves})")
    unanswered = [c for c, r in built.items() if wave not in r.answered_waves]
    if unanswered:
        raise ParameterError(
            f"wave {wave!r} has no answers{when} in {', '.join(unanswered)}; give another wave or a later as_of"
        )
    return wave
