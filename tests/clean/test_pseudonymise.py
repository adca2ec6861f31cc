"""Tests for impact.clean.pseudonymise (keyed hashes) and impact.io.resolve_secret (where the key comes from)."""

from __future__ import annotations

import hashlib
import hmac

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from impact import config
from impact.clean.pseudonymise import PSEUDONYM_HEX, pseudonymise, pseudonyms_by_code, pseudonyms_of
from impact.errors import SecretError
from impact.io import resolve_secret


def reference(value: str, *, secret: str, prefix: str, namespace: str) -> str:
    """The pseudonym computed with the standard library's ``hmac``."""
    digest = hmac.new(secret.encode(), f"{namespace}:{value}".encode(), hashlib.sha256).hexdigest()
    return prefix + digest[:16]


def codes(values: list) -> pd.Series:
    return pd.Series(values, dtype="string")


# --- pseudonymise -----------------------------------------------------------------------------------


def test_pseudonym_is_the_prefix_and_first_16_hex_of_hmac_sha256() -> None:
    got = pseudonymise(codes(["SKB23-001"]), secret="s3cret", prefix="P-", namespace="participant")

    expected = reference("SKB23-001", secret="s3cret", prefix="P-", namespace="participant")
    assert got.iloc[0] == expected
    assert len(expected) == 2 + PSEUDONYM_HEX == 18


def test_pseudonymise_matches_hmac_for_every_value_and_keeps_the_index() -> None:
    values = pd.Series(["SKB23-001", "BKS24-017", "EVM-00000001"], index=[7, 3, 9], dtype="string")

    got = pseudonymise(values, secret="k", prefix="R-", namespace="reseller")

    expected = pd.Series(
        [reference(v, secret="k", prefix="R-", namespace="reseller") for v in values],
        index=[7, 3, 9],
        dtype="string",
    )
    pd.testing.assert_series_equal(got, expected)


def test_missing_values_stay_missing() -> None:
    got = pseudonymise(codes(["SKB23-001", None]), secret="k", prefix="P-", namespace="participant")

    assert got.iloc[1] is pd.NA
    assert got.iloc[0] == reference("SKB23-001", secret="k", prefix="P-", namespace="participant")


def test_same_value_gets_the_same_pseudonym() -> None:
    got = pseudonymise(codes(["A", "B", "A"]), secret="k", prefix="P-", namespace="participant")

    assert got.iloc[0] == got.iloc[2]
    assert got.iloc[0] != got.iloc[1]


def test_same_secret_gives_the_same_pseudonyms_across_calls() -> None:
    first = pseudonymise(codes(["A", "B"]), secret="k", prefix="P-", namespace="participant")
    second = pseudonymise(codes(["B", "A"]), secret="k", prefix="P-", namespace="participant")

    assert first.tolist() == second.tolist()[::-1]


def test_a_different_secret_gives_a_different_pseudonym() -> None:
    one = pseudonymise(codes(["A"]), secret="k1", prefix="P-", namespace="participant")
    two = pseudonymise(codes(["A"]), secret="k2", prefix="P-", namespace="participant")

    assert one.iloc[0] != two.iloc[0]


def test_a_different_namespace_gives_a_different_pseudonym() -> None:
    participant = pseudonymise(codes(["A"]), secret="k", prefix="X-", namespace="participant")
    reseller = pseudonymise(codes(["A"]), secret="k", prefix="X-", namespace="reseller")

    assert participant.iloc[0] != reseller.iloc[0]


def test_a_secret_longer_than_the_hash_block_matches_hmac() -> None:
    secret = "long-secret-" * 10  # 120 bytes: HMAC hashes the key first

    got = pseudonymise(codes(["A"]), secret=secret, prefix="", namespace="n")

    assert got.iloc[0] == reference("A", secret=secret, prefix="", namespace="n")


def test_non_ascii_values_and_secret_match_hmac_on_utf8() -> None:
    got = pseudonymise(codes(["Renée Ibáñez"]), secret="kunci-rahasia-ñ", prefix="P-", namespace="n")

    assert got.iloc[0] == reference("Renée Ibáñez", secret="kunci-rahasia-ñ", prefix="P-", namespace="n")


def test_pseudonymise_of_nothing_is_an_empty_string_series() -> None:
    got = pseudonymise(codes([]), secret="k", prefix="P-", namespace="n")

    pd.testing.assert_series_equal(got, codes([]))


@settings(max_examples=30)
@given(
    values=st.lists(st.one_of(st.text(), st.none()), max_size=8),
    secret=st.text(min_size=1, max_size=100),
    namespace=st.text(max_size=12),
)
def test_pseudonymise_matches_hmac_for_any_text(values: list, secret: str, namespace: str) -> None:
    got = pseudonymise(pd.Series(values, dtype="string"), secret=secret, prefix="P-", namespace=namespace)

    expected = [
        pd.NA if v is None else reference(v, secret=secret, prefix="P-", namespace=namespace) for v in values
    ]
    assert got.tolist() == expected


