"""Named defaults and plausibility bounds. No I/O.

Every threshold used by the suite lives here once; notebooks surface the ones a
user may change as parameters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from typing import Any

from impact.errors import ParameterError

__all__ = [
    "AUDIENCES",
    "BOOTSTRAP_RESAMPLES",
    "CONFIDENCE_LEVEL",
    "LANGUAGES",
    "PROGRAMME",
    "CleaningParams",
    "ReportParams",
]

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
#: who a report is for: "public" (small groups hidden) or "internal" (all shown, not for publication)
AUDIENCES = ("public", "internal")
#: the cohort key of the programme-level report (every cohort pooled): its folder and slugs
PROGRAMME = "programme"
#: the languages a report is written in: English, Bahasa Indonesia
LANGUAGES = ("en", "id")

#: resamples of every bootstrap interval (medians, ratio of sums, differences)
BOOTSTRAP_RESAMPLES = 2000
#: level of every confidence interval
CONFIDENCE_LEVEL = 0.95

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


_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class ReportParams:
    """The parameters of one report: the single definition the notebook, the manifest, the command
    line and the Python API all use (every default is a named constant above).

    Checked when made (:class:`~impact.errors.ParameterError` naming the valid values); whether the
    cohort exists in a processed folder, and that ``as_of`` is not before its training month, is
    checked against the data by :func:`impact.publish.results.build`.

    ``as_of`` (``"YYYY-MM-DD"``): the cohort as it stood at the end of that day — follow-ups
    interviewed by then; platform months before it whole, and its own month up to that day when
    the order table is loaded (else the whole month, and the results' notes say so).

    >>> ReportParams("sukabumi-2023", confederation="kspn", audience="internal").slug
    'sukabumi-2023_kspn_internal'
    """

    cohort: str
    confederation: str = "all"  #: "all" or one confederation code
    audience: str = "public"  #: "public" or "internal"
    recovery_threshold: float = RECOVERY_THRESHOLD  #: recovered: income now / pre-layoff wage >= this
    partial_threshold: float = PARTIAL_THRESHOLD  #: partially recovered at or above this ratio
    min_cell_size: int = MIN_CELL_SIZE  #: smallest group shown in a public report
    real_terms: bool = False  #: compare with the pre-layoff wage deflated by the CPI
    as_of: str | None = None  #: "YYYY-MM-DD": ignore data after that day; None: everything
    title: str = ""  #: report title; empty for the default
    lang: str = "en"  #: "en" (English) or "id" (Bahasa Indonesia)

    def __post_init__(self) -> None:
        from impact import vocab

        if not isinstance(self.cohort, str) or not _SLUG.match(self.cohort):
            raise ParameterError(
                f"cohort {self.cohort!r}: use lower-case letters, digits and '-' (e.g. 'bekasi-2024')"
            )
        codes = ["all", *vocab.CONFEDERATIONS]
        if self.confederation not in codes:
            raise ParameterError(f"unknown confederation {self.confederation!r}; valid: {', '.join(codes)}")
        if self.audience not in AUDIENCES:
            raise ParameterError(f"audience must be 'public' or 'internal', not {self.audience!r}")
        for name in ("recovery_threshold", "partial_threshold"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ParameterError(f"{name} must be a number, not {value!r}")
        if not 0 < self.partial_threshold <= self.recovery_threshold:
            raise ParameterError("need 0 < partial_threshold <= recovery_threshold")
        if isinstance(self.min_cell_size, bool) or not isinstance(self.min_cell_size, int):
            raise ParameterError(f"min_cell_size must be a whole number, not {self.min_cell_size!r}")
        if self.min_cell_size < 1:
            raise ParameterError("min_cell_size must be at least 1")
        if self.audience == "public" and self.min_cell_size < MIN_CELL_SIZE:
            raise ParameterError(f"a public report needs min_cell_size >= {MIN_CELL_SIZE}")
        if not isinstance(self.real_terms, bool):
            raise ParameterError(f"real_terms must be true or false, not {self.real_terms!r}")
        if self.as_of is not None:
            if not isinstance(self.as_of, str) or not _DATE.match(self.as_of):
                raise ParameterError(f"as_of must be a date like 2024-12-31, not {self.as_of!r}")
            import datetime as dt

            try:
                dt.date.fromisoformat(self.as_of)
            except ValueError:
                raise ParameterError(f"as_of {self.as_of!r} is not a real date") from None
        if not isinstance(self.title, str):
            raise ParameterError(f"title must be text, not {self.title!r}")
        if self.lang not in LANGUAGES:
            raise ParameterError(f"lang must be one of {', '.join(LANGUAGES)}, not {self.lang!r}")

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """The parameter names, in order."""
        return tuple(f.name for f in fields(cls))

    @classmethod
    def from_mapping(cls, values: dict[str, Any], *, where: str = "parameters") -> ReportParams:
        """Parameters from a mapping (a manifest run, papermill parameters); unknown names are an error."""
        unknown = sorted(set(values) - set(cls.names()))
        if unknown:
            raise ParameterError(f"{where}: unknown parameter(s) {unknown}; valid: {', '.join(cls.names())}")
        if "cohort" not in values:
            raise ParameterError(f"{where}: no cohort given")
        return cls(**values)

    def with_(self, **changes: Any) -> ReportParams:
        """A copy with some parameters changed (checked again)."""
        return replace(self, **changes)

    @property
    def slug(self) -> str:
        """``<cohort>_<confederation>_<audience>`` (``_id`` added for the Indonesian edition): the file
        name stem of the report's outputs."""
        base = f"{self.cohort}_{self.confederation}_{self.audience}"
        return base if self.lang == "en" else f"{base}_{self.lang}"

    @property
    def internal(self) -> bool:
        return self.audience == "internal"

    def as_dict(self) -> dict[str, Any]:
        """Every parameter by name (what papermill injects into the report notebook)."""
        return {name: getattr(self, name) for name in self.names()}
