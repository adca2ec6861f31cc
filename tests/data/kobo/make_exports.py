"""Build the KoboToolbox fixtures used by ``tests/clean/test_kobo.py`` and ``tests/io/test_xlsform.py``.

What it writes (every person in it is invented; phones are ``0812…`` test numbers):

- ``forms/registrasi_peserta.xlsx``: the baseline (registration) XLSForm, Indonesian labels in a
  plain ``label`` column; sheets ``survey``, ``choices``, ``settings``. It ends with the
  ``__version__`` calculate row that KoboToolbox's "Download XLS" adds.
- ``forms/survei_lanjutan.xlsx``: the follow-up XLSForm (Indonesian, no ``__version__`` row).
- ``forms_bilingual/registrasi_peserta_2bahasa.xlsx``: the baseline form in two languages
  (``label::Bahasa Indonesia (id)`` and ``label::English (en)``; some English labels left out on
  purpose, where formpack falls back to the XML name).
- ``forms_edge/uji_format.xlsx``: a small two-language form with the less common parts
  (``or_other``, a geopoint, a photo, a nested group, a repeat group, ``today``/``deviceid``).
- ``exports/*.csv|xlsx``: six submissions per form (two for the edge-case form) exported by **formpack** (KoboToolbox's own
  export library) in many variants, named the way KoboToolbox names downloads
  (``<title> - all versions - <labels|False|language> - <date>.<ext>``), and
  ``exports/manifest.json`` listing each file with the formpack settings that made it.

How it was run (formpack is not on PyPI and is NOT a dependency of the project)::

    python3 -m venv /tmp/formpack-venv
    git clone https://github.com/kobotoolbox/formpack /tmp/formpack-src   # commit 176f619 (3.0.0)
    /tmp/formpack-venv/bin/pip install /tmp/formpack-src python-dateutil
    /tmp/formpack-venv/bin/python tests/data/kobo/make_exports.py

(pyxform 4.5.0, XlsxWriter 3.3.1, openpyxl 3.1.5 came with it.) The export options mirror
KoboToolbox's ``ExportTask``: ``copy_fields`` = ``_id``, ``_uuid``, ``_submission_time``,
``_validation_status``, ``_notes``, ``_status``, ``_submitted_by``, ``_tags``; ``force_index=True``
(the ``_index`` column); CSV lines joined with CRLF, UTF-8 without BOM; the form content is read
from the XLSForm with pyxform's ``xlsx_to_dict`` (as KoboToolbox imports it) and gets a
``__version__`` calculate row, as a deployed KoboToolbox form does. XLSX files get a fixed creation
date so that the bytes are the same on every run.
"""

from __future__ import annotations

import json
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXED_DATE = datetime(2024, 12, 2, 3, 15, 40, tzinfo=UTC)
VERSION = "vKp8sQ2ZbL4xN7wR"  # the deployed version id (``__version__``)

ID = "Bahasa Indonesia (id)"
EN = "English (en)"

# --- the forms ----------------------------------------------------------------------------------
# survey rows: (type, name, {language: label}, extra columns); language None = plain ``label``


def _row(type_, name, labels=None, **extra):
    return {"type": type_, "name": name, "labels": labels or {}, **extra}


def _end(kind="group"):
    return {"type": f"end_{kind}", "name": "", "labels": {}}


