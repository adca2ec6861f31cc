"""Named defaults and plausibility bounds. No I/O.

Every threshold used by the suite lives here once; notebooks surface the ones a
user may change as parameters.
"""

from __future__ import annotations

from dataclasses import dataclass

#: fixed seed of the sample generator and of every bootstrap
SEED = 20230915

#: days worked per month when a daily income target is converted to a month
WORKING_DAYS_PER_MONTH = 26
#: weeks per month when a weekly target is converted (52 weeks / 12 months)
WEEKS_PER_MONTH = 52 / 12

#: a monthly income or wage above this (rupiah) is implausible for this population
MAX_MONTHLY_INCOME_IDR = 100_000_000
#: an income target above this (rupiah, per month after conversion) is implausible
MAX_MONTHLY_TARGET_IDR = 1_000_000_000
#: an order's gross value (GMV) above this (rupiah) is implausible for a reseller order
MAX_ORDER_GROSS_IDR = 1_000_000_000
#: quantity of items in one order above this is implausible
MAX_ORDER_QUANTITY = 10_000
#: hours per week cannot exceed the hours in a week
MAX_HOURS_PER_WEEK = 168
#: training had three sessions
MAX_SESSIONS = 3
#: birth years outside this range are implausible for working-age participants
BIRTH_YEAR_RANGE = (1940, 2010)
#: layoff dates outside this range are implausible (the programme targets post-pandemic layoffs)
LAYOFF_DATE_RANGE = ("2015-01-01", "2025-12-31")
#: order timestamps outside this range are implausible
ORDER_TIME_RANGE = ("2020-01-01", "2030-12-31")

#: the platform's time zone: order months are calendar months here (WIB, UTC+7)
TIMEZONE = "Asia/Jakarta"

#: default income-recovery threshold (ratio of income now to income before)
RECOVERY_THRESHOLD = 1.0
#: default partial-recovery threshold
PARTIAL_THRESHOLD = 0.5
#: default minimum published cell size, and the strict alternative
MIN_CELL_SIZE = 5
MIN_CELL_SIZE_STRICT = 10

#: environment variable holding the pseudonymisation secret
SECRET_ENV = "IMPACT_SECRET"
#: secret used ONLY for the bundled synthetic sample (a folder carrying SAMPLE_MARKER)
DEMO_SECRET = "impact-demo-secret-synthetic-sample-only"
#: file the sample generator writes into a raw folder to mark it as synthetic
SAMPLE_MARKER = "SYNTHETIC_SAMPLE.txt"


@dataclass(frozen=True)
class CleaningParams:
    """Parameters of the cleaning stage (all have documented defaults)."""

    working_days_per_month: int = WORKING_DAYS_PER_MONTH
    max_monthly_income_idr: int = MAX_MONTHLY_INCOME_IDR
    max_order_gross_idr: int = MAX_ORDER_GROSS_IDR
