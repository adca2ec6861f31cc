"""The Excel annex of the programme report: every table it shows (the same figures, as numbers),
and a notes sheet, for one audience — the programme release's annex."""

from __future__ import annotations

import pandas as pd

from impact import config
from impact.config import ReportParams
from impact.contract import CleanData
from impact.publish import narrative
from impact.publish.programme import PROGRAMME, ProgrammeResults, programme_results
from impact.publish.views import Table

__all__ = ["programme_annex_tables", "programme_annex_views"]


def programme_annex_views(p: ProgrammeResults) -> dict[str, Table]:
    """Sheet name → the programme report's table, for every table the annex carries."""
    views: dict[str, object] = {"contributions": p.contributions()}
    for d in p.dimensions:
        views[f"participation_by_{'sex' if d == 'gender' else d}"] = p.participation(by=d)
    for w in p.answered_waves:
        views[f"recovery_{w}"] = p.recovery(wave=w)
        views[f"recovery_{w}_by_sex"] = p.recovery(by="gender", wave=w)
        views[f"recovery_{w}_by_confederation"] = p.recovery(by="confederation", wave=w)
    views |= {"cohort_comparison": p.cohort_comparison(), "logframe": p.logframe()}
    effect = p.impact()
    if effect.available:
        views |= {
            "impact_recovery_ratio": effect.did("recovery_ratio"),
            "impact_income": effect.did("income_idr"),
            "impact_balance": effect.balance(),
        }
    return {name: v for name, v in views.items() if isinstance(v, Table)}


def programme_annex_tables(
    data: CleanData, audience: str, *, lang: str = "en", **params
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """The Excel annex of the programme report for one audience: (sheet name → table, notes table)."""
    p = programme_results(data, ReportParams(cohort=PROGRAMME, audience=audience, lang=lang, **params))
    t = p.text
    tabs = {name: view.for_excel() for name, view in programme_annex_views(p).items()}
    marking = t.t("audience_internal") if p.params.internal else t.t("audience_public")
    rows = [
        ("title", f"{t.t('report_title')} — {t.t('prog_title')}"),
        ("audience", marking),
        ("programme", p.programme.name or "–"),
        ("cohorts", "; ".join(p.programme.cohort_name(c) for c in p.cohorts)),
        ("minimum cell size", str(p.params.min_cell_size)),
        ("medians and percentiles", f"shown for groups of at least {p.rules.k_quantile} people"),
        ("recovered", f"recovery ratio >= {p.params.recovery_threshold}"),
        (
            "intervals",
            f"cluster bootstrap over participants within cohort ({config.BOOTSTRAP_RESAMPLES:,} resamples, "
            "fixed seed)",
        ),
        ("money", "rupiah per month; commission is income, GMV (sales value) is not"),
        *(("legend", line.lstrip("- ").replace("**", "")) for line in narrative.legend(p).splitlines()),
        *(("note", n) for n in p.notes),
    ]
    return tabs, pd.DataFrame(rows, columns=["item", "text"])
