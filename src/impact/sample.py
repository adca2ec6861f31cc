"""Deterministic synthetic sample data shaped by the raw-data contract.

``write_sample(out_dir)`` writes ``out_dir/raw`` (survey and sales exports with the
messiness seen in the field) and ``out_dir/truth`` (the clean values the generator
started from, and the anomalies it planted), so that tests can check cleaning
against the truth. Everything is fake: names, phones and NIKs are generated from
short lists of common Indonesian given names and random digits.

The generator works per participant (88 people), so plain Python is fine here;
the platform-scale generator lives in :mod:`impact.sample_scale`.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from impact import config, vocab
from impact.sales import SALES_FIELDS

# --- fake identities ---------------------------------------------------------------------

FIRST_NAMES_F = (
    "Siti", "Dewi", "Rina", "Yanti", "Nurul", "Lilis", "Euis", "Neneng", "Tuti", "Ani",
    "Wati", "Imas", "Yuli", "Ratna", "Eni", "Iis", "Nining", "Rosita", "Fitri", "Mira",
)  # fmt: skip
FIRST_NAMES_M = (
    "Budi", "Agus", "Dedi", "Asep", "Iwan", "Ujang", "Cecep", "Dadang", "Hendra", "Rudi",
    "Wahyu", "Eko", "Yayan", "Dodi", "Ade", "Rahmat", "Deni", "Jajang", "Endang", "Tatang",
)  # fmt: skip
LAST_NAMES = (
    "Hidayat", "Saputra", "Kurniawan", "Setiawan", "Permana", "Nugraha", "Rahayu", "Lestari",
    "Suryani", "Maulana", "Firmansyah", "Gunawan", "Hermawan", "Ramdani", "Sulastri", "Sopandi",
    "Mulyana", "Supriatna", "Kusnadi", "Rohmat",
)  # fmt: skip
MOBILE_PREFIXES = ("811", "812", "813", "821", "822", "852", "853", "857", "858", "877", "878", "895", "896")
NIK_REGION = {"Kabupaten Sukabumi": "3202", "Kota Sukabumi": "3272", "Kota Bekasi": "3275",
              "Kabupaten Karawang": "3215"}  # fmt: skip
FEDERATIONS = {
    "kspsi_rek": ("FSP KEP", "FSP TSK", "FSP RTMM"),
    "kspsi_caitu": ("FSP LEM", "FSP KEP"),
    "ksbsi": ("FKUI", "F-HUKATAN", "NIKEUBA"),
    "sarbumusi": ("F-Sarbumusi Garmen", "PC Sarbumusi Sukabumi"),
    "kspn": ("SPN Tekstil", "SPN Garmen"),
}
CATEGORIES = {  # category -> commission rate (share of GMV)
    "fashion": 0.15, "kecantikan": 0.18, "rumah_tangga": 0.12, "makanan": 0.10, "elektronik": 0.08,
    "kesehatan": 0.14, "ibu_bayi": 0.13, "aksesoris": 0.20,
}  # fmt: skip
INCOME_SOURCES = ("reseller", "wage_job", "informal_trade", "agriculture", "transfers", "none")

ID_MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
             "Oktober", "November", "Desember")  # fmt: skip
ID_MONTHS_SHORT = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")

SALES_END = date(2024, 12, 31)

# --- cohort specifications -----------------------------------------------------------------


@dataclass(frozen=True)
class CohortSpec:
    """How one synthetic cohort is drawn."""

    cohort: str
    confederation_sizes: dict[str, int]
    female_share: dict[str, float]
    districts: dict[str, float]
    layoff_range: tuple[str, str]
    responders: dict[str, int]
    sessions: tuple[int, int, int]  # how many attended session 1, 2, 3
    form_start: datetime
    wage_centre_idr: int
    extra: dict = field(default_factory=dict)


SPECS = (
    CohortSpec(
        cohort="sukabumi-2023",
        confederation_sizes={"kspsi_rek": 14, "kspsi_caitu": 8, "ksbsi": 11, "sarbumusi": 9, "kspn": 6},
        female_share={"kspsi_rek": 0.5, "kspsi_caitu": 0.25, "ksbsi": 0.55, "sarbumusi": 0.35, "kspn": 0.2},
        districts={"Kabupaten Sukabumi": 0.75, "Kota Sukabumi": 0.25},
        layoff_range=("2020-04-01", "2023-06-30"),
        responders={"m3": 34, "m6": 30, "m12": 29},
        sessions=(48, 30, 29),
        form_start=datetime(2023, 9, 12, 8, 30),
        wage_centre_idr=3_150_000,
    ),
    CohortSpec(
        cohort="bekasi-2024",
        confederation_sizes={"kspsi_rek": 9, "kspsi_caitu": 10, "ksbsi": 6, "sarbumusi": 5, "kspn": 10},
        female_share={"kspsi_rek": 0.45, "kspsi_caitu": 0.5, "ksbsi": 0.3, "sarbumusi": 0.2, "kspn": 0.4},
        districts={"Kota Bekasi": 0.7, "Kabupaten Karawang": 0.3},
        layoff_range=("2021-01-01", "2024-03-31"),
        responders={"m3": 31, "m6": 26},
        sessions=(40, 31, 27),
        form_start=datetime(2024, 5, 14, 8, 0),
        wage_centre_idr=5_100_000,
    ),
)


def _round_to(x: float, step: int) -> int:
    return int(step * round(float(x) / step))


# --- clean truth ---------------------------------------------------------------------------


def build_participants(rng: np.random.Generator, spec: CohortSpec) -> pd.DataFrame:
    """Clean participant records of one cohort (the truth), one row per participant."""
    cohort = vocab.COHORTS[spec.cohort]
    confeds = [c for c, k in spec.confederation_sizes.items() for _ in range(k)]
    n = len(confeds)
    rng.shuffle(confeds)
    # exact number of women per confederation (about 40% overall, unevenly spread)
    female = np.zeros(n, dtype=bool)
    for c, size in spec.confederation_sizes.items():
        idx = [i for i, x in enumerate(confeds) if x == c]
        female[rng.choice(idx, size=round(size * spec.female_share[c]), replace=False)] = True
    districts = rng.choice(list(spec.districts), size=n, p=list(spec.districts.values()))
    lo, hi = (pd.Timestamp(x) for x in spec.layoff_range)
    layoff = [lo + timedelta(days=int(d)) for d in rng.integers(0, (hi - lo).days, size=n)]
    wage = rng.lognormal(np.log(spec.wage_centre_idr), 0.18, size=n)
    high = rng.random(n) < 0.1  # a few well above the minimum wage (supervisors, skilled)
    wage = np.where(high, wage * rng.uniform(1.6, 2.6, size=n), wage)
    wage = np.array([_round_to(w, 50_000) for w in wage])
    has_income = rng.random(n) < 0.65
    income_now = np.where(has_income, rng.lognormal(np.log(900_000), 0.6, size=n), 0)
    income_now = np.array([_round_to(v, 50_000) for v in income_now])

    # sessions attended: nested attendance (s1 >= s2 >= s3)
    order = rng.permutation(n)
    s1, s2, s3 = spec.sessions
    sessions = np.zeros(n, dtype=int)
    sessions[order[:s1]] += 1
    sessions[order[:s2]] += 1
    sessions[order[:s3]] += 1

    rows = []
    for i in range(n):
        is_f = bool(female[i])
        first = rng.choice(FIRST_NAMES_F if is_f else FIRST_NAMES_M)
        name = f"{first} {rng.choice(LAST_NAMES)}"
        birth = date(int(rng.integers(1970, 2000)), int(rng.integers(1, 13)), int(rng.integers(1, 29)))
        day = birth.day + (40 if is_f else 0)
        nik = f"{NIK_REGION[districts[i]]}{rng.integers(10, 99)}{day:02d}{birth.month:02d}{birth.year % 100:02d}"
        nik += f"{rng.integers(1, 9999):04d}"
        phone = (
            "+62" + str(rng.choice(MOBILE_PREFIXES)) + "".join(str(d) for d in rng.integers(0, 10, size=8))
        )
        targets = _draw_targets(rng, wage[i])
        rows.append(
            {
                "participant_code": f"{cohort.code_prefix}-{i + 1:03d}",
                "cohort": spec.cohort,
                "full_name": name,
                "phone": phone,
                "nik": nik,
                "gender": "female" if is_f else "male",
                "birth_year": birth.year,
                "district": str(districts[i]),
                "confederation": confeds[i],
                "federation": str(rng.choice(FEDERATIONS[confeds[i]])),
                "layoff_date": layoff[i].date(),
                "income_before_idr": int(wage[i]),
                "income_baseline_idr": int(income_now[i]),
                **targets,
                "reseller_id": f"EVM-{int(rng.integers(100_000, 99_999_999)):08d}"
                if rng.random() < 0.9
                else None,
                "sessions_attended": int(sessions[i]),
            }
        )
    df = pd.DataFrame(rows)
    df["layoff_month"] = pd.to_datetime(df["layoff_date"]).dt.to_period("M").dt.to_timestamp()
    return df


def _draw_targets(rng: np.random.Generator, wage: int) -> dict:
    """One or two of the daily / weekly / monthly / yearly targets, as set in training."""
    monthly = _round_to(rng.uniform(0.5, 1.5) * wage, 500_000)
    monthly = max(monthly, 1_000_000)
    out: dict = {"target_daily_idr": None, "target_weekly_idr": None, "target_monthly_idr_reported": None,
                 "target_yearly_idr": None}  # fmt: skip
    kinds = rng.choice(
        ["monthly", "daily", "weekly", "yearly", "daily+monthly", "monthly+yearly", "daily+weekly"],
        p=[0.3, 0.2, 0.1, 0.05, 0.2, 0.1, 0.05],
    )
    if "daily" in kinds:
        out["target_daily_idr"] = max(_round_to(monthly / config.WORKING_DAYS_PER_MONTH, 10_000), 10_000)
    if "weekly" in kinds:
        out["target_weekly_idr"] = _round_to(monthly / config.WEEKS_PER_MONTH, 50_000)
    if "monthly" in kinds:
        out["target_monthly_idr_reported"] = monthly
    if "yearly" in kinds:
        out["target_yearly_idr"] = monthly * 12
    return out


def monthly_target(row: dict) -> tuple[int | None, str | None]:
    """The documented conversion: monthly wins, then weekly, daily, yearly; rounded to a rupiah."""
    if pd.notna(row.get("target_monthly_idr_reported")):
        return int(row["target_monthly_idr_reported"]), "monthly"
    if pd.notna(row.get("target_weekly_idr")):
        return int(np.floor(row["target_weekly_idr"] * 52 / 12 + 0.5)), "weekly"
    if pd.notna(row.get("target_daily_idr")):
        return int(row["target_daily_idr"] * config.WORKING_DAYS_PER_MONTH), "daily"
    if pd.notna(row.get("target_yearly_idr")):
        return int(np.floor(row["target_yearly_idr"] / 12 + 0.5)), "yearly"
    return None, None


def build_orders(
    rng: np.random.Generator, participants: pd.DataFrame, *, extra_resellers: int = 6
) -> pd.DataFrame:
    """Clean orders (current state) of the participants' accounts and a few other resellers."""
    accounts = participants.loc[participants["reseller_id"].notna(), ["reseller_id", "cohort", "gender"]]
    others = pd.DataFrame(
        {
            "reseller_id": [
                f"EVM-{int(x):08d}" for x in rng.integers(100_000, 99_999_999, size=extra_resellers)
            ],
            "cohort": rng.choice(list(vocab.COHORTS), size=extra_resellers),
            "gender": "unknown",
        }
    )
    rows = []
    for acc in pd.concat([accounts, others], ignore_index=True).itertuples(index=False):
        start = pd.Timestamp(vocab.COHORTS[acc.cohort].training_month)
        if rng.random() < 0.2:  # never sells
            continue
        scale = rng.lognormal(np.log(6), 1.2) * (0.8 if acc.gender == "female" else 1.0)
        p_active = rng.beta(3, 2)
        for month in pd.period_range(start, SALES_END, freq="M"):
            if rng.random() > p_active:
                continue
            k = min(1 + rng.poisson(scale), 300)
            first = month.to_timestamp()
            seconds = rng.integers(0, month.days_in_month * 1440, size=k) * 60  # exports keep minutes
            cats = rng.choice(list(CATEGORIES), size=k)
            gross = np.maximum(np.round(rng.lognormal(np.log(200_000), 0.7, size=k) / 500) * 500, 10_000)
            status = rng.choice(list(vocab.ORDER_STATUSES), size=k, p=[0.85, 0.08, 0.07])
            for j in range(k):
                rows.append(
                    {
                        "reseller_id": acc.reseller_id,
                        "order_time": (first + pd.Timedelta(seconds=int(seconds[j]))).tz_localize(
                            config.TIMEZONE
                        ),
                        "category": str(cats[j]),
                        "quantity": int(1 + rng.poisson(0.6)),
                        "gross_idr": int(gross[j]),
                        "commission_idr": int(round(gross[j] * CATEGORIES[cats[j]])),  # noqa: RUF046
                        "status": str(status[j]),
                    }
                )
    orders = pd.DataFrame(rows).sort_values(["order_time", "reseller_id"], kind="stable", ignore_index=True)
    # plant a few orders in the first hours of a month (UTC still in the previous month)
    early = rng.choice(len(orders), size=8, replace=False)
    t = orders["order_time"]
    new = t.iloc[early].dt.tz_localize(None).dt.to_period("M").dt.to_timestamp().dt.tz_localize(
        config.TIMEZONE
    ) + pd.to_timedelta(rng.integers(0, 7 * 60, size=8) * 60, unit="s")
    orders.loc[orders.index[early], "order_time"] = new.to_numpy()
    orders = orders.sort_values(["order_time", "reseller_id"], kind="stable", ignore_index=True)
    orders.insert(
        0,
        "order_id",
        [f"ORD-{7_000_000_000 + i * 7 + int(rng.integers(0, 7)):010d}" for i in range(len(orders))],
    )
    orders["month"] = orders["order_time"].dt.tz_localize(None).dt.to_period("M").dt.to_timestamp()
    return orders


