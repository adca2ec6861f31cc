"""Input and output: the only code that opens files.

- :mod:`~impact.io.raw`: the raw folder's layout and exports, every cell read as text;
- :mod:`~impact.io.parts`: sales exports in partitions, raw folders at URLs, file hashes;
- :mod:`~impact.io.processed`: the processed folder (atomic writes, :func:`load`);
- :mod:`~impact.io.reference`: minimum wages and CPI files (bundled, or a programme's own);
- :mod:`~impact.io.secret`: the pseudonymisation secret;
- :mod:`~impact.io.formulas`: spreadsheet-safe text.
"""

from __future__ import annotations

from impact.errors import InputError
from impact.io.corrections import CORRECTIONS_FILE, empty_corrections, read_corrections
from impact.io.formulas import FORMULA_START, neutralise_formulas
from impact.io.parts import (
    DEFAULT_BLOCKSIZE,
    DEFAULT_PART_ROWS,
    SalesPart,
    fetch_survey,
    is_url,
    list_raw_urls,
    plan_sales_parts,
    read_sales_part,
    sha256,
)
from impact.io.processed import (
    LINEAGE_DIR,
    REVIEW_FILE,
    ProcessedWriter,
    atomic_dir,
    empty_like_parquet,
    load,
    processed_writer,
    read_audit,
    read_cohorts,
    remove_stale_siblings,
    write_csv_safe,
    write_json,
    write_parquet,
    write_processed,
)
from impact.io.programme import (
    PROGRAMME_FILE,
    PROGRAMME_JSON,
    find_programme,
    programme_for,
    read_programme,
    read_programme_json,
)
from impact.io.raw import (
    INCOMPLETE,
    SALES_SUFFIXES,
    SOURCE_COLUMNS,
    SURVEY_SUFFIXES,
    RawFile,
    list_raw_files,
    parquet_row_groups,
    read_csv_text,
    read_sales_file,
    read_survey_file,
    read_xlsx_text,
    sales_header,
    sales_members,
    sniff_delimiter,
)
from impact.io.reference import ReferenceFiles, bundled_reference_dir, read_reference
from impact.io.secret import resolve_secret

__all__ = [
    "CORRECTIONS_FILE",
    "DEFAULT_BLOCKSIZE",
    "DEFAULT_PART_ROWS",
    "FORMULA_START",
    "INCOMPLETE",
    "LINEAGE_DIR",
    "PROGRAMME_FILE",
    "PROGRAMME_JSON",
    "REVIEW_FILE",
    "SALES_SUFFIXES",
    "SOURCE_COLUMNS",
    "SURVEY_SUFFIXES",
    "InputError",
    "ProcessedWriter",
    "RawFile",
    "ReferenceFiles",
    "SalesPart",
    "atomic_dir",
    "bundled_reference_dir",
    "empty_corrections",
    "empty_like_parquet",
    "fetch_survey",
    "find_programme",
    "is_url",
    "list_raw_files",
    "list_raw_urls",
    "load",
    "neutralise_formulas",
    "parquet_row_groups",
    "plan_sales_parts",
    "processed_writer",
    "programme_for",
    "read_audit",
    "read_cohorts",
    "read_corrections",
    "read_csv_text",
    "read_programme",
    "read_programme_json",
    "read_reference",
    "read_sales_file",
    "read_sales_part",
    "read_survey_file",
    "read_xlsx_text",
    "remove_stale_siblings",
    "resolve_secret",
    "sales_header",
    "sales_members",
    "sha256",
    "sniff_delimiter",
    "write_csv_safe",
    "write_json",
    "write_parquet",
    "write_processed",
]
