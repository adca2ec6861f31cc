"""Deterministic synthetic sample data shaped by the raw-data contract.

``write_sample(out_dir)`` writes ``out_dir/raw`` (survey and sales exports with the
messiness seen in the field) and ``out_dir/truth`` (the clean values the generator
started from, and the anomalies it planted), so that tests can check cleaning
against the truth. Everything is fake: names, phones and NIKs are generated from
short lists of common Indonesian given names and random digits.

The generator works per participant (88 people), so plain Python is fine here;
the platform-scale generator lives in :mod:`impact.synth.scale`.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from impact import config, vocab
from impact.clean.sales import SALES_FIELDS
from impact.synth import comparison
from impact.synth._truth_files import write_followups as _write_followups
from impact.synth._truth_files import write_people as _write_people
from impact.synth._truth_files import write_truth as _write_truth
from impact.synth.messy import (
    BASELINE_FIELDS,
    CONFEDERATION_FORMS,
    FOLLOWUP_FIELDS,
    HXL,
    KOBO_META_HEAD,
    KOBO_META_TAIL,
    ODK_META_HEAD,
    ODK_META_TAIL,
    Recorder,
    _kobo_meta,
    _later_submission,
    _sources_cells,
    odk_header,
    render_code,
    render_date,
    render_gender,
    render_phone,
    render_rupiah,
    render_wave,
    render_yes_no,
)
from impact.synth.truth import (
    ID_MONTHS,
    SAMPLE_PROGRAMME_TOML,
    SPECS,
    build_followups,
    build_orders,
    build_participants,
)

__all__ = [
    "STATUS_FORMS",
    "participant_reseller_ids",
    "render_baseline",
    "render_followups",
    "render_sales",
    "write_sample",
]


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
    anomalies = {
        k: int(next(pick))
        for k in (
            "dk_wage",
            "big_wage",
            "bad_income",
            "tt_income",
            "bad_gender",
            "other_confed",
            "fuzzy",
            "resubmit",
            "month_only",
        )
    }
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
            c["union/confederation"] = {
                "kspsi_rek": "KSPSI Rekonsilasi",
                "kspsi_caitu": "KSPSI CAITO",
                "ksbsi": "K-SBSII",
                "sarbumusi": "K-Saburmusi",
                "kspn": "KSPNN",
            }[p["confederation"]]
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
    rng: np.random.Generator,
    fu: pd.DataFrame,
    *,
    file: str,
    rec: Recorder,
    odk: bool = False,
    hxl: bool = False,
    plant: bool = True,
) -> tuple[list[dict], pd.DataFrame]:
    """Messy follow-up rows and the truth after the anomalies planted in them."""
    truth = fu.copy()
    rows: list[dict] = []
    source_row0 = 3 if hxl else 2
    picks = rng.permutation(len(fu))
    anomalies = (
        {"tt": int(picks[0]), "phone_only": int(picks[1]), "resubmit": int(picks[2]), "hours": int(picks[3])}
        if plant
        else {}
    )
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
    for col, val, why in (
        ("order_time", "kemarin", "unparseable order time"),
        ("status", "Diproses", "unknown status"),
        ("reseller_id", "", "no reseller id"),
    ):
        bad = dict(base) | {
            "order_id": f"ORD-{int(rng.integers(8_000_000_000, 8_999_999_999)):010d}",
            col: val,
        }
        f2.append(bad)
        rec.add(f"sales/{names[1]}", len(f2) + 1, col, "row", why)
    return files


# --- writers ------------------------------------------------------------------------------------


def _csv_bytes(
    header: list[str],
    rows: list[dict],
    *,
    sep: str,
    quote_all: bool,
    bom: bool,
    hxl: dict[str, str] | None = None,
) -> bytes:
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


def _write_survey(
    path: Path, fields: tuple[str, ...], rows: list[dict], *, kind: str, odk: bool = False, hxl: bool = False
) -> None:
    keys, text = _header(fields, odk=odk)
    rows = [{t: r.get(k, "") for k, t in zip(keys, text, strict=True)} for r in rows]
    if kind == "xlsx":
        numeric = frozenset(
            {
                "_id",
                "_index",
                "respondent/birth_year",
                "training/sessions_attended",
                "employment/last_monthly_wage",
            }
        )
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
    # the third cohort and its comparison group: drawn from their own stream, in their own files
    t_ppl, t_fu, orders = _write_karawang(raw, truth_dir, t_ppl, t_fu, orders, seed=seed, counts=counts)

    (raw / "programme.toml").write_text(SAMPLE_PROGRAMME_TOML, encoding="utf-8")
    (raw / config.SAMPLE_MARKER).write_text(
        "Synthetic sample data written by `impact sample`. Every person in it is fake.\n"
        "Cleaning a folder holding this file uses the documented demo pseudonymisation secret.\n"
    )
    _write_truth(
        truth_dir, pd.concat(t_ppl, ignore_index=True), pd.concat(t_fu, ignore_index=True), orders, rec
    )
    return counts


def _write_karawang(
    raw: Path,
    truth_dir: Path,
    t_ppl: list[pd.DataFrame],
    t_fu: list[pd.DataFrame],
    orders: pd.DataFrame,
    *,
    seed: int,
    counts: dict[str, int],
) -> tuple[list[pd.DataFrame], list[pd.DataFrame], pd.DataFrame]:
    """Karawang 2023 (:mod:`impact.synth.comparison`): its survey exports (participants and the
    comparison group in the same files, marked by ``study_group``), its accounts' order export, and
    ``truth/comparison*.csv`` and ``truth/effect.json``; returns the truth lists and all orders."""
    rng = np.random.default_rng([seed, 3])
    people, fu = comparison.build_cohort(rng)
    trained = people[people["arm"] == "participant"]
    extra = build_orders(rng, trained, extra_resellers=0)
    extra["order_id"] = [
        f"ORD-{6_000_000_000 + 7 * i + int(rng.integers(0, 7)):010d}" for i in range(len(extra))
    ]
    baseline, followups = comparison.render_rows(rng, people, fu)
    fields = (*BASELINE_FIELDS[:2], "study_group", *BASELINE_FIELDS[2:])
    name = f"survey/baseline_{comparison.CODE}.csv"
    _write_survey(raw / name, fields, baseline, kind="kobo")
    counts[name] = len(baseline)
    name = f"survey/followup_{comparison.CODE}.csv"
    _write_survey(raw / name, FOLLOWUP_FIELDS, followups, kind="kobo")
    counts[name] = len(followups)
    name = "orders_2023-11_2024-12_karawang.csv"
    rows = [_render_order(o, o["status"], rng, style="iso") for _, o in extra.iterrows()]
    (raw / "sales" / name).write_bytes(
        _csv_bytes(list(SALES_FIELDS), rows, sep=",", quote_all=False, bom=False)
    )
    counts[f"sales/{name}"] = len(rows)
    arm = fu["arm"] == "participant"
    (truth_dir / "effect.json").write_text(
        json.dumps(comparison.effect_truth(people, fu), indent=1, ensure_ascii=False) + "\n"
    )
    _write_people(truth_dir / "comparison.csv", people[people["arm"] == "comparison"])
    _write_followups(truth_dir / "comparison_followups.csv", fu[~arm])
    orders = pd.concat([orders, extra], ignore_index=True)
    return [*t_ppl, trained.drop(columns="arm")], [*t_fu, fu[arm].drop(columns="arm")], orders


def participant_reseller_ids(sample_dir: Path) -> list[str]:
    """The participants' reseller account ids from a written sample's truth (for scale mode)."""
    ppl = pd.read_csv(Path(sample_dir) / "truth" / "participants.csv", dtype=str)
    return ppl["reseller_id"].dropna().tolist()
