"""What to run: the manifest (``runs.toml``), its expansion into report parameters, and slugs.

``[[runs]]`` ask for cohort reports; ``[[programme]]`` for the programme-level report (every
cohort pooled; cohort key :data:`PROGRAMME`, written to ``reports/programme/programme_all_<audience>
[_<lang>].html``), with the keys ``audience``, ``lang`` and ``params``.
"""

from __future__ import annotations

import itertools
import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from impact import io, vocab
from impact.config import AUDIENCES, LANGUAGES, PROGRAMME, ReportParams
from impact.errors import ParameterError, ReportError
from impact.programme import Programme

__all__ = [
    "ALL",
    "DEFAULT_PROGRAMME_RUNS",
    "DEFAULT_RUNS",
    "EACH",
    "PROGRAMME",
    "bundled_manifest",
    "bundled_notebook",
    "bundled_programme_notebook",
    "discover_cohorts",
    "expand_manifest",
    "load_budget",
    "load_manifest",
    "notebook_parameters",
    "parse_slug",
    "programme_runs",
    "report_budget",
    "report_title",
]

ALL = "all"
EACH = "each"
#: with no [[runs]]: each cohort's public report, and internal reports for it and each confederation
#: (per-confederation reports are internal only: their groups are too small to publish safely)
DEFAULT_RUNS = (
    {"cohort": "*", "confederation": ALL, "audience": "public"},
    {"cohort": "*", "confederation": [ALL, EACH], "audience": "internal"},
)
#: ``impact report --programme`` with a manifest without [[programme]]: public and internal
DEFAULT_PROGRAMME_RUNS = ({"audience": ["public", "internal"]},)
_RUN_KEYS = frozenset({"cohort", "confederation", "audience", "lang", "params"})
_PROGRAMME_KEYS = frozenset({"audience", "lang", "params"})
#: set by a run itself (or by the command), never in a run's params
_SPEC_KEYS = frozenset({"processed_dir", "cohort", "confederation", "audience", "lang"})
_COHORT_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def bundled_notebook() -> Path:
    """The report notebook shipped with the package (``notebooks/cohort_report.ipynb`` in the repository)."""
    return Path(str(resources.files("impact.notebooks") / "cohort_report.ipynb"))


def bundled_programme_notebook() -> Path:
    """The programme report notebook shipped with the package (``notebooks/programme_report.ipynb``)."""
    return Path(str(resources.files("impact.notebooks") / "programme_report.ipynb"))


def bundled_manifest() -> Path:
    """The manifest shipped with the package (``notebooks/runs.toml`` in the repository)."""
    return Path(str(resources.files("impact.notebooks") / "runs.toml"))


def notebook_parameters(params: ReportParams, processed_dir: str | Path) -> dict[str, Any]:
    """What papermill injects into the report notebook: ``processed_dir`` (absolute) and every
    report parameter."""
    return {"processed_dir": str(Path(processed_dir).resolve()), **params.as_dict()}


def report_title(params: ReportParams, programme: Programme | None = None) -> str:
    """A human title in the report's language, e.g. ``Sukabumi, September 2023 — KSPN (internal)``
    (cohort names from the programme configuration)."""
    from impact.publish.i18n import Text

    t = Text(params.lang)
    if params.cohort == PROGRAMME:
        name = programme.name if programme and programme.name else t.t("programme")
        return f"{name} — {t.t('prog_all_cohorts')} ({t.t('audience_' + params.audience + '_short')})"
    cohort = programme.cohort_name(params.cohort) if programme else params.cohort
    conf = (
        t.t("all_confederations")
        if params.confederation == ALL
        else vocab.CONFEDERATIONS[params.confederation]
    )
    return f"{cohort} — {conf} ({t.t('audience_' + params.audience + '_short')})"


def parse_slug(slug: str) -> tuple[str, str, str, str] | None:
    """``(cohort, confederation, audience, lang)`` from a slug, or None if it is not one.

    >>> parse_slug("sukabumi-2023_kspsi_rek_public")
    ('sukabumi-2023', 'kspsi_rek', 'public', 'en')
    >>> parse_slug("sukabumi-2023_all_internal_id")
    ('sukabumi-2023', 'all', 'internal', 'id')
    """
    lang = "en"
    for code in LANGUAGES:
        if code != "en" and slug.endswith(f"_{code}"):
            slug, lang = slug[: -len(code) - 1], code
    cohort, _, rest = slug.partition("_")
    confederation, _, audience = rest.rpartition("_")
    if not _COHORT_RE.match(cohort) or audience not in AUDIENCES:
        return None
    if confederation != ALL and confederation not in vocab.CONFEDERATIONS:
        return None
    return cohort, confederation, audience, lang


