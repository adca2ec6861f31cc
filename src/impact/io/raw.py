"""Reading raw exports: the folder layout, survey and sales files, every cell as text.

Raw files are read with every column as text (ids, phones and NIKs are never
numbers), and each row keeps where it came from: ``source_file`` (path relative
to the raw folder) and ``source_row`` (the row number a person sees when opening
the file in a spreadsheet: the header is row 1). Files are never modified.
"""

from __future__ import annotations

import contextlib
import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from impact._text import first_line as _first_line
from impact.errors import InputError

__all__ = [
    "EXTRA_FIELDS",
    "INCOMPLETE",
    "SALES_SUFFIXES",
    "SOURCE_COLUMNS",
    "SURVEY_SUFFIXES",
    "RawFile",
    "list_raw_files",
    "parquet_row_groups",
    "read_csv_text",
    "read_sales_file",
    "read_survey_file",
    "read_xlsx_text",
    "sales_header",
    "sales_members",
    "sniff_delimiter",
]

SOURCE_COLUMNS = ("source_file", "source_row")
#: refuse to inflate an XLSX beyond this many bytes (zip bombs)
MAX_XLSX_UNCOMPRESSED = 2_000_000_000
#: …and beyond this many bytes when the compression ratio exceeds MAX_XLSX_RATIO (real exports: < 20:1)
MAX_XLSX_BOMB_SIZE = 100_000_000
MAX_XLSX_RATIO = 100
SURVEY_SUFFIXES = (".csv", ".xlsx")
SALES_SUFFIXES = (".csv", ".xlsx", ".parquet")


@dataclass
class RawFile:
    """One raw export read as text: the cells, and how it was read."""

    name: str
    frame: pd.DataFrame
    notes: dict[str, object] = field(default_factory=dict)


def list_raw_files(raw_dir: Path) -> dict[str, list[Path]]:
    """The raw files of a folder laid out by the data contract, in export (name) order.

    Returns ``{"survey": [...], "forms": [...], "sales": [...]}``: the survey exports
    (``survey/*.csv|xlsx``, whatever their names; which is a baseline and which a follow-up is
    decided by :func:`impact.clean.exports.read_survey_exports`), the form definitions
    (``survey/forms/*.xlsx``) and the sales exports. Raises :class:`InputError` if the folder or
    its ``survey/`` part is missing or holds no export.
    """
    raw_dir = Path(raw_dir)

    def files_below(folder: str, *, recursive: bool) -> list[tuple[str, ...]]:
        base = raw_dir / folder
        found = (base.rglob("*") if recursive else base.iterdir()) if base.is_dir() else []
        return [f.relative_to(base).parts for f in found if f.is_file()]

    names = layout(str(raw_dir), is_dir=lambda folder: (raw_dir / folder).is_dir(), files_below=files_below)
    return {kind: [raw_dir / n for n in v] for kind, v in names.items()}


def layout(location: str, *, is_dir, files_below) -> dict[str, list[str]]:
    """Which files of a raw folder are which export, as names relative to it, in export order.

    Shared by local folders and URLs, which differ only in ``is_dir(folder)`` and
    ``files_below(folder, recursive=…)`` (path parts of the files below ``folder``).
    """
    if not is_dir(""):
        raise InputError(f"{location}: raw folder not found")
    if not is_dir("survey"):
        raise InputError(f"{location}: no survey/ folder (expected the survey exports, .csv or .xlsx)")

    def usable(parts: tuple[str, ...], suffixes: tuple[str, ...]) -> bool:
        name = parts[-1]
        return Path(name).suffix.lower() in suffixes and not name.startswith((".", "_", "~$"))

    survey = sorted(p[0] for p in files_below("survey", recursive=False) if usable(p, SURVEY_SUFFIXES))
    forms = sorted(p[0] for p in files_below("survey/forms", recursive=False) if usable(p, (".xlsx",)))
    out = {
        "survey": [f"survey/{n}" for n in survey],
        "forms": [f"survey/forms/{n}" for n in forms],
        "sales": ["sales/" + "/".join(m) for m in sales_members(files_below("sales", recursive=True))],
    }
    if not out["survey"]:
        raise InputError(f"{location}/survey: no survey export (.csv or .xlsx) in it")
    return out


def sales_members(paths) -> list[tuple[str, ...]]:
    """The order exports among files under ``sales/`` (each given as its path parts below it), in
    export order: sorted by path, so ``sales/2024/01/part-0.parquet`` (a partitioned dataset, e.g.
    ``year=2024/month=01/``) sorts as its folders do. Names starting with ``.`` or ``_`` anywhere
    in the path (temporary files, ``_SUCCESS``, ``_metadata``) and other suffixes are left out.
    """
    return sorted(
        parts
        for parts in paths
        if parts
        and Path(parts[-1]).suffix.lower() in SALES_SUFFIXES
        and not any(part.startswith((".", "_")) for part in parts)
    )


