"""Tests for impact.clean.survey: export headers, shared steps, baseline and follow-up cleaning.

Input frames are built the way ``impact.clean.core._read_survey`` builds them: every cell as text,
``source_file``/``source_row`` (the header is spreadsheet row 1), then :func:`survey.resolve_columns`
to get every canonical field.
"""

from __future__ import annotations

import pandas as pd
import pytest

from impact import config, vocab
from impact.clean import survey
from impact.clean.audit import Ledger, build_audit, lineage_counts
from impact.errors import InputError
from impact.io import INCOMPLETE
from impact.programme import Programme
from impact.synth.truth import SAMPLE_PROGRAMME

PROGRAMME = SAMPLE_PROGRAMME
PARAMS = config.CleaningParams()
BASE_FILE = "survey/baseline_sukabumi-2023.csv"
FU_FILE = "survey/followup_sukabumi-2023.csv"


def export(header: list[str], rows: list[list[str]], *, file: str = BASE_FILE) -> pd.DataFrame:
    """A raw export as read: text cells under the export's own headers, plus source file and row."""
    frame = pd.DataFrame(rows, columns=header, dtype=object)
    return frame.assign(source_file=file, source_row=range(2, 2 + len(frame)))


def baseline_rows(header: list[str], rows: list[list[str]], *, file: str = BASE_FILE) -> pd.DataFrame:
    resolved, _ = survey.resolve_columns(
        export(header, rows, file=file),
        fields=survey.BASELINE_FIELDS,
        required=survey.BASELINE_REQUIRED,
        file=file,
    )
    return resolved


def followup_rows(header: list[str], rows: list[list[str]], *, file: str = FU_FILE) -> pd.DataFrame:
    resolved, _ = survey.resolve_columns(
        export(header, rows, file=file),
        fields=survey.FOLLOWUP_FIELDS,
        required=survey.FOLLOWUP_REQUIRED,
        file=file,
    )
    return resolved


def resolve_baseline(header: list[str], *, file: str = BASE_FILE) -> tuple[pd.DataFrame, list[str]]:
    """``resolve_columns`` on a one-row baseline export whose cells are their column numbers."""
    raw = export(header, [[f"v{i}" for i in range(len(header))]], file=file)
    return survey.resolve_columns(
        raw, fields=survey.BASELINE_FIELDS, required=survey.BASELINE_REQUIRED, file=file
    )


def entries(ledger: Ledger) -> list[tuple]:
    """The ledger's quarantine as (row, column, value, reason, scope) tuples."""
    q = ledger.quarantine_table()
    return list(zip(q["source_row"], q["column"], q["value"], q["reason"], q["scope"], strict=True))


def duplicate_rows(ledger: Ledger) -> list[tuple[str, int]]:
    if not ledger.duplicates:
        return []
    d = pd.concat(ledger.duplicates, ignore_index=True)
    return list(zip(d["source_file"], d["source_row"], strict=True))


# --- resolve_columns ------------------------------------------------------------------------------

KOBO = ["participant_code", "respondent/gender", "union/confederation", "employment/last_monthly_wage"]


def test_kobo_group_headers_map_to_canonical_fields() -> None:
    out, extra = resolve_baseline(KOBO)

    assert out.loc[0, "participant_code"] == "v0"
    assert out.loc[0, "respondent/gender"] == "v1"
    assert out.loc[0, "union/confederation"] == "v2"
    assert out.loc[0, "employment/last_monthly_wage"] == "v3"
    assert extra == []


def test_resolved_frame_has_every_field_then_the_source_columns() -> None:
    out, _ = resolve_baseline(KOBO)

    assert out.columns.tolist() == [*survey.BASELINE_FIELDS, *survey.META_FIELDS, "source_file", "source_row"]
    assert out.loc[0, "source_file"] == BASE_FILE
    assert out.loc[0, "source_row"] == 2


def test_optional_fields_missing_from_the_export_are_blank_text() -> None:
    out, _ = resolve_baseline(KOBO)

    assert out.loc[0, "respondent/phone"] == ""
    assert out.loc[0, "targets/monthly"] == ""
    assert out.loc[0, "_submission_time"] == ""


def test_missing_cells_become_blank_text() -> None:
    raw = export(KOBO, [["SKB23-001", None, "KSPN", "1000000"]])

    out, _ = survey.resolve_columns(
        raw, fields=survey.BASELINE_FIELDS, required=survey.BASELINE_REQUIRED, file=BASE_FILE
    )

    assert out.loc[0, "respondent/gender"] == ""


