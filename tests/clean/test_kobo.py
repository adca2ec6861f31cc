"""Tests for impact.clean.kobo: KoboToolbox exports in every download layout → XML-path frames.

The exports in tests/data/kobo/exports were made by formpack, KoboToolbox's own export library,
from the XLSForms beside them (see tests/data/kobo/make_exports.py and exports/manifest.json).
For every variant, :func:`kobo.to_xml_frame` must give the same cells under the same XML paths as
the plain "XML values and headers" export.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from impact.clean import kobo, survey
from impact.clean.survey import BASELINE_FIELDS, FOLLOWUP_FIELDS
from impact.io.raw import INCOMPLETE, read_survey_file
from impact.io.xlsform import read_xlsform

KOBO = Path(__file__).resolve().parents[1] / "data" / "kobo"
EXPORTS = KOBO / "exports"
MANIFEST = json.loads((EXPORTS / "manifest.json").read_text(encoding="utf-8"))
FORM_FILES = {
    "baseline": "forms/registrasi_peserta.xlsx",
    "followup": "forms/survei_lanjutan.xlsx",
    "bilingual": "forms_bilingual/registrasi_peserta_2bahasa.xlsx",
    "edge": "forms_edge/uji_format.xlsx",
}
CONTRACT = {"baseline": BASELINE_FIELDS, "followup": FOLLOWUP_FIELDS, "bilingual": BASELINE_FIELDS}
# the forms a file is told apart from, by key
RIVALS = {"baseline": "followup", "followup": "baseline", "bilingual": "followup", "edge": "baseline"}
ID, EN = "Bahasa Indonesia (id)", "English (en)"
SOURCES = ["reseller", "wage_job", "informal_trade", "agriculture", "transfers", "none"]


@cache
def form(key: str):
    return read_xlsform(KOBO / FORM_FILES[key])


@cache
def export(file: str) -> pd.DataFrame:
    """An export as the survey reader gives it: text cells, plus source file and row."""
    frame = read_survey_file(EXPORTS / file, file).frame
    return frame.assign(source_file=file, source_row=range(2, 2 + len(frame)))


def _is_reference(e: dict) -> bool:
    return (
        e["lang"] is False
        and e["hierarchy_in_labels"]
        and e["group_sep"] == "/"
        and e["type"] == "csv"
        and e["multiple_select"] == "both"
    )


@cache
def expected(key: str) -> pd.DataFrame:
    """The XML-values export as written by formpack, select_multiple answers in list order."""
    (ref,) = [e for e in MANIFEST if e["form_key"] == key and _is_reference(e)]
    frame = export(ref["file"]).copy()
    # formpack never puts the group path before a geopoint's own column
    frame = frame.rename(columns={"gps": "respondent/gps"})
    order = {name: i for i, name in enumerate([*SOURCES, "other"])}
    for column in ("income/sources", "respondent/sources"):
        if column in frame:
            frame[column] = (
                frame[column].map(lambda v: " ".join(sorted(v.split(), key=order.__getitem__))).astype(object)
            )
    return frame


def compared_columns(key: str) -> list[str]:
    """The contract's fields and option columns; for the edge-case form, every column but metadata."""
    if key == "edge":
        return [c for c in expected(key).columns if not c.startswith(("_", "source_"))]
    fields = [f for f in CONTRACT[key] if f in form(key).paths]
    return [*fields, *(f"income/sources/{o}" for o in SOURCES)]


def _id(e: dict) -> str:
    lang = {False: "xml", None: "labels"}.get(e["lang"], e["lang"][:2] if e["lang"] else "?")
    groups = "groups" if e["hierarchy_in_labels"] else "nogroups"
    typed = "" if e["xls_types_as_text"] else "-typed"
    return f"{e['form_key']}-{lang}-{groups}{e['group_sep']}-{e['multiple_select']}-{e['type']}{typed}"


# --- every formpack variant ----------------------------------------------------------------------


def test_manifest_covers_the_layouts():
    seen = {(e["type"], e["lang"] is False, e["hierarchy_in_labels"], e["group_sep"]) for e in MANIFEST}
    assert len(seen) >= 16
    assert {e["group_sep"] for e in MANIFEST} == {"/", "-", " > "}
    assert {e["multiple_select"] for e in MANIFEST} == {"both", "summary", "details"}
    assert {e["lang"] for e in MANIFEST if e["form_key"] == "bilingual"} == {False, None, ID, EN}
    assert any(" - all versions - labels - 2024-12-02-03-15-" in e["file"] for e in MANIFEST)