BASELINE_SURVEY = [
    _row("start", "start"),
    _row("end", "end"),
    _row(
        "note",
        "intro",
        {ID: "Formulir registrasi peserta pelatihan reseller", EN: "Registration form for reseller training"},
    ),
    _row(
        "text",
        "participant_code",
        {ID: "Kode peserta (contoh: SKB23-001)", EN: "Participant code (e.g. SKB23-001)"},
        required="true",
    ),
    _row("select_one cohort", "cohort", {ID: "Angkatan pelatihan", EN: "Training cohort"}),
    _row("begin_group", "respondent", {ID: "Data responden", EN: "Respondent"}),
    _row("text", "full_name", {ID: "Nama lengkap", EN: "Full name"}),
    _row("text", "phone", {ID: "Nomor HP", EN: "Mobile phone number"}),
    _row("text", "nik", {ID: "NIK (16 digit)", EN: "National ID number (NIK)"}),
    _row("select_one gender", "gender", {ID: "Jenis kelamin", EN: "Sex"}, required="true"),
    _row("integer", "birth_year", {ID: "Tahun lahir", EN: "Year of birth"}),
    _row("text", "district", {ID: "Kabupaten/kota", EN: "District/city"}),
    _end(),
    _row("begin_group", "union", {ID: "Serikat pekerja", EN: "Trade union"}),
    _row("select_one confederation", "confederation", {ID: "Konfederasi", EN: "Confederation"}),
    _row(
        "text",
        "confederation_other",
        {ID: "Konfederasi lainnya, sebutkan", EN: "Other confederation, specify"},
        relevant="${confederation} = 'other'",
    ),
    _row("text", "federation", {ID: "Federasi / serikat", EN: "Federation / union"}),
    _end(),
    _row("begin_group", "employment", {ID: "Pekerjaan sebelum PHK", EN: "Employment before layoff"}),
    _row("date", "layoff_date", {ID: "Tanggal PHK", EN: "Layoff date"}),
    _row(
        "integer",
        "last_monthly_wage",
        {ID: "Upah bulanan terakhir (Rp)", EN: "Last monthly wage (Rp)"},
        required="true",
    ),
    _end(),
    _row("begin_group", "income", {ID: "Pendapatan saat ini", EN: "Current income"}),
    # the same label as targets/monthly: without group names in headers both columns are "Bulanan (Rp)"
    _row("integer", "current_monthly", {ID: "Bulanan (Rp)", EN: "Monthly (Rp)"}),
    _row("select_multiple income_source", "sources", {ID: "Sumber pendapatan", EN: "Income sources"}),
    _end(),
    _row("begin_group", "targets", {ID: "Target pendapatan", EN: "Income targets"}),
    _row("integer", "daily", {ID: "Harian (Rp)", EN: "Daily (Rp)"}),
    _row("integer", "weekly", {ID: "Mingguan (Rp)", EN: "Weekly (Rp)"}),
    _row("integer", "monthly", {ID: "Bulanan (Rp)", EN: "Monthly (Rp)"}),
    _row("integer", "yearly", {ID: "Tahunan (Rp)", EN: "Yearly (Rp)"}),
    _end(),
    _row("begin_group", "reseller", {ID: "Akun reseller", EN: "Reseller account"}),
    _row("text", "account_id", {ID: "ID akun reseller (contoh: EVM-00123456)", EN: "Reseller account ID"}),
    _end(),
    # no English label for this group: formpack then uses the group's name ("training")
    _row("begin_group", "training", {ID: "Pelatihan"}),
    _row(
        "integer",
        "sessions_attended",
        {ID: "Jumlah sesi yang dihadiri (0–3)", EN: "Sessions attended (0-3)"},
        constraint=". >= 0 and . <= 3",
    ),
    _end(),
]

FOLLOWUP_SURVEY = [
    _row("start", "start"),
    _row("end", "end"),
    _row("text", "participant_code", {ID: "Kode peserta (contoh: SKB23-001)"}, required="true"),
    _row("select_one wave", "wave", {ID: "Putaran survei"}, required="true"),
    _row("begin_group", "respondent", {ID: "Data responden"}),
    _row("text", "phone", {ID: "Nomor HP"}),
    _end(),
    _row("begin_group", "income", {ID: "Pendapatan"}),
    _row("integer", "total_last_month", {ID: "Total pendapatan bulan lalu (Rp)"}, required="true"),
    _row("integer", "reseller_last_month", {ID: "Pendapatan dari reseller bulan lalu (Rp)"}),
    _row("select_multiple income_source", "sources", {ID: "Sumber pendapatan"}),
    _end(),
    _row("begin_group", "reseller", {ID: "Kegiatan reseller"}),
    _row("select_one yes_no", "still_active", {ID: "Masih aktif sebagai reseller?"}),
    _row("integer", "hours_per_week", {ID: "Jam per minggu untuk reseller"}),
    _end(),
    _row("begin_group", "employment", {ID: "Pekerjaan"}),
    _row("select_one yes_no", "reemployed", {ID: "Sudah bekerja kembali?"}),
    _row(
        "integer",
        "wage_last_month",
        {ID: "Upah bulan lalu (Rp)"},
        relevant="${reemployed} = 'ya'",
    ),
    _end(),
]