def test_odk_central_dash_group_headers_map_to_canonical_fields() -> None:
    out, extra = resolve_baseline(
        ["participant_code", "respondent-gender", "union-confederation", "employment-last_monthly_wage"]
    )

    fields = ["respondent/gender", "union/confederation", "employment/last_monthly_wage"]
    assert out.loc[0, fields].tolist() == ["v1", "v2", "v3"]
    assert extra == []


def test_export_without_group_names_maps_by_the_last_part() -> None:
    out, extra = resolve_baseline(
        ["participant_code", "gender", "confederation", "last_monthly_wage", "phone", "daily"]
    )

    assert out.loc[0, "respondent/gender"] == "v1"
    assert out.loc[0, "union/confederation"] == "v2"
    assert out.loc[0, "employment/last_monthly_wage"] == "v3"
    assert out.loc[0, "respondent/phone"] == "v4"
    assert out.loc[0, "targets/daily"] == "v5"
    assert extra == []


def test_header_matching_ignores_case() -> None:
    out, extra = resolve_baseline(
        [
            "Participant_Code",
            "RESPONDENT/Gender",
            "Union-Confederation",
            "employment/LAST_MONTHLY_WAGE",
            "Submissiondate",
        ]
    )

    assert out.loc[0, "participant_code"] == "v0"
    assert out.loc[0, "respondent/gender"] == "v1"
    assert out.loc[0, "union/confederation"] == "v2"
    assert out.loc[0, "employment/last_monthly_wage"] == "v3"
    assert out.loc[0, "SubmissionDate"] == "v4"
    assert extra == []


def test_header_matching_ignores_a_byte_order_mark_and_spaces() -> None:
    out, _ = resolve_baseline(["\ufeffparticipant_code ", *KOBO[1:]])

    assert out.loc[0, "participant_code"] == "v0"


def test_a_missing_required_column_is_an_input_error_naming_file_column_and_headers() -> None:
    with pytest.raises(InputError) as caught:
        resolve_baseline(["participant_code", "respondent/gender", "union/confederation"], file="b.csv")

    assert str(caught.value) == (
        "b.csv: missing required column(s) employment/last_monthly_wage; "
        "found: participant_code, respondent/gender, union/confederation"
    )


def test_several_missing_required_columns_are_all_named() -> None:
    with pytest.raises(InputError, match=r"^b\.csv: missing required column\(s\) respondent/gender, "):
        resolve_baseline(["participant_code", "cohort"], file="b.csv")


def test_the_found_headers_are_cut_after_twelve() -> None:
    header = [*KOBO[:3], *(f"q{i}" for i in range(20))]

    with pytest.raises(InputError, match=r"found: participant_code, .*, q8 …$"):
        resolve_baseline(header)


def test_a_group_header_from_another_group_is_not_taken_for_a_required_field() -> None:
    with pytest.raises(InputError, match="missing required column\\(s\\) respondent/gender;"):
        resolve_baseline(["participant_code", "household/gender", *KOBO[2:]])


def test_a_duplicated_header_is_an_input_error() -> None:
    with pytest.raises(
        InputError, match=r"^b\.csv: column 'respondent/gender' appears more than once in the header$"
    ):
        resolve_baseline([*KOBO, "Respondent-Gender"], file="b.csv")


def test_unknown_extra_columns_are_listed_and_left_out() -> None:
    out, extra = resolve_baseline([*KOBO, "note", "household/size"])

    assert extra == ["note", "household/size"]
    assert "note" not in out.columns
    assert "household/size" not in out.columns


def test_followup_headers_resolve_against_the_followup_fields() -> None:
    raw = export(["participant_code", "wave", "income-total_last_month"], [["SKB23-001", "m3", "1000"]])

    out, extra = survey.resolve_columns(
        raw, fields=survey.FOLLOWUP_FIELDS, required=survey.FOLLOWUP_REQUIRED, file=FU_FILE
    )

    assert out.loc[0, "income/total_last_month"] == "1000"
    assert out.columns.tolist() == [*survey.FOLLOWUP_FIELDS, *survey.META_FIELDS, "source_file", "source_row"]
    assert extra == []


# --- drop_hxl_row ---------------------------------------------------------------------------------


def test_an_hxl_hashtag_row_under_the_header_is_dropped() -> None:
    frame = pd.DataFrame(
        {"participant_code": ["#meta+id", "SKB23-001"], "note": ["", "x"], "wave": [" #date ", "m3"]}
    )

    body, had = survey.drop_hxl_row(frame)

    assert had is True
    pd.testing.assert_frame_equal(body, frame.iloc[1:])


def test_a_first_row_of_answers_is_kept() -> None:
    frame = pd.DataFrame({"participant_code": ["SKB23-001"], "wave": ["m3"]})

    body, had = survey.drop_hxl_row(frame)

    assert had is False
    pd.testing.assert_frame_equal(body, frame)


