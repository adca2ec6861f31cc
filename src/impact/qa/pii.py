"""Scanning outputs for personal data from the raw exports: the ``impact audit-pii`` command.

Names, phone numbers and NIKs collected from the raw survey exports (:func:`collect_pii`)
are looked for in every output a programme publishes or shares — Parquet, CSV, XLSX,
HTML, PDF text, executed notebooks (:func:`scan_outputs`). Phones are found in any
formatting (``0812-3456-7890``, ``+62 812 3456 7890``, ``(0812) 34567890``), NIKs with or
without spaces or dots, names in any case and split by spaces, dots, dashes,
underscores or HTML tags.

The scanner never shows what it found: every :class:`Finding` carries the value masked
to its last three characters (``***890``), and locations that would themselves contain
personal data (a column or file named after a person) are masked the same way.

>>> pii = PiiSet(names={"siti rahayu"}, phones={"81234567890"}, niks=set())
>>> [(f.kind, f.value_masked) for f in scan_text("<td>SITI Rahayu</td><td>0812-3456-7890</td>", pii)]
[('name', '***ayu'), ('phone', '***890')]
"""

from __future__ import annotations

import base64
import functools
import html
import json
import os
import re
import shutil
import subprocess
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

import impact.clean.parse as parse
from impact import io
from impact.clean.exports import read_survey_exports
from impact.clean.parse._core import _missing_issue
from impact.io.xlsform import read_forms

__all__ = [
    "Finding",
    "MissingToolError",
    "PiiSet",
    "ScanResult",
    "collect_pii",
    "extract_text",
    "mask",
    "scan",
    "scan_outputs",
    "scan_text",
]

#: names (whole, or first + last) shorter than this are not looked for: too many common words
NAME_MIN_CHARS = 5
#: name tokens that mark an enumerator's test submission (its "name" is no one's personal data)
TEST_MARKERS = frozenset({"tes", "test", "testing", "coba", "percobaan", "dummy", "contoh"})
NIK_DIGITS = 16
#: characters shown at the end of a masked value
MASK_KEEP = 3

TEXT_SUFFIXES = (".csv", ".tsv", ".txt", ".json", ".md", ".svg")
HTML_SUFFIXES = (".html", ".htm")
ZIP_XML_SUFFIXES = (".docx", ".pptx")  # Office files other than XLSX: their XML parts are scanned
SUPPORTED_SUFFIXES = (
    *TEXT_SUFFIXES,
    *HTML_SUFFIXES,
    *ZIP_XML_SUFFIXES,
    ".parquet",
    ".xlsx",
    ".pdf",
    ".ipynb",
)

#: finding kinds that are personal data (others: "skipped" is a warning, "unreadable" fails the audit)
PII_KINDS = ("name", "phone", "nik")

# Digits joined by up to three separator characters (spaces, dots, dashes, brackets) form one
# number run: "+62 (812) 3456-7890", "3272.5060.0870.5858". Newlines and tabs end a run, so cells
# joined by them never run together. Only runs of 9 digits or more can hold a phone or a NIK.
_SEP = r"[ .\-()\u00a0\u2010-\u2015]"
_NUMBER_RUN = re.compile(rf"\d(?:{_SEP}{{0,3}}\d){{8,}}")
_NON_DIGIT = re.compile(r"\D")
_NAME_SEP = r"[\s_.\-]+"
_TAG = re.compile(r"<[^>]*>")
_BDATA = re.compile(
    r'\{\s*"dtype"\s*:\s*"(?P<d1>[a-z][0-9])"\s*,\s*"bdata"\s*:\s*"(?P<b1>[A-Za-z0-9+/=]*)"'
    r'|\{\s*"bdata"\s*:\s*"(?P<b2>[A-Za-z0-9+/=]*)"\s*,\s*"dtype"\s*:\s*"(?P<d2>[a-z][0-9])"'
)
_PDFTOTEXT_TIMEOUT_S = 120
_NO_PDFTOTEXT = "cannot read PDF text: pdftotext not found"


