"""Reading and writing the spreadsheets party workers actually use.

- ``read_cells``: an .xlsx or .csv upload as rows of cells; ``read_table`` keys them by
  exact headers on the first row (imports that take other systems' sheets use
  ``core.sheetmapping`` instead: header variants, title rows, column mapping).
- ``parse_date``: 2019-03-01, 2019.03.01, 2019/3/1, 2019年3月1日, 20190301, Excel date cells
  and serial numbers, full-width digits and stray spaces; ``parse_partial_date`` also takes a
  year and month (201907, 2019.07, 2019年7月) and says so.
- ``RowErrors``: per-row, per-column problems; ``error_report`` writes the uploaded rows
  back with a 错误说明 column so the user can fix them in place and re-import.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import islice
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

_DATE_PATTERNS = [
    re.compile(r"^(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]
_MONTH_PATTERNS = [
    re.compile(r"^(\d{4})[-./年](\d{1,2})月?$"),
    re.compile(r"^(\d{4})(\d{2})$"),
]
# Excel stores dates as days since 1899-12-30; a number cell in this range is a date typed as a number.
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_SERIALS = range(1, 73051)  # up to 2099-12-31
HEADER_FILL = PatternFill("solid", fgColor="C8161D")
ERROR_FILL = PatternFill("solid", fgColor="FDE2E2")


class SpreadsheetError(ValueError):
    """The file itself cannot be read (wrong type, missing columns)."""


def clean(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


def parse_partial_date(value: Any) -> tuple[date | None, bool]:
    """(date, whole) from a cell: whole is False for a year and month (the 1st of the month is
    returned). (None, True) when the cell is empty; ValueError when it is not a date."""
    if isinstance(value, datetime):
        return value.date(), True
    if isinstance(value, date):
        return value, True
    if isinstance(value, int | float) and not isinstance(value, bool) and int(value) in _EXCEL_SERIALS:
        return _EXCEL_EPOCH + timedelta(days=int(value)), True
    text = clean(value).replace(" ", "")
    if not text:
        return None, True
    for patterns, whole in ((_DATE_PATTERNS, True), (_MONTH_PATTERNS, False)):
        for pattern in patterns:
            match = pattern.match(text)
            if match:
                year, month, day = (*(int(part) for part in match.groups()), 1)[:3]
                return date(year, month, day), whole
    raise ValueError(text)


def parse_date(value: Any) -> date | None:
    """A date from a cell; None when the cell is empty; ValueError when it is not a date."""
    return parse_partial_date(value)[0]


def read_cells(content: bytes, filename: str, limit: int | None = None) -> list[list[Any]]:
    """The rows of the first sheet (or the CSV) as lists of cells — the first ``limit`` only, when
    given (a look at the header needs no 20 MB parse); SpreadsheetError when unreadable."""
    if filename.lower().endswith(".csv"):
        text = content.decode("utf-8-sig", errors="replace")
        raw_rows: list[list[Any]] = list(islice(csv.reader(io.StringIO(text)), limit))
    elif filename.lower().endswith((".xlsx", ".xlsm")):
        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
        except Exception as error:
            raise SpreadsheetError("unreadable") from error
        raw_rows = [list(row) for row in islice(sheet.iter_rows(values_only=True), limit)]
    else:
        raise SpreadsheetError("type")
    if not raw_rows:
        raise SpreadsheetError("empty")
    return raw_rows


def read_table(
    content: bytes, filename: str, expected: Sequence[str], optional: Sequence[str] = ()
) -> list[tuple[int, dict[str, Any]]]:
    """Rows (with their spreadsheet row number) keyed by the expected headers on the first row, and
    by the ``optional`` ones the sheet has."""
    raw_rows = read_cells(content, filename)
    headers = [clean(cell) for cell in raw_rows[0]]
    missing = [name for name in expected if name not in headers]
    if missing:
        raise SpreadsheetError("columns:" + "、".join(missing))
    positions = {name: headers.index(name) for name in [*expected, *optional] if name in headers}
    rows = []
    for number, raw in enumerate(raw_rows[1:], start=2):
        if all(clean(cell) == "" for cell in raw):
            continue
        rows.append((number, {name: raw[index] if index < len(raw) else None for name, index in positions.items()}))
    return rows


@dataclass
class RowErrors:
    """Problems found in an upload: {row number: {column: message}}."""

    by_row: dict[int, dict[str, str]] = field(default_factory=dict)

    def add(self, row: int, column: str, message: str) -> None:
        self.by_row.setdefault(row, {}).setdefault(column, message)

    def __bool__(self) -> bool:
        return bool(self.by_row)

    def count(self) -> int:
        return sum(len(columns) for columns in self.by_row.values())

    def as_list(self, limit: int = 500) -> list[dict[str, Any]]:
        items = [
            {"row": row, "column": column, "message": message}
            for row, columns in sorted(self.by_row.items())
            for column, message in columns.items()
        ]
        return items[:limit]


def workbook_bytes(
    title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], notes: Sequence[str] = ()
) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center")
    for row in rows:
        sheet.append(list(row))
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(str(header)) * 2 + 4)
    if notes:
        help_sheet = workbook.create_sheet("填写说明")
        for note in notes:
            help_sheet.append([note])
        help_sheet.column_dimensions["A"].width = 100
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def error_report(headers: Sequence[str], rows: list[tuple[int, dict[str, Any]]], errors: RowErrors) -> bytes:
    """The uploaded rows with a 错误说明 column; cells at fault are shaded."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "错误报告"
    sheet.append(["原行号", *headers, "错误说明"])
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
    for number, row in rows:
        problems = errors.by_row.get(number, {})
        sheet.append(
            [number, *(clean(row.get(h)) for h in headers), "；".join(f"{c}：{m}" for c, m in problems.items())]
        )
        for column in problems:
            if column in headers:
                sheet.cell(sheet.max_row, headers.index(column) + 2).fill = ERROR_FILL
    sheet.column_dimensions[get_column_letter(len(headers) + 2)].width = 60
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    """A workbook download; the (Chinese) file name in RFC 5987 form."""
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