def test_a_first_row_with_only_some_hashtags_is_kept() -> None:
    frame = pd.DataFrame({"participant_code": ["#meta+id"], "wave": ["m3"]})

    assert survey.drop_hxl_row(frame)[1] is False


def test_a_blank_first_row_is_not_an_hxl_row() -> None:
    frame = pd.DataFrame({"participant_code": ["", "SKB23-001"], "wave": ["", "m3"]})

    assert survey.drop_hxl_row(frame)[1] is False


def test_an_empty_export_has_no_hxl_row() -> None:
    frame = pd.DataFrame({"participant_code": pd.Series([], dtype=object)})

    body, had = survey.drop_hxl_row(frame)

    assert had is False
    assert body is frame


# --- set_aside_incomplete -------------------------------------------------------------------------


def test_rows_read_short_are_set_aside_whole_naming_the_first_missing_column() -> None:
    df = baseline_rows(
        KOBO, [["SKB23-001", "L", "KSPN", "1"], ["SKB23-002", "", "", ""], ["SKB23-003", "P", "", ""]]
    )
    df[INCOMPLETE] = ["", "respondent/gender", "union/confederation"]
    ledger = Ledger()

    kept = survey.set_aside_incomplete(df, ledger)

    assert kept["participant_code"].tolist() == ["SKB23-001"]
    assert INCOMPLETE not in kept.columns
    assert entries(ledger) == [
        (3, "respondent/gender", "", survey.INCOMPLETE_REASON, "row"),
        (4, "union/confederation", "", survey.INCOMPLETE_REASON, "row"),
    ]
    assert survey.INCOMPLETE_REASON == "incomplete row (file cut off?)"


def test_without_the_incomplete_column_nothing_is_set_aside() -> None:
    df = baseline_rows(KOBO, [["SKB23-001", "L", "KSPN", "1"]])
    ledger = Ledger()

    kept = survey.set_aside_incomplete(df, ledger)

    assert kept is df
    assert entries(ledger) == []


# --- keep_latest ----------------------------------------------------------------------------------


def _submissions(codes: list[str], times: list[str | None]) -> tuple[pd.DataFrame, pd.Series]:
    df = pd.DataFrame(
        {"participant_code": codes, "source_file": "b.csv", "source_row": range(2, 2 + len(codes))}
    )
    return df, pd.Series(pd.to_datetime(times, utc=True), index=df.index)


def test_the_latest_submission_wins_whatever_its_place_in_the_file() -> None:
    df, order = _submissions(
        ["A", "A", "B"], ["2023-10-05T00:00:00Z", "2023-10-01T00:00:00Z", "2023-10-02T00:00:00Z"]
    )
    ledger = Ledger()

    kept = survey.keep_latest(df, ["participant_code"], ledger, order=order)

    pd.testing.assert_frame_equal(kept, df.iloc[[0, 2]])
    assert duplicate_rows(ledger) == [("b.csv", 3)]


def test_a_submission_without_a_time_loses_to_one_with_a_time() -> None:
    df, order = _submissions(["A", "A"], ["2023-10-01T00:00:00Z", None])
    ledger = Ledger()

    kept = survey.keep_latest(df, ["participant_code"], ledger, order=order)

    assert kept["source_row"].tolist() == [2]
    assert duplicate_rows(ledger) == [("b.csv", 3)]


def test_tied_or_missing_times_keep_the_last_in_the_file() -> None:
    df, order = _submissions(
        ["A", "A", "B", "B"], ["2023-10-01T00:00:00Z", "2023-10-01T00:00:00Z", None, None]
    )
    ledger = Ledger()

    kept = survey.keep_latest(df, ["participant_code"], ledger, order=order)

    assert kept["source_row"].tolist() == [3, 5]
    assert sorted(duplicate_rows(ledger)) == [("b.csv", 2), ("b.csv", 4)]


def test_keep_latest_keys_on_every_key_column() -> None:
    df = pd.DataFrame(
        {
            "participant_code": ["A", "A", "A"],
            "wave": ["m3", "m6", "m3"],
            "source_file": "f.csv",
            "source_row": [2, 3, 4],
        }
    )
    ledger = Ledger()

    kept = survey.keep_latest(df, ["participant_code", "wave"], ledger, order=pd.Series([pd.NaT] * 3))

    assert kept["source_row"].tolist() == [3, 4]
    assert duplicate_rows(ledger) == [("f.csv", 2)]