# the less common parts of a form, to check the header layouts formpack gives them: metadata
# questions, or_other (a "<name>_other" question and an "other" option column), a geopoint (its
# own column is never prefixed by groups; "_<name>_latitude"… parts are), a photo with
# "include media URLs" ("<label>_URL"), a nested group without an English label, a repeat group
# (a second sheet in XLSX, left out of CSV) and a calculate
EDGE_SURVEY = [
    _row("start", "start"),
    _row("today", "today"),
    _row("deviceid", "deviceid"),
    _row("text", "participant_code", {ID: "Kode peserta", EN: "Participant code"}),
    _row("begin_group", "respondent", {ID: "Data responden", EN: "Respondent"}),
    _row("select_one gender or_other", "gender", {ID: "Jenis kelamin", EN: "Sex"}),
    _row(
        "select_multiple income_source or_other", "sources", {ID: "Sumber pendapatan", EN: "Income sources"}
    ),
    _row("geopoint", "gps", {ID: "Lokasi rumah", EN: "Home location"}),
    _row("image", "photo", {ID: "Foto KTP", EN: "ID card photo"}),
    _row("begin_group", "household", {ID: "Rumah tangga"}),
    _row("integer", "size", {ID: "Jumlah anggota", EN: "Household size"}),
    _end(),
    _end(),
    _row("begin_repeat", "children", {ID: "Anak", EN: "Children"}),
    _row("text", "child_name", {ID: "Nama anak", EN: "Child's name"}),
    _end("repeat"),
    _row("calculate", "sources_count", calculation="count-selected(${sources})"),
]

CONFEDERATIONS = [
    ("kspsi_rek", "KSPSI Rekonsiliasi", "KSPSI Reconciliation"),
    ("kspsi_caitu", "KSPSI CAITU", "KSPSI CAITU"),
    ("ksbsi", "K-SBSI", "K-SBSI"),
    ("sarbumusi", "K-Sarbumusi", "K-Sarbumusi"),
    ("kspn", "KSPN", "KSPN"),
    ("other", "Lainnya", "Other"),
]
INCOME_SOURCES = [
    ("reseller", "Reseller / dropship", "Reseller / dropship"),
    ("wage_job", "Pekerjaan upahan", "Wage job"),
    ("informal_trade", "Dagang informal", "Informal trade"),
    ("agriculture", "Pertanian", "Agriculture"),
    ("transfers", "Kiriman / bantuan", "Transfers / assistance"),
    ("none", "Tidak ada", None),  # no English label: formpack writes the name
]
CHOICES = {
    "cohort": [
        ("sukabumi-2023", "Sukabumi 2023", "Sukabumi 2023"),
        ("bekasi-2024", "Bekasi 2024", "Bekasi 2024"),
    ],
    "gender": [("L", "Laki-laki", "Male"), ("P", "Perempuan", "Female")],
    "confederation": CONFEDERATIONS,
    "income_source": INCOME_SOURCES,
    "wave": [("m3", "Bulan ke-3", None), ("m6", "Bulan ke-6", None), ("m12", "Bulan ke-12", None)],
    "yes_no": [("ya", "Ya", None), ("tidak", "Tidak", None)],
}

FORMS = {
    "baseline": {
        "file": "forms/registrasi_peserta.xlsx",
        "title": "Registrasi Peserta Promise II",
        "form_id": "registrasi_peserta",
        "survey": BASELINE_SURVEY,
        "lists": ["cohort", "gender", "confederation", "income_source"],
        "languages": [None],
        "version_row": True,
    },
    "followup": {
        "file": "forms/survei_lanjutan.xlsx",
        "title": "Survei Lanjutan Promise II",
        "form_id": "survei_lanjutan",
        "survey": FOLLOWUP_SURVEY,
        "lists": ["wave", "income_source", "yes_no"],
        "languages": [None],
        "version_row": False,
    },
    "bilingual": {
        "file": "forms_bilingual/registrasi_peserta_2bahasa.xlsx",
        "title": "Registrasi Peserta Promise II (ID-EN)",
        "form_id": "registrasi_peserta_2bahasa",
        "survey": BASELINE_SURVEY,
        "lists": ["cohort", "gender", "confederation", "income_source"],
        "languages": [ID, EN],
        "version_row": True,
    },
    "edge": {
        "file": "forms_edge/uji_format.xlsx",
        "title": "Uji Format Kobo",
        "form_id": "uji_format",
        "survey": EDGE_SURVEY,
        "lists": ["gender", "income_source"],
        "languages": [ID, EN],
        "version_row": True,
        "edge": True,
    },
}

