"""The Excel annex of a cohort: every table of its report (the same figures, as numbers), and a
notes sheet — for one audience; internal annexes say "not for publication" on every sheet."""

from __future__ import annotations

import pandas as pd

from impact import config
from impact.config import ReportParams
from impact.contract import CleanData
from impact.publish import narrative
from impact.publish.results import CohortResults, build
from impact.publish.views import Table

__all__ = ["annex_tables", "annex_views"]


def annex_views(r: CohortResults) -> dict[str, Table]:
    """Sheet name → the report's table, for every table the annex carries."""
    views: dict[str, object] = {
        "participation": r.participation(),
        "profile_by_sex": r.profile(by="gender"),
        "profile_by_confederation": r.profile(by="confederation"),
    }
    for w in r.answered_waves:
        views[f"recovery_{w}"] = r.recovery(wave=w)
        views[f"recovery_{w}_by_sex"] = r.recovery(by="gender", wave=w)
        views[f"recovery_{w}_by_confederation"] = r.recovery(by="confederation", wave=w)
        if r.params.internal:
            views[f"recovery_{w}_conf_x_sex"] = r.recovery(by=["confederation", "gender"], wave=w)
    views |= {
        "logframe": r.logframe(),
        "comparisons": r.comparisons(),
        "time_to_recovery": r.time_to_recovery(),
        "income_sources": r.income_sources(),
        "platform_activity": r.activity_table(),
        "commission": r.commission_table(),
        "targets": r.targets(),
        "attrition": r.balance(),
        "data_quality": r.data_quality(),
    }
    effect = r.impact()  # against the cohort's comparison group, when it has one
    if effect.available:
        views |= {
            "impact_recovery_ratio": effect.did("recovery_ratio"),
            "impact_income": effect.did("income_idr"),
            "impact_balance": effect.balance(),
        }
    if r.params.internal:
        views["quarantine_summary"] = r.quarantine_summary()
    return {name: v for name, v in views.items() if isinstance(v, Table)}


def annex_tables(
    data: CleanData, cohort: str, audience: str, *, lang: str = "en", **params
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """The Excel annex of one cohort for one audience: (sheet name → table, notes table)."""
    r = build(data, ReportParams(cohort=cohort, audience=audience, lang=lang, **params))
    t = r.text
    tabs = {name: view.for_excel() for name, view in annex_views(r).items()}
    marking = t.t("audience_internal") if r.params.internal else t.t("audience_public")
    rows = [
        ("title", f"{t.t('report_title')} — {r.programme.cohort_name(cohort)}"),
        ("audience", marking),
        ("programme", r.programme.name or "–"),
        ("latest wave", t.wave(r.latest_wave) if r.latest_wave else "–"),
        ("minimum cell size", str(r.params.min_cell_size)),
        ("medians and percentiles", f"shown for groups of at least {r.rules.k_quantile} people"),
        ("recovered", f"recovery ratio >= {r.params.recovery_threshold}"),
        ("intervals", f"bootstrap ({config.BOOTSTRAP_RESAMPLES:,} resamples, fixed seed); shares: Wilson"),
        ("money", "rupiah per month; commission is income, GMV (sales value) is not"),
        *(("legend", line.lstrip("- ").replace("**", "")) for line in narrative.legend(r).splitlines()),
        *(("note", n) for n in r.notes),
    ]
    notes = pd.DataFrame(rows, columns=["item", "text"])
    return tabs, notes
