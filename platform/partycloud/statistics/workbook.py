"""The annual report as an Excel workbook: a sheet per table, then the 校验 (checks) sheet.

Each table sheet: the title (row 1), the snapshot dates (row 2), the column groups (row 3,
merged across their columns) and every column's title (row 4), then a row per unit; the
total row is bold. A table without recorded data carries its note under the rows.
"""

from __future__ import annotations

import io
from itertools import groupby

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from partycloud.core.spreadsheets import ERROR_FILL, HEADER_FILL
from partycloud.statistics.report import TOTAL_LABEL, AnnualReport, Table

HEADER_ROWS = 4  # title, dates, column groups, column titles
CHECKS_SHEET = "校验"
CHECK_HEADERS = ("校验项", "单位", "表", "左值", "关系", "右值", "结果")
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _header(sheet: Worksheet, row: int, column: int, value: str) -> None:
    cell = sheet.cell(row, column, value)
    cell.font = _HEADER_FONT
    cell.fill = HEADER_FILL
    cell.alignment = _CENTER


def _table_sheet(sheet: Worksheet, report: AnnualReport, table: Table) -> None:
    width = len(table.columns)
    sheet.cell(1, 1, f"{report.title}　{table.title}").font = Font(bold=True, size=14)
    sheet.cell(2, 1, f"统计时点：{report.day.isoformat()}（上年同期：{report.start.isoformat()}）　单位：人、个")
    if width > 1:
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
        sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    position = 1
    for group, grouped in groupby(table.columns, key=lambda c: c.group):
        block = list(grouped)
        for offset, column in enumerate(block):
            _header(sheet, 4, position + offset, column.title)
            _header(sheet, 3, position + offset, group)
            sheet.column_dimensions[get_column_letter(position + offset)].width = max(10, len(column.title) * 2 + 2)
        if group and len(block) > 1:
            sheet.merge_cells(start_row=3, start_column=position, end_row=3, end_column=position + len(block) - 1)
        position += len(block)
    sheet.column_dimensions["A"].width = max(16, *(len(str(row["unit"])) * 2 + 2 for row in table.rows))
    for row in table.rows:
        sheet.append([row["unit"] if c.kind == "label" else row.get(c.key) for c in table.columns])
        for index, column in enumerate(table.columns, start=1):
            written = sheet.cell(sheet.max_row, index)
            if column.kind == "percent":
                written.number_format = "0.0"
            if row["unit"] == TOTAL_LABEL:
                written.font = Font(bold=True)
    if table.note:
        sheet.append([])
        sheet.append([table.note])
    sheet.freeze_panes = f"B{HEADER_ROWS + 1}"


def _checks_sheet(sheet: Worksheet, report: AnnualReport) -> None:
    for index, title in enumerate(CHECK_HEADERS, start=1):
        _header(sheet, 1, index, title)
    titles = {table.key: table.title for table in report.tables}
    for check in report.checks:
        sheet.append(
            [
                check.description,
                check.unit,
                titles.get(check.table, check.table),
                check.left,
                check.relation,
                check.right,
                "通过" if check.ok else "不通过",
            ]
        )
        if not check.ok:
            for cell in sheet[sheet.max_row]:
                cell.fill = ERROR_FILL
    for letter, width in zip("ABCDEFG", (60, 24, 24, 10, 6, 10, 8), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"


def report_workbook(report: AnnualReport) -> bytes:
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    workbook.remove(first)
    for table in report.tables:
        _table_sheet(workbook.create_sheet(table.sheet_name), report, table)
    _checks_sheet(workbook.create_sheet(CHECKS_SHEET), report)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