# --- submissions (as KoboToolbox stores them: XML paths -> text) --------------------------------


def _meta(n: int, day: str, hour: int, *, approved: bool = False) -> dict:
    return {
        "start": f"{day}T{hour:02d}:05:00.000+07:00",
        "end": f"{day}T{hour:02d}:31:12.000+07:00",
        "__version__": VERSION,
        "_id": 4100 + n,
        "_uuid": f"00000000-0000-4000-8000-{n:012d}",
        "_submission_time": f"{day}T{hour - 7:02d}:40:00",
        "_validation_status": (
            {"uid": "validation_status_approved", "label": "Approved", "by_whom": "enumerator_demo"}
            if approved
            else {}
        ),
        "_notes": [],
        "_status": "submitted_via_web",
        "_submitted_by": "enumerator_demo",
        "_tags": [],
    }


BASELINE_SUBMISSIONS = [
    {
        **_meta(1, "2023-09-12", 9, approved=True),
        "participant_code": "SKB23-001",
        "cohort": "sukabumi-2023",
        "respondent/full_name": "Siti Nurjanah Contoh",
        "respondent/phone": "081200000101",
        "respondent/nik": "3202000000000001",
        "respondent/gender": "P",
        "respondent/birth_year": "1980",
        "respondent/district": "Kabupaten Sukabumi",
        "union/confederation": "kspn",
        "union/federation": 'SP "Maju"; Garmen',
        "employment/layoff_date": "2021-04-07",
        "employment/last_monthly_wage": "4300000",
        "income/current_monthly": "950000",
        "income/sources": "reseller wage_job",
        "targets/monthly": "4000000",
        "reseller/account_id": "EVM-00000101",
        "training/sessions_attended": "3",
    },
    {
        **_meta(2, "2023-09-12", 10),
        "participant_code": "SKB23-002",
        "cohort": "sukabumi-2023",
        "respondent/full_name": "Budi Santoso Contoh",
        "respondent/phone": "081200000102",
        "respondent/gender": "L",
        "respondent/birth_year": "1975",
        "respondent/district": "Kota Sukabumi",
        "union/confederation": "other",
        "union/confederation_other": "Serikat Buruh Mandiri Contoh",
        "union/federation": "SB Mandiri",
        "employment/layoff_date": "2020-11-30",
        "employment/last_monthly_wage": "3900000",
        "income/current_monthly": "0",
        "income/sources": "none",
        "targets/weekly": "1000000",
        "training/sessions_attended": "2",
    },
    {
        **_meta(3, "2024-05-20", 11),
        "participant_code": "BKS24-003",
        "cohort": "bekasi-2024",
        "respondent/full_name": "Rina Wulandari Contoh",
        "respondent/phone": "+62 812-0000-0103",
        "respondent/gender": "P",
        "respondent/birth_year": "1990",
        "respondent/district": "Kota Bekasi",
        "union/confederation": "ksbsi",
        "employment/last_monthly_wage": "5100000",
        # income/sources not answered: blank in every column, not zeros
        "targets/daily": "150000",
        "reseller/account_id": "EVM-00000103",
        "training/sessions_attended": "1",
    },
    {
        **_meta(4, "2024-05-20", 13),
        "participant_code": "BKS24-004",
        "cohort": "bekasi-2024",
        "respondent/full_name": "Agus Prasetyo Contoh",
        "respondent/phone": "081200000104",
        "respondent/gender": "L",
        "respondent/birth_year": "1985",
        "respondent/district": "Kota Bekasi",
        "union/confederation": "sarbumusi",
        "union/federation": "FSP Kimia\nCabang Bekasi",
        "employment/layoff_date": "2023-12-01",
        "employment/last_monthly_wage": "4800000",
        "income/current_monthly": "1200000",
        "income/sources": "informal_trade agriculture transfers",
        "targets/yearly": "60000000",
        "reseller/account_id": "EVM-00000104",
        "training/sessions_attended": "3",
    },
    {
        **_meta(5, "2024-05-21", 9),
        "participant_code": "BKS24-005",
        "cohort": "jakarta-2022",  # not a choice of the form (typed in an old version): reported
        "respondent/full_name": "Dewi Lestari Contoh",
        "respondent/phone": "081200000105",
        "respondent/gender": "P",
        "respondent/birth_year": "1979",
        "union/confederation": "kspsi_caitu",
        "employment/last_monthly_wage": "4500000",
        "income/sources": "wage_job",
        "training/sessions_attended": "0",
    },
    {
        **_meta(6, "2023-09-13", 15),
        "participant_code": "SKB23-006",
        "respondent/full_name": "Yusuf Hidayat Contoh",
        "respondent/phone": "081200000106",
        "respondent/gender": "L",
        "respondent/birth_year": "1968",
        "respondent/district": "Kabupaten Sukabumi",
        "union/confederation": "kspsi",  # not a choice: reported, kept as typed
        "employment/layoff_date": "2022-02-15",
        "employment/last_monthly_wage": "4100000",
        "income/current_monthly": "700000",
        "income/sources": "agriculture reseller",
        "targets/monthly": "3000000",
        "targets/weekly": "700000",
        "reseller/account_id": "EVM-00000106",
        "training/sessions_attended": "2",
    },
]

