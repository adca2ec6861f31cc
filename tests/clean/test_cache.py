"""Re-cleaning with the cache of parsed exports (:mod:`impact.clean.sales_exports`): a run that reuses
parsed exports writes exactly what a full run writes; any change to an export, the secret, the
parameters or the code parses again; a new export is the only one parsed; worker processes give
the same result as parsing in place.

The exports here are small, so the size thresholds are lowered for the tests.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from impact import config
from impact.clean import clean_to, sales_exports
from impact.cli import main
from impact.errors import InputError

pytestmark = pytest.mark.filterwarnings("error")


@pytest.fixture(scope="module")
def scale_raw(sample_dir, tmp_path_factory) -> Path:
    """The sample's survey with 4 scale order exports (re-exports and duplicates across files); the
    last one is kept aside in ``new/`` (a weekly export still to come)."""
    from impact.synth.sample import participant_reseller_ids
    from impact.synth.scale import write_scale_sales

    root = tmp_path_factory.mktemp("cache")
    raw = root / "raw"
    shutil.copytree(sample_dir / "raw" / "survey", raw / "survey")
    shutil.copy(sample_dir / "raw" / "SYNTHETIC_SAMPLE.txt", raw / "SYNTHETIC_SAMPLE.txt")
    write_scale_sales(
        raw / "sales",
        resellers=2_000,
        orders=12_000,
        fmt="csv",
        files=4,
        participant_resellers=participant_reseller_ids(sample_dir),
        seed=11,
    )
    (raw / "sales" / "_manifest.json").unlink()
    (root / "new").mkdir()
    (raw / "sales" / "orders_0004.csv").rename(root / "new" / "orders_0004.csv")
    return raw


@pytest.fixture
def raw(scale_raw, tmp_path, monkeypatch) -> Path:
    """A fresh copy of the scale raw folder; every export counts as large."""
    monkeypatch.setattr(sales_exports, "CACHE_MIN_BYTES", 0)
    shutil.copytree(scale_raw, tmp_path / "raw")
    shutil.copytree(scale_raw.parent / "new", tmp_path / "new")
    return tmp_path / "raw"


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def assert_same_outputs(a: Path, b: Path) -> None:
    """Every file byte for byte, the audit apart from what it says about the cache."""
    fa, fb = _files(a), _files(b)
    assert fa.keys() == fb.keys()
    for name in fa:
        if name != "audit.json":
            assert fa[name] == fb[name], name
    audit_a, audit_b = json.loads(fa["audit.json"]), json.loads(fb["audit.json"])
    audit_a.pop("cache"), audit_b.pop("cache")
    assert audit_a == audit_b


def test_a_cached_run_writes_what_a_full_run_writes(raw, tmp_path):
    first = clean_to(raw, tmp_path / "a")
    assert first["cache"] == {
        "enabled": True,
        "from_cache": [],
        "parsed": [f"sales/orders_000{i}.csv" for i in (1, 2, 3)],
    }
    assert (tmp_path / "a.cache").is_dir()
    again = clean_to(raw, tmp_path / "a")
    assert again["cache"]["from_cache"] == first["cache"]["parsed"]
    assert again["cache"]["parsed"] == []
    full = clean_to(raw, tmp_path / "full", cache=False)
    assert full["cache"] == {"enabled": False, "from_cache": [], "parsed": first["cache"]["parsed"]}
    assert not (tmp_path / "full.cache").exists()
    assert_same_outputs(tmp_path / "a", tmp_path / "full")


def test_a_new_export_is_the_only_one_parsed(raw, tmp_path):
    clean_to(raw, tmp_path / "out")
    shutil.copy(tmp_path / "new" / "orders_0004.csv", raw / "sales" / "orders_0004.csv")
    audit = clean_to(raw, tmp_path / "out")
    assert audit["cache"]["parsed"] == ["sales/orders_0004.csv"]
    assert len(audit["cache"]["from_cache"]) == 3
    # de-duplication across exports is exact: the new export supersedes rows of the older ones
    assert sum(f["rows_duplicate"] for n, f in audit["files"].items() if n != "sales/orders_0004.csv") > 0
    clean_to(raw, tmp_path / "full", cache=False)
    assert_same_outputs(tmp_path / "out", tmp_path / "full")
    # entries of exports no longer used are removed; four exports, four entries
    assert len(list((tmp_path / "out.cache").glob("*.json"))) == 4


@pytest.mark.parametrize("change", ["input", "secret", "parameters", "code", "corrections"])
def test_any_change_parses_again(raw, tmp_path, monkeypatch, change):
    clean_to(raw, tmp_path / "out", secret="s1")
    options = {"secret": "s1"}
    expect = ["sales/orders_0001.csv", "sales/orders_0002.csv", "sales/orders_0003.csv"]
    if change == "input":
        path = raw / "sales" / "orders_0002.csv"
        path.write_bytes(path.read_bytes().replace(b"SELESAI", b"selesai", 1))
        expect = ["sales/orders_0002.csv"]
    elif change == "secret":
        options["secret"] = "s2"
    elif change == "parameters":
        options["params"] = config.CleaningParams(max_order_gross_idr=5_000_000)
    elif change == "code":
        monkeypatch.setattr(sales_exports, "code_version", lambda: "another version")
    else:
        header = "file,row,participant_code,field,current_value,new_value,reason,corrected_by,corrected_on"
        (raw / "corrections.csv").write_text(
            f"{header}\nsales/orders_0003.csv,5,,status,x,SELESAI,test,me,2024-01-01\n"
        )
        expect = ["sales/orders_0003.csv"]
    audit = clean_to(raw, tmp_path / "out", **options)
    assert audit["cache"]["parsed"] == expect
    clean_to(raw, tmp_path / "full", cache=False, **options)
    assert_same_outputs(tmp_path / "out", tmp_path / "full")


def test_worker_processes_give_the_same_result(raw, tmp_path, monkeypatch):
    monkeypatch.setattr(sales_exports, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(sales_exports, "WORKERS", 2)
    cold = clean_to(raw, tmp_path / "workers")
    warm = clean_to(raw, tmp_path / "workers")
    assert len(cold["cache"]["parsed"]) == len(warm["cache"]["from_cache"]) == 3
    monkeypatch.setattr(sales_exports, "PARALLEL_MIN_BYTES", 1 << 60)
    clean_to(raw, tmp_path / "in-place", cache=False)
    assert_same_outputs(tmp_path / "workers", tmp_path / "in-place")


def test_workers_without_the_cache_give_the_same_result(raw, tmp_path, monkeypatch):
    # (3 exports, 2 workers: this process parses the last one once the survey is cleaned)
    monkeypatch.setattr(sales_exports, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(sales_exports, "WORKERS", 2)
    clean_to(raw, tmp_path / "workers", cache=False)
    monkeypatch.setattr(sales_exports, "PARALLEL_MIN_BYTES", 1 << 60)
    clean_to(raw, tmp_path / "in-place", cache=False)
    assert_same_outputs(tmp_path / "workers", tmp_path / "in-place")


def test_a_bad_export_in_a_worker_is_a_one_line_input_error(raw, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(sales_exports, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(sales_exports, "WORKERS", 2)
    (raw / "sales" / "orders_0002.csv").write_text("order_id;status\nA;x\n")
    with pytest.raises(InputError, match=r"sales/orders_0002\.csv: missing required column"):
        clean_to(raw, tmp_path / "out")
    assert main(["clean", str(raw), "--out", str(tmp_path / "out"), "--no-cache"]) == 2
    assert "sales/orders_0002.csv: missing required column" in capsys.readouterr().err


def test_no_cache_on_the_command_line(raw, tmp_path):
    assert main(["clean", str(raw), "--out", str(tmp_path / "out"), "--no-cache"]) == 0
    assert not (tmp_path / "out.cache").exists()
    cache = tmp_path / "elsewhere"
    assert main(["clean", str(raw), "--out", str(tmp_path / "out"), "--cache-dir", str(cache)]) == 0
    assert main(["clean", str(raw), "--out", str(tmp_path / "out"), "--cache-dir", str(cache)]) == 0
    audit = json.loads((tmp_path / "out" / "audit.json").read_text())
    assert len(audit["cache"]["from_cache"]) == 3
