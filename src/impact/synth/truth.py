"""The sample's truth: fake people, their cohorts, incomes, follow-ups and orders, as clean values.

Everything here is invented (names from common-name lists, numbers from seeded draws); the
exports made from it are in :mod:`impact.synth.sample`, written messily by :mod:`impact.synth.messy`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from impact import config, vocab
from impact.programme import Programme

__all__ = [
    "CATEGORIES",
    "FEDERATIONS",
    "FIRST_NAMES_F",
    "FIRST_NAMES_M",
    "ID_MONTHS",
    "ID_MONTHS_SHORT",
    "INCOME_SOURCES",
    "LAST_NAMES",
    "MOBILE_PREFIXES",
    "NIK_REGION",
    "SALES_END",
    "SAMPLE_PROGRAMME",
    "SAMPLE_PROGRAMME_TOML",
    "SPECS",
    "CohortSpec",
    "build_followups",
    "build_orders",
    "build_participants",
    "monthly_target",
]

# --- fake identities ---------------------------------------------------------------------

FIRST_NAMES_F = (
    "Siti",
    "Dewi",
    "Rina",
    "Yanti",
    "Nurul",
    "Lilis",
    "Euis",
    "Neneng",
    "Tuti",
    "Ani",
    "Wati",
    "Imas",
    "Yuli",
    "Ratna",
    "Eni",
    "Iis",
    "Nining",
    "Rosita",
    "Fitri",
    "Mira",
)
FIRST_NAMES_M = (
    "Budi",
    "Agus",
    "Dedi",
    "Asep",
    "Iwan",
    "Ujang",
    "Cecep",
    "Dadang",
    "Hendra",
    "Rudi",
    "Wahyu",
    "Eko",
    "Yayan",
    "Dodi",
    "Ade",
    "Rahmat",
    "Deni",
    "Jajang",
    "Endang",
    "Tatang",
)
LAST_NAMES = (
    "Hidayat",
    "Saputra",
    "Kurniawan",
    "Setiawan",
    "Permana",
    "Nugraha",
    "Rahayu",
    "Lestari",
    "Suryani",
    "Maulana",
    "Firmansyah",
    "Gunawan",
    "Hermawan",
    "Ramdani",
    "Sulastri",
    "Sopandi",
    "Mulyana",
    "Supriatna",
    "Kusnadi",
    "Rohmat",
)
MOBILE_PREFIXES = ("811", "812", "813", "821", "822", "852", "853", "857", "858", "877", "878", "895", "896")
NIK_REGION = {
    "Kabupaten Sukabumi": "3202",
    "Kota Sukabumi": "3272",
    "Kota Bekasi": "3275",
    "Kabupaten Karawang": "3215",
}
FEDERATIONS = {
    "kspsi_rek": ("FSP KEP", "FSP TSK", "FSP RTMM"),
    "kspsi_caitu": ("FSP LEM", "FSP KEP"),
    "ksbsi": ("FKUI", "F-HUKATAN", "NIKEUBA"),
    "sarbumusi": ("F-Sarbumusi Garmen", "PC Sarbumusi Sukabumi"),
    "kspn": ("SPN Tekstil", "SPN Garmen"),
}
CATEGORIES = {  # category -> commission rate (share of GMV)
    "fashion": 0.15,
    "kecantikan": 0.18,
    "rumah_tangga": 0.12,
    "makanan": 0.10,
    "elektronik": 0.08,
    "kesehatan": 0.14,
    "ibu_bayi": 0.13,
    "aksesoris": 0.20,
}
INCOME_SOURCES = ("reseller", "wage_job", "informal_trade", "agriculture", "transfers", "none")

ID_MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
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


#: the sample's programme configuration, written as ``raw/programme.toml`` (its cohorts are what
#: the generator draws people for; the targets are illustrative, for the synthetic sample only)
SAMPLE_PROGRAMME_TOML = """\
# Programme configuration of the synthetic sample (see docs/programme.md for every key).
# The people in the sample are fake; the logframe targets here are illustrative only.

[programme]
name = "Promise II Impact"
agency = "International Labour Organization (ILO)"
donor = "State Secretariat for Economic Affairs (SECO), Switzerland"
country = "Indonesia"
platform = "a social-commerce reseller platform"
partners = ["DNKI", "OJK"]
reporting_period = "September 2023 – December 2024"

[[cohorts]]
code = "sukabumi-2023"
name = "Sukabumi, September 2023"
district = "Kabupaten Sukabumi"
training_month = "2023-09"
code_prefix = "SKB23"
waves = ["m3", "m6", "m12"]
trained = 48
sessions = 3

[[cohorts]]
code = "karawang-2023"
name = "Karawang, November 2023"
district = "Kabupaten Karawang"
training_month = "2023-11"
code_prefix = "KRW23"
waves = ["m3", "m6", "m12"]
trained = 42
sessions = 3

[[cohorts]]
code = "bekasi-2024"
name = "Bekasi, May 2024"
district = "Kota Bekasi"
training_month = "2024-05"
code_prefix = "BKS24"
waves = ["m3", "m6"]
trained = 40
sessions = 3

# Extra spellings seen in this programme's exports (on top of the suite's own).
[aliases]
confederation = { "Konfederasi Serikat Pekerja Seluruh Indonesia Rek." = "kspsi_rek" }

# Logframe targets (shares 0-1; the recovery ratio in units of the pre-layoff wage).
[[logframe]]
indicator = "share_recovered"
target = 0.5
women = 0.5
men = 0.5
source = "illustrative target (synthetic sample)"

[[logframe]]
indicator = "median_recovery_ratio"
target = 0.8
source = "illustrative target (synthetic sample)"

[[logframe]]
indicator = "share_above_min_wage"
target = 0.4
source = "illustrative target (synthetic sample)"

[[logframe]]
indicator = "share_ever_sold"
target = 0.7
source = "illustrative target (synthetic sample)"
"""
SAMPLE_PROGRAMME = Programme.from_dict(tomllib.loads(SAMPLE_PROGRAMME_TOML), source="programme.toml")

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
    cohort = SAMPLE_PROGRAMME.cohorts[spec.cohort]
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
    out: dict = {
        "target_daily_idr": None,
        "target_weekly_idr": None,
        "target_monthly_idr_reported": None,
        "target_yearly_idr": None,
    }
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
            "cohort": rng.choice([s.cohort for s in SPECS], size=extra_resellers),
            "gender": "unknown",
        }
    )
    rows = []
    for acc in pd.concat([accounts, others], ignore_index=True).itertuples(index=False):
        start = pd.Timestamp(SAMPLE_PROGRAMME.cohorts[acc.cohort].training_month)
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
    cohort = SAMPLE_PROGRAMME.cohorts[spec.cohort]
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
