"""Survey exports as they come → raw text frames under the contract's field names, by kind.

Kobo and ODK downloads arrive under the names the platform gives them (``Registrasi Peserta
Promise II - all versions - labels - 2024-12-02-03-15-40.xlsx``) and in any download layout.
Every ``.csv``/``.xlsx`` file in ``survey/`` is read; its kind (baseline or follow-up) comes from
its name when it starts with ``baseline``/``followup``, else from its content: the form definition
it matches (``survey/forms/*.xlsx``, see :mod:`impact.clean.kobo`), or the contract's required
fields found among its headers. A file that is neither stops the run with one line naming it —
and, for a label export without its form definition, saying how to fix it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from impact import io
from impact.clean import kobo, survey
from impact.errors import InputError
from impact.io.xlsform import FormDefinition

__all__ = ["KINDS", "SurveyExport", "read_survey_exports"]

KINDS = ("baseline", "followup")
_FIELDS = {"baseline": survey.BASELINE_FIELDS, "followup": survey.FOLLOWUP_FIELDS}
_REQUIRED = {"baseline": survey.BASELINE_REQUIRED, "followup": survey.FOLLOWUP_REQUIRED}


@dataclass
class SurveyExport:
    """One survey export, read: its kind, its rows as raw text under field names (plus
    ``source_file``/``source_row`` and the incomplete-row marker), and how it was read."""

    name: str
    kind: str
    frame: pd.DataFrame
    rows_read: int
    notes: dict[str, object] = field(default_factory=dict)


def _kind_by_name(name: str) -> str | None:
    stem = Path(name).name.lower()
    return next((k for k in KINDS if stem.startswith(k)), None)


def _has(headers: list[str], wanted: tuple[str, ...]) -> bool:
    """Whether every field of ``wanted`` is among ``headers`` (as :func:`survey.resolve_columns` finds them)."""
    keys = {survey._header_key(h) for h in headers}
    tails = [k.split("/")[-1] for k in keys]
    return all(f.lower() in keys or (f.lower().split("/")[-1] in tails) for f in wanted)


def _kind_by_content(headers: list[str]) -> str | None:
    found = [k for k in KINDS if _has(headers, _REQUIRED[k])]
    if len(found) == 1:
        return found[0]
    if "wave" in {survey._header_key(h).split("/")[-1] for h in headers}:
        return "followup" if "followup" in found else None
    return None


def read_survey_exports(
    raw_dir: Path, paths: list[Path], *, forms: list[FormDefinition] | None = None, strict: bool = True
) -> list[SurveyExport]:
    """Read every survey export (see the module docstring): in file-name order, each classified.

    Raises :class:`~impact.errors.InputError` naming the file when it cannot be read, is neither
    a baseline nor a follow-up export, or lacks a required field. ``strict=False`` (the personal-data
    scanner, which must look at every file) reads what it can: unclassified files as baselines
    (their fields include every personal field) and no field required.
    """
    forms = forms or []
    out = []
    for path in paths:
        name = path.relative_to(raw_dir).as_posix()
        rf = io.read_survey_file(path, name)
        body, had_hxl = survey.drop_hxl_row(rf.frame)
        headers = [str(h) for h in body.columns]
        notes: dict[str, object] = {
            "format": path.suffix.lower().lstrip("."),
            **{
                k: v
                for k, v in rf.notes.items()
                if k in ("encoding", "delimiter", "sheet", "nul_bytes_removed")
            },
            "hxl_row_skipped": had_hxl,
        }
        form, _ = kobo.identify_form(headers, forms) if forms else (None, 0.0)
        if form is not None:
            body, report = kobo.to_xml_frame(body, form)
            notes["kobo"] = report.as_dict()
            headers = [str(h) for h in body.columns]
        kind = _kind_by_name(name) or _kind_by_content(headers) or (None if strict else "baseline")
        if kind is None:
            hint = kobo.label_export_hint(headers)
            if hint:
                raise InputError(f"{name}: {hint}")
            raise InputError(
                f"{name}: not recognised as a baseline or follow-up export (a baseline needs "
                f"{', '.join(survey.BASELINE_REQUIRED)}; a follow-up {', '.join(survey.FOLLOWUP_REQUIRED)}); "
                "name it baseline*/followup*, or put its form definition in survey/forms/"
            )
        first_row = 3 if had_hxl else 2
        body = body.assign(source_file=name, source_row=range(first_row, first_row + len(body)))
        try:
            required = _REQUIRED[kind] if strict else ()
            resolved, extra = survey.resolve_columns(body, fields=_FIELDS[kind], required=required, file=name)
        except InputError as e:
            hint = None if form is not None else kobo.label_export_hint(headers)
            raise InputError(f"{e}; {hint}" if hint else str(e)) from None
        cut = rf.notes.get(io.INCOMPLETE, [""] * len(rf.frame))[len(rf.frame) - len(body) :]
        notes["unknown_columns"] = len(extra)
        notes["kind"] = kind
        out.append(SurveyExport(name, kind, resolved.assign(**{io.INCOMPLETE: list(cut)}), len(body), notes))
    return out
