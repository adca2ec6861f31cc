"""Cutting a cohort's data at a day (``as_of``): checked against the cohort, by day where the data allow.

Follow-up answers are kept when interviewed on or before ``as_of``. Platform data: the months
before the one containing ``as_of`` are kept whole; that month itself counts the completed orders
placed up to the end of that day (WIB) when the order table is loaded (``impact.load(folder)``
loads it; ``impact.build(folder, as_of=...)`` reads it), and otherwise the whole month — which
the results' notes then say.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from impact import config
from impact.errors import ParameterError

__all__ = ["check_as_of", "cut_platform"]


def check_as_of(as_of: str | None, cohort) -> None:
    """Raise :class:`~impact.errors.ParameterError` when ``as_of`` is before the cohort's training
    month (``cohort``: its :class:`~impact.programme.Cohort`, or None when not known)."""
    if as_of is None or cohort is None:
        return
    start = cohort.training_month
    if dt.date.fromisoformat(as_of) < start:
        raise ParameterError(
            f"as_of {as_of!r} is before {cohort.code}'s training ({start:%B %Y}): there is nothing to "
            f"report yet; give a day on or after {start:%Y-%m-%d}, or as_of=None for all data"
        )


def cut_platform(
    monthly: pd.DataFrame, orders: pd.DataFrame, *, as_of: str
) -> tuple[pd.DataFrame, str | None]:
    """The platform months of some accounts (``monthly``: the processed ``reseller_monthly`` rows of
    those accounts) through the day ``as_of``, and a note on how the last month was cut.

    ``orders``: the processed order table (possibly empty, when not loaded). Pure.
    """
    day = pd.Timestamp(as_of)
    month = day.to_period("M").to_timestamp()
    before = monthly[monthly["month"] < month]
    if monthly.empty or month > monthly["month"].max():  # the data end before that month
        return monthly, None
    label = f"{day:%B %Y}"
    whole = day == (month + pd.offsets.MonthEnd(0))  # as_of is the month's last day
    if not len(orders):
        note = None
        if not whole:
            note = (
                f"Platform data as of {as_of}: the order table was not loaded, so {label} counts the whole "
                "month (load the processed folder with impact.load(folder), orders included, to cut it by day)."
            )
        return monthly[monthly["month"] <= month], note
    from impact.clean.sales import reseller_monthly

    end = pd.Timestamp(day + pd.Timedelta(days=1)).tz_localize(config.TIMEZONE)
    times = orders["order_time"]
    if times.dt.tz is None:
        times = times.dt.tz_localize(config.TIMEZONE)
    keys = monthly["reseller_key"].dropna().unique()
    mine = orders[(orders["month"] == month) & (times < end) & orders["reseller_key"].isin(keys)]
    cut = reseller_monthly(mine)[list(monthly.columns)].astype(monthly.dtypes.to_dict())
    note = None
    if not whole:
        note = (
            f"Platform data as of {as_of}: {label} counts the completed orders up to {day.day} {day:%B} only."
        )
    return pd.concat([before, cut], ignore_index=True), note
