"""Tests for impact.parse: every accepted variant, the value/issue/reason contract, properties."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import impact.clean.parse as parse
from impact import vocab
from impact.clean.parse import ids, labels, numbers, times

PROPERTY = settings(max_examples=200, deadline=None, derandomize=True)
COLUMNS = ["value", "issue", "reason"]


def one(parser: Callable[..., pd.DataFrame], text: object, **options: object) -> tuple[object, object]:
    """(value, issue) of one text, NA as None."""
    row = parser(pd.Series([text], dtype=object), **options).iloc[0]
    value = None if pd.isna(row["value"]) else row["value"]
    issue = None if pd.isna(row["issue"]) else row["issue"]
    return value, issue


def one_reason(parser: Callable[..., pd.DataFrame], text: object, **options: object) -> object:
    reason = parser(pd.Series([text], dtype=object), **options)["reason"].iloc[0]
    return None if pd.isna(reason) else reason


def expected(values: list, issues: list, reasons: list, dtype: object, **index: object) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "value": pd.array(values, dtype=dtype),
            "issue": pd.Categorical(issues, dtype=parse.ISSUE_DTYPE),
            "reason": pd.array(reasons, dtype=pd.StringDtype()),
        },
        **index,
    )


# --- rupiah -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("Rp 1.500.000", 1_500_000),
        ("Rp1.500.000,00", 1_500_000),
        ("Rp. 1.500.000,-", 1_500_000),
        ("IDR 1.500.000", 1_500_000),
        ("1.500.000 rupiah", 1_500_000),
        ("rp1.500.000", 1_500_000),
        ("1500000", 1_500_000),
        ("1500000.0", 1_500_000),
        ("1500000.00", 1_500_000),
        ("1.500", 1_500),
        ("1,500,000", 1_500_000),
        ("1,500", 1_500),
        ("1,500,000.50", 1_500_001),
        ("Rp 1.500,5", 1_501),
        ("1,5 jt", 1_500_000),
        ("1.5jt", 1_500_000),
        ("2 juta", 2_000_000),
        ("150rb", 150_000),
        ("150 ribu", 150_000),
        ("150k", 150_000),
        ("150K", 150_000),
        ("3 M", 3_000_000_000),
        ("3m", 3_000_000_000),
        ("3 miliar", 3_000_000_000),
        ("3 milyar", 3_000_000_000),
        ("1 jt 500 rb", 1_500_000),
        ("Rp 1 500 000", 1_500_000),
        ("  Rp   150 rb  ", 150_000),
        ("Rp 0", 0),
        ("0", 0),
        ("0,5", 1),
        ("1.5E+06", 1_500_000),
        ("1,5e6", 1_500_000),
        ("Rp 50.000,=", 50_000),
    ],
)
def test_rupiah_accepts(text: str, amount: int) -> None:
    assert one(parse.parse_rupiah, text) == (amount, None)


@pytest.mark.parametrize(
    ("text", "issue", "reason"),
    [
        ("1-2 jt", "invalid", "a range, not one amount"),
        ("1 - 2 juta", "invalid", "a range, not one amount"),
        ("1 s/d 2 jt", "invalid", "a range, not one amount"),
        ("500rb sampai 1jt", "invalid", "a range, not one amount"),
        ("Rp 1.000.000 - 2.000.000", "invalid", "a range, not one amount"),
        ("abc", "invalid", "not a rupiah amount"),
        ("1.5.2", "invalid", "not a rupiah amount"),
        ("Rp 1.50.000", "invalid", "not a rupiah amount"),
        ("1.500 000", "invalid", "not a rupiah amount"),
        ("1 jt 2 jt", "invalid", "not a rupiah amount"),
        ("12 kg", "invalid", "not a rupiah amount"),
        ("1e999", "invalid", "amount too large"),
        ("-50000", "implausible", "negative amount"),
        ("Rp -50.000", "implausible", "negative amount"),
        ("-99", "dont_know", None),
        ("-98", "dont_know", None),
        (" -99 ", "dont_know", None),
        ("-99.0", "dont_know", None),
        ("Tidak tahu", "dont_know", None),
        ("", "blank", None),
        ("   ", "blank", None),
        (None, "blank", None),
        ("N/A", "blank", None),
        ("null", "blank", None),
        ("-", "blank", None),
        ("Rp", "blank", None),
        ("Rp -", "blank", None),
    ],
)
def test_rupiah_rejects(text: str | None, issue: str, reason: str | None) -> None:
    assert one(parse.parse_rupiah, text) == (None, issue)
    assert one_reason(parse.parse_rupiah, text) == reason


def test_rupiah_bounds() -> None:
    out = parse.parse_rupiah(pd.Series(["Rp 200.000.000", "500", "-50.000"]), lower=1_000, upper=100_000_000)
    assert out["reason"].tolist() == ["above Rp 100.000.000", "below Rp 1.000", "negative amount"]
    assert out["value"].isna().all()
    assert (out["issue"] == "implausible").all()


def test_rupiah_negative_allowed_without_lower_bound() -> None:
    assert one(parse.parse_rupiah, "Rp -50.000", lower=None) == (-50_000, None)


def test_rupiah_whole_frame() -> None:
    s = pd.Series(["Rp 1.500.000", None, "1-2 jt", "-99", "x", "Rp 200.000.000"], index=list("abcdef"))
    want = expected(
        [1_500_000, None, None, None, None, None],
        [None, "blank", "invalid", "dont_know", "invalid", "implausible"],
        [None, None, "a range, not one amount", None, "not a rupiah amount", "above Rp 100.000.000"],
        "Int64",
        index=list("abcdef"),
    )
    pd.testing.assert_frame_equal(parse.parse_rupiah(s, upper=100_000_000), want)


@pytest.mark.parametrize("dtype", [object, "string", "str"])
def test_rupiah_same_for_every_text_dtype(dtype: object) -> None:
    s = pd.Series(["Rp 1.500.000", None, "150rb", "1500000"], dtype=dtype)
    assert parse.parse_rupiah(s)["value"].tolist() == [1_500_000, pd.NA, 150_000, 1_500_000]


def test_rupiah_numbers_take_the_fast_path() -> None:
    ints = parse.parse_rupiah(pd.Series([1_500_000, 0, -99, -5]))
    assert ints["value"].tolist() == [1_500_000, 0, pd.NA, pd.NA]
    assert ints["issue"].tolist()[2:] == ["dont_know", "implausible"]
    floats = parse.parse_rupiah(pd.Series([1_500_000.0, np.nan, 2.5, -99.0]))
    assert floats["value"].tolist() == [1_500_000, pd.NA, 3, pd.NA]
    assert floats["issue"].tolist()[1:] == ["blank", np.nan, "dont_know"]


def test_rupiah_digit_strings_skip_the_per_value_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = count_calls(monkeypatch, "_rupiah_one")
    out = parse.parse_rupiah(pd.Series([str(i) for i in range(500)] * 3))
    assert calls == []
    assert out["value"].sum() == 3 * sum(range(500))


# --- whole numbers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "issue"),
    [
        ("3", 3, None),
        ("3.0", 3, None),
        (" 3 ", 3, None),
        ("3,0", 3, None),
        ("1985", 1985, None),
        ("+3", 3, None),
        ("-3", -3, None),
        ("-99", None, "dont_know"),
        ("2.5", None, "invalid"),
        ("x", None, "invalid"),
        ("3 4", None, "invalid"),
        ("", None, "blank"),
    ],
)
def test_int(text: str, value: int | None, issue: str | None) -> None:
    assert one(parse.parse_int, text) == (value, issue)


def test_int_reasons_and_bounds() -> None:
    out = parse.parse_int(pd.Series(["2.5", "x", "1939", "2011", "1985"]), lower=1940, upper=2010)
    want = expected(
        [None, None, None, None, 1985],
        ["invalid", "invalid", "implausible", "implausible", None],
        ["not a whole number", "not a number", "below 1940", "above 2010", None],
        "Int64",
    )
    pd.testing.assert_frame_equal(out, want)


# --- dates ------------------------------------------------------------------------------------------

AUG15 = dt.datetime(2022, 8, 15)


@pytest.mark.parametrize(
    "text",
    [
        "2022-08-15",
        "2022-08-15 10:30:00",
        "2022-08-15T10:30:00+07:00",
        "2022/08/15",
        "15/08/2022",
        "15-08-2022",
        "15.08.2022",
        "15/8/22",
        "15 Agustus 2022",
        "15 agustus 2022",
        "15 AGUSTUS 2022",
        "15 Agu 2022",
        "15 Agt 2022",
        "15 Ags 2022",
        "15 August 2022",
        "15 Aug 2022",
        "15-Aug-22",
        "44788",
        "44788.75",
        " 15 / 08 / 2022 ",
    ],
)
def test_date_accepts(text: str) -> None:
    assert one(parse.parse_date, text) == (AUG15, None)


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("1 Januari 2022", 1),
        ("1 Jan 2022", 1),
        ("1 Februari 2022", 2),
        ("1 Feb 2022", 2),
        ("1 Maret 2022", 3),
        ("1 Mar 2022", 3),
        ("1 April 2022", 4),
        ("1 Apr 2022", 4),
        ("1 Mei 2022", 5),
        ("1 May 2022", 5),
        ("1 Juni 2022", 6),
        ("1 Jun 2022", 6),
        ("1 Juli 2022", 7),
        ("1 Jul 2022", 7),
        ("1 September 2022", 9),
        ("1 Sep 2022", 9),
        ("1 Sept 2022", 9),
        ("1 Oktober 2022", 10),
        ("1 Okt 2022", 10),
        ("1 Oct 2022", 10),
        ("1 November 2022", 11),
        ("1 Nov 2022", 11),
        ("1 Desember 2022", 12),
        ("1 Des 2022", 12),
        ("1 Dec 2022", 12),
    ],
)
def test_date_month_names(text: str, month: int) -> None:
    assert one(parse.parse_date, text) == (dt.datetime(2022, month, 1), None)


@pytest.mark.parametrize(
    ("text", "issue", "reason"),
    [
        ("Maret 2022", "invalid", "month only, no day"),
        ("08/2022", "invalid", "month only, no day"),
        ("2022-02-30", "invalid", "not a real calendar date"),
        ("31/04/2022", "invalid", "not a real calendar date"),
        ("15/13/2022", "invalid", "not a real calendar date"),
        ("12345", "invalid", "not a date"),
        ("90000", "invalid", "not a date"),
        ("15 Foo 2022", "invalid", "not a date"),
        ("Mar 22", "invalid", "not a date"),
        ("kemarin", "invalid", "not a date"),
        ("-99", "dont_know", None),
        ("", "blank", None),
    ],
)
def test_date_rejects(text: str, issue: str, reason: str | None) -> None:
    assert one(parse.parse_date, text) == (None, issue)
    assert one_reason(parse.parse_date, text) == reason


def test_date_whole_frame_with_bounds() -> None:
    s = pd.Series(["2014-12-31", "15 Agustus 2022", "2026-01-01", "Maret 2022", None])
    want = expected(
        [None, AUG15, None, None, None],
        ["implausible", None, "implausible", "invalid", "blank"],
        ["date before 2015-01-01", None, "date after 2025-12-31", "month only, no day", None],
        "datetime64[us]",
    )
    pd.testing.assert_frame_equal(parse.parse_date(s, lower="2015-01-01", upper="2025-12-31"), want)


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("Maret 2022", "2022-03-01"),
        ("Mar 2022", "2022-03-01"),
        ("Mei 2022", "2022-05-01"),
        ("Okt 2022", "2022-10-01"),
        ("Des 2022", "2022-12-01"),
        ("Agustus 2022", "2022-08-01"),
        ("08/2022", "2022-08-01"),
        ("2022-08", "2022-08-01"),
        ("15/08/2022", "2022-08-01"),
        ("15 Agt 2022", "2022-08-01"),
        ("44788", "2022-08-01"),
    ],
)
def test_month_accepts(text: str, month: str) -> None:
    assert one(parse.parse_month, text) == (pd.Timestamp(month), None)


def test_month_whole_frame() -> None:
    s = pd.Series(["Maret 2022", "13/2022", "x", "Jan 2014"])
    want = expected(
        [dt.datetime(2022, 3, 1), None, None, None],
        [None, "invalid", "invalid", "implausible"],
        [None, "not a real calendar date", "not a date", "date before 2015-01-01"],
        "datetime64[us]",
    )
    pd.testing.assert_frame_equal(parse.parse_month(s, lower="2015-01-01"), want)


# --- timestamps --------------------------------------------------------------------------------------

WIB = "Asia/Jakarta"


@pytest.mark.parametrize(
    ("text", "wib"),
    [
        ("2024-03-01T06:00:00+07:00", "2024-03-01 06:00:00"),
        ("2024-03-01 06:00:00+07:00", "2024-03-01 06:00:00"),
        ("2024-03-01T06:00:00+0700", "2024-03-01 06:00:00"),
        ("2024-03-01T06:00:00Z", "2024-03-01 13:00:00"),
        ("2024-03-01T06:00:00.250Z", "2024-03-01 13:00:00.250"),
        ("2024-03-01T06:00:00", "2024-03-01 06:00:00"),
        ("2024-03-01 06:00:00", "2024-03-01 06:00:00"),
        ("01/03/2024 06:00", "2024-03-01 06:00:00"),
        ("1/3/2024 06:00:05", "2024-03-01 06:00:05"),
        (" 01/03/2024 06:00 ", "2024-03-01 06:00:00"),
    ],
)
def test_datetime_accepts(text: str, wib: str) -> None:
    assert one(parse.parse_datetime, text) == (pd.Timestamp(wib, tz=WIB), None)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2024-02-30 06:00:00", "not a real date and time"),
        ("31/04/2024 06:00", "not a real date and time"),
        ("2024-03-01 25:00:00", "not a real date and time"),
        ("2024-03-01", "not a date and time"),
        ("03/01/2024 6pm", "not a date and time"),
        ("garbage", "not a date and time"),
    ],
)
def test_datetime_rejects(text: str, reason: str) -> None:
    assert one(parse.parse_datetime, text) == (None, "invalid")
    assert one_reason(parse.parse_datetime, text) == reason


def test_datetime_whole_frame_other_zone_and_bounds() -> None:
    s = pd.Series(["2024-03-01T06:00:00+07:00", "01/03/2024 06:00", "2019-12-31 23:00:00", "", "x"])
    dtype = pd.DatetimeTZDtype("us", "UTC")
    want = expected(
        [
            pd.Timestamp("2024-02-29 23:00", tz="UTC"),
            pd.Timestamp("2024-03-01 06:00", tz="UTC"),
            None,
            None,
            None,
        ],
        [None, None, "implausible", "blank", "invalid"],
        [None, None, "date before 2020-01-01", None, "not a date and time"],
        dtype,
    )
    pd.testing.assert_frame_equal(parse.parse_datetime(s, tz="UTC", lower="2020-01-01"), want)


def test_datetime_default_zone_is_wib() -> None:
    assert parse.parse_datetime(pd.Series(["2024-03-01 06:00:00"]))["value"].dtype == pd.DatetimeTZDtype(
        "us", WIB
    )


@pytest.mark.parametrize(
    "text",
    [
        "2023-09-20T03:14:15",
        "2023-09-20 03:14:15",
        "2023-09-20T03:14:15Z",
        "2023-09-20T10:14:15+07:00",
        "2023-09-20T03:14:15.000",
    ],
)
def test_utc_timestamp_accepts(text: str) -> None:
    assert one(parse.parse_utc_timestamp, text) == (pd.Timestamp("2023-09-20 03:14:15", tz="UTC"), None)


def test_utc_timestamp_whole_frame() -> None:
    s = pd.Series(["2023-09-20T03:14:15.123", "2023-02-30T03:14:15", None, "20/09/2023 03:14"])
    want = expected(
        [pd.Timestamp("2023-09-20 03:14:15.123", tz="UTC"), None, None, None],
        [None, "invalid", "blank", "invalid"],
        [None, "not a real date and time", None, "not a real date and time"],
        pd.DatetimeTZDtype("us", "UTC"),
    )
    pd.testing.assert_frame_equal(parse.parse_utc_timestamp(s), want)


# --- phones -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "08123456789",
        "+628123456789",
        "+62 812 3456 789",
        "+62 8123456789",
        "628123456789",
        "62-812-3456-789",
        "0062 812 3456 789",
        "(0812) 3456-789",
        "0812.3456.789",
        "0812 3456 789",
        "8123456789",
        "+62 0812 3456 789",
        "8123456789.0",
    ],
)
def test_phone_accepts(text: str) -> None:
    assert one(parse.normalise_phone, text) == ("+628123456789", None)


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("0812345678", "+62812345678"),
        ("0812345678901", "+62812345678901"),
        ("6281234567890", "+6281234567890"),
    ],
)
def test_phone_lengths(text: str, normal: str) -> None:
    assert one(parse.normalise_phone, text) == (normal, None)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("6.28123E+11", "number mangled by Excel (scientific notation)"),
        ("8.12346e+10", "number mangled by Excel (scientific notation)"),
        ("081234567", "not an Indonesian mobile number"),
        ("08123456789012", "not an Indonesian mobile number"),
        ("0212345678", "not an Indonesian mobile number"),
        ("+1 555 123 4567", "not an Indonesian mobile number"),
        ("12345", "not an Indonesian mobile number"),
        ("hp: 08123456789", "not a phone number"),
        ("0812-3456-789 / 0813", "not a phone number"),
    ],
)
def test_phone_rejects(text: str, reason: str) -> None:
    assert one(parse.normalise_phone, text) == (None, "invalid")
    assert one_reason(parse.normalise_phone, text) == reason


def test_phone_whole_frame() -> None:
    s = pd.Series(["0812-3456-789", "6.28123E+11", "", "abc"], dtype="string")
    want = expected(
        ["+628123456789", None, None, None],
        [None, "invalid", "blank", "invalid"],
        [None, "number mangled by Excel (scientific notation)", None, "not a phone number"],
        pd.StringDtype(),
    )
    pd.testing.assert_frame_equal(parse.normalise_phone(s), want)


# --- participant codes and reseller ids ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("SKB23-007", "SKB23-007"),
        ("skb23-7", "SKB23-007"),
        ("SKB23 - 0007", "SKB23-007"),
        ("skb 23 007", "SKB23-007"),
        ("SKB23007", "SKB23-007"),
        ("SKB23_007", "SKB23-007"),
        ("SKB23.007", "SKB23-007"),
        ("  Skb23-07  ", "SKB23-007"),
        ("SKB-23-007", "SKB23-007"),
        ("SKB23-1234", "SKB23-1234"),
        ("bks24-12", "BKS24-012"),
    ],
)
def test_participant_code_accepts(text: str, code: str) -> None:
    assert one(parse.normalise_participant_code, text) == (code, None)


@pytest.mark.parametrize(
    "text", ["SK23-007", "SKBB23-007", "SKB2-007", "SKB23", "SKB23-000", "007", "SKB23-A7"]
)
def test_participant_code_rejects(text: str) -> None:
    assert one(parse.normalise_participant_code, text) == (None, "invalid")
    assert one_reason(parse.normalise_participant_code, text) == "not a participant code like SKB23-007"


def test_participant_code_whole_frame() -> None:
    s = pd.Series(["skb 23 7", "x", "TT"])
    want = expected(
        ["SKB23-007", None, None],
        [None, "invalid", "dont_know"],
        [None, "not a participant code like SKB23-007", None],
        pd.StringDtype(),
    )
    pd.testing.assert_frame_equal(parse.normalise_participant_code(s), want)


@pytest.mark.parametrize(
    "text", ["EVM-00123456", "evm-123456", "EVM 00123456", "EVM00123456", " evm_0123456 ", "Evm - 123456"]
)
def test_reseller_id_accepts(text: str) -> None:
    assert one(parse.normalise_reseller_id, text) == ("EVM-00123456", None)


@pytest.mark.parametrize("text", ["EVM-123456789", "00123456", "E-123", "EVM-0", "EVM-12A", "EVMABC-1"])
def test_reseller_id_rejects(text: str) -> None:
    assert one(parse.normalise_reseller_id, text) == (None, "invalid")


def test_reseller_id_whole_frame() -> None:
    s = pd.Series(["evm-123456", "EVM-123456789", None])
    want = expected(
        ["EVM-00123456", None, None],
        [None, "invalid", "blank"],
        [None, "not a reseller id like EVM-00123456", None],
        pd.StringDtype(),
    )
    pd.testing.assert_frame_equal(parse.normalise_reseller_id(s), want)


# --- vocabularies -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "gender"),
    [
        ("L", "male"),
        ("l", "male"),
        ("Laki-laki", "male"),
        ("laki laki", "male"),
        ("Laki2", "male"),
        ("Pria", "male"),
        ("M", "male"),
        ("male", "male"),
        ("P", "female"),
        ("Perempuan", "female"),
        ("Wanita", "female"),
        ("F", "female"),
        (" female ", "female"),
    ],
)
def test_gender(text: str, gender: str) -> None:
    assert one(parse.normalise_gender, text) == (gender, None)


def test_gender_whole_frame() -> None:
    s = pd.Series(["L", "Budi", "", "P"])
    want = expected(
        ["male", None, None, "female"],
        [None, "invalid", "blank", None],
        [None, "unknown gender", None, None],
        vocab.GENDER_DTYPE,
    )
    pd.testing.assert_frame_equal(parse.normalise_gender(s), want)


@pytest.mark.parametrize(
    ("text", "wave"),
    [
        ("m3", "m3"),
        ("M3", "m3"),
        ("3m", "m3"),
        ("3 bulan", "m3"),
        ("bulan ke-3", "m3"),
        ("Bulan ke 3", "m3"),
        ("3", "m3"),
        ("3 months", "m3"),
        ("month 3", "m3"),
        ("m03", "m3"),
        ("m6", "m6"),
        ("6 bln", "m6"),
        ("6 Bulan", "m6"),
        ("12 bulan", "m12"),
        ("m12", "m12"),
        ("setahun", "m12"),
        ("1 tahun", "m12"),
        ("1 year", "m12"),
    ],
)
def test_wave_accepts(text: str, wave: str) -> None:
    assert one(parse.normalise_wave, text) == (wave, None)


@pytest.mark.parametrize("text", ["wave 3", "m4", "9 bulan", "2 tahun", "m", "baseline", "0"])
def test_wave_rejects(text: str) -> None:
    assert one(parse.normalise_wave, text) == (None, "invalid")
    assert one_reason(parse.normalise_wave, text) == "unknown wave"


def test_wave_whole_frame() -> None:
    want = expected(
        ["m6", None, None], [None, "invalid", "blank"], [None, "unknown wave", None], vocab.WAVE_DTYPE
    )
    pd.testing.assert_frame_equal(parse.normalise_wave(pd.Series(["6 bln", "wave 3", None])), want)


@pytest.mark.parametrize(
    ("text", "status"),
    [
        (" SELESAI ", "completed"),
        ("selesai", "completed"),
        ("Completed", "completed"),
        ("done", "completed"),
        ("Dibatalkan", "cancelled"),
        ("canceled", "cancelled"),
        ("RETUR", "returned"),
    ],
)
def test_status(text: str, status: str) -> None:
    assert one(parse.normalise_status, text) == (status, None)


def test_status_whole_frame() -> None:
    s = pd.Series([" SELESAI ", "dikirim", None])
    want = expected(
        ["completed", None, None],
        [None, "invalid", "blank"],
        [None, "unknown order status", None],
        vocab.STATUS_DTYPE,
    )
    pd.testing.assert_frame_equal(parse.normalise_status(s), want)


@pytest.mark.parametrize(
    ("text", "answer", "issue"),
    [
        ("Ya", True, None),
        ("YES", True, None),
        ("iya", True, None),
        ("1", True, None),
        ("1.0", True, None),
        ("Tidak", False, None),
        ("tdk", False, None),
        ("0", False, None),
        ("no", False, None),
        ("Tidak tahu", None, "dont_know"),
        ("mungkin", None, "invalid"),
        ("", None, "blank"),
    ],
)
def test_yes_no(text: str, answer: bool | None, issue: str | None) -> None:
    assert one(parse.parse_yes_no, text) == (answer, issue)


def test_yes_no_whole_frame() -> None:
    want = expected(
        [True, False, None], [None, None, "invalid"], [None, None, "not a yes/no answer"], "boolean"
    )
    pd.testing.assert_frame_equal(parse.parse_yes_no(pd.Series(["Ya", "tidak", "mungkin"])), want)


# --- confederations ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("KSPSI Rekonsiliasi", "kspsi_rek"),
        ("kspsi-reconciliation", "kspsi_rek"),
        ("KSPSI CAITU", "kspsi_caitu"),
        ("K-SBSI", "ksbsi"),
        ("ksbsi", "ksbsi"),
        ("K-Sarbumusi", "sarbumusi"),
        ("K-SARBUMUSI", "sarbumusi"),
        ("K-Saburmusi", "sarbumusi"),
        ("K.S.P.N", "kspn"),
        ("kspn", "kspn"),
    ],
)
def test_confederation(text: str, code: str) -> None:
    out = parse.normalise_confederation(pd.Series([text]))
    assert (out["value"].iloc[0], bool(out["corrected"].iloc[0])) == (code, False)


@pytest.mark.parametrize(
    ("text", "code"),
    [("KSPSI Rekonsilliasi", "kspsi_rek"), ("Sarbumusii", "sarbumusi"), ("KSPSI CAITUU", "kspsi_caitu")],
)
def test_confederation_corrects_close_typos(text: str, code: str) -> None:
    out = parse.normalise_confederation(pd.Series([text]))
    assert (out["value"].iloc[0], bool(out["corrected"].iloc[0])) == (code, True)


@pytest.mark.parametrize("text", ["KSPI", "KSPM", "SPSI", "serikat", "Other"])
def test_confederation_rejects(text: str) -> None:
    out = parse.normalise_confederation(pd.Series([text]))
    assert pd.isna(out["value"].iloc[0])
    assert out["issue"].iloc[0] == "invalid"


def test_confederation_other_text_and_whole_frame() -> None:
    s = pd.Series(
        ["K-SBSI", "Lainnya", "Other", "KSPSI Rekonsilliasi", "lain-lain", None], index=[5, 4, 3, 2, 1, 0]
    )
    other = pd.Series([None, "KSPN", "", None, "KSPI", None], index=s.index)
    want = expected(
        ["ksbsi", "kspn", None, "kspsi_rek", None, None],
        [None, None, "invalid", None, "invalid", "blank"],
        [None, None, "'other' confederation not named", None, "unknown confederation", None],
        vocab.CONFEDERATION_DTYPE,
        index=s.index,
    ).assign(
        corrected=[False, False, False, True, False, False],
        how=pd.array(["alias", "alias", None, "fuzzy", None, None], dtype="string"),
        suggestions=pd.array(
            [None, None, None, None, "kspn 0.75; ksbsi 0.67; kspsi_rek 0.67", None], dtype="string"
        ),
    )
    pd.testing.assert_frame_equal(parse.normalise_confederation(s, other=other), want)


@pytest.mark.parametrize(
    ("text", "code", "how"),
    [
        ("Konfederasi Sarbumusi", "sarbumusi", "prefix"),
        ("KSPSI Rekonsiliasi", "kspsi_rek", "alias"),
        ("K-Saburmusi", "sarbumusi", "alias"),
        ("KSPSI Rekonsilliasi", "kspsi_rek", "fuzzy"),
        ("Sarbumsi", "sarbumusi", "fuzzy"),
        ("K SBSI", "ksbsi", "alias"),
        ("KSPSI-CAITU", "kspsi_caitu", "alias"),
        ("Konfederasi KSPN", "kspn", "prefix"),
        ("Konfederasi Serikat Pekerja Nasional", "kspn", "alias"),
        ("Serikat Buruh Sejahtera Indonesia", "ksbsi", "prefix"),
        ("Konfederasi S.B.S.I", "ksbsi", "prefix"),
        ("Sarbumusi NU Kab. Sukabumi", "sarbumusi", "token"),
    ],
)
def test_confederation_spellings_from_the_field_are_matched_and_say_how(text, code, how) -> None:
    out = parse.normalise_confederation(pd.Series([text]))
    assert out["value"].tolist() == [code]
    assert out["how"].tolist() == [how]
    assert out["corrected"].tolist() == [how not in ("alias", "programme")]


@pytest.mark.parametrize("text", ["KSPSI", "SPSI", "Rekon", "serikat buruh"])
def test_ambiguous_or_unknown_confederations_are_never_guessed(text) -> None:
    out = parse.normalise_confederation(pd.Series([text]))
    assert out["value"].isna().all()
    assert out["reason"].tolist() == ["unknown confederation"]
    assert out["suggestions"].notna().all()


def test_kspsi_alone_suggests_both_kspsi_confederations() -> None:
    suggested = parse.normalise_confederation(pd.Series(["KSPSI"]))["suggestions"].iloc[0]
    assert "kspsi_rek" in suggested
    assert "kspsi_caitu" in suggested


def test_programme_aliases_are_used_and_reported() -> None:
    out = parse.normalise_confederation(pd.Series(["Serikat Kita"]), aliases={"Serikat Kita": "kspn"})
    assert out[["value", "how"]].astype(str).values.tolist() == [["kspn", "programme"]]


def test_confederation_other_must_share_the_index() -> None:
    with pytest.raises(ValueError, match="same index"):
        parse.normalise_confederation(pd.Series(["Other"]), other=pd.Series(["KSPN"], index=[7]))


# --- every parser: contract and properties ------------------------------------------------------------

PARSERS: dict[str, Callable[[pd.Series], pd.DataFrame]] = {
    "rupiah": lambda s: parse.parse_rupiah(s, upper=100_000_000),
    "int": lambda s: parse.parse_int(s, lower=1940, upper=2010),
    "date": lambda s: parse.parse_date(s, lower="2015-01-01", upper="2025-12-31"),
    "month": parse.parse_month,
    "datetime": lambda s: parse.parse_datetime(s, lower="2020-01-01"),
    "utc": parse.parse_utc_timestamp,
    "phone": parse.normalise_phone,
    "participant": parse.normalise_participant_code,
    "reseller": parse.normalise_reseller_id,
    "gender": parse.normalise_gender,
    "confederation": lambda s: parse.normalise_confederation(s, other=s.iloc[::-1].set_axis(s.index)),
    "wave": parse.normalise_wave,
    "status": parse.normalise_status,
    "yes_no": parse.parse_yes_no,
}

SAMPLES = [
    "Rp 1.500.000",
    "1,5 jt",
    "1-2 jt",
    "-99",
    "N/A",
    "15 Agustus 2022",
    "2024-03-01T06:00:00+07:00",
    "01/03/2024 06:00",
    "2022-02-30",
    "0812-3456-789",
    "6.28123E+11",
    "skb23-7",
    "evm-123456",
    "Laki-laki",
    "Lainnya",
    "bulan ke-3",
    " SELESAI ",
    "Ya",
    "1985",
    "44788",
    "\x00",
    "🙂",
    "",
]
TEXTS = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.sampled_from(SAMPLES),
    st.text(alphabet="0123456789.,-+/: RpjtrbkmMeEZT", max_size=25),
)


def assert_contract(s: pd.Series, out: pd.DataFrame, name: str) -> None:
    """The value/issue/reason contract every parser keeps, whatever the input."""
    assert list(out.columns[:3]) == COLUMNS, name
    assert out.index.equals(s.index), name
    assert out["issue"].dtype == parse.ISSUE_DTYPE, name
    assert out["reason"].dtype == pd.StringDtype(), name
    value_missing = out["value"].isna().to_numpy()
    np.testing.assert_array_equal(value_missing, out["issue"].notna().to_numpy(), err_msg=name)
    needs_reason = out["issue"].isin(["invalid", "implausible"]).to_numpy()
    np.testing.assert_array_equal(out["reason"].notna().to_numpy(), needs_reason, err_msg=name)
    missing_input = s.isna().to_numpy()
    assert out["issue"].to_numpy()[missing_input].tolist() == ["blank"] * int(missing_input.sum()), name


@PROPERTY
@given(texts=st.lists(TEXTS, max_size=12), dtype=st.sampled_from([object, "string", "str"]))
def test_every_parser_never_raises_and_keeps_the_contract(texts: list[str | None], dtype: object) -> None:
    s = pd.Series(texts, dtype=dtype, index=pd.Index([f"row{i}" for i in range(len(texts))][::-1]))
    before = s.copy()
    for name, parser in PARSERS.items():
        try:
            out = parser(s)
        except Exception as error:
            error.add_note(f"parser: {name}")
            raise
        assert_contract(s, out, name)
    pd.testing.assert_series_equal(s, before)


@pytest.mark.parametrize("name", list(PARSERS))
@pytest.mark.parametrize(
    "text",
    ["9" * 10_000, "Rp " + "1.000" * 2_000, "a" * 10_000, "\x00" * 100, "🙂" * 50, "1e99999", "-" * 500],
)
def test_never_raises_on_huge_or_odd_text(name: str, text: str) -> None:
    s = pd.Series([text, None])
    assert_contract(s, PARSERS[name](s), name)


@pytest.mark.parametrize("name", list(PARSERS))
def test_empty_series(name: str) -> None:
    s = pd.Series([], dtype=object)
    out = PARSERS[name](s)
    assert len(out) == 0
    assert_contract(s, out, name)


ASCII_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
LETTERS = st.text(alphabet=ASCII_LETTERS, min_size=1, max_size=6)
THREE_LETTERS = st.text(alphabet=ASCII_LETTERS, min_size=3, max_size=3)
SEPARATORS = st.sampled_from(["", " ", "-", "_", ".", " - "])
NORMALISED_TEXTS = {
    "phone": st.builds(
        lambda prefix, digits, sep: f"{prefix}8{digits[:2]}{sep}{digits[2:6]}{sep}{digits[6:]}",
        st.sampled_from(["", "0", "62", "+62 ", "62-", "0062 ", "+62 0"]),
        st.one_of(st.integers(10**7, 10**11 - 1), st.integers(0, 10**12)).map(str),
        st.sampled_from(["", " ", "-", "."]),
    ),
    "participant": st.builds(
        lambda prefix, year, number, sep: f"{prefix}{year:02d}{sep}{number:0{len(str(number)) + 1}d}",
        st.one_of(THREE_LETTERS, LETTERS),
        st.integers(0, 99),
        st.integers(0, 10**6),
        SEPARATORS,
    ),
    "reseller": st.builds(
        lambda prefix, number, sep: f"{prefix}{sep}{number}", LETTERS, st.integers(0, 10**9), SEPARATORS
    ),
    "gender": st.sampled_from([*vocab.GENDER_ALIASES, "laki-laki", " p ", "x"]),
    "wave": st.builds(
        lambda form, months: form.format(months),
        st.sampled_from(
            ["m{}", "M0{}", "{}m", "{} bulan", "bulan ke-{}", "month {}", "{}", "{} bln", "wave {}"]
        ),
        st.sampled_from([3, 6, 12, 9]),
    ),
}
NORMALISERS = {
    "phone": parse.normalise_phone,
    "participant": parse.normalise_participant_code,
    "reseller": parse.normalise_reseller_id,
    "gender": parse.normalise_gender,
    "wave": parse.normalise_wave,
}


@pytest.mark.parametrize("name", list(NORMALISERS))
@PROPERTY
@given(data=st.data())
def test_normalisers_are_idempotent(name: str, data: st.DataObject) -> None:
    texts = data.draw(
        st.lists(st.one_of(NORMALISED_TEXTS[name], st.text(max_size=15)), min_size=1, max_size=8)
    )
    normalise = NORMALISERS[name]
    first = normalise(pd.Series(texts, dtype=object))
    ok = first["value"][first["issue"].isna()]
    again = normalise(ok.astype(object).astype(str))
    assert again["issue"].isna().all()
    pd.testing.assert_series_equal(again["value"], ok, check_names=False)


@PROPERTY
@given(n=st.integers(min_value=0, max_value=10**10))
def test_rupiah_round_trip(n: int) -> None:
    texts = [
        "Rp " + f"{n:,}".replace(",", "."),
        str(n),
        f"Rp{n:,}".replace(",", ".") + ",00",
        f"{n:,}",
        f"{n}.0",
    ]
    assert parse.parse_rupiah(pd.Series(texts))["value"].tolist() == [n] * len(texts)


@PROPERTY
@given(day=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_date_round_trip(day: dt.date) -> None:
    texts = [day.isoformat(), day.strftime("%d/%m/%Y"), day.strftime("%d-%m-%y"), day.strftime("%d %b %Y")]
    want = dt.datetime(day.year, day.month, day.day)
    assert parse.parse_date(pd.Series(texts))["value"].tolist() == [want] * len(texts)


# --- factorisation: each distinct value is parsed once ------------------------------------------------


#: the module of each per-value parser
PER_VALUE = {"_rupiah_one": numbers, "_phone_one": ids, "_date_one": times, "_lookup_one": labels}


def count_calls(monkeypatch: pytest.MonkeyPatch, name: str) -> list[str]:
    """Wrap the per-value parser ``name`` (in its module) and record every text it is called with."""
    calls: list[str] = []
    module = PER_VALUE[name]
    original = getattr(module, name)

    def counting(text: str, *args: object, **kwargs: object) -> object:
        calls.append(text)
        return original(text, *args, **kwargs)

    monkeypatch.setattr(module, name, counting)
    return calls


DISTINCT = 1_000
ROWS = 1_000_000


@pytest.mark.parametrize(
    ("name", "parser", "make"),
    [
        ("_rupiah_one", parse.parse_rupiah, lambda i: f"Rp {i + 1}.500"),
        ("_phone_one", parse.normalise_phone, lambda i: f"0812-3456-{i:04d}"),
        (
            "_date_one",
            parse.parse_date,
            lambda i: (dt.date(2020, 1, 1) + dt.timedelta(days=i)).strftime("%d/%m/%Y"),
        ),
        ("_lookup_one", parse.normalise_gender, lambda i: ["L", "P"][i] if i < 2 else f"jenis {i}"),
    ],
)
def test_each_distinct_value_is_parsed_once(
    monkeypatch: pytest.MonkeyPatch, name: str, parser: Callable[[pd.Series], pd.DataFrame], make: Callable
) -> None:
    distinct = np.array([make(i) for i in range(DISTINCT)], dtype=object)
    s = pd.Series(np.tile(distinct, ROWS // DISTINCT))
    s.iloc[::997] = None
    calls = count_calls(monkeypatch, name)
    out = parser(s)
    assert len(calls) <= DISTINCT
    assert len(out) == ROWS
    pd.testing.assert_frame_equal(out.iloc[5_000:5_010], parser(s.iloc[5_000:5_010]))
    assert out["issue"].eq("blank").sum() == s.isna().sum()