@pytest.mark.parametrize("entry", MANIFEST, ids=_id)
def test_every_variant_gives_the_xml_export(entry):
    key = entry["form_key"]
    frame = export(entry["file"])
    out, report = kobo.to_xml_frame(frame, form(key))
    columns = compared_columns(key)
    pd.testing.assert_frame_equal(out[columns], expected(key)[columns])
    assert all(out[c].dtype == object for c in columns)
    assert out["source_row"].tolist() == list(range(2, 2 + len(frame)))
    assert report.unmatched == ()
    # "Labels" of a form with only label::<language> columns writes XML names
    names = entry["lang"] is False or (entry["lang"] is None and None not in form(key).languages)
    assert report.layout == ("names" if names else "labels")
    if report.layout == "labels":
        assert report.language == entry["lang"]
        assert report.hierarchy == entry["hierarchy_in_labels"]
        assert report.group_sep == entry["group_sep"]
    assert report.multiple_select == entry["multiple_select"]
    assert {"_id", "_uuid", "_submission_time", "_index", "start"} <= set(out.columns)
    assert out["_id"].tolist() == expected(key)["_id"].tolist()


@pytest.mark.parametrize("entry", MANIFEST, ids=_id)
def test_identify_form_by_content(entry):
    key = entry["form_key"]
    headers = list(read_survey_file(EXPORTS / entry["file"], entry["file"]).frame.columns)
    chosen, score = kobo.identify_form(headers, [form(RIVALS[key]), form(key)])
    assert chosen is form(key)
    assert score == 1.0
    # a file of another form is refused, with a low score
    none, low = kobo.identify_form(headers, [form(RIVALS[key])])
    assert none is None
    assert low < 0.35


def test_identify_form_refuses_other_files():
    sales = ["order_id", "order_time", "reseller_id", "status", "gross_amount", "reseller_commission"]
    forms = [form("baseline"), form("followup")]
    assert kobo.identify_form(sales, forms) == (None, 0.0)
    assert kobo.identify_form(["_id", "_uuid", "start"], forms) == (None, 0.0)
    assert kobo.identify_form(["participant_code"], []) == (None, 0.0)


def test_header_key():
    assert kobo.header_key("\ufeff Data  Responden/Nama\xa0lengkap\n ") == "data responden/nama lengkap"
    assert kobo.header_key(None) == "none"


def test_values_not_in_choices_are_reported_and_kept():
    for e in MANIFEST:
        if e["form_key"] not in ("baseline", "bilingual") or e["multiple_select"] == "details":
            continue
        out, report = kobo.to_xml_frame(export(e["file"]), form(e["form_key"]))
        assert report.not_in_choices == {"cohort": {"jakarta-2022": 1}, "union/confederation": {"kspsi": 1}}
        assert out["cohort"].tolist()[4:] == ["jakarta-2022", ""]
    labels = next(e for e in MANIFEST if e["form_key"] == "followup" and e["lang"] is None)
    out, report = kobo.to_xml_frame(export(labels["file"]), form("followup"))
    assert report.not_in_choices == {"wave": {"3 bulan": 1}}
    assert out["wave"].tolist() == ["m3", "m3", "m6", "m3", "m12", "3 bulan"]
    assert out["reseller/still_active"].tolist() == ["ya", "tidak", "ya", "ya", "tidak", "ya"]


def test_report_as_dict_is_json_ready():
    e = next(e for e in MANIFEST if e["form_key"] == "baseline" and e["lang"] is None)
    _, report = kobo.to_xml_frame(export(e["file"]), form("baseline"))
    d = json.loads(json.dumps(report.as_dict()))
    assert d["form_id"] == "registrasi_peserta"
    assert d["layout"] == "labels"
    assert d["not_in_choices"]["cohort"] == {"jakarta-2022": 1}


def test_output_feeds_resolve_columns_the_same_for_every_layout():
    """What the survey cleaning reads next is the same whichever layout the export came in."""
    resolved = []
    for e in MANIFEST:
        if e["form_key"] != "baseline":
            continue
        out, _ = kobo.to_xml_frame(export(e["file"]), form("baseline"))
        frame, _ = survey.resolve_columns(
            out, fields=survey.BASELINE_FIELDS, required=survey.BASELINE_REQUIRED, file="survey/x.csv"
        )
        resolved.append(frame.drop(columns=["source_file", "start", "end", "_submission_time"]))
    for frame in resolved[1:]:
        pd.testing.assert_frame_equal(frame, resolved[0])
    assert resolved[0]["respondent/gender"].tolist() == ["P", "L", "P", "L", "P", "L"]
    assert resolved[0]["union/confederation"].tolist()[:2] == ["kspn", "other"]


