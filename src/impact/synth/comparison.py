"""The sample's third cohort and its comparison group, generated with a known programme effect.

Karawang, November 2023: participants trained by the programme and a comparison group of union
members laid off at the same time who were not trained (matched pair by pair on their income at
registration, as evaluators match a waiting list), surveyed with the same baseline and
follow-up forms (marked ``study_group``: ``peserta`` / ``pembanding``). Both groups are drawn
from one population — same wages, same income at registration, same recovery path — and the
participants' recovery ratio is raised by :data:`EFFECT` at each wave: parallel trends hold by
construction, so the difference in differences of the mean recovery ratio estimates exactly
:data:`EFFECT`. ``truth/effect.json`` records it (and its value in rupiah for the people drawn),
so that tests can check that the estimator recovers it within its interval.

:func:`draw_panel` is the outcome model alone (no files, no names): tests repeat it over many
seeds to check the coverage of the interval. Everything is fake.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from impact import vocab
from impact.synth.truth import (
    FEDERATIONS,
    FIRST_NAMES_F,
    FIRST_NAMES_M,
    LAST_NAMES,
    MOBILE_PREFIXES,
    NIK_REGION,
)

__all__ = [
    "CODE",
    "COMPARISON_SIZE",
    "EFFECT",
    "PARTICIPANT_SIZE",
    "RESPONDERS",
    "build_cohort",
    "draw_panel",
    "effect_truth",
]

#: the cohort (its programme configuration is in :data:`impact.synth.truth.SAMPLE_PROGRAMME_TOML`)
CODE = "karawang-2023"
PREFIX = "KRW23"
TRAINING_MONTH = date(2023, 11, 1)
DISTRICT = "Kabupaten Karawang"
PARTICIPANT_SIZE = 42
COMPARISON_SIZE = 40
#: the programme's effect on the recovery ratio (income now / pre-layoff wage), by wave
EFFECT: dict[str, float] = {"m3": 0.10, "m6": 0.15, "m12": 0.20}
#: share of each person's own long-run gain (from the ratio at registration) reached by each wave
PROGRESS: dict[str, float] = {"m3": 0.45, "m6": 0.7, "m12": 0.9}
#: how many answer each wave: (participants, comparison); who stops answering is random
RESPONDERS: dict[str, tuple[int, int]] = {"m3": (36, 33), "m6": (33, 30), "m12": (30, 27)}
#: the comparison respondents' codes start here (``KRW23-501``…)
COMPARISON_FIRST = 501
WAGE_CENTRE_IDR = 5_000_000
_CONFEDERATIONS = {"kspsi_rek": 0.25, "kspsi_caitu": 0.2, "ksbsi": 0.2, "sarbumusi": 0.15, "kspn": 0.2}


def draw_panel(
    rng: np.random.Generator,
    before_idr: np.ndarray,
    treated: np.ndarray,
    *,
    effect: dict[str, float] = EFFECT,
    noise: float = 0.06,
) -> dict[str, np.ndarray]:
    """The recovery ratio of each person at registration (``baseline``) and at each wave.

    At registration about 70% earn something (a ratio of about 0.3). From there each person gains
    their own amount (about 0.5 of their wage in the long run, whatever they earned at
    registration), :data:`PROGRESS` of it by each wave, plus noise, plus ``effect[wave]`` for the
    treated — so the groups' mean changes differ by exactly ``effect`` in expectation (parallel
    trends). Ratios are never negative. ``before_idr`` is only used for its length.
    """
    n = len(before_idr)
    earns = rng.random(n) < 0.7
    baseline = np.where(earns, np.minimum(rng.lognormal(np.log(0.3), 0.5, n), 0.9), 0.0)
    gain = rng.lognormal(np.log(0.5), 0.4, n)
    out = {"baseline": baseline}
    for wave, step in PROGRESS.items():
        ratio = baseline + gain * step + effect[wave] * treated + rng.normal(0, noise, n)
        out[wave] = np.maximum(ratio, 0.0)
    return out


def _matched(rng: np.random.Generator, baseline: np.ndarray, wage: np.ndarray) -> np.ndarray:
    """Positions that put :data:`PARTICIPANT_SIZE` people first and the comparison group after,
    chosen pair by pair among people alike at registration (ratio, then wage): one of each pair
    is trained, and the extra participants are drawn from the comparison side at random."""
    ranked = np.lexsort((wage, baseline))
    pairs = ranked[: 2 * (len(ranked) // 2)].reshape(-1, 2)
    flip = rng.random(len(pairs)) < 0.5
    first = np.where(flip, pairs[:, 1], pairs[:, 0])
    second = np.concatenate([np.where(flip, pairs[:, 0], pairs[:, 1]), ranked[2 * len(pairs) :]])
    extra = PARTICIPANT_SIZE - len(first)
    moved = rng.choice(len(second), size=extra, replace=False) if extra > 0 else np.array([], int)
    trained = np.concatenate([first, second[moved]])
    rest = np.delete(second, moved)
    return np.concatenate([rng.permutation(trained), rng.permutation(rest)])


def _round(values: np.ndarray, step: int = 50_000) -> np.ndarray:
    return (np.round(values / step) * step).astype(np.int64)


def build_cohort(rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(people, follow-ups) of the cohort, both arms, as clean truth: ``arm`` is ``participant`` or
    ``comparison``; the people carry what the baseline export needs (name, phone, NIK…)."""
    n = PARTICIPANT_SIZE + COMPARISON_SIZE
    treated = np.arange(n) < PARTICIPANT_SIZE
    confederations = rng.choice(list(_CONFEDERATIONS), size=n, p=list(_CONFEDERATIONS.values()))
    female = rng.random(n) < 0.4
    wage = _round(rng.lognormal(np.log(WAGE_CENTRE_IDR), 0.15, n))
    untreated = draw_panel(rng, wage, np.zeros(n), effect=dict.fromkeys(EFFECT, 0.0))
    # a matched comparison group: people paired on their situation at registration (ratio), one
    # of each pair trained — as evaluators match a waiting list — then the effect added
    order = _matched(rng, untreated["baseline"], wage)
    confederations, female, wage = confederations[order], female[order], wage[order]
    ratios = {k: v[order] + (EFFECT[k] * treated if k in EFFECT else 0.0) for k, v in untreated.items()}
    layoff = [pd.Timestamp("2022-06-01") + timedelta(days=int(d)) for d in rng.integers(0, 480, size=n)]
    people = []
    for i in range(n):
        first = rng.choice(FIRST_NAMES_F if female[i] else FIRST_NAMES_M)
        birth = date(int(rng.integers(1972, 2000)), int(rng.integers(1, 13)), int(rng.integers(1, 29)))
        day = birth.day + (40 if female[i] else 0)
        nik = f"{NIK_REGION[DISTRICT]}{rng.integers(10, 99)}{day:02d}{birth.month:02d}{birth.year % 100:02d}"
        number = i + 1 if treated[i] else COMPARISON_FIRST + i - PARTICIPANT_SIZE
        account = treated[i] and rng.random() < 0.85
        people.append(
            {
                "participant_code": f"{PREFIX}-{number:03d}",
                "cohort": CODE,
                "arm": "participant" if treated[i] else "comparison",
                "full_name": f"{first} {rng.choice(LAST_NAMES)}",
                "phone": "+62"
                + str(rng.choice(MOBILE_PREFIXES))
                + "".join(str(d) for d in rng.integers(0, 10, size=8)),
                "nik": nik + f"{rng.integers(1, 9999):04d}",
                "gender": "female" if female[i] else "male",
                "birth_year": birth.year,
                "district": DISTRICT,
                "confederation": str(confederations[i]),
                "federation": str(rng.choice(FEDERATIONS[confederations[i]])),
                "layoff_date": layoff[i].date(),
                "income_before_idr": int(wage[i]),
                "income_baseline_idr": int(_round(ratios["baseline"][i] * wage[i])),
                "target_monthly_idr_reported": int(_round(wage[i] * rng.uniform(0.6, 1.2), 500_000))
                if treated[i]
                else None,
                "reseller_id": f"EVM-{int(rng.integers(100_000, 99_999_999)):08d}" if account else None,
                "sessions_attended": int(rng.choice([1, 2, 3, 3, 3])) if treated[i] else None,
            }
        )
    people = pd.DataFrame(people)
    people["layoff_month"] = pd.to_datetime(people["layoff_date"]).dt.to_period("M").dt.to_timestamp()
    rows = []
    for wave, (k_treated, k_comparison) in RESPONDERS.items():
        answering = np.concatenate(
            [
                rng.choice(PARTICIPANT_SIZE, size=k_treated, replace=False),
                PARTICIPANT_SIZE + rng.choice(COMPARISON_SIZE, size=k_comparison, replace=False),
            ]
        )
        month = pd.Timestamp(TRAINING_MONTH) + pd.DateOffset(months=vocab.WAVES[wave])
        for i in sorted(answering):
            total = int(_round(ratios[wave][i] * wage[i]))
            reseller = (
                int(_round(total * rng.uniform(0.05, 0.3))) if pd.notna(people.loc[i, "reseller_id"]) else 0
            )
            rows.append(
                {
                    "participant_code": people.loc[i, "participant_code"],
                    "cohort": CODE,
                    "arm": people.loc[i, "arm"],
                    "wave": wave,
                    "interview_date": (month + pd.Timedelta(days=int(rng.integers(4, 25)))).normalize(),
                    "income_total_idr": total,
                    "income_reseller_idr": min(reseller, total),
                    "still_active": bool(reseller > 0),
                    "hours_per_week": int(rng.integers(2, 30)) if reseller > 0 else 0,
                    "reemployed": False,
                    "wage_last_month_idr": None,
                    "phone": people.loc[i, "phone"],
                }
            )
    return people, pd.DataFrame(rows)


