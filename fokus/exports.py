"""Tables as downloads: CSV for Swedish Excel and XLSX, both safe to open.

CSV: UTF-8 with a byte-order mark and semicolons between the fields. Swedish Excel uses the
comma as its decimal separator, so it splits a double-clicked CSV file on semicolons, and it
needs the BOM to read the file as UTF-8 (å, ä, ö). Decimals are written with a decimal comma so
that Excel reads them as numbers. XLSX: numbers stay numbers.

Every cell goes through `escape_formula` first: a text that starts like a formula ("=", "+",
"-", "@", a tab or a carriage return) is prefixed with an apostrophe, so that a free-text answer
such as `=HYPERLINK(...)` is shown as text instead of being run (CSV/formula injection).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

import tablib
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.text import get_valid_filename

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("csv", "xlsx")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Control characters that an XLSX cell cannot hold (openpyxl refuses them); tab, newline and
# carriage return are allowed.
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def escape_formula(value):
    """The value, with a leading apostrophe if it is a text a spreadsheet would take for a
    formula. Numbers, dates and None are returned untouched."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal | float):
        return str(value).replace(".", ",")
    if isinstance(value, datetime | date):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    return str(value)


def _xlsx_cell(value):
    if value is None:
        return ""
    if isinstance(value, str):
        return _XLSX_ILLEGAL.sub("", value)
    if isinstance(value, datetime) and value.tzinfo is not None:
        # Excel has no time zones; openpyxl refuses aware datetimes.
        return value.replace(tzinfo=None)
    return value


def _csv_bytes(headers: Sequence, rows: Iterable[Sequence]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([_csv_cell(escape_formula(h)) for h in headers])
    for row in rows:
        writer.writerow([_csv_cell(escape_formula(value)) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx_bytes(headers: Sequence, rows: Iterable[Sequence], title: str) -> bytes:
    dataset = tablib.Dataset(headers=[_xlsx_cell(escape_formula(h)) for h in headers])
    dataset.title = title[:31]
    for row in rows:
        dataset.append([_xlsx_cell(escape_formula(value)) for value in row])
    return dataset.export("xlsx")


def table_response(
    filename_stem: str, headers: Sequence, rows: Iterable[Sequence], fmt: str
) -> HttpResponse:
    """A download of one table as "csv" or "xlsx" (see the module docstring). The response is
    an attachment that no cache keeps: exports may hold personal data."""
    stem = get_valid_filename(filename_stem) or "export"
    if fmt == "csv":
        content, content_type = _csv_bytes(headers, rows), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        content, content_type = _xlsx_bytes(headers, rows, stem), XLSX_CONTENT_TYPE
    else:
        raise ValueError(f"Unknown export format {fmt!r}")
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, f"{stem}.{fmt}")
    response["Cache-Control"] = "no-store"
    return response
