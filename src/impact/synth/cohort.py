"""Small synthetic raw folders for any cohort: the shape of the data contract with whatever size,
waves, spellings and platform data a test needs (fake people only).

>>> write_cohort_folder(Path("/tmp/raw"), CohortPlan(code="karawang-2025", prefix="KRW25"))  # doctest: +SKIP
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from impact import config, vocab
from impact.synth.truth import FIRST_NAMES_F, FIRST_NAMES_M, LAST_NAMES

__all__ = ["CohortPlan", "write_cohort_folder"]

_BASELINE_HEADER = (
    "start",
    "end",
    "participant_code",
    "cohort",
    "respondent/full_name",
    "respondent/phone",
    "respondent/nik",
    "respondent/gender",
    "respondent/birth_year",
    "respondent/district",
    "union/confederation",
    "union/confederation_other",
    "employment/layoff_date",
    "employment/last_monthly_wage",
    "income/current_monthly",
    "targets/monthly",
    "reseller/account_id",
    "training/sessions_attended",
    "_id",
    "_uuid",
    "_submission_time",
)
_FOLLOWUP_HEADER = (
    "start",
    "end",
    "participant_code",
    "wave",
    "respondent/phone",
    "income/total_last_month",
    "income/reseller_last_month",
    "reseller/still_active",
    "employment/reemployed",
    "_id",
    "_submission_time",
)
_SALES_HEADER = (
    "order_id",
    "order_time",
    "reseller_id",
    "category",
    "quantity",
    "gross_amount",
    "reseller_commission",
    "status",
)


@dataclass(frozen=True)
class CohortPlan:
    """What to generate: a cohort's code, prefix and training month, how many people (by confederation
    spelling: spelling → people), which waves and how many answer each, and whether to write
    platform order exports and a ``programme.toml`` describing the cohort."""

    code: str
    prefix: str
    name: str = ""
    district: str = "Kabupaten Karawang"
    training_month: date = date(2025, 2, 1)
    confederations: dict[str, int] = field(
        default_factory=lambda: {"KSPSI Rekonsiliasi": 5, "Konfederasi Sarbumusi": 4, "KSPN": 3}
    )
    female_share: float = 0.4
    waves: dict[str, int] = field(default_factory=lambda: {"m3": 10, "m6": 8})
    sales: bool = True
    programme: bool = True
    seed: int = config.SEED


def _csv(header: tuple[str, ...], rows: list[dict]) -> str:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(header)
    for r in rows:
        writer.writerow([r.get(h, "") for h in header])
    return buf.getvalue()


def write_cohort_folder(raw: Path, plan: CohortPlan) -> dict[str, int]:
    """Write ``raw/survey/…``, ``raw/sales/…`` (if asked), ``raw/programme.toml`` (if asked) and the
    synthetic-sample marker; returns rows written per file. Deterministic for a seed."""
    rng = np.random.default_rng(plan.seed)
    (raw / "survey").mkdir(parents=True, exist_ok=True)
    people = []
    i = 0
    for spelling, n in plan.confederations.items():
        for _ in range(n):
            i += 1
            female = bool(rng.random() < plan.female_share)
            first = str(rng.choice(FIRST_NAMES_F if female else FIRST_NAMES_M))
            wage = int(rng.integers(30, 60)) * 100_000
            people.append(
                {
                    "code": f"{plan.prefix}-{i:03d}",
                    "female": female,
                    "name": f"{first} {rng.choice(LAST_NAMES)}",
                    "phone": f"0812{rng.integers(10**7, 10**8)}",
                    "confederation": spelling,
                    "wage": wage,
                    "account": f"KRW-{rng.integers(10**7, 10**8):08d}" if rng.random() < 0.8 else "",
                }
            )
    start = plan.training_month + timedelta(days=10)
    baseline = [
        {
            "start": f"{start.isoformat()}T09:00:00.000+07:00",
            "end": f"{start.isoformat()}T09:20:00.000+07:00",
            "participant_code": p["code"],
            "cohort": plan.code if k % 3 else "",
            "respondent/full_name": p["name"],
            "respondent/phone": p["phone"],
            "respondent/gender": "P" if p["female"] else "L",
            "respondent/birth_year": str(int(rng.integers(1970, 2000))),
            "respondent/district": plan.district,
            "union/confederation": p["confederation"],
            "employment/layoff_date": f"{plan.training_month.year - 1}-06",
            "employment/last_monthly_wage": f"Rp {p['wage']:,}".replace(",", "."),
            "income/current_monthly": str(int(rng.integers(0, 20)) * 100_000),
            "targets/monthly": "3000000",
            "reseller/account_id": p["account"],
            "training/sessions_attended": str(int(rng.integers(1, 4))),
            "_id": str(1000 + k),
            "_uuid": f"uuid-{plan.code}-{k}",
            "_submission_time": f"{start.isoformat()}T03:00:00",
        }
        for k, p in enumerate(people)
    ]
    counts = {}
    name = f"survey/{plan.code} registrasi - all versions - False - 2025-06-01-10-00-00.csv"
    (raw / name).write_text(_csv(_BASELINE_HEADER, baseline), encoding="utf-8")
    counts[name] = len(baseline)
    followups = []
    for wave, answered in plan.waves.items():
        months = vocab.WAVES[wave]
        when = _add_months(plan.training_month, months) + timedelta(days=5)
        for p in people[: min(answered, len(people))]:
            ratio = float(rng.lognormal(-0.25 + 0.03 * months, 0.35))
            followups.append(
                {
                    "start": f"{when.isoformat()}T10:00:00.000+07:00",
                    "end": f"{when.isoformat()}T10:15:00.000+07:00",
                    "participant_code": p["code"],
                    "wave": wave,
                    "respondent/phone": p["phone"],
                    "income/total_last_month": str(round(p["wage"] * ratio, -3)),
                    "income/reseller_last_month": str(int(rng.integers(0, 8)) * 50_000),
                    "reseller/still_active": "ya" if rng.random() < 0.6 else "tidak",
                    "employment/reemployed": "tidak",
                    "_id": str(5000 + len(followups)),
                    "_submission_time": f"{when.isoformat()}T03:30:00",
                }
            )
    name = f"survey/{plan.code} tindak lanjut - all versions - False - 2025-12-01-10-00-00.csv"
    (raw / name).write_text(_csv(_FOLLOWUP_HEADER, followups), encoding="utf-8")
    counts[name] = len(followups)
    if plan.sales:
        (raw / "sales").mkdir(exist_ok=True)
        orders = []
        accounts = [p["account"] for p in people if p["account"]]
        for n in range(max(len(accounts) * 6, 1) if accounts else 0):
            day = plan.training_month + timedelta(days=int(rng.integers(0, 240)))
            gross = int(rng.integers(5, 60)) * 10_000
            orders.append(
                {
                    "order_id": f"ORD-{plan.prefix}-{n:06d}",
                    "order_time": f"{day.isoformat()} 10:00:00",
                    "reseller_id": str(rng.choice(accounts)),
                    "category": "fashion",
                    "quantity": "1",
                    "gross_amount": str(gross),
                    "reseller_commission": str(gross // 10),
                    "status": "Selesai" if rng.random() < 0.85 else "Dibatalkan",
                }
            )
        name = "sales/orders.csv"
        (raw / name).write_text(_csv(_SALES_HEADER, orders), encoding="utf-8")
        counts[name] = len(orders)
    if plan.programme:
        waves = ", ".join(f'"{w}"' for w in plan.waves) or '"m3"'
        (raw / "programme.toml").write_text(
            f'[programme]\nname = "Test programme"\ncountry = "Indonesia"\n\n[[cohorts]]\ncode = "{plan.code}"\n'
            f'name = "{plan.name or plan.code}"\ndistrict = "{plan.district}"\n'
            f'training_month = "{plan.training_month:%Y-%m}"\ncode_prefix = "{plan.prefix}"\nwaves = [{waves}]\n',
            encoding="utf-8",
        )
    (raw / config.SAMPLE_MARKER).write_text("Synthetic test data: every person in it is fake.\n")
    return counts


def _add_months(d: date, months: int) -> date:
    year, month = divmod(d.month - 1 + months, 12)
    return date(d.year + year, month + 1, 1)