def test_without_duplicates_nothing_is_recorded_and_the_frame_is_unchanged() -> None:
    df, order = _submissions(["A", "B"], ["2023-10-02T00:00:00Z", "2023-10-01T00:00:00Z"])
    ledger = Ledger()

    kept = survey.keep_latest(df, ["participant_code"], ledger, order=order)

    pd.testing.assert_frame_equal(kept, df)
    assert ledger.duplicates == []


# --- normalise_cohort -----------------------------------------------------------------------------


def test_typed_cohort_variants_are_unified() -> None:
    cohort, source = survey.normalise_cohort(
        pd.Series(["Sukabumi 2023", " BEKASI-2024 ", "sukabumi_2023", "SUKABUMI2023", "Bekasi, May 2024"]),
        pd.Series(["SKB23-001", "BKS24-001", "SKB23-002", "SKB23-003", "BKS24-002"]),
        programme=PROGRAMME,
    )

    assert cohort.tolist() == [
        "sukabumi-2023",
        "bekasi-2024",
        "sukabumi-2023",
        "sukabumi-2023",
        "bekasi-2024",
    ]
    assert cohort.dtype == "string"
    assert source.tolist() == ["field"] * 5


def test_a_blank_cohort_comes_from_the_code_prefix() -> None:
    cohort, source = survey.normalise_cohort(
        pd.Series(["", None, "  "]), pd.Series(["BKS24-002", "SKB23-003", "SKB23-004"]), programme=PROGRAMME
    )

    assert cohort.tolist() == ["bekasi-2024", "sukabumi-2023", "sukabumi-2023"]
    assert source.tolist() == ["code_prefix"] * 3


def test_an_unknown_cohort_keeps_its_slug() -> None:
    cohort, source = survey.normalise_cohort(
        pd.Series(["Jakarta Timur 2030"]), pd.Series(["SKB23-001"]), programme=PROGRAMME
    )

    assert cohort.tolist() == ["jakarta-timur-2030"]
    assert source.tolist() == ["field"]


def test_a_blank_cohort_with_an_unknown_code_prefix_becomes_a_cohort_of_its_own() -> None:
    """Nobody is lost for want of a cohort: the prefix names a cohort to describe from the data."""
    cohort, source = survey.normalise_cohort(pd.Series([""]), pd.Series(["XYZ99-001"]), programme=PROGRAMME)

    assert cohort.tolist() == ["xyz99"]
    assert source.tolist() == ["unknown_prefix"]


def test_cohorts_come_from_the_programme_not_from_code() -> None:
    """A programme that names its cohorts differently: the same answers map to its codes."""
    other = Programme.from_dict(
        {
            "cohorts": [
                {
                    "code": "karawang-2025",
                    "name": "Karawang 2025",
                    "training_month": "2025-02",
                    "code_prefix": "KRW25",
                }
            ]
        },
        source="test",
    )
    cohort, source = survey.normalise_cohort(
        pd.Series(["karawang 2025", "", ""]),
        pd.Series(["KRW25-001", "KRW25-002", "SKB23-001"]),
        programme=other,
    )
    assert cohort.tolist() == ["karawang-2025", "karawang-2025", "skb23"]
    assert source.tolist() == ["field", "code_prefix", "unknown_prefix"]


# --- monthly_target -------------------------------------------------------------------------------


def targets(daily=None, weekly=None, monthly=None, yearly=None) -> dict[str, pd.Series]:
    """One participant's four targets (rupiah per period, None for not given)."""
    given = {"daily": daily, "weekly": weekly, "monthly": monthly, "yearly": yearly}
    return {p: pd.Series([v], dtype="Int64") for p, v in given.items()}


def monthly(working_days: int = 26, **given: int) -> tuple[object, object]:
    target, period = survey.monthly_target(targets(**given), working_days=working_days)
    return target.iloc[0], period.iloc[0]


def test_the_monthly_target_wins_when_given() -> None:
    assert monthly(daily=1, weekly=2, monthly=3_000_000, yearly=4) == (3_000_000, "monthly")


def test_a_weekly_target_is_times_52_over_12() -> None:
    assert monthly(weekly=600_000, daily=1, yearly=1) == (2_600_000, "weekly")


def test_a_daily_target_is_times_the_working_days() -> None:
    assert monthly(daily=100_000, yearly=1) == (2_600_000, "daily")
    assert monthly(working_days=22, daily=100_000) == (2_200_000, "daily")


def test_a_yearly_target_is_over_12() -> None:
    assert monthly(yearly=30_000_000) == (2_500_000, "yearly")


