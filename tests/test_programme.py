"""impact.programme and impact.io.programme: the programme configuration, checked at load."""

from __future__ import annotations

from datetime import date

import pytest

from impact.errors import InputError
from impact.io.programme import find_programme, programme_for, read_programme
from impact.programme import Programme, infer_cohort
from impact.synth.truth import SAMPLE_PROGRAMME, SAMPLE_PROGRAMME_TOML

GOOD = {
    "programme": {"name": "Demo", "agency": "ILO", "donor": "SECO", "country": "Indonesia"},
    "cohorts": [
        {
            "code": "karawang-2025",
            "name": "Karawang, February 2025",
            "district": "Kabupaten Karawang",
            "training_month": "2025-02",
            "code_prefix": "krw25",
            "waves": ["m6", "m3"],
            "trained": 30,
        }
    ],
    "aliases": {"confederation": {"Serikat Kita": "kspn"}},
    "logframe": [{"indicator": "share_recovered", "target": 0.5, "women": 0.45}],
}


def test_a_good_configuration_is_read_with_its_cohorts_aliases_and_targets():
    p = Programme.from_dict(GOOD, source="programme.toml")
    c = p.cohorts["karawang-2025"]
    assert (c.training_month, c.code_prefix, c.waves, c.trained) == (
        date(2025, 2, 1),
        "KRW25",
        ("m3", "m6"),
        30,
    )
    assert p.prefixes() == {"KRW25": "karawang-2025"}
    assert p.cohort_name("karawang-2025") == "Karawang, February 2025"
    assert p.cohort_name("nowhere-2030") == "nowhere-2030"
    assert p.alias_keys("confederation") == {"SERIKATKITA": "kspn"}
    assert p.target("share_recovered").women == 0.45
    assert p.target("median_recovery_ratio") is None


def test_the_configuration_round_trips_through_programme_json():
    p = Programme.from_dict(GOOD, source="programme.toml")
    assert Programme.from_json(p.to_dict()) == p


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"colour": "blue"}, "unknown key"),
        ({"programme": {"name": 3}}, "programme.name: must be text"),
        ({"cohorts": [{"code": "Karawang 2025", "training_month": "2025-02"}]}, "lower-case letters"),
        ({"cohorts": [{"code": "k-2025", "training_month": "Feb 2025"}]}, 'month like "2023-09"'),
        ({"cohorts": [{"code": "k-2025", "training_month": "2025-13"}]}, 'month like "2023-09"'),
        (
            {"cohorts": [{"code": "k-2025", "training_month": "2025-02", "code_prefix": "KARAWANG"}]},
            "three letters",
        ),
        ({"cohorts": [{"code": "k-2025", "training_month": "2025-02", "waves": ["m9"]}]}, "waves must be"),
        ({"cohorts": [{"code": "k-2025"}]}, "training_month is required"),
        ({"cohorts": [{"code": "a-1", "training_month": "2025-02"}] * 2}, "given twice"),
        ({"aliases": {"confederation": {"X": "kspsi"}}}, "'kspsi' is not one of"),
        ({"aliases": {"district": {}}}, "unknown key"),
        ({"logframe": [{"indicator": "happiness", "target": 1}]}, "indicator 'happiness'"),
        ({"logframe": [{"indicator": "share_recovered", "target": 50}]}, "a share between 0 and 1"),
        ({"logframe": [{"indicator": "share_recovered"}, {"indicator": "share_recovered"}]}, "appears twice"),
    ],
)
def test_a_bad_configuration_is_refused_naming_the_key(change, message):
    with pytest.raises(InputError, match=message) as err:
        Programme.from_dict({**GOOD, **change}, source="programme.toml")
    assert str(err.value).startswith("programme.toml")


def test_the_sample_configuration_is_the_committed_file(sample_dir):
    assert (sample_dir / "raw" / "programme.toml").read_text(encoding="utf-8") == SAMPLE_PROGRAMME_TOML
    assert read_programme(sample_dir / "raw" / "programme.toml").cohorts == SAMPLE_PROGRAMME.cohorts


def test_reading_a_file_resolves_reference_paths_and_names_errors(tmp_path):
    (tmp_path / "ref").mkdir()
    (tmp_path / "ref" / "umk.csv").write_text("district,year,min_wage_monthly_idr,source,source_date\n")
    path = tmp_path / "programme.toml"
    path.write_text('[reference]\nmin_wage = "ref/umk.csv"\n')
    assert read_programme(path).reference.min_wage == str((tmp_path / "ref" / "umk.csv").resolve())
    path.write_text('[reference]\nmin_wage = "ref/missing.csv"\n')
    with pytest.raises(
        InputError, match=r"programme.toml: reference.min_wage = 'ref/missing.csv': file not found"
    ):
        read_programme(path)
    path.write_text("[programme\nname = 1")
    with pytest.raises(InputError, match=r"programme.toml: not valid TOML"):
        read_programme(path)


def test_the_configuration_is_found_in_the_raw_folder_or_given(tmp_path):
    assert find_programme(tmp_path) is None
    assert programme_for(tmp_path) == Programme()
    with pytest.raises(InputError, match="programme configuration not found"):
        find_programme(tmp_path, tmp_path / "nope.toml")
    (tmp_path / "programme.toml").write_text('[programme]\nname = "X"\n')
    assert programme_for(tmp_path).name == "X"


def test_a_cohort_found_only_in_the_data_is_described_from_it_and_marked():
    c = infer_cohort(
        "xyz99",
        registered=[date(2025, 3, 4), date(2025, 3, 5), date(2025, 4, 1)],
        waves=["m6", "m3", "m6"],
        districts=["Kota A", "Kota B", "Kota A"],
        prefixes=["XYZ99"] * 3,
    )
    assert (c.training_month, c.waves, c.district, c.code_prefix) == (
        date(2025, 3, 1),
        ("m3", "m6"),
        "Kota A",
        "XYZ99",
    )
    assert "training_month" in c.inferred
    assert infer_cohort(
        "bekasi-2026", registered=[], waves=[], districts=[], prefixes=[]
    ).training_month == date(2026, 1, 1)