def expand_manifest(
    doc: dict[str, Any], *, cohorts: list[str], source: str = "manifest"
) -> list[ReportParams]:
    """The report specs a parsed manifest asks for (format: see the module docstring). Pure.

    ``cohorts`` are the cohorts present in the processed data (what ``"*"`` means). Raises
    :class:`ReportError` naming ``source`` for unknown keys, cohorts or codes, and for two
    runs giving the same slug with different parameters. Identical duplicates are kept once.

    >>> len(expand_manifest({}, cohorts=["sukabumi-2023", "bekasi-2024"]))
    14
    """
    unknown = set(doc) - {"defaults", "runs", "programme", "budget"}
    if unknown:
        raise ReportError(
            f"{source}: unknown section(s) {sorted(unknown)}; expected [defaults], [[runs]], [[programme]] "
            "and [budget]"
        )
    report_budget(doc, source=source)  # checked with the rest
    if PROGRAMME in cohorts:
        raise ReportError(
            f"{source}: a cohort is coded {PROGRAMME!r}, which names the programme report; rename it"
        )
    defaults = doc.get("defaults", {})
    if not isinstance(defaults, dict):
        raise ReportError(f"{source}: [defaults] must be a table of parameters")
    runs = doc.get("runs") or list(DEFAULT_RUNS)
    if not isinstance(runs, list):
        raise ReportError(f"{source}: 'runs' must be an array of tables ([[runs]])")
    specs: dict[str, ReportParams] = {}
    for i, run in enumerate(runs, start=1):
        where = f"{source}: run {i}"
        if not isinstance(run, dict) or not isinstance(run.get("params", {}), dict):
            raise ReportError(
                f"{where}: expected a table with cohort, confederation, audience and a params table"
            )
        bad = set(run) - _RUN_KEYS
        if bad:
            raise ReportError(f"{where}: unknown key(s) {sorted(bad)}; expected {sorted(_RUN_KEYS)}")
        run_cohorts = _expand_values(run.get("cohort", "*"), star=cohorts, where=f"{where}: cohort")
        missing = [c for c in run_cohorts if c not in cohorts]
        if missing:
            raise ReportError(
                f"{where}: cohort(s) {missing} not in the processed data (found: {', '.join(cohorts) or 'none'})"
            )
        if not run_cohorts:
            raise ReportError(f"{where}: no cohort to report on (processed data has none)")
        confs = _expand_values(run.get("confederation", ALL), star=None, where=f"{where}: confederation")
        confs = [code for c in confs for code in ([*vocab.CONFEDERATIONS] if c == EACH else [c])]
        audiences = _expand_values(run.get("audience", "public"), star=None, where=f"{where}: audience")
        langs = _expand_values(run.get("lang", "en"), star=None, where=f"{where}: lang")
        params = {**defaults, **run.get("params", {})}
        fixed = sorted(set(params) & _SPEC_KEYS)
        if fixed:
            raise ReportError(f"{where}: {fixed} are set by the run itself; remove them from params")
        for cohort, conf, audience, lang in itertools.product(run_cohorts, confs, audiences, langs):
            try:
                spec = ReportParams.from_mapping(
                    {**params, "cohort": cohort, "confederation": conf, "audience": audience, "lang": lang},
                    where=where,
                )
            except ParameterError as e:
                raise ReportError(str(e) if str(e).startswith(where) else f"{where}: {e}") from None
            if spec.slug in specs and specs[spec.slug] != spec:
                raise ReportError(f"{where}: report {spec.slug} is asked for twice with different parameters")
            specs.setdefault(spec.slug, spec)
    for spec in programme_runs(doc, source=source):
        if spec.slug in specs and specs[spec.slug] != spec:
            raise ReportError(f"{source}: report {spec.slug} is asked for twice with different parameters")
        specs.setdefault(spec.slug, spec)
    return list(specs.values())


