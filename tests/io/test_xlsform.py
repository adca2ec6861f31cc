"""Tests for impact.io.xlsform: reading XLSForm definitions (fixtures in tests/data/kobo/forms*)."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from impact.errors import InputError
from impact.io.xlsform import FORMS_DIR, list_forms, read_forms, read_xlsform

KOBO = Path(__file__).resolve().parents[1] / "data" / "kobo"
BASELINE = KOBO / "forms" / "registrasi_peserta.xlsx"
FOLLOWUP = KOBO / "forms" / "survei_lanjutan.xlsx"
BILINGUAL = KOBO / "forms_bilingual" / "registrasi_peserta_2bahasa.xlsx"
ID, EN = "Bahasa Indonesia (id)", "English (en)"


def write_form(
    path: Path, survey: list[list], choices: list[list] | None = None, settings: list[list] | None = None
):
    """A small XLSForm: each sheet given as rows, the first row the header."""
    wb = Workbook()
    ws = wb.active
    ws.title = "survey"
    for row in survey:
        ws.append(row)
    for title, rows in (("choices", choices), ("settings", settings)):
        if rows is not None:
            sheet = wb.create_sheet(title)
            for row in rows:
                sheet.append(row)
    wb.save(path)
    return path


# --- the fixtures --------------------------------------------------------------------------------


def test_baseline_form_settings_fields_and_groups():
    form = read_xlsform(BASELINE)
    assert (form.form_id, form.title, form.version) == (
        "registrasi_peserta",
        "Registrasi Peserta Promise II",
        "2 (2023-08-01 10:00:00)",
    )
    assert form.source == "registrasi_peserta.xlsx"
    assert form.languages == (None,)
    assert form.default_language is None
    assert form.paths[:6] == ("start", "end", "intro", "participant_code", "cohort", "respondent/full_name")
    assert form.paths[-1] == "__version__"
    code = form.field("participant_code")
    assert code.type == "text"
    assert code.labels == {None: "Kode peserta (contoh: SKB23-001)"}
    assert code.groups == ()
    assert code.repeat is None
    assert code.row == 5
    gender = form.field("respondent/gender")
    assert (gender.type, gender.list_name, gender.base_type) == ("select_one gender", "gender", "select_one")
    assert gender.is_select_one
    assert not gender.is_select_multiple
    assert gender.groups == ("respondent",)
    assert gender.group_labels == ({None: "Data responden"},)
    sources = form.field("income/sources")
    assert sources.is_select_multiple
    assert sources.list_name == "income_source"
    assert [c.name for c in form.choices_of(sources)] == [
        "reseller",
        "wage_job",
        "informal_trade",
        "agriculture",
        "transfers",
        "none",
    ]
    assert form.choices_of(gender)[1].labels == {None: "Perempuan"}
    assert form.field("intro").type == "note"
    assert form.field("__version__").type == "calculate"
    assert form.choices_of(code) == ()
    assert form.repeats == ()


def test_followup_form():
    form = read_xlsform(FOLLOWUP, "survey/forms/survei_lanjutan.xlsx")
    assert form.source == "survey/forms/survei_lanjutan.xlsx"
    assert form.form_id == "survei_lanjutan"
    assert "__version__" not in form.paths
    assert [c.name for c in form.choices_of(form.field("wave"))] == ["m3", "m6", "m12"]
    assert form.field("reseller/still_active").list_name == "yes_no"


def test_bilingual_form_languages_and_missing_labels():
    form = read_xlsform(BILINGUAL)
    assert form.languages == (ID, EN)
    assert form.default_language == ID
    sessions = form.field("training/sessions_attended")
    assert sessions.labels == {ID: "Jumlah sesi yang dihadiri (0–3)", EN: "Sessions attended (0-3)"}
    assert sessions.group_labels == ({ID: "Pelatihan"},)  # no English label for the group
    none = form.choices_of(form.field("income/sources"))[-1]
    assert none.name == "none"
    assert none.labels == {ID: "Tidak ada"}


# --- hand-made forms ---------------------------------------------------------------------------------


def test_default_language_from_settings_and_plain_label(tmp_path):
    path = write_form(
        tmp_path / "f.xlsx",
        [
            ["type", "name", "label", "label::English (en)", "hint::Français (fr)"],
            ["text", "q", "Tanya", "Ask", ""],
        ],
        [["list_name", "name", "label"]],
        [["form_id", "default_language"], ["f", "English"]],
    )
    form = read_xlsform(path)
    assert form.languages == (None, EN, "Français (fr)")
    assert form.default_language == EN
    assert form.field("q").labels == {None: "Tanya", EN: "Ask"}


def test_default_language_falls_back_to_first(tmp_path):
    path = write_form(
        tmp_path / "f.xlsx",
        [["type", "name", "label::English (en)", "label::Bahasa (id)"], ["text", "q", "Ask", "Tanya"]],
        settings=[["default_language"], ["Deutsch (de)"]],
    )
    assert read_xlsform(path).default_language == EN


def test_aliases_or_other_repeats_and_numbers_as_text(tmp_path):
    path = write_form(
        tmp_path / "f.xlsx",
        [
            ["type", "name", "label", "disabled"],
            ["begin group", "hh", "Rumah tangga"],
            ["select one yn or_other", "own", "Punya?"],
            ["select all that apply yn", "many", "Banyak"],
            ["begin repeat", "member", "Anggota"],
            ["integer", "age", "Umur"],
            ["end repeat"],
            ["text", "gone", "Dimatikan", "yes"],
            ["end group"],
            ["select_one ${own}", "dyn", "Dinamis"],
            ["select_one_from_file places.csv", "place", "Tempat"],
            ["begin_kobomatrix yn", "grid", "Matriks"],
            ["integer", "cell", "Sel"],
            ["end_kobomatrix"],
        ],
        [["list name", "name", "label"], ["yn", 1, "Ya"], ["yn", 2.0, "Tidak"]],
        [["version", "form_title"], [7.0, "Formulir"]],
    )
    form = read_xlsform(path)
    assert form.version == "7"
    assert form.title == "Formulir"
    assert form.paths == ("hh/own", "hh/own_other", "hh/many", "hh/member/age", "dyn", "place", "grid/cell")
    own = form.field("hh/own")
    assert own.type == "select_one yn"
    assert own.or_other
    assert [c.name for c in form.choices_of(own)] == ["1", "2", "other"]
    assert form.field("hh/own_other").type == "text"
    assert form.field("hh/many").type == "select_multiple yn"
    assert form.field("hh/member/age").repeat == "hh/member"
    assert form.repeats == ("hh/member",)
    assert form.field("dyn").list_name == "${own}"
    assert form.choices_of(form.field("dyn")) == ()
    assert form.field("place").type == "select_one_from_file places.csv"
    assert form.field("place").list_name is None


@pytest.mark.parametrize(
    ("survey", "message"),
    [
        ([["type", "name"], ["", "q"]], "sheet 'survey' row 2: field 'q' has no type"),
        ([["type", "name"], ["text", ""]], "sheet 'survey' row 2: a 'text' row has no name"),
        ([["type", "name"], ["select_one nope", "q"]], "row 2: field 'q' uses list 'nope'"),
        ([["type", "name"], ["text", "a"], ["end_group", ""]], "row 3: end_group without a matching begin"),
        ([["type", "name"], ["begin_group", "g"], ["text", "a"]], "row 2: begin_group 'g' has no end_group"),
        (
            [["type", "name"], ["begin_group", "g"], ["end_repeat", ""]],
            "row 3: end_repeat closes begin_group 'g'",
        ),
        ([["type", "name"], ["text", "a"], ["text", "a"]], "row 3: 'a' is already defined in row 2"),
        ([["name"], ["a"]], "sheet 'survey' has no 'type' column"),
    ],
)
def test_bad_survey_rows_name_file_sheet_and_row(tmp_path, survey, message):
    path = write_form(tmp_path / "bad.xlsx", survey, [["list_name", "name", "label"], ["yn", "1", "Ya"]])
    with pytest.raises(InputError, match=r"^survey/forms/bad\.xlsx: ") as e:
        read_xlsform(path, "survey/forms/bad.xlsx")
    assert message in str(e.value)


def test_bad_choices_rows(tmp_path):
    path = write_form(
        tmp_path / "c.xlsx", [["type", "name"], ["text", "a"]], [["list_name", "name"], ["", "x"]]
    )
    with pytest.raises(InputError, match=r"c.xlsx: sheet 'choices' row 2: choice 'x' has no list_name"):
        read_xlsform(path)


def test_not_an_xlsform(tmp_path):
    text = tmp_path / "form.xlsx"
    text.write_text("type,name\ntext,a\n")
    with pytest.raises(InputError, match=r"form.xlsx: not a valid XLSX file \(not a zip archive\)"):
        read_xlsform(text)
    wb = Workbook()
    wb.active.title = "data"
    wb.save(tmp_path / "data.xlsx")
    with pytest.raises(InputError, match=r"data.xlsx: no 'survey' sheet \(sheets: 'data'\)"):
        read_xlsform(tmp_path / "data.xlsx")


def test_list_and_read_forms(tmp_path):
    assert list_forms(tmp_path) == []
    folder = tmp_path / FORMS_DIR
    folder.mkdir(parents=True)
    survey = [["type", "name", "label"], ["text", "q", "Q"]]
    for name in ("b.xlsx", "A.XLSX", ".hidden.xlsx", "~$b.xlsx"):
        write_form(folder / name, survey)
    (folder / "notes.txt").write_text("not a form")
    assert [p.name for p in list_forms(tmp_path)] == ["A.XLSX", "b.xlsx"]
    assert [f.source for f in read_forms(tmp_path)] == ["survey/forms/A.XLSX", "survey/forms/b.xlsx"]