def test_monthly_targets_round_half_up_to_a_whole_rupiah() -> None:
    assert monthly(yearly=30) == (3, "yearly")  # 2.5 -> 3 (not to even)
    assert monthly(yearly=18) == (2, "yearly")  # 1.5 -> 2
    assert monthly(yearly=20) == (2, "yearly")  # 1.67 -> 2
    assert monthly(weekly=100_001) == (433_338, "weekly")  # 433 337.67 -> 433 338
    assert monthly(weekly=100_000) == (433_333, "weekly")  # 433 333.33 -> 433 333


def test_no_target_gives_missing_target_and_period() -> None:
    target, period = monthly()

    assert target is pd.NA
    assert pd.isna(period)


def test_monthly_target_types_and_index() -> None:
    given = {
        p: pd.Series([1, None], index=[5, 9], dtype="Int64") for p in ("daily", "weekly", "monthly", "yearly")
    }

    target, period = survey.monthly_target(given, working_days=26)

    pd.testing.assert_series_equal(target, pd.Series([1, None], index=[5, 9], dtype="Int64"))
    pd.testing.assert_series_equal(
        period, pd.Series(["monthly", None], index=[5, 9], dtype=vocab.TARGET_PERIOD_DTYPE)
    )


# --- clean_baseline -------------------------------------------------------------------------------

BASE_HEADER = [
    "participant_code",
    "cohort",
    "respondent/full_name",
    "respondent/phone",
    "respondent/gender",
    "respondent/birth_year",
    "respondent/district",
    "union/confederation",
    "employment/layoff_date",
    "employment/last_monthly_wage",
    "income/current_monthly",
    "targets/weekly",
    "reseller/account_id",
    "training/sessions_attended",
    "_submission_time",
]
GOOD = [
    "skb23-7",
    "Sukabumi 2023",
    "Siti Fake",
    "0812-3456-7890",
    "P",
    "1980",
    " Kota  Sukabumi ",
    "K.S.P.N",
    "April 2021",
    "Rp 4.300.000",
    "950rb",
    "600000",
    "evm 123",
    "3",
    "2023-09-12T02:00:00Z",
]


def good(**changes: str) -> list[str]:
    """The good baseline row with some cells changed (keys: header with '/' written as '__')."""
    row = dict(zip(BASE_HEADER, GOOD, strict=True))
    row.update({k.replace("__", "/"): v for k, v in changes.items()})
    return list(row.values())


def clean_baseline(rows: list[list[str]]) -> tuple[pd.DataFrame, Ledger]:
    ledger = Ledger()
    out = survey.clean_baseline(baseline_rows(BASE_HEADER, rows), ledger, params=PARAMS, programme=PROGRAMME)
    return out, ledger


def test_a_good_baseline_row_becomes_one_clean_participant_row() -> None:
    out, ledger = clean_baseline([good()])

    expected = pd.DataFrame(
        {
            "participant_code": pd.array(["SKB23-007"], dtype="string"),
            "cohort": pd.array(["sukabumi-2023"], dtype="string"),
            "confederation": pd.Categorical(["kspn"], dtype=vocab.CONFEDERATION_DTYPE),
            "gender": pd.Categorical(["female"], dtype=vocab.GENDER_DTYPE),
            "birth_year": pd.array([1980], dtype="Int64"),
            "district": pd.array(["Kota Sukabumi"], dtype="string"),
            "layoff_month": pd.Series([pd.Timestamp("2021-04-01")], dtype="datetime64[us]"),
            "income_before_idr": pd.array([4_300_000], dtype="Int64"),
            "income_baseline_idr": pd.array([950_000], dtype="Int64"),
            "target_monthly_idr": pd.array([2_600_000], dtype="Int64"),
            "target_period_reported": pd.Categorical(["weekly"], dtype=vocab.TARGET_PERIOD_DTYPE),
            "reseller_id": pd.array(["EVM-00000123"], dtype="string"),
            "sessions_attended": pd.array([3], dtype="Int64"),
            "study_group": pd.array(["participant"], dtype="string"),
            "phone_e164": pd.array(["+6281234567890"], dtype="string"),
            "registered_on": out["registered_on"],
            "source_file": [BASE_FILE],
            "source_row": [2],
        }
    )
    pd.testing.assert_frame_equal(out, expected)
    assert entries(ledger) == []
    assert ledger.corrections == {(BASE_FILE, "participant_code_normalised"): 1}


def test_a_baseline_row_without_a_participant_code_is_set_aside_whole() -> None:
    out, ledger = clean_baseline([good(), good(participant_code="", respondent__birth_year="1850")])

    assert out["source_row"].tolist() == [2]
    assert entries(ledger) == [(3, "participant_code", "", "no participant code: blank", "row")]