def effect_truth(people: pd.DataFrame, followups: pd.DataFrame) -> dict:
    """What ``truth/effect.json`` records: the design, the effect on the recovery ratio by wave
    and, for the people drawn, its value in rupiah (the effect × the mean pre-layoff wage of the
    participants who answered the wave and reported an income at registration)."""
    wage = people.set_index("participant_code")["income_before_idr"]
    has_baseline = people.set_index("participant_code")["income_baseline_idr"].notna()
    rupiah = {}
    for wave, effect in EFFECT.items():
        answered = followups[(followups["wave"] == wave) & (followups["arm"] == "participant")]
        codes = [c for c in answered["participant_code"] if has_baseline[c]]
        rupiah[wave] = round(effect * float(wage[codes].mean()))
    return {
        "cohort": CODE,
        "design": "comparison group of union members laid off at the same time, not trained; "
        "same forms at registration and at each wave",
        "participants": PARTICIPANT_SIZE,
        "comparison": COMPARISON_SIZE,
        "assumption": "parallel trends hold by construction: both groups are drawn from one population "
        "(matched pair by pair on income at registration)",
        "effect_recovery_ratio": EFFECT,
        "effect_income_idr": rupiah,
        "responders": {w: {"participant": a, "comparison": b} for w, (a, b) in RESPONDERS.items()},
    }


