"""Read a people file, CSV or XLSX, into columns and rows of text (with tablib)."""

import io
from dataclasses import dataclass
from typing import Any

import tablib

from tandem.core.errors import DomainError

MAX_ROWS = 200_000
COLUMNS = (
    "email",
    "full_name",
    "department",
    "title",
    "manager_email",
    "time_zone",
    "location",
    "role",
)
# Other spellings people use for the same columns.
ALIASES = {
    "e-mail": "email",
    "email_address": "email",
    "name": "full_name",
    "manager": "manager_email",
    "timezone": "time_zone",
}


@dataclass(frozen=True)
class Table:
    """A file's columns (normalized names) and its rows of text, without the header."""

    columns: list[str]
    rows: list[list[str]]


def _column_name(header: Any) -> str:
    name = str(header or "").strip().lower().replace(" ", "_")
    return ALIASES.get(name, name)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def import_file_read(*, name: str, content: bytes) -> Table:
    """Read a CSV or XLSX file into a table, or raise a DomainError that says what is wrong."""
    kind = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if kind not in ("csv", "xlsx"):
        raise DomainError(
            "Upload a CSV file (.csv) or an Excel workbook (.xlsx); this file is neither.",
            field="file",
        )
    dataset = tablib.Dataset()
    try:
        if kind == "csv":
            try:
                text = content.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = content.decode("cp1252", errors="replace")
            dataset.load(text, format="csv")
        else:
            dataset.load(io.BytesIO(content), format="xlsx")
    except tablib.InvalidDimensions:
        raise DomainError(
            "A row of the file has more cells than the first row has column names.", field="file"
        ) from None
    except Exception:
        # Anything the reader trips on is a damaged or mislabelled file, not our error.
        raise DomainError(
            f"This file could not be read as {kind.upper()}. Save it again as "
            f"{'CSV (UTF-8)' if kind == 'csv' else 'an Excel workbook (.xlsx)'} and retry.",
            field="file",
        ) from None
    columns = [_column_name(h) for h in dataset.headers or []]
    if not any(columns):
        raise DomainError("The file is empty.", field="file")
    if "email" not in columns:
        raise DomainError(
            "The first row must name the columns, and one of them must be “email”.", field="file"
        )
    repeated = sorted({c for c in columns if c and columns.count(c) > 1})
    if repeated:
        raise DomainError(f"The column “{repeated[0]}” appears twice.", field="file")
    if dataset.height == 0:
        raise DomainError("The file has column names but no people.", field="file")
    if dataset.height > MAX_ROWS:
        raise DomainError(
            f"The file has {dataset.height:,} rows; at most {MAX_ROWS:,} can be imported at once.",
            field="file",
        )
    rows = [[_cell(value) for value in row] for row in dataset]
    return Table(columns=columns, rows=rows)