class MissingToolError(io.InputError):
    """An external tool needed to read an output (``pdftotext``) is not installed."""


# --- what to look for ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PiiSet:
    """Personal data to look for, normalised.

    ``names``: whole names and "first last" pairs, case-folded, single spaces;
    ``phones``: national significant numbers, digits only (``8123456789``);
    ``niks``: 16-digit strings. Any iterables are accepted and stored as frozensets.
    """

    names: frozenset[str] = frozenset()
    phones: frozenset[str] = frozenset()
    niks: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        object.__setattr__(self, "names", frozenset(_name_key(n) for n in self.names))
        object.__setattr__(self, "phones", frozenset(self.phones))
        object.__setattr__(self, "niks", frozenset(self.niks))

    def __len__(self) -> int:
        return len(self.names) + len(self.phones) + len(self.niks)


@dataclass(frozen=True)
class Finding:
    """One value found in an output: ``kind`` (name/phone/nik, or skipped/unreadable), the value
    masked to its last characters, and where (path relative to the scanned folder, plus a hint)."""

    kind: str
    value_masked: str
    location: str


def mask(value: str) -> str:
    """Hide all but the last :data:`MASK_KEEP` characters: ``"81234567890"`` → ``"***890"``."""
    return "***" + value[-MASK_KEEP:] if len(value) > MASK_KEEP else "***"


def _name_key(name: str) -> str:
    return " ".join(str(name).split()).casefold()


def _is_blank(text: str) -> bool:
    """A blank or "don't know" answer (no name in it)."""
    return _missing_issue(text) is not None


def _names_of(full_name: str) -> set[str]:
    """The whole name and, for three tokens or more, the "first last" pair (each ≥ 5 characters)."""
    tokens = _name_key(full_name).split()
    if not tokens or not any(ch.isalpha() for ch in full_name):
        return set()
    out = {" ".join(tokens)}
    if len(tokens) >= 3:
        out.add(f"{tokens[0]} {tokens[-1]}")
    return {n for n in out if len(n) >= NAME_MIN_CHARS}


def _is_test_submission(full_name: str) -> bool:
    return bool(set(re.split(r"[\W_]+", _name_key(full_name))) & TEST_MARKERS)


def _national_phones(raw: pd.Series) -> set[str]:
    e164 = parse.normalise_phone(raw)["value"].dropna()
    return {str(v).removeprefix("+62") for v in e164}


def _nik_of(text: str) -> str | None:
    t = re.sub(r"[\s.\-]", "", str(text))
    if excel := re.fullmatch(r"(\d{16})\.0+", str(text).strip()):  # 3272506008705858.0 from a spreadsheet
        t = excel.group(1)
    if re.fullmatch(rf"\d{{{NIK_DIGITS}}}", t) and len(set(t)) > 1:
        return t
    return None


def collect_pii(raw_dir: Path) -> PiiSet:
    """Names, phones and NIKs of the raw survey exports (baseline and follow-up).

    Names come from ``respondent/full_name`` (whole name, and "first last" for longer
    names; at least :data:`NAME_MIN_CHARS` characters), phones from ``respondent/phone``
    (as national significant numbers: ``+62 812-3456-789`` → ``8123456789``; numbers that
    are not Indonesian mobiles are left out) and NIKs from ``respondent/nik`` (16 digits).
    Blank and "don't know" answers and enumerators' test submissions (a name with
    ``tes``/``test``/``coba``…) are skipped. Raises :class:`impact.io.InputError` if the
    folder has no readable survey exports.
    """
    raw_dir = Path(raw_dir)
    files = io.list_raw_files(raw_dir)
    names: set[str] = set()
    phones: set[str] = set()
    niks: set[str] = set()
    # read exactly as cleaning reads them: label exports through their form definitions too
    forms = read_forms(raw_dir, files["forms"])
    for export in read_survey_exports(raw_dir, files["survey"], forms=forms, strict=False):
        frame = export.frame
        text = frame.astype(object).where(frame.notna(), "").astype(str)
        blank = pd.Series("", index=text.index)
        full = text.get("respondent/full_name", blank)
        keep = ~full.map(_is_test_submission).astype(bool)
        names |= {n for v in full[keep] if not _is_blank(v) for n in _names_of(v)}
        phones |= _national_phones(text.get("respondent/phone", blank)[keep])
        niks |= {nik for v in text.get("respondent/nik", blank)[keep] if (nik := _nik_of(v))}
    return PiiSet(names=names, phones=phones, niks=niks)


