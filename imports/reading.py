"""Reading an uploaded spreadsheet into rows: CSV (comma or semicolon, UTF-8 or the Windows
encoding Excel saves in) or XLSX, through tablib as django-import-export does."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import tablib
from django.utils.translation import gettext as _
from import_export.formats.base_formats import XLSX

# A project's history is thousands of rows, not millions; a bigger file is a mistake.
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message is for the user."""


@dataclass(frozen=True)
class SheetRow:
    number: int  # the row in the spreadsheet: the header is row 1
    cells: dict[str, object]


def column_key(header: object) -> str:
    """A header as the code knows it: "Birth year " and "birth_year" are the same column."""
    return "_".join(str(header or "").strip().casefold().replace("-", " ").split())


def _text_of(content: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("The file is not a text file that can be read as CSV."))


def _csv_dataset(content: bytes) -> tablib.Dataset:
    text = _text_of(content)
    first_line = text.split("\n", 1)[0]
    # Swedish Excel saves CSV with semicolons; the example files use commas.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as error:
        message = _("The CSV file could not be read: %(error)s") % {"error": error}
        raise ImportFileError(message) from error
    dataset = tablib.Dataset()
    if rows:
        width = len(rows[0])
        dataset.headers = rows[0]
        for row in rows[1:]:
            dataset.append((row + [""] * width)[:width])
    return dataset


def _xlsx_dataset(content: bytes) -> tablib.Dataset:
    try:
        return XLSX().create_dataset(content)
    except Exception as error:  # openpyxl raises many kinds for a file that is not XLSX
        raise ImportFileError(
            _("The file could not be read as an Excel file (XLSX). Save it as XLSX or CSV.")
        ) from error


def read_rows(file_name: str, content: bytes) -> tuple[list[str], list[SheetRow]]:
    """The column keys and the non-empty rows of the file's first sheet."""
    if len(content) > MAX_FILE_BYTES:
        raise ImportFileError(
            _("The file is larger than %(size)s MB. Split it into several files.")
            % {"size": MAX_FILE_BYTES // (1024 * 1024)}
        )
    name = file_name.lower()
    if name.endswith(".xlsx"):
        dataset = _xlsx_dataset(content)
    elif name.endswith((".csv", ".txt")):
        dataset = _csv_dataset(content)
    else:
        raise ImportFileError(_("Upload a CSV or XLSX file."))
    headers = [column_key(h) for h in (dataset.headers or [])]
    if not any(headers):
        raise ImportFileError(_("The file has no header row with the column names."))
    rows: list[SheetRow] = []
    for index, values in enumerate(dataset, start=2):
        cells = {key: _cell(value) for key, value in zip(headers, values, strict=False) if key}
        if any(value != "" for value in cells.values()):
            rows.append(SheetRow(index, cells))
        if len(rows) > MAX_ROWS:
            raise ImportFileError(
                _("The file has more than %(rows)s rows. Split it into several files.")
                % {"rows": f"{MAX_ROWS:,}".replace(",", "\u00a0")}
            )
    return headers, rows


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    return value