FOLLOWUP_SUBMISSIONS = [
    {
        **_meta(11, "2023-12-15", 9),
        "participant_code": "SKB23-001",
        "wave": "m3",
        "respondent/phone": "081200000101",
        "income/total_last_month": "2100000",
        "income/reseller_last_month": "1200000",
        "income/sources": "reseller wage_job",
        "reseller/still_active": "ya",
        "reseller/hours_per_week": "20",
        "employment/reemployed": "tidak",
    },
    {
        **_meta(12, "2023-12-16", 10),
        "participant_code": "SKB23-002",
        "wave": "m3",
        "respondent/phone": "081200000102",
        "income/total_last_month": "900000",
        "income/sources": "none",
        "reseller/still_active": "tidak",
        "employment/reemployed": "tidak",
    },
    {
        **_meta(13, "2024-03-14", 11, approved=True),
        "participant_code": "SKB23-001",
        "wave": "m6",
        "respondent/phone": "081200000101",
        "income/total_last_month": "3500000",
        "income/reseller_last_month": "2000000",
        "income/sources": "wage_job reseller",
        "reseller/still_active": "ya",
        "reseller/hours_per_week": "25",
        "employment/reemployed": "ya",
        "employment/wage_last_month": "1500000",
    },
    {
        **_meta(14, "2024-08-20", 12),
        "participant_code": "BKS24-003",
        "wave": "m3",
        "income/total_last_month": "1800000",
        "income/reseller_last_month": "1800000",
        "income/sources": "reseller",
        "reseller/still_active": "ya",
        "reseller/hours_per_week": "30",
        "employment/reemployed": "tidak",
    },
    {
        **_meta(15, "2024-09-02", 13),
        "participant_code": "SKB23-006",
        "wave": "m12",
        "respondent/phone": "081200000106",
        "income/total_last_month": "1100000",
        # income/sources not answered
        "reseller/still_active": "tidak",
        "employment/reemployed": "ya",
        "employment/wage_last_month": "1100000",
    },
    {
        **_meta(16, "2024-09-03", 14),
        "participant_code": "BKS24-004",
        "wave": "3 bulan",  # typed, neither a name nor a label: reported
        "respondent/phone": "081200000104",
        "income/total_last_month": "1300000",
        "income/sources": "informal_trade agriculture",
        "reseller/still_active": "ya",
        "reseller/hours_per_week": "8",
    },
]
EDGE_SUBMISSIONS = [
    {
        **_meta(21, "2024-06-03", 9),
        "today": "2024-06-03",
        "deviceid": "collect:demo0001",
        "participant_code": "BKS24-021",
        "respondent/gender": "other",
        "respondent/gender_other": "Tidak ingin menyebut",
        "respondent/sources": "reseller other",
        "respondent/sources_other": "Ojek daring",
        "respondent/gps": "-6.2383 106.9756 12.5 4.8",
        "respondent/photo": "ktp_contoh.jpg",
        "respondent/household/size": "4",
        "children": [{"children/child_name": "Anak Satu Contoh"}, {"children/child_name": "Anak Dua Contoh"}],
        "sources_count": "2",
    },
    {
        **_meta(22, "2024-06-03", 10),
        "today": "2024-06-03",
        "deviceid": "collect:demo0002",
        "participant_code": "BKS24-022",
        "respondent/gender": "P",
        "respondent/sources": "wage_job",
        "respondent/household/size": "2",
        "sources_count": "1",
    },
]
SUBMISSIONS = {
    "baseline": BASELINE_SUBMISSIONS,
    "followup": FOLLOWUP_SUBMISSIONS,
    "bilingual": BASELINE_SUBMISSIONS,
    "edge": EDGE_SUBMISSIONS,
}