# --- finding it in text ------------------------------------------------------------------------------


def _loose(name: str) -> str:
    return " ".join(re.split(_NAME_SEP, name.casefold()))


@functools.lru_cache(maxsize=8)
def _name_pattern(names: frozenset[str]) -> tuple[re.Pattern[str], dict[str, str]] | None:
    """One regex for all names (tokens joined by any run of separators), and loose form → name."""
    if not names:
        return None
    alternatives = sorted(
        (_NAME_SEP.join(re.escape(t) for t in re.split(_NAME_SEP, n)) for n in names), key=len, reverse=True
    )
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)
    return pattern, {_loose(n): n for n in names}


def _matches(text: str, pii: PiiSet) -> Iterator[tuple[str, str, int, int]]:
    """Every (kind, normalised value, start, end) in ``text``; digits are matched inside number runs."""
    compiled = _name_pattern(pii.names)
    if compiled is not None:
        pattern, by_loose = compiled
        for m in pattern.finditer(text):
            loose = _loose(m.group())
            yield "name", by_loose.get(loose, loose), m.start(), m.end()
    if not (pii.phones or pii.niks):
        return
    lengths = sorted({len(p) for p in pii.phones})
    for m in _NUMBER_RUN.finditer(text):
        digits = _NON_DIGIT.sub("", m.group())
        for i, d in enumerate(digits):
            if d == "8":
                for n in lengths:
                    if digits[i : i + n] in pii.phones:
                        yield "phone", digits[i : i + n], m.start(), m.end()
            if pii.niks and digits[i : i + NIK_DIGITS] in pii.niks:
                yield "nik", digits[i : i + NIK_DIGITS], m.start(), m.end()


def _redact(text: str, pii: PiiSet) -> str:
    """``text`` with every name, phone or NIK in it replaced by its mask (for locations)."""
    spans = sorted({(s, e, mask(v)) for _, v, s, e in _matches(text, pii)})
    out, pos = [], 0
    for s, e, masked in spans:
        if s >= pos:
            out += [text[pos:s], masked]
            pos = e
    return "".join([*out, text[pos:]])


def _line_of(text: str, offset: int) -> str:
    return f"line {text.count(chr(10), 0, offset) + 1}"


@dataclass(frozen=True)
class _Part:
    """A piece of a file's text, with a label for where a match sits in it."""

    text: str
    where: str
    locate: Callable[[str, int], str] | None = None

    def hint(self, offset: int) -> str:
        return ", ".join(x for x in (self.where, self.locate(self.text, offset) if self.locate else "") if x)


def _findings(parts: Iterable[_Part], pii: PiiSet, file: str) -> list[Finding]:
    """One finding per distinct value in a file, at its first location."""
    first: dict[tuple[str, str], str] = {}
    for part in parts:
        for kind, value, start, _ in _matches(part.text, pii):
            if (kind, value) not in first:
                first[(kind, value)] = part.hint(start)
    return [
        Finding(kind, mask(value), _redact(f"{file} ({hint})" if hint else file, pii))
        for (kind, value), hint in first.items()
    ]