def test_an_invalid_participant_code_is_set_aside_with_the_parser_reason() -> None:
    out, ledger = clean_baseline([good(participant_code="budi")])

    assert out.empty
    assert entries(ledger) == [
        (2, "participant_code", "budi", "no participant code: not a participant code like SKB23-007", "row")
    ]


def test_an_unknown_confederation_keeps_the_participant_as_unmapped_and_lists_it_for_review() -> None:
    out, ledger = clean_baseline(
        [good(), good(participant_code="SKB23-008", union__confederation="Serikat X")]
    )

    assert out["participant_code"].tolist() == ["SKB23-007", "SKB23-008"]
    assert out["confederation"].astype(str).tolist() == ["kspn", "unmapped"]
    [(row, column, value, reason, scope)] = entries(ledger)
    assert (row, column, value, scope) == (3, "union/confederation", "Serikat X", "cell")
    assert reason.startswith("confederation kept as 'unmapped': unknown confederation")
    assert ledger.corrections[(BASE_FILE, "confederation_unmapped")] == 1
    review = ledger.review_table()
    assert review[["field", "value", "status", "rows"]].astype(str).values.tolist() == [
        ["union/confederation", "Serikat X", "unmapped", "1"]
    ]
    assert review["suggestions"].notna().all()


def test_a_tolerant_confederation_match_is_counted_and_listed_for_review() -> None:
    out, ledger = clean_baseline([good(union__confederation="Konfederasi Sarbumusi")])

    assert out["confederation"].astype(str).tolist() == ["sarbumusi"]
    assert entries(ledger) == []
    assert ledger.corrections[(BASE_FILE, "confederation_matched_tolerantly")] == 1
    review = ledger.review_table()
    assert review[["value", "status", "mapped_to", "how"]].values.tolist() == [
        ["Konfederasi Sarbumusi", "matched", "sarbumusi", "prefix"]
    ]


def test_a_programme_alias_maps_a_confederation() -> None:
    prog = Programme.from_dict({"aliases": {"confederation": {"Serikat X": "ksbsi"}}}, source="test")
    out = survey.clean_baseline(
        baseline_rows(BASE_HEADER, [good(union__confederation="Serikat X")]),
        Ledger(),
        params=PARAMS,
        programme=prog,
    )
    assert out["confederation"].astype(str).tolist() == ["ksbsi"]


def test_a_row_without_code_is_not_also_set_aside_for_its_confederation() -> None:
    _, ledger = clean_baseline([good(participant_code="", union__confederation="Serikat X")])

    assert [(e[0], e[1]) for e in entries(ledger)] == [(2, "participant_code")]


def test_a_bad_baseline_cell_is_set_missing_and_logged_and_the_row_stays() -> None:
    out, ledger = clean_baseline([good(respondent__birth_year="1850")])

    assert out["birth_year"].isna().tolist() == [True]
    assert out["participant_code"].tolist() == ["SKB23-007"]
    [(row, column, value, reason, scope)] = entries(ledger)
    assert (row, column, value, scope) == (2, "respondent/birth_year", "1850", "cell")
    assert reason.startswith("birth year: ")


def test_a_dont_know_answer_becomes_missing_and_is_counted() -> None:
    out, ledger = clean_baseline([good(income__current_monthly="tidak tahu")])

    assert out["income_baseline_idr"].isna().tolist() == [True]
    assert entries(ledger) == []
    assert ledger.corrections[(BASE_FILE, "dont_know_to_missing:income/current_monthly")] == 1


def test_a_blank_cohort_is_filled_from_the_participant_code_and_counted() -> None:
    out, ledger = clean_baseline([good(cohort="", participant_code="BKS24-001")])

    assert out["cohort"].tolist() == ["bekasi-2024"]
    assert ledger.corrections[(BASE_FILE, "cohort_from_participant_code")] == 1


def test_a_baseline_resubmission_keeps_the_latest_and_records_the_other_as_duplicate() -> None:
    out, ledger = clean_baseline(
        [
            good(income__current_monthly="2000000", _submission_time="2023-09-13T02:00:00Z"),
            good(participant_code="SKB23-007", income__current_monthly="1000000"),  # earlier
        ]
    )

    assert out["source_row"].tolist() == [2]
    assert out["income_baseline_idr"].tolist() == [2_000_000]
    assert duplicate_rows(ledger) == [(BASE_FILE, 3)]


def test_a_baseline_phone_is_not_quarantined_with_its_raw_value() -> None:
    out, ledger = clean_baseline([good(respondent__phone="0812 ABC")])

    assert out["phone_e164"].isna().tolist() == [True]
    assert "0812 ABC" not in ledger.quarantine_table().to_csv()


