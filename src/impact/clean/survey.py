"""Cleaning the survey exports: baseline (registration) and follow-up waves.

Small pure steps; :func:`clean_baseline` and :func:`clean_followups` chain them.
Input frames hold raw text cells under canonical field names (see
:func:`resolve_columns`) plus ``source_file`` / ``source_row``. Bad cells are set
missing and logged; rows that cannot be identified or placed in time are set
aside whole. Nothing is dropped without a record in the :class:`~impact.audit.Ledger`.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

import impact.clean.parse as parse
from impact import config, vocab
from impact.clean import arms
from impact.clean.audit import Ledger, review_entries
from impact.errors import InputError
from impact.io.raw import EXTRA_FIELDS, INCOMPLETE
from impact.programme import Programme

__all__ = [
    "BASELINE_FIELDS",
    "BASELINE_REQUIRED",
    "FOLLOWUP_FIELDS",
    "FOLLOWUP_REQUIRED",
    "META_FIELDS",
    "clean_baseline",
    "clean_followups",
    "drop_hxl_row",
    "interview_date",
    "keep_latest",
    "monthly_target",
    "normalise_cohort",
    "resolve_columns",
    "set_aside_incomplete",
    "submission_time",
]

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
    "targets/daily",
    "targets/weekly",
    "targets/monthly",
    "targets/yearly",
    "reseller/account_id",
    "training/sessions_attended",
    arms.FIELD,
)
BASELINE_REQUIRED = (
    "participant_code",
    "respondent/gender",
    "union/confederation",
    "employment/last_monthly_wage",
)
FOLLOWUP_FIELDS = (
    "participant_code",
    "wave",
    "respondent/phone",
    "income/total_last_month",
    "income/reseller_last_month",
    "income/sources",
    "reseller/still_active",
    "reseller/hours_per_week",
    "employment/reemployed",
    "employment/wage_last_month",
)
FOLLOWUP_REQUIRED = ("participant_code", "wave", "income/total_last_month")
META_FIELDS = ("start", "end", "_submission_time", "SubmissionDate", "_id", "KEY", "interview_date", "today")

# --- columns ------------------------------------------------------------------------------------


def _header_key(h: str) -> str:
    return str(h).replace("\ufeff", "").strip().lower().replace("-", "/")


def resolve_columns(
    frame: pd.DataFrame, *, fields: tuple[str, ...], required: tuple[str, ...], file: str
) -> tuple[pd.DataFrame, list[str]]:
    """Rename export headers to canonical field names; add missing optional fields as blank.

    Kobo joins groups with ``/`` and ODK Central with ``-``; exports made "without
    group names" carry only the last part. Matching is case-insensitive. Unknown
    extra columns are kept out of the result and listed. A missing required column
    raises :class:`InputError` naming the file, what is missing and what was found.
    """
    keys = {_header_key(h): h for h in frame.columns}
    dupes = sorted(
        {
            _header_key(h)
            for h in frame.columns
            if list(map(_header_key, frame.columns)).count(_header_key(h)) > 1
        }
    )
    wanted = (*fields, *META_FIELDS)
    last = {}
    for f in wanted:
        last.setdefault(f.lower().split("/")[-1], []).append(f)
    mapping: dict[str, str] = {}
    for f in wanted:
        k = f.lower()
        if k in dupes:
            raise InputError(f"{file}: column {f!r} appears more than once in the header")
        if k in keys:
            mapping[f] = keys[k]
            continue
        tail = k.split("/")[-1]
        if len(last[tail]) == 1:  # export made without group names
            hits = [h for h in frame.columns if _header_key(h) == tail]
            if len(hits) > 1:
                raise InputError(f"{file}: column {hits[0]!r} ({f}) appears more than once in the header")
            if len(hits) == 1:
                mapping[f] = hits[0]
    if arms.FIELD in fields and arms.FIELD not in mapping:  # the study group under another name
        found = arms.study_group_column(frame, taken=set(mapping.values()), file=file)
        if found is not None:
            mapping[arms.FIELD] = found
    missing = [f for f in required if f not in mapping]
    if missing:
        headers = [str(h) for h in frame.columns if h not in ("source_file", "source_row")]
        found = ", ".join(headers[:12]) + (" …" if len(headers) > 12 else "")
        raise InputError(f"{file}: missing required column(s) {', '.join(missing)}; found: {found}")
    out = pd.DataFrame({f: frame[mapping[f]] if f in mapping else "" for f in wanted}, index=frame.index)
    out = out.astype(object).where(out.notna(), "")
    used = set(mapping.values())
    extra = [h for h in frame.columns if h not in used and h not in ("source_file", "source_row")]
    for c in ("source_file", "source_row"):
        if c in frame.columns:
            out[c] = frame[c]
    return out, extra


def drop_hxl_row(frame: pd.DataFrame) -> tuple[pd.DataFrame, bool]:
    """Drop an HXL hashtag row (``#indicator+…``) right under the header, if there is one."""
    if frame.empty:
        return frame, False
    first = frame.iloc[0].astype(str).str.strip()
    filled = first[first != ""]
    if len(filled) and filled.str.startswith("#").all():
        return frame.iloc[1:], True
    return frame, False


# --- shared steps ---------------------------------------------------------------------------------

INCOMPLETE_REASON = "incomplete row (file cut off?)"
EXTRA_REASON = "more fields than the header (values shifted out of their columns?)"


def set_aside_incomplete(df: pd.DataFrame, ledger: Ledger) -> pd.DataFrame:
    """Set aside whole the rows read with fewer fields than the header (``_incomplete`` names the
    first missing column; see :func:`impact.io.read_csv_text`): their blanks are not answers; and
    rows with more (``_incomplete`` is :data:`impact.io.raw.EXTRA_FIELDS`): their values moved."""
    if INCOMPLETE not in df.columns:
        return df
    cut = df[INCOMPLETE].fillna("").astype(str)
    short = cut != ""
    for column in cut[short].unique():
        reason = EXTRA_REASON if column == EXTRA_FIELDS else INCOMPLETE_REASON
        ledger.set_aside(
            df, cut == column, column=str(column), raw=pd.Series("", index=df.index), reason=reason
        )
    return df.loc[~short].drop(columns=[INCOMPLETE])


def _apply(
    df: pd.DataFrame, ledger: Ledger, column: str, parsed: pd.DataFrame, *, what: str
) -> tuple[pd.Series, pd.Series]:
    """Log a parser's issues for ``column`` and return (value, ok-or-blank mask).

    invalid / implausible → cell quarantined, value missing; dont_know → counted.
    """
    issue = parsed["issue"]
    bad = issue.isin(["invalid", "implausible"])
    reason = what + ": " + parsed["reason"].fillna("invalid").astype(str)
    ledger.cells(df, bad, column=column, raw=df[column], reason=reason)
    ledger.count(df["source_file"], issue == "dont_know", f"dont_know_to_missing:{column}")
    return parsed["value"], ~bad


def submission_time(df: pd.DataFrame) -> pd.Series:
    """When a submission reached the server (UTC): ``_submission_time``, ``SubmissionDate``, else ``end``."""
    out = parse.parse_utc_timestamp(df["_submission_time"])["value"]
    for col in ("SubmissionDate", "end"):
        alt = parse.parse_utc_timestamp(df[col])["value"]
        out = out.fillna(alt)
    return out


def keep_latest(df: pd.DataFrame, keys: list[str], ledger: Ledger, *, order: pd.Series) -> pd.DataFrame:
    """Keep the latest submission per key (by ``order``, ties and missing times by file order)."""
    ranked = df.assign(_order=order, _pos=np.arange(len(df)))
    ranked = ranked.sort_values(["_order", "_pos"], na_position="first", kind="stable")
    dup = ranked.duplicated(keys, keep="last")
    ledger.duplicate(ranked, dup)
    return ranked.loc[~dup].sort_values("_pos", kind="stable").drop(columns=["_order", "_pos"])


_SLUG = re.compile(r"[^a-z0-9]+")


def normalise_cohort(
    cohort: pd.Series, code: pd.Series, *, programme: Programme
) -> tuple[pd.Series, pd.Series]:
    """The cohort code of each row and where it came from.

    The ``cohort`` answer is matched to the programme's cohorts by code or name (any case and
    punctuation: ``Sukabumi 2023`` → ``sukabumi-2023``); an answer naming no configured cohort
    keeps its slug (a cohort to describe from the data). A blank answer takes the cohort of the
    participant-code prefix (``SKB23-007`` → the cohort with prefix ``SKB23``), and when no
    configured cohort has that prefix, the prefix itself (``xyz99``) — never missing for a row
    with a participant code. Returns (cohort, source: ``field`` / ``code_prefix`` /
    ``unknown_prefix`` / missing when there is no code either).
    """
    text = cohort.fillna("").astype(str).str.strip().str.lower()
    slug = text.str.replace(_SLUG, "-", regex=True).str.strip("-")
    keys = {vocab.alias_key(c.code): c.code for c in programme.cohorts.values()}
    keys |= {vocab.alias_key(c.name): c.code for c in programme.cohorts.values() if c.name}
    known = text.map(vocab.alias_key).map(keys).astype("string")
    out = known.fillna(slug.astype("string")).replace("", pd.NA)
    prefix = code.fillna("").astype(str).str.split("-").str[0]
    from_code = prefix.map(programme.prefixes()).astype("string")
    fallback = prefix.str.lower().replace("", pd.NA).astype("string")
    source = pd.Series(pd.NA, index=cohort.index, dtype="string")
    source = source.mask(out.notna(), "field")
    source = source.mask(out.isna() & from_code.notna(), "code_prefix")
    source = source.mask(out.isna() & from_code.isna() & fallback.notna(), "unknown_prefix")
    return out.fillna(from_code).fillna(fallback).astype("string"), source


# --- baseline -------------------------------------------------------------------------------------


def clean_baseline(
    raw: pd.DataFrame, ledger: Ledger, *, params: config.CleaningParams, programme: Programme | None = None
) -> pd.DataFrame:
    """Baseline rows (canonical text columns + source) → one clean row per participant.

    Keeps ``phone_e164`` (for linkage) and ``registered_on`` (the registration date, to describe
    cohorts the programme does not configure) for the pipeline, which drops them before output,
    and ``study_group`` (participant or comparison, :mod:`impact.clean.arms`), by which the pipeline
    splits the respondents. Rows without a valid participant code, or with a study group that is
    neither, are set aside whole (nobody can be identified, or placed in the right table). A
    confederation answer that matches nothing (after the tolerant matching of
    :func:`impact.clean.parse.normalise_confederation`, with the programme's own spellings) keeps
    the participant with confederation ``unmapped``; the cell is logged, and every unmatched or
    tolerantly matched answer is listed for review. Other bad cells become missing.
    Resubmissions keep the latest.
    """
    programme = programme or Programme()
    df = set_aside_incomplete(raw, ledger)
    code = parse.normalise_participant_code(df["participant_code"])
    no_code = code["value"].isna()
    ledger.set_aside(
        df,
        no_code,
        column="participant_code",
        raw=df["participant_code"],
        reason="no participant code: " + code["reason"].fillna("blank").astype(str),
    )
    ledger.count(
        df["source_file"], ~no_code & (code["value"] != df["participant_code"]), "participant_code_normalised"
    )

    group = arms.normalise_study_group(df[arms.FIELD], aliases=programme.aliases.get(arms.FIELD))
    bad_group = group["value"].isna() & ~no_code
    ledger.set_aside(df, bad_group, column=arms.FIELD, raw=df[arms.FIELD], reason=group["reason"])
    keep = ~no_code & ~bad_group
    df = df.loc[keep]
    code_v = code["value"][keep]
    arm = group["value"][keep]
    answer = (
        df["union/confederation"]
        .astype(object)
        .where(
            ~df["union/confederation"].map(vocab.alias_key).isin(vocab.CONFEDERATION_OTHER),
            df["union/confederation_other"].astype(object),
        )
    )
    conf = parse.normalise_confederation(
        df["union/confederation"],
        other=df["union/confederation_other"],
        aliases=programme.aliases.get("confederation"),
    )
    unmapped = conf["value"].isna()
    ledger.cells(
        df,
        unmapped,
        column="union/confederation",
        raw=df["union/confederation"],
        reason="confederation kept as 'unmapped': " + conf["reason"].fillna("blank").astype(str),
    )
    ledger.count(df["source_file"], unmapped, "confederation_unmapped")
    fuzzy = conf["corrected"].fillna(False).astype(bool)
    ledger.count(df["source_file"], fuzzy, "confederation_matched_tolerantly")
    other = df["union/confederation"].map(vocab.alias_key).isin(vocab.CONFEDERATION_OTHER)
    ledger.count(df["source_file"], other, "confederation_from_other_field")
    ledger.review(review_entries("union/confederation", answer, conf, df["source_file"]))
    conf_v = conf["value"].astype(object).where(~unmapped, vocab.UNMAPPED)
    cohort, cohort_source = normalise_cohort(df["cohort"], code_v, programme=programme)
    ledger.count(df["source_file"], cohort_source == "code_prefix", "cohort_from_participant_code")
    ledger.count(df["source_file"], cohort_source == "unknown_prefix", "cohort_from_unknown_code_prefix")

    gender_parsed = parse.normalise_gender(df["respondent/gender"], aliases=programme.aliases.get("gender"))
    ledger.review(
        review_entries("respondent/gender", df["respondent/gender"], gender_parsed, df["source_file"])
    )
    gender, _ = _apply(df, ledger, "respondent/gender", gender_parsed, what="gender")
    birth, _ = _apply(
        df,
        ledger,
        "respondent/birth_year",
        parse.parse_int(
            df["respondent/birth_year"], lower=config.BIRTH_YEAR_RANGE[0], upper=config.BIRTH_YEAR_RANGE[1]
        ),
        what="birth year",
    )
    lo, hi = (pd.Timestamp(x) for x in config.LAYOFF_DATE_RANGE)
    layoff, _ = _apply(
        df,
        ledger,
        "employment/layoff_date",
        parse.parse_month(df["employment/layoff_date"], lower=lo, upper=hi),
        what="layoff date",
    )
    money = {}
    for col, name in (("employment/last_monthly_wage", "wage"), ("income/current_monthly", "income")):
        money[col], _ = _apply(
            df,
            ledger,
            col,
            parse.parse_rupiah(df[col], upper=params.max_monthly_income_idr),
            what=f"monthly {name}",
        )
    targets = {}
    for period in ("daily", "weekly", "monthly", "yearly"):
        col = f"targets/{period}"
        upper = _target_upper(period)
        targets[period], _ = _apply(
            df, ledger, col, parse.parse_rupiah(df[col], upper=upper), what=f"{period} target"
        )
    target, period = monthly_target(targets, working_days=params.working_days_per_month)
    reseller, _ = _apply(
        df,
        ledger,
        "reseller/account_id",
        parse.normalise_reseller_id(df["reseller/account_id"]),
        what="reseller id",
    )
    # comparison respondents have no platform account: an id they give is not linked to any orders
    comparison = arm == arms.COMPARISON
    ledger.count(df["source_file"], comparison & reseller.notna(), "comparison_account_not_used")
    reseller = reseller.mask(comparison)
    sessions, _ = _apply(
        df,
        ledger,
        "training/sessions_attended",
        parse.parse_int(df["training/sessions_attended"], lower=0, upper=config.MAX_SESSIONS),
        what="sessions",
    )
    phone = parse.normalise_phone(df["respondent/phone"])["value"]
    district = df["respondent/district"].astype("string").str.strip().str.replace(r"\s+", " ", regex=True)
    out = pd.DataFrame(
        {
            "participant_code": code_v.astype("string"),
            "cohort": cohort,
            "confederation": conf_v.astype(vocab.CONFEDERATION_DTYPE),
            "gender": gender.astype(vocab.GENDER_DTYPE),
            "birth_year": birth.astype("Int64"),
            "district": district.replace("", pd.NA),
            "layoff_month": layoff,
            "income_before_idr": money["employment/last_monthly_wage"].astype("Int64"),
            "income_baseline_idr": money["income/current_monthly"].astype("Int64"),
            "target_monthly_idr": target,
            "target_period_reported": period,
            "reseller_id": reseller.astype("string"),
            "sessions_attended": sessions.astype("Int64"),
            arms.FIELD: arm.astype("string"),
            "phone_e164": phone.astype("string"),
            "registered_on": interview_date(df),
            "source_file": df["source_file"],
            "source_row": df["source_row"],
        },
        index=df.index,
    )
    return keep_latest(out, ["participant_code"], ledger, order=submission_time(df))


def _target_upper(period: str) -> int:
    per_month = {
        "daily": config.WORKING_DAYS_PER_MONTH,
        "weekly": config.WEEKS_PER_MONTH,
        "monthly": 1,
        "yearly": 1 / 12,
    }
    return int(config.MAX_MONTHLY_TARGET_IDR / per_month[period])


def monthly_target(targets: dict[str, pd.Series], *, working_days: int) -> tuple[pd.Series, pd.Series]:
    """Convert the participant's own targets to a monthly figure (rupiah per month).

    The monthly figure wins when given; else weekly × 52/12, else daily × ``working_days``,
    else yearly / 12; rounded half up to a whole rupiah. Returns (target, period reported).
    """
    factors = {"monthly": 1.0, "weekly": 52 / 12, "daily": float(working_days), "yearly": 1 / 12}
    idx = next(iter(targets.values())).index
    target = pd.Series(pd.NA, index=idx, dtype="Float64")
    period = pd.Series(pd.NA, index=idx, dtype="object")
    for p in ("monthly", "weekly", "daily", "yearly"):
        v = targets[p].astype("Float64") * factors[p]
        take = target.isna() & v.notna()
        target = target.mask(take, v)
        period = period.mask(take, p)
    rounded = np.floor(target.astype("Float64") + 0.5).astype("Int64")
    return rounded, period.astype(vocab.TARGET_PERIOD_DTYPE)


# --- follow-ups -----------------------------------------------------------------------------------


def interview_date(df: pd.DataFrame) -> pd.Series:
    """The interview's date in the respondent's time: an ``interview_date``/``today`` field,
    else the date part of ``start`` (local, device offset), else the submission time in WIB."""
    out = parse.parse_date(df["interview_date"])["value"]
    out = out.fillna(parse.parse_date(df["today"])["value"])
    start = df["start"].fillna("").astype(str).str.slice(0, 10)
    out = out.fillna(parse.parse_date(start)["value"])
    sub = submission_time(df).dt.tz_convert(config.TIMEZONE).dt.tz_localize(None).dt.normalize()
    return out.fillna(sub.astype(out.dtype))


def clean_followups(
    raw: pd.DataFrame,
    baseline: pd.DataFrame,
    ledger: Ledger,
    *,
    params: config.CleaningParams,
    programme: Programme | None = None,
) -> pd.DataFrame:
    """Follow-up rows → one clean row per participant × wave, linked to the baseline.

    Linkage: normalised participant code; when the code is blank, invalid or unknown,
    the phone (E.164) if it matches exactly one baseline participant. Rows that match
    no participant, or whose wave is unknown, are set aside whole. An interview dated before its
    cohort's training month (``programme``) has its date set missing.
    """
    programme = programme or Programme()
    df = set_aside_incomplete(raw, ledger)
    code = parse.normalise_participant_code(df["participant_code"])["value"]
    known = code.isin(baseline["participant_code"])
    phone = parse.normalise_phone(df["respondent/phone"])["value"]
    phones = baseline.dropna(subset=["phone_e164"]).drop_duplicates("phone_e164", keep=False)
    by_phone = phone.map(dict(zip(phones["phone_e164"], phones["participant_code"], strict=True)))
    linked_by_phone = ~known & by_phone.notna()
    code = code.where(known, by_phone)
    unmatched = code.isna()
    reason = np.where(
        df["participant_code"].fillna("").astype(str).str.strip() == "",
        "no participant code, and the phone matches no participant",
        "unknown participant code, and the phone matches no participant",
    )
    ledger.set_aside(
        df,
        unmatched,
        column="participant_code",
        raw=df["participant_code"],
        reason=pd.Series(reason, index=df.index),
    )
    wave = parse.normalise_wave(df["wave"], aliases=programme.aliases.get("wave"))
    bad_wave = wave["value"].isna() & ~unmatched
    ledger.set_aside(
        df, bad_wave, column="wave", raw=df["wave"], reason="unknown wave (expected m3, m6 or m12)"
    )
    keep = ~unmatched & ~bad_wave
    df, code, wave_v = df.loc[keep], code[keep], wave["value"][keep]
    linked_by_phone = linked_by_phone[keep]

    money = {}
    for col in ("income/total_last_month", "income/reseller_last_month", "employment/wage_last_month"):
        money[col], _ = _apply(
            df,
            ledger,
            col,
            parse.parse_rupiah(df[col], upper=params.max_monthly_income_idr),
            what="monthly income",
        )
    active, _ = _apply(
        df, ledger, "reseller/still_active", parse.parse_yes_no(df["reseller/still_active"]), what="yes/no"
    )
    hours, _ = _apply(
        df,
        ledger,
        "reseller/hours_per_week",
        parse.parse_int(df["reseller/hours_per_week"], lower=0, upper=config.MAX_HOURS_PER_WEEK),
        what="hours per week",
    )
    reemployed, _ = _apply(
        df, ledger, "employment/reemployed", parse.parse_yes_no(df["employment/reemployed"]), what="yes/no"
    )
    interviewed = interview_date(df)
    cohort = code.map(dict(zip(baseline["participant_code"], baseline["cohort"], strict=True)))
    months = {k: c.training_month.isoformat() for k, c in programme.cohorts.items()}
    trained = pd.to_datetime(cohort.map(months), format="%Y-%m-%d").astype(interviewed.dtype)
    early = (interviewed < trained).fillna(False).astype(bool)
    ledger.cells(
        df,
        early,
        column="interview_date",
        raw=interviewed.dt.strftime("%Y-%m-%d"),
        reason="interview date before the cohort's training month",
    )
    out = pd.DataFrame(
        {
            "participant_code": code.astype("string"),
            "wave": wave_v.astype(vocab.WAVE_DTYPE),
            "interview_date": interviewed.mask(early),
            "income_total_idr": money["income/total_last_month"].astype("Int64"),
            "income_reseller_idr": money["income/reseller_last_month"].astype("Int64"),
            "still_active": active.astype("boolean"),
            "hours_per_week": hours.astype("Int64"),
            "reemployed": reemployed.astype("boolean"),
            "wage_last_month_idr": money["employment/wage_last_month"].astype("Int64"),
            "source_file": df["source_file"],
            "source_row": df["source_row"],
            "_by_phone": linked_by_phone.astype(bool),
        },
        index=df.index,
    )
    kept = keep_latest(out, ["participant_code", "wave"], ledger, order=submission_time(df))
    # counted on the rows kept: a row linked by phone but then set aside or superseded is not a link
    ledger.count(kept["source_file"], kept["_by_phone"], "linked_by_phone")
    return kept.drop(columns="_by_phone")