# --- text files --------------------------------------------------------------------------------


def _decode(data: bytes, name: str) -> tuple[str, str]:
    """Decode bytes as UTF-8 (with or without BOM), else Windows-1252."""
    if b"\x00" in data:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            with contextlib.suppress(UnicodeDecodeError):
                return data.decode("utf-16"), "utf-16"
        raise InputError(f"{name}: contains NUL bytes — not a text export (re-export it as CSV or XLSX)")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def sniff_delimiter(header_line: str) -> str:
    """``;`` (Kobo default), ``,`` or tab: the one that splits the header line into most fields."""
    counts = {d: len(next(csv.reader([header_line], delimiter=d))) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: (counts[d], d == ";"))
    return best if counts[best] > 1 else ","


#: largest CSV cell accepted (characters); Python's csv module defaults to 128 KiB
MAX_CSV_FIELD = 256 * 1024 * 1024
#: column of a survey frame naming the first missing field of a row cut short ("" when complete)
INCOMPLETE = "_incomplete"
#: what :data:`INCOMPLETE` holds for a row with more (non-empty) fields than the header
EXTRA_FIELDS = "(fields beyond the header)"


def _sniff_record(text: str) -> str:
    """The delimiter that splits the file's first record (possibly several lines) into most fields."""
    head = text[: 1 << 20].lstrip("\ufeff")
    counts = {}
    for d in (";", ",", "\t"):
        try:
            first = next(csv.reader(io.StringIO(head, newline=""), delimiter=d), [])
        except csv.Error:
            first = []
        counts[d] = len(first)
    best = max(counts, key=lambda d: (counts[d], d == ";"))
    return best if counts[best] > 1 else sniff_delimiter(head.split("\n", 1)[0].rstrip("\r"))


