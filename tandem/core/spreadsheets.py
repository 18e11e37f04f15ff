"""Write a table as a CSV or Excel file, and send it as a download.

Every export of Tandem goes through here, so one rule keeps text that looks like a
formula as the text people typed (OWASP's advice on CSV injection): a spreadsheet opening
the file would otherwise run it.
"""

import io
from collections.abc import Iterable, Sequence

import tablib
from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

# What a spreadsheet takes for the start of a formula in a cell.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

Value = str | int | float
Row = Sequence[Value]


def looks_like_formula(value: Value) -> bool:
    return isinstance(value, str) and value[:1] in FORMULA_STARTS


def csv_text(value: Value) -> Value:
    """Return the value, with a quote before text a spreadsheet would run as a formula."""
    return f"'{value}" if looks_like_formula(value) else value


def csv_bytes(headers: Sequence[str], rows: Iterable[Row]) -> bytes:
    """Write the rows under their headers as CSV."""
    dataset = tablib.Dataset(headers=[str(csv_text(h)) for h in headers])
    for row in rows:
        dataset.append([csv_text(value) for value in row])
    # With the byte-order mark, Excel reads accented names right.
    return str(dataset.export("csv")).encode("utf-8-sig")


def xlsx_bytes(headers: Sequence[str], rows: Iterable[Row], *, title: str) -> bytes:
    """Write the rows under bold headers on one sheet of an Excel workbook."""
    # openpyxl's write-only sheet streams the rows: twice as quick as tablib's workbook,
    # which makes and then walks a cell object for each of a million values.
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.freeze_panes = "A2"
    header = [_text_cell(sheet, name) for name in headers]
    for cell in header:
        cell.font = Font(bold=True)
    sheet.append(header)
    for row in rows:
        sheet.append([_text_cell(sheet, v) if looks_like_formula(v) else v for v in row])
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def _text_cell(sheet: WriteOnlyWorksheet, value: Value) -> Cell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def file_name(*, slug: str, what: str, file_format: str) -> str:
    """Name a download "<organization>-<list>-<date>.<format>", dated in the reader's zone."""
    return f"{slug}-{what}-{timezone.localdate():%Y-%m-%d}.{file_format}"


def spreadsheet_response(
    *,
    headers: Sequence[str],
    rows: Iterable[Row],
    file_format: str,
    name: str,
    title: str,
) -> HttpResponse:
    """Send the rows as a CSV or Excel download with this file name."""
    content = (
        xlsx_bytes(headers, rows, title=title)
        if file_format == "xlsx"
        else csv_bytes(headers, rows)
    )
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