def test_edge_form_parts_or_other_nested_groups_and_repeats():
    e = next(e for e in MANIFEST if e["form_key"] == "edge" and e["type"] == "xlsx")
    raw = read_survey_file(EXPORTS / e["file"], e["file"])
    assert raw.notes["sheets"] == ["Uji Format Kobo", "children"]  # the repeat's sheet is not read
    m = kobo.map_headers(raw.frame.columns, form("edge"))
    paths = dict(zip(m.headers, m.paths, strict=True))
    assert paths["Home location"] == "respondent/gps"  # formpack puts no group before it
    assert paths["Respondent/_Home location_latitude"] == "respondent/_gps_latitude"
    assert paths["Respondent/ID card photo_URL"] == "respondent/photo_URL"
    assert paths["Respondent/Income sources/other"] == "respondent/sources/other"
    assert paths["Respondent/gender_other"] == "respondent/gender_other"
    assert paths["Respondent/household/Household size"] == "respondent/household/size"
    assert paths["today"] == "today"
    assert m.unmatched == ()
    out, _ = kobo.to_xml_frame(raw.frame, form("edge"))
    assert out["respondent/gender"].tolist() == ["other", "P"]
    assert out["respondent/sources"].tolist() == ["reseller other", "wage_job"]
    assert "children/child_name" not in out


# --- headers -----------------------------------------------------------------------------------------


def _mapping(headers, key="baseline"):
    m = kobo.map_headers(headers, form(key))
    return dict(zip(m.headers, m.paths, strict=True)), m


def test_label_headers_with_groups_and_option_columns():
    paths, m = _mapping(
        [
            "Kode peserta (contoh: SKB23-001)",
            "Data responden-Kabupaten/kota",
            "Pendapatan saat ini-Sumber pendapatan",
            "Pendapatan saat ini-Sumber pendapatan-Reseller / dropship",
            "Pendapatan saat ini-Sumber pendapatan-Tidak ada",
            "Serikat pekerja-Federasi / serikat",
        ]
    )
    assert list(paths.values()) == [
        "participant_code",
        "respondent/district",
        "income/sources",
        "income/sources/reseller",
        "income/sources/none",
        "union/federation",
    ]
    assert (m.layout, m.language, m.hierarchy, m.group_sep) == ("labels", None, True, "-")
    assert m.kinds[3] == "option"
    assert m.fields[3] == "income/sources"
    assert m.options[3] == "reseller"


def test_other_group_separator_is_detected():
    headers = [
        "Data responden :: Nama lengkap",
        "Data responden :: Jenis kelamin",
        "Serikat pekerja :: Konfederasi",
        "Pendapatan saat ini :: Sumber pendapatan",
        "Pendapatan saat ini :: Sumber pendapatan :: Pertanian",
    ]
    paths, m = _mapping(headers)
    assert list(paths.values()) == [
        "respondent/full_name",
        "respondent/gender",
        "union/confederation",
        "income/sources",
        "income/sources/agriculture",
    ]
    assert m.group_sep == " :: "


def test_english_labels_of_the_bilingual_form():
    paths, m = _mapping(
        ["Respondent/Sex", "Current income/Income sources/none", "training/Sessions attended (0-3)"],
        "bilingual",
    )
    assert list(paths.values()) == ["respondent/gender", "income/sources/none", "training/sessions_attended"]
    assert (m.layout, m.language) == ("labels", EN)


def test_xml_names_odk_central_and_without_groups():
    paths, m = _mapping(
        [
            "SubmissionDate",
            "participant_code",
            "respondent-gender",
            "income-sources",
            "income-sources/reseller",
            "meta-instanceID",
            "KEY",
        ]
    )
    assert list(paths.values()) == [
        "SubmissionDate",
        "participant_code",
        "respondent/gender",
        "income/sources",
        "income/sources/reseller",
        "meta/instanceID",
        "KEY",
    ]
    assert m.kinds == ("meta", "field", "field", "field", "option", "meta", "meta")
    paths, m = _mapping(["gender", "sources", "sources/wage_job", "sessions_attended"])
    assert list(paths.values()) == [
        "respondent/gender",
        "income/sources",
        "income/sources/wage_job",
        "training/sessions_attended",
    ]
    assert (m.layout, m.hierarchy) == ("names", False)