def build_followups(
    rng: np.random.Generator, participants: pd.DataFrame, orders: pd.DataFrame, spec: CohortSpec
) -> pd.DataFrame:
    """Clean follow-up answers (the truth), one row per responding participant x wave."""
    cohort = vocab.COHORTS[spec.cohort]
    ppl = participants[participants["cohort"] == spec.cohort].reset_index(drop=True)
    n = len(ppl)
    completed = orders[orders["status"] == "completed"]
    commission = completed.groupby(["reseller_id", "month"])["commission_idr"].sum()
    # propensity to stay: more sessions, more likely to respond (informative attrition)
    stay = ppl["sessions_attended"].to_numpy() + rng.normal(0, 1.0, size=n)
    rank = np.argsort(-stay, kind="stable")
    gap = np.where(ppl["gender"] == "female", -0.3, 0.0)
    final_log_ratio = rng.normal(-0.25, 0.45, size=n) + gap
    reemployed_p = rng.random(n)
    rows = []
    for wave in cohort.waves:
        k = spec.responders[wave]
        months = vocab.WAVES[wave]
        responders = rank[:k].copy()
        if wave == "m6" and "m12" in cohort.waves:  # one person skips m6 and comes back at m12
            responders[-1] = rank[k]
        for i in sorted(responders):
            p = ppl.iloc[i]
            interview = pd.Timestamp(cohort.training_month) + pd.DateOffset(months=months)
            interview = interview + pd.Timedelta(days=int(rng.integers(4, 25)))
            last_month = (interview - pd.DateOffset(months=1)).to_period("M").to_timestamp()
            frac = {"m3": 0.5, "m6": 0.8, "m12": 1.0}[wave]
            base_ratio = p["income_baseline_idr"] / p["income_before_idr"]
            ratio = base_ratio + (np.exp(final_log_ratio[i]) - base_ratio) * frac
            ratio = max(ratio * rng.lognormal(0, 0.1), 0)
            platform = int(commission.get((p["reseller_id"], last_month), 0)) if p["reseller_id"] else 0
            reseller_income = _round_to(platform * rng.uniform(0.8, 1.2), 50_000) if platform else 0
            reemployed = bool(reemployed_p[i] < {"m3": 0.1, "m6": 0.2, "m12": 0.3}[wave] and ratio > 0.6)
            wage = _round_to(ratio * p["income_before_idr"] * 0.8, 50_000) if reemployed else None
            total = max(_round_to(ratio * p["income_before_idr"], 50_000), reseller_income + (wage or 0))
            rows.append(
                {
                    "participant_code": p["participant_code"],
                    "cohort": spec.cohort,
                    "wave": wave,
                    "interview_date": interview.normalize(),
                    "income_total_idr": int(total),
                    "income_reseller_idr": int(reseller_income),
                    "still_active": bool(reseller_income > 0 or rng.random() < 0.2),
                    "hours_per_week": int(rng.integers(2, 40))
                    if reseller_income > 0
                    else int(rng.integers(0, 5)),
                    "reemployed": reemployed,
                    "wage_last_month_idr": wage,
                    "phone": p["phone"],
                }
            )
    return pd.DataFrame(rows)


