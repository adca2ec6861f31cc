"""Build the corpus of broken raw inputs used by ``tests/test_hardening.py``.

    python tests/data/bad/make_corpus.py            # (re)write every case under tests/data/bad/
    python tests/data/bad/make_corpus.py --big-cell DIR   # also the 10 MB-cell case, into DIR only

Each case is a small raw folder ``<case>/raw/{survey,sales}/...`` built from one valid base
(3 baseline participants, 3 follow-ups, 5 orders) with one thing broken, plus
``SYNTHETIC_SAMPLE.txt`` so the demo secret applies. Deterministic: the same bytes every run.
The expected outcome of each case is in ``tests/test_hardening.py``.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

from impact.clean.sales import SALES_FIELDS

HERE = Path(__file__).resolve().parent
MARKER = "Synthetic broken-input case for tests. Every person in it is fake.\n"
BASELINE = "survey/baseline_sukabumi-2023.csv"
FOLLOWUP = "survey/followup_sukabumi-2023.csv"
ORDERS = "sales/orders_2023-10.csv"

BASE_HEADER = [
    "start",
    "participant_code",
    "cohort",
    "respondent/full_name",
    "respondent/phone",
    "respondent/gender",
    "respondent/birth_year",
    "respondent/district",
    "union/confederation",
    "union/federation",
    "employment/layoff_date",
    "employment/last_monthly_wage",
    "income/current_monthly",
    "targets/monthly",
    "reseller/account_id",
    "training/sessions_attended",
    "_submission_time",
]
BASE_ROWS = [
    [
        "2023-09-12T08:30:00+07:00",
        "SKB23-001",
        "sukabumi-2023",
        "Siti Nurhaliza",
        "081200000001",
        "P",
        "1980",
        "Kota Sukabumi",
        "KSPN",
        "SP Garmen",
        "2021-04-07",
        "4300000",
        "950000",
        "4000000",
        "EVM-00000001",
        "3",
        "2023-09-12T02:00:00",
    ],
    [
        "2023-09-12T09:30:00+07:00",
        "SKB23-002",
        "sukabumi-2023",
        "Budi Santoso",
        "081200000002",
        "L",
        "1975",
        "Kabupaten Sukabumi",
        "KSBSI",
        "FSB Niba",
        "2022-03-01",
        "3900000",
        "0",
        "3500000",
        "EVM-00000002",
        "2",
        "2023-09-12T03:00:00",
    ],
    [
        "2023-09-12T10:30:00+07:00",
        "SKB23-003",
        "sukabumi-2023",
        "José Muñoz",
        "081200000003",
        "P",
        "1990",
        "Kota Sukabumi",
        "K-SARBUMUSI",
        "PC Sarbumusi",
        "2022-08-15",
        "3600000",
        "1200000",
        "3000000",
        "EVM-00000003",
        "3",
        "2023-09-12T04:00:00",
    ],
]
FU_HEADER = [
    "start",
    "participant_code",
    "wave",
    "respondent/phone",
    "income/total_last_month",
    "income/reseller_last_month",
    "reseller/still_active",
    "employment/reemployed",
    "_submission_time",
]
FU_ROWS = [
    [
        "2023-12-07T09:00:00+07:00",
        "SKB23-001",
        "m3",
        "081200000001",
        "2500000",
        "800000",
        "ya",
        "tidak",
        "2023-12-07T02:30:00",
    ],
    [
        "2023-12-07T10:00:00+07:00",
        "SKB23-002",
        "m3",
        "081200000002",
        "4100000",
        "400000",
        "ya",
        "ya",
        "2023-12-07T03:30:00",
    ],
    [
        "2023-12-08T09:00:00+07:00",
        "SKB23-003",
        "m3",
        "081200000003",
        "1800000",
        "900000",
        "tidak",
        "tidak",
        "2023-12-08T02:30:00",
    ],
]
ORDER_HEADER = list(SALES_FIELDS)
ORDER_ROWS = [
    ["ORD-1", "2023-10-02T10:00:00+07:00", "EVM-00000001", "fashion", "1", "150000", "15000", "Selesai"],
    ["ORD-2", "2023-10-03T11:00:00+07:00", "EVM-00000001", "elektronik", "2", "300000", "24000", "Selesai"],
    ["ORD-3", "2023-10-04T12:00:00+07:00", "EVM-00000002", "fashion", "1", "90000", "9000", "Dibatalkan"],
    ["ORD-4", "2023-10-05T13:00:00+07:00", "EVM-00000003", "rumah", "1", "120000", "12000", "Selesai"],
    ["ORD-5", "2023-10-06T14:00:00+07:00", "EVM-00000003", "fashion", "3", "210000", "21000", "Dikembalikan"],
]


def csv_text(header: list[str], rows: list[list[str]], *, sep: str = ";", quote_all: bool = True) -> str:
    """Kobo-style CSV text: ``;``-separated, every cell quoted, ``\\n`` line ends."""
    buf = io.StringIO()
    w = csv.writer(
        buf, delimiter=sep, lineterminator="\n", quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL
    )
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def _edit(rows: list[list[str]], header: list[str], row: int, **cells: str) -> list[list[str]]:
    out = [list(r) for r in rows]
    for k, v in cells.items():
        out[row][header.index(k.replace("__", "/"))] = v
    return out


def base_files() -> dict[str, bytes]:
    """The valid base: relative path -> bytes."""
    return {
        BASELINE: csv_text(BASE_HEADER, BASE_ROWS).encode(),
        FOLLOWUP: csv_text(FU_HEADER, FU_ROWS, sep=",", quote_all=False).encode(),
        ORDERS: csv_text(ORDER_HEADER, ORDER_ROWS, sep=",", quote_all=False).encode(),
    }


def _deterministic_zip(data: bytes) -> bytes:
    """Rewrite a zip (XLSX) with fixed timestamps and document dates, so its bytes do not change."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in sorted(src.infolist(), key=lambda i: i.filename):
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2024-01-01T00:00:00Z", body)
            dst.writestr(zipfile.ZipInfo(info.filename, (2024, 1, 1, 0, 0, 0)), body, zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def xlsx_with_chart_sheet() -> bytes:
    """A baseline XLSX: a chart sheet first, then the main form, then a repeat-group sheet."""
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference

    wb = Workbook()
    main = wb.active
    main.title = "Registrasi peserta"
    main.append(BASE_HEADER)
    for r in BASE_ROWS:
        main.append(
            [
                int(v) if k == "employment/last_monthly_wage" else v
                for k, v in zip(BASE_HEADER, r, strict=True)
            ]
        )
    rep = wb.create_sheet("income_sources")
    rep.append(["_index", "_parent_index", "source"])
    rep.append(["1", "1", "reseller"])
    chart = BarChart()
    chart.add_data(Reference(main, min_col=12, min_row=1, max_row=4), titles_from_data=True)
    cs = wb.create_chartsheet("Grafik", 0)
    cs.add_chart(chart)
    buf = io.BytesIO()
    wb.save(buf)
    return _deterministic_zip(buf.getvalue())


def xlsx_broken_sheet() -> bytes:
    """A baseline XLSX whose worksheet XML is cut in half (a damaged download)."""
    src = zipfile.ZipFile(io.BytesIO(xlsx_with_chart_sheet()))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                body = body[: len(body) // 2]
            dst.writestr(zipfile.ZipInfo(info.filename, (2024, 1, 1, 0, 0, 0)), body, zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def zip_bomb(inflated: int = 120_000_000) -> bytes:
    """A file named .xlsx whose one sheet inflates to ``inflated`` bytes of spaces (~1000:1)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr(zipfile.ZipInfo("[Content_Types].xml", (2024, 1, 1, 0, 0, 0)), "<Types/>")
        info = zipfile.ZipInfo("xl/worksheets/sheet1.xml", (2024, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        with z.open(info, "w") as fh:
            fh.write(b"<worksheet><sheetData>")
            chunk = b" " * (1 << 20)
            left = inflated
            while left > 0:
                fh.write(chunk[: min(left, len(chunk))])
                left -= len(chunk)
            fh.write(b"</sheetData></worksheet>")
    return buf.getvalue()


def _baseline(rows: list[list[str]], header: list[str] = BASE_HEADER) -> dict[str, bytes]:
    return {BASELINE: csv_text(header, rows).encode()}


def _cut_followup(cut: str) -> dict[str, bytes]:
    text = csv_text(FU_HEADER, FU_ROWS, sep=";")
    last = text.rstrip("\n").rsplit("\n", 1)[1]
    if cut == "quote":  # inside the quoted income of the last row
        keep = text[: text.rindex(last)] + last[: last.index('"2500000"'.replace("2500000", "1800000")) + 4]
    else:  # right after the delimiter that follows the wave
        keep = text[: text.rindex(last)] + last[: last.index('"m3";') + 5]
    return {FOLLOWUP: keep.encode()}


def big_cell(size: int = 10 * 1024 * 1024) -> dict[str, bytes]:
    """A baseline whose federation cell holds ``size`` characters (generated, not committed)."""
    return _baseline(_edit(BASE_ROWS, BASE_HEADER, 1, union__federation="x" * size))


CASES: dict[str, Callable[[], dict[str, bytes | None]]] = {
    "empty_file": lambda: {BASELINE: b""},
    "header_only": lambda: {FOLLOWUP: csv_text(FU_HEADER, []).encode()},
    "wrong_delimiter": lambda: {BASELINE: csv_text(BASE_HEADER, BASE_ROWS, sep="|").encode()},
    "cp1252": lambda: {
        BASELINE: csv_text(
            BASE_HEADER, _edit(BASE_ROWS, BASE_HEADER, 0, respondent__full_name="Renée Ibáñez")
        ).encode("cp1252")
    },
    "utf8_bom": lambda: {BASELINE: b"\xef\xbb\xbf" + csv_text(BASE_HEADER, BASE_ROWS).encode()},
    "duplicated_header": lambda: _baseline(
        [[*r, r[5]] for r in BASE_ROWS], [*BASE_HEADER, "respondent/gender"]
    ),
    "missing_required": lambda: {
        FOLLOWUP: csv_text(
            [h for h in FU_HEADER if h != "income/total_last_month"],
            [
                [v for h, v in zip(FU_HEADER, r, strict=True) if h != "income/total_last_month"]
                for r in FU_ROWS
            ],
        ).encode()
    },
    "unknown_columns": lambda: _baseline(
        [[*r, "x", "y"] for r in BASE_ROWS], [*BASE_HEADER, "enumerator_note", "gps/altitude"]
    ),
    "xlsx_chart_sheet": lambda: {BASELINE: None, BASELINE.replace(".csv", ".xlsx"): xlsx_with_chart_sheet()},
    "nul_bytes": lambda: {
        BASELINE: csv_text(BASE_HEADER, BASE_ROWS)
        .encode()
        .replace(b"Budi", b"Bu\x00di")
        .replace(b"KSPN", b"KS\x00PN\x00")
    },
    "cut_in_quoted_field": lambda: _cut_followup("quote"),
    "cut_after_delimiter": lambda: _cut_followup("delimiter"),
    "formula_text": lambda: _baseline(
        _edit(
            _edit(
                BASE_ROWS,
                BASE_HEADER,
                0,
                respondent__district='=HYPERLINK("http://x","y")',
                union__federation="+cmd",
            ),
            BASE_HEADER,
            1,
            respondent__district="@SUM(A1)",
            income__current_monthly="=1+1",
        )
    ),
    "absurd_amounts": lambda: _baseline(
        _edit(
            _edit(
                _edit(BASE_ROWS, BASE_HEADER, 0, employment__last_monthly_wage="-500000"),
                BASE_HEADER,
                1,
                employment__last_monthly_wage="0",
                income__current_monthly="Rp 1e15",
            ),
            BASE_HEADER,
            2,
            employment__last_monthly_wage="1000000000000000",
        )
    ),
    "extreme_dates": lambda: {
        **_baseline(
            _edit(
                _edit(BASE_ROWS, BASE_HEADER, 0, employment__layoff_date="1900-01-01"),
                BASE_HEADER,
                1,
                employment__layoff_date="2100-06-30",
            )
        ),
        FOLLOWUP: csv_text(
            FU_HEADER,
            _edit(
                FU_ROWS,
                FU_HEADER,
                2,
                start="2023-08-15T09:00:00+07:00",
                _submission_time="2023-08-15T02:30:00",
            ),
            sep=",",
        ).encode(),
    },
    "conflicting_duplicate": lambda: _baseline(
        [
            *BASE_ROWS,
            _edit(
                BASE_ROWS,
                BASE_HEADER,
                1,
                respondent__gender="P",
                employment__last_monthly_wage="5100000",
                _submission_time="2023-09-13T03:00:00",
            )[1],
        ]
    ),
    "unknown_resellers": lambda: {
        ORDERS: csv_text(
            ORDER_HEADER,
            [
                *ORDER_ROWS,
                [
                    "ORD-6",
                    "2023-10-07T10:00:00+07:00",
                    "EVM-99999999",
                    "fashion",
                    "1",
                    "50000",
                    "5000",
                    "Selesai",
                ],
                [
                    "ORD-7",
                    "2023-10-08T10:00:00+07:00",
                    "EVM-99999998",
                    "rumah",
                    "1",
                    "70000",
                    "7000",
                    "Selesai",
                ],
            ],
            sep=",",
            quote_all=False,
        ).encode()
    },
    "bad_participant_codes": lambda: _baseline(
        _edit(
            _edit(BASE_ROWS, BASE_HEADER, 0, participant_code="SKB-23-1X"),
            BASE_HEADER,
            2,
            participant_code="peserta tiga",
        )
    ),
    "xlsx_broken_sheet": lambda: {BASELINE: None, BASELINE.replace(".csv", ".xlsx"): xlsx_broken_sheet()},
    "zip_bomb_xlsx": lambda: {BASELINE: None, BASELINE.replace(".csv", ".xlsx"): zip_bomb()},
    "xlsx_not_zip": lambda: {
        BASELINE: None,
        BASELINE.replace(".csv", ".xlsx"): csv_text(BASE_HEADER, BASE_ROWS).encode(),
    },
}


def write_case(root: Path, changes: dict[str, bytes | None]) -> Path:
    """Write the base with ``changes`` applied (``None`` removes a file) as ``root/raw``; return it."""
    raw = Path(root) / "raw"
    if raw.exists():
        shutil.rmtree(raw)
    files: dict[str, bytes | None] = {**base_files(), **changes}
    for rel, data in sorted(files.items()):
        if data is None:
            continue
        (raw / rel).parent.mkdir(parents=True, exist_ok=True)
        (raw / rel).write_bytes(data)
    (raw / "SYNTHETIC_SAMPLE.txt").write_text(MARKER)
    return raw


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--big-cell", type=Path, help="write only the 10 MB-cell case into this folder")
    args = p.parse_args(argv)
    if args.big_cell:
        write_case(args.big_cell, big_cell())
        return
    for case, build in CASES.items():
        write_case(HERE / case, build())


if __name__ == "__main__":
    main()