# --- pseudonyms_of / pseudonyms_by_code -------------------------------------------------------------


def test_pseudonyms_of_gives_one_arrow_string_per_unique() -> None:
    got = pseudonyms_of(["EVM-1", "EVM-2"], secret="k", prefix="R-", namespace="reseller")

    assert got.type == pa.large_string()
    assert got.to_pylist() == [
        reference("EVM-1", secret="k", prefix="R-", namespace="reseller"),
        reference("EVM-2", secret="k", prefix="R-", namespace="reseller"),
    ]


def test_pseudonyms_by_code_takes_by_code_with_minus_one_missing() -> None:
    hashed = pseudonyms_of(["a", "b"], secret="k", prefix="R-", namespace="reseller")

    got = pseudonyms_by_code(hashed, np.array([1, -1, 0, 1]), pd.Index([5, 6, 7, 8]))

    a, b = (reference(v, secret="k", prefix="R-", namespace="reseller") for v in "ab")
    pd.testing.assert_series_equal(got, pd.Series([b, pd.NA, a, b], index=[5, 6, 7, 8], dtype="string"))


def test_factorised_pseudonyms_agree_with_pseudonymise() -> None:
    values = pd.Series(["x", None, "y", "x"], index=[3, 2, 1, 0], dtype="string")
    codes_, uniques = pd.factorize(values)

    by_code = pseudonyms_by_code(
        pseudonyms_of(uniques, secret="k", prefix="R-", namespace="reseller"), codes_, values.index
    )

    pd.testing.assert_series_equal(
        by_code, pseudonymise(values, secret="k", prefix="R-", namespace="reseller")
    )


# --- resolve_secret ---------------------------------------------------------------------------------


@pytest.fixture
def no_env_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(config.SECRET_ENV, raising=False)


@pytest.fixture
def sample_folder(tmp_path):
    folder = tmp_path / "raw"
    folder.mkdir()
    (folder / config.SAMPLE_MARKER).write_text("synthetic\n")
    return folder


def test_secret_argument_comes_first(tmp_path, sample_folder, monkeypatch: pytest.MonkeyPatch) -> None:
    key_file = tmp_path / "key.txt"
    key_file.write_text("from-file\n")
    monkeypatch.setenv(config.SECRET_ENV, "from-env")

    assert resolve_secret(sample_folder, secret="from-arg", secret_file=key_file) == ("from-arg", "argument")


def test_secret_file_comes_before_the_environment(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    key_file = tmp_path / "key.txt"
    key_file.write_text("  from-file \n")
    monkeypatch.setenv(config.SECRET_ENV, "from-env")

    assert resolve_secret(tmp_path, secret_file=key_file) == ("from-file", "secret file")


def test_environment_secret_comes_before_the_demo_secret(
    sample_folder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IMPACT_SECRET", " from-env ")

    assert resolve_secret(sample_folder) == ("from-env", "$IMPACT_SECRET")


@pytest.mark.usefixtures("no_env_secret")
def test_demo_secret_only_for_a_synthetic_sample_folder(sample_folder) -> None:
    assert resolve_secret(sample_folder) == (config.DEMO_SECRET, "demo secret (synthetic sample)")


@pytest.mark.usefixtures("no_env_secret")
def test_no_secret_for_a_real_folder_is_a_secret_error(tmp_path) -> None:
    with pytest.raises(
        SecretError, match="no pseudonymisation secret: set IMPACT_SECRET or pass --secret-file"
    ):
        resolve_secret(tmp_path)


def test_a_blank_environment_secret_does_not_count(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(config.SECRET_ENV, "   ")

    with pytest.raises(SecretError, match="no pseudonymisation secret"):
        resolve_secret(tmp_path)


@pytest.mark.usefixtures("no_env_secret")
def test_a_marker_that_is_a_folder_does_not_make_a_sample(tmp_path) -> None:
    (tmp_path / config.SAMPLE_MARKER).mkdir()

    with pytest.raises(SecretError):
        resolve_secret(tmp_path)


def test_an_empty_secret_file_is_a_secret_error_naming_the_file(tmp_path, sample_folder) -> None:
    key_file = tmp_path / "empty.key"
    key_file.write_text(" \n")

    with pytest.raises(SecretError, match=r"empty\.key: secret file is empty"):
        resolve_secret(sample_folder, secret_file=key_file)


def test_an_unreadable_secret_file_is_a_secret_error_naming_the_file(tmp_path) -> None:
    missing = tmp_path / "nowhere.key"

    with pytest.raises(SecretError, match=r"nowhere\.key: secret file cannot be read"):
        resolve_secret(tmp_path, secret_file=missing)
