"""The programme configuration: who runs the programme, its cohorts, extra spellings, logframe
targets and reference data — everything about a programme that is data, not code.

It comes from ``programme.toml`` (in the raw folder, or given with ``--programme``; the schema is
in ``docs/programme.md`` and checked here, with errors that name the file and the key). ``impact
clean`` writes the resolved configuration into the processed folder (``programme.json``), so every
later stage reads the same one. A cohort found in the data but not configured is kept and
described from the data (:func:`infer_cohort`), marked as inferred; nothing about it is invented
silently.

>>> p = Programme.from_dict({"programme": {"name": "Demo"}, "cohorts": [{"code": "x-2024",
...     "training_month": "2024-05", "code_prefix": "XYZ24", "waves": ["m3"]}]}, source="demo")
>>> p.cohorts["x-2024"].training_month
datetime.date(2024, 5, 1)
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any

from impact import vocab
from impact.errors import InputError

__all__ = [
    "ALIAS_FIELDS",
    "LOGFRAME_INDICATORS",
    "Cohort",
    "Programme",
    "ReferenceSpec",
    "Target",
    "infer_cohort",
]

#: vocabularies a programme may add spellings to: field → the canonical codes allowed
ALIAS_FIELDS: dict[str, tuple[str, ...]] = {
    "confederation": tuple(vocab.CONFEDERATIONS),
    "gender": vocab.GENDERS,
    "status": vocab.ORDER_STATUSES,
    "wave": tuple(vocab.WAVES),
    "study_group": ("participant", "comparison"),  # impact.clean.arms (a comparison group, if any)
}
#: logframe indicators the suite computes: key → (what it is, unit)
LOGFRAME_INDICATORS: dict[str, tuple[str, str]] = {
    "share_recovered": ("Share whose income is at least their pre-layoff wage", "share"),
    "median_recovery_ratio": ("Median recovery ratio (income now / pre-layoff wage)", "ratio"),
    "share_above_min_wage": ("Share earning at least the regional minimum wage", "share"),
    "share_ever_sold": ("Share of reseller accounts with at least one completed sale", "share"),
}
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_PREFIX = re.compile(r"^[A-Z]{3}[0-9]{2}$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})(?:-01)?$")
_TOP_KEYS = {"programme", "cohorts", "aliases", "logframe", "reference"}
_PROGRAMME_KEYS = {"name", "agency", "donor", "country", "platform", "partners", "reporting_period"}
_COHORT_KEYS = {"code", "name", "district", "training_month", "code_prefix", "waves", "trained", "sessions"}
_TARGET_KEYS = {"indicator", "target", "women", "men", "baseline", "label", "source"}
_REFERENCE_KEYS = {"min_wage", "cpi", "cpi_monthly"}


@dataclass(frozen=True)
class Cohort:
    """A training cohort: where and when it was trained, its participant-code prefix and waves.

    ``trained``: the number trained, a published programme fact (optional); ``inferred``: the
    fields described from the data because the configuration did not give them.
    """

    code: str
    name: str
    district: str | None
    training_month: date
    code_prefix: str | None
    waves: tuple[str, ...]
    trained: int | None = None
    sessions: int | None = None
    inferred: tuple[str, ...] = ()


@dataclass(frozen=True)
class Target:
    """A logframe target: ``target`` for everyone, ``women``/``men`` where the programme sets them by sex
    (shares in 0–1, ratios in units of the pre-layoff wage)."""

    indicator: str
    target: float | None = None
    women: float | None = None
    men: float | None = None
    baseline: float | None = None
    label: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class ReferenceSpec:
    """Where the reference data comes from: file paths (absolute, or None for the bundled files)."""

    min_wage: str | None = None
    cpi: str | None = None
    cpi_monthly: str | None = None


@dataclass(frozen=True)
class Programme:
    """A programme's configuration (see the module docstring)."""

    name: str = ""
    agency: str = ""
    donor: str = ""
    country: str = ""
    platform: str = ""
    partners: tuple[str, ...] = ()
    reporting_period: str = ""
    cohorts: dict[str, Cohort] = field(default_factory=dict)
    aliases: dict[str, dict[str, str]] = field(default_factory=dict)
    logframe: tuple[Target, ...] = ()
    reference: ReferenceSpec = field(default_factory=ReferenceSpec)
    #: where it came from: a file path, or "none" when no programme.toml was found
    source: str = "none"

    # --- lookups -------------------------------------------------------------------------------
    def cohort_name(self, code: str) -> str:
        """The display name of a cohort (its code when unknown)."""
        cohort = self.cohorts.get(code)
        return cohort.name if cohort else code

    def prefixes(self) -> dict[str, str]:
        """Participant-code prefix → cohort code."""
        return {c.code_prefix: c.code for c in self.cohorts.values() if c.code_prefix}

    def target(self, indicator: str) -> Target | None:
        """The logframe target of an indicator, or None when the programme sets none."""
        return next((t for t in self.logframe if t.indicator == indicator), None)

    def alias_keys(self, field_name: str) -> dict[str, str]:
        """The programme's extra spellings of a vocabulary, keyed by :func:`impact.vocab.alias_key`."""
        return {vocab.alias_key(k): v for k, v in self.aliases.get(field_name, {}).items()}

    def with_cohorts(self, cohorts: dict[str, Cohort]) -> Programme:
        """A copy with these cohorts added (or replaced)."""
        return replace(self, cohorts={**self.cohorts, **cohorts})

    # --- (de)serialisation -----------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form (what ``programme.json`` in a processed folder holds)."""
        out = asdict(self)
        out["cohorts"] = [
            {**asdict(c), "training_month": c.training_month.strftime("%Y-%m"), "waves": list(c.waves)}
            for c in self.cohorts.values()
        ]
        out["logframe"] = [asdict(t) for t in self.logframe]
        out["partners"] = list(self.partners)
        return out

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> Programme:
        """The inverse of :meth:`to_dict` (a processed folder's ``programme.json``)."""
        cohorts = {}
        for c in doc.get("cohorts", []):
            month = _month(c["training_month"], where="programme.json")
            cohorts[c["code"]] = Cohort(
                **{
                    **c,
                    "training_month": month,
                    "waves": tuple(c["waves"]),
                    "inferred": tuple(c.get("inferred", ())),
                }
            )
        return cls(
            name=doc.get("name", ""),
            agency=doc.get("agency", ""),
            donor=doc.get("donor", ""),
            country=doc.get("country", ""),
            platform=doc.get("platform", ""),
            partners=tuple(doc.get("partners", ())),
            reporting_period=doc.get("reporting_period", ""),
            cohorts=cohorts,
            aliases={k: dict(v) for k, v in doc.get("aliases", {}).items()},
            logframe=tuple(Target(**t) for t in doc.get("logframe", [])),
            reference=ReferenceSpec(**doc.get("reference", {})),
            source=doc.get("source", "none"),
        )

    @classmethod
    def from_dict(cls, doc: dict[str, Any], *, source: str) -> Programme:
        """Check a parsed ``programme.toml`` and build the configuration.

        Raises :class:`~impact.errors.InputError` naming ``source`` and the key for unknown keys,
        wrong types, bad codes, months, prefixes or waves, duplicate cohorts, aliases to codes that
        do not exist, and unknown logframe indicators.
        """
        where = str(source)
        _known(doc, _TOP_KEYS, where)
        meta = _table(doc.get("programme", {}), f"{where}: [programme]")
        _known(meta, _PROGRAMME_KEYS, f"{where}: [programme]")
        text = {k: _text(meta.get(k, ""), f"{where}: programme.{k}") for k in _PROGRAMME_KEYS - {"partners"}}
        partners = meta.get("partners", [])
        if not isinstance(partners, list) or not all(isinstance(p, str) for p in partners):
            raise InputError(f"{where}: programme.partners must be a list of names")
        cohorts: dict[str, Cohort] = {}
        raw_cohorts = doc.get("cohorts", [])
        if not isinstance(raw_cohorts, list):
            raise InputError(f"{where}: cohorts must be an array of tables ([[cohorts]])")
        for i, c in enumerate(raw_cohorts, start=1):
            cohort = _cohort(c, f"{where}: cohort {i}")
            if cohort.code in cohorts:
                raise InputError(f"{where}: cohort {i}: code {cohort.code!r} is given twice")
            cohorts[cohort.code] = cohort
        prefixes = [c.code_prefix for c in cohorts.values() if c.code_prefix]
        if len(set(prefixes)) != len(prefixes):
            raise InputError(f"{where}: two cohorts share a participant-code prefix ({', '.join(prefixes)})")
        return cls(
            **text,
            partners=tuple(partners),
            cohorts=cohorts,
            aliases=_aliases(doc.get("aliases", {}), where),
            logframe=_logframe(doc.get("logframe", []), where),
            reference=_reference(doc.get("reference", {}), where),
            source=where,
        )