def programme_runs(
    doc: dict[str, Any], *, source: str = "manifest", default: bool = False
) -> list[ReportParams]:
    """The programme-level reports a parsed manifest asks for (its ``[[programme]]`` tables; with
    ``default=True`` and none given, :data:`DEFAULT_PROGRAMME_RUNS`). Pure."""
    runs = doc.get("programme") or (list(DEFAULT_PROGRAMME_RUNS) if default else [])
    if not isinstance(runs, list):
        raise ReportError(f"{source}: 'programme' must be an array of tables ([[programme]])")
    defaults = doc.get("defaults", {})
    out: dict[str, ReportParams] = {}
    for i, run in enumerate(runs, start=1):
        where = f"{source}: programme run {i}"
        if not isinstance(run, dict) or not isinstance(run.get("params", {}), dict):
            raise ReportError(f"{where}: expected a table with audience, lang and a params table")
        bad = set(run) - _PROGRAMME_KEYS
        if bad:
            raise ReportError(f"{where}: unknown key(s) {sorted(bad)}; expected {sorted(_PROGRAMME_KEYS)}")
        params = {**defaults, **run.get("params", {})}
        fixed = sorted(set(params) & _SPEC_KEYS)
        if fixed:
            raise ReportError(f"{where}: {fixed} are set by the run itself; remove them from params")
        audiences = _expand_values(run.get("audience", "public"), star=None, where=f"{where}: audience")
        langs = _expand_values(run.get("lang", "en"), star=None, where=f"{where}: lang")
        for audience, lang in itertools.product(audiences, langs):
            try:
                spec = ReportParams.from_mapping(
                    {**params, "cohort": PROGRAMME, "confederation": ALL, "audience": audience, "lang": lang},
                    where=where,
                )
            except ParameterError as e:
                raise ReportError(str(e) if str(e).startswith(where) else f"{where}: {e}") from None
            out.setdefault(spec.slug, spec)
    return list(out.values())


def report_budget(doc: dict[str, Any], *, source: str = "manifest") -> float | None:
    """The manifest's time budget: ``[budget] seconds_per_report`` (wall seconds a report may take,
    from notebook to PDF), or None when it sets none. ``impact report`` names every report over it."""
    budget = doc.get("budget", {})
    if not isinstance(budget, dict) or set(budget) - {"seconds_per_report"}:
        raise ReportError(f"{source}: [budget] takes one key, seconds_per_report (a number of seconds)")
    seconds = budget.get("seconds_per_report")
    if seconds is None:
        return None
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds <= 0:
        raise ReportError(f"{source}: [budget] seconds_per_report must be a positive number, not {seconds!r}")
    return float(seconds)


def load_budget(path: Path) -> float | None:
    """:func:`report_budget` of a manifest file (None when the file is missing)."""
    try:
        return report_budget(tomllib.loads(Path(path).read_text(encoding="utf-8")), source=str(path))
    except (FileNotFoundError, tomllib.TOMLDecodeError):
        return None


def _expand_values(value: object, *, star: list[str] | None, where: str) -> list[str]:
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ReportError(f"{where}: expected a string or a list of strings, got {value!r}")
    out: list[str] = []
    for v in values:
        if v == "*" and star is not None:
            out += star
        else:
            out.append(v)
    return list(dict.fromkeys(out))


def load_manifest(path: Path, *, cohorts: list[str], programme_only: bool = False) -> list[ReportParams]:
    """Read a ``runs.toml`` manifest and expand it (see :func:`expand_manifest`); with
    ``programme_only``, only its programme-level reports (the default ones when it has none).

    A missing file raises :class:`ReportError` (the CLI then falls back to the default expansion).
    """
    path = Path(path)
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReportError(f"{path}: manifest not found") from None
    except tomllib.TOMLDecodeError as e:
        raise ReportError(f"{path}: not valid TOML ({e})") from None
    if programme_only:
        return programme_runs(doc, source=str(path), default=True)
    return expand_manifest(doc, cohorts=cohorts, source=str(path))


def discover_cohorts(processed_dir: str | Path) -> list[str]:
    """The cohorts present in a processed folder, configured cohorts first (in the configuration's order)."""
    found = set(io.read_cohorts(processed_dir))
    order = list(io.read_programme_json(processed_dir).cohorts)
    return [c for c in order if c in found] + sorted(found - set(order))