# --- messy renderings of clean values --------------------------------------------------------


def _dotted(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def render_rupiah(v: int | None, rng: np.random.Generator) -> str:
    """A rupiah amount written the way respondents and enumerators write it."""
    if v is None or pd.isna(v):
        return ""
    v = int(v)
    forms = ["{plain}", "{plain}", "Rp {dot}", "Rp{dot},00", "Rp. {dot},-", "IDR {dot}", "{dot}"]
    if v >= 1_000_000 and v % 100_000 == 0:
        jt = f"{v / 1_000_000:g}"
        forms += [jt.replace(".", ",") + " jt", jt + "jt", jt.replace(".", ",") + " juta"]
    if 0 < v < 1_000_000 and v % 1000 == 0:
        rb = v // 1000
        forms += [f"{rb}rb", f"{rb} ribu", f"{rb}k"]
    return str(rng.choice(forms)).format(plain=v, dot=_dotted(v))


def render_gender(g: str, rng: np.random.Generator) -> str:
    forms = {
        "female": ["P", "Perempuan", "perempuan", "Wanita", "F", "p", "PEREMPUAN"],
        "male": ["L", "Laki-laki", "laki-laki", "Pria", "M", "l", "LAKI-LAKI", "Laki2"],
    }[g]
    return str(rng.choice(forms))


CONFEDERATION_FORMS = {
    "kspsi_rek": ["KSPSI Rekonsiliasi", "KSPSI-Reconciliation", "KSPSI Rekonsiliasi", "kspsi rekonsiliasi"],
    "kspsi_caitu": ["KSPSI CAITU", "KSPSI-CAITU", "KSPSI Caitu"],
    "ksbsi": ["K-SBSI", "KSBSI", "ksbsi"],
    "sarbumusi": ["K-Sarbumusi", "K-SARBUMUSI", "Sarbumusi"],
    "kspn": ["KSPN", "kspn", "KSPN "],
}


def render_code(code: str, rng: np.random.Generator) -> str:
    prefix, num = code.split("-")
    n = int(num)
    forms = [
        code,
        code,
        code,
        code.lower(),
        f" {code} ",
        f"{prefix}-{n}",
        f"{prefix.lower()} {n:03d}",
        f"{prefix}{n:03d}",
    ]
    return str(rng.choice(forms))


def render_phone(e164: str, rng: np.random.Generator) -> str:
    local = e164[3:]  # 8xxxxxxxxxx
    forms = [
        "0" + local,
        "0" + local,
        "+62 " + local[:3] + " " + local[3:7] + " " + local[7:],
        "62" + local,
        "0" + local[:3] + "-" + local[3:7] + "-" + local[7:],
        "+62" + local,
    ]
    return str(rng.choice(forms))


def render_date(d: date, rng: np.random.Generator, *, allow_month_only: bool = True) -> str:
    forms = ["iso", "dmy", "dmy", "id_long", "id_short"] + (["month_only"] if allow_month_only else [])
    form = str(rng.choice(forms))
    if form == "iso":
        return d.isoformat()
    if form == "dmy":
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    if form == "id_long":
        return f"{d.day} {ID_MONTHS[d.month - 1]} {d.year}"
    if form == "id_short":
        return f"{d.day} {ID_MONTHS_SHORT[d.month - 1]} {d.year}"
    return f"{ID_MONTHS[d.month - 1]} {d.year}"


def render_wave(w: str, rng: np.random.Generator) -> str:
    m = vocab.WAVES[w]
    return str(rng.choice([w, w, w.upper(), f"{m}m", f"{m} bulan", f"bulan ke-{m}", f"Bulan ke {m}"]))


def render_yes_no(b: bool, rng: np.random.Generator) -> str:
    return str(rng.choice(["ya", "Ya", "yes", "YA"] if b else ["tidak", "Tidak", "no", "TIDAK"]))


def _uuid(rng: np.random.Generator) -> str:
    return str(uuid.UUID(bytes=rng.bytes(16), version=4))


# --- export layouts ----------------------------------------------------------------------------

KOBO_META_HEAD = ("start", "end")
KOBO_META_TAIL = ("_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status",
                  "_submitted_by", "__version__", "_tags", "_index")  # fmt: skip
ODK_META_HEAD = ("SubmissionDate", "start", "end")
ODK_META_TAIL = ("KEY", "SubmitterID", "SubmitterName", "AttachmentsPresent", "AttachmentsExpected", "Status",
                 "ReviewState", "DeviceID", "Edits", "FormVersion")  # fmt: skip

BASELINE_FIELDS = (
    "participant_code", "cohort", "respondent/full_name", "respondent/phone", "respondent/nik",
    "respondent/gender", "respondent/birth_year", "respondent/district", "union/confederation",
    "union/confederation_other", "union/federation", "employment/layoff_date",
    "employment/last_monthly_wage", "income/current_monthly", "income/sources",
    *(f"income/sources/{o}" for o in INCOME_SOURCES),
    "targets/daily", "targets/weekly", "targets/monthly", "targets/yearly", "reseller/account_id",
    "training/sessions_attended",
)  # fmt: skip
FOLLOWUP_FIELDS = (
    "participant_code", "wave", "respondent/phone", "income/total_last_month", "income/reseller_last_month",
    "income/sources", *(f"income/sources/{o}" for o in INCOME_SOURCES), "reseller/still_active",
    "reseller/hours_per_week", "employment/reemployed", "employment/wage_last_month",
)  # fmt: skip
HXL = {
    "participant_code": "#respondent+code",
    "wave": "#date+wave",
    "income/total_last_month": "#value+income",
}


def odk_header(name: str) -> str:
    """ODK Central joins groups with '-' and keeps '/' before a select_multiple option."""
    parts = name.split("/")
    if len(parts) == 3:  # group/question/option
        return f"{parts[0]}-{parts[1]}/{parts[2]}"
    return "-".join(parts)


def _sources_cells(sources: list[str]) -> dict[str, str]:
    cells = {"income/sources": " ".join(sources)}
    for o in INCOME_SOURCES:
        cells[f"income/sources/{o}"] = "1" if o in sources else "0"
    return cells


class Recorder:
    """Collects the anomalies planted in the raw files, for tests to check cleaning against."""

    def __init__(self) -> None:
        self.items: list[dict] = []

    def add(self, file: str, row: int, column: str, kind: str, note: str) -> None:
        self.items.append({"file": file, "source_row": row, "column": column, "kind": kind, "note": note})


def _kobo_meta(rng: np.random.Generator, start: datetime, i: int, *, odk: bool) -> dict[str, str]:
    """Kobo or ODK Central metadata for the i-th submission begun at local time ``start`` (WIB)."""
    end = start + timedelta(minutes=int(rng.integers(12, 40)))
    submitted = (
        end - timedelta(hours=7) + timedelta(minutes=int(rng.integers(1, 90)), seconds=int(rng.integers(60)))
    )
    uid = _uuid(rng)
    local = {"start": start.isoformat(timespec="milliseconds") + "+07:00",
             "end": end.isoformat(timespec="milliseconds") + "+07:00"}  # fmt: skip
    if odk:
        return local | {
            "SubmissionDate": submitted.isoformat(timespec="milliseconds") + "Z",
            "KEY": f"uuid:{uid}", "SubmitterID": "7", "SubmitterName": "enumerator_skb",
            "AttachmentsPresent": "0", "AttachmentsExpected": "0", "Status": "", "ReviewState": "",
            "DeviceID": f"collect:{uid[:16]}", "Edits": "0", "FormVersion": "2023091201",
        }  # fmt: skip
    return local | {
        "_id": str(412_000_000 + i * 17), "_uuid": uid, "_submission_time": submitted.isoformat(timespec="seconds"),
        "_validation_status": "", "_notes": "", "_status": "submitted_via_web", "_submitted_by": "promise_m_e",
        "__version__": "vGpLqz7sVxQ9dT3", "_tags": "", "_index": str(i + 1),
    }  # fmt: skip


def _later_submission(meta: dict[str, str]) -> dict[str, str]:
    """The same interview sent again a day later (an edit): only the submission time moves."""
    out = dict(meta)
    for key in ("_submission_time", "SubmissionDate"):
        if key in out:
            z = out[key].endswith("Z")
            t = datetime.fromisoformat(out[key].removesuffix("Z")) + timedelta(days=1)
            out[key] = t.isoformat(timespec="milliseconds" if z else "seconds") + ("Z" if z else "")
    return out


def render_baseline(
    rng: np.random.Generator,
    ppl: pd.DataFrame,
    *,
    file: str,
    rec: Recorder,
    odk: bool = False,
    hxl: bool = False,
) -> tuple[list[dict], pd.DataFrame]:
    """Messy baseline rows for one cohort and the truth after the anomalies planted in them."""
    truth = ppl.copy()
    n = len(ppl)
    pick = iter(rng.permutation(n))
    anomalies = {k: int(next(pick)) for k in ("dk_wage", "big_wage", "bad_income", "tt_income", "bad_gender",
                                                 "other_confed", "fuzzy", "resubmit", "month_only")}  # fmt: skip
    rows: list[dict] = []
    start = (
        datetime(2023, 9, 12, 8, 30) if ppl["cohort"].iloc[0] == "sukabumi-2023" else datetime(2024, 5, 14, 8)
    )

    # an enumerator's test submission before the real ones: no participant code
    test = dict.fromkeys(BASELINE_FIELDS, "")
    test |= {
        "respondent/full_name": "tes enumerator",
        "cohort": ppl["cohort"].iloc[0],
        "union/confederation": "KSPN",
    }
    rows.append(_kobo_meta(rng, start - timedelta(days=1), 0, odk=odk) | test)

    def cells(p: pd.Series, i: int) -> dict[str, str]:
        confed = str(rng.choice(CONFEDERATION_FORMS[p["confederation"]]))
        srcs = ["reseller"] if p["income_baseline_idr"] > 0 and rng.random() < 0.3 else []
        if p["income_baseline_idr"] > 0:
            srcs.append(str(rng.choice(["informal_trade", "agriculture", "transfers", "wage_job"])))
        else:
            srcs = ["none"]
        c = {
            "participant_code": render_code(p["participant_code"], rng),
            "cohort": str(rng.choice([p["cohort"], p["cohort"], p["cohort"].replace("-", " ").title()])),
            "respondent/full_name": p["full_name"],
            "respondent/phone": render_phone(p["phone"], rng),
            "respondent/nik": p["nik"],
            "respondent/gender": render_gender(p["gender"], rng),
            "respondent/birth_year": str(p["birth_year"]),
            "respondent/district": p["district"],
            "union/confederation": confed,
            "union/confederation_other": "",
            "union/federation": p["federation"],
            "employment/layoff_date": render_date(p["layoff_date"], rng, allow_month_only=False),
            "employment/last_monthly_wage": render_rupiah(p["income_before_idr"], rng),
            "income/current_monthly": render_rupiah(p["income_baseline_idr"], rng),
            **_sources_cells(srcs),
            "targets/daily": render_rupiah(p["target_daily_idr"], rng),
            "targets/weekly": render_rupiah(p["target_weekly_idr"], rng),
            "targets/monthly": render_rupiah(p["target_monthly_idr_reported"], rng),
            "targets/yearly": render_rupiah(p["target_yearly_idr"], rng),
            "reseller/account_id": _render_reseller(p["reseller_id"], rng),
            "training/sessions_attended": str(p["sessions_attended"]),
        }
        return c

    source_row0 = 3 if hxl else 2
    for i in range(n):
        p = ppl.iloc[i]
        c = cells(p, i)
        row = source_row0 + len(rows)
        if i == anomalies["dk_wage"]:
            c["employment/last_monthly_wage"] = "-99"
            truth.loc[truth.index[i], "income_before_idr"] = None
            rec.add(file, row, "employment/last_monthly_wage", "dont_know", "-99 code")
        if i == anomalies["big_wage"]:
            c["employment/last_monthly_wage"] = "Rp 350.000.000"
            truth.loc[truth.index[i], "income_before_idr"] = None
            rec.add(file, row, "employment/last_monthly_wage", "implausible", "above the wage bound")
        if i == anomalies["bad_income"]:
            c["income/current_monthly"] = "sekitar dua juta"
            truth.loc[truth.index[i], "income_baseline_idr"] = None
            rec.add(file, row, "income/current_monthly", "invalid", "words, not an amount")
        if i == anomalies["tt_income"]:
            c["income/current_monthly"] = str(rng.choice(["tidak tahu", "TT"]))
            truth.loc[truth.index[i], "income_baseline_idr"] = None
            rec.add(file, row, "income/current_monthly", "dont_know", "don't know")
        if i == anomalies["bad_gender"]:
            c["respondent/gender"] = "X"
            truth.loc[truth.index[i], "gender"] = None
            rec.add(file, row, "respondent/gender", "invalid", "unknown gender")
        if i == anomalies["other_confed"]:
            c["union/confederation"] = "Lainnya"
            c["union/confederation_other"] = vocab.CONFEDERATIONS[p["confederation"]]
            rec.add(file, row, "union/confederation", "correction", "other, specified in the _other field")
        if i == anomalies["fuzzy"]:
            c["union/confederation"] = {"kspsi_rek": "KSPSI Rekonsilasi", "kspsi_caitu": "KSPSI CAITO",
                                        "ksbsi": "K-SBSII", "sarbumusi": "K-Saburmusi",
                                        "kspn": "KSPNN"}[p["confederation"]]  # fmt: skip
            rec.add(file, row, "union/confederation", "correction", "typo")
        if i == anomalies["month_only"]:
            d = p["layoff_date"]
            c["employment/layoff_date"] = f"{ID_MONTHS[d.month - 1]} {d.year}"
        if i == anomalies["resubmit"]:  # first submission had a wrong wage; corrected later (below)
            wrong = dict(c)
            wrong["employment/last_monthly_wage"] = render_rupiah(int(p["income_before_idr"]) * 10, rng)
            rows.append(_kobo_meta(rng, start + timedelta(minutes=20 * i), i + 1, odk=odk) | wrong)
            rec.add(file, row, "participant_code", "duplicate", "resubmitted later; the later one wins")
            resubmitted = c
            continue
        rows.append(_kobo_meta(rng, start + timedelta(minutes=20 * i), i + 1, odk=odk) | c)
    # the corrected resubmission comes in at the end of the day
    rows.append(_later_submission(_kobo_meta(rng, start + timedelta(hours=10), n + 1, odk=odk)) | resubmitted)
    rec.add(file, source_row0, "participant_code", "row", "no participant code (test submission)")
    return rows, truth


def _render_reseller(rid: str | None, rng: np.random.Generator) -> str:
    if rid is None or pd.isna(rid):
        return ""
    digits = rid.split("-")[1]
    return str(rng.choice([rid, rid, rid, rid.lower(), f"EVM {digits}", f"EVM-{int(digits)}"]))


def render_followups(
    rng: np.random.Generator, fu: pd.DataFrame, *, file: str, rec: Recorder, odk: bool = False,
    hxl: bool = False, plant: bool = True,
) -> tuple[list[dict], pd.DataFrame]:  # fmt: skip
    """Messy follow-up rows and the truth after the anomalies planted in them."""
    truth = fu.copy()
    rows: list[dict] = []
    source_row0 = 3 if hxl else 2
    picks = rng.permutation(len(fu))
    anomalies = {"tt": int(picks[0]), "phone_only": int(picks[1]), "resubmit": int(picks[2]),
                 "hours": int(picks[3])} if plant else {}  # fmt: skip
    resubmitted = None
    for i in range(len(fu)):
        f = fu.iloc[i]
        srcs = (["reseller"] if f["income_reseller_idr"] > 0 else []) + (
            ["wage_job"] if f["reemployed"] else []
        )
        if f["income_total_idr"] > f["income_reseller_idr"] + (f["wage_last_month_idr"] or 0):
            srcs.append("informal_trade")
        c = {
            "participant_code": render_code(f["participant_code"], rng),
            "wave": render_wave(f["wave"], rng),
            "respondent/phone": render_phone(f["phone"], rng),
            "income/total_last_month": render_rupiah(f["income_total_idr"], rng),
            "income/reseller_last_month": render_rupiah(f["income_reseller_idr"], rng),
            **_sources_cells(srcs or ["none"]),
            "reseller/still_active": render_yes_no(f["still_active"], rng),
            "reseller/hours_per_week": str(f["hours_per_week"]),
            "employment/reemployed": render_yes_no(f["reemployed"], rng),
            "employment/wage_last_month": render_rupiah(f["wage_last_month_idr"], rng),
        }
        row = source_row0 + len(rows)
        t = datetime.combine(f["interview_date"].date(), datetime.min.time()) + timedelta(
            hours=9, minutes=7 * i
        )
        if i == anomalies.get("tt"):
            c["income/reseller_last_month"] = "TT"
            truth.loc[truth.index[i], "income_reseller_idr"] = None
            rec.add(file, row, "income/reseller_last_month", "dont_know", "TT")
        if i == anomalies.get("phone_only"):
            c["participant_code"] = ""
            rec.add(file, row, "participant_code", "correction", "blank code, matched by phone")
        if i == anomalies.get("hours"):
            c["reseller/hours_per_week"] = "200"
            truth.loc[truth.index[i], "hours_per_week"] = None
            rec.add(file, row, "reseller/hours_per_week", "implausible", "more hours than a week has")
        if i == anomalies.get("resubmit"):
            wrong = dict(c)
            wrong["income/total_last_month"] = render_rupiah(int(f["income_total_idr"]) + 500_000, rng)
            rows.append(_kobo_meta(rng, t, i, odk=odk) | wrong)
            rec.add(file, row, "participant_code", "duplicate", "resubmitted later; the later one wins")
            resubmitted = (c, t + timedelta(days=1))
            continue
        rows.append(_kobo_meta(rng, t, i, odk=odk) | c)
    if plant:
        # a follow-up for a code nobody registered, with a phone nobody registered
        ghost = dict(rows[-1]) | _kobo_meta(rng, t + timedelta(minutes=30), len(fu) + 1, odk=odk)
        ghost["participant_code"] = fu["participant_code"].iloc[0].split("-")[0] + "-099"
        ghost["respondent/phone"] = "0899" + "".join(str(d) for d in rng.integers(0, 10, size=8))
        rec.add(file, source_row0 + len(rows), "participant_code", "row", "unknown participant code")
        rows.append(ghost)
    if resubmitted is not None:
        c, t = resubmitted
        rows.append(_later_submission(_kobo_meta(rng, t - timedelta(days=1), len(fu) + 2, odk=odk)) | c)
    return rows, truth


STATUS_FORMS = {
    "completed": ["Selesai", "selesai", "SELESAI", " Selesai", "completed", "Completed", "COMPLETED "],
    "cancelled": ["Dibatalkan", "dibatalkan", "cancelled", "Cancelled", "DIBATALKAN "],
    "returned": ["Dikembalikan", "dikembalikan", "returned", "Returned", " DIKEMBALIKAN"],
}


def _render_order(o: pd.Series, status: str, rng: np.random.Generator, *, style: str) -> dict[str, object]:
    t: pd.Timestamp = o["order_time"]
    if style == "iso":
        if rng.random() < 0.2:
            when = t.tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%SZ")
        else:
            when = t.strftime("%Y-%m-%dT%H:%M:%S") + "+07:00"
        gross: object = str(o["gross_idr"])
    else:
        when = t.strftime("%d/%m/%Y %H:%M")
        gross = render_rupiah(o["gross_idr"], rng) if style == "text" else int(o["gross_idr"])
    rid = _render_reseller(o["reseller_id"], rng) if rng.random() < 0.05 else o["reseller_id"]
    return {
        "order_id": o["order_id"],
        "order_time": when,
        "reseller_id": rid,
        "category": o["category"],
        "quantity": str(o["quantity"]) if style != "xlsx" else int(o["quantity"]),
        "gross_amount": gross,
        "reseller_commission": str(o["commission_idr"]) if style != "xlsx" else int(o["commission_idr"]),
        "status": str(rng.choice(STATUS_FORMS[status])),
    }


def render_sales(rng: np.random.Generator, orders: pd.DataFrame, *, rec: Recorder) -> dict[str, list[dict]]:
    """Three overlapping platform exports; the later file holds the current status of an order."""
    names = ("orders_2023-09_2024-06.csv", "orders_2024-05_2024-12.csv", "orders_2024-12_adjustments.xlsx")
    t = orders["order_time"]
    in1 = t < pd.Timestamp("2024-07-01", tz=config.TIMEZONE)
    in2 = t >= pd.Timestamp("2024-05-01", tz=config.TIMEZONE)
    late_returns = orders.index[
        (orders["status"] == "returned") & (t >= pd.Timestamp("2024-11-01", tz=config.TIMEZONE))
    ]
    in3 = orders.index.isin(late_returns[:15])
    files: dict[str, list[dict]] = {n: [] for n in names}
    specs = ((names[0], in1, "iso", in2), (names[1], in2, "text", in3), (names[2], in3, "xlsx", None))
    for name, mask, style, later in specs:
        for idx in orders.index[mask]:
            o = orders.loc[idx]
            status = o["status"]
            if later is not None and later[orders.index.get_loc(idx)] and status == "returned":
                status = "completed"  # stale in this export: returned after it was taken
            row = _render_order(o, status, rng, style=style)
            files[name].append(row)
            if style != "xlsx" and rng.random() < 0.01:  # the export repeated the row
                files[name].append(dict(row))
                rec.add(f"sales/{name}", len(files[name]) + 1, "order_id", "duplicate", "exact duplicate row")
    # rows that cannot be placed: these never reach the clean orders
    f2 = files[names[1]]
    base = f2[len(f2) // 2]
    for col, val, why in (("order_time", "kemarin", "unparseable order time"),
                          ("status", "Diproses", "unknown status"), ("reseller_id", "", "no reseller id")):  # fmt: skip
        bad = dict(base) | {
            "order_id": f"ORD-{int(rng.integers(8_000_000_000, 8_999_999_999)):010d}",
            col: val,
        }
        f2.append(bad)
        rec.add(f"sales/{names[1]}", len(f2) + 1, col, "row", why)
    return files


# --- writers ------------------------------------------------------------------------------------


def _csv_bytes(header: list[str], rows: list[dict], *, sep: str, quote_all: bool, bom: bool,
               hxl: dict[str, str] | None = None) -> bytes:  # fmt: skip
    buf = io.StringIO()
    w = csv.writer(
        buf, delimiter=sep, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL, lineterminator="\n"
    )
    w.writerow(header)
    if hxl:
        w.writerow([hxl.get(h, "") for h in header])
    for r in rows:
        w.writerow(["" if r.get(h) is None else r.get(h) for h in header])
    return (("\ufeff" if bom else "") + buf.getvalue()).encode("utf-8")


def _write_xlsx(path: Path, sheet: str, header: list[str], rows: list[dict], numeric: frozenset[str]) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet[:31]
    ws.append(header)
    for r in rows:
        out = []
        for h in header:
            v = r.get(h, "")
            if h in numeric and isinstance(v, str) and v.isdigit():
                v = float(v) if h == "_id" else int(v)
            out.append(v if v != "" else None)
        ws.append(out)
    wb.properties.creator = "impact sample"
    wb.properties.created = wb.properties.modified = datetime(2025, 1, 1)
    wb.save(path)


def _header(fields: tuple[str, ...], *, odk: bool) -> tuple[list[str], list[str]]:
    """(keys into row dicts, the header text written to the file)."""
    head = ODK_META_HEAD if odk else KOBO_META_HEAD
    tail = ODK_META_TAIL if odk else KOBO_META_TAIL
    keys = [*head, *fields, *tail]
    return keys, [odk_header(k) if odk else k for k in keys]


def _write_survey(path: Path, fields: tuple[str, ...], rows: list[dict], *, kind: str, odk: bool = False,
                  hxl: bool = False) -> None:  # fmt: skip
    keys, text = _header(fields, odk=odk)
    rows = [{t: r.get(k, "") for k, t in zip(keys, text, strict=True)} for r in rows]
    if kind == "xlsx":
        numeric = frozenset({"_id", "_index", "respondent/birth_year", "training/sessions_attended",
                             "employment/last_monthly_wage"})  # fmt: skip
        _write_xlsx(path, "Promise II Impact Survey", text, rows, numeric)
        return
    sep, quote_all, bom = {
        "kobo_bom": (";", True, True),
        "kobo": (";", True, False),
        "comma": (",", False, False),
    }[kind]
    hx = {(odk_header(k) if odk else k): v for k, v in HXL.items()} if hxl else None
    path.write_bytes(_csv_bytes(text, rows, sep=sep, quote_all=quote_all, bom=bom, hxl=hx))


def write_sample(out_dir: Path, *, seed: int = config.SEED) -> dict[str, int]:
    """Write ``out_dir/raw`` (messy exports) and ``out_dir/truth`` (clean values, planted anomalies).

    Deterministic: the same seed gives byte-identical CSV files and cell-identical XLSX files.
    Returns the number of rows written per raw file.
    """
    rng = np.random.default_rng(seed)
    raw, truth_dir = out_dir / "raw", out_dir / "truth"
    for d in (raw / "survey", raw / "sales", truth_dir):
        d.mkdir(parents=True, exist_ok=True)
    rec = Recorder()
    ppl = pd.concat([build_participants(rng, s) for s in SPECS], ignore_index=True)
    orders = build_orders(rng, ppl)
    fus = {s.cohort: build_followups(rng, ppl, orders, s) for s in SPECS}

    t_ppl, t_fu = [], []
    # Sukabumi baseline: Kobo CSV, ';' and every cell quoted, UTF-8 with BOM, '/' groups
    name = "survey/baseline_sukabumi-2023.csv"
    rows, t = render_baseline(
        rng, ppl[ppl["cohort"] == "sukabumi-2023"].reset_index(drop=True), file=name, rec=rec
    )
    _write_survey(raw / name, BASELINE_FIELDS, rows, kind="kobo_bom")
    t_ppl.append(t)
    # Bekasi baseline: Kobo XLSX (numbers as numeric cells, _id a float)
    name = "survey/baseline_bekasi-2024.xlsx"
    rows, t = render_baseline(
        rng, ppl[ppl["cohort"] == "bekasi-2024"].reset_index(drop=True), file=name, rec=rec
    )
    _write_survey(raw / name, BASELINE_FIELDS, rows, kind="xlsx")
    t_ppl.append(t)
    # Sukabumi follow-ups, all waves in one: ODK Central CSV, ',' and '-' groups
    name = "survey/followup_sukabumi-2023.csv"
    rows, t = render_followups(rng, fus["sukabumi-2023"], file=name, rec=rec, odk=True)
    _write_survey(raw / name, FOLLOWUP_FIELDS, rows, kind="comma", odk=True)
    t_fu.append(t)
    # Bekasi follow-ups, one file per wave: m3 Kobo ';' CSV with an HXL row, m6 XLSX
    fb = fus["bekasi-2024"]
    name = "survey/followup_bekasi-2024_m3.csv"
    rows, t = render_followups(rng, fb[fb["wave"] == "m3"], file=name, rec=rec, hxl=True)
    _write_survey(raw / name, FOLLOWUP_FIELDS, rows, kind="kobo", hxl=True)
    t_fu.append(t)
    name = "survey/followup_bekasi-2024_m6.xlsx"
    rows, t = render_followups(rng, fb[fb["wave"] == "m6"], file=name, rec=rec, plant=False)
    _write_survey(raw / name, FOLLOWUP_FIELDS, rows, kind="xlsx")
    t_fu.append(t)

    counts: dict[str, int] = {}
    for fname, frows in render_sales(rng, orders, rec=rec).items():
        path = raw / "sales" / fname
        if fname.endswith(".xlsx"):
            _write_xlsx(path, "Orders", list(SALES_FIELDS), frows, frozenset())
        else:
            sep = "," if "2023-09" in fname else ";"
            path.write_bytes(_csv_bytes(list(SALES_FIELDS), frows, sep=sep, quote_all=False, bom=False))
        counts[f"sales/{fname}"] = len(frows)

    (raw / config.SAMPLE_MARKER).write_text(
        "Synthetic sample data written by `impact sample`. Every person in it is fake.\n"
        "Cleaning a folder holding this file uses the documented demo pseudonymisation secret.\n"
    )
    _write_truth(
        truth_dir, pd.concat(t_ppl, ignore_index=True), pd.concat(t_fu, ignore_index=True), orders, rec
    )
    return counts


def _write_truth(d: Path, ppl: pd.DataFrame, fu: pd.DataFrame, orders: pd.DataFrame, rec: Recorder) -> None:
    targets = [monthly_target(r) for r in ppl.to_dict("records")]
    ppl = ppl.assign(
        target_monthly_idr=[t[0] for t in targets],
        target_period_reported=[t[1] for t in targets],
        layoff_month=ppl["layoff_month"].dt.strftime("%Y-%m"),
    )
    cols = ["participant_code", "cohort", "gender", "birth_year", "district", "confederation", "layoff_month",
            "income_before_idr", "income_baseline_idr", "target_monthly_idr", "target_period_reported",
            "reseller_id", "sessions_attended"]  # fmt: skip
    ppl[cols].astype(
        {"income_before_idr": "Int64", "income_baseline_idr": "Int64", "target_monthly_idr": "Int64"}
    ).to_csv(d / "participants.csv", index=False, lineterminator="\n")
    fu = fu.assign(interview_date=fu["interview_date"].dt.strftime("%Y-%m-%d"))
    fcols = ["participant_code", "wave", "interview_date", "income_total_idr", "income_reseller_idr",
             "still_active", "hours_per_week", "reemployed"]  # fmt: skip
    fu[fcols].astype(
        {"income_total_idr": "Int64", "income_reseller_idr": "Int64", "hours_per_week": "Int64"}
    ).to_csv(d / "followups.csv", index=False, lineterminator="\n")
    o = orders.assign(order_time=orders["order_time"].dt.strftime("%Y-%m-%dT%H:%M:%S%z"),
                      month=orders["month"].dt.strftime("%Y-%m"))  # fmt: skip
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


def today_utc() -> str:  # pragma: no cover - used only in messages
    return datetime.now(UTC).strftime("%Y-%m-%d")


def participant_reseller_ids(sample_dir: Path) -> list[str]:
    """The participants' reseller account ids from a written sample's truth (for scale mode)."""
    ppl = pd.read_csv(Path(sample_dir) / "truth" / "participants.csv", dtype=str)
    return ppl["reseller_id"].dropna().tolist()