# --- checking a parsed file -------------------------------------------------------------------------


def _known(table: dict, keys: set[str], where: str) -> None:
    unknown = sorted(set(table) - keys)
    if unknown:
        raise InputError(f"{where}: unknown key(s) {', '.join(unknown)}; expected {', '.join(sorted(keys))}")


def _table(value: object, where: str) -> dict:
    if not isinstance(value, dict):
        raise InputError(f"{where}: must be a table")
    return value


def _text(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise InputError(f"{where}: must be text, not {value!r}")
    return value.strip()


def _month(value: object, *, where: str) -> date:
    m = _MONTH.match(str(value).strip()) if isinstance(value, str | date) else None
    if isinstance(value, date):
        return value.replace(day=1)
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise InputError(f'{where}: training_month must be a month like "2023-09", not {value!r}')
    return date(int(m.group(1)), int(m.group(2)), 1)


def _whole(value: object, where: str, *, minimum: int = 0) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InputError(f"{where}: must be a whole number >= {minimum}, not {value!r}")
    return value


def _cohort(c: object, where: str) -> Cohort:
    c = _table(c, where)
    _known(c, _COHORT_KEYS, where)
    for key in ("code", "training_month"):
        if key not in c:
            raise InputError(f"{where}: {key} is required")
    code = _text(c["code"], f"{where}: code")
    if not _SLUG.match(code):
        raise InputError(
            f"{where}: code {code!r}: use lower-case letters, digits and '-' (e.g. 'karawang-2025')"
        )
    prefix = c.get("code_prefix")
    if prefix is not None:
        prefix = _text(prefix, f"{where}: code_prefix").upper().replace("-", "")
        if not _PREFIX.match(prefix):
            raise InputError(
                f"{where}: code_prefix {c['code_prefix']!r}: three letters and two digits, like 'SKB23'"
            )
    waves = c.get("waves", list(vocab.WAVES))
    if not isinstance(waves, list) or not waves or not all(w in vocab.WAVES for w in waves):
        raise InputError(
            f"{where}: waves must be a non-empty list of {', '.join(vocab.WAVES)}, not {waves!r}"
        )
    ordered = tuple(sorted(dict.fromkeys(waves), key=vocab.WAVES.__getitem__))
    district = c.get("district")
    return Cohort(
        code=code,
        name=_text(c.get("name", code), f"{where}: name") or code,
        district=_text(district, f"{where}: district") if district is not None else None,
        training_month=_month(c["training_month"], where=where),
        code_prefix=prefix,
        waves=ordered,
        trained=_whole(c.get("trained"), f"{where}: trained"),
        sessions=_whole(c.get("sessions"), f"{where}: sessions", minimum=1),
    )


def _aliases(doc: object, where: str) -> dict[str, dict[str, str]]:
    doc = _table(doc, f"{where}: [aliases]")
    _known(doc, set(ALIAS_FIELDS), f"{where}: [aliases]")
    out = {}
    for name, table in doc.items():
        table = _table(table, f"{where}: aliases.{name}")
        for spelling, code in table.items():
            if code not in ALIAS_FIELDS[name]:
                raise InputError(
                    f"{where}: aliases.{name}: {spelling!r} = {code!r}, but {code!r} is not one of "
                    f"{', '.join(ALIAS_FIELDS[name])}"
                )
        out[name] = {str(k): str(v) for k, v in table.items()}
    return out


def _share_or_ratio(value: object, where: str, unit: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(f"{where}: must be a number, not {value!r}")
    if unit == "share" and not 0 <= value <= 1:
        raise InputError(f"{where}: a share between 0 and 1 (e.g. 0.5 for 50%), not {value!r}")
    if value < 0:
        raise InputError(f"{where}: must not be negative")
    return float(value)


def _logframe(rows: object, where: str) -> tuple[Target, ...]:
    if not isinstance(rows, list):
        raise InputError(f"{where}: logframe must be an array of tables ([[logframe]])")
    out = []
    for i, row in enumerate(rows, start=1):
        here = f"{where}: logframe {i}"
        row = _table(row, here)
        _known(row, _TARGET_KEYS, here)
        indicator = row.get("indicator")
        if indicator not in LOGFRAME_INDICATORS:
            raise InputError(f"{here}: indicator {indicator!r}; valid: {', '.join(LOGFRAME_INDICATORS)}")
        unit = LOGFRAME_INDICATORS[indicator][1]
        values = {
            k: _share_or_ratio(row.get(k), f"{here}: {k}", unit)
            for k in ("target", "women", "men", "baseline")
        }
        out.append(
            Target(
                indicator=indicator,
                **values,
                label=_text(row["label"], f"{here}: label") if "label" in row else None,
                source=_text(row["source"], f"{here}: source") if "source" in row else None,
            )
        )
    if len({t.indicator for t in out}) != len(out):
        raise InputError(f"{where}: an indicator appears twice in the logframe")
    return tuple(out)


def _reference(doc: object, where: str) -> ReferenceSpec:
    doc = _table(doc, f"{where}: [reference]")
    _known(doc, _REFERENCE_KEYS, f"{where}: [reference]")
    return ReferenceSpec(**{k: _text(v, f"{where}: reference.{k}") for k, v in doc.items()})


# --- cohorts found in the data ------------------------------------------------------------------------


def infer_cohort(
    code: str,
    *,
    registered: list[date],
    waves: list[str],
    districts: list[str],
    prefixes: list[str],
) -> Cohort:
    """Describe a cohort the configuration does not know, from its data (marked as inferred).

    Training month: the month in which most of its baseline registrations were made (the
    registration happens at the training); without any date, January of the year in its code
    (or 2000). Waves: those seen in its follow-ups (all three when none). District and code
    prefix: the most frequent ones given.
    """

    def most(values: list) -> object | None:
        values = [v for v in values if v]
        return max(sorted(set(values)), key=values.count) if values else None

    month = most([d.replace(day=1) for d in registered])
    if month is None:
        year = re.search(r"(19|20)\d{2}", code)
        month = date(int(year.group()) if year else 2000, 1, 1)
    seen = sorted({w for w in waves if w in vocab.WAVES}, key=vocab.WAVES.__getitem__)
    return Cohort(
        code=code,
        name=code,
        district=most(districts),
        training_month=month,
        code_prefix=most(prefixes),
        waves=tuple(seen) or tuple(vocab.WAVES),
        inferred=("name", "district", "training_month", "code_prefix", "waves"),
    )
