"""The analysts' workbench on the bundled sample: custom tables (protected for the public, as the
release audit proves), cohorts side by side, the drill-down, subsets, safe exports, as-of dates,
real terms, and errors that name the valid choices."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from openpyxl import load_workbook

import impact
from impact.errors import ParameterError
from impact.publish import results, workbench
from impact.publish.release import HIDDEN
from impact.publish.views import Table
from impact.qa.release_audit import audit_release

COHORT = "sukabumi-2023"
ALL_MEASURES = list(workbench.MEASURES)


@pytest.fixture(scope="module")
def public(sample_clean) -> results.CohortResults:
    return results.build(sample_clean, cohort=COHORT)


@pytest.fixture(scope="module")
def internal(sample_clean) -> results.CohortResults:
    return results.build(sample_clean, cohort=COHORT, audience="internal")


def with_attendance(r: results.CohortResults) -> results.CohortResults:
    """``r`` with a derived column, as an analyst adds it (a copy: the module's fixtures stay as built)."""
    bands = pd.cut(r.participants["sessions_attended"], [-1, 1, 2, 3], labels=["0–1", "2", "3"])
    return dataclasses.replace(r, participants=r.participants.assign(attendance=bands), _cache={})


def audit(tables: list, tmp_path, *, k: int = 5) -> list[str]:
    """Findings of ``impact audit-disclosure`` on ``tables`` written as a public report of the cohort."""
    folder = tmp_path / "reports" / COHORT
    folder.mkdir(parents=True)
    body = "".join(t.to_html() for t in tables)
    (folder / f"{COHORT}_all_public.html").write_text(f"<html><body>{body}</body></html>", encoding="utf-8")
    result = audit_release(tmp_path / "reports", min_cell_size=k)
    assert result.figures > 0
    return [f.line() for f in result.findings]


# --- `by`: a name or a list, everywhere ------------------------------------------------------------


def test_by_accepts_a_name_or_a_list_alike(public) -> None:
    assert public.recovery(by="gender").frame().equals(public.recovery(by=["gender"]).frame())
    assert public.table(by="district").frame().equals(public.table(by=["district"]).frame())


@pytest.mark.parametrize("by", [3, {"gender"}, ("gender", 1)])
def test_wrong_type_of_by_says_what_to_give(public, by) -> None:
    with pytest.raises(ParameterError, match=r"give a column name or a list of names, e\.g\. by='gender'"):
        public.table(by=by)
    with pytest.raises(ParameterError, match="give a column name or a list"):
        public.recovery(by=by)


def test_unknown_column_names_the_valid_ones(public) -> None:
    with pytest.raises(ParameterError, match=r"by='village'.*valid: .*district.*sessions_attended"):
        public.table(by="village")


def test_a_number_with_many_values_is_to_be_binned_with_an_example(public) -> None:
    with pytest.raises(ParameterError, match=r"income_before_idr.*bin it.*pd\.qcut.*sessions attended"):
        public.table(by="income_before_idr")


def test_standard_dimension_beyond_the_report_points_to_table(public) -> None:
    with pytest.raises(ParameterError, match=r"by='district'.*r\.table\(by=\.\.\.\)"):
        public.recovery(by="district")


# --- waves and as-of dates -------------------------------------------------------------------------


def test_wave_not_in_the_cohort_names_its_waves(public) -> None:
    with pytest.raises(ParameterError, match=r"'m24' is not a wave of sukabumi-2023; its waves: m3, m6, m12"):
        public.table(wave="m24")


def test_wave_without_answers_as_of_a_day_names_the_answered_ones(sample_clean) -> None:
    r = results.build(sample_clean, cohort=COHORT, as_of="2024-04-30")
    with pytest.raises(
        ParameterError, match=r"'m12'.*no answers as of 2024-04-30; waves with answers: m3, m6"
    ):
        r.table(wave="m12")


def test_as_of_before_training_is_an_error_naming_the_training_month(sample_clean) -> None:
    with pytest.raises(
        ParameterError, match=r"before sukabumi-2023's training \(September 2023\).*2023-09-01"
    ):
        results.build(sample_clean, cohort=COHORT, as_of="2023-08-31")


def test_as_of_cuts_platform_data_by_day_from_the_orders(sample_clean) -> None:
    r = results.build(sample_clean, cohort=COHORT, as_of="2024-09-15", audience="internal")
    orders = sample_clean.orders
    keys = set(r.participants["reseller_key"].dropna())
    day = orders["order_time"] < pd.Timestamp("2024-09-16", tz="Asia/Jakarta")
    mine = orders[
        day
        & (orders["month"] == pd.Timestamp("2024-09-01"))
        & (orders["status"] == "completed")
        & orders["reseller_key"].isin(keys)
    ]
    september = r.months[r.months["month"] == pd.Timestamp("2024-09-01")]
    assert r.months["month"].max() == pd.Timestamp("2024-09-01")
    assert int(september["orders_completed"].sum()) == len(mine) > 0
    assert int(september["commission_idr"].sum()) == int(mine["commission_idr"].sum())
    assert any("up to 15 September only" in n for n in r.notes)


def test_as_of_without_the_order_table_counts_the_whole_month_and_says_so(sample_clean) -> None:
    monthly_only = dataclasses.replace(sample_clean, orders=sample_clean.orders.iloc[:0])
    r = results.build(monthly_only, cohort=COHORT, as_of="2024-09-15", audience="internal")
    whole = results.build(sample_clean, cohort=COHORT, as_of="2024-09-30", audience="internal")
    assert r.months["commission_idr"].sum() == whole.months["commission_idr"].sum()
    assert any("counts the whole month" in n for n in r.notes)


def test_build_from_a_folder_with_as_of_reads_the_orders_to_cut_by_day(sample_clean, tmp_path) -> None:
    from impact.io import write_processed

    folder = write_processed(sample_clean, tmp_path / "processed")
    r = results.build(folder, cohort=COHORT, as_of="2024-09-15")
    assert any("up to 15 September only" in n for n in r.notes)


def test_before_any_answer_a_table_is_a_note_saying_so(sample_clean) -> None:
    r = results.build(sample_clean, cohort=COHORT, as_of="2023-10-31")
    assert "no follow-up has answers yet" in str(r.table(by="district"))


def test_as_of_is_in_the_summary_and_the_captions(sample_clean) -> None:
    r = results.build(sample_clean, cohort=COHORT, as_of="2024-09-15")
    assert "as of 2024-09-15" in repr(r)
    assert "as of 2024-09-15" in r.table().caption


# --- custom tables, protected for the public -----------------------------------------------------------


def test_a_derived_column_groups_in_its_own_order(public) -> None:
    t = with_attendance(public).table(by="attendance", wave="m3")
    assert [code for code, _, _ in t.rows] == ["0–1", "2", "3", "all"]
    assert t.caption == "Income recovery — 3 months — by attendance"


def test_public_custom_tables_pass_the_disclosure_audit(public, tmp_path) -> None:
    r = with_attendance(public)
    tables = [
        r.table(by="attendance", wave="all", measures=ALL_MEASURES),
        r.table(by="district", wave="all", measures=ALL_MEASURES),
        r.table(by="sessions_attended", measures=ALL_MEASURES),
        r.table(by="gender", wave="all", measures=ALL_MEASURES),
        r.recovery(by="gender"),
        r.trend(by="district"),
        r.trend(),
    ]
    assert audit(tables, tmp_path) == []


def test_public_custom_table_hides_small_groups_and_their_complement(public) -> None:
    r = with_attendance(public)
    t = r.table(by="attendance", wave="m12")
    shown = {code: cells["n_eligible"] for code, _, cells in t.rows}
    sizes = r.participants["attendance"].value_counts()
    small = [g for g in sizes.index if 0 < sizes[g] < r.rules.k]
    assert small  # the sample has a group of fewer than k people (those who attended 2 sessions)
    assert all(shown[g] == HIDDEN for g in small)
    # never one group hidden alone: the next smallest goes with it
    assert sum(v == HIDDEN for code, v in shown.items() if code != "all") >= 2
    assert shown["all"] == str(len(r.participants))
    assert "!" not in t.to_html()


def test_the_report_breakdowns_are_the_reports_own_cells(public) -> None:
    measures = ["registered", "answered", "median_recovery_ratio", "share_recovered", "ratio_of_sums"]
    assert public.table(by="gender", measures=measures).frame().equals(public.recovery(by="gender").frame())


def test_a_grouping_close_to_a_published_group_is_refused_in_public(public) -> None:
    moved = public.participants["participant_id"].isin(
        public.participants.loc[public.participants["gender"] == "male", "participant_id"].head(2)
    )
    almost = public.participants["gender"].astype("string").mask(moved, "female")
    r = dataclasses.replace(public, participants=public.participants.assign(sex_copy=almost), _cache={})
    with pytest.raises(ParameterError, match=r"differs from the published group 'Women' by 2 people"):
        r.table(by="sex_copy")


def test_two_way_tables_are_internal_only(public, internal) -> None:
    with pytest.raises(ParameterError, match="two-way table is internal only"):
        public.table(by=["district", "gender"])
    t = internal.table(by=["district", "gender"])
    labels = [label for _, label, _ in t.rows]
    assert "Kota Sukabumi · Women" in labels
    assert labels[-1] == "All"
    assert any(v.endswith("s!") for _, _, cells in t.rows for v in cells.values())


def test_n_is_always_shown_and_unknown_measures_are_named(public) -> None:
    t = public.table(measures=["share_recovered"])
    assert [c.stat for c in t.columns] == ["n", "share_recovered"]
    with pytest.raises(ParameterError, match=r"unknown measure\(s\) \['mean'\]; valid: registered"):
        public.table(measures=["mean"])


def test_several_waves_render_as_one_tagged_table_per_wave(public) -> None:
    t = public.table(by="gender", wave="all")
    assert [code.split("|")[0] for code, _, _ in t.rows][::4] == ["m3", "m6", "m12"]
    html = t.to_html()
    assert html.count("<table") == 3
    assert 'data-wave="m6"' in html
    assert list(t.for_excel().columns[:2]) == ["Follow-up", "Group"]


def test_real_terms_are_labelled_in_caption_and_columns(sample_clean, public) -> None:
    t = public.table(by="gender", real_terms=True)
    assert "real terms" in t.caption
    assert "Median real recovery ratio (95% CI)" in [c.label for c in t.columns]
    real = results.build(sample_clean, cohort=COHORT, real_terms=True).recovery(by="gender")
    assert "real terms" in real.caption
    assert "Recovered in real terms (95% CI)" in real.for_excel().columns
    assert "real" not in public.recovery(by="gender").caption


def test_trend_by_a_column_and_its_figure(public) -> None:
    t = public.trend(by="district", measures=["share_active"])
    assert [c.stat for c in t.columns] == ["n_accounts", "share_active"]
    fig = public.trend_figure(by="district", width=500, colors=["#000000", "#777777"])
    assert fig.layout.width == 500
    assert len(fig.data) == 3
    with pytest.raises(ParameterError, match="unknown style option"):
        public.trend_figure(colour="red")


# --- the drill-down and subsets (internal) -----------------------------------------------------------


def test_participants_view_is_internal_only(public) -> None:
    with pytest.raises(ParameterError, match=r"internal only.*audience='internal'"):
        public.participants_view()


def test_participants_view_has_one_row_per_participant_with_the_last_answer(internal) -> None:
    v = internal.participants_view()
    assert len(v) == len(internal.participants)
    assert v["participant_id"].is_unique
    answered = internal.waves[internal.waves["responded"]]
    last = answered.sort_values("months_after_training").groupby("participant_id").tail(1)
    one = last.iloc[0]
    row = v.set_index("participant_id").loc[one["participant_id"]]
    assert row["last_wave"] == one["wave"]
    assert row["waves_answered"] == (answered["participant_id"] == one["participant_id"]).sum()
    assert v.loc[~v["has_account"], "commission_recent_idr"].isna().all()
    assert "reseller_key" not in v.columns
    stuck = v[v["recovered"].eq(False) & (v["months_active_recent"] > 0)]
    assert 0 < len(stuck) < len(v)


def test_subset_counts_only_its_participants_and_says_so(internal) -> None:
    women = internal.subset(gender="female")
    assert set(women.participants["gender"].astype(str)) == {"female"}
    assert set(women.waves["participant_id"]) <= set(women.participants["participant_id"])
    assert women.notes[-1].startswith("Subset: gender = female")
    assert internal.subset(gender="all") is internal
    with pytest.raises(ParameterError, match=r"nobody has woman; values present: female, male"):
        internal.subset(gender="woman")


def test_subset_is_internal_only(public) -> None:
    with pytest.raises(ParameterError, match=r"internal only"):
        public.subset(gender="female")


# --- cohorts side by side ------------------------------------------------------------------------------


def test_compare_puts_cohorts_side_by_side_at_their_latest_common_wave(sample_clean) -> None:
    t = impact.compare(
        sample_clean,
        cohorts=["sukabumi-2023", "bekasi-2024"],
        measures=["registered", "answered", "response_rate"],
    )
    assert [label for _, label, _ in t.rows] == ["sukabumi-2023", "bekasi-2024"]
    assert t.wave == "m6"
    assert "6 months" in t.caption
    assert [c.stat for c in t.columns] == ["n_eligible", "n_responded", "n", "response_rate"]


def test_compare_as_of_a_day_by_a_column(sample_clean) -> None:
    t = impact.compare(
        sample_clean, cohorts=["sukabumi-2023", "bekasi-2024"], wave="m3", as_of="2024-09-15", by="gender"
    )
    assert "as of 2024-09-15" in t.caption
    assert [code for code, _, _ in t.rows][:2] == ["sukabumi-2023|female", "sukabumi-2023|male"]


def test_compare_errors_name_the_valid_choices(sample_clean) -> None:
    with pytest.raises(
        ParameterError, match=r"'m12' is not a wave of bekasi-2024 \(their waves: bekasi-2024: m3, m6\)"
    ):
        impact.compare(sample_clean, cohorts=["sukabumi-2023", "bekasi-2024"], wave="m12")
    with pytest.raises(
        ParameterError, match=r"unknown cohort\(s\) \['jakarta'\]; valid cohorts: bekasi-2024"
    ):
        impact.compare(sample_clean, cohorts=["jakarta"])
    with pytest.raises(ParameterError, match="before bekasi-2024's training"):
        impact.compare(sample_clean, cohorts=["sukabumi-2023", "bekasi-2024"], as_of="2024-01-31", wave="m3")


# --- safe exports ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile(internal) -> results.CohortResults:
    """Internal results whose district names are spreadsheet formulas."""
    p = internal.participants
    evil = p["district"].mask(p["district"] == "Kota Sukabumi", '=HYPERLINK("http://x.example","click")')
    return dataclasses.replace(internal, participants=p.assign(district=evil), _cache={})


def test_internal_xlsx_export_is_marked_neutralised_and_noted(hostile, tmp_path) -> None:
    path = hostile.export(
        {"by_district": hostile.table(by="district"), "people": hostile.participants_view()},
        tmp_path / "x.xlsx",
    )
    wb = load_workbook(path)
    assert wb.sheetnames == ["notes", "by_district", "people"]
    for ws in wb.worksheets:
        assert ws["A1"].value == "INTERNAL — not for publication"
        assert "not for publication" in ws.oddHeader.center.text
        assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)
    assert wb["by_district"]["A3"].value == '\'=HYPERLINK("http://x.example","click")'
    notes = [c.value for c in wb["notes"]["A"]]
    assert "Income recovery — 12 months — by district" in notes
    assert any(str(n).startswith("sukabumi-2023, confederation all") for n in notes)


