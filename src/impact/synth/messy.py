"""How the field writes clean values: rupiah, genders, codes, phones, dates and waves in the
spellings seen in real exports, and the Kobo / ODK export layouts (metadata, headers, HXL)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from impact import vocab
from impact.synth.truth import ID_MONTHS, ID_MONTHS_SHORT, INCOME_SOURCES

__all__ = [
    "BASELINE_FIELDS",
    "CONFEDERATION_FORMS",
    "FOLLOWUP_FIELDS",
    "HXL",
    "KOBO_META_HEAD",
    "KOBO_META_TAIL",
    "ODK_META_HEAD",
    "ODK_META_TAIL",
    "Recorder",
    "odk_header",
    "render_code",
    "render_date",
    "render_gender",
    "render_phone",
    "render_rupiah",
    "render_wave",
    "render_yes_no",
]

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
KOBO_META_TAIL = (
    "_id",
    "_uuid",
    "_submission_time",
    "_validation_status",
    "_notes",
    "_status",
    "_submitted_by",
    "__version__",
    "_tags",
    "_index",
)
ODK_META_HEAD = ("SubmissionDate", "start", "end")
ODK_META_TAIL = (
    "KEY",
    "SubmitterID",
    "SubmitterName",
    "AttachmentsPresent",
    "AttachmentsExpected",
    "Status",
    "ReviewState",
    "DeviceID",
    "Edits",
    "FormVersion",
)

BASELINE_FIELDS = (
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
    "union/federation",
    "employment/layoff_date",
    "employment/last_monthly_wage",
    "income/current_monthly",
    "income/sources",
    *(f"income/sources/{o}" for o in INCOME_SOURCES),
    "targets/daily",
    "targets/weekly",
    "targets/monthly",
    "targets/yearly",
    "reseller/account_id",
    "training/sessions_attended",
)
FOLLOWUP_FIELDS = (
    "participant_code",
    "wave",
    "respondent/phone",
    "income/total_last_month",
    "income/reseller_last_month",
    "income/sources",
    *(f"income/sources/{o}" for o in INCOME_SOURCES),
    "reseller/still_active",
    "reseller/hours_per_week",
    "employment/reemployed",
    "employment/wage_last_month",
)
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
    local = {
        "start": start.isoformat(timespec="milliseconds") + "+07:00",
        "end": end.isoformat(timespec="milliseconds") + "+07:00",
    }
    if odk:
        return local | {
            "SubmissionDate": submitted.isoformat(timespec="milliseconds") + "Z",
            "KEY": f"uuid:{uid}",
            "SubmitterID": "7",
            "SubmitterName": "enumerator_skb",
            "AttachmentsPresent": "0",
            "AttachmentsExpected": "0",
            "Status": "",
            "ReviewState": "",
            "DeviceID": f"collect:{uid[:16]}",
            "Edits": "0",
            "FormVersion": "2023091201",
        }
    return local | {
        "_id": str(412_000_000 + i * 17),
        "_uuid": uid,
        "_submission_time": submitted.isoformat(timespec="seconds"),
        "_validation_status": "",
        "_notes": "",
        "_status": "submitted_via_web",
        "_submitted_by": "promise_m_e",
        "__version__": "vGpLqz7sVxQ9dT3",
        "_tags": "",
        "_index": str(i + 1),
    }


def _later_submission(meta: dict[str, str]) -> dict[str, str]:
    """The same interview sent again a day later (an edit): only the submission time moves."""
    out = dict(meta)
    for key in ("_submission_time", "SubmissionDate"):
        if key in out:
            z = out[key].endswith("Z")
            t = datetime.fromisoformat(out[key].removesuffix("Z")) + timedelta(days=1)
            out[key] = t.isoformat(timespec="milliseconds" if z else "seconds") + ("Z" if z else "")
    return out
