"""The Excel annex of a cohort: every published table of its report, plus a notes sheet."""

from __future__ import annotations

import pandas as pd

from impact import config
from impact.config import ReportParams
from impact.contract import CleanData
from impact.publish import disclosure
from impact.publish.format import for_excel, survival_summary
from impact.publish.results import build

__all__ = ["annex_tables"]


def annex_tables(
    data: CleanData, cohort: str, audience: str, **params
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """The Excel annex of one cohort for one audience: (sheet name → table, notes table)."""
    r = build(data, ReportParams(cohort=cohort, audience=audience, **params))
    tabs: dict[str, pd.DataFrame] = {
        "profile": for_excel(r.profile()),
        "baseline": for_excel(r.baseline_profile()),
        "recovery_overall": for_excel(r.recovery()),
        "recovery_by_gender": for_excel(r.recovery(by=["gender"])),
        "recovery_by_confederation": for_excel(r.recovery(by=["confederation"])),
        "recovery_conf_x_gender": for_excel(r.recovery(by=["confederation", "gender"])),
    }
    for w in r.wave_list:
        tabs[f"recovery_{w}_by_gender"] = for_excel(r.recovery(by=["gender"], wave=w))
    shares, sentence = survival_summary(r)
    tabs |= {
        "logframe": r.logframe(),
        "comparisons": r.comparisons(),
        "time_to_recovery": shares,
        "response_by_wave": for_excel(r.response(by=["gender"])),
        "target_attainment": for_excel(r.target_attainment()),
        "platform_activity": r.activity_table(),
        "commission_quantiles": r.commission_table(),
        "data_quality": r.data_quality(),
        "quarantine_summary": r.quarantine_summary(),
    }
    legend = disclosure.legend(r.params.min_cell_size, audience=audience)
    rows = [
        ("title", f"Indicator annex — {r.programme.cohort_name(cohort)} ({audience})"),
        (
            "audience",
            "INTERNAL — not for publication" if audience == "internal" else "public: small cells hidden",
        ),
        ("latest wave", r.latest_wave),
        ("minimum cell size", str(r.params.min_cell_size)),
        (
            "recovery ratio",
            "income last month / last normal monthly wage before the layoff; missing when either is missing",
        ),
        ("recovered", f"recovery ratio >= {r.params.recovery_threshold}"),
        (
            "confidence intervals",
            f"medians and ratio of sums: percentile bootstrap ({config.BOOTSTRAP_RESAMPLES:,} resamples, fixed seed); shares: Wilson",
        ),
        ("time to recovery", sentence),
        ("money", "rupiah per month; commission is income, GMV (sales value) is not"),
        ("definitions", "docs/indicators.md in the impact project"),
        (
            "source",
            "KoboToolbox baseline and follow-up surveys; platform order exports; BPS CPI; West Java UMK decrees",
        ),
        *((f"legend {m}", t) for m, t in zip(legend["marker"], legend["meaning"], strict=True)),
        *(("note", n) for n in r.notes),
    ]
    notes = pd.DataFrame(rows, columns=["item", "text"])
    return tabs, notes