def test_case_whitespace_and_bom_are_ignored():
    paths, _ = _mapping(["\ufeffKODE PESERTA (contoh: SKB23-001) ", "data  responden/JENIS kelamin", " _ID "])
    assert list(paths.values()) == ["participant_code", "respondent/gender", "_id"]


def test_duplicate_labels_resolved_by_column_order_and_reported():
    headers = [
        "Bulanan (Rp)",
        "Sumber pendapatan",
        "Harian (Rp)",
        "Mingguan (Rp)",
        "Bulanan (Rp)",
        "Tahunan (Rp)",
    ]
    m = kobo.map_headers(headers, form("baseline"))
    assert m.paths == (
        "income/current_monthly",
        "income/sources",
        "targets/daily",
        "targets/weekly",
        "targets/monthly",
        "targets/yearly",
    )
    assert sum("from its position" in n for n in m.notes) == 2
    # alone, the second field is used when the first comes later in the file
    m = kobo.map_headers(["Mingguan (Rp)", "Bulanan (Rp)", "Tahunan (Rp)"], form("baseline"))
    assert m.paths[1] == "targets/monthly"
    # a third copy has nowhere to go: left out, and said so
    m = kobo.map_headers(["Bulanan (Rp)"] * 3, form("baseline"))
    assert m.paths[2] is None
    assert any("left out" in n for n in m.notes)


def test_unmatched_and_passthrough_columns():
    headers = ["participant_code", "Catatan enumerator", "source_file", "source_row", INCOMPLETE, ""]
    m = kobo.map_headers(headers, form("baseline"))
    assert m.paths == ("participant_code", None, "source_file", "source_row", INCOMPLETE, None)
    assert m.unmatched == ("Catatan enumerator", "")
    frame = pd.DataFrame([["SKB23-001", "baik", "f.csv", 2, "", ""]], columns=headers)
    out, report = kobo.to_xml_frame(frame, form("baseline"))
    assert out.columns.tolist() == [
        "participant_code",
        "Catatan enumerator",
        "source_file",
        "source_row",
        INCOMPLETE,
    ]
    assert report.unmatched == ("Catatan enumerator", "")


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.one_of(st.text(max_size=40), st.sampled_from(["Bulanan (Rp)", "sources", "_id", "a/b/c"])))
)
def test_map_headers_never_raises(headers):
    for key in ("baseline", "bilingual"):
        m = kobo.map_headers(headers, form(key))
        assert len(m.paths) == len(headers) == len(m.kinds)
        assert 0.0 <= m.score <= 1.0
        assert (
            len({p for p, k in zip(m.paths, m.kinds, strict=True) if k in ("field", "option")}) == m.matched
        )
    kobo.label_export_hint(headers)


# --- choice values ---------------------------------------------------------------------------------------


def test_choice_names_select_one_any_language():
    f = form("bilingual")
    gender = f.field("respondent/gender")
    values = pd.Series(["Perempuan", "male", " LAKI-LAKI ", "P", "", None, "X"], index=list("abcdefg"))
    out = kobo.choice_names(values, gender, f)
    assert out.index.tolist() == list("abcdefg")
    assert out["value"].tolist() == ["P", "L", "L", "P", "", "", "X"]
    assert out["issue"].isna().tolist() == [True] * 6 + [False]
    assert out.loc["g", "issue"] == "not_in_choices"
    assert out.loc["g", "reason"] == "'X' is neither a name nor a label of the choices"


def test_choice_names_select_multiple_labels_with_spaces():
    f = form("bilingual")
    sources = f.field("income/sources")
    values = pd.Series(
        [
            "Pertanian Reseller / dropship",
            "Wage job Transfers / assistance none",
            "reseller wage_job",
            "Tidak ada",
            "Dagang informal bogus",
            "",
        ]
    )
    out = kobo.choice_names(values, sources, f)
    assert out["value"].tolist() == [
        "reseller agriculture",
        "wage_job transfers none",
        "reseller wage_job",
        "none",
        "informal_trade bogus",
        "",
    ]
    assert out["issue"].isna().tolist() == [True, True, True, True, False, True]
    assert out.loc[4, "issue"] == "not_in_choices"