def test_internal_csv_export_is_marked_and_reads_back(hostile, tmp_path) -> None:
    path = hostile.export(hostile.table(by="district"), tmp_path / "x.csv")
    text = path.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "# INTERNAL — not for publication"
    back = pd.read_csv(path, comment="#", encoding="utf-8-sig")
    assert back.iloc[0, 0] == '\'=HYPERLINK("http://x.example","click")'
    assert back.columns[0] == "Group"
    assert len(back) == 3


def test_public_export_passes_the_annex_audit(public, tmp_path) -> None:
    folder = tmp_path / "reports" / COHORT
    r = with_attendance(public)
    impact.export(
        {"attendance": r.table(by="attendance", wave="all"), "district": r.table(by="district")},
        folder / "indicators_public.xlsx",
        audience="public",
    )
    result = audit_release(tmp_path / "reports")
    assert result.files
    assert result.ok, [f.line() for f in result.findings]
    notes = [c.value for c in load_workbook(folder / "indicators_public.xlsx")["notes"]["A"]]
    assert any(str(n).startswith("c: hidden to protect privacy") for n in notes)


def test_public_export_refuses_what_is_not_protected(internal, tmp_path) -> None:
    with pytest.raises(ParameterError, match="a DataFrame is not disclosure-protected"):
        impact.export(internal.participants_view(), tmp_path / "x.csv", audience="public")
    with pytest.raises(ParameterError, match="export it with audience='internal'"):
        impact.export(internal.table(by="district"), tmp_path / "x.csv", audience="public")
    with pytest.raises(ParameterError, match=r"ending in \.csv or \.xlsx"):
        impact.export(internal.table(), tmp_path / "x.json", audience="internal")
    with pytest.raises(ParameterError, match="a CSV holds one table"):
        impact.export({"a": internal.table(), "b": internal.table()}, tmp_path / "x.csv", audience="internal")


def test_api_is_exported_lazily() -> None:
    assert {"compare", "export"} <= set(impact.__all__)
    assert impact.compare.__module__ == "impact.publish.compare"
    assert impact.export.__module__ == "impact.publish.export"
    assert issubclass(workbench.Stacked, Table)
