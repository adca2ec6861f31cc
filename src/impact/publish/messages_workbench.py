"""The words of the analysts' workbench (:mod:`impact.publish.workbench`), in the catalogue's form:
key → (English, Bahasa Indonesia). :data:`impact.publish.i18n.MESSAGES` includes them."""

from __future__ import annotations

__all__ = ["MESSAGES_WORKBENCH"]

MESSAGES_WORKBENCH: dict[str, tuple[str, str]] = {
    # real terms: the figures that compare with the pre-layoff wage deflated by the CPI
    "col_median_ratio_real": (
        "Median real recovery ratio (95% CI)",
        "Median rasio pemulihan riil (SK 95%)",
    ),
    "col_share_recovered_real": ("Recovered in real terms (95% CI)", "Pulih secara riil (SK 95%)"),
    "col_ratio_of_sums_real": (
        "All incomes ÷ all deflated pre-layoff wages",
        "Total pendapatan ÷ total upah riil sebelum PHK",
    ),
    "col_median_before_real": (
        "Median pre-layoff wage at interview-month prices",
        "Median upah sebelum PHK pada harga bulan wawancara",
    ),
    "wb_real_terms": (
        "real terms (pre-layoff wage deflated by the CPI)",
        "harga riil (upah sebelum PHK disesuaikan dengan IHK)",
    ),
    # captions and labels
    "wb_by_column": ("by {column}", "menurut {column}"),
    "wb_as_of": ("as of {date}", "per {date}"),
    "wb_trend": (
        "Platform activity by month since training",
        "Aktivitas platform menurut bulan sejak pelatihan",
    ),
    "wb_compare": ("Cohorts side by side", "Kohort berdampingan"),
    "wb_col_cohort": ("Cohort", "Kohort"),
}