def test_choice_names_looks_each_distinct_value_up_once(monkeypatch):
    calls = []
    real = kobo.choices._one

    def counting(value, index, prefer):
        calls.append(value)
        return real(value, index, prefer)

    monkeypatch.setattr(kobo.choices, "_one", counting)
    f = form("baseline")
    values = pd.Series(["Perempuan", "Laki-laki", ""] * 10_000)
    out = kobo.choice_names(values, f.field("respondent/gender"), f)
    assert sorted(calls) == ["", "Laki-laki", "Perempuan"]
    assert out["value"].value_counts().to_dict() == {"P": 10_000, "L": 10_000, "": 10_000}


def test_choice_names_of_a_field_without_choices_is_unchanged():
    f = form("baseline")
    values = pd.Series(["SKB23-001", None])
    out = kobo.choice_names(values, f.field("participant_code"), f)
    assert out["value"].tolist() == ["SKB23-001", ""]
    assert out["issue"].isna().all()


def _all_labels():
    out = []
    for key in ("baseline", "followup", "bilingual"):
        f = form(key)
        for field in f.fields:
            for choice in f.choices_of(field):
                for lang, label in choice.labels.items():
                    out.append((key, field.path, choice.name, lang, label))
    return out


LABELS = _all_labels()


@settings(max_examples=25, deadline=None)
@given(
    st.sampled_from(LABELS),
    st.sampled_from([str, str.upper, str.lower, lambda s: f"  {s} ", lambda s: s.replace(" ", "  ")]),
)
def test_choice_names_maps_every_label_back(item, spelling):
    key, path, name, _, label = item
    f = form(key)
    out = kobo.choice_names(pd.Series([spelling(label), name]), f.field(path), f, prefer="labels")
    assert out["value"].tolist() == [name, name]
    assert out["issue"].isna().all()


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(range(len(SOURCES))), unique=True), st.sampled_from([None, ID, EN, "names"]))
def test_choice_names_splits_any_selection_of_labels(picked, lang):
    f = form("bilingual")
    field = f.field("income/sources")
    options = f.choices_of(field)
    words = [
        o.name if lang == "names" else (o.labels.get(lang) or o.name) for o in (options[i] for i in picked)
    ]
    out = kobo.choice_names(pd.Series([" ".join(words)]), field, f)
    assert out["value"].iloc[0] == " ".join(SOURCES[i] for i in sorted(picked))
    assert out["issue"].isna().all()


# --- select_multiple columns -----------------------------------------------------------------------------


def test_summary_rebuilt_from_label_or_blank_option_columns():
    f = form("baseline")
    frame = pd.DataFrame(
        {
            "participant_code": ["A", "B", "C"],
            "sources/reseller": ["Reseller / dropship", "", ""],
            "sources/agriculture": ["Pertanian", "", "0"],
            "sources/none": ["", "", "1"],
        }
    )
    out, report = kobo.to_xml_frame(frame, f)
    assert out["income/sources"].tolist() == ["reseller agriculture", "", "none"]
    assert out["income/sources/reseller"].tolist() == ["1", "", "0"]
    assert out["income/sources/wage_job"].tolist() == ["0", "", "0"]
    assert report.multiple_select == "details"


def test_option_columns_derived_from_the_summary_and_odd_cells_reported():
    f = form("baseline")
    frame = pd.DataFrame({"income/sources": ["Pertanian Tidak ada", ""], "income/sources/none": ["2", ""]})
    out, report = kobo.to_xml_frame(frame, f)
    assert out["income/sources"].tolist() == ["agriculture none", ""]
    assert out["income/sources/agriculture"].tolist() == ["1", ""]
    assert any("neither 0/1 nor the option" in n for n in report.notes)
    assert any("disagree with the summary" in n for n in report.notes)


# --- without a form ------------------------------------------------------------------------------------


def test_label_export_hint():
    labels = next(e for e in MANIFEST if e["form_key"] == "baseline" and e["lang"] is None)
    hint = kobo.label_export_hint(export(labels["file"]).columns)
    assert hint is not None
    assert "\n" not in hint
    assert hint.startswith("looks like a Kobo export with labels as headers")
    assert "survey/forms/" in hint
    assert "XML values and headers" in hint
    xml = next(e for e in MANIFEST if e["form_key"] == "baseline" and e["lang"] is False)
    assert kobo.label_export_hint(export(xml["file"]).columns) is None
    assert kobo.label_export_hint(["participant_code", "gender", "Nama lengkap"]) is None
    assert kobo.label_export_hint([]) is None
