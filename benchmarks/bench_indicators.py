"""Benchmark: every indicator function on platform-scale synthetic data, in memory.

    .venv/bin/python benchmarks/bench_indicators.py                     # 700,000 accounts × 16 months
    .venv/bin/python benchmarks/bench_indicators.py --accounts 70000    # a quick run

Data (seeded numpy, built in memory, never written): a ``participants`` table of ``--accounts``
participants with one reseller account each (cohort ``sukabumi-2023``, trained 2023-09; the
processed-data contract's dtypes, see ``docs/data-contract.md``), ``reseller_monthly`` over the
16 months 2023-09 … 2024-12 with about half of the account-months active (≈ 5.6 M rows at
700 k accounts), and follow-ups for the three waves m3/m6/m12 (response ≈ 80/70/60%). Reference
data (UMK, CPI) come from ``impact.io.read_reference()``.

Timed, one after the other on the same data: ``indicators.recovery_by_wave`` (with platform
commission, minimum wage and CPI), ``participant_months``, ``first_sales``, ``activity_curve``,
``time_to_recovery`` and ``tables.recovery_table`` at m12 by confederation × gender (a seeded
bootstrap of 2,000 resamples per cell, for the median and the ratio of sums).

``recovery_table`` runs on the first ``--table-people`` participants (default 50,000, already far
more than any follow-up survey): ``impact.stats`` resamples all 2,000 × n values of a cell at once
(``scipy.stats.bootstrap`` without ``batch``), so its time and memory grow linearly with n —
measured 5 s / 0.9 GB at 20,000 people, 12-20 s / 1.8 GB at 50,000, 49 s / 3.4 GB at 100,000,
i.e. about 6 minutes and 20+ GB at 700,000. ``--table-people 0`` runs it on everyone anyway.

Each line gives the seconds and the rows out; the last line is::

    total_seconds=<sum of the timed steps> peak_mb=<peak resident memory of the process>
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from impact import config, io, vocab
from impact.clean import schema
from impact.measure import indicators, tables

COHORT = "sukabumi-2023"
FIRST_MONTH = "2023-09-01"  # the cohort's training month
N_MONTHS = 16  # 2023-09 … 2024-12
RESPONSE = {"m3": 0.8, "m6": 0.7, "m12": 0.6}
#: participants in the recovery_table step: its seeded bootstrap (impact.stats, scipy) draws
#: 2,000 resamples of every cell at once, so time and memory grow as 2,000 × n (see the docstring)
TABLE_PEOPLE = 50_000
DISTRICTS = ["Kabupaten Sukabumi", "Kota Sukabumi"]


def _ids(prefix: str, numbers: np.ndarray) -> pd.Series:
    """``P-``/``R-`` + 16 hex digits, as the pseudonyms of the contract."""
    hexes = pd.Series(numbers, dtype="int64").map("{:016x}".format)
    return (prefix + hexes).astype("string")


def make_data(n: int, *, seed: int = config.SEED) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(participants, followups, reseller_monthly) with the processed contract's columns and dtypes."""
    rng = np.random.default_rng(seed)
    pid = _ids("P-", rng.permutation(n) + 1)
    rkey = _ids("R-", rng.permutation(n) + 1)
    gender = pd.Categorical.from_codes(
        rng.choice([0, 1, -1], size=n, p=[0.45, 0.54, 0.01]), dtype=vocab.GENDER_DTYPE
    )
    layoff = pd.to_datetime("2020-01-01") + pd.to_timedelta(rng.integers(0, 42, n) * 31, unit="D")
    participants = pd.DataFrame(
        {
            "participant_id": pid,
            "cohort": pd.array([COHORT] * n, dtype="string"),
            "confederation": pd.Categorical.from_codes(
                rng.integers(0, len(vocab.CONFEDERATIONS), n), dtype=vocab.CONFEDERATION_DTYPE
            ),
            "gender": gender,
            "birth_year": pd.array(rng.integers(1965, 2004, n), dtype="Int64"),
            "district": pd.Series(np.array(DISTRICTS)[rng.integers(0, 2, n)], dtype="string"),
            "layoff_month": layoff.to_period("M").to_timestamp().astype("datetime64[us]"),
            "income_before_idr": pd.array(rng.integers(20, 80, n) * 100_000, dtype="Int64"),
            "income_baseline_idr": pd.array(rng.integers(0, 40, n) * 100_000, dtype="Int64"),
            "target_monthly_idr": pd.array(rng.integers(10, 60, n) * 100_000, dtype="Int64"),
            "target_period_reported": pd.Categorical.from_codes(
                rng.integers(0, 4, n), dtype=vocab.TARGET_PERIOD_DTYPE
            ),
            "reseller_key": rkey,
            "sessions_attended": pd.array(rng.integers(0, 4, n), dtype="Int64"),
        }
    )
    # missing values where the contract allows them
    participants.loc[rng.random(n) < 0.02, "income_before_idr"] = pd.NA
    participants.loc[rng.random(n) < 0.01, "income_before_idr"] = 0

    # reseller_monthly: about half of the account-months active
    months = pd.date_range(FIRST_MONTH, periods=N_MONTHS, freq="MS").astype("datetime64[us]")
    account, month = np.nonzero(rng.random((n, N_MONTHS)) < 0.5)
    m = account.size
    orders = rng.integers(1, 12, m)
    gross = orders * rng.integers(50, 400, m) * 1_000
    reseller_monthly = pd.DataFrame(
        {
            "reseller_key": rkey.take(account).reset_index(drop=True),
            "participant_id": pid.take(account).reset_index(drop=True),
            "month": months.take(month),
            "orders_completed": pd.array(orders, dtype="Int64"),
            "gross_idr": pd.array(gross, dtype="Int64"),
            "commission_idr": pd.array(gross // 10, dtype="Int64"),
        }
    )

    # follow-ups: the three waves, interviewed in the wave's month after training
    parts = []
    for wave, rate in RESPONSE.items():
        who = np.flatnonzero(rng.random(n) < rate)
        k = who.size
        start = pd.Timestamp(FIRST_MONTH) + pd.DateOffset(months=vocab.WAVES[wave])
        total = rng.integers(0, 90, k) * 100_000
        parts.append(
            pd.DataFrame(
                {
                    "participant_id": pid.take(who).reset_index(drop=True),
                    "wave": pd.Categorical([wave] * k, dtype=vocab.WAVE_DTYPE),
                    "interview_date": (start + pd.to_timedelta(rng.integers(0, 28, k), unit="D")).astype(
                        "datetime64[us]"
                    ),
                    "income_total_idr": pd.array(total, dtype="Int64"),
                    "income_reseller_idr": pd.array(total // rng.integers(1, 5, k), dtype="Int64"),
                    "still_active": pd.array(rng.random(k) < 0.6, dtype="boolean"),
                    "hours_per_week": pd.array(rng.integers(0, 60, k), dtype="Int64"),
                    "reemployed": pd.array(rng.random(k) < 0.3, dtype="boolean"),
                    "wage_last_month_idr": pd.array([None] * k, dtype="Int64"),
                }
            )
        )
    followups = pd.concat(parts, ignore_index=True)
    followups.loc[rng.random(len(followups)) < 0.03, "income_total_idr"] = pd.NA
    return participants, followups, reseller_monthly


def peak_mb() -> float:
    """Peak resident memory of this process so far (MB; ru_maxrss is KB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024**2 if sys.platform == "darwin" else peak / 1024


def timed(name: str, fn: Callable[[], pd.DataFrame], timings: dict[str, float]) -> pd.DataFrame:
    start = time.perf_counter()
    out = fn()
    timings[name] = seconds = time.perf_counter() - start
    print(f"{name:<34} {seconds:8.2f} s  {len(out):>12,} rows  peak {peak_mb():8.0f} MB", flush=True)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--accounts", type=int, default=700_000, help="participants with an account (default 700000)"
    )
    parser.add_argument(
        "--table-people",
        type=int,
        default=TABLE_PEOPLE,
        help=f"participants in the recovery_table step (default {TABLE_PEOPLE:,}; 0 = all — "
        "its bootstrap holds 2,000 × n values per cell, ~20 GB at 700,000)",
    )
    parser.add_argument(
        "--check", action="store_true", help="validate the synthetic tables against the contract"
    )
    args = parser.parse_args(argv)

    start = time.perf_counter()
    participants, followups, reseller_monthly = make_data(args.accounts)
    wages, cpi = io.read_reference()
    print(
        f"data: {len(participants):,} participants, {len(followups):,} follow-ups, "
        f"{len(reseller_monthly):,} reseller-months, built in {time.perf_counter() - start:.1f} s "
        f"(peak {peak_mb():.0f} MB)",
        flush=True,
    )
    if args.check:
        for name, frame in [
            ("participants", participants),
            ("followups", followups),
            ("reseller_monthly", reseller_monthly),
        ]:
            schema.validate(name, frame)

    t: dict[str, float] = {}
    waves = timed(
        "indicators.recovery_by_wave",
        lambda: indicators.recovery_by_wave(
            participants, followups, reseller_monthly=reseller_monthly, min_wage=wages, cpi=cpi
        ),
        t,
    )
    months = timed(
        "indicators.participant_months",
        lambda: indicators.participant_months(participants, reseller_monthly),
        t,
    )
    timed("indicators.first_sales", lambda: indicators.first_sales(months), t)
    timed("indicators.activity_curve", lambda: indicators.activity_curve(months, by=["gender"]), t)
    timed("indicators.time_to_recovery", lambda: indicators.time_to_recovery(waves), t)
    people = min(args.table_people or len(participants), len(participants))
    subset = (
        waves
        if people >= len(participants)
        else waves[waves["participant_id"].isin(participants["participant_id"].iloc[:people])]
    )
    timed(
        f"tables.recovery_table ({people:,} people)",
        lambda: tables.recovery_table(subset, wave="m12", by=["confederation", "gender"]),
        t,
    )
    print(f"total_seconds={sum(t.values()):.2f} peak_mb={peak_mb():.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