def scan_text(text: str, pii: PiiSet, *, location: str = "text") -> list[Finding]:
    """Names (any case, whole words), phones (any formatting) and NIKs of ``pii`` in ``text``.

    Phones are compared as national numbers, so ``0812-3456-7890``, ``+62 812 3456 7890``
    and ``6281234567890`` are all the same phone; NIKs may be grouped by spaces or dots.
    One finding per distinct value, located by line; values are masked.
    """
    return _findings([_Part(text, "", _line_of if "\n" in text else None)], pii, location)


# --- text of each output format ------------------------------------------------------------------------


def _num_text(v: object) -> str:
    """Numbers as a person would write them: ``81234567890.0`` → ``81234567890`` (no exponent)."""
    if isinstance(v, float) and np.isfinite(v) and v.is_integer():
        return str(int(v))
    return "" if v is None else str(v)


def _bdata_text(text: str) -> str:
    """Numbers hidden in plotly's base64 arrays (``{"dtype": "f8", "bdata": "…"}``), one per line."""
    lines = []
    for m in _BDATA.finditer(text):
        dtype, data = (m["d1"], m["b1"]) if m["d1"] else (m["d2"], m["b2"])
        try:
            values = np.frombuffer(base64.b64decode(data), dtype=np.dtype(dtype)).tolist()
        except (ValueError, TypeError):
            continue
        lines += [_num_text(v) for v in values]
    return "\n".join(lines)


def _text_parts(path: Path) -> Iterator[_Part]:
    text = path.read_bytes().decode("utf-8", errors="replace")
    yield _Part(text, "", _line_of)
    if '"bdata"' in text and (bdata := _bdata_text(text)):
        yield _Part(bdata, "plotly data")
    if path.suffix.lower() == ".json" and "\\u" in text:
        try:
            yield _Part(json.dumps(json.loads(text), ensure_ascii=False, indent=1), "JSON, unescaped")
        except ValueError:
            pass


def _html_parts(path: Path) -> Iterator[_Part]:
    yield from _text_parts(path)
    raw = path.read_bytes().decode("utf-8", errors="replace")
    yield _Part(html.unescape(_TAG.sub(" ", raw)), "text without tags")


def _parquet_parts(path: Path) -> Iterator[_Part]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(path)
    schema = pf.schema_arrow
    meta = {
        k.decode(errors="replace"): v.decode(errors="replace") for k, v in (schema.metadata or {}).items()
    }
    yield _Part("\n".join([*schema.names, *meta.values()]), "column names and metadata")
    row0 = 0
    for batch in pf.iter_batches(batch_size=200_000):
        for name, column in zip(batch.schema.names, batch.columns, strict=True):
            t = column.type
            if pa.types.is_temporal(t) or pa.types.is_boolean(t) or pa.types.is_null(t):
                continue  # typed dates, times and flags cannot hold a name, phone or NIK
            if pa.types.is_floating(t):
                values = [_num_text(v) for v in column.to_pylist()]
            elif pa.types.is_nested(t):
                values = [json.dumps(v, ensure_ascii=False, default=str) for v in column.to_pylist()]
            else:
                values = ["" if v is None else v for v in column.cast(pa.string()).to_pylist()]
            first = row0

            def locate(text: str, offset: int, first: int = first) -> str:
                return f"row {first + text.count(chr(10), 0, offset) + 1}"

            yield _Part("\n".join(values), f"column {name!r}", locate)
        row0 += batch.num_rows


def _check_zip(path: Path) -> None:
    if not zipfile.is_zipfile(path):
        raise ValueError("not a zip archive")
    with zipfile.ZipFile(path) as z:
        total = sum(i.file_size for i in z.infolist())
    if total > io.raw.MAX_XLSX_UNCOMPRESSED:
        raise ValueError(f"would inflate to {total:,} bytes — refusing (zip bomb?)")


def _zip_xml_parts(path: Path) -> Iterator[_Part]:
    """Every XML part of an Office file (strings, comments, charts, document properties), unescaped."""
    _check_zip(path)
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            if info.filename.endswith((".xml", ".rels")):
                xml = z.read(info).decode("utf-8", errors="replace")
                yield _Part(html.unescape(_TAG.sub(" ", xml)), info.filename)