# --- writing the XLSForms -----------------------------------------------------------------------


def _label_columns(languages):
    return ["label" if lang is None else f"label::{lang}" for lang in languages]


def write_xlsform(spec: dict, path: Path) -> None:
    """An XLSForm as a person or KoboToolbox's "Download XLS" would have it: survey, choices, settings."""
    import xlsxwriter

    languages = spec["languages"]
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path))
    wb.set_properties({"created": FIXED_DATE.replace(tzinfo=None)})
    extra = ["required", "relevant", "constraint", "calculation"]
    survey = wb.add_worksheet("survey")
    header = ["type", "name", *_label_columns(languages), *extra]
    rows = []
    for r in spec["survey"]:
        labels = [r["labels"].get(lang if lang is not None else ID, "") for lang in languages]
        rows.append([r["type"], r["name"], *labels, *(r.get(c, "") for c in extra)])
    if spec["version_row"]:
        rows.append(["calculate", "__version__", *([""] * len(languages)), "", "", "", f"'{VERSION}'"])
    for i, row in enumerate([header, *rows]):
        for j, value in enumerate(row):
            if value:
                survey.write_string(i, j, value)
    choices = wb.add_worksheet("choices")
    crow = [["list_name", "name", *_label_columns(languages)]]
    for list_name in spec["lists"]:
        for name, label_id, label_en in CHOICES[list_name]:
            by_lang = {None: label_id, ID: label_id, EN: label_en}
            crow.append([list_name, name, *(by_lang[lang] or "" for lang in languages)])
    for i, row in enumerate(crow):
        for j, value in enumerate(row):
            if value:
                choices.write_string(i, j, value)
    settings = wb.add_worksheet("settings")
    keys = ["form_title", "form_id", "version"]
    values = [spec["title"], spec["form_id"], "2 (2023-08-01 10:00:00)"]
    if languages != [None]:
        keys.append("default_language")
        values.append(languages[0])
    for j, (k, v) in enumerate(zip(keys, values, strict=True)):
        settings.write_string(0, j, k)
        settings.write_string(1, j, v)
    wb.close()


# --- exporting with formpack -------------------------------------------------------------------


def form_content(path: Path) -> dict:
    """The form content as KoboToolbox holds it once deployed (pyxform's reading of the XLSForm,
    empty rows dropped, a ``__version__`` calculate row at the end), expanded by formpack."""
    from formpack.utils.expand_content import expand_content
    from pyxform.xls2json_backends import xlsx_to_dict

    raw = xlsx_to_dict(str(path))
    content = {k: v for k, v in raw.items() if k in ("survey", "choices", "settings")}
    content["survey"] = [dict(r) for r in content["survey"] if r.get("type")]
    content["choices"] = [dict(r) for r in content.get("choices", []) if r.get("list_name")]
    if not any(r.get("name") == "__version__" for r in content["survey"]):
        content["survey"].append({"type": "calculate", "name": "__version__", "calculation": f"'{VERSION}'"})
    return expand_content(content)  # as KoboToolbox's AssetVersion.to_formpack_schema()


def _copy_fields():
    from formpack.schema.fields import (
        IdCopyField,
        NotesCopyField,
        SubmissionTimeCopyField,
        TagsCopyField,
        ValidationStatusCopyField,
    )

    return (
        IdCopyField,
        "_uuid",
        SubmissionTimeCopyField,
        ValidationStatusCopyField,
        NotesCopyField,
        "_status",
        "_submitted_by",
        TagsCopyField,
    )


