"""Sales exports in partitions (the Dask engine), raw folders at fsspec URLs, and file hashes.

Planning reads only CSV header lines and Parquet footers; each partition then parses exactly
as :func:`impact.io.raw.read_sales_file` parses the whole file, so a file's partitions, in
order, are its rows.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from impact._text import first_line as _first_line
from impact.errors import InputError
from impact.io.raw import (
    empty_text,
    head_line,
    layout,
    list_raw_files,
    read_sales_csv,
    read_xlsx_text,
    sales_csv_header,
    text_frame,
)

__all__ = [
    "DEFAULT_BLOCKSIZE",
    "DEFAULT_PART_ROWS",
    "SalesPart",
    "fetch_survey",
    "is_url",
    "list_raw_urls",
    "plan_sales_parts",
    "read_sales_part",
    "sha256",
]

#: bytes of CSV per partition (a block ends at the first line end after it)
DEFAULT_BLOCKSIZE = 64 * 2**20
#: rows of Parquet per partition (whole row groups; a larger row group is one partition)
DEFAULT_PART_ROWS = 1_000_000


@dataclass(frozen=True)
class SalesPart:
    """One partition of the sales exports: a byte range of a CSV, row groups of a Parquet file, or a
    whole XLSX. Partitions are numbered (``block``) in export order: file name order, then position.
    """

    url: str  #: local path or fsspec URL of the file
    name: str  #: path relative to the raw folder (``source_file``)
    file_index: int
    block: int
    fmt: str  #: "csv", "parquet" or "xlsx"
    columns: tuple[str, ...]  #: the file's column names as written in it
    offset: int = 0
    length: int = 0
    row_groups: tuple[int, ...] = ()
    encoding: str = "utf-8"
    sep: str = ","
    #: how the file was read, for the audit (as :func:`read_sales_file` notes it)
    notes: dict[str, object] = field(default_factory=dict, compare=False)


def is_url(location: str | Path) -> bool:
    """Whether ``location`` is an fsspec URL (``s3://…``, ``file://…``) rather than a local path."""
    return "://" in str(location)


def _fs(url: str):
    import fsspec

    return fsspec.core.url_to_fs(url)


def list_raw_urls(raw_dir: str | Path) -> dict[str, list[tuple[str, str]]]:
    """:func:`list_raw_files` for a local folder or an fsspec URL: ``(url, name)`` per file.

    ``name`` is the path relative to the raw folder, as in the audit and quarantine.
    """
    if not is_url(raw_dir):
        files = list_raw_files(Path(raw_dir))
        return {k: [(str(p), p.relative_to(raw_dir).as_posix()) for p in v] for k, v in files.items()}
    prefix = str(raw_dir).rstrip("/")
    fs, root = _fs(prefix)
    root = root.rstrip("/")

    def files_below(folder: str, *, recursive: bool) -> list[tuple[str, ...]]:
        base = f"{root}/{folder}"
        if not fs.isdir(base):
            return []
        return [
            tuple(f[len(base) + 1 :].split("/")) for f in fs.find(base, maxdepth=None if recursive else 1)
        ]

    names = layout(
        prefix, is_dir=lambda folder: fs.isdir(f"{root}/{folder}".rstrip("/")), files_below=files_below
    )
    return {kind: [(f"{prefix}/{n}", n) for n in v] for kind, v in names.items()}


def fetch_survey(raw_dir: str, files: dict[str, list[tuple[str, str]]], target: Path, marker: str) -> Path:
    """Copy the (small) survey files of a remote raw folder, its sample marker, programme
    configuration and corrections log into ``target``."""
    fs, root = _fs(str(raw_dir))
    for url, name in files["survey"] + files["forms"]:
        dest = target / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(fs.cat_file(_fs(url)[1]))
    for extra in (marker, "programme.toml", "corrections.csv"):
        if fs.isfile(f"{root.rstrip('/')}/{extra}"):
            (target / extra).write_bytes(fs.cat_file(f"{root.rstrip('/')}/{extra}"))
    return target


def plan_sales_parts(
    files: list[tuple[str, str]], *, blocksize: int = DEFAULT_BLOCKSIZE, part_rows: int = DEFAULT_PART_ROWS
) -> list[SalesPart]:
    """Split sales exports into partitions, reading only CSV header lines and Parquet footers.

    An empty CSV, an unreadable Parquet footer or a remote XLSX raises :class:`InputError`
    naming the file, before any partition is read.
    """
    parts: list[SalesPart] = []
    for i, (url, name) in enumerate(files):
        fs, path = _fs(url)
        suffix = Path(name).suffix.lower()
        if suffix == ".xlsx":
            if is_url(url) and not url.startswith("file://"):
                raise InputError(
                    f"{name}: XLSX sales exports must be local for the Dask engine; export CSV or Parquet"
                )
            rf = read_xlsx_text(Path(path), name)
            parts.append(
                SalesPart(
                    url, name, i, len(parts), "xlsx", tuple(map(str, rf.frame.columns)), notes=dict(rf.notes)
                )
            )
        elif suffix == ".parquet":
            try:
                with fs.open(path, "rb") as fh:
                    meta = pq.ParquetFile(fh).metadata
            except (pa.ArrowException, OSError) as e:
                raise InputError(f"{name}: not a readable Parquet file ({_first_line(e)})") from None
            names = tuple(meta.schema.to_arrow_schema().names)
            groups, rows = [], 0
            for g in range(meta.num_row_groups):
                if groups and rows + meta.row_group(g).num_rows > part_rows:
                    parts.append(
                        SalesPart(url, name, i, len(parts), "parquet", names, row_groups=tuple(groups))
                    )
                    groups, rows = [], 0
                groups.append(g)
                rows += meta.row_group(g).num_rows
            parts.append(
                SalesPart(
                    url,
                    name,
                    i,
                    len(parts),
                    "parquet",
                    names,
                    row_groups=tuple(groups),
                    notes={"format": "parquet"},
                )
            )
        else:
            with fs.open(path, "rb") as fh:
                head = head_line(fh)
            encoding, sep, names = sales_csv_header(head, name)
            size = fs.size(path)
            # a line end is one byte only in these encodings; any other (UTF-16) is read whole
            step = blocksize if encoding in ("utf-8", "cp1252") else max(size, 1)
            for offset in range(0, max(size, 1), step):
                parts.append(
                    SalesPart(
                        url,
                        name,
                        i,
                        len(parts),
                        "csv",
                        tuple(names),
                        offset=offset,
                        length=step,
                        encoding=encoding,
                        sep=sep,
                        notes={"format": "csv", "delimiter": sep},
                    )
                )
    return parts


def read_sales_part(part: SalesPart, *, only: list[str] | None = None) -> pd.DataFrame:
    """The rows of one partition as text columns (all, or those of ``part.columns`` in ``only``).

    Column names come out stripped of surrounding spaces, as from :func:`read_sales_file`.

    Parsed exactly as :func:`read_sales_file` parses the whole file, so the partitions of a
    file, in order, are its rows.
    """
    if part.fmt == "xlsx":
        frame = read_xlsx_text(Path(_fs(part.url)[1]), part.name).frame
        return frame if only is None else frame[only]
    fs, path = _fs(part.url)
    if part.fmt == "parquet":
        try:
            with fs.open(path, "rb") as fh:
                table = pq.ParquetFile(fh).read_row_groups(list(part.row_groups), columns=only)
        except (pa.ArrowException, OSError) as e:
            raise InputError(f"{part.name}: not a readable Parquet file ({_first_line(e)})") from None
        return text_frame(table)
    from fsspec.utils import read_block

    names = list(part.columns)
    if part.encoding not in ("utf-8", "cp1252"):  # one partition per file (see plan_sales_parts)
        with fs.open(path, "rb") as fh:
            table = read_sales_csv(
                fh, part.name, encoding=part.encoding, sep=part.sep, names=names, header=True, only=None
            )
        frame = text_frame(table)
        return frame if only is None else frame[[c.strip() for c in only]]
    with fs.open(path, "rb") as fh:
        data = read_block(fh, part.offset, part.length, delimiter=b"\n")
    if part.offset == 0:  # the block holding the header: drop the header line, keep its bytes' encoding
        data = data.split(b"\n", 1)[1] if b"\n" in data else b""
    if not data:
        return empty_text([c.strip() for c in (only or names)])
    table = read_sales_csv(
        data, part.name, encoding=part.encoding, sep=part.sep, names=names, header=False, only=only
    )
    return text_frame(table)


def sha256(location: str | Path) -> str:
    """SHA-256 of a file (local path or fsspec URL), read in 1 MiB chunks."""
    h = hashlib.sha256()
    opener = _fs(str(location)) if is_url(location) else None
    with opener[0].open(opener[1], "rb") if opener else Path(location).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
