"""The sample's truth files: the clean values the generator started from, and the anomalies it planted."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from impact.synth.messy import Recorder
from impact.synth.truth import monthly_target

__all__ = ["write_followups", "write_people", "write_truth"]


def write_people(path: Path, ppl: pd.DataFrame) -> None:
    targets = [monthly_target(r) for r in ppl.to_dict("records")]
    ppl = ppl.assign(
        target_monthly_idr=[t[0] for t in targets],
        target_period_reported=[t[1] for t in targets],
        layoff_month=ppl["layoff_month"].dt.strftime("%Y-%m"),
    )
    cols = [
        "participant_code",
        "cohort",
        "gender",
        "birth_year",
        "district",
        "confederation",
        "layoff_month",
        "income_before_idr",
        "income_baseline_idr",
        "target_monthly_idr",
        "target_period_reported",
        "reseller_id",
        "sessions_attended",
    ]
    ppl[cols].astype(
        {
            "income_before_idr": "Int64",
            "income_baseline_idr": "Int64",
            "target_monthly_idr": "Int64",
            "sessions_attended": "Int64",
        }
    ).to_csv(path, index=False, lineterminator="\n")


def write_followups(path: Path, fu: pd.DataFrame) -> None:
    fu = fu.assign(interview_date=fu["interview_date"].dt.strftime("%Y-%m-%d"))
    fcols = [
        "participant_code",
        "wave",
        "interview_date",
        "income_total_idr",
        "income_reseller_idr",
        "still_active",
        "hours_per_week",
        "reemployed",
    ]
    fu[fcols].astype(
        {"income_total_idr": "Int64", "income_reseller_idr": "Int64", "hours_per_week": "Int64"}
    ).to_csv(path, index=False, lineterminator="\n")


def write_truth(d: Path, ppl: pd.DataFrame, fu: pd.DataFrame, orders: pd.DataFrame, rec: Recorder) -> None:
    write_people(d / "participants.csv", ppl)
    write_followups(d / "followups.csv", fu)
    o = orders.assign(
        order_time=orders["order_time"].dt.strftime("%Y-%m-%dT%H:%M:%S%z"),
        month=orders["month"].dt.strftime("%Y-%m"),
    )
    o.to_csv(d / "orders.csv", index=False, lineterminator="\n")
    done = orders[orders["status"] == "completed"]
    monthly = (
        done.groupby(["reseller_id", "month"])
        .agg(
            orders_completed=("order_id", "size"),
            gross_idr=("gross_idr", "sum"),
            commission_idr=("commission_idr", "sum"),
        )
        .reset_index()
    )
    monthly.assign(month=monthly["month"].dt.strftime("%Y-%m")).to_csv(
        d / "reseller_monthly.csv", index=False, lineterminator="\n"
    )
    (d / "anomalies.json").write_text(json.dumps(rec.items, indent=1, ensure_ascii=False) + "\n")
