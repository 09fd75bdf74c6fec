"""Table downloads: formula escaping, CSV for Swedish Excel, XLSX with real numbers."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from fokus.exports import escape_formula, table_response


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://evil.example")', '\'=HYPERLINK("http://evil.example")'),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Bra = bra", "Bra = bra"),
        ("", ""),
        (-2, -2),
        (Decimal("-2.5"), Decimal("-2.5")),
        (1.5, 1.5),
        (None, None),
    ],
)
def test_it_escapes_only_texts_that_start_like_a_formula(value, expected):
    assert escape_formula(value) == expected


ROWS = [
    [1, "=SUM(A1:A2)", Decimal("94.4"), None],
    [2, 'Åsa, "citat"; semikolon\nny rad', Decimal("-2.5"), date(2026, 3, 1)],
    [3, "kontroll\x0btecken", 7, "@x"],
]
HEADERS = ["Nr", "Text", "Andel", "Datum"]


def test_it_writes_csv_for_swedish_excel():
    response = table_response("enkätresultat", HEADERS, ROWS, "csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "enk%C3%A4tresultat.csv" in response["Content-Disposition"]
    raw = response.content
    assert raw.startswith("\ufeff".encode())
    text = raw.decode("utf-8")[1:]
    assert text.splitlines()[0] == "Nr;Text;Andel;Datum"
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[1] == ["1", "'=SUM(A1:A2)", "94,4", ""]
    # Numbers are not escaped; they keep their minus sign and get a decimal comma.
    assert rows[2] == ["2", 'Åsa, "citat"; semikolon\nny rad', "-2,5", "2026-03-01"]
    assert rows[3][3] == "'@x"


def test_it_writes_xlsx_with_numbers_and_no_formulas():
    response = table_response("results", HEADERS, ROWS, "xlsx")
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Cache-Control"] == "no-store"
    assert 'filename="results.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == HEADERS
    assert rows[1][:3] == [1, "'=SUM(A1:A2)", 94.4]
    assert rows[2][2] == -2.5
    # A control character an XLSX cell cannot hold is dropped instead of failing.
    assert rows[3][1] == "kontrolltecken"
    assert rows[3][3] == "'@x"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_it_refuses_an_unknown_format():
    with pytest.raises(ValueError):
        table_response("x", HEADERS, ROWS, "pdf")