def _strip_nul(data: bytes) -> tuple[bytes, int]:
    """Remove NUL bytes from a byte-oriented (non UTF-16) text export; return (bytes, how many)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data, 0
    n = data.count(b"\x00")
    return (data.replace(b"\x00", b""), n) if n else (data, 0)


def _csv_rows(text: str, sep: str, name: str) -> list[list[str]]:
    """Split CSV text into records (blank lines skipped); a quoted field left open is an InputError."""
    previous = csv.field_size_limit(MAX_CSV_FIELD)
    rows: list[list[str]] = []
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)
        try:
            for r in reader:
                if r:
                    rows.append(r)
        except csv.Error as e:
            if "unexpected end of data" not in str(e):  # a stray quote: read leniently, as Excel would
                reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
                rows = [r for r in reader if r]
            else:
                raise InputError(
                    f"{name}: row {len(rows) + 1} (line {reader.line_num}): a quoted field is never closed "
                    "— the file looks cut off; export it again"
                ) from None
    except csv.Error as e:
        raise InputError(f"{name}: cannot be read as CSV ({_first_line(e)})") from None
    finally:
        csv.field_size_limit(previous)
    return rows


def read_csv_text(path: Path, name: str) -> RawFile:
    """Read a small CSV export (survey) completely as text.

    NUL bytes are removed (counted in ``notes["nul_bytes_removed"]``). The delimiter is the one
    that splits the first *record* (not line: a quoted header may span lines) into most fields.
    A row with fewer fields than the header (a file cut off mid-row) is kept, with the name of
    its first missing column in the :data:`INCOMPLETE` column, for cleaning to set it aside
    whole. Extra trailing fields that are empty are dropped; a row with non-empty ones (its
    values shifted, e.g. by Kobo's extra column for an answer not in the form) is marked
    :data:`EXTRA_FIELDS` there, to be set aside whole too.
    """
    data = Path(path).read_bytes()
    if not data.strip():
        raise InputError(f"{name}: file is empty")
    data, nul = _strip_nul(data)
    text, encoding = _decode(data, name)
    sep = _sniff_record(text)
    rows = _csv_rows(text, sep, name)
    if not rows:
        raise InputError(f"{name}: file is empty")
    header, body = rows[0], rows[1:]
    if len(header) == 1 and "|" in header[0]:
        raise InputError(f"{name}: the header is separated by '|' — export with ';', ',' or tab")
    width = len(header)
    cells, missing = [], []
    for r in body:
        extra = len(r) > width and any(v.strip() for v in r[width:])
        if len(r) > width:
            r = r[:width]
        missing.append(EXTRA_FIELDS if extra else header[len(r)] if len(r) < width else "")
        cells.append(r + [""] * (width - len(r)))
    frame = pd.DataFrame(cells, columns=header, dtype=object) if cells else pd.DataFrame(columns=header)
    frame = frame.astype(object)
    notes: dict[str, object] = {"encoding": encoding, "delimiter": sep}
    if nul:
        notes["nul_bytes_removed"] = nul
    if any(missing):
        notes[INCOMPLETE] = missing
    return RawFile(name, frame, notes)


# --- spreadsheets --------------------------------------------------------------------------------


def _cell_text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if np.isfinite(v) and v.is_integer() and abs(v) < 1e15:
            return str(int(v))
        return repr(v)
    if isinstance(v, datetime):
        return v.isoformat(sep=" ") if (v.hour or v.minute or v.second) else v.date().isoformat()
    if isinstance(v, date):
        return v.isoformat()
    return str(v)


def read_xlsx_text(path: Path, name: str, *, sheet: str | None = None) -> RawFile:
    """Read the main sheet of an XLSX export (the first worksheet, or ``sheet``) as text.

    Kobo's XLSX puts the main form first and one sheet per repeat group after it;
    numbers stored as numeric cells become their plain text (``3500000.0`` → ``3500000``).
    """
    from openpyxl import load_workbook

    path = Path(path)
    if not zipfile.is_zipfile(path):
        raise InputError(f"{name}: not a valid XLSX file (not a zip archive)")
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise InputError(f"{name}: not a valid XLSX file ({_first_line(e)})") from None
    total = sum(i.file_size for i in infos)
    packed = max(sum(i.compress_size for i in infos), 1)
    if total > MAX_XLSX_UNCOMPRESSED or (total > MAX_XLSX_BOMB_SIZE and total / packed > MAX_XLSX_RATIO):
        raise InputError(
            f"{name}: XLSX would inflate to {total:,} bytes from {packed:,} ({total / packed:,.0f}:1) "
            "— refusing (zip bomb?)"
        )
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many types for broken files
        raise InputError(f"{name}: not a readable XLSX file ({_first_line(e)})") from None
    try:
        sheets = [ws for ws in wb.worksheets if ws.__class__.__name__ != "Chartsheet"]
        if not sheets:
            raise InputError(f"{name}: no worksheet with data")
        ws = next((s for s in sheets if s.title == sheet), sheets[0]) if sheet else sheets[0]
        rows = [[_cell_text(v) for v in r] for r in ws.iter_rows(values_only=True)]
    except InputError:
        raise
    except Exception as e:  # broken sheet XML surfaces only while iterating
        raise InputError(f"{name}: sheet cannot be read ({_first_line(e)})") from None
    finally:
        wb.close()
    if not rows:
        raise InputError(f"{name}: sheet {ws.title!r} is empty")
    header = [h.strip() for h in rows[0]]
    while header and header[-1] == "":
        header.pop()
    width = len(header)
    body = [(r + [""] * width)[:width] for r in rows[1:]]
    frame = (
        pd.DataFrame(body, columns=header, dtype=object).astype(str) if body else pd.DataFrame(columns=header)
    )
    return RawFile(
        name, frame.astype(object), {"sheet": ws.title, "sheets": [s.title for s in wb.worksheets]}
    )


# --- large sales files ----------------------------------------------------------------------------


def sales_header(path: Path, name: str) -> list[str] | None:
    """The column names of a Parquet sales export as stored (None for other formats).

    Raises :class:`InputError` naming the file when it is not readable Parquet.
    """
    if Path(path).suffix.lower() != ".parquet":
        return None
    try:
        return list(pq.read_schema(path).names)
    except (pa.ArrowException, OSError) as e:
        raise InputError(f"{name}: not a readable Parquet file ({_first_line(e)})") from None


def parquet_row_groups(path: Path, name: str) -> list[int]:
    """The number of rows of each row group of a Parquet file (InputError naming it if unreadable)."""
    try:
        meta = pq.read_metadata(path)
    except (pa.ArrowException, OSError) as e:
        raise InputError(f"{name}: not a readable Parquet file ({_first_line(e)})") from None
    return [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]


def read_sales_file(
    path: Path, name: str, *, encoded: tuple[str, ...] = (), row_groups: list[int] | None = None
) -> RawFile:
    """Read a platform order export (CSV, XLSX or Parquet) with every column as text.

    Large CSV and Parquet files go through pyarrow (multi-threaded, no Python per row);
    the text columns are pyarrow-backed pandas strings. ``encoded``: columns of a Parquet file
    (names as stored, see :func:`sales_header`) to read as Arrow dictionaries of their text
    (``pd.ArrowDtype(dictionary<int32, string>)``): the file's own dictionary pages, so that a
    column of few distinct values is never turned into one string per row. Text columns only;
    other formats and other column types ignore it. ``row_groups``: read only these row groups
    of a Parquet file (all when None).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return read_xlsx_text(path, name)
    if suffix == ".parquet":
        try:
            schema = pq.read_schema(path) if encoded else None
            text = [c for c in encoded if schema is not None and _is_text(schema.field(c).type)]
            if row_groups is None:
                table = pq.read_table(path, read_dictionary=text or None)
            else:
                table = pq.ParquetFile(path, read_dictionary=text or None).read_row_groups(row_groups)
        except (pa.ArrowException, OSError, KeyError) as e:
            raise InputError(f"{name}: not a readable Parquet file ({_first_line(e)})") from None
        return RawFile(name, text_frame(table), {"format": "parquet"})
    with path.open("rb") as fh:
        head = head_line(fh)
    encoding, sep, names = sales_csv_header(head, name)
    if b"\n" not in head and path.stat().st_size == len(head):  # a header line alone, no line end
        return RawFile(name, empty_text([n.strip() for n in names]), {"format": "csv", "delimiter": sep})
    table = read_sales_csv(path, name, encoding=encoding, sep=sep, names=names, header=True)
    return RawFile(name, text_frame(table), {"format": "csv", "delimiter": sep})


def empty_text(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=pd.StringDtype("pyarrow")) for c in columns})


