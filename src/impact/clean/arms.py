"""Comparison respondents: who was surveyed without being trained, and keeping them apart.

A programme may survey a *comparison group* — union members laid off at the same time who were
not (yet) trained, a waiting list — with the same baseline and follow-up forms. The optional
baseline field ``study_group`` (or one of :data:`HEADER_ALIASES`) says which respondents they
are; a blank answer, or no such field, means a participant. Cleaning keeps comparison
respondents out of every participant table: they are written to their own tables
(``comparison.parquet``, ``comparison_followups.parquet``) with pseudonyms ``C-…``, never counted
as participants, and have no platform account (an account id they give is not used).

>>> normalise_study_group(pd.Series(["Peserta", "kelompok pembanding", "", "x"]))["value"].tolist()
['participant', 'comparison', 'participant', <NA>]
"""

from __future__ import annotations

import re

import pandas as pd

from impact import vocab
from impact.errors import InputError

__all__ = [
    "ARMS",
    "COMPARISON",
    "FIELD",
    "HEADER_ALIASES",
    "PARTICIPANT",
    "VALUE_ALIASES",
    "normalise_study_group",
    "split_arms",
    "study_group_column",
]

#: the baseline field that marks comparison respondents (optional)
FIELD = "study_group"
PARTICIPANT = "participant"
COMPARISON = "comparison"
ARMS = (PARTICIPANT, COMPARISON)
#: other names forms give the field (compared like headers: any case, with or without a group path)
HEADER_ALIASES: tuple[str, ...] = (
    "group",
    "arm",
    "study_arm",
    "kelompok",
    "kelompok_studi",
    "kelompok_responden",
    "respondent_type",
    "jenis_responden",
    "comparison_group",
    "treatment_group",
)
#: answers (any case, spacing and punctuation) → participant or comparison; a blank answer is a participant
VALUE_ALIASES: dict[str, str] = {
    **dict.fromkeys(
        (
            "participant",
            "participants",
            "peserta",
            "peserta pelatihan",
            "trained",
            "dilatih",
            "treatment",
            "treated",
            "intervention",
            "intervensi",
            "program",
            "programme",
        ),
        PARTICIPANT,
    ),
    **dict.fromkeys(
        (
            "comparison",
            "comparison group",
            "pembanding",
            "kelompok pembanding",
            "control",
            "control group",
            "kontrol",
            "kelompok kontrol",
            "waiting list",
            "waitlist",
            "daftar tunggu",
            "not trained",
            "belum dilatih",
            "tidak dilatih",
        ),
        COMPARISON,
    ),
}
_KEYS = vocab.alias_table(VALUE_ALIASES)


def normalise_study_group(s: pd.Series, *, aliases: dict[str, str] | None = None) -> pd.DataFrame:
    """Each answer as ``participant`` or ``comparison`` (``value``, ``string``); blank answers are
    participants; an answer in neither list (:data:`VALUE_ALIASES`, plus the programme's own
    ``aliases``: spelling → code, e.g. a form's choice names ``{"1": "participant", "2":
    "comparison"}``) is missing with ``issue`` ``invalid`` (the row is then set aside: a comparison
    respondent must never be counted as a participant, nor the reverse)."""
    text = s.astype("string").fillna("").str.strip()
    key = text.map(vocab.alias_key, na_action="ignore").astype("string")
    blank = key.fillna("").isin({vocab.alias_key(b) for b in vocab.BLANK_TOKENS})
    table = _KEYS | {vocab.alias_key(k): v for k, v in (aliases or {}).items()}
    value = key.map(table).astype("string").mask(blank, PARTICIPANT)
    bad = value.isna()
    return pd.DataFrame(
        {
            "value": value,
            "issue": pd.Series(pd.NA, index=s.index, dtype="string").mask(bad, "invalid"),
            "reason": pd.Series(pd.NA, index=s.index, dtype="string").mask(
                bad, "unknown study group (expected participant or comparison)"
            ),
        },
        index=s.index,
    )


def study_group_column(frame: pd.DataFrame, *, taken: set, file: str) -> str | None:
    """The column of ``frame`` that holds the study group under another name, if any: a header
    that is one of :data:`HEADER_ALIASES` once case, spaces and punctuation are set aside (a label
    export's "Kelompok responden"), else the one column every answer of which names a group and
    some the comparison group ("Peserta" / "Kelompok kontrol" under any header) — so comparison
    respondents are never counted as participants because their form named the field otherwise.
    Two candidates raise :class:`~impact.errors.InputError` naming the file and both columns."""
    names = [h for h in frame.columns if h not in taken and h not in ("source_file", "source_row")]
    for hits in (
        [h for h in names if _name_key(h) in HEADER_ALIASES],
        [h for h in names if _names_groups(frame[h])],
    ):
        if len(hits) > 1:
            raise InputError(f"{file}: columns {hits[0]!r} and {hits[1]!r} both look like the study group")
        if hits:
            return hits[0]
    return None


def _name_key(header: object) -> str:
    tail = str(header).replace("\ufeff", "").strip().lower().replace("-", "/").split("/")[-1]
    return re.sub(r"[^a-z0-9]+", "_", tail).strip("_")


def _names_groups(column: pd.Series) -> bool:
    text = column.astype("string").str.strip()
    answers = pd.Series(text[text.notna() & (text != "")].unique(), dtype="string")
    if answers.empty or len(answers) > 20:
        return False
    value = normalise_study_group(answers)["value"]
    return bool(value.notna().all() and (value == COMPARISON).any())


def split_arms(frame: pd.DataFrame, arm: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(participants' rows, comparison respondents' rows) of ``frame``, by ``arm`` aligned with it."""
    is_comparison = (arm.astype("string") == COMPARISON).fillna(False).to_numpy(dtype=bool)
    return frame.loc[~is_comparison], frame.loc[is_comparison]