def variants(languages: list[str | None]) -> list[dict]:
    """Every export variant made for a form: each language (XML ``False``, labels), group names in
    headers on/off, separators ``/`` and ``-``, CSV and XLSX, with ``multiple_select='both'``;
    then ``summary`` and ``details`` for each language; one XLSX with typed cells."""
    langs: list[str | bool | None] = [False, *([None] if languages == [None] else [*languages, None])]
    out = []
    for lang in langs:
        for hierarchy in (True, False):
            for sep in ("/", "-"):
                for kind in ("csv", "xlsx"):
                    out.append(dict(lang=lang, hierarchy=hierarchy, sep=sep, type=kind, multiple="both"))
    for i, lang in enumerate(langs):
        out.append(
            dict(lang=lang, hierarchy=True, sep="/" if i % 2 == 0 else "-", type="csv", multiple="summary")
        )
        out.append(dict(lang=lang, hierarchy=i % 2 == 0, sep="/", type="xlsx", multiple="details"))
    out.append(dict(lang=langs[1], hierarchy=True, sep="/", type="xlsx", multiple="both", typed=True))
    return out


def edge_variants() -> list[dict]:
    """The variants made for the edge-case form: XML and both languages, groups on/off, separators
    ``/`` and `` > ``, CSV; one ``details`` CSV with ``-``; one XLSX (with the repeat's sheet)."""
    out = [
        dict(lang=lang, hierarchy=hierarchy, sep=sep, type="csv", multiple="both", media_urls=True)
        for lang in (False, ID, EN)
        for hierarchy in (True, False)
        for sep in ("/", " > ")
    ]
    out.append(dict(lang=ID, hierarchy=True, sep="-", type="csv", multiple="details", media_urls=True))
    out.append(dict(lang=EN, hierarchy=True, sep="/", type="xlsx", multiple="both", media_urls=True))
    return out


def export_file(pack, title: str, variant: dict, number: int, out_dir: Path, submissions: list[dict]) -> str:
    lang = variant["lang"]
    lang_part = "labels" if lang is None else str(lang)  # KoboToolbox's ExportTask naming
    stamp = FIXED_DATE.replace(second=0, minute=15 + number // 60, tzinfo=None)
    stamp = stamp.replace(second=number % 60)
    name = f"{title} - all versions - {lang_part} - {stamp:%Y-%m-%d-%H-%M-%S}.{variant['type']}"
    export = pack.export(
        lang=lang,
        group_sep=variant["sep"],
        hierarchy_in_labels=variant["hierarchy"],
        versions=pack.versions.keys(),
        multiple_select=variant["multiple"],
        copy_fields=_copy_fields(),
        force_index=True,
        tag_cols_for_header=["hxl"],
        xls_types_as_text=not variant.get("typed", False),
        include_media_url=variant.get("media_urls", False),
    )
    path = out_dir / name
    if variant["type"] == "csv":
        with path.open("wb") as fh:
            for line in export.to_csv([dict(s) for s in submissions]):
                fh.write((line + "\r\n").encode("utf-8"))
    else:
        export.to_xlsx(str(path), [dict(s) for s in submissions])
    return name


def _fixed_xlsx_dates() -> None:
    """formpack's XLSX writer stamps the current time into docProps/core.xml: pin it."""
    import xlsxwriter

    close = xlsxwriter.Workbook.close

    def pinned(self):
        self.set_properties({**self.doc_properties, "created": FIXED_DATE.replace(tzinfo=None)})
        return close(self)

    xlsxwriter.Workbook.close = pinned


def main() -> None:
    try:
        from formpack import FormPack
    except ImportError:
        sys.exit("formpack is not installed: see this script's docstring")
    _fixed_xlsx_dates()
    out_dir = HERE / "exports"
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir()
    manifest = []
    number = 0
    for key, spec in FORMS.items():
        form_path = HERE / spec["file"]
        write_xlsform(spec, form_path)
        content = form_content(form_path)
        pack = FormPack(
            [{"content": content, "version": VERSION, "version_id_key": "__version__"}],
            title=spec["title"],
            id_string=spec["form_id"],
        )
        for variant in edge_variants() if spec.get("edge") else variants(spec["languages"]):
            name = export_file(pack, spec["title"], variant, number, out_dir, SUBMISSIONS[key])
            number += 1
            manifest.append(
                {
                    "file": name,
                    "form": spec["file"],
                    "form_key": key,
                    "type": variant["type"],
                    "lang": variant["lang"],
                    "hierarchy_in_labels": variant["hierarchy"],
                    "group_sep": variant["sep"],
                    "multiple_select": variant["multiple"],
                    "xls_types_as_text": not variant.get("typed", False),
                    "include_media_url": variant.get("media_urls", False),
                }
            )
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {len(manifest)} exports to {out_dir}")


if __name__ == "__main__":
    main()
