"""Kobo downloads as they come, through the whole cleaning: raw folders of real formpack exports
(``tests/data/kobo``) in every layout, named as Kobo names them, with the form definitions in
``survey/forms/`` — and the one clear error when the form definition is missing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from impact.clean import clean
from impact.cli import main
from impact.errors import InputError

KOBO = Path(__file__).resolve().parents[1] / "data" / "kobo"
MANIFEST = json.loads((KOBO / "exports" / "manifest.json").read_text())


def _export(form: str, **layout) -> str:
    """The fixture file of ``form`` (a path under tests/data/kobo) in the layout asked for."""
    want = {
        "type": "xlsx",
        "lang": None,
        "hierarchy_in_labels": True,
        "group_sep": "/",
        "multiple_select": "both",
        "xls_types_as_text": True,
    } | layout
    hits = [e["file"] for e in MANIFEST if e["form"] == form and all(e[k] == v for k, v in want.items())]
    assert len(hits) == 1, (form, layout, hits)
    return hits[0]


def _folder(root: Path, baseline: tuple[str, str], followup: tuple[str, str] | None, *, forms=True) -> Path:
    raw = root / "raw"
    (raw / "survey" / "forms").mkdir(parents=True)
    for form, name in (baseline, *((followup,) if followup else ())):
        shutil.copy(KOBO / "exports" / name, raw / "survey" / name)
        if forms:
            shutil.copy(KOBO / form, raw / "survey" / "forms" / Path(form).name)
    (raw / "SYNTHETIC_SAMPLE.txt").write_text("fake people\n")
    return raw


BASE, FOLLOW = "forms/registrasi_peserta.xlsx", "forms/survei_lanjutan.xlsx"
BILINGUAL = "forms_bilingual/registrasi_peserta_2bahasa.xlsx"
VARIANTS = {
    "labels xlsx (Kobo's default)": {},
    "labels csv": {"type": "csv"},
    "labels, groups joined by '-'": {"group_sep": "-"},
    "labels without group names": {"hierarchy_in_labels": False},
    "labels, select_multiple as option columns only": {
        "multiple_select": "details",
        "hierarchy_in_labels": False,
    },
    "labels csv, select_multiple summary only, '-'": {
        "type": "csv",
        "multiple_select": "summary",
        "group_sep": "-",
    },
    "labels xlsx with typed cells": {"xls_types_as_text": False},
    "XML values with Kobo's file name": {"lang": False},
}


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The same submissions downloaded as 'XML values and headers' (what the suite always read)."""
    root = tmp_path_factory.mktemp("xml")
    raw = _folder(root, (BASE, _export(BASE, lang=False)), (FOLLOW, _export(FOLLOW, lang=False)), forms=False)
    return clean(raw)


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_every_kobo_download_cleans_to_the_same_tables(variant, reference, tmp_path):
    layout = VARIANTS[variant]
    raw = _folder(tmp_path, (BASE, _export(BASE, **layout)), (FOLLOW, _export(FOLLOW, **layout)))
    data = clean(raw)
    pd.testing.assert_frame_equal(data.participants, reference.participants)
    pd.testing.assert_frame_equal(data.followups, reference.followups)
    kinds = {name: f["kind"] for name, f in data.audit["files"].items()}
    assert sorted(kinds.values()) == ["baseline", "followup"]
    assert all(" - all versions - " in name for name in kinds)


@pytest.mark.parametrize("language", ["Bahasa Indonesia (id)", "English (en)"])
def test_a_two_language_form_in_either_language(language, reference, tmp_path):
    raw = _folder(tmp_path, (BILINGUAL, _export(BILINGUAL, lang=language)), (FOLLOW, _export(FOLLOW)))
    data = clean(raw)
    pd.testing.assert_frame_equal(data.participants, reference.participants)
    [baseline] = [f for f in data.audit["files"].values() if f["kind"] == "baseline"]
    assert baseline["kobo"]["language"] == language
    assert baseline["kobo"]["layout"] == "labels"


def test_answers_not_in_the_form_are_reported_in_the_audit(tmp_path):
    raw = _folder(tmp_path, (BASE, _export(BASE)), (FOLLOW, _export(FOLLOW)))
    files = clean(raw).audit["files"]
    reported = {k: v for f in files.values() for k, v in f["kobo"]["not_in_choices"].items()}
    assert reported  # the fixtures hold answers typed outside the form's choices
    assert all(isinstance(n, int) for counts in reported.values() for n in counts.values())


def test_a_label_export_without_its_form_gets_one_clear_error(tmp_path, capsys):
    raw = _folder(tmp_path, (BASE, _export(BASE)), None, forms=False)
    with pytest.raises(
        InputError, match=r"looks like a Kobo export with labels as headers.*survey/forms/"
    ) as err:
        clean(raw)
    assert str(err.value).startswith("survey/Registrasi Peserta Promise II - all versions - labels - ")
    assert main(["check", str(raw)]) == 2
    assert str(err.value) in capsys.readouterr().err
    assert main(["clean", str(raw), "--out", str(tmp_path / "out")]) == 2
    assert str(err.value) in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_check_reports_each_file_and_its_form(tmp_path, capsys):
    raw = _folder(tmp_path, (BASE, _export(BASE)), (FOLLOW, _export(FOLLOW, type="csv")))
    assert main(["check", str(raw)]) == 0
    out = capsys.readouterr().out
    assert "baseline  survey/Registrasi Peserta Promise II - all versions - labels" in out
    assert "labels export of form" in out
    assert "followup  survey/Survei Lanjutan Promise II - all versions - labels" in out
