"""The annual report as an Excel workbook: a sheet per table, then the 校验 (checks) sheet.

Each table sheet: the title (row 1), the period and snapshot dates (row 2), the column groups
(row 3, merged across their columns) and every column's title (row 4), then a row per unit;
the total row is bold; a figure that is not recorded reads 未录入. A table's note goes under
its rows. When a check fails or warns, the first sheet and the checks sheet open with a
highlighted line saying so, above everything else.
"""

from __future__ import annotations

import io
from itertools import groupby

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from partycloud.core.spreadsheets import ERROR_FILL, HEADER_FILL
from partycloud.statistics.report import RESULT_TITLES, TOTAL_LABEL, UNRECORDED, AnnualReport, Table

HEADER_ROWS = 4  # title, dates, column groups, column titles
CHECKS_SHEET = "校验"
CHECK_HEADERS = ("校验项", "单位", "表", "左值", "关系", "右值", "结果", "涉及记录")
_WARNING_FONT = Font(bold=True, color="9C0006")
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _header(sheet: Worksheet, row: int, column: int, value: str) -> None:
    cell = sheet.cell(row, column, value)
    cell.font = _HEADER_FONT
    cell.fill = HEADER_FILL
    cell.alignment = _CENTER


def _summary_row(sheet: Worksheet, report: AnnualReport, width: int) -> int:
    """The warning line at the top (row 1) when the report has one: the rows below move down."""
    if not report.summary:
        return 0
    cell = sheet.cell(1, 1, report.summary)
    cell.font = _WARNING_FONT
    cell.fill = ERROR_FILL
    if width > 1:
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    return 1


def _cell_value(row: dict[str, object], key: str) -> object:
    value = row.get(key)
    return UNRECORDED if value is None else value


def _table_sheet(sheet: Worksheet, report: AnnualReport, table: Table, *, first: bool) -> None:
    width = len(table.columns)
    top = _summary_row(sheet, report, width) if first else 0
    sheet.cell(top + 1, 1, f"{report.title}　{table.title}").font = Font(bold=True, size=14)
    sheet.cell(
        top + 2,
        1,
        f"{report.period}　统计时点：{report.day.isoformat()}（上年同期：{report.start.isoformat()}）　单位：人、个",
    )
    if width > 1:
        sheet.merge_cells(start_row=top + 1, start_column=1, end_row=top + 1, end_column=width)
        sheet.merge_cells(start_row=top + 2, start_column=1, end_row=top + 2, end_column=width)
    position = 1
    for group, grouped in groupby(table.columns, key=lambda c: c.group):
        block = list(grouped)
        for offset, column in enumerate(block):
            _header(sheet, top + 4, position + offset, column.title)
            _header(sheet, top + 3, position + offset, group)
            sheet.column_dimensions[get_column_letter(position + offset)].width = max(10, len(column.title) * 2 + 2)
        if group and len(block) > 1:
            sheet.merge_cells(
                start_row=top + 3, start_column=position, end_row=top + 3, end_column=position + len(block) - 1
            )
        position += len(block)
    sheet.column_dimensions["A"].width = max(16, *(len(str(row["unit"])) * 2 + 2 for row in table.rows))
    for row in table.rows:
        sheet.append([row["unit"] if c.kind == "label" else _cell_value(row, c.key) for c in table.columns])
        for index, column in enumerate(table.columns, start=1):
            written = sheet.cell(sheet.max_row, index)
            if column.kind == "percent":
                written.number_format = "0.0"
            if row["unit"] == TOTAL_LABEL:
                written.font = Font(bold=True)
    if table.note:
        sheet.append([])
        sheet.append([table.note])
    sheet.freeze_panes = f"B{top + HEADER_ROWS + 1}"


def _checks_sheet(sheet: Worksheet, report: AnnualReport) -> None:
    top = _summary_row(sheet, report, len(CHECK_HEADERS))
    for index, title in enumerate(CHECK_HEADERS, start=1):
        _header(sheet, top + 1, index, title)
    titles = {table.key: table.title for table in report.tables}
    for check in report.checks:
        sheet.append(
            [
                check.description,
                check.unit,
                titles.get(check.table, check.table),
                UNRECORDED if check.left is None else check.left,
                check.relation,
                UNRECORDED if check.right is None else check.right,
                RESULT_TITLES[check.result],
                check.detail,
            ]
        )
        if not check.ok:
            for cell in sheet[sheet.max_row]:
                cell.fill = ERROR_FILL
    for letter, width in zip("ABCDEFGH", (60, 24, 24, 10, 6, 10, 8, 60), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = f"A{top + 2}"


def report_workbook(report: AnnualReport) -> bytes:
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    workbook.remove(first)
    for index, table in enumerate(report.tables):
        _table_sheet(workbook.create_sheet(table.sheet_name), report, table, first=index == 0)
    _checks_sheet(workbook.create_sheet(CHECKS_SHEET), report)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