def test_every_baseline_row_is_accounted_for() -> None:
    rows = [
        good(),
        good(participant_code=""),
        good(participant_code="SKB23-008", union__confederation="?"),
        good(participant_code="SKB23-009", respondent__gender="x"),
        good(participant_code="SKB23-007", _submission_time="2023-09-01T00:00:00Z"),
    ]
    out, ledger = clean_baseline(rows)

    audit = build_audit({BASE_FILE: len(rows)}, ledger, lineage_counts(out))

    assert {k: audit[BASE_FILE][k] for k in ("rows_clean", "rows_quarantined", "rows_duplicate")} == {
        "rows_clean": 3,  # the unknown confederation is kept, as unmapped
        "rows_quarantined": 1,
        "rows_duplicate": 1,
    }
    assert audit[BASE_FILE]["cells_set_missing"] == 2
    assert audit[BASE_FILE]["reconciled"] is True


# --- clean_followups ------------------------------------------------------------------------------

FU_HEADER = ["participant_code", "wave", "respondent/phone", "income/total_last_month", "interview_date"]

#: two Sukabumi participants (trained September 2023) with known phones, and two sharing one phone
BASELINE = pd.DataFrame(
    {
        "participant_code": pd.array(["SKB23-001", "SKB23-002", "SKB23-003", "SKB23-004"], dtype="string"),
        "cohort": pd.array(["sukabumi-2023"] * 4, dtype="string"),
        "phone_e164": pd.array(
            ["+6281100000001", "+6281100000002", "+6281100000099", "+6281100000099"], dtype="string"
        ),
    }
)


def clean_followups(rows: list[list[str]]) -> tuple[pd.DataFrame, Ledger]:
    ledger = Ledger()
    out = survey.clean_followups(
        followup_rows(FU_HEADER, rows), BASELINE, ledger, params=PARAMS, programme=PROGRAMME
    )
    return out, ledger


def test_a_good_followup_row_becomes_one_clean_row() -> None:
    out, ledger = clean_followups([["skb23-1", "3 bulan", "", "Rp 2.500.000", "10/12/2023"]])

    expected = pd.DataFrame(
        {
            "participant_code": pd.array(["SKB23-001"], dtype="string"),
            "wave": pd.Categorical(["m3"], dtype=vocab.WAVE_DTYPE),
            "interview_date": pd.Series([pd.Timestamp("2023-12-10")], dtype="datetime64[us]"),
            "income_total_idr": pd.array([2_500_000], dtype="Int64"),
            "income_reseller_idr": pd.array([None], dtype="Int64"),
            "still_active": pd.array([None], dtype="boolean"),
            "hours_per_week": pd.array([None], dtype="Int64"),
            "reemployed": pd.array([None], dtype="boolean"),
            "wage_last_month_idr": pd.array([None], dtype="Int64"),
            "source_file": [FU_FILE],
            "source_row": [2],
        }
    )
    pd.testing.assert_frame_equal(out, expected)
    assert entries(ledger) == []
    assert ledger.corrections == {}


def test_a_followup_without_a_code_is_linked_by_phone() -> None:
    out, ledger = clean_followups([["", "m3", "0811-0000-0002", "1000000", "2023-12-10"]])

    assert out["participant_code"].tolist() == ["SKB23-002"]
    assert entries(ledger) == []
    assert ledger.corrections == {(FU_FILE, "linked_by_phone"): 1}


def test_a_followup_with_an_unknown_code_is_linked_by_phone() -> None:
    out, ledger = clean_followups([["SKB23-999", "m3", "+62 811 0000 0001", "1000000", "2023-12-10"]])

    assert out["participant_code"].tolist() == ["SKB23-001"]
    assert ledger.corrections == {(FU_FILE, "linked_by_phone"): 1}


def test_a_known_code_wins_over_the_phone() -> None:
    out, ledger = clean_followups([["SKB23-001", "m3", "0811-0000-0002", "1000000", "2023-12-10"]])

    assert out["participant_code"].tolist() == ["SKB23-001"]
    assert ledger.corrections == {}


def test_a_followup_matching_no_participant_is_set_aside_whole() -> None:
    out, ledger = clean_followups(
        [
            ["SKB23-999", "m3", "", "1000000", "2023-12-10"],
            ["", "m3", "0899-0000-0000", "1000000", "2023-12-10"],
        ]
    )

    assert out.empty
    assert entries(ledger) == [
        (
            2,
            "participant_code",
            "SKB23-999",
            "unknown participant code, and the phone matches no participant",
            "row",
        ),
        (3, "participant_code", "", "no participant code, and the phone matches no participant", "row"),
    ]