def _xlsx_parts(path: Path) -> Iterator[_Part]:
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    _check_zip(path)
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        yield _Part("\n".join(wb.sheetnames), "sheet names")
        for ws in wb.worksheets:
            if not hasattr(ws, "iter_rows"):  # chartsheets: their text is in the XML parts below
                continue
            rows = ws.iter_rows(min_row=1, min_col=1, values_only=True)
            text = "\n".join("\t".join(_num_text(v) for v in row) for row in rows)

            def locate(text: str, offset: int) -> str:
                line_start = text.rfind("\n", 0, offset) + 1
                col = text.count("\t", line_start, offset) + 1
                return f"cell {get_column_letter(col)}{text.count(chr(10), 0, offset) + 1}"

            yield _Part(text, f"sheet {ws.title!r}", locate)
    finally:
        wb.close()
    yield from _zip_xml_parts(path)


def _pdftotext() -> str | None:
    return shutil.which("pdftotext")


def _pdf_parts(path: Path) -> Iterator[_Part]:
    exe = _pdftotext()
    if exe is None:
        raise MissingToolError(
            f"{path}: {_NO_PDFTOTEXT} (install poppler-utils, or pass --allow-missing-tools to skip "
            "PDFs with a warning)"
        )
    run = subprocess.run(
        [exe, "-layout", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        timeout=_PDFTOTEXT_TIMEOUT_S,
        check=False,
    )
    if run.returncode != 0:
        lines = run.stderr.decode(errors="replace").strip().splitlines()
        raise ValueError(f"pdftotext failed ({lines[0] if lines else f'exit code {run.returncode}'})")
    for page, text in enumerate(run.stdout.decode("utf-8", errors="replace").split("\f"), start=1):
        if text.strip():
            yield _Part(text, f"page {page}")


def _output_text(data: dict) -> Iterator[tuple[str, str]]:
    """(mimetype, text) of one output's data: every textual type, plotly JSON serialised."""
    for mime, value in data.items():
        if mime.startswith("image/") and mime != "image/svg+xml":
            continue
        if isinstance(value, str):
            yield mime, value
        elif isinstance(value, list):
            yield mime, "".join(map(str, value))
        else:
            text = json.dumps(value, ensure_ascii=False, default=str)
            yield mime, text + "\n" + _bdata_text(text)


def _ipynb_parts(path: Path) -> Iterator[_Part]:
    import nbformat

    raw = path.read_bytes().decode("utf-8", errors="replace")
    with warnings.catch_warnings():  # validation warnings (missing cell ids…) do not matter here
        warnings.simplefilter("ignore")
        nb = nbformat.reads(raw, as_version=4)
    yield _Part(json.dumps(nb.get("metadata", {}), ensure_ascii=False, default=str), "notebook metadata")
    for i, cell in enumerate(nb.cells, start=1):
        yield _Part(cell.get("source", ""), f"cell {i} source", _line_of)
        for j, out in enumerate(cell.get("outputs", []), start=1):
            where = f"cell {i} output {j}"
            if "text" in out:
                yield _Part(out["text"], where, _line_of)
            for mime, text in _output_text(out.get("data", {})):
                yield _Part(text, f"{where} {mime}")
            if out.get("output_type") == "error":
                yield _Part("\n".join([out.get("evalue", ""), *out.get("traceback", [])]), f"{where} error")
    yield _Part(raw, "notebook JSON", _line_of)  # catch-all: attachments, widget state, anything else


def _parts(path: Path) -> Iterator[_Part]:
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return _parquet_parts(path)
    if suffix == ".xlsx":
        return _xlsx_parts(path)
    if suffix in ZIP_XML_SUFFIXES:
        return _zip_xml_parts(path)
    if suffix in HTML_SUFFIXES:
        return _html_parts(path)
    if suffix == ".pdf":
        return _pdf_parts(path)
    if suffix == ".ipynb":
        return _ipynb_parts(path)
    if suffix in TEXT_SUFFIXES:
        return _text_parts(path)
    raise ValueError(
        f"{path}: unsupported output type {suffix!r} (supported: {', '.join(SUPPORTED_SUFFIXES)})"
    )


def extract_text(path: Path) -> str:
    """All the text of an output file that the scanner looks at, as one string.

    ``.parquet``: column names, metadata and every value as text (one per line);
    ``.csv``/``.tsv``/``.txt``/``.json``/``.md``/``.svg``: the file; ``.xlsx``: sheet names and
    every cell value, plus the XML parts (comments, charts); ``.html``: the raw HTML and its
    text without tags, unescaped; ``.pdf``: ``pdftotext -layout`` (raises
    :class:`MissingToolError` if it is not installed); ``.ipynb``: metadata, every cell
    source and every textual output (plotly JSON serialised, base64 arrays decoded).
    Numbers hidden in plotly's base64 arrays are decoded wherever they appear.
    """
    return "\n".join(part.text for part in _parts(Path(path)))


# --- walking output folders --------------------------------------------------------------------------


@dataclass(frozen=True)
class ScanResult:
    findings: list[Finding]
    scanned: list[Path] = field(default_factory=list)
    #: files of types the scanner does not read (images, …)
    unsupported: list[Path] = field(default_factory=list)
    #: files with a name, phone or NIK found, or unreadable
    failed: list[Path] = field(default_factory=list)


def _walk(folder: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for f in sorted(files):
            yield Path(root) / f


def _scan(output_dirs: Iterable[Path], pii: PiiSet, *, allow_missing_tools: bool) -> ScanResult:
    out = ScanResult([])
    for folder in map(Path, output_dirs):
        if not folder.is_dir():
            raise io.InputError(f"{folder}: output folder not found")
        for path in _walk(folder):  # paths start with the folder as given, so they show as typed
            if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                out.unsupported.append(path)
                continue
            name = _Part(path.relative_to(folder).as_posix(), "file name")
            try:
                found = _findings([name, *_parts(path)], pii, path.as_posix())
            except MissingToolError:
                if not allow_missing_tools:
                    raise
                out.findings.append(
                    Finding("skipped", "", _redact(f"{path.as_posix()} ({_NO_PDFTOTEXT})", pii))
                )
                continue
            except Exception as e:  # a broken output cannot be certified free of personal data
                lines = str(e).strip().splitlines()
                reason = lines[0] if lines else type(e).__name__
                found = [Finding("unreadable", "", _redact(f"{path.as_posix()} ({reason})", pii))]
            out.findings.extend(found)
            out.scanned.append(path)
            if found:
                out.failed.append(path)
    return out


def scan(output_dirs: Iterable[Path], pii: PiiSet, *, allow_missing_tools: bool = False) -> ScanResult:
    """Scan every supported file under ``output_dirs``: the findings plus which files were scanned,
    not supported, or failed (see :func:`scan_outputs`)."""
    return _scan(output_dirs, pii, allow_missing_tools=allow_missing_tools)


def scan_outputs(output_dirs: list[Path], pii: PiiSet, *, allow_missing_tools: bool = False) -> list[Finding]:
    """Scan every supported file under ``output_dirs`` (recursively; hidden folders skipped).

    Returns the findings: names, phones and NIKs of ``pii`` (one per distinct value per
    file, masked, located by path relative to the folder and a hint such as column, sheet and
    cell, line or page); ``unreadable`` for files that could not be read (they cannot be
    certified); ``skipped`` for PDFs when pdftotext is missing and ``allow_missing_tools``
    (otherwise :class:`MissingToolError`). Files of other types are not scanned.
    """
    return _scan(output_dirs, pii, allow_missing_tools=allow_missing_tools).findings
