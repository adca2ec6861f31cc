"""Hardening: a corpus of broken raw inputs, safe outputs, fuzzed cleaning and spreadsheet-safe CSVs.

The corpus lives in ``tests/data/bad/<case>/raw`` and is written by ``tests/data/bad/make_corpus.py``;
each case below asserts its exact outcome: it cleans (with these quarantine entries and audit
counts), or ``impact clean`` fails with one line on stderr and exit code 2, writing nothing.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from impact.cli import main
from impact.io import InputError, remove_stale_siblings
from impact.io.formulas import FORMULA_START, neutralise_formulas

BAD = Path(__file__).resolve().parents[1] / "data" / "bad"
B, F, S = "survey/baseline_sukabumi-2023.csv", "survey/followup_sukabumi-2023.csv", "sales/orders_2023-10.csv"
BX = B.replace(".csv", ".xlsx")
INCOMPLETE = "incomplete row (file cut off?)"
OUTPUTS = (
    "audit.json",
    "comparison.parquet",
    "comparison_followups.parquet",
    "followups.parquet",
    "lineage/comparison.parquet",
    "lineage/comparison_followups.parquet",
    "lineage/followups.parquet",
    "lineage/orders.parquet",
    "lineage/participants.parquet",
    "orders.parquet",
    "participants.parquet",
    "programme.json",
    "quarantine.csv",
    "reseller_monthly.parquet",
    "review.csv",
)


def _corpus():
    spec = importlib.util.spec_from_file_location("make_corpus", BAD / "make_corpus.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


corpus = _corpus()

#: case -> the one stderr line of `impact clean` (exit code 2)
FAILS = {
    "empty_file": f"{B}: file is empty",
    "wrong_delimiter": f"{B}: the header is separated by '|' — export with ';', ',' or tab",
    "duplicated_header": f"{B}: column 'respondent/gender' appears more than once in the header",
    "missing_required": f"{F}: missing required column(s) income/total_last_month; found: start, "
    "participant_code, wave, respondent/phone, income/reseller_last_month, reseller/still_active, "
    "employment/reemployed, _submission_time",
    "cut_in_quoted_field": f"{F}: row 4 (line 4): a quoted field is never closed — the file looks cut off; "
    "export it again",
    "zip_bomb_xlsx": f"{BX}: XLSX would inflate to 120,000,054 bytes from 116,704 (1,028:1) — refusing (zip bomb?)",
    "xlsx_not_zip": f"{BX}: not a valid XLSX file (not a zip archive)",
    "xlsx_broken_sheet": f"{BX}: sheet cannot be read (unclosed token: line 1, column 2118)",
}

#: case -> ({file: (read, clean, quarantined, duplicate, cells set missing)}, quarantine rows, audit notes)
#: files not listed are the untouched base: baseline 3, follow-up 3, orders 5 rows, all clean
CLEANS = {
    "header_only": ({F: (0, 0, 0, 0, 0)}, [], {}),
    "cp1252": ({}, [], {B: {"encoding": "cp1252"}}),
    "utf8_bom": ({}, [], {B: {"encoding": "utf-8", "delimiter": ";"}}),
    "unknown_columns": ({}, [], {B: {"unknown_columns": 2}}),
    "xlsx_chart_sheet": ({BX: (3, 3, 0, 0, 0)}, [], {BX: {"format": "xlsx", "sheet": "Registrasi peserta"}}),
    "nul_bytes": ({}, [], {B: {"nul_bytes_removed": 3}}),
    "cut_after_delimiter": (
        {F: (3, 2, 1, 0, 0)},
        [(F, 4, "income/total_last_month", "", INCOMPLETE)],
        {},
    ),
    "formula_text": (
        {B: (3, 3, 0, 0, 1)},
        [(B, 3, "income/current_monthly", "'=1+1", "monthly income: not a rupiah amount")],
        {},
    ),
    "absurd_amounts": (
        {B: (3, 3, 0, 0, 3)},
        [
            (B, 2, "employment/last_monthly_wage", "'-500000", "monthly wage: negative amount"),
            (B, 3, "income/current_monthly", "Rp 1e15", "monthly income: above Rp 100.000.000"),
            (B, 4, "employment/last_monthly_wage", "1000000000000000", "monthly wage: above Rp 100.000.000"),
        ],
        {},
    ),
    "extreme_dates": (
        {B: (3, 3, 0, 0, 2), F: (3, 3, 0, 0, 1)},
        [
            (B, 2, "employment/layoff_date", "1900-01-01", "layoff date: date before 2015-01-01"),
            (B, 3, "employment/layoff_date", "2100-06-30", "layoff date: date after 2025-12-31"),
            (F, 4, "interview_date", "2023-08-15", "interview date before the cohort's training month"),
        ],
        {},
    ),
    "conflicting_duplicate": ({B: (4, 3, 0, 1, 0)}, [], {}),
    "unknown_resellers": ({S: (7, 7, 0, 0, 0)}, [], {}),
    "bad_participant_codes": (
        {B: (3, 1, 2, 0, 0), F: (3, 1, 2, 0, 0)},
        [
            (
                B,
                2,
                "participant_code",
                "SKB-23-1X",
                "no participant code: not a participant code like SKB23-007",
            ),
            (
                B,
                4,
                "participant_code",
                "peserta tiga",
                "no participant code: not a participant code like SKB23-007",
            ),
            (
                F,
                2,
                "participant_code",
                "SKB23-001",
                "unknown participant code, and the phone matches no participant",
            ),
            (
                F,
                4,
                "participant_code",
                "SKB23-003",
                "unknown participant code, and the phone matches no participant",
            ),
        ],
        {},
    ),
}


def test_every_corpus_case_has_an_expected_outcome():
    cases = {p.name for p in BAD.iterdir() if p.is_dir()}
    assert cases == set(corpus.CASES) == set(FAILS) | set(CLEANS)


@pytest.mark.parametrize("case", sorted(set(corpus.CASES) - {"zip_bomb_xlsx"}))
def test_corpus_file_matches_its_generator(case, tmp_path):
    """The committed corpus is exactly what make_corpus.py writes (deterministic)."""
    raw = corpus.write_case(tmp_path, corpus.CASES[case]())
    got = {p.relative_to(raw).as_posix(): p.read_bytes() for p in sorted(raw.rglob("*")) if p.is_file()}
    want = {
        p.relative_to(BAD / case / "raw").as_posix(): p.read_bytes()
        for p in sorted((BAD / case / "raw").rglob("*"))
        if p.is_file()
    }
    assert got == want


@pytest.mark.parametrize("case", sorted(FAILS))
def test_broken_input_fails_with_one_line_and_writes_nothing(case, tmp_path, capsys):
    out = tmp_path / "processed"
    out.mkdir()
    (out / "previous.txt").write_text("previous run")
    assert main(["clean", str(BAD / case / "raw"), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.splitlines() == [f"impact: error: {FAILS[case]}"]
    assert "Traceback" not in err
    assert [p.name for p in out.iterdir()] == ["previous.txt"]
    assert (out / "previous.txt").read_text() == "previous run"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["processed"]  # no temporary sibling left


def _check_clean(raw: Path, out: Path, counts: dict, entries: list, notes: dict) -> dict:
    assert main(["clean", str(raw), "--out", str(out)]) == 0
    audit = json.loads((out / "audit.json").read_text())
    base = {B: (3, 3, 0, 0, 0), F: (3, 3, 0, 0, 0), S: (5, 5, 0, 0, 0)}
    if BX in counts:
        base.pop(B)
    want = base | counts
    keys = ("rows_read", "rows_clean", "rows_quarantined", "rows_duplicate", "cells_set_missing")
    got = {name: tuple(f[k] for k in keys) for name, f in audit["files"].items()}
    assert got == want
    for name, f in audit["files"].items():
        assert f["rows_read"] == f["rows_clean"] + f["rows_quarantined"] + f["rows_duplicate"], name
        for k, v in notes.get(name, {}).items():
            assert f[k] == v, (name, k)
    q = pd.read_csv(out / "quarantine.csv", dtype=str, keep_default_na=False)
    got_q = sorted((r.source_file, int(r.source_row), r.column, r.value, r.reason) for r in q.itertuples())
    assert got_q == sorted(entries)
    return audit


@pytest.mark.parametrize("case", sorted(CLEANS))
def test_broken_input_cleans_with_its_quarantine_and_audit(case, tmp_path, capsys):
    audit = _check_clean(BAD / case / "raw", tmp_path / "processed", *CLEANS[case])
    if case == "unknown_resellers":
        assert audit["linkage"]["orders_not_in_survey"] == 2
    assert "every row accounted for (read = clean + quarantined + duplicate): yes" in capsys.readouterr().out


def test_encoded_names_never_reach_the_output(tmp_path):
    from impact.io import load

    main(["clean", str(BAD / "cp1252" / "raw"), "--out", str(tmp_path / "p")])
    text = "\n".join(
        t.astype(str).to_csv() for t in vars(load(tmp_path / "p")).values() if hasattr(t, "to_csv")
    )
    assert "Renée" not in text
    assert "Ibáñez" not in text


def test_ten_megabyte_cell_is_read(tmp_path):
    """A 10 MB cell (above Python csv's default 128 KiB field limit) is read, not refused."""
    raw = corpus.write_case(tmp_path / "big", corpus.big_cell())
    assert (raw / B).stat().st_size > 10 * 1024 * 1024
    _check_clean(raw, tmp_path / "processed", {}, [], {})


def test_incomplete_row_is_not_cleaned_with_blanks(tmp_path):
    from impact.clean import clean

    data = clean(BAD / "cut_after_delimiter" / "raw")
    assert len(data.followups) == 2  # the cut-off row is not a follow-up with blank answers
    row = data.quarantine[data.quarantine["source_row"] == 4]
    assert list(row["reason"]) == [INCOMPLETE]


# --- safe outputs ------------------------------------------------------------------------------------


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_read_only_raw_folder_cleans_and_is_not_written(sample_dir, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(sample_dir / "raw", raw)
    before = _digest(raw)
    paths = [raw, *raw.rglob("*")]
    modes = {p: p.stat().st_mode for p in paths}
    try:
        for p in paths:
            p.chmod(p.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
        assert main(["clean", str(raw), "--out", str(tmp_path / "processed")]) == 0
        assert _digest(raw) == before
        assert sorted(p for p in raw.rglob("*")) == sorted(paths[1:])
    finally:
        for p, m in modes.items():
            p.chmod(m)


def test_rerun_gives_byte_identical_outputs(sample_dir, tmp_path):
    for out in ("a", "b"):
        assert main(["clean", str(sample_dir / "raw"), "--out", str(tmp_path / out)]) == 0
    a, b = _digest(tmp_path / "a"), _digest(tmp_path / "b")
    assert sorted(a) == sorted(OUTPUTS)
    assert a == b


def test_stale_temporary_siblings_are_removed_and_kept_output_restored(tmp_path):
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    ).stdout.strip()
    target = tmp_path / "processed"
    stale_tmp = tmp_path / f".processed.tmp-{dead}-abc"
    stale_old = tmp_path / f".processed.old-{dead}"
    live_tmp = tmp_path / f".processed.tmp-{os.getpid()}-xyz"
    for d in (stale_tmp, stale_old, live_tmp):
        d.mkdir()
    (stale_old / "participants.parquet").write_text("previous")
    remove_stale_siblings(target)
    assert (target / "participants.parquet").read_text() == "previous"  # killed between the two renames
    assert not stale_tmp.exists()
    assert live_tmp.exists()  # a running process's folder is left alone


@pytest.mark.slow
def test_killed_clean_leaves_previous_outputs_intact(sample_dir, tmp_path):
    scale = tmp_path / "scale"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    impact = [sys.executable, "-m", "impact"]
    subprocess.run(
        [*impact, "sample", "--resellers", "20000", "--orders", "300000", "--out", str(scale)],
        check=True,
        capture_output=True,
        env=env,
    )
    out = tmp_path / "processed"
    assert main(["clean", str(sample_dir / "raw"), "--out", str(out)]) == 0  # the previous run's outputs
    before = _digest(out)
    proc = subprocess.Popen(
        [*impact, "clean", str(scale / "raw"), "--out", str(out)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline, writing = time.monotonic() + 120, False
    try:
        while proc.poll() is None and time.monotonic() < deadline and not writing:
            writing = bool(list(tmp_path.glob(".processed.tmp-*")))  # writing has started: kill it now
            time.sleep(0.002)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait()
    assert writing, "the clean run was not caught while writing"
    assert proc.returncode == -signal.SIGKILL
    assert _digest(out) == before
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == ["processed", "scale"]
    from impact.io import load

    assert len(load(out).participants) > 0  # the kept folder is the complete previous output
    remove_stale_siblings(out)  # what the next `impact clean` does first
    assert not list(tmp_path.glob(".processed.*"))


# --- fuzzing -----------------------------------------------------------------------------------------

_TEXT = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "",
            "=1+1",
            "+cmd",
            "-5",
            "@SUM(A1)",
            "\x00",
            "Rp 1.500.000",
            "-99",
            "SKB23-001",
            "EVM-00000001",
            "ya",
            "m3",
            "KSPN",
            "P",
            "2023-12-07",
            "1e15",
            '"',
            ";",
            "\n",
        ]
    ),
    st.integers(-(10**16), 10**16).map(str),
)
_FIELDS = {
    "baseline": (
        corpus.BASE_HEADER,
        ("participant_code", "respondent/gender", "union/confederation", "employment/last_monthly_wage"),
    ),
    "followup": (corpus.FU_HEADER, ("participant_code", "wave", "income/total_last_month")),
    "orders": (
        corpus.ORDER_HEADER,
        ("order_id", "order_time", "reseller_id", "gross_amount", "reseller_commission", "status"),
    ),
}


@st.composite
def _raw_table(draw, kind: str):
    header, required = _FIELDS[kind]
    optional = [h for h in header if h not in required]
    dropped = set(draw(st.lists(st.sampled_from([*optional, *required[:1]]), max_size=3)))
    cols = [h for h in header if h not in dropped]
    rows = draw(st.lists(st.lists(_TEXT, min_size=len(cols), max_size=len(cols)), max_size=5))
    return cols, rows, bool(dropped & set(required))


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(b=_raw_table("baseline"), f=_raw_table("followup"), o=_raw_table("orders"), sep=st.sampled_from(";,"))
def test_fuzzed_raw_folders_clean_or_fail_with_input_error(tmp_path_factory, b, f, o, sep):
    from impact.clean import clean

    raw = tmp_path_factory.mktemp("fuzz") / "raw"
    for rel, (cols, rows, _) in ((B, b), (F, f), (S, o)):
        (raw / rel).parent.mkdir(parents=True, exist_ok=True)
        (raw / rel).write_text(corpus.csv_text(cols, rows, sep=sep))
    (raw / "SYNTHETIC_SAMPLE.txt").write_text(corpus.MARKER)
    try:
        data, error = clean(raw), ""
    except InputError as e:
        data, error = None, str(e)
    if error:
        event("InputError")
        assert error.startswith((B, F, S)), error
        assert "\n" not in error
        return
    event("cleaned")
    assert not b[2], "a missing required baseline column must be an InputError"
    assert not f[2], "a missing required follow-up column must be an InputError"
    for name, fa in data.audit["files"].items():
        assert fa["rows_read"] == fa["rows_clean"] + fa["rows_quarantined"] + fa["rows_duplicate"], name


# --- spreadsheet safety ---------------------------------------------------------------------------------


def test_neutralise_formulas_prefixes_text_and_keeps_numbers():
    df = pd.DataFrame(
        {
            "text": pd.Series(
                ['=HYPERLINK("http://x","y")', "+cmd", "-x", "@SUM(A1)", "\tA", "\rB", "ok"], dtype="string"
            ),
            "n": [-1, -2, 0, 3, -5, 6, 7],
            "x": [-1.5, 2.0, None, 0.0, -0.25, 1.0, 2.0],
        }
    )
    out = neutralise_formulas(df)
    assert list(out["text"]) == ["'" + v for v in df["text"][:6]] + ["ok"]
    pd.testing.assert_series_equal(out["n"], df["n"])
    pd.testing.assert_series_equal(out["x"], df["x"])


def _risky(text: pd.Series) -> pd.Series:
    return text.fillna("").astype(str).str.startswith(FORMULA_START)


def test_quarantine_csv_is_spreadsheet_safe(tmp_path):
    out = tmp_path / "processed"
    main(["clean", str(BAD / "absurd_amounts" / "raw"), "--out", str(out)])
    q = pd.read_csv(out / "quarantine.csv", dtype=str, keep_default_na=False)
    for col in q.columns:
        assert not _risky(q[col]).any(), col
    assert "'-500000" in set(q["value"])  # the raw text, neutralised
    assert pd.to_numeric(q["source_row"]).ge(2).all()  # numbers stay numbers


def test_indicators_csv_is_spreadsheet_safe(sample_dir, tmp_path, capsys):
    out = tmp_path / "processed"
    main(["clean", str(sample_dir / "raw"), "--out", str(out)])
    capsys.readouterr()
    assert (
        main(
            [
                "indicators",
                str(out),
                "--format",
                "csv",
                "--by",
                "confederation,gender",
                "--audience",
                "internal",
            ]
        )
        == 0
    )
    import io

    table = pd.read_csv(io.StringIO(capsys.readouterr().out), dtype=str, keep_default_na=False)
    assert len(table)
    for col in table.columns:
        values = table[col]
        numeric = pd.to_numeric(values.replace("", None), errors="coerce")
        if numeric.notna().sum() == (values != "").sum():
            continue  # a numeric column: negative numbers are written as numbers
        assert not _risky(values).any(), col
