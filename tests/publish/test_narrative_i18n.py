"""The report's words come from the catalogue: no language branching in narrative.py, no English in
the Indonesian edition, and the responders-by-sex clause of the summary reads the published cells."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import impact
from impact import vocab
from impact.config import ReportParams
from impact.publish import narrative
from impact.publish.i18n import MESSAGES
from impact.publish.release import TOTAL

COHORT = "sukabumi-2023"
#: (cohort, confederation, audience, lang, as_of) of the results built once for this module
EDITIONS = [
    *(
        (COHORT, conf, aud, lang, None)
        for conf in ("all", "kspsi_rek")
        for aud in ("public", "internal")
        for lang in ("en", "id")
    ),
    # before the first follow-up: no answers yet
    *(
        ("bekasi-2024", "all", aud, lang, "2024-06-30")
        for aud in ("public", "internal")
        for lang in ("en", "id")
    ),
]
#: the clause "29 answered the 12-month follow-up (60%; 11 women, 18 men)" in either language
ANSWERED = {
    "en": re.compile(
        r"([\d.,]+) answered the (\d+)-month follow-up \(([^;)]+)(?:; ([\d.,]+) women, ([\d.,]+) men)?\)"
    ),
    "id": re.compile(
        r"([\d.,]+) menjawab tindak lanjut (\d+) bulan \(([^;)]+)(?:; ([\d.,]+) perempuan, ([\d.,]+) laki-laki)?\)"
    ),
}


@pytest.fixture(scope="module")
def built(sample_clean) -> dict[tuple, impact.CohortResults]:
    # the sample cleaned in this run (a fresh checkout has no processed folder)
    data = sample_clean
    return {
        edition: impact.build(
            data,
            ReportParams(cohort=cohort, confederation=conf, audience=aud, lang=lang, as_of=as_of),
        )
        for edition in EDITIONS
        for cohort, conf, aud, lang, as_of in [edition]
    }


def words(r) -> str:
    return "\n\n".join((r.title_block(), r.summary(), r.methods(), r.notes_markdown(), r.legend()))


def english_fragments(min_length: int = 12) -> list[tuple[str, str]]:
    """The fixed English texts of the catalogue (the parts between ``{fields}``) that the Indonesian
    message does not share, longer than ``min_length`` characters, as (key, fragment)."""
    out = []
    for key, (en, id_) in MESSAGES.items():
        if en == id_:
            continue
        for part in re.split(r"\{[^{}]*\}", en):
            part = part.strip()
            if len(part) > min_length and part not in id_:
                out.append((key, part))
    return out


def first_sentence(r) -> str:
    return r.summary().splitlines()[0]


# --- (a) no language branching -----------------------------------------------------------------


def test_narrative_has_no_language_branching() -> None:
    source = Path(narrative.__file__).read_text(encoding="utf-8")
    for pattern in (
        r"\bif en\b",
        r"\ben\s*=",
        r"\bif not en\b",
        r"\belse\b.*\ben\b",
        r"lang\s*[!=]=\s*['\"]",
    ):
        assert not re.search(pattern, source), f"narrative.py: language branching ({pattern})"
    assert "_ = np" not in source


def test_every_narrative_key_is_used() -> None:
    source = Path(narrative.__file__).read_text(encoding="utf-8")
    keys = [k for k in MESSAGES if k.startswith(("sum_", "cav_", "meth_")) or k == "legend_marks"]
    assert keys
    assert [k for k in keys if f'"{k}"' not in source and f"'{k}'" not in source] == []


# --- (b) the Indonesian edition has no English fixed text -------------------------------------------


def test_fragments_cover_the_narrative_messages() -> None:
    keys = {key for key, _ in english_fragments()}
    assert {"sum_answered", "sum_median", "cav_waves", "meth_ratio", "legend_marks"} <= keys


@pytest.mark.parametrize("edition", [e for e in EDITIONS if e[3] == "id"], ids=str)
def test_indonesian_edition_has_no_english_fixed_text(built, edition) -> None:
    text = words(built[edition])
    found = [(key, fragment) for key, fragment in english_fragments() if fragment in text]
    assert found == []


@pytest.mark.parametrize("edition", [e for e in EDITIONS if e[3] == "en"], ids=str)
def test_english_edition_uses_the_english_messages(built, edition) -> None:
    r = built[edition]
    text = words(r)
    assert MESSAGES["meth_ratio"][0] in text
    assert MESSAGES["meth_ratio"][1] not in text
    if r.params.internal:
        assert MESSAGES["legend_marks"][0] in text


# --- (c) responders at the latest wave by sex ----------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "id"])
def test_internal_summary_gives_the_responders_by_sex(built, lang) -> None:
    r = built[(COHORT, "all", "internal", lang, None)]
    t, wave = r.text, r.latest_wave
    assert wave is not None
    got = ANSWERED[lang].search(first_sentence(r))
    assert got, first_sentence(r)
    answered, months, rate, women, men = got.groups()
    total, sexes = r.line(wave).values, r.line(wave, "gender").values
    assert months == str(vocab.WAVES[wave])
    assert answered == t.int(total.loc[TOTAL, "n_responded"])
    assert rate == t.pct(total.loc[TOTAL, "response_rate"])
    assert women == t.int(sexes.loc["female", "n_responded"])
    assert men == t.int(sexes.loc["male", "n_responded"])
    # the same numbers as the table by sex, and no more people than answered
    assert sexes.loc[TOTAL, "n_responded"] == total.loc[TOTAL, "n_responded"]
    assert (
        sexes.loc["female", "n_responded"] + sexes.loc["male", "n_responded"]
        <= total.loc[TOTAL, "n_responded"]
    )


def test_internal_example_sentence(built) -> None:
    sentence = first_sentence(built[(COHORT, "all", "internal", "en", None)])
    assert sentence.endswith("; 29 answered the 12-month follow-up (60%; 11 women, 18 men).")


@pytest.mark.parametrize("edition", [e for e in EDITIONS if e[4] is None], ids=str)
def test_responders_by_sex_only_when_both_are_shown(built, edition) -> None:
    r = built[edition]
    sexes = r.line(r.latest_wave, "gender")
    women = sexes.shown("female", "n_responded", r.rules)
    men = sexes.shown("male", "n_responded", r.rules)
    got = ANSWERED[r.params.lang].search(first_sentence(r))
    assert got, first_sentence(r)
    if women is None or men is None:
        assert got.group(4) is None
        assert got.group(5) is None
    else:
        assert (got.group(4), got.group(5)) == (r.text.int(women), r.text.int(men))


def test_public_hides_the_responders_by_sex_of_a_small_group(built) -> None:
    """kspsi_rek: 3 women have income data at 12 months, so the public edition hides their row."""
    public = built[(COHORT, "kspsi_rek", "public", "en", None)]
    internal = built[(COHORT, "kspsi_rek", "internal", "en", None)]
    wave = public.latest_wave
    assert public.line(wave, "gender").reasons.loc["female", "n_responded"] != ""
    assert first_sentence(public).endswith("answered the 12-month follow-up (64%).")
    t = internal.text
    rate = t.pct(internal.line(wave).values.loc[TOTAL, "response_rate"])
    women = t.int(internal.line(wave, "gender").values.loc["female", "n_responded"])
    assert f"({rate}; {women} women, " in first_sentence(internal)


def test_no_answers_yet(built) -> None:
    for aud, lang in ((aud, lang) for aud in ("public", "internal") for lang in ("en", "id")):
        r = built[("bekasi-2024", "all", aud, lang, "2024-06-30")]
        words_ = MESSAGES["sum_no_wave"][0 if lang == "en" else 1]
        assert r.latest_wave is None
        assert first_sentence(r).endswith(f"; {words_}.")
        assert not ANSWERED[lang].search(r.summary())