def test_a_phone_shared_by_two_participants_links_to_neither() -> None:
    out, ledger = clean_followups([["", "m3", "0811-0000-0099", "1000000", "2023-12-10"]])

    assert out.empty
    assert [(e[0], e[1], e[4]) for e in entries(ledger)] == [(2, "participant_code", "row")]
    assert ledger.corrections == {}


def test_a_followup_with_an_unknown_wave_is_set_aside_whole() -> None:
    out, ledger = clean_followups(
        [
            ["SKB23-001", "m3", "", "1000000", "2023-12-10"],
            ["SKB23-002", "wave 9", "", "1000000", "2024-03-10"],
        ]
    )

    assert out["participant_code"].tolist() == ["SKB23-001"]
    assert entries(ledger) == [(3, "wave", "wave 9", "unknown wave (expected m3, m6 or m12)", "row")]


def test_an_interview_before_the_training_month_is_set_missing_and_logged_as_a_cell() -> None:
    out, ledger = clean_followups([["SKB23-001", "m3", "", "1000000", "2023-08-15"]])

    assert out["interview_date"].isna().tolist() == [True]
    assert out["income_total_idr"].tolist() == [1_000_000]
    assert entries(ledger) == [
        (2, "interview_date", "2023-08-15", "interview date before the cohort's training month", "cell")
    ]


def test_an_interview_in_the_training_month_is_kept() -> None:
    out, ledger = clean_followups([["SKB23-001", "m3", "", "1000000", "2023-09-01"]])

    assert out["interview_date"].tolist() == [pd.Timestamp("2023-09-01")]
    assert entries(ledger) == []


def test_a_bad_income_cell_is_set_missing_and_logged() -> None:
    out, ledger = clean_followups([["SKB23-001", "m3", "", "1-2 jt", "2023-12-10"]])

    assert out["income_total_idr"].isna().tolist() == [True]
    assert entries(ledger) == [
        (2, "income/total_last_month", "1-2 jt", "monthly income: a range, not one amount", "cell")
    ]


def test_one_followup_per_participant_and_wave_keeps_the_latest() -> None:
    header = [*FU_HEADER, "_submission_time"]
    rows = [
        ["SKB23-001", "m3", "", "3000000", "2023-12-11", "2023-12-11T03:00:00Z"],
        ["SKB23-001", "m6", "", "4000000", "2024-03-10", "2024-03-10T03:00:00Z"],
        ["SKB23-001", "M3", "", "2000000", "2023-12-10", "2023-12-10T03:00:00Z"],
    ]
    ledger = Ledger()

    out = survey.clean_followups(
        followup_rows(header, rows), BASELINE, ledger, params=PARAMS, programme=PROGRAMME
    )

    assert list(zip(out["wave"], out["income_total_idr"], strict=True)) == [
        ("m3", 3_000_000),
        ("m6", 4_000_000),
    ]
    assert duplicate_rows(ledger) == [(FU_FILE, 4)]


def test_every_followup_row_is_accounted_for() -> None:
    rows = [
        ["SKB23-001", "m3", "", "1000000", "2023-12-10"],
        ["", "m3", "0811-0000-0002", "1000000", "2023-12-10"],
        ["SKB23-999", "m3", "", "1000000", "2023-12-10"],
        ["SKB23-001", "wave 9", "", "1000000", "2023-12-10"],
        ["SKB23-001", "m6", "", "1000000", "2023-08-15"],
        ["SKB23-001", "m3", "", "1000000", "2023-12-10"],
    ]
    out, ledger = clean_followups(rows)

    audit = build_audit({FU_FILE: len(rows)}, ledger, lineage_counts(out))[FU_FILE]

    assert (audit["rows_clean"], audit["rows_quarantined"], audit["rows_duplicate"]) == (3, 2, 1)
    assert audit["cells_set_missing"] == 1
    assert audit["corrections"] == {"linked_by_phone": 1}
    assert audit["reconciled"] is True


@pytest.mark.parametrize("headers", [["gender", "Gender"], ["gender", "gender"]])
def test_a_field_twice_in_an_export_without_group_names_is_an_error_naming_it(headers) -> None:
    """Bug: a duplicated short header was silently taken (or crashed pandas) instead of refused."""
    frame = pd.DataFrame(
        [["SKB23-001", "P", "P", "KSPN", "3000000"]],
        columns=["participant_code", *headers, "confederation", "last_monthly_wage"],
    )
    with pytest.raises(
        InputError, match=r"b\.csv: column '(gender|Gender)' \(respondent/gender\) appears more than once"
    ):
        survey.resolve_columns(
            frame, fields=survey.BASELINE_FIELDS, required=survey.BASELINE_REQUIRED, file="b.csv"
        )