def registration_start() -> datetime:
    """When the cohort's registration survey began (local time, WIB)."""
    return datetime(TRAINING_MONTH.year, TRAINING_MONTH.month, 14, 8, 0)


def render_rows(
    rng: np.random.Generator, people: pd.DataFrame, followups: pd.DataFrame
) -> tuple[list[dict], list[dict]]:
    """(baseline rows, follow-up rows) of one Kobo export each, both arms mixed, the study group
    written as the field writes it (blank for some participants: a blank answer is a participant)."""
    from impact.synth.messy import (
        CONFEDERATION_FORMS,
        _kobo_meta,
        _sources_cells,
        render_code,
        render_date,
        render_gender,
        render_phone,
        render_rupiah,
        render_wave,
        render_yes_no,
    )

    group_forms = {
        "participant": ["peserta", "Peserta", "participant", ""],
        "comparison": ["pembanding", "Kelompok pembanding", "comparison", "Pembanding"],
    }
    start = registration_start()
    order = rng.permutation(len(people))  # both arms registered on the same days, interleaved
    baseline = []
    for k, i in enumerate(order):
        p = people.iloc[i]
        earns = p["income_baseline_idr"] > 0
        cells = {
            "participant_code": render_code(p["participant_code"], rng),
            "cohort": str(rng.choice([CODE, CODE, "Karawang 2023"])),
            "study_group": str(rng.choice(group_forms[p["arm"]])),
            "respondent/full_name": p["full_name"],
            "respondent/phone": render_phone(p["phone"], rng),
            "respondent/nik": p["nik"],
            "respondent/gender": render_gender(p["gender"], rng),
            "respondent/birth_year": str(p["birth_year"]),
            "respondent/district": p["district"],
            "union/confederation": str(rng.choice(CONFEDERATION_FORMS[p["confederation"]])),
            "union/confederation_other": "",
            "union/federation": p["federation"],
            "employment/layoff_date": render_date(p["layoff_date"], rng, allow_month_only=False),
            "employment/last_monthly_wage": render_rupiah(p["income_before_idr"], rng),
            "income/current_monthly": render_rupiah(p["income_baseline_idr"], rng),
            **_sources_cells(["informal_trade"] if earns else ["none"]),
            "targets/daily": "",
            "targets/weekly": "",
            "targets/monthly": render_rupiah(p["target_monthly_idr_reported"], rng),
            "targets/yearly": "",
            "reseller/account_id": "" if pd.isna(p["reseller_id"]) else p["reseller_id"],
            "training/sessions_attended": ""
            if pd.isna(p["sessions_attended"])
            else str(int(p["sessions_attended"])),
        }
        when = start + timedelta(days=int(k // 30), minutes=15 * int(k % 30))
        baseline.append(_kobo_meta(rng, when, k + 1, odk=False) | cells)
    rows = []
    phones = people.set_index("participant_code")["phone"]
    for j, f in enumerate(followups.itertuples(index=False)):
        cells = {
            "participant_code": render_code(f.participant_code, rng),
            "wave": render_wave(f.wave, rng),
            "respondent/phone": render_phone(phones[f.participant_code], rng),
            "income/total_last_month": render_rupiah(f.income_total_idr, rng),
            "income/reseller_last_month": render_rupiah(f.income_reseller_idr, rng),
            **_sources_cells((["reseller"] if f.income_reseller_idr else []) + ["informal_trade"]),
            "reseller/still_active": render_yes_no(f.still_active, rng),
            "reseller/hours_per_week": str(f.hours_per_week),
            "employment/reemployed": render_yes_no(f.reemployed, rng),
            "employment/wage_last_month": "",
        }
        when = datetime.combine(f.interview_date.date(), datetime.min.time()) + timedelta(
            hours=9, minutes=j % 50
        )
        rows.append(_kobo_meta(rng, when, j + 1, odk=False) | cells)
    return baseline, rows