def head_line(fh) -> bytes:
    """The first line of a file (up to 1 MiB); for UTF-16 (a byte-order mark), the first 1 MiB of
    whole two-byte units, since its line end is two bytes."""
    head = fh.readline(1 << 20)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head += fh.read(1 << 20)
        head = head[: len(head) // 2 * 2]
    return head


def sales_csv_header(head: bytes, name: str) -> tuple[str, str, list[str]]:
    """``(encoding, delimiter, column names)`` of a sales CSV from its first line."""
    if not head.strip():
        raise InputError(f"{name}: file is empty")
    text, encoding = _decode(head, name)
    first = text.split("\n", 1)[0].rstrip("\r").lstrip("\ufeff")
    sep = sniff_delimiter(first)
    return encoding, sep, next(csv.reader([first], delimiter=sep))


def read_sales_csv(
    source,
    name: str,
    *,
    encoding: str,
    sep: str,
    names: list[str],
    header: bool,
    only: list[str] | None = None,
) -> pa.Table:
    """Parse sales CSV (a whole file, or one block of it: a path or bytes) with every column as text.

    ``header``: the source starts with the header line (taken from it, as for a whole file);
    otherwise the rows are named ``names``. ``only``: read just these (raw) columns. Text that
    is not valid UTF-8 (a Windows export whose header happens to be plain ASCII) is read again
    as Windows-1252.
    """
    try:
        return pacsv.read_csv(
            pa.BufferReader(source) if isinstance(source, bytes) else source,
            read_options=pacsv.ReadOptions(
                encoding="utf8" if encoding == "utf-8" else encoding,
                column_names=None if header else names,
            ),
            parse_options=pacsv.ParseOptions(delimiter=sep, newlines_in_values=False),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                include_columns=only,
            ),
        )
    except (pa.ArrowException, OSError) as e:
        if encoding == "utf-8" and "invalid UTF8" in str(e):
            return read_sales_csv(
                source, name, encoding="cp1252", sep=sep, names=names, header=header, only=only
            )
        raise InputError(f"{name}: cannot be read as CSV ({_first_line(e)})") from None


#: how :func:`text_frame` keeps a dictionary-encoded text column
TEXT_DICTIONARY = pa.dictionary(pa.int32(), pa.string())


def text_frame(table: pa.Table) -> pd.DataFrame:
    """Every column as pyarrow-backed text, names stripped of surrounding spaces.

    Dictionary-encoded text columns stay encoded (``pd.ArrowDtype`` of :data:`TEXT_DICTIONARY`).
    """
    table = pa.table(
        [c.cast(TEXT_DICTIONARY if _is_text_dictionary(c.type) else pa.string()) for c in table.columns],
        names=[n.strip() for n in table.column_names],
    )
    return table.to_pandas(types_mapper=_str_mapper)


def _is_text(t: pa.DataType) -> bool:
    return pa.types.is_string(t) or pa.types.is_large_string(t)


def _is_text_dictionary(t: pa.DataType) -> bool:
    return pa.types.is_dictionary(t) and _is_text(t.value_type)


def _str_mapper(t: pa.DataType) -> pd.api.extensions.ExtensionDtype | None:
    if _is_text_dictionary(t):
        return pd.ArrowDtype(t)
    return pd.StringDtype("pyarrow") if _is_text(t) else None


def read_survey_file(path: Path, name: str) -> RawFile:
    """Read a survey export (CSV or XLSX) as text."""
    if Path(path).suffix.lower() == ".xlsx":
        return read_xlsx_text(path, name)
    return read_csv_text(path, name)
