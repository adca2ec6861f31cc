"""Tests for impact.reference: the monthly CPI built from anchors, CPI lookups and minimum wages."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from impact import io
from impact.errors import ReferenceDataError
from impact.measure import reference

ROOT = Path(__file__).resolve().parents[2]
ANCHORS = ROOT / "src" / "impact" / "data" / "reference" / "cpi_anchors.csv"


def month(text: str) -> pd.Timestamp:
    return pd.Timestamp(f"{text}-01")


@pytest.fixture(scope="module")
def anchors() -> pd.DataFrame:
    return pd.read_csv(ANCHORS, dtype={"month": str})


@pytest.fixture(scope="module")
def cpi(anchors: pd.DataFrame) -> pd.Series:
    return reference.monthly_cpi(anchors)


# --- monthly_cpi from the anchors -------------------------------------------------------------


def test_index_anchor_points_are_kept_exactly(cpi: pd.Series) -> None:
    got = cpi[[month("2023-12"), month("2024-01"), month("2024-08"), month("2024-11"), month("2024-12")]]
    assert got.tolist() == pytest.approx([105.15, 105.19, 106.06, 106.33, 106.80], abs=1e-9)


@pytest.mark.parametrize(
    ("december", "expected"),
    [
        ("2022-12", 105.15 / 1.0261),  # 102.4754
        ("2021-12", 105.15 / 1.0261 / 1.0551),  # 97.1239
        ("2020-12", 105.15 / 1.0261 / 1.0551 / 1.0187),  # 95.3410
        ("2019-12", 105.15 / 1.0261 / 1.0551 / 1.0187 / 1.0168),  # 93.7657
    ],
)
def test_decembers_are_chained_backwards_with_yoy_inflation(
    cpi: pd.Series, december: str, expected: float
) -> None:
    assert round(cpi[month(december)], 4) == round(expected, 4)


def test_readme_figures_of_the_chained_decembers(cpi: pd.Series) -> None:
    decembers = [month(m) for m in ("2022-12", "2021-12", "2020-12", "2019-12")]
    assert [round(v, 2) for v in cpi[decembers]] == [102.48, 97.12, 95.34, 93.77]


def test_series_starts_at_the_earliest_chained_december_and_ends_at_the_last_point(cpi: pd.Series) -> None:
    assert cpi.index.min() == month("2019-12")
    assert cpi.index.max() == month("2024-12")
    assert cpi.index.equals(pd.date_range("2019-12-01", "2024-12-01", freq="MS"))
    assert cpi.notna().all()


def test_months_between_points_are_interpolated_geometrically_by_month(cpi: pd.Series) -> None:
    # bug fixed: interpolation was by days (month lengths differ), not constant monthly inflation
    for k in range(8):
        expected = 105.19 * (106.06 / 105.19) ** (k / 7)
        assert round(cpi[month("2024-01") + pd.DateOffset(months=k)], 4) == round(expected, 4)


def test_april_2024_is_three_sevenths_of_the_way_from_january_to_august(cpi: pd.Series) -> None:
    assert cpi[month("2024-04")] == pytest.approx(105.19 * (106.06 / 105.19) ** (3 / 7), rel=1e-12)


def test_interpolation_across_chained_decembers_is_constant_monthly_inflation(cpi: pd.Series) -> None:
    dec21, dec22 = cpi[month("2021-12")], cpi[month("2022-12")]
    assert cpi[month("2022-06")] == pytest.approx(dec21 * (dec22 / dec21) ** (6 / 12), rel=1e-12)


def test_official_series_overrides_the_anchors(anchors: pd.DataFrame) -> None:
    official = pd.DataFrame({"month": ["2024-02", "2024-01"], "cpi": [111.0, 110.0]})
    got = reference.monthly_cpi(anchors, official=official)
    assert got.index.tolist() == [month("2024-01"), month("2024-02")]
    assert got.tolist() == [110.0, 111.0]


def test_bundled_reference_is_read_with_the_anchor_cpi() -> None:
    wages, cpi = reference.reference_tables(io.read_reference())
    assert round(cpi[month("2022-12")], 2) == 102.48
    assert {"district", "year", "min_wage_monthly_idr"} <= set(wages.columns)


# --- cpi_at -----------------------------------------------------------------------------------


def short_cpi() -> pd.Series:
    return pd.Series(
        [100.0, 101.0, 102.0], index=pd.date_range("2023-01-01", periods=3, freq="MS"), name="cpi"
    )


def test_cpi_at_looks_up_the_month_of_any_date() -> None:
    got = reference.cpi_at(short_cpi(), pd.Series(pd.to_datetime(["2023-02-15", "2023-01-01", None])))
    pd.testing.assert_series_equal(got, pd.Series([101.0, 100.0, None], dtype="Float64"))


def test_cpi_at_carries_the_last_value_forward_after_the_series() -> None:
    got = reference.cpi_at(short_cpi(), pd.Series(pd.to_datetime(["2024-06-01", "2023-03-31"])))
    assert got.tolist() == [102.0, 102.0]


def test_cpi_at_raises_for_a_month_before_the_series_naming_it() -> None:
    with pytest.raises(ReferenceDataError, match=r"2022-11 is needed"):
        reference.cpi_at(short_cpi(), pd.Series(pd.to_datetime(["2023-02-01", "2022-11-20"])))


def test_cpi_at_keeps_the_index_of_its_input() -> None:
    months = pd.Series(pd.to_datetime(["2023-01-01", "2023-03-01"]), index=[10, 20])
    assert reference.cpi_at(short_cpi(), months).index.tolist() == [10, 20]


# --- min_wage_for ---------------------------------------------------------------------------------


def wages(district_dtype: str = "string") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "district": pd.array(["Kota A", "Kota A", "Kabupaten B"], dtype=district_dtype),
            "year": [2023, 2024, 2023],
            "min_wage_monthly_idr": [3_000_000, 3_200_000, 2_500_000],
        }
    )


def test_min_wage_for_the_exact_district_and_year() -> None:
    got = reference.min_wage_for(
        wages(), pd.Series(["Kota A", "Kota A", "Kabupaten B"], dtype="string"), pd.Series([2023, 2024, 2023])
    )
    expected = pd.DataFrame(
        {
            "min_wage_idr": pd.array([3_000_000, 3_200_000, 2_500_000], dtype="Int64"),
            "min_wage_year": pd.array([2023, 2024, 2023], dtype="Int64"),
        }
    )
    pd.testing.assert_frame_equal(got, expected)


def test_min_wage_for_a_year_not_in_the_table_is_missing_never_invented() -> None:
    districts, years = pd.Series(["Kabupaten B", "Kota A"], dtype="string"), pd.Series([2025, 2026])
    got = reference.min_wage_for(wages(), districts, years)
    assert got["min_wage_idr"].isna().all()
    assert reference.missing_district_years(wages(), districts, years) == [
        ("Kabupaten B", 2025),
        ("Kota A", 2026),
    ]


def test_min_wage_for_a_later_year_carries_the_latest_earlier_year_forward_when_asked() -> None:
    got = reference.min_wage_for(
        wages(),
        pd.Series(["Kabupaten B", "Kota A"], dtype="string"),
        pd.Series([2025, 2026]),
        carry_forward=True,
    )
    assert got["min_wage_idr"].tolist() == [2_500_000, 3_200_000]
    assert got["min_wage_year"].tolist() == [2023, 2024]


def test_min_wage_for_a_year_before_every_row_is_missing() -> None:
    got = reference.min_wage_for(wages(), pd.Series(["Kota A"], dtype="string"), pd.Series([2021]))
    assert got.isna().all().all()


def test_min_wage_for_missing_district_or_year_is_missing() -> None:
    got = reference.min_wage_for(
        wages(), pd.Series([None, "Kota A"], dtype="string"), pd.Series([2024, None], dtype="Int64")
    )
    assert got.isna().all().all()


def test_min_wage_district_match_ignores_case_and_surrounding_spaces() -> None:
    got = reference.min_wage_for(wages(), pd.Series(["  kota a "], dtype="string"), pd.Series([2024]))
    assert got["min_wage_idr"].tolist() == [3_200_000]


def test_min_wage_for_an_unknown_district_raises_naming_it_and_the_known_ones() -> None:
    with pytest.raises(ReferenceDataError, match=r"Kota Z.*known: Kabupaten B, Kota A"):
        reference.min_wage_for(
            wages(), pd.Series(["Kota A", "Kota Z"], dtype="string"), pd.Series([2024, 2024])
        )


def test_min_wage_table_with_default_string_dtype_works() -> None:
    # bug fixed: a table read by plain pd.read_csv (str dtype, NaN as missing) raised a MergeError
    got = reference.min_wage_for(wages("str"), pd.Series(["Kota A"], dtype="string"), pd.Series([2024]))
    assert got["min_wage_idr"].tolist() == [3_200_000]


def test_min_wage_keeps_the_index_of_its_input() -> None:
    got = reference.min_wage_for(
        wages(),
        pd.Series(["Kota A", "Kabupaten B"], dtype="string", index=[7, 3]),
        pd.Series([2024, 2023], index=[7, 3]),
    )
    assert got.index.tolist() == [7, 3]
    assert got["min_wage_idr"].tolist() == [3_200_000, 2_500_000]
